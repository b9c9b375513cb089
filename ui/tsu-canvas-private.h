/* tsu-canvas-private.h — shared by tsu-canvas.c (state, drawing, commands)
 * and tsu-canvas-input.c (pointer, keyboard, drag and drop). */
#pragma once

#include "tsu-canvas.h"

typedef enum {
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_RUBBER,
  DRAG_LINK_FROM_OUTPUT,
  DRAG_LINK_FROM_INPUT,
  DRAG_PAN,
} DragMode;

struct _TsuCanvas
{
  GtkWidget parent_instance;

  TsuGraphModel *model;
  gulong changed_handler, reset_handler, renamed_handler;

  /* widget = canvas * zoom + offset */
  double zoom, offset_x, offset_y;
  double fit_min_zoom;             /* Zoom to fit stops here */
  gboolean fit_on_next_size;
  guint view_changed_idle;
  gboolean reset_pending;           /* the "changed" that follows a reset */
  gboolean auto_fit;                /* the view follows size changes until touched */

  GHashTable *selection;           /* owned id strings */
  GStrv known_ids;                 /* ids at the last change, document order */
  char *link_to;                   /* selected link: consumer id and slot */
  int link_slot;
  TsuStatMode stat_mode;
  TsuLiveIndicatorFunc live_func;
  gpointer live_data;
  GDestroyNotify live_destroy;

  DragMode drag;
  double drag_x, drag_y;           /* where the drag started, canvas units */
  double drag_dx, drag_dy;         /* snapped move offset */
  double pointer_x, pointer_y;     /* last pointer position, canvas units */
  double drag_widget_x, drag_widget_y; /* pointer during a drag, widget pixels */
  guint autoscroll_tick;
  gboolean pointer_inside;
  double pan_start_x, pan_start_y;
  int link_source, link_source_slot;
  gboolean rubber_extends;
  int hover_node;
  gboolean drop_preview;            /* a palette entry hovers over the canvas */
  TsuDropPlan drop_plan;
  int hover_link_node, hover_link_slot;
  gint64 last_paint_us;             /* cost of the last diagram paint */
  TsuHit hover_port;
};

void     tsu_canvas_class_setup_bindings (GtkWidgetClass *widget_class);
void     tsu_canvas_setup_input        (TsuCanvas *self);
void     tsu_canvas_widget_to_canvas   (TsuCanvas *self,
                                        double     wx,
                                        double     wy,
                                        double    *cx,
                                        double    *cy);
void     tsu_canvas_zoom_at            (TsuCanvas *self,
                                        double     factor,
                                        double     wx,
                                        double     wy);
void     tsu_canvas_selection_changed  (TsuCanvas *self);
void     tsu_canvas_clear_selection    (TsuCanvas *self);
void     tsu_canvas_toggle_selected    (TsuCanvas *self,
                                        const char *id);
void     tsu_canvas_select_only        (TsuCanvas *self,
                                        const char *id);
void     tsu_canvas_ensure_visible     (TsuCanvas  *self,
                                        const char *id);
void     tsu_canvas_drop_layer         (TsuCanvas  *self,
                                        const char *type,
                                        double      wx,
                                        double      wy);
