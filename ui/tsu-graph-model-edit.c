/* tsu-graph-model-edit.c — the commands: add, drop, splice, remove, link,
 * move, set a param, rename, arrange. Each runs between begin and end, so
 * it is one undo step however many document edits it makes. The document
 * API does the edits; this file decides which (the NNC rules). */
#include "tsu-graph-model-private.h"
#include "tsu-i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Required params have no default; a new box gets values that make it valid
 * straight away (what NNC puts in its fresh boxes), which people then edit. */
static tsu_value
starter_value (const tsu_layer_kind *kind, const tsu_param_desc *desc)
{
  tsu_value value = { .n = 1 };

  if (strcmp (desc->name, "outmaps") == 0)
    value.ints[0] = strcmp (tsu_layer_kind_name (kind), "Affine") == 0 ? 100 : 16;
  else if (strcmp (desc->name, "shape") == 0 && tsu_layer_kind_is_input (kind))
    value = (tsu_value) { .n = 3, .ints = { 1, 28, 28 } };
  else if (desc->type == TSU_PARAM_INT)
    value.ints[0] = (int) CLAMP (1.0, desc->min, desc->max);
  else if (desc->type == TSU_PARAM_INTS)
    {
      value.n = desc->count > 0 ? desc->count : 1;
      for (int i = 0; i < value.n; i++)
        value.ints[i] = strcmp (desc->name, "kernel") == 0 ? 3 : 1;
    }
  else if (desc->type == TSU_PARAM_FLOAT)
    value.number = CLAMP (0.0, desc->min, desc->max);
  else if (desc->type == TSU_PARAM_BOOL)
    value.boolean = TRUE;
  else
    value.string = "";
  return value;
}

static char *
append_node (TsuGraphModel *self, const char *type, double x, double y)
{
  const tsu_layer_kind *kind = tsu_layer_kind_find (type);
  char *engine_id = tsu_project_unique_id (self->project, type);
  char *id = g_strdup (engine_id);

  free (engine_id);
  tsu_project_add_node (self->project, id, type, NULL);
  for (int i = 0; kind != NULL && i < tsu_layer_kind_param_count (kind); i++)
    {
      const tsu_param_desc *desc = tsu_layer_kind_param (kind, i);
      tsu_value value;

      if (!desc->required)
        continue;
      value = starter_value (kind, desc);
      tsu_project_set_node_param (self->project, id, desc->name, &value, NULL);
    }
  tsu_project_set_node_position (self->project, id, tsu_layout_snap (x), tsu_layout_snap (y), NULL);
  return id;
}

char *
tsu_graph_model_add_node (TsuGraphModel *self, const char *type, double x, double y)
{
  g_autofree char *label = g_strdup_printf (_("Add %s"), type);
  char *id;

  tsu_graph_model_begin (self, label);
  id = append_node (self, type, x, y);
  tsu_graph_model_end (self);
  return id;
}

/* Indices of every box fed, directly or not, by `start` (start included). */
static GHashTable *
collect_downstream (const TsuLayout *layout, int start)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (int));

  g_array_append_val (queue, start);
  g_hash_table_add (seen, GINT_TO_POINTER (start + 1));
  for (guint head = 0; head < queue->len; head++)
    {
      int current = g_array_index (queue, int, head);

      for (int i = 0; i < layout->n_nodes; i++)
        for (int k = 0; k < layout->nodes[i].n_inputs; k++)
          if (layout->nodes[i].inputs[k] == current && !g_hash_table_contains (seen, GINT_TO_POINTER (i + 1)))
            {
              g_hash_table_add (seen, GINT_TO_POINTER (i + 1));
              g_array_append_val (queue, i);
            }
    }
  return seen;
}

/* Makes room: moves `start` and everything it feeds down by one row. */
static void
push_down (TsuGraphModel *self, const TsuLayout *layout, int start, gboolean include_start)
{
  g_autoptr(GHashTable) downstream = collect_downstream (layout, start);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, downstream);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int i = GPOINTER_TO_INT (key) - 1;

      if (i == start && !include_start)
        continue;
      tsu_project_set_node_position (self->project, layout->nodes[i].id, layout->nodes[i].x,
                                     layout->nodes[i].y + TSU_ROW_PITCH, NULL);
    }
}

static void
set_input (TsuGraphModel *self, const char *to, int slot, const char *from)
{
  tsu_project_set_node_input (self->project, to, slot, from, NULL);
}

static gboolean
kind_takes_input (const char *type)
{
  const tsu_layer_kind *kind = tsu_layer_kind_find (type);
  return kind == NULL || tsu_layer_kind_max_inputs (kind) != 0;
}

static gboolean
kind_gives_output (const char *type)
{
  const tsu_layer_kind *kind = tsu_layer_kind_find (type);
  return kind == NULL || !tsu_layer_kind_is_loss (kind);
}

char *
tsu_graph_model_drop_node (TsuGraphModel *self, const char *type, double x, double y)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
  TsuDropPlan plan = tsu_layout_plan_drop (layout, tsu_layer_kind_find (type), x, y);
  g_autofree char *label = g_strdup_printf (_("Add %s"), type);
  char *id;

  tsu_graph_model_begin (self, label);
  if (plan.below >= 0 && layout->nodes[plan.below].y < plan.y + TSU_ROW_PITCH - 1)
    push_down (self, layout, plan.below, TRUE);
  id = append_node (self, type, plan.x, plan.y);
  if (plan.above >= 0)
    set_input (self, id, -1, layout->nodes[plan.above].id);
  if (plan.below >= 0)
    set_input (self, layout->nodes[plan.below].id, plan.below_slot, id);
  tsu_graph_model_end (self);
  return id;
}

/* The box new ones go under when nothing is selected: the lowest one. */
static int
lowest_box (const TsuLayout *layout)
{
  int best = -1;

  for (int i = 0; i < layout->n_nodes; i++)
    if (best < 0 || layout->nodes[i].y >= layout->nodes[best].y)
      best = i;
  return best;
}

char *
tsu_graph_model_insert_below (TsuGraphModel *self, const char *type, const char *anchor)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
  int a = anchor ? tsu_layout_find (layout, anchor) : lowest_box (layout);
  g_autofree char *label = g_strdup_printf (_("Add %s"), type);
  gboolean linkable;
  char *id;

  if (a < 0)
    return tsu_graph_model_add_node (self, type, 40, 40);

  linkable = kind_takes_input (type) && kind_gives_output (layout->nodes[a].type);
  tsu_graph_model_begin (self, label);
  if (linkable && layout->nodes[a].n_consumers > 0)
    push_down (self, layout, a, FALSE);
  id = append_node (self, type, layout->nodes[a].x, layout->nodes[a].y + TSU_ROW_PITCH);
  if (linkable)
    {
      set_input (self, id, -1, layout->nodes[a].id);
      /* Whatever `a` fed is now fed by the new box, as in a chain. */
      if (kind_gives_output (type))
        for (int i = 0; i < layout->n_nodes; i++)
          for (int k = 0; k < layout->nodes[i].n_inputs; k++)
            if (layout->nodes[i].inputs[k] == a)
              set_input (self, layout->nodes[i].id, k, id);
    }
  tsu_graph_model_end (self);
  return id;
}

char *
tsu_graph_model_splice_above (TsuGraphModel *self, const char *type, const char *anchor)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
  int a = anchor ? tsu_layout_find (layout, anchor) : -1;
  g_autofree char *label = g_strdup_printf (_("Insert %s"), type);
  const TsuLayoutNode *box;
  char *id;

  if (a < 0)
    return tsu_graph_model_insert_below (self, type, NULL);
  box = &layout->nodes[a];

  tsu_graph_model_begin (self, label);
  push_down (self, layout, a, TRUE);
  id = append_node (self, type, box->x, box->y);
  if (kind_gives_output (type) && kind_takes_input (box->type))
    {
      if (box->n_inputs > 0 && box->inputs[0] >= 0 && kind_takes_input (type))
        set_input (self, id, -1, layout->nodes[box->inputs[0]].id);
      set_input (self, box->id, box->n_inputs > 0 ? 0 : -1, id);
    }
  tsu_graph_model_end (self);
  return id;
}

void
tsu_graph_model_remove_nodes (TsuGraphModel *self, const char *const *ids, gboolean relink)
{
  tsu_graph_model_begin (self, _("Delete"));
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    tsu_project_remove_node (self->project, ids[i], relink, NULL);
  tsu_graph_model_end (self);
}

gboolean
tsu_graph_model_link (TsuGraphModel *self, const char *from, const char *to, int slot)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
  int f = tsu_layout_find (layout, from), t = tsu_layout_find (layout, to);
  g_autoptr(GHashTable) downstream = NULL;

  if (f < 0 || t < 0 || f == t)
    return FALSE;
  for (int k = 0; k < layout->nodes[t].n_inputs; k++)
    if (layout->nodes[t].inputs[k] == f)
      return FALSE;
  /* A link that closes a loop is never what was meant. */
  downstream = collect_downstream (layout, t);
  if (g_hash_table_contains (downstream, GINT_TO_POINTER (f + 1)))
    return FALSE;

  tsu_graph_model_begin (self, _("Link"));
  set_input (self, to, slot, from);
  tsu_graph_model_end (self);
  return TRUE;
}

void
tsu_graph_model_unlink (TsuGraphModel *self, const char *to, int slot)
{
  tsu_graph_model_begin (self, _("Remove link"));
  tsu_project_remove_node_input (self->project, to, slot, NULL);
  tsu_graph_model_end (self);
}

void
tsu_graph_model_move_nodes (TsuGraphModel *self, const char *const *ids, double dx, double dy)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);

  tsu_graph_model_begin (self, _("Move"));
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      int box = tsu_layout_find (layout, ids[i]);

      if (box >= 0)
        tsu_project_set_node_position (self->project, ids[i], layout->nodes[box].x + dx,
                                       layout->nodes[box].y + dy, NULL);
    }
  tsu_graph_model_end (self);
}

gboolean
tsu_graph_model_set_param (TsuGraphModel *self, const char *id, const char *name, const tsu_value *value,
                           GError **error)
{
  g_autofree char *label = g_strdup_printf (_("Change %s"), name);
  tsu_diag diag;
  gboolean ok;

  tsu_diag_init (&diag);
  tsu_graph_model_begin (self, label);
  ok = tsu_project_set_node_param (self->project, id, name, value, &diag) == TSU_OK;
  tsu_graph_model_end (self);
  if (!ok)
    tsu_graph_model_set_error (error, TSU_GRAPH_MODEL_ERROR_PARAM, &diag, _("The value was not taken"));
  tsu_diag_free (&diag);
  return ok;
}

gboolean
tsu_graph_model_check_id (TsuGraphModel *self, const char *old_id, const char *new_id, GError **error)
{
  tsu_diag diag;
  gboolean ok;

  tsu_diag_init (&diag);
  ok = tsu_project_check_id (self->project, old_id, new_id, &diag) == TSU_OK;
  if (!ok)
    tsu_graph_model_set_error (error, tsu_id_valid (new_id) ? TSU_GRAPH_MODEL_ERROR_DUPLICATE_ID
                                                            : TSU_GRAPH_MODEL_ERROR_INVALID_ID,
                               &diag, _("Not a usable id"));
  tsu_diag_free (&diag);
  return ok;
}

gboolean
tsu_graph_model_rename (TsuGraphModel *self, const char *old_id, const char *new_id, GError **error)
{
  g_autofree char *old_copy = g_strdup (old_id);
  tsu_diag diag;
  gboolean ok;

  if (tsu_project_node_find (self->project, old_id) < 0)
    return FALSE;
  if (!tsu_graph_model_check_id (self, old_id, new_id, error))
    return FALSE;
  tsu_diag_init (&diag);
  tsu_graph_model_begin (self, _("Rename"));
  ok = tsu_project_rename_node (self->project, old_copy, new_id, &diag) == TSU_OK;
  tsu_graph_model_end (self);
  if (!ok)
    tsu_graph_model_set_error (error, TSU_GRAPH_MODEL_ERROR_INVALID_ID, &diag, _("Not renamed"));
  tsu_diag_free (&diag);
  return ok;
}

void
tsu_graph_model_set_name (TsuGraphModel *self, const char *name)
{
  tsu_graph_model_begin (self, _("Rename project"));
  tsu_project_set_name (self->project, name);
  tsu_graph_model_end (self);
}

void
tsu_graph_model_arrange (TsuGraphModel *self)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
  g_autofree double *xs = g_new0 (double, MAX (layout->n_nodes, 1));
  g_autofree double *ys = g_new0 (double, MAX (layout->n_nodes, 1));

  tsu_layout_arrange (layout, xs, ys);
  tsu_graph_model_begin (self, _("Arrange"));
  for (int i = 0; i < layout->n_nodes; i++)
    tsu_project_set_node_position (self->project, layout->nodes[i].id, xs[i], ys[i], NULL);
  tsu_graph_model_end (self);
}
