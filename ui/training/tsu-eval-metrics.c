/* tsu-eval-metrics.c — the output table's rows and per-class metrics. */
#include "tsu-eval-metrics.h"

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
