/* tsu-graph-model.h — the document being edited, and every edit on it.
 *
 * TsuGraphModel owns a tsu_project and edits it only through the engine's
 * typed document API (tsumiki-document.h). Each public edit is one command:
 * the model snapshots the document's canonical text after it, so undo and
 * redo restore exact bytes and nothing can be forgotten. After every change
 * the graph is rebuilt (validation, shapes, statistics) and "changed" is
 * emitted; during it, tsu_graph_model_get_change and the two
 * tsu_graph_model_changed_* calls say what changed (the document's own
 * notifications, or for undo what differs), so views redo only their part.
 * Nothing here needs a display.
 */
#pragma once

#include <glib-object.h>

#include "tsumiki.h"
#include "tsu-layout.h"

G_BEGIN_DECLS

#define TSU_TYPE_GRAPH_MODEL (tsu_graph_model_get_type ())
G_DECLARE_FINAL_TYPE (TsuGraphModel, tsu_graph_model, TSU, GRAPH_MODEL, GObject)

#define TSU_GRAPH_MODEL_ERROR (tsu_graph_model_error_quark ())

/* The name the empty template and a new model give a project nobody has
 * named yet; kept in English in files, shown in the user's language. */
#define TSU_GRAPH_MODEL_PLACEHOLDER_NAME "Untitled"

GQuark tsu_graph_model_error_quark (void);

typedef enum {
  TSU_GRAPH_MODEL_ERROR_INVALID_ID,
  TSU_GRAPH_MODEL_ERROR_DUPLICATE_ID,
  TSU_GRAPH_MODEL_ERROR_PARSE,
  TSU_GRAPH_MODEL_ERROR_IO,
  TSU_GRAPH_MODEL_ERROR_PARAM,
} TsuGraphModelError;

TsuGraphModel *tsu_graph_model_new            (void);

/* Replaces the document (taking ownership) and forgets the history; emits
 * "reset" then "changed". Boxes without a position are laid out. */
void            tsu_graph_model_reset          (TsuGraphModel *self,
                                                tsu_project   *project);
gboolean        tsu_graph_model_load_file      (TsuGraphModel *self,
                                                const char    *path,
                                                GError       **error);
gboolean        tsu_graph_model_load_text      (TsuGraphModel *self,
                                                const char    *text,
                                                const char    *source,
                                                GError       **error);
gboolean        tsu_graph_model_save           (TsuGraphModel *self,
                                                const char    *path,
                                                GError       **error);

/* Borrowed views of the current state. */
const tsu_project *tsu_graph_model_get_project (TsuGraphModel *self);
const tsu_graph   *tsu_graph_model_get_graph   (TsuGraphModel *self);
const tsu_diag    *tsu_graph_model_get_diag    (TsuGraphModel *self);
const TsuLayout   *tsu_graph_model_get_layout  (TsuGraphModel *self);
const char      *tsu_graph_model_get_path      (TsuGraphModel *self);
/* The project's name, else its file's name, else "Untitled"; "Untitled"
 * (the placeholder name too) in the user's language. */
char            *tsu_graph_model_dup_title     (TsuGraphModel *self);
char            *tsu_graph_model_dup_text      (TsuGraphModel *self);
/* Batch size and optimizer from the "training" section, with the defaults. */
int              tsu_graph_model_get_batch_size (TsuGraphModel *self);
tsu_optimizer_kind tsu_graph_model_get_optimizer (TsuGraphModel *self);

/* What the "changed" being emitted (or the last one) was about. A reset
 * (new document) changed everything; saving or a new path changed nothing
 * in the document. */
guint            tsu_graph_model_get_n_changes  (TsuGraphModel *self);
const tsu_change *tsu_graph_model_get_change    (TsuGraphModel *self,
                                                 guint          index);
/* Any node, or the "network" section. */
gboolean         tsu_graph_model_changed_network (TsuGraphModel *self);
/* A top-level key: "training", "dataset", "name". */
gboolean         tsu_graph_model_changed_section (TsuGraphModel *self,
                                                  const char    *section);

/* Unsaved changes: the state differs from the one last saved or loaded
 * (undoing back to it makes the document clean again). */
gboolean        tsu_graph_model_get_dirty      (TsuGraphModel *self);
void            tsu_graph_model_mark_saved     (TsuGraphModel *self);
/* Recovered work is unsaved relative to its file even though nothing was
 * edited since it was loaded. */
void            tsu_graph_model_mark_unsaved   (TsuGraphModel *self);
void            tsu_graph_model_set_path       (TsuGraphModel *self,
                                                const char    *path);

gboolean        tsu_graph_model_can_undo       (TsuGraphModel *self);
gboolean        tsu_graph_model_can_redo       (TsuGraphModel *self);
const char     *tsu_graph_model_get_undo_label (TsuGraphModel *self);
const char     *tsu_graph_model_get_redo_label (TsuGraphModel *self);
gboolean        tsu_graph_model_undo           (TsuGraphModel *self);
gboolean        tsu_graph_model_redo           (TsuGraphModel *self);

/* Several edits as one undo step ("Paste" = add nodes + links). Nests. */
void            tsu_graph_model_begin          (TsuGraphModel *self,
                                                const char    *label);
void            tsu_graph_model_end            (TsuGraphModel *self);

/* ------------------------------------------------------------ commands */

/* A new box of `type` at (x, y), with starter values for required params.
 * Returns its id. */
char           *tsu_graph_model_add_node       (TsuGraphModel *self,
                                                const char    *type,
                                                double         x,
                                                double         y);
/* Adds and links by the NNC drop rules (tsu_layout_plan_drop). */
char           *tsu_graph_model_drop_node      (TsuGraphModel *self,
                                                const char    *type,
                                                double         x,
                                                double         y);
/* Adds under `anchor` (or under the lowest box when NULL), fed by it, and
 * moves whatever anchor fed below the new box. */
char           *tsu_graph_model_insert_below   (TsuGraphModel *self,
                                                const char    *type,
                                                const char    *anchor);
/* Adds above `anchor`, between it and its first input. */
char           *tsu_graph_model_splice_above   (TsuGraphModel *self,
                                                const char    *type,
                                                const char    *anchor);
/* relink: consumers of a removed box are fed by its first input instead
 * (Backspace); otherwise their links to it just go (Delete). */
void            tsu_graph_model_remove_nodes   (TsuGraphModel      *self,
                                                const char * const *ids,
                                                gboolean            relink);
/* Feeds `to` from `from`: at input `slot` (replacing it), or appended when
 * slot is -1. FALSE (no change) for a self-link or a duplicate. */
gboolean        tsu_graph_model_link           (TsuGraphModel *self,
                                                const char    *from,
                                                const char    *to,
                                                int            slot);
void            tsu_graph_model_unlink         (TsuGraphModel *self,
                                                const char    *to,
                                                int            slot);
void            tsu_graph_model_move_nodes     (TsuGraphModel      *self,
                                                const char * const *ids,
                                                double              dx,
                                                double              dy);
/* value NULL removes the key so the default applies. FALSE, with the
 * engine's message, for a value the parameter does not take. */
gboolean        tsu_graph_model_set_param      (TsuGraphModel   *self,
                                                const char      *id,
                                                const char      *name,
                                                const tsu_value *value,
                                                GError         **error);
gboolean        tsu_graph_model_check_id       (TsuGraphModel *self,
                                                const char    *old_id,
                                                const char    *new_id,
                                                GError       **error);
/* Renames and rewrites every link to it. */
gboolean        tsu_graph_model_rename         (TsuGraphModel *self,
                                                const char    *old_id,
                                                const char    *new_id,
                                                GError       **error);
void            tsu_graph_model_set_name       (TsuGraphModel *self,
                                                const char    *name);
void            tsu_graph_model_arrange        (TsuGraphModel *self);

/* Project JSON holding copies of the boxes and the links among them. */
char           *tsu_graph_model_copy           (TsuGraphModel      *self,
                                                const char * const *ids);
/* Adds the boxes of a copied project, renaming clashing ids (links follow).
 * With finite (x, y) the pasted group's top-left goes there; otherwise it
 * lands 40 units below-right of where it was copied. Returns the new ids. */
GStrv           tsu_graph_model_paste          (TsuGraphModel *self,
                                                const char    *text,
                                                double         x,
                                                double         y,
                                                GError       **error);

/* ------------------------------------------------------------ advice */

/* The design warnings of the current graph (tsumiki-advice.h): none while
 * the graph has errors. Checks about the targets run once a data summary
 * is set. */
const tsu_warnings *tsu_graph_model_get_warnings     (TsuGraphModel *self);
const tsu_warning  *tsu_graph_model_find_warning     (TsuGraphModel *self,
                                                      const char    *id);
/* A copy of the training data's summary (NULL: unknown); the warnings are
 * recomputed and "changed" is emitted with no change listed. */
void                tsu_graph_model_set_data_summary (TsuGraphModel          *self,
                                                      const tsu_data_summary *summary);
/* Applies a warning's fix as one undo step labelled with the fix. */
gboolean            tsu_graph_model_apply_fix        (TsuGraphModel *self,
                                                      const tsu_fix *fix,
                                                      GError       **error);

G_END_DECLS
