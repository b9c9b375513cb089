/* tsu-graph-model-clipboard.c — copy and paste as project JSON, so a
 * selection pasted into another window (or a text editor) stays a project. */
#include "tsu-graph-model-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static GHashTable *
id_set (const char *const *ids)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_hash_table_add (set, (gpointer) ids[i]);
  return set;
}

/* Keeps the inputs that `keep` maps (renamed to the mapped id); drops the
 * rest, since a link to a box outside the selection means nothing. */
static void
filter_inputs (struct json_object *node, GHashTable *keep, gboolean rename)
{
  struct json_object *inputs = tsu_node_json_inputs (node);

  if (inputs == NULL)
    return;
  for (size_t k = json_object_array_length (inputs); k-- > 0;)
    {
      const char *from = json_object_get_string (json_object_array_get_idx (inputs, k));
      gpointer target = NULL;

      if (from == NULL || !g_hash_table_lookup_extended (keep, from, NULL, &target))
        json_object_array_del_idx (inputs, k, 1);
      else if (rename)
        json_object_array_put_idx (inputs, k, json_object_new_string (target));
    }
  if (json_object_array_length (inputs) == 0)
    json_object_object_del (node, "inputs");
}

char *
tsu_graph_model_copy (TsuGraphModel *self, const char *const *ids)
{
  g_autoptr(GHashTable) wanted = id_set (ids);
  struct json_object *nodes = tsu_project_nodes (self->project);
  tsu_project *clip = tsu_project_new (tsu_project_name (self->project));
  struct json_object *clip_nodes = tsu_project_nodes (clip);
  char *engine_text, *text;

  for (size_t i = 0; i < json_object_array_length (nodes); i++)
    {
      struct json_object *node = json_object_array_get_idx (nodes, i);
      struct json_object *copy = NULL;
      const char *id = tsu_node_json_id (node);

      if (id == NULL || !g_hash_table_contains (wanted, id))
        continue;
      if (json_object_deep_copy (node, &copy, NULL) != 0)
        continue;
      filter_inputs (copy, wanted, FALSE);
      json_object_array_add (clip_nodes, copy);
    }
  engine_text = tsu_project_to_string (clip);
  text = g_strdup (engine_text);
  free (engine_text);
  tsu_project_free (clip);
  return text;
}

static gboolean
read_xy (struct json_object *node, double *x, double *y)
{
  struct json_object *position = NULL;

  if (!json_object_object_get_ex (node, "position", &position) || !json_object_is_type (position, json_type_array)
      || json_object_array_length (position) < 2)
    return FALSE;
  *x = json_object_get_double (json_object_array_get_idx (position, 0));
  *y = json_object_get_double (json_object_array_get_idx (position, 1));
  return TRUE;
}

GStrv
tsu_graph_model_paste (TsuGraphModel *self, const char *text, double x, double y, GError **error)
{
  tsu_diag diag;
  tsu_project *clip;
  struct json_object *clip_nodes, *nodes = tsu_project_nodes (self->project);
  g_autoptr(GHashTable) renamed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GStrvBuilder) added = g_strv_builder_new ();
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, dx = 40, dy = 40;
  size_t first_new = json_object_array_length (nodes);

  tsu_diag_init (&diag);
  clip = tsu_project_parse (text, strlen (text), "<clipboard>", &diag);
  if (clip == NULL)
    {
      g_set_error (error, TSU_GRAPH_MODEL_ERROR, TSU_GRAPH_MODEL_ERROR_PARSE,
                   "The clipboard holds no Tsumiki layers (%s)",
                   diag.count ? diag.items[0].message : "not a project");
      tsu_diag_free (&diag);
      return NULL;
    }
  tsu_diag_free (&diag);
  clip_nodes = tsu_project_nodes (clip);

  for (size_t i = 0; i < json_object_array_length (clip_nodes); i++)
    {
      double nx, ny;
      if (read_xy (json_object_array_get_idx (clip_nodes, i), &nx, &ny))
        {
          min_x = MIN (min_x, nx);
          min_y = MIN (min_y, ny);
        }
    }
  if (min_x == G_MAXDOUBLE)
    min_x = min_y = 0;
  if (isfinite (x) && isfinite (y))
    {
      dx = tsu_layout_snap (x - min_x);
      dy = tsu_layout_snap (y - min_y);
    }

  tsu_graph_model_begin (self, "Paste");
  for (size_t i = 0; i < json_object_array_length (clip_nodes); i++)
    {
      struct json_object *copy = NULL;
      const char *old_id;
      struct json_object *type = NULL;
      g_autofree char *new_id = NULL;
      double nx = min_x, ny = min_y + i * TSU_ROW_PITCH;

      if (json_object_deep_copy (json_object_array_get_idx (clip_nodes, i), &copy, NULL) != 0)
        continue;
      old_id = tsu_node_json_id (copy);
      json_object_object_get_ex (copy, "type", &type);
      if (tsu_id_is_valid (old_id) && tsu_node_json_find (self->project, old_id, NULL) == NULL)
        new_id = g_strdup (old_id);
      else
        {
          char *engine_id = tsu_project_unique_id (self->project, type ? json_object_get_string (type) : "Layer");
          new_id = g_strdup (engine_id);
          free (engine_id);
        }
      if (old_id != NULL)
        g_hash_table_insert (renamed, g_strdup (old_id), g_strdup (new_id));
      json_object_object_add (copy, "id", json_object_new_string (new_id));
      json_object_array_add (nodes, copy);
      read_xy (copy, &nx, &ny);
      tsu_node_json_set_position (nodes, (int) json_object_array_length (nodes) - 1, nx + dx, ny + dy);
      g_strv_builder_add (added, new_id);
    }
  for (size_t i = first_new; i < json_object_array_length (nodes); i++)
    filter_inputs (json_object_array_get_idx (nodes, i), renamed, TRUE);
  tsu_graph_model_end (self);

  tsu_project_free (clip);
  return g_strv_builder_end (added);
}
