/* tsu-layout.c — box geometry, hit-testing, Arrange and the drop rules. */
#include "tsu-layout.h"
#include "tsu-node-summary.h"

#include <math.h>
#include <string.h>

double
tsu_layout_snap (double value)
{
  return round (value / TSU_GRID) * TSU_GRID;
}

static const char *
first_error_for (const tsu_diag *diag, const char *id)
{
  if (diag == NULL)
    return NULL;
  for (int i = 0; i < diag->count; i++)
    if (strcmp (diag->items[i].node, id) == 0)
      return diag->items[i].message;
  return NULL;
}

static void
fill_display (TsuLayoutNode *box, const tsu_project *project, int index, const tsu_graph *graph,
              const tsu_diag *diag)
{
  const tsu_node *node = graph ? tsu_graph_find (graph, box->id) : NULL;
  const char *error = first_error_for (diag, box->id);

  box->summary = tsu_node_summary (project, index, box->kind);
  box->error = error ? g_strdup (error) : NULL;
  if (node != NULL && tsu_node_has_shape (node))
    tsu_shape_format_sep (tsu_node_shape (node), "×", box->shape, sizeof box->shape);
  if (node != NULL)
    {
      box->params = tsu_node_trainable_count (node);
      box->macs = tsu_node_macs (node);
    }
}

static void
fill_block (TsuLayoutNode *box, const tsu_graph *graph, GHashTable *index_of)
{
  const tsu_node *node = graph ? tsu_graph_find (graph, box->id) : NULL;
  const tsu_node *start = node ? tsu_node_block (node) : NULL;
  gpointer found = NULL;

  box->block = -1;
  if (start == NULL || !g_hash_table_lookup_extended (index_of, tsu_node_id (start), NULL, &found))
    return;
  box->block = GPOINTER_TO_INT (found);
  box->block_times = tsu_node_param (start, "times")->ints[0];
}

TsuLayout *
tsu_layout_new (const tsu_project *project, const tsu_graph *graph, const tsu_diag *diag)
{
  TsuLayout *layout = g_new0 (TsuLayout, 1);
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_str_hash, g_str_equal);

  layout->n_nodes = tsu_project_node_count (project);
  layout->nodes = g_new0 (TsuLayoutNode, MAX (layout->n_nodes, 1));

  for (int i = 0; i < layout->n_nodes; i++)
    {
      TsuLayoutNode *box = &layout->nodes[i];
      const char *id = tsu_project_node_id (project, i);
      const char *type = tsu_project_node_type (project, i);

      box->id = g_strdup (id ? id : "");
      box->type = g_strdup (type ? type : "");
      box->kind = type ? tsu_layer_kind_find (type) : NULL;
      box->has_position = tsu_project_node_position (project, i, &box->x, &box->y);
      if (!g_hash_table_contains (index_of, box->id))
        g_hash_table_insert (index_of, box->id, GINT_TO_POINTER (i));
    }

  for (int i = 0; i < layout->n_nodes; i++)
    {
      TsuLayoutNode *box = &layout->nodes[i];
      int min_inputs = box->kind ? tsu_layer_kind_min_inputs (box->kind) : 1;

      box->n_inputs = tsu_project_node_input_count (project, i);
      box->inputs = g_new (int, MAX (box->n_inputs, 1));
      for (int k = 0; k < box->n_inputs; k++)
        {
          const char *from = tsu_project_node_input (project, i, k);
          gpointer found = NULL;

          box->inputs[k] = -1;
          if (from != NULL && g_hash_table_lookup_extended (index_of, from, NULL, &found))
            {
              box->inputs[k] = GPOINTER_TO_INT (found);
              layout->nodes[box->inputs[k]].n_consumers++;
            }
        }
      box->n_input_ports = MAX (box->n_inputs, min_inputs);
      if (box->kind && tsu_layer_kind_is_input (box->kind))
        box->n_input_ports = box->n_inputs;

      fill_display (box, project, i, graph, diag);
      fill_block (box, graph, index_of);
      layout->max_params = MAX (layout->max_params, box->params);
      layout->max_macs = MAX (layout->max_macs, box->macs);
    }
  return layout;
}

void
tsu_layout_free (TsuLayout *layout)
{
  if (layout == NULL)
    return;
  for (int i = 0; i < layout->n_nodes; i++)
    {
      g_free (layout->nodes[i].id);
      g_free (layout->nodes[i].type);
      g_free (layout->nodes[i].inputs);
      g_free (layout->nodes[i].summary);
      g_free (layout->nodes[i].error);
    }
  g_free (layout->nodes);
  g_free (layout);
}

int
tsu_layout_find (const TsuLayout *layout, const char *id)
{
  for (int i = 0; i < layout->n_nodes; i++)
    if (g_strcmp0 (layout->nodes[i].id, id) == 0)
      return i;
  return -1;
}

gboolean
tsu_layout_accepts_input (const TsuLayoutNode *node)
{
  int max_inputs;

  if (node->kind == NULL)
    return TRUE;
  max_inputs = tsu_layer_kind_max_inputs (node->kind);
  return max_inputs < 0 || node->n_inputs < max_inputs;
}

void
tsu_layout_output_port (const TsuLayout *layout, int node, double *x, double *y)
{
  *x = layout->nodes[node].x + TSU_BOX_WIDTH / 2;
  *y = layout->nodes[node].y + TSU_BOX_HEIGHT;
}

void
tsu_layout_input_port (const TsuLayout *layout, int node, int slot, double *x, double *y)
{
  const TsuLayoutNode *box = &layout->nodes[node];
  int ports = MAX (box->n_input_ports, 1);

  *x = box->x + TSU_BOX_WIDTH * (slot + 1) / (ports + 1);
  *y = box->y;
}

gboolean
tsu_layout_link_curve (const TsuLayout *layout, int node, int slot, double points[8])
{
  int from = layout->nodes[node].inputs[slot];
  double bend;

  if (from < 0)
    return FALSE;
  tsu_layout_output_port (layout, from, &points[0], &points[1]);
  tsu_layout_input_port (layout, node, slot, &points[6], &points[7]);
  /* Vertical tangents at both ports; a link going upwards bends further so
   * it visibly leaves the bottom and enters the top. */
  bend = MAX (fabs (points[7] - points[1]) * 0.5, 30.0);
  points[2] = points[0];
  points[3] = points[1] + bend;
  points[4] = points[6];
  points[5] = points[7] - bend;
  return TRUE;
}

static double
distance_to_segment (double px, double py, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay;
  double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / length2 : 0;

  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

static double
distance_to_curve (const double p[8], double x, double y)
{
  double best = G_MAXDOUBLE;
  double last_x = p[0], last_y = p[1];

  for (int i = 1; i <= 32; i++)
    {
      double t = i / 32.0, u = 1 - t;
      double cx = u * u * u * p[0] + 3 * u * u * t * p[2] + 3 * u * t * t * p[4] + t * t * t * p[6];
      double cy = u * u * u * p[1] + 3 * u * u * t * p[3] + 3 * u * t * t * p[5] + t * t * t * p[7];

      best = MIN (best, distance_to_segment (x, y, last_x, last_y, cx, cy));
      last_x = cx;
      last_y = cy;
    }
  return best;
}

TsuHit
tsu_layout_hit_test (const TsuLayout *layout, double x, double y, double tolerance)
{
  TsuHit hit = { TSU_HIT_NONE, -1, -1 };
  double port_reach = TSU_PORT_RADIUS + tolerance;

  for (int i = layout->n_nodes - 1; i >= 0; i--)
    {
      const TsuLayoutNode *box = &layout->nodes[i];
      double px, py;

      tsu_layout_output_port (layout, i, &px, &py);
      if (hypot (x - px, y - py) <= port_reach)
        return (TsuHit) { TSU_HIT_OUTPUT_PORT, i, 0 };
      for (int slot = 0; slot < box->n_input_ports; slot++)
        {
          tsu_layout_input_port (layout, i, slot, &px, &py);
          if (hypot (x - px, y - py) <= port_reach)
            return (TsuHit) { TSU_HIT_INPUT_PORT, i, slot };
        }
    }

  for (int i = layout->n_nodes - 1; i >= 0; i--)
    {
      const TsuLayoutNode *box = &layout->nodes[i];

      if (x >= box->x && x <= box->x + TSU_BOX_WIDTH && y >= box->y && y <= box->y + TSU_BOX_HEIGHT)
        return (TsuHit) { TSU_HIT_NODE, i, -1 };
    }

  for (int i = 0; i < layout->n_nodes; i++)
    for (int slot = 0; slot < layout->nodes[i].n_inputs; slot++)
      {
        double curve[8];

        if (tsu_layout_link_curve (layout, i, slot, curve) && distance_to_curve (curve, x, y) <= tolerance)
          return (TsuHit) { TSU_HIT_LINK, i, slot };
      }
  return hit;
}

GArray *
tsu_layout_nodes_in_rect (const TsuLayout *layout, double x0, double y0, double x1, double y1)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (int));
  double left = MIN (x0, x1), right = MAX (x0, x1), top = MIN (y0, y1), bottom = MAX (y0, y1);

  for (int i = 0; i < layout->n_nodes; i++)
    {
      const TsuLayoutNode *box = &layout->nodes[i];

      if (box->x <= right && box->x + TSU_BOX_WIDTH >= left && box->y <= bottom && box->y + TSU_BOX_HEIGHT >= top)
        g_array_append_val (found, i);
    }
  return found;
}

gboolean
tsu_layout_bounds (const TsuLayout *layout, double *x0, double *y0, double *x1, double *y1)
{
  if (layout->n_nodes == 0)
    return FALSE;
  *x0 = *y0 = G_MAXDOUBLE;
  *x1 = *y1 = -G_MAXDOUBLE;
  for (int i = 0; i < layout->n_nodes; i++)
    {
      *x0 = MIN (*x0, layout->nodes[i].x);
      *y0 = MIN (*y0, layout->nodes[i].y);
      *x1 = MAX (*x1, layout->nodes[i].x + TSU_BOX_WIDTH);
      *y1 = MAX (*y1, layout->nodes[i].y + TSU_BOX_HEIGHT);
    }
  return TRUE;
}

/* Longest path from a source, by relaxation; a cycle stops growing after
 * n rounds instead of looping forever. */
static int *
compute_depths (const TsuLayout *layout)
{
  int n = layout->n_nodes;
  int *depth = g_new0 (int, MAX (n, 1));

  for (int round = 0; round < n; round++)
    {
      gboolean changed = FALSE;

      for (int i = 0; i < n; i++)
        for (int k = 0; k < layout->nodes[i].n_inputs; k++)
          {
            int from = layout->nodes[i].inputs[k];

            if (from >= 0 && from != i && depth[from] + 1 > depth[i] && depth[from] + 1 < n)
              {
                depth[i] = depth[from] + 1;
                changed = TRUE;
              }
          }
      if (!changed)
        break;
    }
  return depth;
}

typedef struct {
  int node;
  double key;
} RowItem;

static int
compare_row_items (gconstpointer a, gconstpointer b)
{
  const RowItem *ra = a, *rb = b;

  if (ra->key != rb->key)
    return ra->key < rb->key ? -1 : 1;
  return ra->node - rb->node;
}

void
tsu_layout_arrange (const TsuLayout *layout, double *xs, double *ys)
{
  int n = layout->n_nodes;
  g_autofree int *depth = compute_depths (layout);
  int max_depth = 0;

  for (int i = 0; i < n; i++)
    max_depth = MAX (max_depth, depth[i]);

  /* Rows top-down, so parents already have their x when a row is placed. */
  for (int row = 0; row <= max_depth; row++)
    {
      g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (RowItem));

      for (int i = 0; i < n; i++)
        {
          RowItem item = { i, i * 1e-3 };
          double sum = 0;
          int parents = 0;

          if (depth[i] != row)
            continue;
          for (int k = 0; k < layout->nodes[i].n_inputs; k++)
            {
              int from = layout->nodes[i].inputs[k];
              if (from >= 0 && depth[from] < row)
                {
                  sum += xs[from];
                  parents++;
                }
            }
          if (parents > 0)
            item.key = sum / parents + i * 1e-3;
          g_array_append_val (items, item);
        }
      g_array_sort (items, compare_row_items);

      for (guint k = 0; k < items->len; k++)
        {
          RowItem *item = &g_array_index (items, RowItem, k);
          /* Centre the row on its parents' mean, never overlapping. */
          double wanted = row == 0 ? k * TSU_COLUMN_PITCH
                                   : item->key - (items->len - 1) * TSU_COLUMN_PITCH / 2 + k * TSU_COLUMN_PITCH;
          if (k > 0)
            wanted = MAX (wanted, xs[g_array_index (items, RowItem, k - 1).node] + TSU_COLUMN_PITCH);
          xs[item->node] = floor (wanted);
          ys[item->node] = row * TSU_ROW_PITCH;
        }
    }

  {
    double min_x = G_MAXDOUBLE;
    for (int i = 0; i < n; i++)
      min_x = MIN (min_x, xs[i]);
    for (int i = 0; i < n; i++)
      {
        xs[i] = tsu_layout_snap (xs[i] - min_x + 40);
        ys[i] = tsu_layout_snap (ys[i] + 40);
      }
  }
}

static gboolean
horizontally_aligned (const TsuLayoutNode *box, double x)
{
  return fabs (box->x - x) < TSU_BOX_WIDTH * 0.6;
}

TsuDropPlan
tsu_layout_plan_drop (const TsuLayout *layout, const tsu_layer_kind *kind, double x, double y)
{
  TsuDropPlan plan = { tsu_layout_snap (x), tsu_layout_snap (y), -1, -1, -1 };
  gboolean takes_input = kind == NULL || tsu_layer_kind_max_inputs (kind) != 0;
  gboolean gives_output = kind == NULL || !tsu_layer_kind_is_loss (kind);
  double best_above = G_MAXDOUBLE, best_below = G_MAXDOUBLE;

  for (int i = 0; i < layout->n_nodes; i++)
    {
      const TsuLayoutNode *box = &layout->nodes[i];
      double gap_under = y - (box->y + TSU_BOX_HEIGHT);   /* box is above the drop */
      double gap_over = box->y - (y + TSU_BOX_HEIGHT);    /* box is below the drop */
      gboolean box_gives = box->kind == NULL || !tsu_layer_kind_is_loss (box->kind);

      if (!horizontally_aligned (box, x))
        continue;
      /* A little overlap still counts: people drop approximately. */
      if (takes_input && box_gives && gap_under > -TSU_BOX_HEIGHT / 2 && gap_under <= TSU_AUTO_LINK_GAP
          && fabs (gap_under) < best_above)
        {
          best_above = fabs (gap_under);
          plan.above = i;
        }
      if (gives_output && gap_over > -TSU_BOX_HEIGHT / 2 && gap_over <= TSU_AUTO_LINK_GAP
          && fabs (gap_over) < best_below && (box->kind == NULL || tsu_layer_kind_max_inputs (box->kind) != 0))
        {
          best_below = fabs (gap_over);
          plan.below = i;
        }
    }

  /* Dropped onto the link between a box and the one it feeds (which may
   * overlap the drop spot, rows being close): splice into that link. */
  if (plan.above >= 0 && plan.below < 0 && gives_output)
    for (int i = 0; i < layout->n_nodes; i++)
      {
        const TsuLayoutNode *box = &layout->nodes[i];

        if (!horizontally_aligned (box, x) || box->y < y - TSU_BOX_HEIGHT / 2
            || box->y > y + TSU_BOX_HEIGHT + TSU_AUTO_LINK_GAP)
          continue;
        for (int k = 0; k < box->n_inputs; k++)
          if (box->inputs[k] == plan.above)
            plan.below = i;
      }

  if (plan.above >= 0)
    {
      plan.x = layout->nodes[plan.above].x;
      plan.y = layout->nodes[plan.above].y + TSU_ROW_PITCH;
    }
  else if (plan.below >= 0)
    {
      plan.x = layout->nodes[plan.below].x;
      plan.y = layout->nodes[plan.below].y - TSU_ROW_PITCH;
    }

  if (plan.below >= 0)
    {
      const TsuLayoutNode *below = &layout->nodes[plan.below];

      /* Dropped between two linked boxes: take the upper one's place. */
      for (int k = 0; k < below->n_inputs; k++)
        if (plan.above >= 0 && below->inputs[k] == plan.above)
          plan.below_slot = k;
      if (plan.below_slot < 0 && !tsu_layout_accepts_input (below))
        plan.below_slot = 0;
      if (plan.above >= 0 && plan.below == plan.above)
        plan.below = -1;
    }
  return plan;
}
