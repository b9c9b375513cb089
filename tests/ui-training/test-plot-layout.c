/* test-plot-layout.c — where the Training page's plots and layer
 * statistics put things: every point inside the plot area with its marker
 * whole, the bottom axis labelled under its ticks at any font size, a run
 * of a few batches spread over the axis with visible points, one epoch in
 * the middle of its axis, sparklines beside (never over) their text.
 * Needs a display for the widgets' fonts (run-with-display.sh). */
#include "tsu-plot-private.h"
#include "tsu-layer-stats-view.h"
#include "tsu-training-history.h"
#include "tsu-event-queue.h"

#include <math.h>

static const GdkRGBA blue = { 0.2, 0.4, 0.9, 1 };

/* Lets windows map and styles update (a frame or two). */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* Lays the plot out at width x height as a draw would, and draws it there
 * so that the frame is the one tsu_plot_draw() used. */
static void
lay_out (TsuPlot *plot, int width, int height, TsuPlotGeometry *g)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  TsuPlotColors colors = { 0 };

  tsu_plot_colors_for_export (&colors);
  tsu_plot_draw (plot, cr, width, height, &colors, TRUE);
  tsu_plot_geometry (plot, cr, width, height, g);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Every finite point of every series inside the frame by at least margin
 * pixels on each side. */
static void
assert_points_inside (TsuPlot *plot, const TsuPlotGeometry *g, double margin)
{
  const Frame *f = &g->frame;

  for (guint s = 0; s < plot->series->len; s++)
    {
      Series *series = g_ptr_array_index (plot->series, s);
      for (guint i = 0; i < series->xs->len; i++)
        {
          double px, py;
          double x = g_array_index (series->xs, double, i), y = g_array_index (series->ys, double, i);
          if (!tsu_plot_data_to_pixel (plot, f, x, y, &px, &py))
            continue;
          if (px < f->x + margin || px > f->x + f->width - margin || py < f->y + margin
              || py > f->y + f->height - margin)
            g_error ("series \"%s\" point %u (%g, %g) at (%.1f, %.1f), outside the plot area "
                     "(%.1f, %.1f) %.1f × %.1f less %.1f px", series->label, i, x, y, px, py, f->x, f->y,
                     f->width, f->height, margin);
        }
    }
}

static guint
add_series (TsuPlot *plot, const char *label, TsuPlotStyle style, const double *xs, const double *ys, guint n)
{
  guint s = tsu_plot_add_series (plot, label, &blue, style, FALSE);
  tsu_plot_set_series_data (plot, s, xs, ys, n);
  return s;
}

/* A loss plot as the Training page fills it: raw batch losses noisier than
 * the smoothed curve (lower and higher), epoch losses near zero. */
static GtkWidget *
loss_plot (void)
{
  GtkWidget *plot = g_object_ref_sink (tsu_plot_new ());
  double xs[40], raw[40], smooth[40], ex[] = { 1, 2 }, ey[] = { 0.02, 0.0005 };

  for (int i = 0; i < 40; i++)
    {
      xs[i] = (i + 1) / 20.0;
      smooth[i] = 0.6 * exp (-i / 8.0) + 0.05;
      raw[i] = smooth[i] * (i % 3 == 0 ? 0.1 : i % 3 == 1 ? 1.8 : 1.0);
    }
  tsu_plot_set_title (TSU_PLOT (plot), "Loss");
  tsu_plot_set_x_label (TSU_PLOT (plot), "epoch");
  add_series (TSU_PLOT (plot), "batch", TSU_PLOT_THIN, xs, raw, 40);
  add_series (TSU_PLOT (plot), "batch (smoothed)", TSU_PLOT_LINE, xs, smooth, 40);
  add_series (TSU_PLOT (plot), "training", TSU_PLOT_LINE_MARKERS, ex, ey, 2);
  tsu_plot_set_x_extent (TSU_PLOT (plot), 0, 2);
  return plot;
}

static void
test_points_inside (void)
{
  g_autoptr(GtkWidget) plot = loss_plot ();
  TsuPlotGeometry g;

  /* Markers are 3.5 px: their whole disc inside. */
  lay_out (TSU_PLOT (plot), 600, 260, &g);
  assert_points_inside (TSU_PLOT (plot), &g, 3.5);
  lay_out (TSU_PLOT (plot), 420, 150, &g);
  assert_points_inside (TSU_PLOT (plot), &g, 3.5);
  tsu_plot_set_log_scale (TSU_PLOT (plot), TRUE);
  lay_out (TSU_PLOT (plot), 600, 260, &g);
  assert_points_inside (TSU_PLOT (plot), &g, 3.5);
}

/* The x axis label under the tick labels and inside the widget, at the
 * default font and at larger ones (large text, CJK fonts' taller lines). */
static void
test_bottom_axis_labelled (void)
{
  g_autoptr(GtkWidget) plot = loss_plot ();
  GtkWidget *window = gtk_window_new ();
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const char *const sizes[] = { NULL, "13pt", "16pt", "20pt" };
  static const int heights[] = { 150, 260 };
  double last_tick_height = 0;

  gtk_window_set_child (GTK_WINDOW (window), plot);
  gtk_window_present (GTK_WINDOW (window));
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *rule = g_strdup_printf ("tsuplot { font-size: %s; }", sizes[i] ? sizes[i] : "initial");
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_css_provider_load_from_data (css, sizes[i] ? rule : "", -1);
      G_GNUC_END_IGNORE_DEPRECATIONS
      settle ();
      for (guint h = 0; h < G_N_ELEMENTS (heights); h++)
        {
          TsuPlotGeometry g;
          lay_out (TSU_PLOT (plot), 600, heights[h], &g);
          g_test_message ("font %s, height %d: frame bottom %.1f, ticks %.1f+%.1f, label %.1f+%.1f",
                          sizes[i] ? sizes[i] : "default", heights[h], g.frame.y + g.frame.height, g.tick_y,
                          g.tick_height, g.x_label.origin.y, g.x_label.size.height);
          g_assert_cmpfloat (g.x_label.size.width, >, 0);
          g_assert_cmpfloat (g.x_label.size.height, >, 0);
          g_assert_cmpfloat (g.tick_y, >=, g.frame.y + g.frame.height);
          g_assert_cmpfloat (g.x_label.origin.y, >=, g.tick_y + g.tick_height);
          g_assert_cmpfloat (g.x_label.origin.y + g.x_label.size.height, <=, heights[h]);
          g_assert_cmpfloat (g.x_label.origin.x, >=, g.frame.x);
          if (h == 0)
            {
              /* The font did change: the test covers the larger sizes. */
              g_assert_cmpfloat (g.tick_height, >, last_tick_height);
              last_tick_height = g.tick_height;
            }
        }
    }
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Ten batches, one epoch (a run over in a second): the points spread over
 * the axis, each drawn as a point; the epoch's loss in the frame. */
static void
test_few_batches (void)
{
  g_autoptr(GtkWidget) plot = g_object_ref_sink (tsu_plot_new ());
  double xs[10], ys[10], ex[] = { 1 }, ey[] = { 0.4 }, dense_x[900], dense_y[900];
  TsuPlotGeometry g;
  double first, last, unused;

  for (int i = 0; i < 10; i++)
    xs[i] = (i + 1) / 10.0, ys[i] = 1.0 / (i + 1);
  guint raw = add_series (TSU_PLOT (plot), "batch", TSU_PLOT_THIN, xs, ys, 10);
  guint smooth = add_series (TSU_PLOT (plot), "batch (smoothed)", TSU_PLOT_LINE, xs, ys, 10);
  add_series (TSU_PLOT (plot), "training", TSU_PLOT_LINE_MARKERS, ex, ey, 1);
  tsu_plot_set_x_extent (TSU_PLOT (plot), 0, 1);
  lay_out (TSU_PLOT (plot), 600, 260, &g);
  assert_points_inside (TSU_PLOT (plot), &g, 2);
  tsu_plot_data_to_pixel (TSU_PLOT (plot), &g.frame, xs[0], ys[0], &first, &unused);
  tsu_plot_data_to_pixel (TSU_PLOT (plot), &g.frame, xs[9], ys[9], &last, &unused);
  g_assert_cmpfloat (last - first, >=, 0.8 * g.frame.width);
  g_assert_cmpfloat (tsu_plot_marker_radius (TSU_PLOT (plot), &g.frame, raw), >, 0);
  g_assert_cmpfloat (tsu_plot_marker_radius (TSU_PLOT (plot), &g.frame, smooth), >, 0);

  /* A long run's curve stays a line. */
  for (int i = 0; i < 900; i++)
    dense_x[i] = i / 900.0, dense_y[i] = 1.0 / (i + 1);
  tsu_plot_clear (TSU_PLOT (plot));
  smooth = add_series (TSU_PLOT (plot), "batch (smoothed)", TSU_PLOT_LINE, dense_x, dense_y, 900);
  lay_out (TSU_PLOT (plot), 600, 260, &g);
  g_assert_cmpfloat (tsu_plot_marker_radius (TSU_PLOT (plot), &g.frame, smooth), ==, 0);
}

/* The accuracy plot after one epoch: its axis runs from epoch 1 to 1 (the
 * page sets that extent); the point belongs in the middle, not at an edge
 * of an axis made up to reach epoch 2. */
static void
test_one_epoch_centred (void)
{
  g_autoptr(GtkWidget) plot = g_object_ref_sink (tsu_plot_new ());
  double ex[] = { 1 }, ey[] = { 0.83 }, px, py;
  TsuPlotGeometry g;

  tsu_plot_set_y_percent (TSU_PLOT (plot), TRUE);
  tsu_plot_set_x_integer (TSU_PLOT (plot), TRUE);
  add_series (TSU_PLOT (plot), "validation", TSU_PLOT_LINE_MARKERS, ex, ey, 1);
  tsu_plot_set_x_extent (TSU_PLOT (plot), 1, 1);
  lay_out (TSU_PLOT (plot), 600, 260, &g);
  assert_points_inside (TSU_PLOT (plot), &g, 3.5);
  g_assert_true (tsu_plot_data_to_pixel (TSU_PLOT (plot), &g.frame, 1, 0.83, &px, &py));
  g_assert_cmpfloat (fabs (px - (g.frame.x + g.frame.width / 2)), <, 0.1 * g.frame.width);
}

/* Layer statistics in the side panel's width: each row's sparklines in a
 * column of their own, disjoint from its text and inside the widget. */
static void
test_sparklines_clear_of_text (void)
{
  g_autoptr(TsuTrainingHistory) history = tsu_training_history_new ();
  GtkWidget *view = tsu_layer_stats_view_new ();
  GtkWidget *window = gtk_window_new ();
  static const int widths[] = { 280, 420 };

  for (int i = 0; i < 20; i++)
    {
      TsuQueuedEvent *item = g_new0 (TsuQueuedEvent, 1);
      TsuLayerSample s[3] = {
        { .node = "conv1", .activation_mean = -0.0123f * i, .activation_std = 1.2345f, .zero_fraction = 0.5f,
          .weight_norm = 12.345f, .gradient_norm = 0.0012345f * (i + 1) },
        { .node = "relu1", .activation_mean = 0.25f, .activation_std = 0.5f, .zero_fraction = 0.97f },
        { .node = "affine_with_a_long_name", .activation_mean = 123.45f, .activation_std = 6789.1f,
          .weight_norm = 3, .gradient_norm = 1e-9f },
      };
      item->event = (tsu_train_event) { .kind = TSU_EVENT_ITERATION, .epoch = 1, .epochs = 1,
                                        .iteration = i + 1, .iterations = 20, .step = i + 1 };
      item->losses = g_array_new (FALSE, FALSE, sizeof (TsuLossPoint));
      item->layer_stats = g_array_new (FALSE, TRUE, sizeof (TsuLayerSample));
      g_array_append_vals (item->layer_stats, s, 3);
      tsu_training_history_apply (history, item);
      tsu_queued_event_free (item);
    }
  tsu_training_history_flush (history);
  tsu_layer_stats_view_set_history (TSU_LAYER_STATS_VIEW (view), history);
  gtk_window_set_child (GTK_WINDOW (window), view);

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      gtk_window_set_default_size (GTK_WINDOW (window), widths[w], 400);
      gtk_window_present (GTK_WINDOW (window));
      settle ();
      int width = gtk_widget_get_width (view);
      g_assert_cmpint (width, >, 0);
      for (guint row = 0; row < 3; row++)
        {
          graphene_rect_t text, spark;
          g_assert_true (tsu_layer_stats_view_row_geometry (TSU_LAYER_STATS_VIEW (view), row, &text, &spark));
          g_test_message ("width %d row %u: text %.0f..%.0f, sparklines %.0f..%.0f × %.0f..%.0f", width, row,
                          text.origin.x, text.origin.x + text.size.width, spark.origin.x,
                          spark.origin.x + spark.size.width, spark.origin.y, spark.origin.y + spark.size.height);
          g_assert_false (graphene_rect_intersection (&text, &spark, NULL));
          g_assert_cmpfloat (spark.size.width, >=, 40);
          g_assert_cmpfloat (spark.origin.x, >=, 0);
          g_assert_cmpfloat (spark.origin.x + spark.size.width, <=, width);
          g_assert_cmpfloat (text.origin.x + text.size.width, <=, width);
        }
      g_assert_false (tsu_layer_stats_view_row_geometry (TSU_LAYER_STATS_VIEW (view), 3, &(graphene_rect_t) { 0 },
                                                         &(graphene_rect_t) { 0 }));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Loss and accuracy plots stacked on the Training page: both frames start
 * at the wider left margin (the percent labels'), so epochs line up. */
static void
test_aligned_left (void)
{
  g_autoptr(GtkWidget) loss = loss_plot ();
  g_autoptr(GtkWidget) accuracy = g_object_ref_sink (tsu_plot_new ());
  double ex[] = { 1, 2 }, ey[] = { 0.5, 0.875 };
  TsuPlotGeometry lg, ag;
  double loss_own, accuracy_own;

  tsu_plot_set_y_percent (TSU_PLOT (accuracy), TRUE);
  tsu_plot_set_x_extent (TSU_PLOT (accuracy), 0, 2);
  add_series (TSU_PLOT (accuracy), "validation", TSU_PLOT_LINE_MARKERS, ex, ey, 2);
  lay_out (TSU_PLOT (loss), 600, 260, &lg);
  lay_out (TSU_PLOT (accuracy), 600, 260, &ag);
  loss_own = lg.frame.x, accuracy_own = ag.frame.x;
  g_assert_cmpfloat (loss_own, !=, accuracy_own);   /* else this test shows nothing */

  tsu_plot_align_left (TSU_PLOT (loss), TSU_PLOT (accuracy));
  lay_out (TSU_PLOT (loss), 600, 260, &lg);
  lay_out (TSU_PLOT (accuracy), 600, 260, &ag);
  g_assert_cmpfloat (lg.frame.x, ==, MAX (loss_own, accuracy_own));
  g_assert_cmpfloat (ag.frame.x, ==, lg.frame.x);
  g_assert_cmpfloat (ag.frame.width, ==, lg.frame.width);
  assert_points_inside (TSU_PLOT (loss), &lg, 3.5);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-layout/points-inside", test_points_inside);
  g_test_add_func ("/plot-layout/bottom-axis-labelled", test_bottom_axis_labelled);
  g_test_add_func ("/plot-layout/few-batches", test_few_batches);
  g_test_add_func ("/plot-layout/one-epoch-centred", test_one_epoch_centred);
  g_test_add_func ("/plot-layout/sparklines-clear-of-text", test_sparklines_clear_of_text);
  g_test_add_func ("/plot-layout/aligned-left", test_aligned_left);
  return g_test_run ();
}
