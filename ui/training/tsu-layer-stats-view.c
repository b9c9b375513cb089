/* tsu-layer-stats-view.c — one cairo-drawn row per node with sparklines. */
#include "tsu-layer-stats-view.h"

#include <math.h>

struct _TsuLayerStatsView
{
  GtkWidget           parent_instance;
  TsuTrainingHistory *history;
  gulong              changed_id;
};

G_DEFINE_FINAL_TYPE (TsuLayerStatsView, tsu_layer_stats_view, GTK_TYPE_WIDGET)

#define ROW_HEIGHT 54.0
#define PAD 10.0

const char *
tsu_layer_stats_warning (const TsuLayerSample *s)
{
  if (!isfinite (s->gradient_norm) || !isfinite (s->activation_mean) || s->gradient_norm >= 1e3)
    return "exploding";
  if (s->zero_fraction >= 0.9f)
    return "dead";
  if (s->weight_norm > 0 && s->gradient_norm <= 1e-7f)
    return "vanishing";
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

static void
show_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      scale,
           gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font = pango_font_description_copy (
    pango_context_get_font_description (pango_layout_get_context (layout)));

  pango_font_description_set_size (font, (int) (pango_font_description_get_size (font) * scale));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
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
  char buf[128];

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                           &GRAPHENE_RECT_INIT (0, 0, width, MAX (1, n) * ROW_HEIGHT + 40));
  if (n == 0)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      show_text (widget, cr, "Per-layer statistics appear\nhere while a run trains.", PAD, PAD, 0.95, FALSE);
      cairo_destroy (cr);
      return;
    }

  const char * const *nodes = tsu_training_history_get_layer_nodes (self->history);
  double spark_w = MAX (40, (width - 2 * PAD) * 0.42);
  for (guint i = 0; i < n; i++)
    {
      const TsuLayerTrace *t = tsu_training_history_get_layer (self->history, nodes[i]);
      const TsuLayerSample *s = &t->latest;
      const char *warning = tsu_layer_stats_warning (s);
      double y = i * ROW_HEIGHT + 4;

      if (i % 2)
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.035);
          cairo_rectangle (cr, 0, y - 4, width, ROW_HEIGHT);
          cairo_fill (cr);
        }
      if (warning)
        gdk_cairo_set_source_rgba (cr, &warn);
      else
        gdk_cairo_set_source_rgba (cr, &fg);
      g_snprintf (buf, sizeof buf, warning ? "%s  · %s" : "%s", nodes[i], warning);
      show_text (widget, cr, buf, PAD, y, 0.9, TRUE);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      g_snprintf (buf, sizeof buf, "act %.3g ± %.3g  · zeros %.0f%%", s->activation_mean,
                  s->activation_std, 100 * s->zero_fraction);
      show_text (widget, cr, buf, PAD, y + 17, 0.78, FALSE);
      if (s->weight_norm > 0)
        {
          g_snprintf (buf, sizeof buf, "‖w‖ %.3g  · ‖∇‖ %.3g", s->weight_norm, s->gradient_norm);
          show_text (widget, cr, buf, PAD, y + 32, 0.78, FALSE);
        }

      /* Activation spread on top, gradient norm (log) below it. */
      double sx = width - PAD - spark_w;
      sparkline (cr, t->activation_std, t->n_history, sx, y + 2, spark_w, 18, &act, FALSE);
      if (s->weight_norm > 0)
        sparkline (cr, t->gradient_norm, t->n_history, sx, y + 26, spark_w, 18, &grad, TRUE);
    }

  /* A key for the two colours. */
  double ky = n * ROW_HEIGHT + 10;
  gdk_cairo_set_source_rgba (cr, &act);
  cairo_rectangle (cr, PAD, ky + 6, 14, 3);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &grad);
  cairo_rectangle (cr, PAD + 130, ky + 6, 14, 3);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  show_text (widget, cr, "activation std", PAD + 20, ky, 0.75, FALSE);
  show_text (widget, cr, "gradient norm (log)", PAD + 150, ky, 0.75, FALSE);
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

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 240;
  else
    *minimum = *natural = (int) (MAX (1, n_nodes (self)) * ROW_HEIGHT + 40);
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
  gtk_widget_class_set_css_name (widget_class, "tsulayerstats");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tsu_layer_stats_view_init (TsuLayerStatsView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Per-layer statistics", -1);
}

GtkWidget *
tsu_layer_stats_view_new (void)
{
  return g_object_new (TSU_TYPE_LAYER_STATS_VIEW, NULL);
}
