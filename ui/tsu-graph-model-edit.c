/* tsu-graph-model-edit.c — the commands: add, drop, splice, remove, link,
 * move, set a param, rename, arrange. Each runs between begin and end, so
 * it is one undo step however many JSON changes it makes. */
#include "tsu-graph-model-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const canonical_keys[] = { "id", "type", "inputs", "params", "position" };

const char *
tsu_node_json_id (struct json_object *node)
{
  struct json_object *id = NULL;

  if (!json_object_object_get_ex (node, "id", &id))
    return NULL;
  return json_object_get_string (id);
}

struct json_object *
tsu_node_json_inputs (struct json_object *node)
{
  struct json_object *inputs = NULL;

  if (!json_object_object_get_ex (node, "inputs", &inputs) || !json_object_is_type (inputs, json_type_array))
    return NULL;
  return inputs;
}

struct json_object *
tsu_node_json_find (const tsu_project *project, const char *id, int *index)
{
  struct json_object *nodes = tsu_project_nodes (project);

  for (size_t i = 0; id != NULL && i < json_object_array_length (nodes); i++)
    {
      struct json_object *node = json_object_array_get_idx (nodes, i);

      if (g_strcmp0 (tsu_node_json_id (node), id) == 0)
        {
          if (index != NULL)
            *index = (int) i;
          return node;
        }
    }
  return NULL;
}

static gboolean
is_canonical_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (canonical_keys); i++)
    if (strcmp (key, canonical_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

struct json_object *
tsu_node_json_ensure_member (struct json_object *nodes, int index, const char *key, struct json_object *value)
{
  struct json_object *node = json_object_array_get_idx (nodes, index);
  struct json_object *rebuilt;

  /* json-c replaces an existing member in place, keeping the key order. */
  if (json_object_object_get_ex (node, key, NULL) || !is_canonical_key (key))
    {
      json_object_object_add (node, key, value);
      return node;
    }

  /* A new canonical key: rebuild the object so the file reads id, type,
   * inputs, params, position whatever order the edits came in. */
  rebuilt = json_object_new_object ();
  for (guint i = 0; i < G_N_ELEMENTS (canonical_keys); i++)
    {
      struct json_object *existing = NULL;

      if (strcmp (canonical_keys[i], key) == 0)
        json_object_object_add (rebuilt, key, value);
      else if (json_object_object_get_ex (node, canonical_keys[i], &existing))
        json_object_object_add (rebuilt, canonical_keys[i], json_object_get (existing));
    }
  json_object_object_foreach (node, other_key, other_value)
    if (!is_canonical_key (other_key))
      json_object_object_add (rebuilt, other_key, json_object_get (other_value));
  json_object_array_put_idx (nodes, index, rebuilt);
  return rebuilt;
}

void
tsu_node_json_set_position (struct json_object *nodes, int index, double x, double y)
{
  struct json_object *position = json_object_new_array ();

  json_object_array_add (position, json_object_new_int ((int) lround (x)));
  json_object_array_add (position, json_object_new_int ((int) lround (y)));
  tsu_node_json_ensure_member (nodes, index, "position", position);
}

gboolean
tsu_id_is_valid (const char *id)
{
  if (id == NULL || !(g_ascii_isalpha (id[0]) || id[0] == '_'))
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!(g_ascii_isalnum (*c) || *c == '_'))
      return FALSE;
  return strlen (id) < TSU_ID_MAX;
}

static struct json_object *
ints_array (int n, int value)
{
  struct json_object *array = json_object_new_array ();

  for (int i = 0; i < n; i++)
    json_object_array_add (array, json_object_new_int (value));
  return array;
}

/* Required params have no default; a new box gets values that make it valid
 * straight away (what NNC puts in its fresh boxes), which people then edit. */
static struct json_object *
starter_value (const tsu_layer_kind *kind, const tsu_param_desc *desc)
{
  if (strcmp (desc->name, "outmaps") == 0)
    return json_object_new_int (strcmp (tsu_layer_kind_name (kind), "Affine") == 0 ? 100 : 16);
  if (strcmp (desc->name, "shape") == 0 && tsu_layer_kind_is_input (kind))
    {
      struct json_object *shape = json_object_new_array ();
      json_object_array_add (shape, json_object_new_int (1));
      json_object_array_add (shape, json_object_new_int (28));
      json_object_array_add (shape, json_object_new_int (28));
      return shape;
    }
  switch (desc->type)
    {
    case TSU_PARAM_INT:
      return json_object_new_int ((int) CLAMP (1.0, desc->min, desc->max));
    case TSU_PARAM_INTS:
      return ints_array (desc->count > 0 ? desc->count : 1, strcmp (desc->name, "kernel") == 0 ? 3 : 1);
    case TSU_PARAM_FLOAT:
      return json_object_new_double (CLAMP (0.0, desc->min, desc->max));
    case TSU_PARAM_BOOL:
      return json_object_new_boolean (TRUE);
    case TSU_PARAM_STRING:
    default:
      return json_object_new_string ("");
    }
}

static char *
append_node (TsuGraphModel *self, const char *type, double x, double y)
{
  const tsu_layer_kind *kind = tsu_layer_kind_find (type);
  char *engine_id = tsu_project_unique_id (self->project, type);
  char *id = g_strdup (engine_id);
  struct json_object *node = json_object_new_object ();
  struct json_object *params = json_object_new_object ();
  struct json_object *nodes = tsu_project_nodes (self->project);

  free (engine_id);
  json_object_object_add (node, "id", json_object_new_string (id));
  json_object_object_add (node, "type", json_object_new_string (type));
  for (int i = 0; kind != NULL && i < tsu_layer_kind_param_count (kind); i++)
    {
      const tsu_param_desc *desc = tsu_layer_kind_param (kind, i);
      if (desc->required)
        json_object_object_add (params, desc->name, starter_value (kind, desc));
    }
  if (json_object_object_length (params) > 0)
    json_object_object_add (node, "params", params);
  else
    json_object_put (params);
  json_object_array_add (nodes, node);
  tsu_node_json_set_position (nodes, (int) json_object_array_length (nodes) - 1,
                              tsu_layout_snap (x), tsu_layout_snap (y));
  return id;
}

char *
tsu_graph_model_add_node (TsuGraphModel *self, const char *type, double x, double y)
{
  g_autofree char *label = g_strdup_printf ("Add %s", type);
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
  struct json_object *nodes = tsu_project_nodes (self->project);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, downstream);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int i = GPOINTER_TO_INT (key) - 1;
      int doc_index = -1;

      if (i == start && !include_start)
        continue;
      if (tsu_node_json_find (self->project, layout->nodes[i].id, &doc_index))
        tsu_node_json_set_position (nodes, doc_index, layout->nodes[i].x, layout->nodes[i].y + TSU_ROW_PITCH);
    }
}

static void
set_input (TsuGraphModel *self, const char *to, int slot, const char *from)
{
  int index = -1;
  struct json_object *node = tsu_node_json_find (self->project, to, &index);
  struct json_object *inputs;

  if (node == NULL)
    return;
  inputs = tsu_node_json_inputs (node);
  if (inputs == NULL)
    {
      inputs = json_object_new_array ();
      tsu_node_json_ensure_member (tsu_project_nodes (self->project), index, "inputs", inputs);
    }
  if (slot >= 0 && (size_t) slot < json_object_array_length (inputs))
    json_object_array_put_idx (inputs, slot, json_object_new_string (from));
  else
    json_object_array_add (inputs, json_object_new_string (from));
}

static void
delete_input (TsuGraphModel *self, const char *to, int slot)
{
  struct json_object *node = tsu_node_json_find (self->project, to, NULL);
  struct json_object *inputs = node ? tsu_node_json_inputs (node) : NULL;

  if (inputs == NULL || slot < 0 || (size_t) slot >= json_object_array_length (inputs))
    return;
  json_object_array_del_idx (inputs, slot, 1);
  if (json_object_array_length (inputs) == 0)
    json_object_object_del (node, "inputs");
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
  g_autofree char *label = g_strdup_printf ("Add %s", type);
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
  g_autofree char *label = g_strdup_printf ("Add %s", type);
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
  g_autofree char *label = g_strdup_printf ("Insert %s", type);
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

static void
remove_one (TsuGraphModel *self, const char *id, gboolean relink)
{
  struct json_object *nodes = tsu_project_nodes (self->project);
  int index = -1;
  struct json_object *node = tsu_node_json_find (self->project, id, &index);
  struct json_object *own_inputs;
  g_autofree char *feeder = NULL;

  if (node == NULL)
    return;
  own_inputs = tsu_node_json_inputs (node);
  if (relink && own_inputs != NULL && json_object_array_length (own_inputs) > 0)
    feeder = g_strdup (json_object_get_string (json_object_array_get_idx (own_inputs, 0)));

  for (size_t i = 0; i < json_object_array_length (nodes); i++)
    {
      struct json_object *other = json_object_array_get_idx (nodes, i);
      struct json_object *inputs = tsu_node_json_inputs (other);
      gboolean feeder_present = FALSE;

      if (inputs == NULL || (int) i == index)
        continue;
      for (size_t k = 0; k < json_object_array_length (inputs); k++)
        if (feeder && g_strcmp0 (json_object_get_string (json_object_array_get_idx (inputs, k)), feeder) == 0)
          feeder_present = TRUE;
      for (size_t k = json_object_array_length (inputs); k-- > 0;)
        {
          if (g_strcmp0 (json_object_get_string (json_object_array_get_idx (inputs, k)), id) != 0)
            continue;
          /* Relinking never makes a box read the same input twice. */
          if (feeder != NULL && !feeder_present)
            {
              json_object_array_put_idx (inputs, k, json_object_new_string (feeder));
              feeder_present = TRUE;
            }
          else
            json_object_array_del_idx (inputs, k, 1);
        }
      if (json_object_array_length (inputs) == 0)
        json_object_object_del (other, "inputs");
    }
  json_object_array_del_idx (nodes, index, 1);
}

void
tsu_graph_model_remove_nodes (TsuGraphModel *self, const char *const *ids, gboolean relink)
{
  tsu_graph_model_begin (self, "Delete");
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    remove_one (self, ids[i], relink);
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

  tsu_graph_model_begin (self, "Link");
  set_input (self, to, slot, from);
  tsu_graph_model_end (self);
  return TRUE;
}

void
tsu_graph_model_unlink (TsuGraphModel *self, const char *to, int slot)
{
  tsu_graph_model_begin (self, "Remove link");
  delete_input (self, to, slot);
  tsu_graph_model_end (self);
}

void
tsu_graph_model_move_nodes (TsuGraphModel *self, const char *const *ids, double dx, double dy)
{
  struct json_object *nodes = tsu_project_nodes (self->project);
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);

  tsu_graph_model_begin (self, "Move");
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      int doc_index = -1;
      int box = tsu_layout_find (layout, ids[i]);

      if (box >= 0 && tsu_node_json_find (self->project, ids[i], &doc_index))
        tsu_node_json_set_position (nodes, doc_index, layout->nodes[box].x + dx, layout->nodes[box].y + dy);
    }
  tsu_graph_model_end (self);
}

void
tsu_graph_model_set_param (TsuGraphModel *self, const char *id, const char *name, struct json_object *value)
{
  int index = -1;
  struct json_object *node = tsu_node_json_find (self->project, id, &index);
  struct json_object *params = NULL;
  g_autofree char *label = g_strdup_printf ("Change %s", name);

  if (node == NULL)
    {
      json_object_put (value);
      return;
    }
  tsu_graph_model_begin (self, label);
  if (!json_object_object_get_ex (node, "params", &params))
    {
      params = json_object_new_object ();
      node = tsu_node_json_ensure_member (tsu_project_nodes (self->project), index, "params", params);
    }
  if (value != NULL)
    json_object_object_add (params, name, value);
  else
    json_object_object_del (params, name);
  if (json_object_object_length (params) == 0)
    json_object_object_del (node, "params");
  tsu_graph_model_end (self);
}

gboolean
tsu_graph_model_check_id (TsuGraphModel *self, const char *old_id, const char *new_id, GError **error)
{
  if (!tsu_id_is_valid (new_id))
    {
      g_set_error (error, TSU_GRAPH_MODEL_ERROR, TSU_GRAPH_MODEL_ERROR_INVALID_ID,
                   "An id starts with a letter or _ and has only letters, digits and _");
      return FALSE;
    }
  if (g_strcmp0 (old_id, new_id) != 0 && tsu_node_json_find (self->project, new_id, NULL) != NULL)
    {
      g_set_error (error, TSU_GRAPH_MODEL_ERROR, TSU_GRAPH_MODEL_ERROR_DUPLICATE_ID,
                   "Another layer is already called “%s”", new_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
tsu_graph_model_rename (TsuGraphModel *self, const char *old_id, const char *new_id, GError **error)
{
  struct json_object *nodes = tsu_project_nodes (self->project);
  struct json_object *node = tsu_node_json_find (self->project, old_id, NULL);
  g_autofree char *old_copy = g_strdup (old_id);

  if (node == NULL)
    return FALSE;
  if (!tsu_graph_model_check_id (self, old_id, new_id, error))
    return FALSE;

  tsu_graph_model_begin (self, "Rename");
  json_object_object_add (node, "id", json_object_new_string (new_id));
  for (size_t i = 0; i < json_object_array_length (nodes); i++)
    {
      struct json_object *inputs = tsu_node_json_inputs (json_object_array_get_idx (nodes, i));

      for (size_t k = 0; inputs != NULL && k < json_object_array_length (inputs); k++)
        if (g_strcmp0 (json_object_get_string (json_object_array_get_idx (inputs, k)), old_copy) == 0)
          json_object_array_put_idx (inputs, k, json_object_new_string (new_id));
    }
  tsu_graph_model_emit_renamed (self, old_copy, new_id);
  tsu_graph_model_end (self);
  return TRUE;
}

void
tsu_graph_model_set_name (TsuGraphModel *self, const char *name)
{
  tsu_graph_model_begin (self, "Rename project");
  json_object_object_add (tsu_project_root (self->project), "name", json_object_new_string (name));
  tsu_graph_model_end (self);
}

void
tsu_graph_model_arrange (TsuGraphModel *self)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
  struct json_object *nodes = tsu_project_nodes (self->project);
  g_autofree double *xs = g_new0 (double, MAX (layout->n_nodes, 1));
  g_autofree double *ys = g_new0 (double, MAX (layout->n_nodes, 1));

  tsu_layout_arrange (layout, xs, ys);
  tsu_graph_model_begin (self, "Arrange");
  for (int i = 0; i < layout->n_nodes; i++)
    tsu_node_json_set_position (nodes, i, xs[i], ys[i]);
  tsu_graph_model_end (self);
}
