/* tsu-plot.c — the learning-curve widget: data, interaction and drawing. */
#include "tsu-plot-private.h"
#include "tsu-plot-ticks.h"

#include <math.h>

typedef struct
{
  char        *label;
  GdkRGBA      color;
  TsuPlotStyle style;
  gboolean     overlay;
  GArray      *xs;   /* double */
  GArray      *ys;   /* double */
} Series;

/* The plot area on screen and the data range it shows, from the last draw;
 * y bounds are in axis space (log10 of the value on a log axis). */
typedef struct
{
  double x, y, width, height;
  double x0, x1, y0, y1;
  gboolean valid;
} Frame;

struct _TsuPlot
{
  GtkWidget  parent_instance;

  char      *title;
  char      *x_label;
  char      *y_label;
  char      *empty_text;
  gboolean   percent;
  gboolean   log_scale;
  gboolean   has_x_extent;
  double     x_extent_min, x_extent_max;

  GPtrArray *series;

  gboolean   zoomed;
  double     zx0, zx1, zy0, zy1;    /* axis space */
  double     drag_x0, drag_x1, drag_y0, drag_y1;

  gboolean   hovering;
  double     hover_x, hover_y;

  Frame      frame;
};

G_DEFINE_FINAL_TYPE (TsuPlot, tsu_plot, GTK_TYPE_WIDGET)

#define PICK_RADIUS 14.0

static void
series_free (Series *s)
{
  g_free (s->label);
  g_array_unref (s->xs);
  g_array_unref (s->ys);
  g_free (s);
}

static double
to_axis (TsuPlot *self,
         double   y)
{
  return self->log_scale ? (y > 0 ? log10 (y) : NAN) : y;
}

/* ------------------------------------------------------------ ranges */

static gboolean
data_bounds (TsuPlot *self,
             double  *x0,
             double  *x1,
             double  *y0,
             double  *y1)
{
  gboolean any = FALSE;

  *x0 = *y0 = INFINITY;
  *x1 = *y1 = -INFINITY;
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      for (guint i = 0; i < series->xs->len; i++)
        {
          double x = g_array_index (series->xs, double, i);
          double y = to_axis (self, g_array_index (series->ys, double, i));
          if (!isfinite (x) || !isfinite (y))
            continue;
          *x0 = MIN (*x0, x);
          *x1 = MAX (*x1, x);
          *y0 = MIN (*y0, y);
          *y1 = MAX (*y1, y);
          any = TRUE;
        }
    }
  if (self->has_x_extent)
    {
      *x0 = MIN (*x0, self->x_extent_min);
      *x1 = MAX (*x1, self->x_extent_max);
    }
  return any;
}

/* The shown range in axis space: the zoom, or every point with a margin. */
static gboolean
view_range (TsuPlot *self,
            double  *x0,
            double  *x1,
            double  *y0,
            double  *y1)
{
  if (self->zoomed)
    {
      *x0 = self->zx0, *x1 = self->zx1, *y0 = self->zy0, *y1 = self->zy1;
      return TRUE;
    }
  if (!data_bounds (self, x0, x1, y0, y1))
    {
      *x0 = self->has_x_extent ? self->x_extent_min : 0;
      *x1 = self->has_x_extent ? self->x_extent_max : 1;
      *y0 = self->log_scale ? -1 : 0;
      *y1 = self->log_scale ? 0 : 1;
      return FALSE;
    }
  if (*x1 <= *x0)
    *x1 = *x0 + 1;
  if (self->log_scale)
    {
      double pad = MAX (0.05, (*y1 - *y0) * 0.05);
      *y0 -= pad;
      *y1 += pad;
    }
  else
    {
      /* Accuracy-like data sits on a 0..100% axis only when it is close. */
      if (self->percent && *y1 <= 1 && *y1 - *y0 > 0.3)
        *y0 = MIN (*y0, 0), *y1 = 1;
      double pad = MAX ((*y1 - *y0) * 0.04, fabs (*y1) * 1e-6 + 1e-12);
      *y0 -= pad;
      *y1 += pad;
      if (*y0 < 0 && *y0 > -pad * 1.5 && !self->percent)
        *y0 = 0; /* losses are >= 0: keep 0 as the floor instead of -0.01 */
    }
  return TRUE;
}

/* ------------------------------------------------------------ text */

static PangoLayout *
make_layout (TsuPlot    *self,
             cairo_t    *cr,
             const char *text,
             gboolean    bold,
             double      scale)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_copy (
    pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (self))));

  if (pango_font_description_get_size (font) <= 0)
    pango_font_description_set_size (font, 10 * PANGO_SCALE);
  pango_font_description_set_size (font, (int) (pango_font_description_get_size (font) * scale));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);
  return layout;
}

static void
text_size (PangoLayout *layout,
           double      *w,
           double      *h)
{
  int pw, ph;
  pango_layout_get_pixel_size (layout, &pw, &ph);
  *w = pw;
  *h = ph;
}

static void
format_value (TsuPlot *self,
              double   value,
              double   step,
              char    *buf,
              gsize    size)
{
  if (self->percent)
    {
      char inner[48];
      tsu_plot_format_tick (value * 100, step * 100, inner, sizeof inner);
      g_snprintf (buf, size, "%s%%", inner);
    }
  else
    tsu_plot_format_tick (value, step, buf, size);
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *c,
           double         alpha_scale)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha_scale);
}

/* ------------------------------------------------------------ drawing */

static int
compute_ticks (TsuPlot *self,
               double   v0,
               double   v1,
               int      max_count,
               gboolean y_axis,
               double  *ticks,
               double  *step)
{
  if (y_axis && self->log_scale)
    {
      int n = tsu_plot_log_ticks (pow (10, v0), pow (10, v1), ticks);
      if (n >= 2)
        {
          *step = 0;
          return n;
        }
      /* Less than a decade visible: linear ticks read better. */
      n = tsu_plot_nice_ticks (pow (10, v0), pow (10, v1), max_count, ticks, step);
      return n;
    }
  return tsu_plot_nice_ticks (v0, v1, MAX (2, max_count), ticks, step);
}

static void
draw_legend (TsuPlot             *self,
             cairo_t             *cr,
             double               right,
             double               baseline_y,
             const TsuPlotColors *colors)
{
  double x = right;
  gboolean overlay_listed = FALSE;

  /* Right to left, so the first series ends up nearest the title. */
  for (int s = (int) self->series->len - 1; s >= 0; s--)
    {
      Series *series = g_ptr_array_index (self->series, s);
      const char *label = series->label;
      if (!label || !*label || series->xs->len == 0)
        continue;
      if (series->overlay)
        {
          if (overlay_listed)
            continue;
          overlay_listed = TRUE;
          label = "earlier runs";
        }
      g_autoptr(PangoLayout) layout = make_layout (self, cr, label, FALSE, 0.9);
      double w, h;
      text_size (layout, &w, &h);
      x -= w;
      set_color (cr, &colors->text, series->overlay ? 0.6 : 0.9);
      cairo_move_to (cr, x, baseline_y - h / 2);
      pango_cairo_show_layout (cr, layout);
      x -= 22;
      set_color (cr, &series->color, series->overlay ? 0.45 : 1);
      cairo_set_line_width (cr, series->style == TSU_PLOT_THIN ? 1.5 : 2.5);
      cairo_move_to (cr, x, baseline_y);
      cairo_line_to (cr, x + 16, baseline_y);
      cairo_stroke (cr);
      if (series->style == TSU_PLOT_LINE_MARKERS)
        {
          cairo_arc (cr, x + 8, baseline_y, 3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      x -= 16;
    }
}

static void
draw_series (TsuPlot     *self,
             cairo_t     *cr,
             const Frame *f,
             Series      *series)
{
  double sx = f->width / (f->x1 - f->x0);
  double sy = f->height / (f->y1 - f->y0);
  gboolean pen_down = FALSE;
  double alpha = series->overlay ? 0.4 : series->style == TSU_PLOT_THIN ? 0.35 : 1;

  set_color (cr, &series->color, alpha);
  cairo_set_line_width (cr, series->style == TSU_PLOT_THIN ? 1 : series->overlay ? 1.5 : 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < series->xs->len; i++)
    {
      double x = g_array_index (series->xs, double, i);
      double y = to_axis (self, g_array_index (series->ys, double, i));
      if (!isfinite (x) || !isfinite (y))
        {
          pen_down = FALSE;
          continue;
        }
      double px = f->x + (x - f->x0) * sx;
      double py = f->y + f->height - (y - f->y0) * sy;
      if (pen_down)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen_down = TRUE;
    }
  cairo_stroke (cr);

  if (series->style != TSU_PLOT_LINE_MARKERS)
    return;
  for (guint i = 0; i < series->xs->len; i++)
    {
      double x = g_array_index (series->xs, double, i);
      double y = to_axis (self, g_array_index (series->ys, double, i));
      if (!isfinite (x) || !isfinite (y))
        continue;
      cairo_arc (cr, f->x + (x - f->x0) * sx, f->y + f->height - (y - f->y0) * sy,
                 series->overlay ? 2.5 : 3.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static void
draw_hover (TsuPlot             *self,
            cairo_t             *cr,
            const Frame         *f,
            const TsuPlotColors *colors)
{
  guint s, i;

  if (!self->hovering || !tsu_plot_pick (self, self->hover_x, self->hover_y, &s, &i))
    return;

  Series *series = g_ptr_array_index (self->series, s);
  double x = g_array_index (series->xs, double, i);
  double y = g_array_index (series->ys, double, i);
  double px = f->x + (x - f->x0) * f->width / (f->x1 - f->x0);
  double py = f->y + f->height - (to_axis (self, y) - f->y0) * f->height / (f->y1 - f->y0);
  char value[64];

  if (self->percent)
    g_snprintf (value, sizeof value, "%.2f%%", 100 * y);
  else
    g_snprintf (value, sizeof value, "%.5g", y);

  /* Two clear lines: which curve, then its exact coordinates. */
  char xbuf[32];
  if (fabs (x - round (x)) < 1e-9)
    g_snprintf (xbuf, sizeof xbuf, "%.0f", x);
  else
    g_snprintf (xbuf, sizeof xbuf, "%.3f", x);
  g_autofree char *readout = g_strdup_printf ("%s\n%s %s · %s %s",
                                              series->label ? series->label : "",
                                              self->x_label ? self->x_label : "x", xbuf,
                                              self->y_label ? self->y_label : "y", value);

  cairo_set_source_rgba (cr, 1, 1, 1, 1);
  cairo_arc (cr, px, py, 5.5, 0, 2 * G_PI);
  cairo_fill (cr);
  set_color (cr, &series->color, 1);
  cairo_arc (cr, px, py, 4, 0, 2 * G_PI);
  cairo_fill (cr);

  g_autoptr(PangoLayout) layout = make_layout (self, cr, readout, FALSE, 0.9);
  double w, h;
  text_size (layout, &w, &h);
  double bx = px + 12, by = py - h - 14;
  if (bx + w + 12 > f->x + f->width)
    bx = px - w - 24;
  if (by < f->y)
    by = py + 12;
  set_color (cr, &colors->legend_bg, 1);
  cairo_rectangle (cr, bx, by, w + 12, h + 8);
  cairo_fill_preserve (cr);
  set_color (cr, &series->color, 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  set_color (cr, &colors->text, 1);
  cairo_move_to (cr, bx + 6, by + 4);
  pango_cairo_show_layout (cr, layout);
}

void
tsu_plot_draw (TsuPlot             *self,
               cairo_t             *cr,
               int                  width,
               int                  height,
               const TsuPlotColors *colors,
               gboolean             with_hover)
{
  double x0, x1, y0, y1;
  gboolean has_data = view_range (self, &x0, &x1, &y0, &y1);
  double yticks[TSU_PLOT_MAX_TICKS], xticks[TSU_PLOT_MAX_TICKS], ystep = 0, xstep = 0;
  char label[64];
  double tw, th;

  /* Header: title on the left, legend on the right. */
  g_autoptr(PangoLayout) title = make_layout (self, cr, self->title ? self->title : "", TRUE, 1.0);
  double title_w, title_h;
  text_size (title, &title_w, &title_h);
  double header = title_h + 10;

  /* The left margin fits the widest y label. */
  int n_y = compute_ticks (self, y0, y1, MAX (2, (int) ((height - header - 40) / 36)), TRUE,
                           yticks, &ystep);
  double label_w = 0;
  for (int i = 0; i < n_y; i++)
    {
      format_value (self, yticks[i], ystep ? ystep : yticks[i], label, sizeof label);
      g_autoptr(PangoLayout) l = make_layout (self, cr, label, FALSE, 0.85);
      text_size (l, &tw, &th);
      label_w = MAX (label_w, tw);
    }

  /* Exports draw at another size: only the on-screen frame is kept for
   * picking and zooming. */
  Frame local = { 0 };
  Frame *f = &local;
  f->x = 8 + label_w + 8;
  f->y = header + 6;
  f->width = MAX (10, width - f->x - 14);
  f->height = MAX (10, height - f->y - 42);
  f->x0 = x0, f->x1 = x1, f->y0 = y0, f->y1 = y1;
  f->valid = TRUE;

  set_color (cr, &colors->text, 1);
  cairo_move_to (cr, 4, 2);
  pango_cairo_show_layout (cr, title);
  draw_legend (self, cr, width - 14, 2 + title_h / 2, colors);

  if (colors->background.alpha > 0)
    {
      set_color (cr, &colors->background, 1);
      cairo_rectangle (cr, f->x, f->y, f->width, f->height);
      cairo_fill (cr);
    }

  /* Grid and tick labels. */
  cairo_set_line_width (cr, 1);
  for (int i = 0; i < n_y; i++)
    {
      double v = to_axis (self, yticks[i]);
      double py = round (f->y + f->height - (v - y0) / (y1 - y0) * f->height) + 0.5;
      set_color (cr, &colors->grid, 1);
      cairo_move_to (cr, f->x, py);
      cairo_line_to (cr, f->x + f->width, py);
      cairo_stroke (cr);
      format_value (self, yticks[i], ystep ? ystep : yticks[i], label, sizeof label);
      g_autoptr(PangoLayout) l = make_layout (self, cr, label, FALSE, 0.85);
      text_size (l, &tw, &th);
      set_color (cr, &colors->text, 0.75);
      cairo_move_to (cr, f->x - 6 - tw, py - th / 2);
      pango_cairo_show_layout (cr, l);
    }

  int n_x = compute_ticks (self, x0, x1, MAX (2, (int) (f->width / 70)), FALSE, xticks, &xstep);
  for (int i = 0; i < n_x; i++)
    {
      double px = round (f->x + (xticks[i] - x0) / (x1 - x0) * f->width) + 0.5;
      set_color (cr, &colors->grid, 1);
      cairo_move_to (cr, px, f->y);
      cairo_line_to (cr, px, f->y + f->height);
      cairo_stroke (cr);
      tsu_plot_format_tick (xticks[i], xstep, label, sizeof label);
      g_autoptr(PangoLayout) l = make_layout (self, cr, label, FALSE, 0.85);
      text_size (l, &tw, &th);
      set_color (cr, &colors->text, 0.75);
      cairo_move_to (cr, px - tw / 2, f->y + f->height + 4);
      pango_cairo_show_layout (cr, l);
    }

  if (self->x_label)
    {
      g_autoptr(PangoLayout) l = make_layout (self, cr, self->x_label, FALSE, 0.85);
      text_size (l, &tw, &th);
      set_color (cr, &colors->text, 0.6);
      cairo_move_to (cr, f->x + f->width / 2 - tw / 2, f->y + f->height + 4 + th + 2);
      pango_cairo_show_layout (cr, l);
    }

  set_color (cr, &colors->frame, 1);
  cairo_rectangle (cr, f->x + 0.5, f->y + 0.5, f->width - 1, f->height - 1);
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_rectangle (cr, f->x, f->y, f->width, f->height);
  cairo_clip (cr);
  /* Overlays first, faint raw losses next, the current curves on top. */
  for (int pass = 0; pass < 3; pass++)
    for (guint s = 0; s < self->series->len; s++)
      {
        Series *series = g_ptr_array_index (self->series, s);
        int want = series->overlay ? 0 : series->style == TSU_PLOT_THIN ? 1 : 2;
        if (want == pass)
          draw_series (self, cr, f, series);
      }
  cairo_restore (cr);

  if (!has_data && self->empty_text)
    {
      g_autoptr(PangoLayout) l = make_layout (self, cr, self->empty_text, FALSE, 1.0);
      text_size (l, &tw, &th);
      set_color (cr, &colors->text, 0.5);
      cairo_move_to (cr, f->x + (f->width - tw) / 2, f->y + (f->height - th) / 2);
      pango_cairo_show_layout (cr, l);
    }

  if (with_hover)
    {
      self->frame = local;
      draw_hover (self, cr, f, colors);
    }
}

static void
tsu_plot_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  TsuPlot *self = TSU_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  TsuPlotColors colors;
  GdkRGBA fg;

  if (width <= 0 || height <= 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  colors.text = fg;
  colors.grid = (GdkRGBA) { fg.red, fg.green, fg.blue, 0.08 };
  colors.frame = (GdkRGBA) { fg.red, fg.green, fg.blue, 0.22 };
  colors.background = (GdkRGBA) { 0, 0, 0, 0 };
  gboolean dark = fg.red + fg.green + fg.blue > 1.5;
  colors.legend_bg = dark ? (GdkRGBA) { 0.16, 0.16, 0.17, 0.95 } : (GdkRGBA) { 1, 1, 1, 0.95 };

  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  tsu_plot_draw (self, cr, width, height, &colors, TRUE);
  cairo_destroy (cr);
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
          double vy = to_axis (self, g_array_index (series->ys, double, i));
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
  view_range (self, &x0, &x1, &y0, &y1);
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
  view_range (self, &self->drag_x0, &self->drag_x1, &self->drag_y0, &self->drag_y1);
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

static void
tsu_plot_finalize (GObject *object)
{
  TsuPlot *self = TSU_PLOT (object);

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
