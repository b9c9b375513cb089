/* tsu-eval-metrics.c — the output table's rows and per-class metrics. */
#include "tsu-eval-metrics.h"
#include "tsu-i18n.h"

#include <math.h>
#include <string.h>

void
tsu_eval_outputs_free (TsuEvalOutputs *outputs)
{
  if (!outputs)
    return;
  g_clear_pointer (&outputs->rows, g_array_unref);
  g_free (outputs);
}

/* A sample's probabilities: one output is a sigmoid's P(class 1). */
static float
probability_of (const float *p,
                int          n_outputs,
                int          cls)
{
  if (n_outputs == 1)
    return cls == 1 ? p[0] : 1 - p[0];
  return cls >= 0 && cls < n_outputs ? p[cls] : 0;
}

TsuEvalOutputs *
tsu_eval_outputs_from_result (const tsu_eval_result *result)
{
  TsuEvalOutputs *outputs = g_new0 (TsuEvalOutputs, 1);
  int n = result->outputs ? result->samples : 0;

  g_return_val_if_fail (result->outputs != NULL, outputs);
  outputs->classification = result->classification;
  outputs->n_outputs = result->n_outputs;
  outputs->rows = g_array_sized_new (FALSE, TRUE, sizeof (TsuEvalRow), n);
  if (outputs->classification)
    outputs->classes = outputs->n_outputs == 1 ? 2 : outputs->n_outputs;
  for (int i = 0; i < n; i++)
    {
      const float *p = result->outputs + (gsize) i * result->n_outputs;
      TsuEvalRow row = { .index = i, .label = -1, .prediction = -1 };
      if (outputs->classification)
        {
          row.label = result->labels[i];
          row.prediction = result->predictions[i];
          row.confidence = probability_of (p, result->n_outputs, row.prediction);
          row.label_probability = probability_of (p, result->n_outputs, row.label);
          outputs->classes = MAX (outputs->classes, MAX (row.label, row.prediction) + 1);
        }
      else
        {
          row.target = result->n_targets > 0 ? result->targets[(gsize) i * result->n_targets] : 0;
          row.output = result->n_outputs > 0 ? p[0] : 0;
        }
      g_array_append_val (outputs->rows, row);
    }
  return outputs;
}

void
tsu_evaluation_free (TsuEvaluation *evaluation)
{
  if (!evaluation)
    return;
  g_free (evaluation->run_dir);
  g_free (evaluation->split);
  tsu_eval_result_free (&evaluation->result);
  tsu_eval_outputs_free (evaluation->outputs);
  g_clear_pointer (&evaluation->dataset, tsu_dataset_free);
  g_free (evaluation->source_name);
  g_free (evaluation);
}

static void
request_stop (GCancellable *cancellable,
              gpointer      stop)
{
  *(volatile int *) stop = 1;
}

/* The split's samples again, for thumbnails and inputs in the table. */
static void
open_samples (TsuEvaluation     *evaluation,
              const tsu_project *project)
{
  tsu_dataset_settings data;
  tsu_diag ignored;

  tsu_diag_init (&ignored);
  evaluation->dataset = tsu_project_open_dataset (project, evaluation->split, &ignored);
  tsu_project_get_dataset (project, &data, &ignored);
  tsu_diag_free (&ignored);
  evaluation->source_name = g_strdup (!strcmp (evaluation->split, "validation")
                                      ? data.validation.source : data.training.source);
  tsu_dataset_settings_clear (&data);
}

/* The run keeps its evaluation, so reopening shows it without running it
 * again. A run directory that cannot be written (read-only media) only
 * loses that. */
static void
save_in_run (TsuEvaluation *evaluation)
{
  tsu_diag diag;

  tsu_diag_init (&diag);
  if (tsu_eval_save (evaluation->run_dir, evaluation->split, evaluation->best_weights,
                     &evaluation->result, &diag) != TSU_OK)
    g_warning ("%s", tsu_diag_message (&diag, _("cannot save the evaluation")));
  tsu_diag_free (&diag);
}

TsuEvaluation *
tsu_evaluation_load_saved (const char  *run_dir,
                           const char  *split,
                           GError     **error)
{
  g_autoptr(TsuEvaluation) evaluation = g_new0 (TsuEvaluation, 1);
  g_autofree char *project_path = tsu_run_path (run_dir, TSU_RUN_PROJECT);
  bool best = false;
  tsu_diag diag;

  evaluation->run_dir = g_strdup (run_dir);
  evaluation->split = g_strdup (split);
  tsu_diag_init (&diag);
  if (tsu_eval_load_saved (run_dir, split, &evaluation->result, &best, &diag) != TSU_OK)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           tsu_diag_message (&diag, _("cannot read the saved evaluation")));
      tsu_diag_free (&diag);
      return NULL;
    }
  evaluation->best_weights = best;
  evaluation->outputs = tsu_eval_outputs_from_result (&evaluation->result);
  /* Thumbnails need the samples; without the project the table shows none. */
  tsu_project *project = tsu_project_load (project_path, &diag);
  if (project)
    open_samples (evaluation, project);
  tsu_project_free (project);
  tsu_diag_free (&diag);
  return g_steal_pointer (&evaluation);
}

TsuEvaluation *
tsu_evaluation_run (const char    *run_dir,
                    const char    *split,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(TsuEvaluation) evaluation = g_new0 (TsuEvaluation, 1);
  g_autofree char *project_path = tsu_run_path (run_dir, TSU_RUN_PROJECT);
  g_autofree char *weights = tsu_run_path (run_dir, TSU_RUN_BEST);
  volatile int stop = 0;
  tsu_diag diag;

  evaluation->run_dir = g_strdup (run_dir);
  evaluation->split = g_strdup (split);
  evaluation->best_weights = g_file_test (weights, G_FILE_TEST_EXISTS);
  if (!evaluation->best_weights)
    {
      g_free (weights);
      weights = tsu_run_path (run_dir, TSU_RUN_WEIGHTS);
    }

  tsu_diag_init (&diag);
  tsu_project *project = tsu_project_load (project_path, &diag);
  if (!project)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           tsu_diag_message (&diag, _("cannot read the run's project")));
      tsu_diag_free (&diag);
      return NULL;
    }

  tsu_eval_options options = { .split = split, .keep_outputs = TRUE, .stop_requested = &stop };
  gulong handler = cancellable ? g_cancellable_connect (cancellable, G_CALLBACK (request_stop),
                                                        (gpointer) &stop, NULL) : 0;
  tsu_status status = tsu_eval_run (project, weights, &options, &evaluation->result, &diag);
  if (cancellable)
    g_cancellable_disconnect (cancellable, handler);
  if (status == TSU_OK)
    {
      evaluation->outputs = tsu_eval_outputs_from_result (&evaluation->result);
      open_samples (evaluation, project);
      save_in_run (evaluation);
    }
  else if (status == TSU_E_STOPPED)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, tsu_diag_message (&diag, _("stopped")));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         tsu_diag_message (&diag, tsu_status_name (status)));
  tsu_project_free (project);
  tsu_diag_free (&diag);
  return status == TSU_OK ? g_steal_pointer (&evaluation) : NULL;
}

void
tsu_eval_outputs_confusion (const TsuEvalOutputs *outputs,
                            tsu_confusion        *cm)
{
  tsu_confusion_init (cm, outputs->classification ? outputs->classes : 0);
  if (!outputs->classification)
    return;
  for (guint i = 0; i < outputs->rows->len; i++)
    {
      const TsuEvalRow *row = &g_array_index (outputs->rows, TsuEvalRow, i);
      tsu_confusion_add (cm, row->label, row->prediction);
    }
}

GArray *
tsu_class_metrics_compute (const tsu_confusion *cm)
{
  GArray *metrics = g_array_new (FALSE, TRUE, sizeof (TsuClassMetrics));
  TsuClassMetrics macro = { .cls = -1, .support = cm->total };

  for (int c = 0; c < cm->classes; c++)
    {
      TsuClassMetrics m = { .cls = c };
      for (int k = 0; k < cm->classes; k++)
        {
          m.support += cm->counts[(gsize) c * cm->classes + k];
          m.predicted += cm->counts[(gsize) k * cm->classes + c];
        }
      m.precision = tsu_confusion_precision (cm, c);
      m.recall = tsu_confusion_recall (cm, c);
      m.f1 = tsu_confusion_f1 (cm, c);
      macro.predicted += m.predicted;
      macro.precision += m.precision;
      macro.recall += m.recall;
      macro.f1 += m.f1;
      g_array_append_val (metrics, m);
    }
  if (cm->classes > 0)
    {
      macro.precision /= cm->classes;
      macro.recall /= cm->classes;
      macro.f1 /= cm->classes;
    }
  g_array_append_val (metrics, macro);
  return metrics;
}

double
tsu_confusion_cell_shade (const tsu_confusion *cm,
                          int                  label,
                          int                  prediction)
{
  gint64 row = 0;

  if (label < 0 || label >= cm->classes || prediction < 0 || prediction >= cm->classes)
    return 0;
  for (int k = 0; k < cm->classes; k++)
    row += cm->counts[(gsize) label * cm->classes + k];
  return row ? (double) cm->counts[(gsize) label * cm->classes + prediction] / row : 0;
}
