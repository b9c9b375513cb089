/* tsu-run-list.h — previous runs of a project and their histories as the
 * pages show them, plain C over GLib so tests read them without a display.
 * Where runs live and what they hold is the engine's (tsu_runs_dir,
 * tsu_run_list_read, tsu_run_history_load in tsumiki-train.h). */
#pragma once

#include <glib.h>

#include "tsumiki.h"

G_BEGIN_DECLS

/* One row of history.csv, read by the engine. */
typedef tsu_history_row TsuEpochRecord;

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
  tsu_run_status status; /* run.json: how the run ended */
  char   *reason;       /* stopped/failed: the trainer's message, or NULL */
  char   *note;         /* what a person typed about the run, or NULL */
  char   *title;        /* the name a person gave it, else the date: "27 Nov 2026, 22:15:30" */
} TsuRunInfo;

void        tsu_run_info_free   (TsuRunInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuRunInfo, tsu_run_info_free)

/* tsu_runs_dir of the absolute project path. NULL for a NULL path (an
 * unsaved project has no runs). */
char       *tsu_run_list_dir_for_project (const char *project_path);

/* The runs tsu_run_list_read finds, newest first, with their histories
 * and labels. A missing runs_dir is an empty list. Elements are TsuRunInfo. */
GPtrArray  *tsu_run_list_scan   (const char *runs_dir);

/* Whether two run directory paths name the same directory, one relative
 * (as the trainer reports it for a project opened by a relative path) and
 * one absolute (as the scan lists it). */
gboolean    tsu_run_dir_equal (const char *a,
                               const char *b);

/* The final epoch's validation accuracy, falling back to training
 * accuracy; NAN for regression. */
double      tsu_run_info_final_accuracy (const TsuRunInfo *info);

/* The epoch with the lowest validation loss (training loss without
 * validation data), or NULL without epochs. */
const TsuEpochRecord *tsu_run_info_best_epoch (const TsuRunInfo *info);

/* "finished", "stopped", "failed", "interrupted" (the process ended
 * while it ran) or "" when unknown; `active` says the run is training
 * now. */
const char *tsu_run_info_status_text (const TsuRunInfo *info,
                                      gboolean          active);

/* The results list's lines: "5 epochs · stopped" and the best epoch's
 * "best val. loss 0.2143 · 91.2%" ("" without epochs). */
char       *tsu_run_info_describe (const TsuRunInfo *info,
                                   gboolean          active);
char       *tsu_run_info_describe_best (const TsuRunInfo *info);

/* A run folder's name as people read it: "20261127-221530" is
 * "27 Nov 2026, 22:15:30" in the user's language ("…-2": " (2)" after
 * it); any other name stays as it is. */
char       *tsu_run_describe_name (const char *name);

G_END_DECLS
