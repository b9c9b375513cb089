/* tsu-run-list.h — previous runs of a project and their history.csv, plain
 * C over GLib so tests read them without a display.
 *
 * A project FILE.tsumiki keeps its runs in FILE.runs/<date-time>/, each with
 * history.csv (one row per epoch, header TSU_HISTORY_HEADER) written by the
 * trainer. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One row of history.csv; NAN where a cell is empty (accuracy of a
 * regression, validation without validation data). */
typedef struct
{
  int    epoch;
  double train_loss;
  double train_accuracy;
  double validation_loss;
  double validation_accuracy;
  double seconds;
  double images_per_second;
} TsuEpochRecord;

#define TSU_RUN_LIST_ERROR (tsu_run_list_error_quark ())
GQuark tsu_run_list_error_quark (void);

/* Parses history.csv text into a new GArray of TsuEpochRecord. `name`
 * names the text in messages ("…/history.csv:3: expected 7 columns, got 5").
 * Columns are found by header name, so older or newer files with extra
 * columns still load. A blank trailing line is fine. */
GArray *tsu_history_csv_parse  (const char  *text,
                                gssize       length,
                                const char  *name,
                                GError     **error);
GArray *tsu_history_csv_load   (const char  *path,
                                GError     **error);
/* The CSV text of records (TSU_HISTORY_HEADER, then one line each). */
char   *tsu_history_csv_format (const TsuEpochRecord *records,
                                guint                 n_records);

/* One previous run. */
typedef struct
{
  char   *dir;          /* absolute run directory */
  char   *name;         /* its basename, "20261127-221530" */
  char   *label;        /* for people: "27 Nov 22:15 · 5 epochs · 91.2%" */
  GArray *epochs;       /* TsuEpochRecord; empty when history.csv is missing */
  gboolean has_weights; /* weights.safetensors exists: it can be evaluated */
  char   *problem;      /* why history.csv could not be read, or NULL */
} TsuRunInfo;

void        tsu_run_info_free   (TsuRunInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuRunInfo, tsu_run_info_free)

/* "DIR/NAME.runs" for "DIR/NAME.tsumiki" (any other name: NAME.runs
 * beside it). NULL for a NULL path (an unsaved project has no runs). */
char       *tsu_run_list_dir_for_project (const char *project_path);

/* Every subdirectory of runs_dir holding history.csv or weights, newest
 * first (directory names are date-times, so by name descending). A missing
 * runs_dir is an empty list, not an error. Elements are TsuRunInfo. */
GPtrArray  *tsu_run_list_scan   (const char *runs_dir);

/* Whether two run directory paths name the same directory, one relative
 * (as the trainer reports it for a project opened by a relative path) and
 * one absolute (as the scan lists it). */
gboolean    tsu_run_dir_equal (const char *a,
                               const char *b);

/* The final epoch's validation accuracy, falling back to training
 * accuracy; NAN for regression. */
double      tsu_run_info_final_accuracy (const TsuRunInfo *info);

G_END_DECLS
