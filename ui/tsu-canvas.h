/* tsu-canvas.h — the network diagram: a custom widget drawing the model's
 * boxes and links, with NNC-style editing by mouse and keyboard. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-canvas-paint.h"
#include "tsu-graph-model.h"

G_BEGIN_DECLS

#define TSU_TYPE_CANVAS (tsu_canvas_get_type ())
G_DECLARE_FINAL_TYPE (TsuCanvas, tsu_canvas, TSU, CANVAS, GtkWidget)

GtkWidget     *tsu_canvas_new               (void);
void           tsu_canvas_set_model         (TsuCanvas     *self,
                                             TsuGraphModel *model);
TsuGraphModel *tsu_canvas_get_model         (TsuCanvas     *self);

/* The diagram palette the widget's style calls for: high contrast by the
 * theme's name (GTK_THEME, or the gtk-theme-name setting), dark when the
 * style's text colour is light (a ":dark" theme, the prefer-dark setting,
 * HighContrastInverse). */
TsuPaletteKind tsu_canvas_style_palette     (GtkWidget     *widget);
/* The zoom a project opens at, at most: box text is legible from here. */
double         tsu_canvas_legible_zoom      (void);

/* Selected ids in document order (owned). */
GStrv          tsu_canvas_dup_selection     (TsuCanvas     *self);
/* The one selected box, or NULL when none or several are selected. */
const char    *tsu_canvas_get_single_selection (TsuCanvas  *self);
void           tsu_canvas_select            (TsuCanvas          *self,
                                             const char * const *ids);
void           tsu_canvas_select_all        (TsuCanvas     *self);
/* Selects the box and scrolls it into the middle of the view. */
void           tsu_canvas_reveal_node       (TsuCanvas     *self,
                                             const char    *id);

double         tsu_canvas_get_zoom          (TsuCanvas     *self);
void           tsu_canvas_pan_by            (TsuCanvas     *self,
                                             double         dx,
                                             double         dy);
/* Microseconds the last frame spent painting the diagram (benchmarks). */
gint64         tsu_canvas_get_last_paint_us (TsuCanvas     *self);
void           tsu_canvas_zoom_by           (TsuCanvas     *self,
                                             double         factor);
void           tsu_canvas_zoom_to_fit       (TsuCanvas     *self);
void           tsu_canvas_zoom_reset        (TsuCanvas     *self);
void           tsu_canvas_set_stat_mode     (TsuCanvas     *self,
                                             TsuStatMode    mode);
TsuStatMode    tsu_canvas_get_stat_mode     (TsuCanvas     *self);
/* While a run trains: boxes show what func says of their layer instead of
 * the statistic bar (NULL func: back to the bar). Redraw with
 * gtk_widget_queue_draw when the data changes. */
void           tsu_canvas_set_live_indicators (TsuCanvas           *self,
                                               TsuLiveIndicatorFunc func,
                                               gpointer             data,
                                               GDestroyNotify       destroy);

/* Editing the selection. */
void           tsu_canvas_delete_selection  (TsuCanvas     *self,
                                             gboolean       relink);
void           tsu_canvas_nudge             (TsuCanvas     *self,
                                             double         dx,
                                             double         dy);
void           tsu_canvas_copy              (TsuCanvas     *self);
void           tsu_canvas_cut               (TsuCanvas     *self);
void           tsu_canvas_paste             (TsuCanvas     *self);
void           tsu_canvas_duplicate         (TsuCanvas     *self);
/* Palette commands: under the selected box (double-click / Enter) or
 * spliced above it (Insert). The new box becomes the selection. */
void           tsu_canvas_add_below_selection (TsuCanvas   *self,
                                               const char  *type);
void           tsu_canvas_insert_above_selection (TsuCanvas *self,
                                                  const char *type);

G_END_DECLS
