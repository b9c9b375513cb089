/* tsu-folder-dataset.c — preview, creation job and project edits of a
 * dataset made from a folder of class folders (docs/datasets.md). */
#include "tsu-folder-dataset.h"
#include "tsu-dataset-check.h"
#include "tsu-i18n.h"

#include <string.h>

static void
image_free (gpointer image)
{
  tsu_image_free (image);
  g_free (image);
}

TsuFolderPreview *
tsu_folder_preview_build (const char           *folder,
                          const tsu_image_prep *prep,
                          GCancellable         *cancellable,
                          GError              **error)
{
  g_autoptr(TsuFolderPreview) p = g_new0 (TsuFolderPreview, 1);
  tsu_diag diag;

  p->folder = g_strdup (folder);
  p->prep = *prep;
  p->skipped = g_ptr_array_new_with_free_func (g_free);
  tsu_diag_init (&diag);
  if (tsu_folder_scan_read (folder, &p->scan, &diag) != TSU_OK)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, tsu_diag_message (&diag, folder));
      tsu_diag_free (&diag);
      return NULL;
    }
  tsu_diag_free (&diag);
  p->readable = g_new0 (int, MAX (1, p->scan.n_classes));
  p->samples = g_new0 (GPtrArray *, MAX (1, p->scan.n_classes));
  for (int c = 0; c < p->scan.n_classes; c++)
    {
      const tsu_folder_class *cls = &p->scan.classes[c];
      p->samples[c] = g_ptr_array_new_with_free_func (image_free);
      for (int i = 0; i < cls->n_files; i++)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          g_autofree char *path = g_build_filename (folder, cls->name, cls->files[i], NULL);
          tsu_image *image = g_new0 (tsu_image, 1);
          tsu_diag_init (&diag);
          if (tsu_image_prepare (path, prep, image, &diag) == TSU_OK)
            {
              p->readable[c]++;
              if (p->samples[c]->len < TSU_FOLDER_PREVIEW_SAMPLES)
                image = (g_ptr_array_add (p->samples[c], image), NULL);
            }
          else
            g_ptr_array_add (p->skipped, g_strdup (tsu_diag_message (&diag, path)));
          if (image)
            image_free (image);
          tsu_diag_free (&diag);
        }
    }
  return g_steal_pointer (&p);
}

void
tsu_folder_preview_free (TsuFolderPreview *p)
{
  if (!p)
    return;
  for (int c = 0; p->samples && c < p->scan.n_classes; c++)
    g_ptr_array_unref (p->samples[c]);
  g_free (p->samples);
  g_free (p->readable);
  tsu_folder_scan_clear (&p->scan);
  g_clear_pointer (&p->skipped, g_ptr_array_unref);
  g_free (p->folder);
  g_free (p);
}

/* ------------------------------------------------------------ the job */

struct _TsuFolderJob
{
  gatomicrefcount ref;
  char           *folder, *out_dir;
  tsu_folder_options options;
  volatile int    cancel;       /* set by the cancellable, read by the builder */
  int             done, total;  /* atomic */
};

TsuFolderJob *
tsu_folder_job_new (const char           *folder,
                    const char           *out_dir,
                    const tsu_image_prep *prep,
                    double                validation,
                    guint64               seed)
{
  TsuFolderJob *job = g_new0 (TsuFolderJob, 1);

  g_atomic_ref_count_init (&job->ref);
  job->folder = g_strdup (folder);
  job->out_dir = g_strdup (out_dir);
  job->options = (tsu_folder_options) { .folder = job->folder, .out_dir = job->out_dir,
                                        .prep = *prep, .validation = validation, .seed = seed };
  return job;
}

TsuFolderJob *
tsu_folder_job_ref (TsuFolderJob *job)
{
  g_atomic_ref_count_inc (&job->ref);
  return job;
}

void
tsu_folder_job_unref (TsuFolderJob *job)
{
  if (!job || !g_atomic_ref_count_dec (&job->ref))
    return;
  g_free (job->folder);
  g_free (job->out_dir);
  g_free (job);
}

void
tsu_folder_job_progress (TsuFolderJob *job,
                         int          *done,
                         int          *total)
{
  *done = g_atomic_int_get (&job->done);
  *total = g_atomic_int_get (&job->total);
}

static void
on_progress (void *user,
             int   done,
             int   total)
{
  TsuFolderJob *job = user;

  g_atomic_int_set (&job->total, total);
  g_atomic_int_set (&job->done, done);
}

static void
request_stop (GCancellable *cancellable,
              gpointer      cancel)
{
  *(volatile int *) cancel = 1;
}

void
tsu_folder_job_report_free (gpointer report)
{
  if (report)
    tsu_folder_report_clear (report);
  g_free (report);
}

gpointer
tsu_folder_job_run (gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  TsuFolderJob *job = data;
  tsu_folder_report *report = g_new0 (tsu_folder_report, 1);
  tsu_diag diag;

  job->options.progress = on_progress;
  job->options.user = job;
  job->options.cancel = &job->cancel;
  gulong handler = cancellable ? g_cancellable_connect (cancellable, G_CALLBACK (request_stop),
                                                        (gpointer) &job->cancel, NULL) : 0;
  tsu_diag_init (&diag);
  tsu_status status = tsu_folder_dataset_create (&job->options, report, &diag);
  if (cancellable)
    g_cancellable_disconnect (cancellable, handler);
  if (status != TSU_OK)
    {
      g_set_error_literal (error, G_IO_ERROR,
                           status == TSU_E_STOPPED ? G_IO_ERROR_CANCELLED : G_IO_ERROR_FAILED,
                           tsu_diag_message (&diag, _("the dataset could not be created")));
      tsu_folder_job_report_free (report);
      report = NULL;
    }
  tsu_diag_free (&diag);
  return report;
}

/* ------------------------------------------------------------ the project */

static void
csv_entry (tsu_dataset_spec *spec,
           const char       *project_dir,
           const char       *out_dir,
           const char       *file)
{
  g_autofree char *path = g_build_filename (out_dir, file, NULL);

  tsu_dataset_spec_set_source (spec, "training", "csv");
  spec->path = tsu_dataset_relative_path (project_dir, path);
}

void
tsu_folder_dataset_settings (const char           *project_dir,
                             const char           *out_dir,
                             gboolean              with_validation,
                             tsu_dataset_settings *out)
{
  memset (out, 0, sizeof *out);
  csv_entry (&out->training, project_dir, out_dir, "training.csv");
  if (with_validation)
    csv_entry (&out->validation, project_dir, out_dir, "validation.csv");
}

gboolean
tsu_folder_input_offer (const tsu_project    *project,
                        const tsu_image_prep *prep,
                        char                **node_id,
                        tsu_value            *shape)
{
  const tsu_layer_kind *input = tsu_layer_kind_find ("Input");
  const tsu_param_desc *desc = input ? tsu_layer_kind_param_find (input, "shape") : NULL;
  tsu_value want = { .n = 3, .ints = { prep->grayscale ? 1 : 3, prep->height, prep->width } };

  if (!desc)
    return FALSE;
  for (int i = 0; i < tsu_project_node_count (project); i++)
    {
      tsu_value have;
      if (g_strcmp0 (tsu_project_node_type (project, i), "Input") != 0
          || !tsu_project_node_id (project, i))
        continue;
      tsu_project_node_param (project, i, desc, &have);
      if (tsu_value_equal (desc, &have, &want))
        return FALSE;
      *node_id = g_strdup (tsu_project_node_id (project, i));
      *shape = want;
      return TRUE;
    }
  return FALSE;
}
