/* tsu-training-json.h — writes a tsu_train_config back as the project's
 * "training" object (DESIGN.md section 3), keeping the file small: keys
 * the previous object did not have are only written when they differ from
 * the engine's defaults, and unknown keys survive. Plain C over json-c. */
#pragma once

#include <glib.h>

#include "tsumiki.h"

G_BEGIN_DECLS

struct json_object;

/* A new "training" object (the caller owns the reference). previous may
 * be NULL. */
struct json_object *tsu_training_json_from_config (const tsu_train_config *config,
                                                   struct json_object     *previous);

/* The engine's defaults, as tsu_train_config_read gives them for an empty
 * "training" object. */
void tsu_training_config_defaults (tsu_train_config *config);

G_END_DECLS
