/* model-helpers.h — reading and setting a node's params in the ui tests,
 * through the document API as the editor does. */
#pragma once

#include "tsu-graph-model.h"

/* The param as the file gives it (the test fails when it is left out). */
static inline int
param_int (TsuGraphModel *model, const char *id, const char *name)
{
  const tsu_project *project = tsu_graph_model_get_project (model);
  int index = tsu_project_node_find (project, id);
  const tsu_layer_kind *kind = tsu_layer_kind_find (tsu_project_node_type (project, index));
  tsu_value value;

  g_assert_cmpint (tsu_project_node_param (project, index, tsu_layer_kind_param_find (kind, name), &value), ==,
                   TSU_VALUE_GIVEN);
  return value.ints[0];
}

static inline gboolean
set_outmaps (TsuGraphModel *model, const char *id, int outmaps)
{
  tsu_value value = { .n = 1, .ints = { outmaps } };

  return tsu_graph_model_set_param (model, id, "outmaps", &value, NULL);
}
