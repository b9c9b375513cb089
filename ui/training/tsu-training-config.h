/* tsu-training-config.h — the panel that edits the project's "training"
 * object: epochs, batch size, seed, threads, the optimizer and its
 * parameters, the learning-rate schedule.
 *
 * It never touches the document: tsu_training_config_load() fills it from
 * a project, and each user edit emits "edited"; the owner then calls
 * tsu_training_config_dup_json() and applies the text to its document. */
#pragma once

#include <gtk/gtk.h>

#include "tsumiki.h"

G_BEGIN_DECLS

#define TSU_TYPE_TRAINING_CONFIG (tsu_training_config_get_type ())
G_DECLARE_FINAL_TYPE (TsuTrainingConfig, tsu_training_config, TSU, TRAINING_CONFIG, GtkWidget)

GtkWidget *tsu_training_config_new       (void);
/* Shows the project's values (defaults where it says nothing) and the
 * first problem tsu_train_config_read finds. */
void       tsu_training_config_load      (TsuTrainingConfig *self,
                                          const tsu_project *project);
/* The values shown. */
void       tsu_training_config_get       (TsuTrainingConfig *self,
                                          tsu_train_config  *config);
/* The new "training" object as JSON text, built on the loaded one. */
char      *tsu_training_config_dup_json  (TsuTrainingConfig *self);

G_END_DECLS
