/* tsu-graph-model-private.h — shared by the files implementing TsuGraphModel:
 * tsu-graph-model.c (document, history), tsu-graph-model-edit.c (commands)
 * and tsu-graph-model-clipboard.c (copy and paste). */
#pragma once

#include "tsu-graph-model.h"

struct _TsuGraphModel
{
  GObject parent_instance;

  tsu_project *project;
  tsu_graph *graph;
  tsu_diag diag;
  TsuLayout *layout;

  /* history->pdata[i]: HistoryState; cursor is the current state. */
  GPtrArray *history;
  guint cursor;
  int saved_index;                /* -1: no state equals the saved file */
  int edit_depth;
  char *edit_label;

  /* tsu_change with owned strings: heard since the last "changed", and
   * what the last "changed" was about. */
  GArray *pending;
  GArray *changes;
  gboolean changes_reset;         /* the last "changed" was a new document */
};

/* The engine's diag as a GError (FALSE, for returning). */
gboolean tsu_graph_model_set_error (GError        **error,
                                    int             code,
                                    const tsu_diag *diag,
                                    const char     *fallback);
