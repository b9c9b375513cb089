/* tsu-eval-metrics.c — output table parsing and per-class metrics. */
#include "tsu-eval-metrics.h"

#include <gio/gio.h>
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

static gboolean
parse_double (const char *cell,
              double     *out)
{
  char *end = NULL;
  *out = g_ascii_strtod (cell, &end);
  return end != cell && (*end == '\0' || *end == '\r');
}

TsuEvalOutputs *
tsu_eval_outputs_parse (const char  *text,
                        gssize       length,
                        const char  *name,
                        GError     **error)
{
  g_autofree char *copy = length < 0 ? g_strdup (text) : g_strndup (text, length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);
  g_autoptr(TsuEvalOutputs) outputs = g_new0 (TsuEvalOutputs, 1);

  if (!lines[0])
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: empty file", name);
      return NULL;
    }
  g_auto(GStrv) header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  int n_header = (int) g_strv_length (header);
  int n_targets = 0;

  outputs->rows = g_array_new (FALSE, TRUE, sizeof (TsuEvalRow));
  if (n_header >= 4 && !strcmp (header[1], "label") && !strcmp (header[2], "prediction"))
    {
      outputs->classification = TRUE;
      outputs->n_outputs = n_header - 3;
      outputs->classes = outputs->n_outputs == 1 ? 2 : outputs->n_outputs;
    }
  else if (n_header >= 3 && g_str_has_prefix (header[1], "target_"))
    {
      for (int i = 1; i < n_header && g_str_has_prefix (header[i], "target_"); i++)
        n_targets++;
      outputs->n_outputs = n_header - 1 - n_targets;
      if (outputs->n_outputs < 1)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s:1: no output_ columns after the targets", name);
          return NULL;
        }
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s:1: expected \"index,label,prediction,p_0,…\" or "
                   "\"index,target_0,…,output_0,…\"", name);
      return NULL;
    }

  for (int line = 1; lines[line]; line++)
    {
      char *text_line = g_strstrip (lines[line]);
      if (!*text_line)
        continue;

      g_auto(GStrv) cells = g_strsplit (text_line, ",", -1);
      if ((int) g_strv_length (cells) != n_header)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s:%d: expected %d columns, got %u", name, line + 1, n_header,
                       g_strv_length (cells));
          return NULL;
        }
      double v[4] = { 0 };
      TsuEvalRow row = { .label = -1, .prediction = -1 };
      gboolean ok = parse_double (cells[0], &v[0]);
      row.index = (int) v[0];

      if (outputs->classification)
        {
          ok = ok && parse_double (cells[1], &v[1]) && parse_double (cells[2], &v[2]);
          row.label = (int) v[1];
          row.prediction = (int) v[2];
          ok = ok && row.label >= 0 && row.prediction >= 0;
          if (ok && outputs->n_outputs == 1)
            {
              /* A sigmoid's single output is P(class 1). */
              ok = parse_double (cells[3], &v[3]);
              row.confidence = (float) (row.prediction == 1 ? v[3] : 1 - v[3]);
              row.label_probability = (float) (row.label == 1 ? v[3] : 1 - v[3]);
            }
          else if (ok)
            {
              if (row.prediction < outputs->n_outputs)
                ok = parse_double (cells[3 + row.prediction], &v[3]);
              row.confidence = (float) v[3];
              if (ok && row.label < outputs->n_outputs)
                ok = parse_double (cells[3 + row.label], &v[3]);
              row.label_probability = (float) v[3];
            }
          if (ok)
            outputs->classes = MAX (outputs->classes, MAX (row.label, row.prediction) + 1);
        }
      else
        {
          ok = ok && parse_double (cells[1], &v[1]) && parse_double (cells[1 + n_targets], &v[2]);
          row.target = (float) v[1];
          row.output = (float) v[2];
        }

      if (!ok)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s:%d: expected numbers", name, line + 1);
          return NULL;
        }
      g_array_append_val (outputs->rows, row);
    }

  return g_steal_pointer (&outputs);
}

TsuEvalOutputs *
tsu_eval_outputs_load (const char  *path,
                       GError     **error)
{
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  return tsu_eval_outputs_parse (text, (gssize) length, path, error);
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
