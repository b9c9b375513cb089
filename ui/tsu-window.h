/* tsu-window.h — the main window: header bar, palette, canvas, inspector,
 * problem list, and the Training / Evaluation views. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-canvas.h"
#include "tsu-graph-model.h"
#include "tsu-inspector.h"
#include "tsu-palette.h"

G_BEGIN_DECLS

#define TSU_TYPE_WINDOW (tsu_window_get_type ())
G_DECLARE_FINAL_TYPE (TsuWindow, tsu_window, TSU, WINDOW, GtkApplicationWindow)

TsuWindow     *tsu_window_new               (GtkApplication *application);
TsuGraphModel *tsu_window_get_model         (TsuWindow      *self);
TsuCanvas     *tsu_window_get_canvas        (TsuWindow      *self);
TsuInspector  *tsu_window_get_inspector     (TsuWindow      *self);
TsuPalette    *tsu_window_get_palette       (TsuWindow      *self);

gboolean       tsu_window_open_path         (TsuWindow      *self,
                                             const char     *path,
                                             GError        **error);
/* What a plain start opens: the last project, or the seed example the
 * first time; and an offer to recover unsaved work after a crash. */
void           tsu_window_open_startup      (TsuWindow      *self);
/* Loads an embedded template ("fashion-mnist-cnn", "empty", ...) as a new,
 * unsaved project. */
gboolean       tsu_window_new_from_template (TsuWindow      *self,
                                             const char     *name,
                                             GError        **error);
gboolean       tsu_window_save_to_path      (TsuWindow      *self,
                                             const char     *path,
                                             GError        **error);
/* Puts `page` in place of the placeholder of a view ("training",
 * "evaluation"), keeping its title in the view switcher. For the pages of
 * the next issue; the window does not otherwise know them. */
void           tsu_window_set_view_page     (TsuWindow      *self,
                                             const char     *name,
                                             GtkWidget      *page);
/* Turns off autosave, the recovery file and the state file (screenshots). */
void           tsu_window_set_ephemeral     (TsuWindow      *self,
                                             gboolean        ephemeral);

/* Exports the best weights (else the last) of the run shown on the
 * Evaluation page (else the newest run) as format "onnx", "c", "pytorch"
 * or "card" to out, as File → Export Trained Model does by default. */
gboolean       tsu_window_export_model     (TsuWindow   *self,
                                            const char  *format,
                                            const char  *out,
                                            GError     **error);

/* Shows a page: "edit", "data", "training", "evaluation"; "training/runs"
 * (or /config, /layers) also picks the Training page's sidebar. */
void           tsu_window_show_view        (TsuWindow   *self,
                                            const char  *view);

/* path with the extension format gives: "DIR/mynet.onnx" for "onnx",
 * "DIR/mynet" (a folder) for "c" and "pytorch", "DIR/mynet.md" for "card";
 * only extensions of export formats are replaced. */
char          *tsu_export_path_for_format  (const char  *path,
                                            const char  *format);

G_END_DECLS
