/* tsu-run-list.c — history.csv reading and writing, the runs directory. */
#include "tsu-run-list.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (tsu-run-list-error-quark, tsu_run_list_error)

enum { COL_EPOCH, COL_TRAIN_LOSS, COL_TRAIN_ACC, COL_VALID_LOSS, COL_VALID_ACC,
       COL_SECONDS, COL_SPEED, N_COLS };

static const char *const column_names[N_COLS] = {
  "epoch", "train_loss", "train_accuracy", "validation_loss",
  "validation_accuracy", "seconds", "images_per_second",
};

static gboolean
parse_cell (const char *cell,
            double     *value)
{
  char *end = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (cell));

  if (trimmed[0] == '\0' || g_ascii_strcasecmp (trimmed, "nan") == 0)
    {
      *value = NAN;
      return TRUE;
    }
  *value = g_ascii_strtod (trimmed, &end);
  return end != trimmed && *end == '\0';
}

GArray *
tsu_history_csv_parse (const char  *text,
                       gssize       length,
                       const char  *name,
                       GError     **error)
{
  g_autofree char *copy = length < 0 ? g_strdup (text) : g_strndup (text, length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);
  g_autoptr(GArray) records = g_array_new (FALSE, TRUE, sizeof (TsuEpochRecord));
  int column_of[N_COLS];
  int n_header = 0;

  if (!lines[0] || !*g_strstrip (lines[0]))
    {
      g_set_error (error, TSU_RUN_LIST_ERROR, 0, "%s: empty file", name);
      return NULL;
    }

  {
    g_auto(GStrv) header = g_strsplit (lines[0], ",", -1);
    n_header = (int) g_strv_length (header);
    for (int c = 0; c < N_COLS; c++)
      {
        column_of[c] = -1;
        for (int h = 0; h < n_header; h++)
          if (strcmp (g_strstrip (header[h]), column_names[c]) == 0)
            column_of[c] = h;
      }
    if (column_of[COL_EPOCH] < 0 || column_of[COL_TRAIN_LOSS] < 0)
      {
        g_set_error (error, TSU_RUN_LIST_ERROR, 0,
                     "%s:1: not a training history (expected a header starting "
                     "\"epoch,train_loss\")", name);
        return NULL;
      }
  }

  for (int i = 1; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (line[0] == '\0')
        continue;

      g_auto(GStrv) cells = g_strsplit (line, ",", -1);
      int n_cells = (int) g_strv_length (cells);
      if (n_cells != n_header)
        {
          g_set_error (error, TSU_RUN_LIST_ERROR, 0,
                       "%s:%d: expected %d columns, got %d", name, i + 1, n_header, n_cells);
          return NULL;
        }

      double values[N_COLS];
      for (int c = 0; c < N_COLS; c++)
        {
          values[c] = NAN;
          if (column_of[c] >= 0 && !parse_cell (cells[column_of[c]], &values[c]))
            {
              g_set_error (error, TSU_RUN_LIST_ERROR, 0,
                           "%s:%d: %s: not a number: \"%s\"", name, i + 1,
                           column_names[c], cells[column_of[c]]);
              return NULL;
            }
        }
      if (isnan (values[COL_EPOCH]) || values[COL_EPOCH] < 0)
        {
          g_set_error (error, TSU_RUN_LIST_ERROR, 0,
                       "%s:%d: epoch: expected a positive integer", name, i + 1);
          return NULL;
        }

      TsuEpochRecord r = {
        .epoch = (int) values[COL_EPOCH],
        .train_loss = values[COL_TRAIN_LOSS],
        .train_accuracy = values[COL_TRAIN_ACC],
        .validation_loss = values[COL_VALID_LOSS],
        .validation_accuracy = values[COL_VALID_ACC],
        .seconds = values[COL_SECONDS],
        .images_per_second = values[COL_SPEED],
      };
      g_array_append_val (records, r);
    }

  return g_steal_pointer (&records);
}

GArray *
tsu_history_csv_load (const char  *path,
                      GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  return tsu_history_csv_parse (text, (gssize) length, path, error);
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

  for (int c = 0; c < N_COLS; c++)
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
  g_clear_pointer (&info->epochs, g_array_unref);
  g_free (info);
}

char *
tsu_run_list_dir_for_project (const char *project_path)
{
  if (!project_path)
    return NULL;

  g_autofree char *absolute = g_canonicalize_filename (project_path, NULL);
  g_autofree char *dir = g_path_get_dirname (absolute);
  g_autofree char *base = g_path_get_basename (absolute);
  if (g_str_has_suffix (base, ".tsumiki") && strlen (base) > strlen (".tsumiki"))
    base[strlen (base) - strlen (".tsumiki")] = '\0';
  g_autofree char *runs = g_strconcat (base, ".runs", NULL);
  return g_build_filename (dir, runs, NULL);
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

/* "20261127-221530" -> "27 Nov 22:15"; anything else stays as it is. */
static char *
describe_name (const char *name)
{
  int y, mo, d, h, mi, s;
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

  if (sscanf (name, "%4d%2d%2d-%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) == 6 && mo >= 1 && mo <= 12)
    return g_strdup_printf ("%d %s %d, %02d:%02d:%02d", d, months[mo - 1], y, h, mi, s);
  return g_strdup (name);
}

static int
compare_runs_newest_first (gconstpointer a,
                           gconstpointer b)
{
  const TsuRunInfo *ra = *(TsuRunInfo * const *) a;
  const TsuRunInfo *rb = *(TsuRunInfo * const *) b;
  return strcmp (rb->name, ra->name);
}

GPtrArray *
tsu_run_list_scan (const char *runs_dir)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) tsu_run_info_free);
  g_autoptr(GDir) dir = runs_dir ? g_dir_open (runs_dir, 0, NULL) : NULL;
  const char *entry;

  if (!dir)
    return runs;

  while ((entry = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (runs_dir, entry, NULL);
      g_autofree char *history = g_build_filename (path, "history.csv", NULL);
      g_autofree char *weights = g_build_filename (path, "weights.safetensors", NULL);
      g_autoptr(GError) error = NULL;

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      gboolean has_history = g_file_test (history, G_FILE_TEST_EXISTS);
      gboolean has_weights = g_file_test (weights, G_FILE_TEST_EXISTS);
      if (!has_history && !has_weights)
        continue; /* not a run: stopped before its first epoch, or unrelated */

      TsuRunInfo *info = g_new0 (TsuRunInfo, 1);
      info->dir = g_steal_pointer (&path);
      info->name = g_strdup (entry);
      info->has_weights = has_weights;
      info->epochs = has_history ? tsu_history_csv_load (history, &error) : NULL;
      if (!info->epochs)
        {
          info->epochs = g_array_new (FALSE, TRUE, sizeof (TsuEpochRecord));
          info->problem = g_strdup (error ? error->message : "no history.csv");
        }

      g_autofree char *when = describe_name (entry);
      double accuracy = tsu_run_info_final_accuracy (info);
      if (info->epochs->len == 0)
        info->label = g_strdup_printf ("%s · no epochs", when);
      else if (isnan (accuracy))
        info->label = g_strdup_printf ("%s · %u epochs · loss %.4g", when, info->epochs->len,
                                       g_array_index (info->epochs, TsuEpochRecord,
                                                      info->epochs->len - 1).validation_loss);
      else
        info->label = g_strdup_printf ("%s · %u epochs · %.1f%%", when, info->epochs->len,
                                       100 * accuracy);
      g_ptr_array_add (runs, info);
    }

  g_ptr_array_sort (runs, compare_runs_newest_first);
  return runs;
}
