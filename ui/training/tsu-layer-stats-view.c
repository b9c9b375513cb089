/* tsu-layer-stats-view.c — one cairo-drawn row per node with sparklines. */
#include "tsu-layer-stats-view.h"

#include "tsu-i18n.h"

#include <math.h>

struct _TsuLayerStatsView
{
  GtkWidget           parent_instance;
  TsuTrainingHistory *history;
  gulong              changed_id;
};

G_DEFINE_FINAL_TYPE (TsuLayerStatsView, tsu_layer_stats_view, GTK_TYPE_WIDGET)

#define PAD 10.0

const char *
tsu_layer_stats_warning (const TsuLayerSample *s)
{
  if (!isfinite (s->gradient_norm) || !isfinite (s->activation_mean) || s->gradient_norm >= 1e3)
    return _("exploding");
  if (s->zero_fraction >= 0.9f)
    return _("dead");
  if (s->weight_norm > 0 && s->gradient_norm <= 1e-7f)
    return _("vanishing");
  return NULL;
}

static guint
n_nodes (TsuLayerStatsView *self)
{
  guint n = 0;
  const char * const *nodes = self->history ? tsu_training_history_get_layer_nodes (self->history) : NULL;

  while (nodes && nodes[n])
    n++;
  return n;
}

static void
sparkline (cairo_t       *cr,
           const float   *values,
           guint          n,
           double         x,
           double         y,
           double         w,
           double         h,
           const GdkRGBA *color,
           gboolean       log_scale)
{
  double lo = INFINITY, hi = -INFINITY;

  for (guint i = 0; i < n; i++)
    {
      double v = log_scale ? log10 (MAX (values[i], 1e-12)) : values[i];
      if (isfinite (v))
        lo = MIN (lo, v), hi = MAX (hi, v);
    }
  if (n < 2 || !isfinite (lo))
    return;
  if (hi - lo < 1e-12)
    lo -= 0.5, hi += 0.5;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1.5);
  gboolean pen = FALSE;
  for (guint i = 0; i < n; i++)
    {
      double v = log_scale ? log10 (MAX (values[i], 1e-12)) : values[i];
      if (!isfinite (v))
        {
          pen = FALSE;
          continue;
        }
      double px = x + w * i / MAX (n - 1, 1);
      double py = y + h - (v - lo) / (hi - lo) * h;
      if (pen)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen = TRUE;
    }
  cairo_stroke (cr);
}

/* Text at scale times the widget's font, cut short with "…" past
 * max_width pixels (none when <= 0): a long layer id stays in its row. */
static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             double      scale,
             gboolean    bold,
             double      max_width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font = pango_font_description_copy (
    pango_context_get_font_description (pango_layout_get_context (layout)));

  pango_font_description_set_size (font, (int) (pango_font_description_get_size (font) * scale));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_font_description_free (font);
  return layout;
}

static void
show_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      scale,
           gboolean    bold,
           double      max_width)
{
  g_autoptr(PangoLayout) layout = make_layout (widget, text, scale, bold, max_width);

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* A row's three lines of text, as drawn. */
static void
row_texts (const TsuLayerTrace *t,
           const char          *node,
           char                 lines[3][128])
{
  const TsuLayerSample *s = &t->latest;
  const char *warning = tsu_layer_stats_warning (s);

  g_snprintf (lines[0], 128, warning ? "%s  · %s" : "%s", node, warning);
  g_snprintf (lines[1], 128, _("act %.3g ± %.3g  · zeros %.0f%%"), s->activation_mean, s->activation_std,
              100 * s->zero_fraction);
  if (s->weight_norm > 0)
    g_snprintf (lines[2], 128, "‖w‖ %.3g  · ‖∇‖ %.3g", s->weight_norm, s->gradient_norm);
  else
    lines[2][0] = '\0';
}

static const double line_scale[3] = { 0.9, 0.78, 0.78 };

static void
text_extent (GtkWidget  *widget,
             const char *text,
             double      scale,
             gboolean    bold,
             double      max_width,
             double     *w,
             double     *h)
{
  g_autoptr(PangoLayout) layout = make_layout (widget, text, scale, bold, max_width);
  PangoRectangle ink, logical;

  pango_layout_get_pixel_extents (layout, &ink, &logical);
  *w = text[0] ? logical.width : 0;
  *h = logical.height;
}

/* One row's lines of text: their tops below the row's top, and the block's
 * width and height. Measured, so the sparklines never guess at it. */
typedef struct
{
  char   lines[3][128];
  double top[3];
  double width, height;
} RowText;

static void
row_text (TsuLayerStatsView *self,
          guint              row,
          double             max_width,
          RowText           *text)
{
  const char *node = tsu_training_history_get_layer_nodes (self->history)[row];
  double y = 0;

  row_texts (tsu_training_history_get_layer (self->history, node), node, text->lines);
  text->width = text->height = 0;
  for (int l = 0; l < 3; l++)
    {
      double w, h;
      if (!text->lines[l][0])
        continue;
      text_extent (GTK_WIDGET (self), text->lines[l], line_scale[l], l == 0, max_width, &w, &h);
      text->top[l] = y;
      y += h + 1;
      text->width = MAX (text->width, w);
      text->height = y;
    }
}

/* The room for text in a row (none to measure the natural width). */
static double
text_max_width (int width)
{
  return width > 0 ? width - 2 * PAD : 0;
}

#define GAP 12.0            /* between the text and the sparklines */
#define MIN_SPARK 48.0      /* the narrowest sparkline worth drawing */
#define SPARK_H 18.0        /* each of the two sparklines */
#define SPARKS_H (2 * SPARK_H + 6)

/* Every row alike: the sparklines in a column to the right of the widest
 * text, or, when the panel is too narrow for that, under the text. */
typedef struct
{
  double   row_height;
  double   spark_x, spark_y, spark_w;
} Rows;

static void
rows_layout (TsuLayerStatsView *self,
             int                width,
             Rows              *rows)
{
  double text_w = 0, text_h = 0;
  guint n = n_nodes (self);

  for (guint i = 0; i < n; i++)
    {
      RowText text;
      row_text (self, i, text_max_width (width), &text);
      text_w = MAX (text_w, text.width);
      text_h = MAX (text_h, text.height);
    }
  rows->spark_x = PAD + text_w + GAP;
  rows->spark_w = width - PAD - rows->spark_x;
  if (rows->spark_w >= MIN_SPARK)
    {
      rows->spark_y = 2;
      rows->row_height = MAX (text_h, SPARKS_H + 2) + 12;
      return;
    }
  rows->spark_x = PAD;
  rows->spark_w = MAX (width - 2 * PAD, 1);
  rows->spark_y = text_h + 4;
  rows->row_height = rows->spark_y + SPARKS_H + 12;
}

gboolean
tsu_layer_stats_view_row_geometry (TsuLayerStatsView *self,
                                   guint              row,
                                   graphene_rect_t   *text,
                                   graphene_rect_t   *sparklines)
{
  Rows rows;
  RowText t;

  if (row >= n_nodes (self))
    return FALSE;
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  rows_layout (self, width, &rows);
  row_text (self, row, text_max_width (width), &t);
  double y = row * rows.row_height + 4;
  *text = GRAPHENE_RECT_INIT (PAD, y, t.width, t.height);
  *sparklines = GRAPHENE_RECT_INIT (rows.spark_x, y + rows.spark_y, rows.spark_w, SPARKS_H);
  return TRUE;
}

/* The key for the two colours, one after the other. */
static void
draw_key (GtkWidget     *widget,
          cairo_t       *cr,
          double         y,
          const GdkRGBA *fg,
          const GdkRGBA *act,
          const GdkRGBA *grad)
{
  static const char *const labels[2] = { N_("activation std"), N_("gradient norm (log)") };
  double x = PAD;

  for (int k = 0; k < 2; k++)
    {
      double w, h;
      gdk_cairo_set_source_rgba (cr, k == 0 ? act : grad);
      cairo_rectangle (cr, x, y + 6, 14, 3);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
      show_text (widget, cr, _(labels[k]), x + 20, y, 0.75, FALSE, 0);
      text_extent (widget, _(labels[k]), 0.75, FALSE, 0, &w, &h);
      x += 20 + w + 16;
    }
}

static void
tsu_layer_stats_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  TsuLayerStatsView *self = TSU_LAYER_STATS_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  guint n = n_nodes (self);
  GdkRGBA fg, act = { 0.57, 0.25, 0.67, 1 }, grad = { 0.21, 0.52, 0.89, 1 };
  GdkRGBA warn = { 0.88, 0.11, 0.14, 1 };
  Rows rows;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  rows_layout (self, width, &rows);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                           &GRAPHENE_RECT_INIT (0, 0, width, MAX (1, n) * rows.row_height + 40));
  if (n == 0)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      show_text (widget, cr, _("Per-layer statistics appear\nhere while a run trains."), PAD, PAD, 0.95, FALSE, 0);
      cairo_destroy (cr);
      return;
    }

  const char * const *nodes = tsu_training_history_get_layer_nodes (self->history);
  for (guint i = 0; i < n; i++)
    {
      const TsuLayerTrace *t = tsu_training_history_get_layer (self->history, nodes[i]);
      const TsuLayerSample *s = &t->latest;
      double y = i * rows.row_height + 4;
      RowText text;

      if (i % 2)
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.035);
          cairo_rectangle (cr, 0, y - 4, width, rows.row_height);
          cairo_fill (cr);
        }
      row_text (self, i, text_max_width (width), &text);
      for (int l = 0; l < 3; l++)
        {
          if (!text.lines[l][0])
            continue;
          if (l > 0)
            cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
          else
            gdk_cairo_set_source_rgba (cr, tsu_layer_stats_warning (s) ? &warn : &fg);
          show_text (widget, cr, text.lines[l], PAD, y + text.top[l], line_scale[l], l == 0,
                     text_max_width (width));
        }

      /* Activation spread on top, gradient norm (log) below it. */
      double sy = y + rows.spark_y;
      sparkline (cr, t->activation_std, t->n_history, rows.spark_x, sy, rows.spark_w, SPARK_H, &act, FALSE);
      if (s->weight_norm > 0)
        sparkline (cr, t->gradient_norm, t->n_history, rows.spark_x, sy + SPARKS_H - SPARK_H, rows.spark_w,
                   SPARK_H, &grad, TRUE);
    }
  draw_key (widget, cr, n * rows.row_height + 10, &fg, &act, &grad);
  cairo_destroy (cr);
}

static void
tsu_layer_stats_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  TsuLayerStatsView *self = TSU_LAYER_STATS_VIEW (widget);
  Rows rows;

  /* Narrow is fine (the sparklines go under the text); the natural width
   * has them beside it. */
  rows_layout (self, 0, &rows);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) (2 * PAD + MIN_SPARK);
      *natural = MAX (240, (int) ceil (rows.spark_x + MIN_SPARK * 2 + PAD));
      return;
    }
  rows_layout (self, for_size < 0 ? 240 : for_size, &rows);
  *minimum = *natural = (int) ceil (MAX (1, n_nodes (self)) * rows.row_height + 40);
}

static GtkSizeRequestMode
tsu_layer_stats_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
on_changed (TsuLayerStatsView *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_layer_stats_view_set_history (TsuLayerStatsView  *self,
                                  TsuTrainingHistory *history)
{
  if (self->history)
    {
      g_clear_signal_handler (&self->changed_id, self->history);
      g_clear_object (&self->history);
    }
  if (history)
    {
      self->history = g_object_ref (history);
      self->changed_id = g_signal_connect_swapped (history, "changed", G_CALLBACK (on_changed), self);
    }
  on_changed (self);
}

static void
tsu_layer_stats_view_dispose (GObject *object)
{
  tsu_layer_stats_view_set_history (TSU_LAYER_STATS_VIEW (object), NULL);
  G_OBJECT_CLASS (tsu_layer_stats_view_parent_class)->dispose (object);
}

static void
tsu_layer_stats_view_class_init (TsuLayerStatsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_layer_stats_view_dispose;
  widget_class->snapshot = tsu_layer_stats_view_snapshot;
  widget_class->measure = tsu_layer_stats_view_measure;
  widget_class->get_request_mode = tsu_layer_stats_view_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "tsulayerstats");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tsu_layer_stats_view_init (TsuLayerStatsView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Per-layer statistics"), -1);
}

GtkWidget *
tsu_layer_stats_view_new (void)
{
  return g_object_new (TSU_TYPE_LAYER_STATS_VIEW, NULL);
}
