/* tsu-mini-loss-view.c — drawing the corner curve. */
#include "tsu-mini-loss-view.h"
#include "tsu-i18n.h"

#include <math.h>

struct _TsuMiniLossView
{
  GtkWidget           parent_instance;
  TsuTrainingHistory *history;
  gulong              changed_id;
  gulong              state_id;
};

G_DEFINE_FINAL_TYPE (TsuMiniLossView, tsu_mini_loss_view, GTK_TYPE_WIDGET)

char *
tsu_mini_loss_view_dup_text (TsuMiniLossView *self)
{
  guint ns;
  TsuTrainingState state;
  const char *message;
  const double *smoothed;
  const TsuTrainingProgress *p;

  g_return_val_if_fail (TSU_IS_MINI_LOSS_VIEW (self), NULL);
  if (self->history == NULL)
    return g_strdup ("");
  state = tsu_training_history_get_state (self->history);
  message = tsu_training_history_get_message (self->history);
  smoothed = tsu_training_history_get_smoothed (self->history, &ns);
  p = tsu_training_history_get_progress (self->history);
  if (state == TSU_TRAINING_FAILED && message != NULL && message[0] != '\0')
    /* TRANSLATORS: a training run's state and why it failed */
    return g_strdup_printf (_("%s: %s"), tsu_training_state_describe (state), message);
  if (ns > 0)
    return g_strdup_printf (_("%s · epoch %d/%d · loss %.4f"), tsu_training_state_describe (state),
                            MAX (1, p->epoch), p->epochs, smoothed[ns - 1]);
  return g_strdup (tsu_training_state_describe (state));
}

static void
tsu_mini_loss_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  TsuMiniLossView *self = TSU_MINI_LOSS_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  guint n, ns, ne;
  GdkRGBA fg;

  if (!self->history || width <= 0 || height <= 0)
    return;

  const TsuLossPoint *losses = tsu_training_history_get_losses (self->history, &n);
  const double *smoothed = tsu_training_history_get_smoothed (self->history, &ns);
  const TsuEpochRecord *epochs = tsu_training_history_get_epochs (self->history, &ne);
  const TsuTrainingProgress *p = tsu_training_history_get_progress (self->history);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* The words, wrapped inside the card's padding; a long failure reason is
   * cut with an ellipsis rather than spilling over the border. */
  g_autofree char *text = tsu_mini_loss_view_dup_text (self);
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font = pango_font_description_copy (
    pango_context_get_font_description (pango_layout_get_context (layout)));
  pango_font_description_set_size (font, (int) (pango_font_description_get_size (font) * 0.8));
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, height * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  int th;
  pango_layout_get_pixel_size (layout, NULL, &th);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);

  double x = 0, y = th + 4, w = width, h = height - y;
  if (ns < 2 || h < 8)
    {
      cairo_destroy (cr);
      return;
    }

  /* Smoothed loss against the run's epochs, validation dots on top. */
  double x_max = MAX (p->epochs, losses[n - 1].x), lo = INFINITY, hi = -INFINITY;
  for (guint i = 0; i < ns; i++)
    if (isfinite (smoothed[i]))
      lo = MIN (lo, smoothed[i]), hi = MAX (hi, smoothed[i]);
  for (guint i = 0; i < ne; i++)
    if (isfinite (epochs[i].validation_loss))
      lo = MIN (lo, epochs[i].validation_loss), hi = MAX (hi, epochs[i].validation_loss);
  if (!(hi > lo))
    hi = lo + 1;

  /* A point per pixel column is all a curve this small can show. */
  cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 1);
  cairo_set_line_width (cr, 1.5);
  double last_col = -1;
  gboolean pen = FALSE;
  for (guint i = 0; i < ns; i++)
    {
      double px = x + losses[i].x / x_max * w;
      if (floor (px) == last_col && i + 1 < ns)
        continue;
      last_col = floor (px);
      double py = y + h - (smoothed[i] - lo) / (hi - lo) * h;
      if (pen)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen = TRUE;
    }
  cairo_stroke (cr);

  cairo_set_source_rgba (cr, 0.90, 0.38, 0.0, 1);
  for (guint i = 0; i < ne; i++)
    if (isfinite (epochs[i].validation_loss))
      {
        cairo_arc (cr, x + epochs[i].epoch / x_max * w,
                   y + h - (epochs[i].validation_loss - lo) / (hi - lo) * h, 2.5, 0, 2 * G_PI);
        cairo_fill (cr);
      }
  cairo_destroy (cr);
}

static void
tsu_mini_loss_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 70;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 260 : 110;
}

static void
on_changed (TsuMiniLossView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tsu_mini_loss_view_set_history (TsuMiniLossView    *self,
                                TsuTrainingHistory *history)
{
  if (self->history)
    {
      g_clear_signal_handler (&self->changed_id, self->history);
      g_clear_signal_handler (&self->state_id, self->history);
      g_clear_object (&self->history);
    }
  if (history)
    {
      self->history = g_object_ref (history);
      self->changed_id = g_signal_connect_swapped (history, "changed", G_CALLBACK (on_changed), self);
      self->state_id = g_signal_connect_swapped (history, "notify::state", G_CALLBACK (on_changed), self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tsu_mini_loss_view_dispose (GObject *object)
{
  tsu_mini_loss_view_set_history (TSU_MINI_LOSS_VIEW (object), NULL);
  G_OBJECT_CLASS (tsu_mini_loss_view_parent_class)->dispose (object);
}

static void
tsu_mini_loss_view_class_init (TsuMiniLossViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_mini_loss_view_dispose;
  widget_class->snapshot = tsu_mini_loss_view_snapshot;
  widget_class->measure = tsu_mini_loss_view_measure;
  gtk_widget_class_set_css_name (widget_class, "tsuminiloss");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tsu_mini_loss_view_init (TsuMiniLossView *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "tsu-mini-loss");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Training loss"), -1);
}

GtkWidget *
tsu_mini_loss_view_new (void)
{
  return g_object_new (TSU_TYPE_MINI_LOSS_VIEW, NULL);
}
