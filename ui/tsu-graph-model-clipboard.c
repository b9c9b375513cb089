/* tsu-graph-model-clipboard.c — copy and paste as project text, so a
 * selection pasted into another window (or a text editor) stays a project.
 * The document API copies the nodes and renames clashing ids; this file
 * places the pasted boxes. */
#include "tsu-graph-model-private.h"
#include "tsu-i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

char *
tsu_graph_model_copy (TsuGraphModel *self, const char *const *ids)
{
  char *engine_text = tsu_project_copy_nodes (self->project, ids);
  char *text = g_strdup (engine_text);

  free (engine_text);
  return text;
}

GStrv
tsu_graph_model_paste (TsuGraphModel *self, const char *text, double x, double y, GError **error)
{
  tsu_diag diag;
  tsu_project *clip;
  g_autoptr(GStrvBuilder) added = g_strv_builder_new ();
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, dx = 40, dy = 40;
  int first = tsu_project_node_count (self->project), n;

  tsu_diag_init (&diag);
  clip = tsu_project_parse (text, strlen (text), "<clipboard>", &diag);
  if (clip == NULL)
    {
      g_set_error (error, TSU_GRAPH_MODEL_ERROR, TSU_GRAPH_MODEL_ERROR_PARSE,
                   _("The clipboard holds no Tsumiki layers (%s)"),
                   tsu_diag_message (&diag, _("not a project")));
      tsu_diag_free (&diag);
      return NULL;
    }
  tsu_diag_free (&diag);

  for (int i = 0; i < tsu_project_node_count (clip); i++)
    {
      double nx, ny;
      if (tsu_project_node_position (clip, i, &nx, &ny))
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

  tsu_graph_model_begin (self, _("Paste"));
  n = tsu_project_add_nodes_from (self->project, clip);
  for (int i = 0; i < n; i++)
    {
      const char *id = tsu_project_node_id (self->project, first + i);
      double nx = min_x, ny = min_y + i * TSU_ROW_PITCH;

      tsu_project_node_position (self->project, first + i, &nx, &ny);
      tsu_project_set_node_position (self->project, id, nx + dx, ny + dy, NULL);
      g_strv_builder_add (added, id);
    }
  tsu_graph_model_end (self);

  tsu_project_free (clip);
  return g_strv_builder_end (added);
}
