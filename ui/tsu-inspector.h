/* tsu-inspector.h — the right-hand panel: the selected layer's id and
 * params (editors generated from the descriptor table), or the network's
 * statistics when nothing is selected. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-graph-model.h"

G_BEGIN_DECLS

#define TSU_TYPE_INSPECTOR (tsu_inspector_get_type ())
G_DECLARE_FINAL_TYPE (TsuInspector, tsu_inspector, TSU, INSPECTOR, GtkWidget)

GtkWidget  *tsu_inspector_new         (void);
void        tsu_inspector_set_model   (TsuInspector  *self,
                                       TsuGraphModel *model);
/* id: the one selected layer, or NULL; n_selected tells "3 layers
 * selected" from "nothing selected" (network statistics). */
void        tsu_inspector_show        (TsuInspector  *self,
                                       const char    *id,
                                       guint          n_selected);
const char *tsu_inspector_get_node_id (TsuInspector  *self);
/* The editor of a param (a GtkSpinButton, GtkSwitch, GtkEntry, or the box
 * holding a pair of spin buttons), for tests and keyboard focus. */
GtkWidget  *tsu_inspector_get_param_editor (TsuInspector *self,
                                            const char   *name);

/* Moves keyboard focus to the first param editor (or the id field). */
void        tsu_inspector_focus_editor (TsuInspector *self);
/* The fix button of the shown layer's warning number index, or NULL. */
GtkWidget  *tsu_inspector_get_fix_button (TsuInspector *self,
                                          int           index);

G_END_DECLS
