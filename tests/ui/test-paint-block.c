/* test-paint-block.c — a repeat block on the canvas: the layout knows which
 * boxes are in it, and the painter draws a tinted frame behind exactly
 * those, labelled with its times. */
#include <glib.h>
#include <string.h>

#include "tsu-canvas-paint.h"
#include "tsu-layout.h"

#define BOX(id, type, inputs, params, y)                                                   \
  "{\"id\": \"" id "\", \"type\": \"" type "\", \"inputs\": [" inputs "], \"params\": {"  \
  params "}, \"position\": [100, " y "]}"

static const char project_text[] =
  "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"t\", \"network\": {\"nodes\": ["
  "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}, \"position\": [100, 0]}, "
  BOX ("rs", "RepeatStart", "\"x\"", "\"times\": 4", "100") ", "
  BOX ("fc", "Affine", "\"rs\"", "\"outmaps\": 2", "200") ", "
  BOX ("add", "Add2", "\"fc\", \"rs\"", "", "300") ", "
  BOX ("re", "RepeatEnd", "\"add\"", "\"start\": \"rs\"", "400") ", "
  BOX ("out", "Affine", "\"re\"", "\"outmaps\": 1", "500") "]}}";

/* Whether the pixel at canvas (x, y) is bluish (the frame's tint or line). */
static gboolean
bluish (cairo_surface_t *surface, double x, double y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = *(const guint32 *) (data + (int) y * stride + (int) x * 4);
  int r = (p >> 16) & 0xff, b = p & 0xff;
  return b > r + 6;
}

static void
test_block_frame (void)
{
  tsu_diag diag;
  tsu_diag_init (&diag);
  tsu_project *project = tsu_project_parse (project_text, strlen (project_text), "t.tsumiki", &diag);
  g_assert_nonnull (project);
  tsu_graph *graph = tsu_graph_build (project, &diag);
  g_assert_true (tsu_graph_valid (graph));
  TsuLayout *layout = tsu_layout_new (project, graph, &diag);
  const int expect[] = { -1, 1, 1, 1, 1, -1 };
  for (int i = 0; i < layout->n_nodes; i++)
    g_assert_cmpint (layout->nodes[i].block, ==, expect[i]);
  g_assert_cmpint (layout->nodes[2].block_times, ==, 4);
  /* fc's parameters count all four copies: (2*2 + 2) * 4. */
  g_assert_cmpuint (layout->nodes[2].params, ==, 24);

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 500, 700);
  cairo_t *cr = cairo_create (surface);
  TsuPaintOptions options;
  tsu_paint_options_init (&options);
  options.clip_x0 = options.clip_y0 = -10000;
  options.clip_x1 = options.clip_y1 = 10000;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, 0, 40);
  tsu_paint_diagram (cr, layout, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* Left of the boxes, 7 units out: tinted beside rs, fc, add and re only. */
  for (int i = 0; i < layout->n_nodes; i++)
    g_assert_true (bluish (surface, 100 - 7, layout->nodes[i].y + 40 + 30) == (expect[i] >= 0));
  /* The "×4" label in the frame's top right corner, above rs. */
  int label = 0;
  for (int y = 100 + 40 - 30; y < 100 + 40 - 12; y++)
    for (int x = 100 + TSU_BOX_WIDTH - 20; x < 100 + TSU_BOX_WIDTH + 6; x++)
      label += bluish (surface, x, y);
  g_assert_cmpint (label, >, 10);
  cairo_surface_destroy (surface);
  tsu_layout_free (layout);
  tsu_graph_free (graph);
  tsu_project_free (project);
  tsu_diag_free (&diag);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/paint/block-frame", test_block_frame);
  return g_test_run ();
}
