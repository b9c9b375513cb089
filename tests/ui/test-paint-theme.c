/* test-paint-theme.c — the diagram's palettes and box text, from painted
 * cairo surfaces (no display): the dark and inverse canvases are dark, box
 * text keeps 4.5:1 against what is behind it in every palette, category
 * colours keep 3:1 against the boxes, and no layer type is cut short. */
#include <glib.h>
#include <math.h>

#include "tsu-canvas-paint.h"
#include "tsu-graph-model.h"
#include "tsu-layout.h"

#define SCALE 3      /* glyph stems several pixels wide: their core is the ink */
#define ORIGIN 20.0  /* canvas units from the surface's corner to the box */

static const char *const palette_names[] = { "light", "dark", "high contrast", "high contrast inverse" };

static double
channel (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

/* WCAG 2 relative luminance and contrast ratio. */
static double
luminance (TsuRgb c)
{
  return 0.2126 * channel (c.r) + 0.7152 * channel (c.g) + 0.0722 * channel (c.b);
}

static double
contrast (TsuRgb a, TsuRgb b)
{
  double la = luminance (a), lb = luminance (b);
  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static TsuRgb
pixel (cairo_surface_t *surface, double cx, double cy)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = *(const guint32 *) (data + (int) (cy * SCALE) * stride + (int) (cx * SCALE) * 4);
  return (TsuRgb) { ((p >> 16) & 0xff) / 255.0, ((p >> 8) & 0xff) / 255.0, (p & 0xff) / 255.0 };
}

/* The strongest contrast against `behind` in a rectangle of canvas units
 * relative to the box: the core of the text drawn there. */
static double
text_contrast (cairo_surface_t *surface, double x0, double y0, double x1, double y1, TsuRgb behind)
{
  double best = 1;

  for (double y = ORIGIN + y0; y < ORIGIN + y1; y += 1.0 / SCALE)
    for (double x = ORIGIN + x0; x < ORIGIN + x1; x += 1.0 / SCALE)
      best = MAX (best, contrast (pixel (surface, x, y), behind));
  return best;
}

static TsuGraphModel *
load_two_class (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "resources", "examples",
                                            "two-class.tsumiki", NULL);
  TsuGraphModel *model = tsu_graph_model_new ();
  g_assert_true (tsu_graph_model_load_file (model, path, NULL));
  return model;
}

/* The background and the diagram as the canvas paints them, fc1's box at
 * (ORIGIN, ORIGIN). */
static cairo_surface_t *
render (const TsuLayout *layout, const TsuLayoutNode *box, const TsuPaintPalette *palette)
{
  int width = (int) (TSU_BOX_WIDTH + 2 * ORIGIN), height = (int) (TSU_BOX_HEIGHT + 2 * ORIGIN);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width * SCALE, height * SCALE);
  cairo_t *cr = cairo_create (surface);
  TsuPaintOptions options;

  tsu_paint_options_init (&options);
  options.palette = palette;
  cairo_scale (cr, SCALE, SCALE);
  cairo_translate (cr, ORIGIN - box->x, ORIGIN - box->y);
  tsu_paint_grid (cr, palette, 1, box->x - ORIGIN, box->y - ORIGIN, box->x + width, box->y + height);
  tsu_paint_diagram (cr, layout, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_canvas_follows_palette (void)
{
  g_autoptr(TsuGraphModel) model = load_two_class ();
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  const TsuLayoutNode *box = &layout->nodes[tsu_layout_find (layout, "fc1")];

  g_assert_cmpstr (box->type, ==, "Affine");
  g_assert_cmpstr (box->summary, ==, "32");
  for (int kind = TSU_PALETTE_LIGHT; kind <= TSU_PALETTE_HIGH_CONTRAST_INVERSE; kind++)
    {
      const TsuPaintPalette *palette = tsu_paint_palette (kind);
      cairo_surface_t *surface = render (layout, box, palette);
      /* Off the 10-unit grid, so never a dot; left of the box, between
       * the title row's wash and the text; in the body below the summary. */
      TsuRgb canvas = pixel (surface, ORIGIN - 15, ORIGIN + 35);
      TsuRgb wash = pixel (surface, ORIGIN + 130, ORIGIN + 12);
      TsuRgb body = pixel (surface, ORIGIN + 110, ORIGIN + 35);
      gboolean dark = kind == TSU_PALETTE_DARK || kind == TSU_PALETTE_HIGH_CONTRAST_INVERSE;

      if (g_getenv ("TSU_PAINT_DUMP"))
        {
          g_autofree char *name = g_strdup_printf ("%s-%d.png", g_getenv ("TSU_PAINT_DUMP"), kind);
          cairo_surface_write_to_png (surface, name);
        }
      g_test_message ("%s: canvas %.3f, wash %.3f, body %.3f", palette_names[kind], luminance (canvas),
                      luminance (wash), luminance (body));
      if (dark)
        {
          g_assert_cmpfloat (luminance (canvas), <, 0.05);
          g_assert_cmpfloat (luminance (body), <, 0.1);
        }
      else
        {
          g_assert_cmpfloat (luminance (canvas), >, 0.8);
          g_assert_cmpfloat (luminance (body), >, 0.8);
        }
      /* Type, id (on the title row's wash), params and shape (on the body). */
      g_assert_cmpfloat (text_contrast (surface, 15, 4, 75, 20, wash), >=, 4.5);
      g_assert_cmpfloat (text_contrast (surface, 185, 5, 212, 18, wash), >=, 4.5);
      g_assert_cmpfloat (text_contrast (surface, 15, 23, 40, 36, body), >=, 4.5);
      g_assert_cmpfloat (text_contrast (surface, 15, 40, 40, 53, body), >=, 4.5);
      cairo_surface_destroy (surface);
    }
}

/* The palette's own colours: text on bodies 4.5:1, categories (stripes,
 * ports, bars: graphics) 3:1 on the body, as WCAG asks. */
static void
test_palette_contrast (void)
{
  static const char *const categories[] = { "IO", "Basic", "Pooling", "Activation", "Normalization",
                                            "Others", "Loss" };

  for (int kind = TSU_PALETTE_LIGHT; kind <= TSU_PALETTE_HIGH_CONTRAST_INVERSE; kind++)
    {
      const TsuPaintPalette *p = tsu_paint_palette (kind);

      g_test_message ("%s", palette_names[kind]);
      g_assert_cmpfloat (contrast (p->ink, p->box), >=, 4.5);
      g_assert_cmpfloat (contrast (p->ink_dim, p->box), >=, 4.5);
      g_assert_cmpfloat (contrast (p->ink, p->box_broken), >=, 4.5);
      g_assert_cmpfloat (contrast (p->error, p->box_broken), >=, 4.5);
      g_assert_cmpfloat (contrast (p->link, p->background), >=, 3);
      for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
        {
          TsuRgb c = tsu_paint_category_color (p, categories[i]);
          g_test_message ("  %s %.2f", categories[i], contrast (c, p->box));
          g_assert_cmpfloat (contrast (c, p->box), >=, 3);
        }
    }
}

/* Every layer type fits its box whole, at no less than the small text's
 * size; short ones keep the title size; the id keeps its place beside the
 * longest type unless it is long itself. */
static void
test_type_names_fit (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 10, 10);
  cairo_t *cr = cairo_create (surface);
  tsu_project *empty = tsu_project_new ("fit");

  for (int i = 0; i < tsu_layer_kind_count (); i++)
    {
      const char *type = tsu_layer_kind_name (tsu_layer_kind_at (i));
      g_autofree char *first_id = tsu_project_unique_id (empty, type);
      const char *ids[] = { "x", "loss", first_id, "categoricalcrossentropy12" };

      for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
        {
          TsuTitleFit fit = tsu_paint_fit_title (cr, type, ids[k]);
          double whole_id = tsu_paint_fit_title (cr, "Affine", ids[k]).id_width;

          /* The id a new box gets ("augment1") is cut only when the type
           * cannot shrink further. */
          if (ids[k] == first_id && fit.id_width != whole_id && fit.type_points > TSU_PAINT_SMALL_POINTS)
            g_error ("%s beside %s is cut to %.0f of %.0f", ids[k], type, fit.id_width, whole_id);

          g_assert_cmpfloat (fit.type_points, >=, TSU_PAINT_SMALL_POINTS);
          g_assert_cmpfloat (fit.type_points, <=, TSU_PAINT_TITLE_POINTS);
          if (fit.type_width > TSU_PAINT_TEXT_WIDTH)
            g_error ("%s beside %s is %.0f wide, more than %.0f", type, ids[k], fit.type_width,
                     TSU_PAINT_TEXT_WIDTH);
          g_assert_cmpfloat (fit.type_width + (fit.id_width > 0 ? 5 + fit.id_width : 0), <=,
                             TSU_PAINT_TEXT_WIDTH);
        }
    }
  {
    TsuTitleFit short_type = tsu_paint_fit_title (cr, "Affine", "fc1");
    TsuTitleFit long_type = tsu_paint_fit_title (cr, "CategoricalCrossEntropy", "loss");
    g_assert_cmpfloat (short_type.type_points, ==, TSU_PAINT_TITLE_POINTS);
    g_assert_cmpfloat (short_type.id_width, >, 0);
    g_assert_cmpfloat (long_type.type_points, <, TSU_PAINT_TITLE_POINTS);
    g_assert_cmpfloat (long_type.id_width, >, 0);
    /* A new loss box's id beside the longest type, whole. */
    g_assert_cmpfloat (tsu_paint_fit_title (cr, "CategoricalCrossEntropy", "loss1").id_width, ==,
                       tsu_paint_fit_title (cr, "Affine", "loss1").id_width);
  }
  tsu_project_free (empty);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/paint-theme/canvas-follows-palette", test_canvas_follows_palette);
  g_test_add_func ("/paint-theme/palette-contrast", test_palette_contrast);
  g_test_add_func ("/paint-theme/type-names-fit", test_type_names_fit);
  return g_test_run ();
}
