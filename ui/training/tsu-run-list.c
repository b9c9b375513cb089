/* tsu-run-list.c — previous runs as the pages show them, from the engine's
 * run-directory API. */
#include "tsu-run-list.h"
#include "tsu-i18n.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (tsu-run-list-error-quark, tsu_run_list_error)

static const char *const column_names[] = {
  "epoch", "train_loss", "train_accuracy", "validation_loss",
  "validation_accuracy", "seconds", "images_per_second",
};

static GArray *
records_from (tsu_run_history *history)
{
  GArray *records = g_array_sized_new (FALSE, TRUE, sizeof (TsuEpochRecord), history->count);
  g_array_append_vals (records, history->rows, history->count);
  tsu_run_history_free (history);
  return records;
}

static GArray *
fail (tsu_diag *diag,
      GError  **error)
{
  g_set_error_literal (error, TSU_RUN_LIST_ERROR, 0, tsu_diag_message (diag, _("cannot read the history")));
  tsu_diag_free (diag);
  return NULL;
}

GArray *
tsu_history_csv_parse (const char  *text,
                       gssize       length,
                       const char  *name,
                       GError     **error)
{
  tsu_run_history history;
  tsu_diag diag;

  tsu_diag_init (&diag);
  if (tsu_run_history_parse (text, length < 0 ? strlen (text) : (size_t) length, name, &history,
                             &diag) != TSU_OK)
    return fail (&diag, error);
  tsu_diag_free (&diag);
  return records_from (&history);
}

GArray *
tsu_history_csv_load (const char  *path,
                      GError     **error)
{
  tsu_run_history history;
  tsu_diag diag;

  tsu_diag_init (&diag);
  if (tsu_run_history_load (path, &history, &diag) != TSU_OK)
    return fail (&diag, error);
  tsu_diag_free (&diag);
  return records_from (&history);
}

static void
append_number (GString *out,
               double   value,
               const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ',');
  if (!isnan (value))
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

char *
tsu_history_csv_format (const TsuEpochRecord *records,
                        guint                 n_records)
{
  GString *out = g_string_new (NULL);

  for (guint c = 0; c < G_N_ELEMENTS (column_names); c++)
    g_string_append_printf (out, c ? ",%s" : "%s", column_names[c]);
  g_string_append_c (out, '\n');

  for (guint i = 0; i < n_records; i++)
    {
      const TsuEpochRecord *r = &records[i];
      g_string_append_printf (out, "%d", r->epoch);
      append_number (out, r->train_loss, "%.6f");
      append_number (out, r->train_accuracy, "%.6f");
      append_number (out, r->validation_loss, "%.6f");
      append_number (out, r->validation_accuracy, "%.6f");
      append_number (out, r->seconds, "%.3f");
      append_number (out, r->images_per_second, "%.1f");
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

void
tsu_run_info_free (TsuRunInfo *info)
{
  if (!info)
    return;
  g_free (info->dir);
  g_free (info->name);
  g_free (info->label);
  g_free (info->problem);
  g_free (info->reason);
  g_free (info->note);
  g_free (info->title);
  g_clear_pointer (&info->epochs, g_array_unref);
  g_free (info);
}

char *
tsu_run_list_dir_for_project (const char *project_path)
{
  if (!project_path)
    return NULL;

  /* Absolute, so runs compare and show the same however the project was opened. */
  g_autofree char *absolute = g_canonicalize_filename (project_path, NULL);
  char *runs = tsu_runs_dir (absolute);
  char *copy = g_strdup (runs);
  free (runs);
  return copy;
}

gboolean
tsu_run_dir_equal (const char *a,
                   const char *b)
{
  if (!a || !b)
    return a == b;
  g_autofree char *ca = g_canonicalize_filename (a, NULL);
  g_autofree char *cb = g_canonicalize_filename (b, NULL);
  return strcmp (ca, cb) == 0;
}

double
tsu_run_info_final_accuracy (const TsuRunInfo *info)
{
  if (!info->epochs || info->epochs->len == 0)
    return NAN;
  const TsuEpochRecord *last = &g_array_index (info->epochs, TsuEpochRecord, info->epochs->len - 1);
  return !isnan (last->validation_accuracy) ? last->validation_accuracy : last->train_accuracy;
}

const TsuEpochRecord *
tsu_run_info_best_epoch (const TsuRunInfo *info)
{
  const TsuEpochRecord *best = NULL;

  for (guint i = 0; info->epochs && i < info->epochs->len; i++)
    {
      const TsuEpochRecord *r = &g_array_index (info->epochs, TsuEpochRecord, i);
      double loss = isnan (r->validation_loss) ? r->train_loss : r->validation_loss;
      double best_loss = !best ? INFINITY : isnan (best->validation_loss) ? best->train_loss : best->validation_loss;
      if (!best || loss < best_loss)
        best = r;
    }
  return best;
}

const char *
tsu_run_info_status_text (const TsuRunInfo *info,
                          gboolean          active)
{
  switch (info->status)
    {
    case TSU_RUN_STATUS_FINISHED: return _("finished");
    case TSU_RUN_STATUS_STOPPED: return _("stopped");
    case TSU_RUN_STATUS_FAILED: return _("failed");
    case TSU_RUN_STATUS_RUNNING: return active ? _("running") : _("interrupted");
    case TSU_RUN_STATUS_UNKNOWN: break;
    }
  return "";
}

char *
tsu_run_info_describe (const TsuRunInfo *info,
                       gboolean          active)
{
  const char *status = tsu_run_info_status_text (info, active);
  guint n = info->epochs ? info->epochs->len : 0;
  g_autofree char *epochs = n ? g_strdup_printf (ngettext_ ("%u epoch", "%u epochs", n), n) : g_strdup (_("no epochs"));

  return *status ? g_strdup_printf ("%s · %s", epochs, status) : g_steal_pointer (&epochs);
}

char *
tsu_run_info_describe_best (const TsuRunInfo *info)
{
  const TsuEpochRecord *best = tsu_run_info_best_epoch (info);

  if (!best)
    return g_strdup ("");
  gboolean validation = !isnan (best->validation_loss);
  double accuracy = validation ? best->validation_accuracy : best->train_accuracy;
  g_autofree char *loss = g_strdup_printf (validation ? _("best val. loss %.4g") : _("best train. loss %.4g"),
                                           validation ? best->validation_loss : best->train_loss);
  return isnan (accuracy) ? g_steal_pointer (&loss) : g_strdup_printf ("%s · %.1f%%", loss, 100 * accuracy);
}

/* The date through a translatable g_date_time_format() pattern
 * (docs/i18n.md). */
char *
tsu_run_describe_name (const char *name)
{
  int y, mo, d, h, mi, s, n = 0, end = 0;

  if (sscanf (name, "%4d%2d%2d-%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &s, &end) != 6
      || (name[end] != '\0' && (sscanf (name + end, "-%d", &n) != 1 || n < 2)))
    return g_strdup (name);
  g_autoptr(GDateTime) start = g_date_time_new_local (y, mo, d, h, mi, s);
  if (!start)
    return g_strdup (name);
  /* TRANSLATORS: when a run started, in g_date_time_format() codes. */
  g_autofree char *when = g_date_time_format (start, _("%-d %b %Y, %H:%M:%S"));
  if (!when)
    return g_strdup (name);
  return n ? g_strdup_printf ("%s (%d)", when, n) : g_steal_pointer (&when);
}

static char *
describe_run (const TsuRunInfo *info)
{
  const char *when = info->title;
  double accuracy = tsu_run_info_final_accuracy (info);

  if (info->epochs->len == 0)
    return g_strdup_printf (_("%s · no epochs"), when);
  if (isnan (accuracy))
    return g_strdup_printf (ngettext_ ("%s · %u epoch · loss %.4g", "%s · %u epochs · loss %.4g", info->epochs->len),
                            when, info->epochs->len,
                            g_array_index (info->epochs, TsuEpochRecord,
                                           info->epochs->len - 1).validation_loss);
  return g_strdup_printf (ngettext_ ("%s · %u epoch · %.1f%%", "%s · %u epochs · %.1f%%", info->epochs->len),
                          when, info->epochs->len, 100 * accuracy);
}

GPtrArray *
tsu_run_list_scan (const char *runs_dir)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) tsu_run_info_free);
  tsu_run_list list;

  tsu_run_list_read (runs_dir, &list);
  for (int i = 0; i < list.count; i++)
    {
      const tsu_run *run = &list.items[i];
      g_autoptr(GError) error = NULL;
      TsuRunInfo *info = g_new0 (TsuRunInfo, 1);
      info->dir = g_strdup (run->path);
      info->name = g_strdup (run->name);
      info->has_weights = run->has[TSU_RUN_WEIGHTS];
      info->status = run->meta.status;
      info->reason = g_strdup (run->meta.reason);
      info->note = g_strdup (run->meta.note);
      info->title = run->meta.name ? g_strdup (run->meta.name) : tsu_run_describe_name (run->name);
      if (run->has[TSU_RUN_HISTORY])
        {
          g_autofree char *history = tsu_run_path (run->path, TSU_RUN_HISTORY);
          info->epochs = tsu_history_csv_load (history, &error);
        }
      if (!info->epochs)
        {
          info->epochs = g_array_new (FALSE, TRUE, sizeof (TsuEpochRecord));
          info->problem = g_strdup (error ? error->message : _("no history.csv"));
        }
      info->label = describe_run (info);
      g_ptr_array_add (runs, info);
    }
  tsu_run_list_free (&list);
  return runs;
}
