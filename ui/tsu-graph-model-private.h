/* tsu-graph-model-private.h — shared by the files implementing TsuGraphModel:
 * tsu-graph-model.c (document, history), tsu-graph-model-edit.c (commands)
 * and tsu-graph-model-clipboard.c (copy and paste). */
#pragma once

#include <json-c/json.h>

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
};

/* json-c helpers that keep a node's keys in the canonical order
 * id, type, inputs, params, position, then anything else. */
struct json_object *tsu_node_json_find (const tsu_project *project,
                                        const char        *id,
                                        int               *index);
struct json_object *tsu_node_json_ensure_member (struct json_object *nodes,
                                                 int                 index,
                                                 const char         *key,
                                                 struct json_object *value);
const char         *tsu_node_json_id (struct json_object *node);
struct json_object *tsu_node_json_inputs (struct json_object *node);
void                tsu_node_json_set_position (struct json_object *nodes,
                                                int                 index,
                                                double              x,
                                                double              y);
gboolean            tsu_id_is_valid (const char *id);
void                tsu_graph_model_emit_renamed (TsuGraphModel *self,
                                                  const char    *old_id,
                                                  const char    *new_id);
