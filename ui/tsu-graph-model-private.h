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
  /* Design warnings of the graph, with the data's summary when known
   * (tsu-graph-model-advice.c). */
  tsu_warnings warnings;
  tsu_data_summary data;
  gboolean have_data;

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

/* Emits "changed" for what was heard since the last one (reset: a new
 * document). */
void tsu_graph_model_emit_changed (TsuGraphModel *self, gboolean reset);

/* Recomputes self->warnings from self->graph (tsu-graph-model-advice.c). */
void tsu_graph_model_advise (TsuGraphModel *self);
void tsu_graph_model_advice_free (TsuGraphModel *self);

/* The engine's diag as a GError (FALSE, for returning). */
gboolean tsu_graph_model_set_error (GError        **error,
                                    int             code,
                                    const tsu_diag *diag,
                                    const char     *fallback);
