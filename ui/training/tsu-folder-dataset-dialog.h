/* tsu-folder-dataset-dialog.h — "Create dataset from folder…": choose a
 * folder of class folders, the picture size, fit, grayscale, validation
 * fraction and output folder; see the classes, their picture counts, the
 * skipped files and a few pictures per class as they will be written
 * (tsu-folder-dataset.h prepares them with the engine's own function);
 * then write it in the background with a progress bar and Cancel.
 * "created" reports the result for the owner to use. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-folder-dataset.h"

G_BEGIN_DECLS

#define TSU_TYPE_FOLDER_DATASET_DIALOG (tsu_folder_dataset_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TsuFolderDatasetDialog, tsu_folder_dataset_dialog, TSU, FOLDER_DATASET_DIALOG,
                      GtkWindow)

/* project_dir: where a new dataset folder is proposed (beside the project);
 * NULL for a project not yet saved: beside the pictures. */
GtkWidget *tsu_folder_dataset_dialog_new        (GtkWindow  *parent,
                                                 const char *project_dir);
/* The folder of class folders; starts the preview. */
void       tsu_folder_dataset_dialog_set_folder (TsuFolderDatasetDialog *self,
                                                 const char             *folder);
void       tsu_folder_dataset_dialog_set_out_dir (TsuFolderDatasetDialog *self,
                                                  const char             *out_dir);
/* What the dialog's fields say (they are the one record of it). */
void       tsu_folder_dataset_dialog_get_prep   (TsuFolderDatasetDialog *self,
                                                 tsu_image_prep         *prep);
/* The Create button: writes in the background. */
void       tsu_folder_dataset_dialog_create     (TsuFolderDatasetDialog *self);
/* The Cancel button while writing: stops, leaving the folder as it was. */
void       tsu_folder_dataset_dialog_cancel     (TsuFolderDatasetDialog *self);
/* A preview or a creation is running. */
gboolean   tsu_folder_dataset_dialog_get_busy   (TsuFolderDatasetDialog *self);
/* The status line: counts, the error, "Cancelled…", what was written. */
const char *tsu_folder_dataset_dialog_get_status (TsuFolderDatasetDialog *self);
/* The preview shown, NULL before one. */
const TsuFolderPreview *tsu_folder_dataset_dialog_get_preview (TsuFolderDatasetDialog *self);

/* Signal "created" (const char *out_dir, gboolean with_validation,
 * const tsu_image_prep *prep): the dataset is complete on disk. */

G_END_DECLS
