/* tsu-plot-draw.c — the learning-curve widget's ranges, text and cairo
 * drawing, shared by the screen and the PNG/SVG export. */
#include "tsu-plot-private.h"
#include "tsu-i18n.h"
#include "tsu-plot-ticks.h"

#include <math.h>
#include <string.h>

/* Tick labels and the axis label at 85 % of the font; gaps between the
 * frame, the tick labels and the axis label. */
#define TICK_SCALE 0.85
#define TICK_GAP 4
#define LABEL_GAP 2


double
tsu_plot_to_axis (TsuPlot *self,
                  double   y)
{
  return self->log_scale ? (y > 0 ? log10 (y) : NAN) : y;
}

/* ------------------------------------------------------------ ranges */

/* Raw batch losses may reach this many decades below the other curves on
 * a log axis; lower ones (a 1e-15 batch) clip rather than flatten the rest. */
#define RAW_DECADES_BELOW 3

static gboolean
data_bounds (TsuPlot *self,
             double  *x0,
             double  *x1,
             double  *y0,
             double  *y1)
{
  double others_low = INFINITY;
  gboolean any = FALSE;

  *x0 = *y0 = INFINITY;
  *x1 = *y1 = -INFINITY;
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      for (guint i = 0; i < series->xs->len; i++)
        {
          double x = g_array_index (series->xs, double, i);
          double y = tsu_plot_to_axis (self, g_array_index (series->ys, double, i));
          if (!isfinite (x) || !isfinite (y))
            continue;
          *x0 = MIN (*x0, x);
          *x1 = MAX (*x1, x);
          *y0 = MIN (*y0, y);
          *y1 = MAX (*y1, y);
          if (series->style != TSU_PLOT_THIN)
            others_low = MIN (others_low, y);
          any = TRUE;
        }
    }
  if (self->log_scale && isfinite (others_low))
    *y0 = MAX (*y0, others_low - RAW_DECADES_BELOW);
  if (self->has_x_extent)
    {
      *x0 = MIN (*x0, self->x_extent_min);
      *x1 = MAX (*x1, self->x_extent_max);
    }
  return any;
}

/* The shown range in axis space: the zoom, or every point with a margin. */
gboolean
tsu_plot_view_range (TsuPlot *self,
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
    {
      /* One epoch: its points in the middle of a one-epoch axis. */
      *x0 -= 0.5;
      *x1 += 0.5;
    }
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
      /* Every point, markers whole, inside the frame: a loss of 0 sits
       * above the bottom edge, not on it. */
      double pad = MAX ((*y1 - *y0) * 0.06, fabs (*y1) * 1e-6 + 1e-12);
      *y0 -= pad;
      *y1 += pad;
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
  int n = tsu_plot_nice_ticks (v0, v1, MAX (2, max_count), ticks, step);
  if (!y_axis && self->x_integer && *step < 1)
    {
      /* Epoch 1, 2, 3: never 1.2 or 1.4. */
      n = 0;
      for (double k = ceil (v0 - 1e-9); k <= v1 + 1e-9 && n < TSU_PLOT_MAX_TICKS; k++)
        ticks[n++] = k;
      *step = 1;
    }
  return n;
}

/* What the legend says for a series, or NULL for no entry. Overlays
 * without a legend of their own share one grey "earlier runs" entry. */
static const char *
legend_text (const Series *series,
             gboolean     *overlay_listed)
{
  if (series->xs->len == 0)
    return NULL;
  if (series->legend)
    return *series->legend ? series->legend : NULL;
  if (!series->label || !*series->label)
    return NULL;
  if (!series->overlay)
    return series->label;
  if (*overlay_listed)
    return NULL;
  *overlay_listed = TRUE;
  return _("earlier runs");
}

char *
tsu_plot_dup_legend (TsuPlot *self)
{
  GString *out = g_string_new (NULL);
  gboolean overlay_listed = FALSE;

  for (guint s = 0; s < self->series->len; s++)
    {
      const char *text = legend_text (g_ptr_array_index (self->series, s), &overlay_listed);
      if (text)
        g_string_append_printf (out, "%s%s", out->len ? "\n" : "", text);
    }
  return g_string_free (out, FALSE);
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
      const char *label = legend_text (series, &overlay_listed);
      if (!label)
        continue;
      /* Grey overlays are dimmed; runs in colours of their own are not. */
      gboolean dim = series->overlay && !series->legend;
      g_autoptr(PangoLayout) layout = make_layout (self, cr, label, FALSE, 0.9);
      double w, h;
      text_size (layout, &w, &h);
      x -= w;
      set_color (cr, &colors->text, dim ? 0.6 : 0.9);
      cairo_move_to (cr, x, baseline_y - h / 2);
      pango_cairo_show_layout (cr, layout);
      x -= 22;
      set_color (cr, &series->color, dim ? 0.45 : 1);
      cairo_set_line_width (cr, series->style == TSU_PLOT_THIN ? 1.5 : 2.5);
      if (series->style != TSU_PLOT_POINTS)
        {
          cairo_move_to (cr, x, baseline_y);
          cairo_line_to (cr, x + 16, baseline_y);
          cairo_stroke (cr);
        }
      if (series->style == TSU_PLOT_LINE_MARKERS || series->style == TSU_PLOT_POINTS)
        {
          cairo_arc (cr, x + 8, baseline_y, 3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      x -= 16;
    }
}

/* Screen position of a data point; FALSE for gaps (NaN, infinite). */
static gboolean
point_at (TsuPlot     *self,
          const Frame *f,
          Series      *series,
          guint        i,
          double      *px,
          double      *py)
{
  return tsu_plot_data_to_pixel (self, f, g_array_index (series->xs, double, i),
                                 g_array_index (series->ys, double, i), px, py);
}

gboolean
tsu_plot_data_to_pixel (TsuPlot     *self,
                        const Frame *f,
                        double       x,
                        double       y,
                        double      *px,
                        double      *py)
{
  y = tsu_plot_to_axis (self, y);
  if (!isfinite (x) || !isfinite (y))
    return FALSE;
  *px = f->x + (x - f->x0) * (f->width / (f->x1 - f->x0));
  *py = f->y + f->height - (y - f->y0) * (f->height / (f->y1 - f->y0));
  return TRUE;
}

/* A dot at every finite point. */
static void
draw_dots (TsuPlot     *self,
           cairo_t     *cr,
           const Frame *f,
           Series      *series,
           double       radius)
{
  double px, py;
  for (guint i = 0; i < series->xs->len; i++)
    {
      if (!point_at (self, f, series, i, &px, &py))
        continue;
      cairo_arc (cr, px, py, radius, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

/* The polyline under construction: stroked in short runs, because cairo's
 * cost for one long self-crossing path grows much faster than linearly. */
typedef struct {
  cairo_t *cr;
  gboolean pen_down;
  guint segments;
  double last_px, last_py;
} Pen;

static void
pen_to (Pen   *pen,
        double px,
        double py)
{
  if (pen->pen_down)
    cairo_line_to (pen->cr, px, py);
  else
    cairo_move_to (pen->cr, px, py);
  pen->pen_down = TRUE;
  pen->last_px = px, pen->last_py = py;
  if (++pen->segments % 128 == 0)
    {
      cairo_stroke (pen->cr);
      cairo_move_to (pen->cr, pen->last_px, pen->last_py);
    }
}

static void
pen_lift (Pen *pen)
{
  if (pen->pen_down)
    cairo_stroke (pen->cr);
  pen->pen_down = FALSE;
}

/* One pixel column's points, reduced to first, lowest, highest and last. */
typedef struct {
  double x, first_y, low, high, last_y;
  guint count;
} Column;

/* Draws a finished column: a bar for a dense noise band (one filled bar is
 * far cheaper than stroking a zigzag through it), a point for a dense smooth
 * curve, and the column's M4 points otherwise. Returns the bars added. */
static guint
flush_column (Pen          *pen,
              const Column *c,
              gboolean      dense,
              gboolean      thin)
{
  if (dense && thin)
    {
      cairo_rectangle (pen->cr, c->x, c->low - 0.5, 1, MAX (1, c->high - c->low + 1));
      return 1;
    }
  if (dense)
    {
      pen_to (pen, c->x + 0.5, c->last_y);
      return 0;
    }
  pen_to (pen, c->x + 0.5, c->first_y);
  if (c->count > 1)
    {
      pen_to (pen, c->x + 0.5, c->low);
      pen_to (pen, c->x + 0.5, c->high);
      pen_to (pen, c->x + 0.5, c->last_y);
    }
  return 0;
}

/* Thousands of batch losses on a few hundred pixels: per pixel column keep
 * the first, lowest, highest and last point (the M4 reduction), which draws
 * the same picture from at most four points a column. */
static void
draw_polyline (TsuPlot     *self,
               cairo_t     *cr,
               const Frame *f,
               Series      *series)
{
  Pen pen = { .cr = cr };
  Column column = { 0 };
  guint bars = 0;
  gboolean dense = series->xs->len > 2 * f->width;
  gboolean thin = series->style == TSU_PLOT_THIN;

  for (guint i = 0; i <= series->xs->len; i++)
    {
      double px = 0, py = 0;
      gboolean gap = i == series->xs->len || !point_at (self, f, series, i, &px, &py);
      double col = gap ? -1 : floor (px);

      if (column.count && (gap || col != column.x))
        {
          bars += flush_column (&pen, &column, dense, thin);
          column.count = 0;
        }
      if (gap)
        {
          pen_lift (&pen);
          continue;
        }
      if (column.count == 0)
        {
          column.x = col;
          column.first_y = column.low = column.high = py;
        }
      column.low = MIN (column.low, py);
      column.high = MAX (column.high, py);
      column.last_y = py;
      column.count++;
    }
  pen_lift (&pen);
  if (bars)
    cairo_fill (cr);
}

/* Markers where a line has them, and on any line whose points stand
 * apart (a run of ten batches): a few points read as points. */
#define SPARSE_PIXELS_PER_POINT 12

static double
marker_radius (const Frame *f,
               Series      *series)
{
  if (series->style == TSU_PLOT_LINE_MARKERS)
    return series->overlay ? 2.5 : 3.5;
  if (series->style == TSU_PLOT_POINTS || series->xs->len == 0)
    return 0;
  /* Spacing over the points' own span, so that a short run at the start
   * of a long axis is judged by how far apart its points are drawn. */
  double lo = INFINITY, hi = -INFINITY;
  for (guint i = 0; i < series->xs->len; i++)
    {
      double x = g_array_index (series->xs, double, i);
      if (isfinite (x))
        lo = MIN (lo, x), hi = MAX (hi, x);
    }
  double span = hi > lo ? (hi - lo) * f->width / (f->x1 - f->x0) : f->width;
  if (span / series->xs->len < SPARSE_PIXELS_PER_POINT)
    return 0;
  return series->style == TSU_PLOT_THIN ? 2 : 3;
}

static void
draw_series (TsuPlot     *self,
             cairo_t     *cr,
             const Frame *f,
             Series      *series)
{
  /* An overlay in a colour of its own (it has a legend entry) must stay
   * readable against both themes' backgrounds; grey ones stay faint. */
  double alpha = series->overlay ? (series->legend ? 0.8 : 0.4) : series->style == TSU_PLOT_THIN ? 0.35 : 1;

  if (series->style == TSU_PLOT_POINTS)
    {
      set_color (cr, &series->color, 0.75);
      draw_dots (self, cr, f, series, 2.2);
      return;
    }
  set_color (cr, &series->color, alpha);
  cairo_set_line_width (cr, series->style == TSU_PLOT_THIN ? 1 : series->overlay ? 1.5 : 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  draw_polyline (self, cr, f, series);
  double radius = marker_radius (f, series);
  if (radius > 0)
    draw_dots (self, cr, f, series, radius);
}

double
tsu_plot_marker_radius (TsuPlot     *self,
                        const Frame *f,
                        guint        series)
{
  g_return_val_if_fail (series < self->series->len, 0);
  return marker_radius (f, g_ptr_array_index (self->series, series));
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
  double px, py;
  char value[64];

  tsu_plot_data_to_pixel (self, f, x, y, &px, &py);

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

/* Text placed at (x, y) by its alignment (0 = left/top, 1 = right/bottom),
 * in the given colour and alpha. */
static void
show_text (TsuPlot       *self,
           cairo_t       *cr,
           const char    *text,
           double         scale,
           const GdkRGBA *color,
           double         alpha,
           double         x,
           double         y,
           double         x_align,
           double         y_align)
{
  double tw, th;
  g_autoptr(PangoLayout) l = make_layout (self, cr, text, FALSE, scale);
  text_size (l, &tw, &th);
  set_color (cr, color, alpha);
  cairo_move_to (cr, x - x_align * tw, y - y_align * th);
  pango_cairo_show_layout (cr, l);
}

/* The widest y tick label: the left margin fits it. */
static double
y_labels_width (TsuPlot      *self,
                cairo_t      *cr,
                const double *yticks,
                int           n_y,
                double        ystep)
{
  double label_w = 0, tw, th;
  char label[64];
  for (int i = 0; i < n_y; i++)
    {
      format_value (self, yticks[i], ystep ? ystep : yticks[i], label, sizeof label);
      g_autoptr(PangoLayout) l = make_layout (self, cr, label, FALSE, TICK_SCALE);
      text_size (l, &tw, &th);
      label_w = MAX (label_w, tw);
    }
  return label_w;
}

static void
draw_y_grid (TsuPlot             *self,
             cairo_t             *cr,
             const Frame         *f,
             const TsuPlotColors *colors,
             const double        *yticks,
             int                  n_y,
             double               ystep)
{
  char label[64];
  cairo_set_line_width (cr, 1);
  for (int i = 0; i < n_y; i++)
    {
      double v = tsu_plot_to_axis (self, yticks[i]);
      double py = round (f->y + f->height - (v - f->y0) / (f->y1 - f->y0) * f->height) + 0.5;
      set_color (cr, &colors->grid, 1);
      cairo_move_to (cr, f->x, py);
      cairo_line_to (cr, f->x + f->width, py);
      cairo_stroke (cr);
      format_value (self, yticks[i], ystep ? ystep : yticks[i], label, sizeof label);
      show_text (self, cr, label, TICK_SCALE, &colors->text, 0.75, f->x - 6, py, 1, 0.5);
    }
}

static void
draw_x_grid (TsuPlot               *self,
             cairo_t               *cr,
             const TsuPlotGeometry *g,
             const TsuPlotColors   *colors,
             int                    width)
{
  const Frame *f = &g->frame;
  double xticks[TSU_PLOT_MAX_TICKS], xstep = 0;
  char label[64];
  int n_x = compute_ticks (self, f->x0, f->x1, MAX (2, (int) (f->width / 70)), FALSE, xticks, &xstep);
  for (int i = 0; i < n_x; i++)
    {
      double px = round (f->x + (xticks[i] - f->x0) / (f->x1 - f->x0) * f->width) + 0.5;
      double tw, th;
      set_color (cr, &colors->grid, 1);
      cairo_move_to (cr, px, f->y);
      cairo_line_to (cr, px, f->y + f->height);
      cairo_stroke (cr);
      tsu_plot_format_tick (xticks[i], xstep, label, sizeof label);
      /* Centred under its tick, but never past the plot's edges. */
      g_autoptr(PangoLayout) l = make_layout (self, cr, label, FALSE, TICK_SCALE);
      text_size (l, &tw, &th);
      set_color (cr, &colors->text, 0.75);
      cairo_move_to (cr, CLAMP (px - tw / 2, 0, MAX (0, width - tw)), g->tick_y);
      pango_cairo_show_layout (cr, l);
    }
  if (self->x_label)
    {
      g_autoptr(PangoLayout) l = make_layout (self, cr, self->x_label, FALSE, TICK_SCALE);
      set_color (cr, &colors->text, 0.6);
      cairo_move_to (cr, g->x_label.origin.x, g->x_label.origin.y);
      pango_cairo_show_layout (cr, l);
    }
}

/* Overlays first, faint raw losses next, the current curves on top; all
 * clipped to the frame. */
static void
draw_all_series (TsuPlot     *self,
                 cairo_t     *cr,
                 const Frame *f)
{
  cairo_save (cr);
  cairo_rectangle (cr, f->x, f->y, f->width, f->height);
  cairo_clip (cr);
  for (int pass = 0; pass < 3; pass++)
    for (guint s = 0; s < self->series->len; s++)
      {
        Series *series = g_ptr_array_index (self->series, s);
        int want = series->overlay ? 0 : series->style == TSU_PLOT_THIN ? 1 : 2;
        if (want == pass)
          draw_series (self, cr, f, series);
      }
  cairo_restore (cr);
}

/* Room for a marker (3.5 px) and its outline between any point and the
 * frame, whatever the frame's size: the range's own margins are a share
 * of it, which a small plot makes a pixel or two. */
#define MARKER_ROOM 5

static void
widen_by_pixels (double *v0,
                 double *v1,
                 double  pixels)
{
  if (pixels <= 4 * MARKER_ROOM)
    return;
  double extra = (*v1 - *v0) * MARKER_ROOM / (pixels - 2 * MARKER_ROOM);
  *v0 -= extra;
  *v1 += extra;
}

/* The plot's parts from top to bottom: title and legend, the frame, the
 * x tick labels, the x axis label; the left margin fits the widest y tick
 * label. Text heights are measured, so a larger font moves the frame's
 * edges rather than pushing labels out of the widget. */
void
tsu_plot_geometry (TsuPlot         *self,
                   cairo_t         *cr,
                   int              width,
                   int              height,
                   TsuPlotGeometry *g)
{
  double x0, x1, y0, y1, unused, tick_h, label_w = 0, label_h = 0;
  g_autoptr(PangoLayout) title = make_layout (self, cr, self->title ? self->title : "", TRUE, 1.0);
  g_autoptr(PangoLayout) tick = make_layout (self, cr, "0123456789", FALSE, TICK_SCALE);

  memset (g, 0, sizeof *g);
  g->has_data = tsu_plot_view_range (self, &x0, &x1, &y0, &y1);
  text_size (title, &unused, &g->title_height);
  text_size (tick, &unused, &tick_h);
  if (self->x_label)
    {
      g_autoptr(PangoLayout) l = make_layout (self, cr, self->x_label, FALSE, TICK_SCALE);
      text_size (l, &label_w, &label_h);
    }
  double top = g->title_height + 16;
  double bottom = TICK_GAP + tick_h + (self->x_label ? LABEL_GAP + label_h : 0) + 4;
  Frame *f = &g->frame;

  f->y = top;
  f->height = MAX (10, height - f->y - bottom);
  if (!self->zoomed)
    widen_by_pixels (&y0, &y1, f->height);
  g->n_y = compute_ticks (self, y0, y1, MAX (2, (int) (f->height / 36)), TRUE, g->yticks, &g->ystep);
  g->natural_left = 8 + y_labels_width (self, cr, g->yticks, g->n_y, g->ystep) + 8;
  f->x = MAX (g->natural_left, self->aligned ? self->aligned->natural_left : 0);
  f->width = MAX (10, width - f->x - 14);
  if (!self->zoomed)
    widen_by_pixels (&x0, &x1, f->width);
  f->x0 = x0, f->x1 = x1, f->y0 = y0, f->y1 = y1;
  f->valid = TRUE;
  g->tick_y = f->y + f->height + TICK_GAP;
  g->tick_height = tick_h;
  if (self->x_label)
    g->x_label = (graphene_rect_t) GRAPHENE_RECT_INIT (f->x + f->width / 2 - label_w / 2,
                                                        g->tick_y + tick_h + LABEL_GAP, label_w, label_h);
}

void
tsu_plot_draw (TsuPlot             *self,
               cairo_t             *cr,
               int                  width,
               int                  height,
               const TsuPlotColors *colors,
               gboolean             with_hover)
{
  TsuPlotGeometry g;

  tsu_plot_geometry (self, cr, width, height, &g);
  /* On screen, a partner whose margin follows this one's draws again. */
  if (with_hover && g.natural_left != self->natural_left)
    {
      self->natural_left = g.natural_left;
      if (self->aligned)
        gtk_widget_queue_draw (GTK_WIDGET (self->aligned));
    }

  /* Exports draw at another size: only the on-screen frame is kept for
   * picking and zooming. */
  const Frame *f = &g.frame;
  g_autoptr(PangoLayout) title = make_layout (self, cr, self->title ? self->title : "", TRUE, 1.0);
  set_color (cr, &colors->text, 1);
  cairo_move_to (cr, 4, 2);
  pango_cairo_show_layout (cr, title);
  draw_legend (self, cr, width - 14, 2 + g.title_height / 2, colors);

  if (colors->background.alpha > 0)
    {
      set_color (cr, &colors->background, 1);
      cairo_rectangle (cr, f->x, f->y, f->width, f->height);
      cairo_fill (cr);
    }

  draw_y_grid (self, cr, f, colors, g.yticks, g.n_y, g.ystep);
  draw_x_grid (self, cr, &g, colors, width);

  set_color (cr, &colors->frame, 1);
  cairo_rectangle (cr, f->x + 0.5, f->y + 0.5, f->width - 1, f->height - 1);
  cairo_stroke (cr);

  draw_all_series (self, cr, f);

  if (!g.has_data && self->empty_text)
    show_text (self, cr, self->empty_text, 1.0, &colors->text, 0.5,
               f->x + f->width / 2, f->y + f->height / 2, 0.5, 0.5);

  if (with_hover)
    {
      self->frame = *f;
      draw_hover (self, cr, f, colors);
    }
}

void
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

