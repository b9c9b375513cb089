/* tsu-canvas-input.c — pointer, scroll, keyboard, tooltips and drops. */
#include "tsu-canvas-private.h"
#include "tsu-node-summary.h"
#include "tsu-i18n.h"

#include <math.h>

#define HIT_TOLERANCE_PX 5.0

static TsuHit
hit_at (TsuCanvas *self, double cx, double cy)
{
  return tsu_layout_hit_test (tsu_graph_model_get_layout (self->model), cx, cy, HIT_TOLERANCE_PX / self->zoom);
}

static gboolean
wants_extend (GtkGesture *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  return (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) != 0;
}

static void
on_primary_begin (GtkGestureDrag *gesture, double wx, double wy, TsuCanvas *self)
{
  const TsuLayout *layout;
  TsuHit hit;
  double cx, cy;

  if (self->model == NULL)
    return;
  layout = tsu_graph_model_get_layout (self->model);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  tsu_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  self->drag_widget_x = wx;
  self->drag_widget_y = wy;
  self->drag_x = self->pointer_x = cx;
  self->drag_y = self->pointer_y = cy;
  self->drag_dx = self->drag_dy = 0;
  hit = hit_at (self, cx, cy);

  switch (hit.kind)
    {
    case TSU_HIT_OUTPUT_PORT:
      self->drag = DRAG_LINK_FROM_OUTPUT;
      self->link_source = hit.node;
      break;
    case TSU_HIT_INPUT_PORT:
      self->drag = DRAG_LINK_FROM_INPUT;
      self->link_source = hit.node;
      self->link_source_slot = hit.slot;
      break;
    case TSU_HIT_NODE:
      {
        const char *id = layout->nodes[hit.node].id;

        if (wants_extend (GTK_GESTURE (gesture)))
          {
            tsu_canvas_toggle_selected (self, id);
            self->drag = DRAG_NONE;
          }
        else
          {
            if (!g_hash_table_contains (self->selection, id))
              tsu_canvas_select_only (self, id);
            g_clear_pointer (&self->link_to, g_free);
            self->drag = DRAG_MOVE;
          }
        tsu_canvas_selection_changed (self);
      }
      break;
    case TSU_HIT_LINK:
      tsu_canvas_clear_selection (self);
      self->link_to = g_strdup (layout->nodes[hit.node].id);
      self->link_slot = hit.slot;
      self->drag = DRAG_NONE;
      tsu_canvas_selection_changed (self);
      break;
    case TSU_HIT_NONE:
    default:
      self->rubber_extends = wants_extend (GTK_GESTURE (gesture));
      if (!self->rubber_extends)
        {
          tsu_canvas_clear_selection (self);
          tsu_canvas_selection_changed (self);
        }
      self->drag = DRAG_RUBBER;
      break;
    }
}

/* Recomputes the drag from the pointer's widget position; the view may
 * have scrolled under it since the last event. */
static void
update_primary_drag (TsuCanvas *self)
{
  tsu_canvas_widget_to_canvas (self, self->drag_widget_x, self->drag_widget_y, &self->pointer_x, &self->pointer_y);

  switch (self->drag)
    {
    case DRAG_MOVE:
      /* Positions are on the grid already, so a snapped offset keeps them there. */
      self->drag_dx = tsu_layout_snap (self->pointer_x - self->drag_x);
      self->drag_dy = tsu_layout_snap (self->pointer_y - self->drag_y);
      break;
    case DRAG_LINK_FROM_OUTPUT:
    case DRAG_LINK_FROM_INPUT:
      self->hover_port = hit_at (self, self->pointer_x, self->pointer_y);
      break;
    default:
      break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

#define AUTOSCROLL_MARGIN 36.0

/* Dragging near an edge scrolls the view, faster closer to the edge, so
 * boxes and links can travel further than the visible part. */
static double
edge_speed (double position, double size)
{
  /* Up to 9 px a frame, reached at the edge and beyond it. */
  if (position < AUTOSCROLL_MARGIN)
    return (AUTOSCROLL_MARGIN - MAX (position, 0)) / 4;
  if (position > size - AUTOSCROLL_MARGIN)
    return -(MIN (position, size) - (size - AUTOSCROLL_MARGIN)) / 4;
  return 0;
}

static gboolean
autoscroll_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  TsuCanvas *self = TSU_CANVAS (widget);
  double vx = edge_speed (self->drag_widget_x, gtk_widget_get_width (widget));
  double vy = edge_speed (self->drag_widget_y, gtk_widget_get_height (widget));

  if (self->drag == DRAG_NONE || self->drag == DRAG_PAN || (vx == 0 && vy == 0))
    {
      self->autoscroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  self->auto_fit = FALSE;
  self->offset_x += vx;
  self->offset_y += vy;
  update_primary_drag (self);
  return G_SOURCE_CONTINUE;
}

static void
on_primary_update (GtkGestureDrag *gesture, double ox, double oy, TsuCanvas *self)
{
  double start_x, start_y;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y);
  self->drag_widget_x = start_x + ox;
  self->drag_widget_y = start_y + oy;
  update_primary_drag (self);

  if (self->drag != DRAG_NONE && self->autoscroll_tick == 0
      && (edge_speed (self->drag_widget_x, gtk_widget_get_width (widget)) != 0
          || edge_speed (self->drag_widget_y, gtk_widget_get_height (widget)) != 0))
    self->autoscroll_tick = gtk_widget_add_tick_callback (widget, autoscroll_tick, NULL, NULL);
}

/* A link dragged out of a port ends on a box or a port of the other kind.
 * mode says which end the drag started from (the caller has already reset
 * self->drag, so it is passed in). */
static void
finish_link (TsuCanvas *self, DragMode mode)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  TsuHit target = hit_at (self, self->pointer_x, self->pointer_y);
  const char *source_id;

  if (target.kind == TSU_HIT_NONE || target.kind == TSU_HIT_LINK || target.node == self->link_source
      || self->link_source < 0 || self->link_source >= layout->n_nodes)
    return;
  source_id = layout->nodes[self->link_source].id;

  if (mode == DRAG_LINK_FROM_OUTPUT)
    {
      const TsuLayoutNode *to = &layout->nodes[target.node];
      int slot = -1;

      if (to->kind != NULL && tsu_layer_kind_is_input (to->kind))
        return;
      if (target.kind == TSU_HIT_INPUT_PORT && target.slot < to->n_inputs)
        slot = target.slot;
      else if (!tsu_layout_accepts_input (to))
        slot = 0;
      if (!tsu_graph_model_link (self->model, source_id, to->id, slot))
        gtk_widget_error_bell (GTK_WIDGET (self));
    }
  else
    {
      const TsuLayoutNode *from = &layout->nodes[target.node];
      int slot = self->link_source_slot < layout->nodes[self->link_source].n_inputs ? self->link_source_slot : -1;

      if (from->kind != NULL && tsu_layer_kind_is_loss (from->kind))
        return;
      if (!tsu_graph_model_link (self->model, from->id, source_id, slot))
        gtk_widget_error_bell (GTK_WIDGET (self));
    }
}

static void
on_primary_end (GtkGestureDrag *gesture, double ox, double oy, TsuCanvas *self)
{
  DragMode mode = self->drag;

  if (self->autoscroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->autoscroll_tick);
      self->autoscroll_tick = 0;
    }
  self->drag = DRAG_NONE;
  self->hover_port.kind = TSU_HIT_NONE;
  switch (mode)
    {
    case DRAG_MOVE:
      if (self->drag_dx != 0 || self->drag_dy != 0)
        {
          g_auto(GStrv) ids = tsu_canvas_dup_selection (self);
          double dx = self->drag_dx, dy = self->drag_dy;

          self->drag_dx = self->drag_dy = 0;
          tsu_graph_model_move_nodes (self->model, (const char *const *) ids, dx, dy);
        }
      break;
    case DRAG_RUBBER:
      {
        g_autoptr(GArray) inside = tsu_layout_nodes_in_rect (tsu_graph_model_get_layout (self->model),
                                                             self->drag_x, self->drag_y,
                                                             self->pointer_x, self->pointer_y);
        const TsuLayout *layout = tsu_graph_model_get_layout (self->model);

        for (guint i = 0; i < inside->len; i++)
          g_hash_table_add (self->selection, g_strdup (layout->nodes[g_array_index (inside, int, i)].id));
        tsu_canvas_selection_changed (self);
      }
      break;
    case DRAG_LINK_FROM_OUTPUT:
    case DRAG_LINK_FROM_INPUT:
      finish_link (self, mode);
      break;
    default:
      break;
    }
  self->link_source = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pan_begin (GtkGestureDrag *gesture, double wx, double wy, TsuCanvas *self)
{
  self->auto_fit = FALSE;
  self->pan_start_x = self->offset_x;
  self->pan_start_y = self->offset_y;
  self->drag = DRAG_PAN;
}

static void
on_pan_update (GtkGestureDrag *gesture, double ox, double oy, TsuCanvas *self)
{
  self->offset_x = self->pan_start_x + ox;
  self->offset_y = self->pan_start_y + oy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pan_end (GtkGestureDrag *gesture, double ox, double oy, TsuCanvas *self)
{
  self->drag = DRAG_NONE;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, TsuCanvas *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double wx = self->pointer_x * self->zoom + self->offset_x;
  double wy = self->pointer_y * self->zoom + self->offset_y;

  if (state & GDK_CONTROL_MASK)
    {
      tsu_canvas_zoom_at (self, pow (1.15, -dy), wx, wy);
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    {
      dx = dy;
      dy = 0;
    }
  self->auto_fit = FALSE;
  self->offset_x -= dx * 40;
  self->offset_y -= dy * 40;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller, double wx, double wy, TsuCanvas *self)
{
  TsuHit hit;
  int hover;

  if (self->model == NULL)
    return;
  self->pointer_inside = TRUE;
  tsu_canvas_widget_to_canvas (self, wx, wy, &self->pointer_x, &self->pointer_y);
  if (self->drag != DRAG_NONE)
    return;
  hit = hit_at (self, self->pointer_x, self->pointer_y);
  hover = hit.kind == TSU_HIT_NONE || hit.kind == TSU_HIT_LINK ? -1 : hit.node;
  if (hit.kind == TSU_HIT_OUTPUT_PORT || hit.kind == TSU_HIT_INPUT_PORT)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  else if (hit.kind == TSU_HIT_NODE)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
  else if (hit.kind == TSU_HIT_LINK)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  {
    int link_node = hit.kind == TSU_HIT_LINK ? hit.node : -1, link_slot = hit.kind == TSU_HIT_LINK ? hit.slot : -1;

    /* The link under the pointer lights up: it is what a click selects. */
    if (link_node != self->hover_link_node || link_slot != self->hover_link_slot)
      {
        self->hover_link_node = link_node;
        self->hover_link_slot = link_slot;
        gtk_widget_queue_draw (GTK_WIDGET (self));
      }
  }
  if (hover != self->hover_node || hit.kind != self->hover_port.kind || hit.slot != self->hover_port.slot)
    {
      self->hover_node = hover;
      self->hover_port = (hit.kind == TSU_HIT_OUTPUT_PORT || hit.kind == TSU_HIT_INPUT_PORT)
                           ? hit : (TsuHit) { TSU_HIT_NONE, -1, -1 };
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_leave (GtkEventControllerMotion *controller, TsuCanvas *self)
{
  self->pointer_inside = FALSE;
  self->hover_node = -1;
  self->hover_link_node = self->hover_link_slot = -1;
  self->hover_port.kind = TSU_HIT_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_query_tooltip (GtkWidget *widget, int wx, int wy, gboolean keyboard, GtkTooltip *tooltip, TsuCanvas *self)
{
  const TsuLayout *layout;
  TsuHit hit;
  double cx, cy;
  const TsuLayoutNode *box;

  if (self->model == NULL || keyboard)
    return FALSE;
  layout = tsu_graph_model_get_layout (self->model);
  tsu_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  hit = hit_at (self, cx, cy);
  if (hit.kind == TSU_HIT_NONE || hit.kind == TSU_HIT_LINK)
    return FALSE;
  box = &layout->nodes[hit.node];
  if (box->error != NULL)
    gtk_tooltip_set_text (tooltip, box->error);
  else if (hit.kind == TSU_HIT_OUTPUT_PORT)
    gtk_tooltip_set_text (tooltip, _("Drag to an input port to link"));
  else if (hit.kind == TSU_HIT_INPUT_PORT)
    gtk_tooltip_set_text (tooltip, _("Drag to an output port to link"));
  else
    {
      g_autofree char *params = tsu_format_count (box->params);
      g_autofree char *macs = tsu_format_count (box->macs);
      /* TRANSLATORS: a layer box's tooltip: id (type), what the type does,
       * then output shape, parameter count and multiply-adds. */
      g_autofree char *text = g_strdup_printf (_("%s (%s)\n%s\nOutput %s · %s parameters · %s multiply-adds"),
                                               box->id, box->type,
                                               box->kind ? _(tsu_layer_kind_help (box->kind)) : _("Unknown layer type"),
                                               box->shape[0] ? box->shape : _("unknown"), params, macs);

      const tsu_warning *warning = tsu_graph_model_find_warning (self->model, box->id);

      if (warning != NULL)
        {
          g_autofree char *warned = g_strdup_printf ("%s\n\n⚠ %s", text, warning->message);
          gtk_tooltip_set_text (tooltip, warned);
          return TRUE;
        }
      gtk_tooltip_set_text (tooltip, text);
    }
  return TRUE;
}

/* While a palette entry is dragged over the canvas, show where its box will
 * land and which links the drop will make. */
static GdkDragAction
on_drop_motion (GtkDropTarget *target, double wx, double wy, TsuCanvas *self)
{
  const GValue *value = gtk_drop_target_get_value (target);
  const tsu_layer_kind *kind;
  double cx, cy;

  if (self->model == NULL || value == NULL || !G_VALUE_HOLDS_STRING (value)
      || (kind = tsu_layer_kind_find (g_value_get_string (value))) == NULL)
    {
      self->drop_preview = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return GDK_ACTION_COPY;
    }
  tsu_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  self->drop_plan = tsu_layout_plan_drop (tsu_graph_model_get_layout (self->model), kind,
                                          cx - TSU_BOX_WIDTH / 2, cy - TSU_BOX_HEIGHT / 2);
  self->drop_preview = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return GDK_ACTION_COPY;
}

static void
on_drop_leave (GtkDropTarget *target, TsuCanvas *self)
{
  self->drop_preview = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double wx, double wy, TsuCanvas *self)
{
  const char *type;

  self->drop_preview = FALSE;
  /* A project file dropped on the canvas opens, as on the rest of the
   * window (whose own drop target the canvas would otherwise shadow). */
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
        {
          g_autofree char *path = g_file_get_path (l->data);

          if (path != NULL && g_str_has_suffix (path, ".tsumiki"))
            return gtk_widget_activate_action (GTK_WIDGET (self), "win.open-recent", "s", path);
        }
      return FALSE;
    }
  type = g_value_get_string (value);

  if (self->model == NULL || type == NULL || tsu_layer_kind_find (type) == NULL)
    return FALSE;
  tsu_canvas_drop_layer (self, type, wx, wy);
  return TRUE;
}

/* Alt+arrow: select the nearest box in that direction (the first box when
 * nothing is selected), so every box can be reached from the keyboard. */
static void
select_in_direction (TsuCanvas *self, double dx, double dy)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  const char *current = tsu_canvas_get_single_selection (self);
  int from = current ? tsu_layout_find (layout, current) : -1;
  int best = -1;
  double best_score = G_MAXDOUBLE;

  if (layout->n_nodes == 0)
    return;
  if (from < 0)
    {
      /* The top-left box: where a reader starts. */
      for (int i = 0; i < layout->n_nodes; i++)
        {
          double score = layout->nodes[i].y * 4 + layout->nodes[i].x;
          if (score < best_score)
            {
              best_score = score;
              best = i;
            }
        }
    }
  else
    for (int i = 0; i < layout->n_nodes; i++)
      {
        double vx = layout->nodes[i].x - layout->nodes[from].x;
        double vy = layout->nodes[i].y - layout->nodes[from].y;
        double along = vx * dx + vy * dy;
        double across = fabs (vx * dy - vy * dx);
        double score;

        if (i == from || along <= 0)
          continue;
        /* Straight ahead beats diagonal: sideways distance counts double. */
        score = along + 2 * across;
        if (score < best_score)
          {
            best_score = score;
            best = i;
          }
      }
  if (best < 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  tsu_canvas_select_only (self, layout->nodes[best].id);
  tsu_canvas_ensure_visible (self, layout->nodes[best].id);
  tsu_canvas_selection_changed (self);
}

static void
restore_tooltips (TsuCanvas *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

static void
show_context_menu (TsuCanvas *self, double wx, double wy)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) view = g_menu_new ();
  GtkWidget *popover;

  g_menu_append (edit, _("Cut"), "canvas.cut");
  g_menu_append (edit, _("Copy"), "canvas.copy");
  g_menu_append (edit, _("Paste"), "canvas.paste");
  g_menu_append (edit, _("Duplicate"), "canvas.duplicate");
  g_menu_append (edit, _("Delete"), "canvas.delete");
  g_menu_append (edit, _("Delete and Relink"), "canvas.delete-relink");
  g_menu_append (view, _("Select All"), "canvas.select-all");
  g_menu_append (view, _("Arrange Layers"), "graph.arrange");
  g_menu_append (view, _("Zoom to Fit"), "win.zoom-fit");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (view));

  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, GTK_WIDGET (self));
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) wx, (int) wy, 1, 1 });
  /* The popover unparents itself once closed. */
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  /* A box's tooltip would stay up over the menu: none while it is open. */
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), FALSE);
  g_signal_connect_swapped (popover, "closed", G_CALLBACK (restore_tooltips), self);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
on_secondary_pressed (GtkGestureClick *gesture, int n_press, double wx, double wy, TsuCanvas *self)
{
  const TsuLayout *layout;
  TsuHit hit;
  double cx, cy;

  if (self->model == NULL)
    return;
  layout = tsu_graph_model_get_layout (self->model);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  tsu_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  self->pointer_x = cx;
  self->pointer_y = cy;
  self->pointer_inside = TRUE;
  hit = hit_at (self, cx, cy);
  /* Right-clicking a box outside the selection acts on that box. */
  if (hit.kind == TSU_HIT_NODE && !g_hash_table_contains (self->selection, layout->nodes[hit.node].id))
    {
      tsu_canvas_select_only (self, layout->nodes[hit.node].id);
      tsu_canvas_selection_changed (self);
    }
  show_context_menu (self, wx, wy);
}

/* Widget-local key bindings: they act only while the canvas has focus, so
 * Delete, Backspace and Ctrl+C keep their meaning in the inspector's
 * entries. Undo, redo, zoom and files are window actions instead. */
static void
canvas_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  TsuCanvas *self = TSU_CANVAS (widget);

  if (self->model == NULL)
    return;
  if (g_str_equal (name, "canvas.delete"))
    tsu_canvas_delete_selection (self, FALSE);
  else if (g_str_equal (name, "canvas.delete-relink"))
    tsu_canvas_delete_selection (self, TRUE);
  else if (g_str_equal (name, "canvas.select-all"))
    tsu_canvas_select_all (self);
  else if (g_str_equal (name, "canvas.select-none"))
    {
      tsu_canvas_clear_selection (self);
      tsu_canvas_selection_changed (self);
    }
  else if (g_str_equal (name, "canvas.copy"))
    tsu_canvas_copy (self);
  else if (g_str_equal (name, "canvas.cut"))
    tsu_canvas_cut (self);
  else if (g_str_equal (name, "canvas.paste"))
    tsu_canvas_paste (self);
  else if (g_str_equal (name, "canvas.duplicate"))
    tsu_canvas_duplicate (self);
  else if (g_str_equal (name, "canvas.select-next"))
    {
      double dx = 0, dy = 0;
      g_variant_get (parameter, "(dd)", &dx, &dy);
      select_in_direction (self, dx, dy);
    }
  else if (g_str_equal (name, "canvas.nudge"))
    {
      double dx = 0, dy = 0;
      g_variant_get (parameter, "(dd)", &dx, &dy);
      tsu_canvas_nudge (self, dx, dy);
    }
}

static gboolean
open_menu_from_keyboard (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  TsuCanvas *self = TSU_CANVAS (widget);
  const char *id = tsu_canvas_get_single_selection (self);
  const TsuLayout *layout = self->model ? tsu_graph_model_get_layout (self->model) : NULL;
  int index = id && layout ? tsu_layout_find (layout, id) : -1;
  double wx = gtk_widget_get_width (widget) / 2.0, wy = gtk_widget_get_height (widget) / 2.0;

  if (index >= 0)
    {
      wx = (layout->nodes[index].x + TSU_BOX_WIDTH / 2) * self->zoom + self->offset_x;
      wy = (layout->nodes[index].y + TSU_BOX_HEIGHT) * self->zoom + self->offset_y;
    }
  show_context_menu (self, wx, wy);
  return TRUE;
}

static void
bind_key (GtkWidgetClass *widget_class, guint key, GdkModifierType mods, const char *action)
{
  gtk_widget_class_add_binding_action (widget_class, key, mods, action, NULL);
}

static void
bind_nudge (GtkWidgetClass *widget_class, guint key, double dx, double dy)
{
  gtk_widget_class_add_binding_action (widget_class, key, 0, "canvas.nudge", "(dd)", dx, dy);
  gtk_widget_class_add_binding_action (widget_class, key, GDK_SHIFT_MASK, "canvas.nudge", "(dd)",
                                       dx * 5, dy * 5);
}

void
tsu_canvas_class_setup_bindings (GtkWidgetClass *widget_class)
{
  static const char *const plain[] = {
    "canvas.delete", "canvas.delete-relink", "canvas.select-all", "canvas.select-none",
    "canvas.copy", "canvas.cut", "canvas.paste", "canvas.duplicate",
  };

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    gtk_widget_class_install_action (widget_class, plain[i], NULL, canvas_action);
  gtk_widget_class_install_action (widget_class, "canvas.nudge", "(dd)", canvas_action);
  gtk_widget_class_install_action (widget_class, "canvas.select-next", "(dd)", canvas_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "canvas.select-next", "(dd)", 0.0, -1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "canvas.select-next", "(dd)", 0.0, 1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "canvas.select-next", "(dd)", -1.0, 0.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "canvas.select-next", "(dd)", 1.0, 0.0);
  /* Shift+F10 and the Menu key open the context menu, as everywhere. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, open_menu_from_keyboard, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, open_menu_from_keyboard, NULL);

  /* Menus show the last binding of an action: keep the main key last. */
  bind_key (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete");
  bind_key (widget_class, GDK_KEY_Delete, 0, "canvas.delete");
  bind_key (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete-relink");
  bind_key (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all");
  bind_key (widget_class, GDK_KEY_Escape, 0, "canvas.select-none");
  bind_key (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy");
  bind_key (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut");
  bind_key (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste");
  bind_key (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "canvas.duplicate");
  /* Insert splices the palette's highlighted layer above the selected box;
   * the window owns the palette, so this is a window action. */
  bind_key (widget_class, GDK_KEY_Insert, 0, "win.insert-layer");
  /* Enter edits the selected layer's params in the inspector. */
  bind_key (widget_class, GDK_KEY_Return, 0, "win.edit-layer");
  bind_key (widget_class, GDK_KEY_KP_Enter, 0, "win.edit-layer");
  bind_key (widget_class, GDK_KEY_KP_Insert, 0, "win.insert-layer");
  bind_nudge (widget_class, GDK_KEY_Left, -TSU_GRID, 0);
  bind_nudge (widget_class, GDK_KEY_Right, TSU_GRID, 0);
  bind_nudge (widget_class, GDK_KEY_Up, 0, -TSU_GRID);
  bind_nudge (widget_class, GDK_KEY_Down, 0, TSU_GRID);
}

void
tsu_canvas_setup_input (TsuCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *primary = gtk_gesture_drag_new ();
  GtkGesture *pan = gtk_gesture_drag_new ();
  GtkGesture *secondary = gtk_gesture_click_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (primary), GDK_BUTTON_PRIMARY);
  g_signal_connect (primary, "drag-begin", G_CALLBACK (on_primary_begin), self);
  g_signal_connect (primary, "drag-update", G_CALLBACK (on_primary_update), self);
  g_signal_connect (primary, "drag-end", G_CALLBACK (on_primary_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (primary));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (pan), GDK_BUTTON_MIDDLE);
  g_signal_connect (pan, "drag-begin", G_CALLBACK (on_pan_begin), self);
  g_signal_connect (pan, "drag-update", G_CALLBACK (on_pan_update), self);
  g_signal_connect (pan, "drag-end", G_CALLBACK (on_pan_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (pan));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (secondary));

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  /* Palette entries carry their layer type as a string. */
  gtk_drop_target_set_gtypes (drop, (GType[]) { GDK_TYPE_FILE_LIST, G_TYPE_STRING }, 2);
  /* The value is needed before the drop, for the landing preview. */
  gtk_drop_target_set_preload (drop, TRUE);
  g_signal_connect (drop, "motion", G_CALLBACK (on_drop_motion), self);
  g_signal_connect (drop, "leave", G_CALLBACK (on_drop_leave), self);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drop));

  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}
