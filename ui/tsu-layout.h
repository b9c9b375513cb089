/* tsu-layout.h — the geometry of the diagram, in plain C.
 *
 * A TsuLayout is a read-only picture of the document built after every edit:
 * where each box is, which boxes feed it, and the strings a box shows.
 * Hit-testing, "Arrange" and the NNC auto-link rules work on it, so they can
 * be tested without a display. Coordinates are canvas units (zoom 1 = 1 px);
 * a box's (x, y) is its top-left corner, as stored in the node's "position".
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "tsumiki.h"

G_BEGIN_DECLS

#define TSU_BOX_WIDTH    220.0
#define TSU_BOX_HEIGHT    60.0
#define TSU_GRID          10.0
/* Vertical distance between the tops of two stacked boxes. */
#define TSU_ROW_PITCH     90.0
#define TSU_COLUMN_PITCH 260.0
#define TSU_PORT_RADIUS    5.0
/* A box dropped with at most this gap under (or over) another one links to it. */
#define TSU_AUTO_LINK_GAP 56.0

typedef struct {
  char *id;
  char *type;
  const tsu_layer_kind *kind;     /* NULL for an unknown type */
  double x, y;
  gboolean has_position;          /* FALSE: the file gave none */
  int n_inputs;
  int *inputs;                    /* node indices, -1 where the id names no node */
  int n_input_ports;              /* ports drawn on top: max(n_inputs, min_inputs) */
  int n_consumers;
  /* What the box shows (empty when no graph was given). */
  char *summary;                  /* "16 · 5×5 · pad 2" */
  char shape[64];                 /* "16×28×28", "" when unknown */
  uint64_t params, macs;
  char *error;                    /* first validation message, or NULL */
  /* The repeat block the box is inside, opens or closes: the index of its
   * RepeatStart and how many times it runs; -1 and 0 outside blocks. */
  int block;
  int block_times;
} TsuLayoutNode;

typedef struct {
  TsuLayoutNode *nodes;           /* document order */
  int n_nodes;
  uint64_t max_params, max_macs;
} TsuLayout;

/* graph and diag may be NULL (geometry only). */
TsuLayout *tsu_layout_new          (const tsu_project *project,
                                    const tsu_graph   *graph,
                                    const tsu_diag    *diag);
void       tsu_layout_free         (TsuLayout *layout);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuLayout, tsu_layout_free)

int        tsu_layout_find         (const TsuLayout *layout,
                                    const char      *id);
gboolean   tsu_layout_accepts_input (const TsuLayoutNode *node);

void       tsu_layout_output_port  (const TsuLayout *layout,
                                    int              node,
                                    double          *x,
                                    double          *y);
void       tsu_layout_input_port   (const TsuLayout *layout,
                                    int              node,
                                    int              slot,
                                    double          *x,
                                    double          *y);
/* The cubic Bézier of the link into node's input `slot`:
 * points[0..7] = x0 y0 x1 y1 x2 y2 x3 y3. FALSE if that input is dangling. */
gboolean   tsu_layout_link_curve   (const TsuLayout *layout,
                                    int              node,
                                    int              slot,
                                    double           points[8]);

typedef enum {
  TSU_HIT_NONE,
  TSU_HIT_NODE,
  TSU_HIT_OUTPUT_PORT,
  TSU_HIT_INPUT_PORT,
  TSU_HIT_LINK,
} TsuHitKind;

typedef struct {
  TsuHitKind kind;
  int node;   /* the box; for a link, the consumer */
  int slot;   /* input port or link: the consumer's input index */
} TsuHit;

/* tolerance: how far (canvas units) a click may miss a port or a link. Ports
 * win over boxes, boxes over links; later boxes (drawn on top) win. */
TsuHit     tsu_layout_hit_test     (const TsuLayout *layout,
                                    double           x,
                                    double           y,
                                    double           tolerance);
/* Indices of boxes intersecting the rectangle, ascending. */
GArray    *tsu_layout_nodes_in_rect (const TsuLayout *layout,
                                     double x0, double y0, double x1, double y1);
/* Bounding box of all boxes; FALSE when there are none. */
gboolean   tsu_layout_bounds       (const TsuLayout *layout,
                                    double          *x0,
                                    double          *y0,
                                    double          *x1,
                                    double          *y1);

/* Top-to-bottom layout by topological depth (longest path from a source);
 * within a row, boxes follow their parents' average x. Fills xs/ys
 * (n_nodes each) with grid-aligned positions, the top-left box at (40, 40). */
void       tsu_layout_arrange      (const TsuLayout *layout,
                                    double          *xs,
                                    double          *ys);

/* What dropping a new box of `kind` with its top-left at (x, y) does, NNC
 * style: a box just above feeds it, a box just below is fed by it (in place
 * of the box above when it can take no more inputs: a splice). */
typedef struct {
  double x, y;        /* snapped position for the new box */
  int above;          /* feeds the new box, or -1 */
  int below;          /* the new box feeds it, or -1 */
  int below_slot;     /* input of `below` to replace, or -1 to append */
} TsuDropPlan;

TsuDropPlan tsu_layout_plan_drop   (const TsuLayout      *layout,
                                    const tsu_layer_kind *kind,
                                    double                x,
                                    double                y);

double     tsu_layout_snap         (double value);

G_END_DECLS
