/* tsu-canvas.c — the diagram widget: view transform, selection, drawing and
 * the editing commands it forwards to the model. Input handling is in
 * tsu-canvas-input.c. */
#include "tsu-canvas-private.h"
#include "tsu-i18n.h"

#include <math.h>
#include <string.h>

#define MIN_ZOOM 0.2
#define MAX_ZOOM 3.0

enum {
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_VIEW_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TsuCanvas, tsu_canvas, GTK_TYPE_WIDGET)

static void initial_view (TsuCanvas *self);

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

TsuPaletteKind
tsu_canvas_style_palette (GtkWidget *widget)
{
  const char *env = g_getenv ("GTK_THEME");
  g_autofree char *setting = NULL;
  const char *theme;
  gboolean dark, high_contrast;
  GdkRGBA fg;

  g_object_get (gtk_widget_get_settings (widget), "gtk-theme-name", &setting, NULL);
  theme = env != NULL && env[0] != '\0' ? env : setting;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* Light text means a dark theme, however it was asked for. */
  dark = luminance (&fg) > 0.5;
  high_contrast = theme != NULL && (g_str_has_prefix (theme, "HighContrast") || strstr (theme, "-hc") != NULL);
  if (high_contrast)
    return dark ? TSU_PALETTE_HIGH_CONTRAST_INVERSE : TSU_PALETTE_HIGH_CONTRAST;
  return dark ? TSU_PALETTE_DARK : TSU_PALETTE_LIGHT;
}

double
tsu_canvas_legible_zoom (void)
{
  return TSU_PAINT_LEGIBLE_TEXT_PX / TSU_PAINT_SMALLEST_TEXT_PX;
}
static void fit_view (TsuCanvas *self, double min_zoom);

void
tsu_canvas_widget_to_canvas (TsuCanvas *self, double wx, double wy, double *cx, double *cy)
{
  *cx = (wx - self->offset_x) / self->zoom;
  *cy = (wy - self->offset_y) / self->zoom;
}

void
tsu_canvas_selection_changed (TsuCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

void
tsu_canvas_clear_selection (TsuCanvas *self)
{
  g_hash_table_remove_all (self->selection);
  g_clear_pointer (&self->link_to, g_free);
}

void
tsu_canvas_toggle_selected (TsuCanvas *self, const char *id)
{
  g_clear_pointer (&self->link_to, g_free);
  if (!g_hash_table_remove (self->selection, id))
    g_hash_table_add (self->selection, g_strdup (id));
}

void
tsu_canvas_select_only (TsuCanvas *self, const char *id)
{
  tsu_canvas_clear_selection (self);
  if (id != NULL)
    g_hash_table_add (self->selection, g_strdup (id));
}

/* Boxes and links can vanish under the selection (undo, delete). A box
 * whose id changed in place (undoing a rename) stays selected: same
 * document position, same number of boxes. */
static void
prune_selection (TsuCanvas *self)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  guint known = self->known_ids ? g_strv_length (self->known_ids) : 0;
  g_autoptr(GPtrArray) vanished = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer id;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (tsu_layout_find (layout, id) < 0)
      {
        g_ptr_array_add (vanished, g_strdup (id));
        g_hash_table_iter_remove (&iter);
        changed = TRUE;
      }
  for (guint i = 0; i < vanished->len && known == (guint) layout->n_nodes; i++)
    for (guint k = 0; k < known; k++)
      if (g_strcmp0 (self->known_ids[k], g_ptr_array_index (vanished, i)) == 0)
        g_hash_table_add (self->selection, g_strdup (layout->nodes[k].id));

  if (self->link_to != NULL)
    {
      int node = tsu_layout_find (layout, self->link_to);
      if (node < 0 || self->link_slot >= layout->nodes[node].n_inputs)
        {
          g_clear_pointer (&self->link_to, g_free);
          changed = TRUE;
        }
    }

  g_strfreev (self->known_ids);
  self->known_ids = g_new0 (char *, layout->n_nodes + 1);
  for (int i = 0; i < layout->n_nodes; i++)
    self->known_ids[i] = g_strdup (layout->nodes[i].id);

  if (changed)
    g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

static void
on_model_changed (TsuCanvas *self)
{
  /* Once the document is edited, the view stays where the person put it
   * (the problem list opening must not make the boxes jump). */
  if (self->reset_pending)
    self->reset_pending = FALSE;
  else
    self->auto_fit = FALSE;
  prune_selection (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A renamed box stays selected under its new id. */
static void
on_node_renamed (TsuCanvas *self, const char *old_id, const char *new_id)
{
  if (g_hash_table_remove (self->selection, old_id))
    g_hash_table_add (self->selection, g_strdup (new_id));
  if (g_strcmp0 (self->link_to, old_id) == 0)
    {
      g_free (self->link_to);
      self->link_to = g_strdup (new_id);
    }
}

static void
on_model_reset (TsuCanvas *self)
{
  self->reset_pending = TRUE;
  tsu_canvas_clear_selection (self);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
  self->fit_min_zoom = tsu_canvas_legible_zoom ();
  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    initial_view (self);
  else
    self->fit_on_next_size = TRUE;
}

void
tsu_canvas_set_model (TsuCanvas *self, TsuGraphModel *model)
{
  g_return_if_fail (TSU_IS_CANVAS (self));

  if (self->model != NULL)
    {
      g_clear_signal_handler (&self->changed_handler, self->model);
      g_clear_signal_handler (&self->reset_handler, self->model);
      g_clear_signal_handler (&self->renamed_handler, self->model);
      g_clear_object (&self->model);
    }
  if (model == NULL)
    return;
  self->model = g_object_ref (model);
  self->changed_handler = g_signal_connect_swapped (model, "changed", G_CALLBACK (on_model_changed), self);
  self->reset_handler = g_signal_connect_swapped (model, "reset", G_CALLBACK (on_model_reset), self);
  self->renamed_handler = g_signal_connect_swapped (model, "node-renamed", G_CALLBACK (on_node_renamed), self);
  on_model_reset (self);
}

TsuGraphModel *
tsu_canvas_get_model (TsuCanvas *self)
{
  return self->model;
}

static void
tsu_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  TsuCanvas *self = TSU_CANVAS (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  const TsuLayout *layout;
  TsuLayout shifted;
  g_autofree TsuLayoutNode *moved_nodes = NULL;
  TsuPaintOptions options;
  cairo_t *cr;

  if (self->model == NULL || width <= 0 || height <= 0)
    return;
  layout = tsu_graph_model_get_layout (self->model);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_translate (cr, self->offset_x, self->offset_y);
  cairo_scale (cr, self->zoom, self->zoom);

  tsu_paint_options_init (&options);
  options.palette = tsu_paint_palette (tsu_canvas_style_palette (widget));
  options.warnings = tsu_graph_model_get_warnings (self->model);
  tsu_canvas_widget_to_canvas (self, 0, 0, &options.clip_x0, &options.clip_y0);
  tsu_canvas_widget_to_canvas (self, width, height, &options.clip_x1, &options.clip_y1);
  tsu_paint_grid (cr, options.palette, self->zoom, options.clip_x0, options.clip_y0, options.clip_x1,
                  options.clip_y1);

  /* While boxes are dragged, draw a copy of the layout with them moved; the
   * model changes once, on release, as one undo step. */
  if (self->drag == DRAG_MOVE && (self->drag_dx != 0 || self->drag_dy != 0))
    {
      shifted = *layout;
      moved_nodes = g_memdup2 (layout->nodes, sizeof (TsuLayoutNode) * MAX (layout->n_nodes, 1));
      shifted.nodes = moved_nodes;
      for (int i = 0; i < shifted.n_nodes; i++)
        if (g_hash_table_contains (self->selection, moved_nodes[i].id))
          {
            moved_nodes[i].x += self->drag_dx;
            moved_nodes[i].y += self->drag_dy;
          }
      layout = &shifted;
    }

  options.zoom = self->zoom;
  options.selection = self->selection;
  options.stat_mode = self->stat_mode;
  options.live_func = self->live_func;
  options.live_data = self->live_data;
  options.hover_node = self->hover_node;
  options.hover_port = self->hover_port;
  options.hover_link_node = self->hover_link_node;
  options.drop_preview = self->drop_preview;
  options.drop_plan = self->drop_plan;
  options.hover_link_slot = self->hover_link_slot;
  if (self->link_to != NULL)
    {
      options.link_node = tsu_layout_find (layout, self->link_to);
      options.link_slot = self->link_slot;
    }
  if (self->drag == DRAG_RUBBER)
    {
      options.rubber = TRUE;
      options.rubber_x0 = self->drag_x;
      options.rubber_y0 = self->drag_y;
      options.rubber_x1 = self->pointer_x;
      options.rubber_y1 = self->pointer_y;
    }
  if ((self->drag == DRAG_LINK_FROM_OUTPUT || self->drag == DRAG_LINK_FROM_INPUT) && self->link_source >= 0)
    {
      options.pending_link = TRUE;
      options.pending_downwards = self->drag == DRAG_LINK_FROM_OUTPUT;
      if (self->drag == DRAG_LINK_FROM_OUTPUT)
        tsu_layout_output_port (layout, self->link_source, &options.pending_x0, &options.pending_y0);
      else
        tsu_layout_input_port (layout, self->link_source, self->link_source_slot,
                               &options.pending_x0, &options.pending_y0);
      options.pending_x1 = self->pointer_x;
      options.pending_y1 = self->pointer_y;
    }
  {
    gint64 start = g_get_monotonic_time ();
    tsu_paint_diagram (cr, layout, &options);
    self->last_paint_us = g_get_monotonic_time () - start;
  }
  cairo_destroy (cr);

  /* An empty canvas says how to start. */
  if (layout->n_nodes == 0)
    {
      g_autoptr(PangoLayout) hint = gtk_widget_create_pango_layout (
        GTK_WIDGET (self), _("Drag layers here from the palette,\nor double-click one to add it")
);
      int text_width, text_height;
      GdkRGBA grey = { options.palette->ink_dim.r, options.palette->ink_dim.g, options.palette->ink_dim.b, 1 };

      pango_layout_set_alignment (hint, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (hint, &text_width, &text_height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - text_width) / 2.0, (height - text_height) / 2.0));
      gtk_snapshot_append_layout (snapshot, hint, &grey);
      gtk_snapshot_restore (snapshot);
    }
}

static void
tsu_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  TsuCanvas *self = TSU_CANVAS (widget);

  /* Until the person pans or zooms, the view follows the widget's size
   * (the panes settle after the first frames). */
  if ((self->fit_on_next_size || self->auto_fit) && width > 0 && height > 0)
    {
      self->fit_on_next_size = FALSE;
      fit_view (self, self->fit_min_zoom);
      self->auto_fit = TRUE;
    }
}

static void
tsu_canvas_dispose (GObject *object)
{
  TsuCanvas *self = TSU_CANVAS (object);

  tsu_canvas_set_model (self, NULL);
  g_clear_handle_id (&self->view_changed_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_CANVAS);
  G_OBJECT_CLASS (tsu_canvas_parent_class)->dispose (object);
}

static void
tsu_canvas_finalize (GObject *object)
{
  TsuCanvas *self = TSU_CANVAS (object);

  tsu_canvas_set_live_indicators (self, NULL, NULL, NULL);
  g_hash_table_unref (self->selection);
  g_free (self->link_to);
  g_strfreev (self->known_ids);
  G_OBJECT_CLASS (tsu_canvas_parent_class)->finalize (object);
}

static void
tsu_canvas_class_init (TsuCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_canvas_dispose;
  object_class->finalize = tsu_canvas_finalize;
  widget_class->snapshot = tsu_canvas_snapshot;
  widget_class->size_allocate = tsu_canvas_size_allocate;

  signals[SIGNAL_SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                    G_TYPE_NONE, 0);
  /* Zoom or statistic changed: for the zoom label and toggles. */
  signals[SIGNAL_VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/tsumiki/Tsumiki/ui/canvas.ui");
  gtk_widget_class_set_css_name (widget_class, "networkcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  tsu_canvas_class_setup_bindings (widget_class);
}

static void
tsu_canvas_init (TsuCanvas *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->selection = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->zoom = 1.0;
  self->fit_min_zoom = tsu_canvas_legible_zoom ();
  self->offset_x = self->offset_y = 0;
  self->hover_node = -1;
  self->hover_link_node = self->hover_link_slot = -1;
  self->link_source = -1;
  tsu_canvas_setup_input (self);
}

GtkWidget *
tsu_canvas_new (void)
{
  return g_object_new (TSU_TYPE_CANVAS, NULL);
}

GStrv
tsu_canvas_dup_selection (TsuCanvas *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);

  for (int i = 0; i < layout->n_nodes; i++)
    if (g_hash_table_contains (self->selection, layout->nodes[i].id))
      g_strv_builder_add (builder, layout->nodes[i].id);
  return g_strv_builder_end (builder);
}

const char *
tsu_canvas_get_single_selection (TsuCanvas *self)
{
  GHashTableIter iter;
  gpointer id = NULL;

  if (g_hash_table_size (self->selection) != 1)
    return NULL;
  g_hash_table_iter_init (&iter, self->selection);
  g_hash_table_iter_next (&iter, &id, NULL);
  return id;
}

void
tsu_canvas_select (TsuCanvas *self, const char *const *ids)
{
  tsu_canvas_clear_selection (self);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_hash_table_add (self->selection, g_strdup (ids[i]));
  tsu_canvas_selection_changed (self);
}

void
tsu_canvas_select_all (TsuCanvas *self)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);

  tsu_canvas_clear_selection (self);
  for (int i = 0; i < layout->n_nodes; i++)
    g_hash_table_add (self->selection, g_strdup (layout->nodes[i].id));
  tsu_canvas_selection_changed (self);
}

static gboolean
emit_view_changed (gpointer user_data)
{
  TsuCanvas *self = user_data;

  self->view_changed_idle = 0;
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
set_view (TsuCanvas *self, double zoom, double offset_x, double offset_y)
{
  self->zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  self->offset_x = round (offset_x);
  self->offset_y = round (offset_y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* Listeners resize labels; that must not happen inside size_allocate,
   * where a fit can land us. */
  if (self->view_changed_idle == 0)
    self->view_changed_idle = g_idle_add (emit_view_changed, self);
}

/* Scrolls the least needed to bring a box fully into view. */
void
tsu_canvas_ensure_visible (TsuCanvas *self, const char *id)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  int index = tsu_layout_find (layout, id);
  double width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));
  double left, top, right, bottom, dx = 0, dy = 0, margin = 24;

  if (index < 0 || width <= 0)
    return;
  left = layout->nodes[index].x * self->zoom + self->offset_x;
  top = layout->nodes[index].y * self->zoom + self->offset_y;
  right = left + TSU_BOX_WIDTH * self->zoom;
  bottom = top + TSU_BOX_HEIGHT * self->zoom;
  if (left < margin)
    dx = margin - left;
  else if (right > width - margin)
    dx = width - margin - right;
  if (top < margin)
    dy = margin - top;
  else if (bottom > height - margin)
    dy = height - margin - bottom;
  if (dx != 0 || dy != 0)
    {
      self->auto_fit = FALSE;
      set_view (self, self->zoom, self->offset_x + dx, self->offset_y + dy);
    }
}

void
tsu_canvas_reveal_node (TsuCanvas *self, const char *id)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  int index = tsu_layout_find (layout, id);
  double width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));

  if (index < 0)
    return;
  tsu_canvas_select_only (self, id);
  self->auto_fit = FALSE;
  set_view (self, self->zoom,
            width / 2 - (layout->nodes[index].x + TSU_BOX_WIDTH / 2) * self->zoom,
            height / 2 - (layout->nodes[index].y + TSU_BOX_HEIGHT / 2) * self->zoom);
  tsu_canvas_selection_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

gint64
tsu_canvas_get_last_paint_us (TsuCanvas *self)
{
  return self->last_paint_us;
}

void
tsu_canvas_pan_by (TsuCanvas *self, double dx, double dy)
{
  self->auto_fit = FALSE;
  set_view (self, self->zoom, self->offset_x + dx, self->offset_y + dy);
}

double
tsu_canvas_get_zoom (TsuCanvas *self)
{
  return self->zoom;
}

void
tsu_canvas_zoom_at (TsuCanvas *self, double factor, double wx, double wy)
{
  self->auto_fit = FALSE;
  double cx, cy, zoom = CLAMP (self->zoom * factor, MIN_ZOOM, MAX_ZOOM);

  /* Keep the canvas point under the pointer where it is. */
  tsu_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  set_view (self, zoom, wx - cx * zoom, wy - cy * zoom);
}

void
tsu_canvas_zoom_by (TsuCanvas *self, double factor)
{
  tsu_canvas_zoom_at (self, factor, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                      gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
tsu_canvas_zoom_reset (TsuCanvas *self)
{
  tsu_canvas_zoom_by (self, 1.0 / self->zoom);
}

void
tsu_canvas_zoom_to_fit (TsuCanvas *self)
{
  self->fit_min_zoom = MIN_ZOOM;
  fit_view (self, MIN_ZOOM);
  self->auto_fit = TRUE;
}

/* Opening a project shows it whole when that keeps text legible. */
static void
initial_view (TsuCanvas *self)
{
  self->fit_min_zoom = tsu_canvas_legible_zoom ();
  fit_view (self, self->fit_min_zoom);
  self->auto_fit = TRUE;
}

static void
fit_view (TsuCanvas *self, double min_zoom)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));
  double x0, y0, x1, y1, zoom, margin = 48;

  if (self->model == NULL || width <= 0 || height <= 0)
    {
      self->fit_on_next_size = TRUE;
      return;
    }
  if (!tsu_layout_bounds (tsu_graph_model_get_layout (self->model), &x0, &y0, &x1, &y1))
    {
      set_view (self, 1.0, margin, margin);
      return;
    }
  /* Never magnify a small network: 100 % is how boxes are meant to look;
   * and never shrink text past legibility: a long network scrolls, shown
   * from its top (where the data comes in). */
  zoom = MIN (1.0, MIN ((width - 2 * margin) / (x1 - x0), (height - 2 * margin) / (y1 - y0)));
  zoom = MAX (zoom, min_zoom);
  /* Centred across, from the top down: networks grow downwards. */
  set_view (self, zoom, (width - (x1 - x0) * zoom) / 2 - x0 * zoom,
            MAX (margin / 2, MIN (margin, (height - (y1 - y0) * zoom) / 2)) - y0 * zoom);
}

void
tsu_canvas_set_stat_mode (TsuCanvas *self, TsuStatMode mode)
{
  self->stat_mode = mode;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
}

void
tsu_canvas_set_live_indicators (TsuCanvas *self, TsuLiveIndicatorFunc func, gpointer data,
                                GDestroyNotify destroy)
{
  if (self->live_destroy != NULL)
    self->live_destroy (self->live_data);
  self->live_func = func;
  self->live_data = data;
  self->live_destroy = destroy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TsuStatMode
tsu_canvas_get_stat_mode (TsuCanvas *self)
{
  return self->stat_mode;
}

void
tsu_canvas_delete_selection (TsuCanvas *self, gboolean relink)
{
  g_auto(GStrv) ids = tsu_canvas_dup_selection (self);

  if (self->link_to != NULL)
    {
      g_autofree char *to = g_steal_pointer (&self->link_to);
      tsu_graph_model_unlink (self->model, to, self->link_slot);
      return;
    }
  if (ids[0] == NULL)
    return;
  tsu_canvas_clear_selection (self);
  tsu_graph_model_remove_nodes (self->model, (const char *const *) ids, relink);
  tsu_canvas_selection_changed (self);
}

void
tsu_canvas_nudge (TsuCanvas *self, double dx, double dy)
{
  g_auto(GStrv) ids = tsu_canvas_dup_selection (self);

  if (ids[0] != NULL)
    tsu_graph_model_move_nodes (self->model, (const char *const *) ids, dx, dy);
}

void
tsu_canvas_copy (TsuCanvas *self)
{
  g_auto(GStrv) ids = tsu_canvas_dup_selection (self);
  g_autofree char *text = NULL;

  if (ids[0] == NULL)
    return;
  text = tsu_graph_model_copy (self->model, (const char *const *) ids);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

void
tsu_canvas_cut (TsuCanvas *self)
{
  tsu_canvas_copy (self);
  tsu_canvas_delete_selection (self, FALSE);
}

static void
paste_text (TsuCanvas *self, const char *text, gboolean at_pointer)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  double x = NAN, y = NAN;

  if (at_pointer && self->pointer_inside)
    {
      x = self->pointer_x - TSU_BOX_WIDTH / 2;
      y = self->pointer_y - TSU_BOX_HEIGHT / 2;
    }
  ids = tsu_graph_model_paste (self->model, text, x, y, &error);
  if (ids == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      g_message ("Paste: %s", error->message);
      return;
    }
  tsu_canvas_select (self, (const char *const *) ids);
}

static void
on_clipboard_text (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TsuCanvas) self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text != NULL && self->model != NULL)
    paste_text (self, text, TRUE);
}

void
tsu_canvas_paste (TsuCanvas *self)
{
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL, on_clipboard_text,
                                 g_object_ref (self));
}

void
tsu_canvas_duplicate (TsuCanvas *self)
{
  g_auto(GStrv) ids = tsu_canvas_dup_selection (self);
  g_autofree char *text = NULL;

  if (ids[0] == NULL)
    return;
  /* Duplicate skips the clipboard: it should not clobber what was copied. */
  text = tsu_graph_model_copy (self->model, (const char *const *) ids);
  paste_text (self, text, FALSE);
}

static void
select_new (TsuCanvas *self, char *id)
{
  tsu_canvas_select_only (self, id);
  tsu_canvas_ensure_visible (self, id);
  tsu_canvas_selection_changed (self);
  g_free (id);
}

void
tsu_canvas_add_below_selection (TsuCanvas *self, const char *type)
{
  select_new (self, tsu_graph_model_insert_below (self->model, type, tsu_canvas_get_single_selection (self)));
}

void
tsu_canvas_insert_above_selection (TsuCanvas *self, const char *type)
{
  select_new (self, tsu_graph_model_splice_above (self->model, type, tsu_canvas_get_single_selection (self)));
}

void
tsu_canvas_drop_layer (TsuCanvas *self, const char *type, double wx, double wy)
{
  double cx, cy;

  tsu_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  /* The pointer holds the box by its middle. */
  select_new (self, tsu_graph_model_drop_node (self->model, type, cx - TSU_BOX_WIDTH / 2, cy - TSU_BOX_HEIGHT / 2));
  gtk_widget_grab_focus (GTK_WIDGET (self));
}
