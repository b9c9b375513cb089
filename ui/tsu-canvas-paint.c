/* tsu-canvas-paint.c — boxes, ports, links, grid; and diagram export. */
#include "tsu-canvas-paint.h"
#include "tsu-node-summary.h"
#include "tsu-training-ui.h"
#include "tsu-i18n.h"

#include <gio/gio.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#define CORNER 7.0
#define STRIPE 6.0

typedef TsuRgb Rgb;

/* Light: white boxes on a pale grey, like GNOME's light style, with its
 * blue accent. Dark: the boxes a step above a near-black canvas (GTK's
 * dark base is #2d2d2d), light ink, a lighter accent and error colour, and
 * category colours lifted towards white so stripes and bars stand out.
 * High contrast: black and white, solid outlines, no washes or shadows. */
static const TsuPaintPalette palettes[] = {
  [TSU_PALETTE_LIGHT] = {
    .background = { 0.957, 0.961, 0.969 }, .grid = { 0, 0, 0 }, .box = { 1, 1, 1 },
    .box_broken = { 1.0, 0.93, 0.93 }, .ink = { 0.14, 0.15, 0.17 }, .ink_dim = { 0.38, 0.40, 0.44 },
    .link = { 0.50, 0.53, 0.58 }, .accent = { 0.208, 0.518, 0.894 }, .error = { 0.78, 0.08, 0.12 },
    .outline = { 0, 0, 0 }, .shade = { 0, 0, 0 },
    .grid_alpha = 0.13, .outline_alpha = 0.18, .outline_hover_alpha = 0.35, .outline_width = 1,
    .shadow_alpha = 0.08, .track_alpha = 0.07, .wash_alpha = 0.09, .category_lift = 0,
  },
  [TSU_PALETTE_DARK] = {
    .background = { 0.114, 0.114, 0.122 }, .grid = { 1, 1, 1 }, .box = { 0.188, 0.192, 0.208 },
    .box_broken = { 0.32, 0.14, 0.15 }, .ink = { 0.93, 0.93, 0.92 }, .ink_dim = { 0.70, 0.72, 0.76 },
    .link = { 0.58, 0.61, 0.66 }, .accent = { 0.40, 0.64, 0.97 }, .error = { 1.0, 0.48, 0.39 },
    .outline = { 1, 1, 1 }, .shade = { 0, 0, 0 },
    .grid_alpha = 0.12, .outline_alpha = 0.14, .outline_hover_alpha = 0.40, .outline_width = 1,
    .shadow_alpha = 0.35, .track_alpha = 0.12, .wash_alpha = 0.16, .category_lift = 0.22,
  },
  [TSU_PALETTE_HIGH_CONTRAST] = {
    .background = { 1, 1, 1 }, .grid = { 0, 0, 0 }, .box = { 1, 1, 1 },
    .box_broken = { 1.0, 0.90, 0.90 }, .ink = { 0, 0, 0 }, .ink_dim = { 0.20, 0.20, 0.20 },
    .link = { 0, 0, 0 }, .accent = { 0.0, 0.28, 0.75 }, .error = { 0.70, 0, 0 },
    .outline = { 0, 0, 0 }, .shade = { 0, 0, 0 },
    .grid_alpha = 0.30, .outline_alpha = 1, .outline_hover_alpha = 1, .outline_width = 1.5,
    .shadow_alpha = 0, .track_alpha = 0.15, .wash_alpha = 0, .category_lift = 0,
  },
  [TSU_PALETTE_HIGH_CONTRAST_INVERSE] = {
    .background = { 0, 0, 0 }, .grid = { 1, 1, 1 }, .box = { 0, 0, 0 },
    .box_broken = { 0.30, 0, 0 }, .ink = { 1, 1, 1 }, .ink_dim = { 0.85, 0.85, 0.85 },
    .link = { 1, 1, 1 }, .accent = { 0.45, 0.70, 1.0 }, .error = { 1.0, 0.45, 0.45 },
    .outline = { 1, 1, 1 }, .shade = { 0, 0, 0 },
    .grid_alpha = 0.35, .outline_alpha = 1, .outline_hover_alpha = 1, .outline_width = 1.5,
    .shadow_alpha = 0, .track_alpha = 0.35, .wash_alpha = 0, .category_lift = 0.22,
  },
};

const TsuPaintPalette *
tsu_paint_palette (TsuPaletteKind kind)
{
  g_return_val_if_fail (kind >= 0 && kind < G_N_ELEMENTS (palettes), &palettes[TSU_PALETTE_LIGHT]);
  return &palettes[kind];
}

/* The mark of a design warning: amber reads on every palette. */
static const Rgb warning_amber = { 0.961, 0.651, 0.137 };

void
tsu_category_color (const char *category, double *r, double *g, double *b)
{
  /* Distinct hues per NNC palette group, dark enough for white text. */
  static const struct { const char *name; Rgb color; } table[] = {
    { "IO",            { 0.32, 0.40, 0.50 } },
    { "Basic",         { 0.21, 0.47, 0.85 } },
    { "Pooling",       { 0.10, 0.58, 0.60 } },
    { "Activation",    { 0.80, 0.47, 0.00 } },  /* 3:1 on white boxes too */
    { "Normalization", { 0.55, 0.30, 0.70 } },
    { "Others",        { 0.45, 0.46, 0.50 } },
    { "Loss",          { 0.78, 0.30, 0.15 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_strcmp0 (category, table[i].name) == 0)
      {
        *r = table[i].color.r;
        *g = table[i].color.g;
        *b = table[i].color.b;
        return;
      }
  *r = *g = *b = 0.55;
}

TsuRgb
tsu_paint_category_color (const TsuPaintPalette *palette, const char *category)
{
  TsuRgb c;
  double lift = palette->category_lift;

  tsu_category_color (category, &c.r, &c.g, &c.b);
  return (TsuRgb) { c.r + (1 - c.r) * lift, c.g + (1 - c.g) * lift, c.b + (1 - c.b) * lift };
}

void
tsu_paint_options_init (TsuPaintOptions *options)
{
  memset (options, 0, sizeof *options);
  options->link_node = options->link_slot = -1;
  options->hover_node = -1;
  options->hover_link_node = options->hover_link_slot = -1;
  options->hover_port.kind = TSU_HIT_NONE;
  options->clip_x0 = options->clip_y0 = -G_MAXDOUBLE;
  options->clip_x1 = options->clip_y1 = G_MAXDOUBLE;
  options->zoom = 1.0;
  options->palette = &palettes[TSU_PALETTE_LIGHT];
}

static void
set_rgb (cairo_t *cr, Rgb c, double alpha)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, alpha);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

void
tsu_paint_grid (cairo_t *cr, const TsuPaintPalette *palette, double zoom, double x0, double y0, double x1,
                double y1)
{
  double step = TSU_GRID * 2;
  double dot = 1.2 / zoom;

  set_rgb (cr, palette->background, 1);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_fill (cr);
  /* Dots closer than ~8 px only add noise. */
  while (step * zoom < 12)
    step *= 2;
  set_rgb (cr, palette->grid, palette->grid_alpha);
  for (double y = floor (y0 / step) * step; y <= y1; y += step)
    for (double x = floor (x0 / step) * step; x <= x1; x += step)
      cairo_rectangle (cr, x - dot / 2, y - dot / 2, dot, dot);
  cairo_fill (cr);
}

typedef struct {
  PangoLayout *text;
  PangoFontDescription *title, *small, *mono, *badge;
  PangoFontDescription *fitted;   /* the title's, at a long type's size */
} Fonts;

static void
fonts_init (Fonts *fonts, cairo_t *cr)
{
  PangoContext *context;
  cairo_font_options_t *options = cairo_font_options_create ();

  fonts->text = pango_cairo_create_layout (cr);
  context = pango_layout_get_context (fonts->text);
  /* Hinting makes text jitter while zooming; metrics must scale linearly. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_layout_context_changed (fonts->text);
  fonts->title = pango_font_description_from_string ("Sans Bold");
  pango_font_description_set_size (fonts->title, (int) (TSU_PAINT_TITLE_POINTS * PANGO_SCALE));
  fonts->small = pango_font_description_from_string ("Sans");
  pango_font_description_set_size (fonts->small, (int) (TSU_PAINT_SMALL_POINTS * PANGO_SCALE));
  fonts->fitted = pango_font_description_copy (fonts->title);
  fonts->mono = pango_font_description_from_string ("Sans Bold 9");
  fonts->badge = pango_font_description_from_string ("Sans Bold 8");
  pango_layout_set_ellipsize (fonts->text, PANGO_ELLIPSIZE_END);
}

static void
fonts_clear (Fonts *fonts)
{
  g_object_unref (fonts->text);
  pango_font_description_free (fonts->title);
  pango_font_description_free (fonts->small);
  pango_font_description_free (fonts->mono);
  pango_font_description_free (fonts->badge);
  pango_font_description_free (fonts->fitted);
}

static double
natural_width (Fonts *fonts, const PangoFontDescription *font, const char *text)
{
  PangoRectangle logical;

  pango_layout_set_font_description (fonts->text, font);
  pango_layout_set_width (fonts->text, -1);
  pango_layout_set_text (fonts->text, text, -1);
  pango_layout_get_pixel_extents (fonts->text, NULL, &logical);
  return logical.width;
}

#define TEXT_INSET_LEFT (STRIPE + 9)
#define TEXT_WIDTH TSU_PAINT_TEXT_WIDTH
G_STATIC_ASSERT (TSU_PAINT_TEXT_WIDTH == TSU_BOX_WIDTH - STRIPE - 18);
#define TITLE_GAP 8.0
#define SQUEEZED_GAP 5.0          /* between a shrunk type and the id */
#define ID_MIN_WIDTH 64.0         /* "augment12": a new box's id stays whole */

/* A long type ("CategoricalCrossEntropy") shrinks until it shares the row
 * with the id, down to the small text's size; past that the id gives way.
 * The type itself is never cut: it is what the box is. Leaves
 * fonts->fitted at the type's size. */
static TsuTitleFit
fit_title (Fonts *fonts, const char *type, const char *id)
{
  double type_w = natural_width (fonts, fonts->title, type);
  double id_w = natural_width (fonts, fonts->small, id);
  TsuTitleFit fit = { TSU_PAINT_TITLE_POINTS, type_w, id_w };
  double room;

  pango_font_description_set_size (fonts->fitted, (int) (TSU_PAINT_TITLE_POINTS * PANGO_SCALE));
  if (type_w + TITLE_GAP + id_w <= TEXT_WIDTH)
    return fit;
  room = TEXT_WIDTH - SQUEEZED_GAP - MIN (id_w, ID_MIN_WIDTH);
  fit.type_points = CLAMP (floor (TSU_PAINT_TITLE_POINTS * room / type_w * 4) / 4, TSU_PAINT_SMALL_POINTS,
                           TSU_PAINT_TITLE_POINTS);
  /* Text does not scale exactly with its size: step down a quarter point
   * at a time until the id's reserved room is really free. */
  for (;; fit.type_points -= 0.25)
    {
      pango_font_description_set_size (fonts->fitted, (int) (fit.type_points * PANGO_SCALE));
      fit.type_width = natural_width (fonts, fonts->fitted, type);
      if (fit.type_width <= room || fit.type_points - 0.25 < TSU_PAINT_SMALL_POINTS)
        break;
    }
  fit.id_width = MIN (id_w, MAX (0, TEXT_WIDTH - SQUEEZED_GAP - fit.type_width));
  /* An id squeezed to a letter and an ellipsis says nothing. */
  if (fit.id_width < MIN (id_w, 16))
    fit.id_width = 0;
  return fit;
}

TsuTitleFit
tsu_paint_fit_title (cairo_t *cr, const char *type, const char *id)
{
  Fonts fonts;
  TsuTitleFit fit;

  fonts_init (&fonts, cr);
  fit = fit_title (&fonts, type, id);
  fonts_clear (&fonts);
  return fit;
}

/* Draws text with its top-left (or top-right when right_align) at (x, y),
 * ellipsized to width. Returns the width used. */
static double
draw_text (cairo_t *cr, Fonts *fonts, const PangoFontDescription *font, const char *text,
           double x, double y, double width, gboolean right_align)
{
  PangoRectangle logical;

  pango_layout_set_font_description (fonts->text, font);
  pango_layout_set_width (fonts->text, -1);
  pango_layout_set_text (fonts->text, text, -1);
  pango_layout_get_pixel_extents (fonts->text, NULL, &logical);
  /* Only too-long text gets a width (and an ellipsis): with a width set,
   * Pango reports the whole width as used, which breaks right alignment. */
  if (logical.width > width)
    {
      pango_layout_set_width (fonts->text, (int) (width * PANGO_SCALE));
      pango_layout_get_pixel_extents (fonts->text, NULL, &logical);
      logical.width = MIN (logical.width, (int) width);
    }
  cairo_move_to (cr, right_align ? x - logical.width : x, y);
  pango_cairo_show_layout (cr, fonts->text);
  return logical.width;
}

static void
stroke_curve (cairo_t *cr, const double p[8])
{
  cairo_move_to (cr, p[0], p[1]);
  cairo_curve_to (cr, p[2], p[3], p[4], p[5], p[6], p[7]);
  cairo_stroke (cr);
}

static void
paint_links (cairo_t *cr, const TsuLayout *layout, const TsuPaintOptions *options)
{
  const TsuPaintPalette *palette = options->palette;

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int i = 0; i < layout->n_nodes; i++)
    for (int slot = 0; slot < layout->nodes[i].n_inputs; slot++)
      {
        double p[8];
        gboolean selected = options->link_node == i && options->link_slot == slot;
        gboolean hovered = options->hover_link_node == i && options->hover_link_slot == slot;

        if (!tsu_layout_link_curve (layout, i, slot, p))
          continue;
        if (selected || hovered)
          {
            set_rgb (cr, palette->accent, selected ? 0.25 : 0.15);
            cairo_set_line_width (cr, 8);
            stroke_curve (cr, p);
          }
        set_rgb (cr, selected ? palette->accent : palette->link, 1);
        cairo_set_line_width (cr, selected ? 2.5 : 1.8);
        stroke_curve (cr, p);
        /* A small arrowhead into the input port shows the direction. */
        cairo_move_to (cr, p[6] - 4, p[7] - 7);
        cairo_line_to (cr, p[6] + 4, p[7] - 7);
        cairo_line_to (cr, p[6], p[7] - 1);
        cairo_close_path (cr);
        cairo_fill (cr);
      }
}

static void
paint_port (cairo_t *cr, const TsuPaintPalette *palette, double x, double y, Rgb color, gboolean highlighted)
{
  /* Text leaves a current point behind; an arc would draw a line from it. */
  cairo_new_path (cr);
  cairo_arc (cr, x, y, highlighted ? TSU_PORT_RADIUS + 2 : TSU_PORT_RADIUS, 0, 2 * G_PI);
  set_rgb (cr, highlighted ? palette->accent : palette->box, 1);
  cairo_fill_preserve (cr);
  set_rgb (cr, highlighted ? palette->accent : color, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

static void
paint_stat_bar (cairo_t *cr, Fonts *fonts, const TsuPaintPalette *palette, const TsuLayoutNode *box,
                const TsuLayout *layout, TsuStatMode mode, Rgb color)
{
  uint64_t value = mode == TSU_STAT_PARAMS ? box->params : box->macs;
  uint64_t largest = mode == TSU_STAT_PARAMS ? layout->max_params : layout->max_macs;
  double track_x = box->x + TSU_BOX_WIDTH - 78, track_w = 66, track_y = box->y + TSU_BOX_HEIGHT - 13;
  g_autofree char *count = NULL;

  if (value == 0)
    return;
  set_rgb (cr, palette->outline, palette->track_alpha);
  rounded_rect (cr, track_x, track_y, track_w, 5, 2.5);
  cairo_fill (cr);
  set_rgb (cr, color, 0.9);
  rounded_rect (cr, track_x, track_y, MAX (5, track_w * (double) value / (double) MAX (largest, 1)), 5, 2.5);
  cairo_fill (cr);

  count = tsu_format_count (value);
  set_rgb (cr, palette->ink_dim, 1);
  draw_text (cr, fonts, fonts->small, count, track_x - 6, box->y + TSU_BOX_HEIGHT - 19, 60, TRUE);
}

static void
paint_sparkline (cairo_t *cr, const TsuLiveIndicator *live, double x, double y, double w, double h)
{
  float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;

  for (int i = 0; i < live->n; i++)
    if (isfinite (live->values[i]))
      {
        lo = MIN (lo, live->values[i]);
        hi = MAX (hi, live->values[i]);
      }
  if (lo > hi)
    return;
  if (hi - lo < 1e-6f)
    {
      lo -= 0.5f;
      hi += 0.5f;
    }
  cairo_new_path (cr);
  for (int i = 0; i < live->n; i++)
    {
      double px = x + (live->n > 1 ? w * i / (live->n - 1) : w);
      double v = isfinite (live->values[i]) ? live->values[i] : hi;
      double py = y + h - h * (v - lo) / (hi - lo);
      if (i == 0)
        cairo_move_to (cr, px, py);
      else
        cairo_line_to (cr, px, py);
    }
  cairo_set_line_width (cr, 1.4);
  cairo_stroke (cr);
}

/* The live indicator replaces the statistic bar while a run has data. */
static void
paint_live (cairo_t *cr, Fonts *fonts, const TsuPaintPalette *palette, const TsuLayoutNode *box,
            const TsuLiveIndicator *live, Rgb color)
{
  static const Rgb warning = { 0.90, 0.45, 0.05 };
  Rgb line = live->level == TSU_LIVE_WARNING ? warning : color;
  double track_x = box->x + TSU_BOX_WIDTH - 78, track_w = 66;
  double track_y = box->y + TSU_BOX_HEIGHT - 22, track_h = 14;

  set_rgb (cr, palette->outline, palette->track_alpha * 0.7);
  rounded_rect (cr, track_x - 2, track_y - 2, track_w + 4, track_h + 4, 3);
  cairo_fill (cr);
  set_rgb (cr, line, 1);
  paint_sparkline (cr, live, track_x, track_y, track_w, track_h);
  if (live->note != NULL)
    {
      set_rgb (cr, live->level == TSU_LIVE_WARNING ? warning : palette->ink_dim, 1);
      draw_text (cr, fonts, fonts->small, live->note, track_x - 6, box->y + TSU_BOX_HEIGHT - 19, 70, TRUE);
    }
}

/* Soft shadow, body, the category stripe and a faint wash of the category
 * colour under the title row, then the outline (selected, broken, hover). */
static void
paint_box_body (cairo_t *cr, const TsuPaintPalette *palette, const TsuLayoutNode *box, Rgb color,
                gboolean selected, gboolean broken, gboolean hovered)
{
  double x = box->x, y = box->y, w = TSU_BOX_WIDTH, h = TSU_BOX_HEIGHT;

  cairo_new_path (cr);
  set_rgb (cr, palette->shade, palette->shadow_alpha * (selected ? 2 : 1));
  rounded_rect (cr, x + 0.5, y + 2, w, h, CORNER);
  cairo_fill (cr);
  rounded_rect (cr, x, y, w, h, CORNER);
  set_rgb (cr, broken ? palette->box_broken : palette->box, 1);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_clip (cr);
  set_rgb (cr, broken ? palette->error : color, 1);
  cairo_rectangle (cr, x, y, STRIPE, h);
  cairo_fill (cr);
  if (!broken && palette->wash_alpha > 0)
    {
      set_rgb (cr, color, palette->wash_alpha);
      cairo_rectangle (cr, x + STRIPE, y, w - STRIPE, 22);
      cairo_fill (cr);
    }
  cairo_restore (cr);

  rounded_rect (cr, x, y, w, h, CORNER);
  if (selected)
    {
      set_rgb (cr, palette->accent, 1);
      cairo_set_line_width (cr, 2.5);
    }
  else if (broken)
    {
      set_rgb (cr, palette->error, 1);
      cairo_set_line_width (cr, 1.8);
    }
  else
    {
      set_rgb (cr, palette->outline, hovered ? palette->outline_hover_alpha : palette->outline_alpha);
      cairo_set_line_width (cr, palette->outline_width);
    }
  cairo_stroke (cr);
}

/* Type (bold) with the id at the right, params, then the shape. */
static void
paint_box_text (cairo_t *cr, Fonts *fonts, const TsuPaintPalette *palette, const TsuLayoutNode *box,
                gboolean broken)
{
  double x = box->x, y = box->y, w = TSU_BOX_WIDTH, h = TSU_BOX_HEIGHT;
  double text_x = x + TEXT_INSET_LEFT, text_w = TEXT_WIDTH;
  TsuTitleFit fit = fit_title (fonts, box->type, box->id);
  /* A shrunk type keeps roughly the same baseline. */
  double drop = (TSU_PAINT_TITLE_POINTS - fit.type_points) * 96.0 / 72.0 * 0.8;

  set_rgb (cr, palette->ink_dim, 1);
  if (fit.id_width > 0)
    draw_text (cr, fonts, fonts->small, box->id, x + w - 10, y + 5, fit.id_width, TRUE);
  set_rgb (cr, palette->ink, 1);
  draw_text (cr, fonts, fonts->fitted, box->type, text_x, y + 4 + drop, text_w, FALSE);
  set_rgb (cr, palette->ink_dim, 1);
  if (box->summary && box->summary[0])
    draw_text (cr, fonts, fonts->small, box->summary, text_x, y + 23, text_w, FALSE);
  set_rgb (cr, broken ? palette->error : palette->ink, 1);
  draw_text (cr, fonts, fonts->mono, box->shape[0] ? box->shape : (broken ? _("error") : "?"),
             text_x, y + h - 20, 100, FALSE);
}

/* The red error badge on the top-right corner; with_mark adds its white
 * ring and "!" (left out when zoomed too far out for text). */
static void
paint_error_badge (cairo_t *cr, Fonts *fonts, const TsuPaintPalette *palette, const TsuLayoutNode *box,
                   gboolean with_mark)
{
  double bx = box->x + TSU_BOX_WIDTH - 2, by = box->y + 2;

  cairo_new_path (cr);
  cairo_arc (cr, bx, by, 9, 0, 2 * G_PI);
  set_rgb (cr, palette->error, 1);
  if (!with_mark)
    {
      cairo_fill (cr);
      return;
    }
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_layout_set_width (fonts->text, -1);
  pango_layout_set_font_description (fonts->text, fonts->badge);
  pango_layout_set_text (fonts->text, "!", -1);
  PangoRectangle logical;
  pango_layout_get_pixel_extents (fonts->text, NULL, &logical);
  cairo_move_to (cr, bx - logical.width / 2.0, by - logical.height / 2.0);
  pango_cairo_show_layout (cr, fonts->text);
}

/* The amber mark of a box a design warning names, where an error's badge
 * would be: a triangle with a dark "!" (only the triangle zoomed far out). */
static void
paint_warning_badge (cairo_t *cr, Fonts *fonts, const TsuLayoutNode *box, gboolean with_mark)
{
  double bx = box->x + TSU_BOX_WIDTH - 2, by = box->y + 2;
  PangoRectangle logical;

  cairo_new_path (cr);
  cairo_move_to (cr, bx, by - 10);
  cairo_line_to (cr, bx + 10, by + 8);
  cairo_line_to (cr, bx - 10, by + 8);
  cairo_close_path (cr);
  set_rgb (cr, warning_amber, 1);
  cairo_fill (cr);
  if (!with_mark)
    return;
  cairo_set_source_rgb (cr, 0.2, 0.14, 0);
  pango_layout_set_width (fonts->text, -1);
  pango_layout_set_font_description (fonts->text, fonts->badge);
  pango_layout_set_text (fonts->text, "!", -1);
  pango_layout_get_pixel_extents (fonts->text, NULL, &logical);
  cairo_move_to (cr, bx - logical.width / 2.0, by + 2 - logical.height / 2.0);
  pango_cairo_show_layout (cr, fonts->text);
}

static gboolean
box_warned (const TsuLayoutNode *box, const TsuPaintOptions *options)
{
  return options->warnings != NULL && tsu_warnings_find (options->warnings, box->id) != NULL;
}

/* Ports: inputs on top, the output at the bottom (losses have none). */
static void
paint_box_ports (cairo_t *cr, const TsuLayout *layout, int index, Rgb color,
                 const TsuPaintOptions *options)
{
  const TsuLayoutNode *box = &layout->nodes[index];
  double px, py;

  for (int slot = 0; slot < box->n_input_ports; slot++)
    {
      gboolean lit = options->hover_port.kind == TSU_HIT_INPUT_PORT && options->hover_port.node == index
                     && options->hover_port.slot == slot;
      tsu_layout_input_port (layout, index, slot, &px, &py);
      paint_port (cr, options->palette, px, py, color, lit);
    }
  if (box->kind == NULL || !tsu_layer_kind_is_loss (box->kind))
    {
      gboolean lit = options->hover_port.kind == TSU_HIT_OUTPUT_PORT && options->hover_port.node == index;
      tsu_layout_output_port (layout, index, &px, &py);
      paint_port (cr, options->palette, px, py, color, lit);
    }
}

static void
paint_box (cairo_t *cr, Fonts *fonts, const TsuLayout *layout, int index, const TsuPaintOptions *options)
{
  const TsuLayoutNode *box = &layout->nodes[index];
  const char *category = box->kind ? tsu_layer_kind_category (box->kind) : NULL;
  gboolean selected = options->selection && g_hash_table_contains (options->selection, box->id);
  gboolean broken = box->error != NULL;
  const TsuPaintPalette *palette = options->palette;
  Rgb color = tsu_paint_category_color (palette, category);

  paint_box_body (cr, palette, box, color, selected, broken, options->hover_node == index);

  /* Zoomed far out, text would be a few pixels high: boxes, links and
   * colours tell the structure, and a frame of 500 boxes stays cheap. */
  if (options->zoom < TSU_PAINT_TEXT_MIN_ZOOM)
    {
      if (broken)
        paint_error_badge (cr, fonts, palette, box, FALSE);
      else if (box_warned (box, options))
        paint_warning_badge (cr, fonts, box, FALSE);
      return;
    }

  paint_box_text (cr, fonts, palette, box, broken);
  if (broken)
    paint_error_badge (cr, fonts, palette, box, TRUE);
  else
    {
      TsuLiveIndicator live = { 0 };

      if (options->live_func != NULL && options->live_func (box->id, &live, options->live_data))
        paint_live (cr, fonts, palette, box, &live, color);
      else
        paint_stat_bar (cr, fonts, palette, box, layout, options->stat_mode, color);
      if (box_warned (box, options))
        paint_warning_badge (cr, fonts, box, TRUE);
    }
  paint_box_ports (cr, layout, index, color, options);
}

/* A repeat block: a tinted frame behind its boxes (the RepeatStart's,
 * those inside and the RepeatEnd's) labelled with how many times it runs. */
static void
paint_block_frame (cairo_t *cr, Fonts *fonts, Rgb accent, const TsuLayout *layout, int start)
{
  const double margin = 14, label_height = 18;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  char label[32];

  for (int i = 0; i < layout->n_nodes; i++)
    {
      const TsuLayoutNode *box = &layout->nodes[i];
      if (box->block != start)
        continue;
      x0 = MIN (x0, box->x);
      y0 = MIN (y0, box->y);
      x1 = MAX (x1, box->x + TSU_BOX_WIDTH);
      y1 = MAX (y1, box->y + TSU_BOX_HEIGHT);
    }
  x0 -= margin;
  y0 -= margin + label_height;
  x1 += margin;
  y1 += margin;
  rounded_rect (cr, x0, y0, x1 - x0, y1 - y0, 14);
  set_rgb (cr, accent, 0.06);
  cairo_fill_preserve (cr);
  set_rgb (cr, accent, 0.55);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, (double[]) { 7, 4 }, 2, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  g_snprintf (label, sizeof label, "\u00d7%d", layout->nodes[start].block_times);
  set_rgb (cr, accent, 1);
  draw_text (cr, fonts, fonts->title, label, x1 - 10, y0 + 3, x1 - x0, TRUE);
}

void
tsu_paint_diagram (cairo_t *cr, const TsuLayout *layout, const TsuPaintOptions *options)
{
  Fonts fonts;

  fonts_init (&fonts, cr);
  for (int i = 0; i < layout->n_nodes; i++)
    if (layout->nodes[i].block == i)
      paint_block_frame (cr, &fonts, options->palette->accent, layout, i);
  paint_links (cr, layout, options);
  for (int i = 0; i < layout->n_nodes; i++)
    {
      const TsuLayoutNode *box = &layout->nodes[i];
      double margin = 12;

      if (box->x + TSU_BOX_WIDTH + margin < options->clip_x0 || box->x - margin > options->clip_x1
          || box->y + TSU_BOX_HEIGHT + margin < options->clip_y0 || box->y - margin > options->clip_y1)
        continue;
      paint_box (cr, &fonts, layout, i, options);
    }

  if (options->pending_link)
    {
      double p[8] = { options->pending_x0, options->pending_y0, 0, 0, 0, 0,
                      options->pending_x1, options->pending_y1 };
      double bend = MAX (fabs (p[7] - p[1]) * 0.5, 30.0) * (options->pending_downwards ? 1 : -1);

      p[2] = p[0]; p[3] = p[1] + bend;
      p[4] = p[6]; p[5] = p[7] - bend;
      set_rgb (cr, options->palette->accent, 1);
      cairo_set_line_width (cr, 2);
      cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      stroke_curve (cr, p);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (options->drop_preview)
    {
      const TsuDropPlan *plan = &options->drop_plan;
      double x = plan->x, y = plan->y;

      cairo_set_dash (cr, (double[]) { 5, 4 }, 2, 0);
      set_rgb (cr, options->palette->accent, 0.9);
      cairo_set_line_width (cr, 2);
      if (plan->above >= 0)
        {
          double p[8];
          tsu_layout_output_port (layout, plan->above, &p[0], &p[1]);
          p[6] = x + TSU_BOX_WIDTH / 2; p[7] = y;
          p[2] = p[0]; p[3] = p[1] + 20; p[4] = p[6]; p[5] = p[7] - 20;
          stroke_curve (cr, p);
        }
      if (plan->below >= 0)
        {
          double p[8];
          p[0] = x + TSU_BOX_WIDTH / 2; p[1] = y + TSU_BOX_HEIGHT;
          tsu_layout_input_port (layout, plan->below, MAX (plan->below_slot, 0), &p[6], &p[7]);
          p[2] = p[0]; p[3] = p[1] + 20; p[4] = p[6]; p[5] = p[7] - 20;
          stroke_curve (cr, p);
        }
      rounded_rect (cr, x, y, TSU_BOX_WIDTH, TSU_BOX_HEIGHT, CORNER);
      set_rgb (cr, options->palette->accent, 0.10);
      cairo_fill_preserve (cr);
      set_rgb (cr, options->palette->accent, 0.9);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (options->rubber)
    {
      cairo_rectangle (cr, MIN (options->rubber_x0, options->rubber_x1), MIN (options->rubber_y0, options->rubber_y1),
                       fabs (options->rubber_x1 - options->rubber_x0), fabs (options->rubber_y1 - options->rubber_y0));
      set_rgb (cr, options->palette->accent, 0.12);
      cairo_fill_preserve (cr);
      set_rgb (cr, options->palette->accent, 0.8);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
  fonts_clear (&fonts);
}

gboolean
tsu_paint_export (const TsuLayout *layout, TsuStatMode stat_mode, const char *path, GError **error)
{
  double x0 = 0, y0 = 0, x1 = 100, y1 = 100, margin = 24, scale = 1;
  double width, height;
  cairo_surface_t *surface;
  cairo_t *cr;
  TsuPaintOptions options;
  cairo_status_t status;
  gboolean png = g_str_has_suffix (path, ".png") || g_str_has_suffix (path, ".PNG");
  /* Made in memory, written whole by tsu_save_bytes. */
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  tsu_layout_bounds (layout, &x0, &y0, &x1, &y1);
  width = x1 - x0 + 2 * margin;
  height = y1 - y0 + 2 * margin;

  if (png)
    {
      scale = 2;  /* sharp on slides and high-density screens */
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width * scale), (int) ceil (height * scale));
    }
  else if (g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG"))
    surface = cairo_svg_surface_create_for_stream (tsu_cairo_append_bytes, bytes, width, height);
  else if (g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF"))
    surface = cairo_pdf_surface_create_for_stream (tsu_cairo_append_bytes, bytes, width, height);
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Choose a file name ending in .png, .svg or .pdf"));
      return FALSE;
    }

  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, margin - x0, margin - y0);
  tsu_paint_options_init (&options);
  options.stat_mode = stat_mode;
  tsu_paint_diagram (cr, layout, &options);
  cairo_destroy (cr);

  if (png)
    status = cairo_surface_write_to_png_stream (surface, tsu_cairo_append_bytes, bytes);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return tsu_save_bytes (path, bytes, error);
}
