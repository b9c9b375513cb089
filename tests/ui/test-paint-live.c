/* test-paint-live.c — the canvas's live training indicators: drawn from what
 * the callback says, on the boxes it names, in place of the statistic bar. */
#include <glib.h>

#include "tsu-canvas-paint.h"
#include "tsu-graph-model.h"
#include "tsu-layout.h"

typedef struct {
  int calls;
  float values[8];
} LiveData;

static gboolean
live_for_relu1 (const char *id, TsuLiveIndicator *out, gpointer data)
{
  LiveData *live = data;

  live->calls++;
  if (g_strcmp0 (id, "relu1") != 0)
    return FALSE;
  out->n = G_N_ELEMENTS (live->values);
  out->values = live->values;
  out->level = TSU_LIVE_WARNING;
  out->note = "dead";
  return TRUE;
}

static cairo_surface_t *
render (const TsuLayout *layout, TsuLiveIndicatorFunc func, gpointer data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 1200);
  cairo_t *cr = cairo_create (surface);
  TsuPaintOptions options;

  tsu_paint_options_init (&options);
  options.clip_x0 = options.clip_y0 = -10000;
  options.clip_x1 = options.clip_y1 = 10000;
  options.live_func = func;
  options.live_data = data;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, 20 - layout->nodes[0].x, 20 - layout->nodes[0].y);
  tsu_paint_diagram (cr, layout, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Pixels in the box's bar area that are orange (the warning colour). */
static int
count_orange (cairo_surface_t *surface, const TsuLayout *layout, int index)
{
  const TsuLayoutNode *box = &layout->nodes[index];
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface), orange = 0;
  int x0 = (int) (box->x - layout->nodes[0].x + 20 + TSU_BOX_WIDTH - 80);
  int y0 = (int) (box->y - layout->nodes[0].y + 20 + TSU_BOX_HEIGHT - 26);

  for (int y = y0; y < y0 + 22; y++)
    for (int x = x0; x < x0 + 75; x++)
      {
        guint32 p = *(const guint32 *) (data + y * stride + x * 4);
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        orange += r > 180 && g > 60 && g < 160 && b < 80;
      }
  return orange;
}

static void
test_live_indicator_replaces_bar (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "resources", "examples",
                                            "fashion-mnist-cnn.tsumiki", NULL);
  g_autoptr(TsuGraphModel) model = tsu_graph_model_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (tsu_graph_model_load_file (model, path, &error));
  /* The model lays out boxes that have no position yet. */
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  LiveData live = { 0, { 0.1f, 0.5f, 0.2f, 0.9f, 0.3f, 0.4f, 0.8f, 0.05f } };
  int relu1 = tsu_layout_find (layout, "relu1"), conv1 = tsu_layout_find (layout, "conv1");

  cairo_surface_t *plain = render (layout, NULL, NULL);
  cairo_surface_t *with_live = render (layout, live_for_relu1, &live);

  if (g_getenv ("TSU_PAINT_DUMP"))
    cairo_surface_write_to_png (with_live, g_getenv ("TSU_PAINT_DUMP"));
  /* Asked once per box; only relu1 answered, in orange. */
  g_assert_cmpint (live.calls, ==, layout->n_nodes);
  g_assert_cmpint (count_orange (plain, layout, relu1), ==, 0);
  g_assert_cmpint (count_orange (with_live, layout, relu1), >, 20);
  g_assert_cmpint (count_orange (with_live, layout, conv1), ==, 0);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (with_live);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/paint/live-indicator-replaces-bar", test_live_indicator_replaces_bar);
  return g_test_run ();
}
