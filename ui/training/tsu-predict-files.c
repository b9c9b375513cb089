/* tsu-predict-files.c — a run's top classes for pictures (see the header). */
#include "tsu-predict-files.h"
#include "tsu-i18n.h"

#include <string.h>

#define THUMBNAIL_SIDE 96

static void
prediction_free (TsuPrediction *p)
{
  g_free (p->path);
  g_free (p->error);
  tsu_image_free (&p->thumbnail);
  g_free (p);
}

void
tsu_predictions_free (TsuPredictions *predictions)
{
  if (!predictions)
    return;
  g_free (predictions->run_dir);
  g_ptr_array_unref (predictions->items);
  g_strfreev (predictions->class_names);
  g_free (predictions);
}

/* The picture as it is, scaled to fit THUMBNAIL_SIDE (the network's own
 * view may be cropped or padded: the person knows their picture). */
static void
make_thumbnail (TsuPrediction *p)
{
  tsu_image full;
  tsu_diag ignored;

  tsu_diag_init (&ignored);
  if (tsu_image_load (p->path, &full, &ignored) == TSU_OK)
    {
      double scale = (double) THUMBNAIL_SIDE / MAX (full.width, full.height);
      int w = MAX (1, (int) (full.width * scale + 0.5)), h = MAX (1, (int) (full.height * scale + 0.5));
      tsu_image_resize (&full, w, h, TSU_FIT_STRETCH, &p->thumbnail);
      tsu_image_free (&full);
    }
  tsu_diag_free (&ignored);
}

/* The TSU_PREDICT_TOP best classes of row, best first. */
static void
take_top (TsuPrediction *p,
          const float   *row,
          int            n_classes)
{
  p->n_top = MIN (TSU_PREDICT_TOP, n_classes);
  for (int j = 0; j < p->n_top; j++)
    {
      int best = -1;
      for (int c = 0; c < n_classes; c++)
        {
          gboolean taken = FALSE;
          for (int t = 0; t < j; t++)
            taken |= p->top[t] == c;
          if (!taken && (best < 0 || row[c] > row[best]))
            best = c;
        }
      p->top[j] = best;
      p->probability[j] = row[best];
    }
}

/* Appends one item per picture predict found in args; FALSE with diag
 * when the call failed as a whole. */
static gboolean
predict (const tsu_project  *project,
         const char         *weights,
         const char * const *args,
         int                 n_args,
         TsuPredictions     *out,
         tsu_diag           *diag)
{
  tsu_image_predictions p;

  if (tsu_predict_images (project, weights, args, n_args, 0, &p, diag) != TSU_OK)
    {
      tsu_image_predictions_clear (&p);
      return FALSE;
    }
  for (int i = 0; i < p.n_images; i++)
    {
      TsuPrediction *item = g_new0 (TsuPrediction, 1);
      item->path = g_strdup (p.paths[i]);
      take_top (item, p.probs + (gsize) i * p.n_classes, p.n_classes);
      make_thumbnail (item);
      g_ptr_array_add (out->items, item);
    }
  if (p.class_names && !out->class_names)
    {
      out->class_names = g_new0 (char *, p.n_classes + 1);
      for (int c = 0; c < p.n_classes; c++)
        out->class_names[c] = g_strdup (p.class_names[c]);
    }
  tsu_image_predictions_clear (&p);
  return TRUE;
}

static char *
weights_of (const char *run_dir)
{
  char *best = tsu_run_path (run_dir, TSU_RUN_BEST);

  if (g_file_test (best, G_FILE_TEST_EXISTS))
    return best;
  free (best);
  return tsu_run_path (run_dir, TSU_RUN_WEIGHTS);
}

TsuPredictions *
tsu_predictions_run (const char * const *run_and_paths,
                     GCancellable       *cancellable,
                     GError            **error)
{
  const char *run_dir = run_and_paths[0];
  const char * const *paths = run_and_paths + 1;
  int n = (int) g_strv_length ((char **) paths);
  g_autofree char *project_path = tsu_run_path (run_dir, TSU_RUN_PROJECT);
  g_autofree char *weights = weights_of (run_dir);
  g_autoptr(TsuPredictions) out = g_new0 (TsuPredictions, 1);
  tsu_diag diag;

  out->run_dir = g_strdup (run_dir);
  out->items = g_ptr_array_new_with_free_func ((GDestroyNotify) prediction_free);
  tsu_diag_init (&diag);
  tsu_project *project = tsu_project_load (project_path, &diag);
  gboolean ok = project && predict (project, weights, paths, n, out, &diag);
  /* One call for all; when it fails, one per picture, so that a bad file
   * has its message and the rest their classes (a failure they share, as
   * missing weights, shows on each). */
  for (int i = 0; project && !ok && i < n; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      tsu_diag one;
      tsu_diag_init (&one);
      if (!predict (project, weights, paths + i, 1, out, &one))
        {
          TsuPrediction *item = g_new0 (TsuPrediction, 1);
          item->path = g_strdup (paths[i]);
          item->error = g_strdup (tsu_diag_message (&one, _("cannot predict")));
          g_ptr_array_add (out->items, item);
        }
      tsu_diag_free (&one);
    }
  if (!project)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, tsu_diag_message (&diag, project_path));
  tsu_project_free (project);
  tsu_diag_free (&diag);
  if (error && *error)
    return NULL;
  return g_steal_pointer (&out);
}
