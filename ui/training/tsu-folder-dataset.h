/* tsu-folder-dataset.h — the Data page's "Create dataset from folder…"
 * without widgets: a preview of what `tsumiki-cli dataset create` would
 * write (classes, readable pictures, the first few prepared as the engine
 * prepares them, skipped files with reasons), the creation itself as a
 * TsuWorker job with progress and cancel, and what the project takes from
 * the result (its dataset section, the Input shape). Plain C over GLib;
 * the jobs run in a worker thread. */
#pragma once

#include <gio/gio.h>

#include "tsumiki.h"

G_BEGIN_DECLS

/* Prepared pictures shown per class. */
#define TSU_FOLDER_PREVIEW_SAMPLES 6

typedef struct _TsuFolderPreview
{
  char         *folder;
  tsu_image_prep prep;
  tsu_folder_scan scan;
  int          *readable;   /* per class: pictures that will be written */
  GPtrArray   **samples;    /* per class: tsu_image *, the first readable ones, prepared */
  GPtrArray    *skipped;    /* char *: "PATH: reason" for each unreadable picture */
} TsuFolderPreview;

/* Reads every picture of folder as the builder will (tsu_image_prepare)
 * and keeps the first few; errors are the scan's (no class folders, an
 * empty class). A TsuWorkFunc's body: cancellable stops it between
 * pictures. */
TsuFolderPreview *tsu_folder_preview_build (const char           *folder,
                                            const tsu_image_prep *prep,
                                            GCancellable         *cancellable,
                                            GError              **error);
void              tsu_folder_preview_free  (TsuFolderPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuFolderPreview, tsu_folder_preview_free)

/* A creation: tsu_folder_dataset_create in a worker thread (run it with
 * tsu_worker_run (w, tsu_folder_job_run, job, tsu_folder_job_unref,
 * tsu_folder_job_report_free)); its progress is read from the main loop.
 * Cancelling the worker's job stops the builder after the picture at
 * hand, and the output folder is left as it was. */
typedef struct _TsuFolderJob TsuFolderJob;
TsuFolderJob *tsu_folder_job_new      (const char           *folder,
                                       const char           *out_dir,
                                       const tsu_image_prep *prep,
                                       double                validation,
                                       guint64               seed);
TsuFolderJob *tsu_folder_job_ref      (TsuFolderJob *job);
void          tsu_folder_job_unref    (TsuFolderJob *job);
/* Pictures done and in all (0 of 0 before the scan). Any thread. */
void          tsu_folder_job_progress (TsuFolderJob *job,
                                       int          *done,
                                       int          *total);
/* Returns a g_new'd tsu_folder_report, or an error with the engine's
 * message. */
gpointer      tsu_folder_job_run      (gpointer       job,
                                       GCancellable  *cancellable,
                                       GError       **error);
void          tsu_folder_job_report_free (gpointer report);

/* The project's dataset section for a dataset made into out_dir: csv
 * sources for training.csv and (with_validation) validation.csv, paths
 * relative to project_dir when inside it; without validation the entry is
 * absent. Clear with tsu_dataset_settings_clear. */
void      tsu_folder_dataset_settings (const char           *project_dir,
                                       const char           *out_dir,
                                       gboolean              with_validation,
                                       tsu_dataset_settings *out);

/* The first Input node of project whose shape is not the pictures'
 * ([3, H, W], or [1, H, W] grayscale): its id (g_free) and the shape to
 * give it. FALSE when there is no Input or it already matches. */
gboolean  tsu_folder_input_offer      (const tsu_project    *project,
                                       const tsu_image_prep *prep,
                                       char                **node_id,
                                       tsu_value            *shape);

G_END_DECLS
