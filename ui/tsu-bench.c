/* tsu-bench.c — pans and zooms the canvas frame after frame and reports the
 * frame clock's intervals and the time spent painting the diagram. The
 * network is generated: chains of Affine/ReLU side by side, every box on
 * screen at the start (zoomed to fit), which is the worst case for paint. */
#include "tsu-bench.h"
#include "tsu-application.h"

#include <stdio.h>

typedef struct {
  TsuWindow *window;
  GArray *intervals_us[2];        /* per phase: whole network, then close-up */
  GArray *paints_us[2];
  gint64 last_frame;
  int frame;
  int frames;
  int layers;
} Bench;

static char *
make_network (int layers)
{
  GString *text = g_string_new ("{\"format\": \"tsumiki-project\", \"version\": 1, "
                                "\"name\": \"Benchmark\", \"network\": {\"nodes\": [");
  int per_column = 20;

  for (int i = 0; i < layers; i++)
    {
      int column = i / per_column, row = i % per_column;
      const char *type = row == 0 ? "Input" : row % 2 ? "Affine" : "ReLU";

      g_string_append_printf (text, "%s{\"id\": \"n%d\", \"type\": \"%s\"", i ? ", " : "", i, type);
      if (row > 0)
        g_string_append_printf (text, ", \"inputs\": [\"n%d\"]", i - 1);
      if (row == 0)
        g_string_append (text, ", \"params\": {\"shape\": [64]}");
      else if (row % 2)
        g_string_append (text, ", \"params\": {\"outmaps\": 64}");
      g_string_append_printf (text, ", \"position\": [%d, %d]}", 40 + column * 260, 40 + row * 90);
    }
  g_string_append (text, "]}}");
  return g_string_free (text, FALSE);
}

static int
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *values)
{
  gint64 sum = 0;

  if (values->len == 0)
    return;
  g_array_sort (values, compare_int64);
  for (guint i = 0; i < values->len; i++)
    sum += g_array_index (values, gint64, i);
  printf ("%-22s mean %6.2f ms   median %6.2f ms   p95 %6.2f ms   max %6.2f ms\n", what,
          sum / 1000.0 / values->len, g_array_index (values, gint64, values->len / 2) / 1000.0,
          g_array_index (values, gint64, values->len * 95 / 100) / 1000.0,
          g_array_index (values, gint64, values->len - 1) / 1000.0);
}

static gboolean
bench_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  Bench *bench = user_data;
  TsuCanvas *canvas = tsu_window_get_canvas (bench->window);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  gint64 paint = tsu_canvas_get_last_paint_us (canvas);

  int half = bench->frames / 2;

  if (bench->frame == 0)
    printf ("first frame %.0f ms after start-up began\n", (g_get_monotonic_time () - tsu_application_get_start_time ()) / 1000.0);
  int phase = bench->frame - 12 < half ? 0 : 1;

  /* The first frames include startup; measure the steady state. Phase 0
   * shows the whole network (zoom to fit, boxes without text), phase 1 a
   * close-up at 60 % where every box carries its text. */
  if (bench->frame == 10)
    tsu_canvas_zoom_to_fit (canvas);
  if (bench->frame == 12 + half)
    tsu_canvas_zoom_by (canvas, 0.6 / tsu_canvas_get_zoom (canvas));
  if (bench->frame > 12 && bench->frame != 12 + half)
    {
      g_array_append_val (bench->intervals_us[phase], (gint64) { now - bench->last_frame });
      g_array_append_val (bench->paints_us[phase], paint);
    }
  bench->last_frame = now;

  if (bench->frame >= bench->frames + 12)
    {
      printf ("canvas benchmark: %d layers, %d frames, canvas %dx%d\n", bench->layers, bench->frames,
              gtk_widget_get_width (GTK_WIDGET (canvas)), gtk_widget_get_height (GTK_WIDGET (canvas)));
      for (int i = 0; i < 2; i++)
        {
          printf ("%s\n", i == 0 ? "whole network (zoom to fit):" : "close-up (zoom 60 %, text on every box):");
          report ("  frame interval", bench->intervals_us[i]);
          report ("  diagram paint", bench->paints_us[i]);
          g_array_unref (bench->intervals_us[i]);
          g_array_unref (bench->paints_us[i]);
        }
      g_application_quit (g_application_get_default ());
      g_free (bench);
      return G_SOURCE_REMOVE;
    }

  /* Pan back and forth, zoom in and out: every frame needs a new paint. */
  if (bench->frame > 12)
    {
      int step = bench->frame % 120;
      tsu_canvas_pan_by (canvas, step < 60 ? -7 : 7, step % 40 < 20 ? -3 : 3);
      if (bench->frame % 30 == 0)
        tsu_canvas_zoom_by (canvas, step < 60 ? 1.1 : 1 / 1.1);
    }
  bench->frame++;
  return G_SOURCE_CONTINUE;
}

void
tsu_bench_canvas_start (TsuWindow *window, int layers, int frames)
{
  Bench *bench = g_new0 (Bench, 1);
  g_autofree char *text = make_network (layers);
  g_autoptr(GError) error = NULL;

  bench->window = window;
  bench->layers = layers;
  bench->frames = frames;
  for (int i = 0; i < 2; i++)
    {
      bench->intervals_us[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
      bench->paints_us[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  if (!tsu_graph_model_load_text (tsu_window_get_model (window), text, "benchmark", &error))
    g_error ("benchmark network: %s", error->message);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), bench_tick, bench, NULL);
}
