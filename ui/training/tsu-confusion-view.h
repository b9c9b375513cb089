/* tsu-confusion-view.h — a confusion-matrix heat map: rows are true labels,
 * columns predictions, each cell shaded by the fraction of its row and
 * labelled with its count; hovering a cell explains it, clicking selects
 * it (the Evaluation page then lists only its samples). */
#pragma once

#include <gtk/gtk.h>

#include "tsumiki.h"

G_BEGIN_DECLS

#define TSU_TYPE_CONFUSION_VIEW (tsu_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (TsuConfusionView, tsu_confusion_view, TSU, CONFUSION_VIEW, GtkWidget)

GtkWidget *tsu_confusion_view_new         (void);
/* Copies the matrix; NULL clears. class_names may be NULL (0, 1, 2, …). */
void       tsu_confusion_view_set_matrix  (TsuConfusionView    *self,
                                           const tsu_confusion *cm,
                                           const char * const  *class_names);
/* The cell under widget point (x, y). */
gboolean   tsu_confusion_view_cell_at     (TsuConfusionView *self,
                                           double            x,
                                           double            y,
                                           int              *label,
                                           int              *prediction);
void       tsu_confusion_view_set_hover   (TsuConfusionView *self,
                                           double            x,
                                           double            y);
/* A click: selects the cell under (x, y), or clears the selection when it
 * is the selected cell or outside the grid. Signal "cell-selected". */
void       tsu_confusion_view_click       (TsuConfusionView *self,
                                           double            x,
                                           double            y);
/* Selects a cell (-1, -1 clears); emits "cell-selected" when it changes.
 * A new matrix clears the selection. */
void       tsu_confusion_view_select      (TsuConfusionView *self,
                                           int               label,
                                           int               prediction);
gboolean   tsu_confusion_view_get_selected (TsuConfusionView *self,
                                            int              *label,
                                            int              *prediction);

G_END_DECLS
