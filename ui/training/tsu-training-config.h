/* tsu-training-config.h — the panel that edits the project's "training"
 * object: epochs, batch size, seed, threads, the optimizer and its
 * parameters, the learning-rate schedule.
 *
 * Its labels, tooltips, ranges and choices come from the engine's settings
 * table (docs/training.md). It never touches the document:
 * tsu_training_config_load() fills it from a project, and each user edit
 * emits "edited" with the tsu_train_setting changed; the owner then writes
 * that one setting with tsu_project_set_training_setting(), so a wrong
 * value loaded from the file is reported, not replaced behind its back. */
#pragma once

#include <gtk/gtk.h>

#include "tsumiki.h"

G_BEGIN_DECLS

#define TSU_TYPE_TRAINING_CONFIG (tsu_training_config_get_type ())
G_DECLARE_FINAL_TYPE (TsuTrainingConfig, tsu_training_config, TSU, TRAINING_CONFIG, GtkWidget)

GtkWidget *tsu_training_config_new       (void);
/* Shows the project's values (defaults where it says nothing or is wrong)
 * and every problem tsu_project_get_training finds. */
void       tsu_training_config_load      (TsuTrainingConfig *self,
                                          const tsu_project *project);
/* The values shown. */
void       tsu_training_config_get       (TsuTrainingConfig *self,
                                          tsu_train_config  *config);
/* The field editing a setting (GtkSpinButton or GtkDropDown). */
GtkWidget *tsu_training_config_get_field (TsuTrainingConfig *self,
                                          tsu_train_setting  setting);
/* The problems shown ("training.epochs: expected ..."), or NULL. */
const char *tsu_training_config_get_problem (TsuTrainingConfig *self);

G_END_DECLS
