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
  double zoom;                    /* for the level of detail; 1 by default */
  TsuLiveIndicatorFunc live_func; /* NULL: no run to show */
  gpointer live_data;
  GHashTable *selection;          /* ids, or NULL */
  int link_node, link_slot;       /* the selected link, or -1 */
  int hover_node;                 /* -1: none */
  int hover_link_node, hover_link_slot; /* the link under the pointer, or -1 */
  TsuHit hover_port;              /* highlighted while linking */
  TsuStatMode stat_mode;
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

/* The dotted background grid for the visible rectangle. */
void tsu_paint_grid           (cairo_t *cr,
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
