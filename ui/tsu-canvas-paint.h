/* tsu-canvas-paint.h — drawing the diagram with cairo.
 *
 * One painter for the screen and for exports (PNG, SVG, PDF): the canvas
 * passes its selection and interaction state, exports pass none.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "tsu-layout.h"

G_BEGIN_DECLS

typedef enum {
  TSU_STAT_PARAMS,
  TSU_STAT_MACS,
} TsuStatMode;

/* Below this zoom boxes are drawn without text. */
#define TSU_PAINT_TEXT_MIN_ZOOM 0.42

/* Text sizes on a box, in points (pango-cairo's 96 dpi: 1 pt = 4/3 px at
 * 100 %). The type shrinks towards the small size rather than being cut. */
#define TSU_PAINT_TITLE_POINTS 10.0
#define TSU_PAINT_SMALL_POINTS 8.5
/* The smallest text on a box (id, params, counts) in pixels at 100 %. */
#define TSU_PAINT_SMALLEST_TEXT_PX (TSU_PAINT_SMALL_POINTS * 96.0 / 72.0)
/* The width box text may use (right of the category stripe). */
#define TSU_PAINT_TEXT_WIDTH (TSU_BOX_WIDTH - 24.0)
/* A project opens at a zoom where that text is at least this high. */
#define TSU_PAINT_LEGIBLE_TEXT_PX 11.0

typedef struct {
  double r, g, b;
} TsuRgb;

/* The diagram's colours. The canvas picks one from its style
 * (tsu_canvas_style_palette); exports use the light one. Text colours keep
 * 4.5:1 against the box body in each (tests/ui/test-paint-theme.c). */
typedef struct {
  TsuRgb background;              /* the canvas behind the boxes */
  TsuRgb grid;                    /* dots, at grid_alpha */
  TsuRgb box;                     /* body of a box, and its ports' fill */
  TsuRgb box_broken;              /* body of a box the engine rejects */
  TsuRgb ink;                     /* type and shape */
  TsuRgb ink_dim;                 /* id, params, counts */
  TsuRgb link;
  TsuRgb accent;                  /* selection, drop preview, repeat frames */
  TsuRgb error;                   /* broken box outline, badge and shape */
  TsuRgb outline;                 /* box outline (hovered: more opaque), bar tracks */
  TsuRgb shade;                   /* shadows */
  double grid_alpha, outline_alpha, outline_hover_alpha, outline_width;
  double shadow_alpha, track_alpha;
  double wash_alpha;              /* category colour under the title row */
  double category_lift;           /* category colours mixed with white by this */
} TsuPaintPalette;

typedef enum {
  TSU_PALETTE_LIGHT,
  TSU_PALETTE_DARK,
  TSU_PALETTE_HIGH_CONTRAST,          /* black on white */
  TSU_PALETTE_HIGH_CONTRAST_INVERSE,  /* white on black */
} TsuPaletteKind;

const TsuPaintPalette *tsu_paint_palette (TsuPaletteKind kind);

/* A category's colour as drawn with `palette` (lifted on dark ones). */
TsuRgb tsu_paint_category_color (const TsuPaintPalette *palette,
                                 const char            *category);

/* How a box's title row is shared: the type in full at type_points (from
 * the title size down to the small size), the id in at most id_width
 * canvas units (ellipsized beyond). */
typedef struct {
  double type_points, type_width;
  double id_width;
} TsuTitleFit;

TsuTitleFit tsu_paint_fit_title (cairo_t    *cr,
                                 const char *type,
                                 const char *id);

/* What a layer is doing during a training run, drawn on its box in place of
 * the statistic bar: the spread of its activations over the last samples,
 * and a colour for its state. */
typedef enum {
  TSU_LIVE_OK,
  TSU_LIVE_WARNING,               /* dead, vanishing or exploding */
} TsuLiveLevel;

typedef struct {
  int n;                          /* sparkline values, oldest first */
  const float *values;
  TsuLiveLevel level;
  const char *note;               /* "σ 0.82", "dead", ...: a few characters */
} TsuLiveIndicator;

/* Fills `out` for node `id` and returns TRUE, or FALSE when there is nothing
 * to show for it. */
typedef gboolean (*TsuLiveIndicatorFunc) (const char *id, TsuLiveIndicator *out, gpointer data);

typedef struct {
  const TsuPaintPalette *palette; /* the light one by default */
  double zoom;                    /* for the level of detail; 1 by default */
  TsuLiveIndicatorFunc live_func; /* NULL: no run to show */
  gpointer live_data;
  GHashTable *selection;          /* ids, or NULL */
  int link_node, link_slot;       /* the selected link, or -1 */
  int hover_node;                 /* -1: none */
  int hover_link_node, hover_link_slot; /* the link under the pointer, or -1 */
  TsuHit hover_port;              /* highlighted while linking */
  TsuStatMode stat_mode;
  /* Design warnings (an amber mark on the boxes they name), or NULL. */
  const tsu_warnings *warnings;
  /* Visible canvas rectangle: boxes outside are skipped. */
  double clip_x0, clip_y0, clip_x1, clip_y1;
  /* A link being dragged out of a port. */
  gboolean pending_link;
  double pending_x0, pending_y0, pending_x1, pending_y1;
  gboolean pending_downwards;     /* started at an output port */
  /* Where a dragged palette entry would land, with its links. */
  gboolean drop_preview;
  TsuDropPlan drop_plan;
  /* Rubber band. */
  gboolean rubber;
  double rubber_x0, rubber_y0, rubber_x1, rubber_y1;
} TsuPaintOptions;

void tsu_paint_options_init   (TsuPaintOptions *options);

/* Paints links, boxes and overlays in canvas coordinates (the caller has set
 * up the transform). Nothing outside the boxes and links is painted. */
void tsu_paint_diagram        (cairo_t               *cr,
                               const TsuLayout       *layout,
                               const TsuPaintOptions *options);

/* The background and its dotted grid for the visible rectangle. */
void tsu_paint_grid           (cairo_t *cr,
                               const TsuPaintPalette *palette,
                               double   zoom,
                               double   x0,
                               double   y0,
                               double   x1,
                               double   y1);

/* Palette and box colour of a catalogue category ("Basic", "Loss", ...). */
void tsu_category_color       (const char *category,
                               double     *r,
                               double     *g,
                               double     *b);

/* Writes the whole diagram to a PNG, SVG or PDF file (by extension). */
gboolean tsu_paint_export     (const TsuLayout *layout,
                               TsuStatMode      stat_mode,
                               const char      *path,
                               GError         **error);

G_END_DECLS
