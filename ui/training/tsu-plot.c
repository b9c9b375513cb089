/* tsu-plot.c — the learning-curve widget: its series, properties and
 * interaction (hover, scroll zoom, drag pan, double-click reset). Drawing
 * is in tsu-plot-draw.c. */
#include "tsu-plot-private.h"

#include <math.h>


G_DEFINE_FINAL_TYPE (TsuPlot, tsu_plot, GTK_TYPE_WIDGET)

#define PICK_RADIUS 14.0

static void
series_free (Series *s)
{
  g_free (s->label);
  g_free (s->legend);
  g_array_unref (s->xs);
  g_array_unref (s->ys);
  g_free (s);
}

/* ------------------------------------------------------------ interaction */

gboolean
tsu_plot_pick (TsuPlot *self,
               double   x,
               double   y,
               guint   *series_out,
               guint   *index_out)
{
  const Frame *f = &self->frame;
  double best = PICK_RADIUS * PICK_RADIUS;
  gboolean found = FALSE;

  if (!f->valid || x < f->x - PICK_RADIUS || x > f->x + f->width + PICK_RADIUS)
    return FALSE;
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      for (guint i = 0; i < series->xs->len; i++)
        {
          double vx = g_array_index (series->xs, double, i);
          double vy = tsu_plot_to_axis (self, g_array_index (series->ys, double, i));
          if (!isfinite (vx) || !isfinite (vy))
            continue;
          double px = f->x + (vx - f->x0) / (f->x1 - f->x0) * f->width;
          double py = f->y + f->height - (vy - f->y0) / (f->y1 - f->y0) * f->height;
          double d = (px - x) * (px - x) + (py - y) * (py - y);
          /* Prefer the current run's per-epoch points over raw and overlay
           * points at the same spot. */
          if (series->overlay || series->style == TSU_PLOT_THIN)
            d += 4;
          if (d < best)
            {
              best = d;
              *series_out = s;
              *index_out = i;
              found = TRUE;
            }
        }
    }
  return found;
}

void
tsu_plot_set_hover (TsuPlot *self,
                    double   x,
                    double   y)
{
  self->hovering = x >= 0 && y >= 0;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_zoom_at (TsuPlot *self,
                  double   x,
                  double   y,
                  double   factor)
{
  double x0, x1, y0, y1;
  const Frame *f = &self->frame;

  if (!f->valid || factor <= 0)
    return;
  /* The range shown, as last drawn. */
  x0 = f->x0, x1 = f->x1, y0 = f->y0, y1 = f->y1;
  double cx = x0 + (CLAMP (x, f->x, f->x + f->width) - f->x) / f->width * (x1 - x0);
  double cy = y0 + (f->y + f->height - CLAMP (y, f->y, f->y + f->height)) / f->height * (y1 - y0);
  self->zx0 = cx + (x0 - cx) / factor;
  self->zx1 = cx + (x1 - cx) / factor;
  self->zy0 = cy + (y0 - cy) / factor;
  self->zy1 = cy + (y1 - cy) / factor;
  self->zoomed = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_reset_zoom (TsuPlot *self)
{
  self->zoomed = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
tsu_plot_is_zoomed (TsuPlot *self)
{
  return self->zoomed;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TsuPlot                  *self)
{
  if (!self->hovering)
    return FALSE;
  tsu_plot_zoom_at (self, self->hover_x, self->hover_y, dy < 0 ? 1.25 : 1 / 1.25);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TsuPlot                  *self)
{
  tsu_plot_set_hover (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *controller,
          TsuPlot                  *self)
{
  tsu_plot_set_hover (self, -1, -1);
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            TsuPlot         *self)
{
  if (n_press == 2)
    tsu_plot_reset_zoom (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               TsuPlot        *self)
{
  const Frame *f = &self->frame;

  if (f->valid)
    self->drag_x0 = f->x0, self->drag_x1 = f->x1, self->drag_y0 = f->y0, self->drag_y1 = f->y1;
  else
    tsu_plot_view_range (self, &self->drag_x0, &self->drag_x1, &self->drag_y0, &self->drag_y1);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                TsuPlot        *self)
{
  const Frame *f = &self->frame;

  if (!f->valid || (fabs (dx) < 3 && fabs (dy) < 3))
    return;
  double ux = (self->drag_x1 - self->drag_x0) / f->width;
  double uy = (self->drag_y1 - self->drag_y0) / f->height;
  self->zx0 = self->drag_x0 - dx * ux;
  self->zx1 = self->drag_x1 - dx * ux;
  self->zy0 = self->drag_y0 + dy * uy;
  self->zy1 = self->drag_y1 + dy * uy;
  self->zoomed = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------ API */

static void
replace_string (char      **field,
                const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
tsu_plot_set_title (TsuPlot    *self,
                    const char *title)
{
  replace_string (&self->title, title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_set_x_label (TsuPlot    *self,
                      const char *label)
{
  replace_string (&self->x_label, label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_set_y_label (TsuPlot    *self,
                      const char *label)
{
  replace_string (&self->y_label, label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_set_empty_text (TsuPlot    *self,
                         const char *text)
{
  replace_string (&self->empty_text, text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_set_x_integer (TsuPlot  *self,
                        gboolean  integer)
{
  self->x_integer = integer;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_set_y_percent (TsuPlot  *self,
                        gboolean  percent)
{
  self->percent = percent;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_set_log_scale (TsuPlot  *self,
                        gboolean  log_scale)
{
  if (self->log_scale == !!log_scale)
    return;
  self->log_scale = !!log_scale;
  self->zoomed = FALSE; /* the zoom was in the other axis space */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
tsu_plot_get_log_scale (TsuPlot *self)
{
  return self->log_scale;
}

void
tsu_plot_set_x_extent (TsuPlot *self,
                       double   min,
                       double   max)
{
  self->has_x_extent = max > min;
  self->x_extent_min = min;
  self->x_extent_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_clear (TsuPlot *self)
{
  g_ptr_array_set_size (self->series, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
tsu_plot_add_series (TsuPlot       *self,
                     const char    *label,
                     const GdkRGBA *color,
                     TsuPlotStyle   style,
                     gboolean       overlay)
{
  Series *series = g_new0 (Series, 1);

  series->label = g_strdup (label);
  series->color = *color;
  series->style = style;
  series->overlay = overlay;
  series->xs = g_array_new (FALSE, FALSE, sizeof (double));
  series->ys = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, series);
  return self->series->len - 1;
}

void
tsu_plot_set_series_legend (TsuPlot    *self,
                            guint       index,
                            const char *legend)
{
  g_return_if_fail (index < self->series->len);

  Series *series = g_ptr_array_index (self->series, index);
  g_free (series->legend);
  series->legend = g_strdup (legend);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_plot_get_series_color (TsuPlot *self,
                           guint    index,
                           GdkRGBA *color)
{
  g_return_if_fail (index < self->series->len);

  *color = ((Series *) g_ptr_array_index (self->series, index))->color;
}

void
tsu_plot_set_series_data (TsuPlot      *self,
                          guint         index,
                          const double *xs,
                          const double *ys,
                          guint         n)
{
  g_return_if_fail (index < self->series->len);

  Series *series = g_ptr_array_index (self->series, index);
  g_array_set_size (series->xs, 0);
  g_array_set_size (series->ys, 0);
  g_array_append_vals (series->xs, xs, n);
  g_array_append_vals (series->ys, ys, n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
tsu_plot_get_n_series (TsuPlot *self)
{
  return self->series->len;
}

guint
tsu_plot_get_n_points (TsuPlot *self,
                       guint    index)
{
  g_return_val_if_fail (index < self->series->len, 0);
  return ((Series *) g_ptr_array_index (self->series, index))->xs->len;
}

/* Both plots' frames start at the wider of their left margins, so that
 * the same x lines up in plots stacked one above the other. */
void
tsu_plot_align_left (TsuPlot *self,
                     TsuPlot *other)
{
  g_return_if_fail (self->aligned == NULL && other->aligned == NULL);
  self->aligned = other;
  other->aligned = self;
  g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &self->aligned);
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &other->aligned);
}

static void
tsu_plot_finalize (GObject *object)
{
  TsuPlot *self = TSU_PLOT (object);

  if (self->aligned)
    g_object_remove_weak_pointer (G_OBJECT (self->aligned), (gpointer *) &self->aligned);
  g_ptr_array_unref (self->series);
  g_free (self->title);
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->empty_text);
  G_OBJECT_CLASS (tsu_plot_parent_class)->finalize (object);
}

static void
tsu_plot_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 560 : 280;
}

static void
tsu_plot_class_init (TsuPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tsu_plot_finalize;
  widget_class->snapshot = tsu_plot_snapshot;
  widget_class->measure = tsu_plot_measure;
  gtk_widget_class_set_css_name (widget_class, "tsuplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tsu_plot_init (TsuPlot *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}

GtkWidget *
tsu_plot_new (void)
{
  return g_object_new (TSU_TYPE_PLOT, NULL);
}
