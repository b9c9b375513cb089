/* tsumiki-document.h — editing a project's network through typed calls.
 * Included by tsumiki.h; front ends never touch the JSON tree.
 *
 *     tsu_project *p = tsu_project_new("demo");
 *     tsu_project_add_node(p, "x", "Input", &diag);
 *     tsu_value shape = {.n = 3, .ints = {1, 28, 28}};
 *     tsu_project_set_node_param(p, "x", "shape", &shape, &diag);
 *     tsu_project_add_node(p, "fc", "Affine", &diag);
 *     tsu_project_set_node_input(p, "fc", -1, "x", &diag);
 *     tsu_project_set_node_position(p, "fc", 40, 130, &diag);
 *     tsu_project_rename_node(p, "x", "image", &diag);   // fc's input follows
 *
 * Nodes are addressed by id for edits and by document index for reading
 * (a broken file may hold nodes without a usable id). Every edit either
 * changes the document and tells the observer what changed, or changes
 * nothing and returns the reason (also added to diag, which may be NULL).
 * Keys this version does not know stay where they are. */
#ifndef TSUMIKI_DOCUMENT_H
#define TSUMIKI_DOCUMENT_H

#ifndef TSUMIKI_H
#error "include tsumiki.h, not tsumiki-document.h"
#endif

/* ------------------------------------------------------- what changed */

typedef enum {
    TSU_CHANGE_NODE_ADDED,
    TSU_CHANGE_NODE_REMOVED,
    TSU_CHANGE_NODE_RENAMED,  /* node: the new id, old_node: the id before */
    TSU_CHANGE_PARAMS,        /* the node's params (or keys Tsumiki does not know) */
    TSU_CHANGE_INPUTS,
    TSU_CHANGE_POSITION,
    TSU_CHANGE_SECTION,       /* a top-level key other than the nodes: "name",
                               * "training", "dataset", "network" (its other keys) */
} tsu_change_kind;

typedef struct {
    tsu_change_kind kind;
    const char *node;         /* the node's id; NULL for SECTION */
    const char *old_node;     /* RENAMED only */
    const char *section;      /* SECTION only */
} tsu_change;

/* Called after each change, with strings valid only during the call. */
typedef void (*tsu_change_fn)(const tsu_change *change, void *data);
/* One observer per document (NULL removes it); tsu_project_dup does not copy it. */
void tsu_project_set_observer(tsu_project *project, tsu_change_fn fn, void *data);

/* --------------------------------------------------------------- ids */

/* [A-Za-z_][A-Za-z0-9_]*, at most TSU_ID_MAX - 1 characters. */
bool tsu_id_valid(const char *id);
/* Whether new_id can name the node now called old_id (NULL for a new node):
 * TSU_E_GRAPH with "id "2x" is not a valid name (...)" or "another node is
 * already called "bn1"". */
tsu_status tsu_project_check_id(const tsu_project *project, const char *old_id,
                                const char *new_id, tsu_diag *diag);

/* ------------------------------------------------------------ reading */

int tsu_project_node_count(const tsu_project *project);
/* Document index of the first node with that id, or -1. */
int tsu_project_node_find(const tsu_project *project, const char *id);
/* NULL where the file gives no string (a broken file can still be opened). */
const char *tsu_project_node_id(const tsu_project *project, int index);
const char *tsu_project_node_type(const tsu_project *project, int index);
int tsu_project_node_input_count(const tsu_project *project, int index);
/* The id feeding input k, NULL if that entry is not a string. */
const char *tsu_project_node_input(const tsu_project *project, int index, int k);
/* false when the node has no [x, y] of finite numbers. */
bool tsu_project_node_position(const tsu_project *project, int index, double *x, double *y);

typedef enum {
    TSU_VALUE_DEFAULT,   /* not in the file: *out is the default (or the value of `same_as`) */
    TSU_VALUE_GIVEN,     /* in the file, of the right JSON type (bounds are not checked) */
    TSU_VALUE_MISTYPED,  /* in the file but not readable as its type: *out is the default */
} tsu_param_source;

/* A parameter of the node as its descriptor types it, leniently, so that
 * values the graph check refuses (out of bounds, a wrong count) still show.
 * Strings are borrowed from the document until its next change. */
tsu_param_source tsu_project_node_param(const tsu_project *project, int index,
                                        const tsu_param_desc *desc, tsu_value *out);
/* Whether two values of the parameter are the same (FLOAT: exactly). */
bool tsu_value_equal(const tsu_param_desc *desc, const tsu_value *a, const tsu_value *b);
/* The canonical JSON text of a parameter as the file has it, NULL when
 * absent (malloc'd): for showing a value that does not read as its type. */
char *tsu_project_node_param_text(const tsu_project *project, int index, const char *name);

/* ------------------------------------------------------------- edits */

/* Appends {"id": id, "type": type}. The id must be valid and unused; any
 * type string is accepted (the graph check names unknown ones). */
tsu_status tsu_project_add_node(tsu_project *project, const char *id, const char *type,
                                tsu_diag *diag);
/* Removes the node. Links to it go, or with relink are replaced by the
 * node's first input (never making a node read one input twice). */
tsu_status tsu_project_remove_node(tsu_project *project, const char *id, bool relink,
                                   tsu_diag *diag);
/* Renames, and every input naming old_id names new_id. */
tsu_status tsu_project_rename_node(tsu_project *project, const char *old_id,
                                   const char *new_id, tsu_diag *diag);
/* Replaces the inputs (n == 0 removes the key). Ids must be valid names;
 * whether they name a node is for the graph check. */
tsu_status tsu_project_set_node_inputs(tsu_project *project, const char *id,
                                       const char *const *inputs, int n, tsu_diag *diag);
/* Feeds input `slot` from `from` (replacing it), or appends when slot is
 * -1 or past the end. */
tsu_status tsu_project_set_node_input(tsu_project *project, const char *id, int slot,
                                      const char *from, tsu_diag *diag);
/* Removes input `slot` (the key goes with the last one). */
tsu_status tsu_project_remove_node_input(tsu_project *project, const char *id, int slot,
                                         tsu_diag *diag);
/* Sets a parameter of the node's kind, checked against its descriptor as
 * the graph check would ("conv1.kernel: expected 2 positive integers, got
 * [5]"). value NULL removes the key so the default applies again. */
tsu_status tsu_project_set_node_param(tsu_project *project, const char *id, const char *name,
                                      const tsu_value *value, tsu_diag *diag);
/* Changes the node's kind (Softmax to Sigmoid), keeping its id, links and
 * parameters; refused when the type is unknown or lacks one of them. The
 * observer hears NODE_REMOVED then NODE_ADDED, as from tsu_project_diff. */
tsu_status tsu_project_set_node_type(tsu_project *project, const char *id, const char *type,
                                     tsu_diag *diag);
/* The editor's box position, stored as "position": [x, y] rounded to integers. */
tsu_status tsu_project_set_node_position(tsu_project *project, const char *id, double x,
                                         double y, tsu_diag *diag);
void tsu_project_set_name(tsu_project *project, const char *name);

/* --------------------------------------------------- copy, undo, paste */

/* A project text holding copies of the nodes named in ids (NULL-ended),
 * with only the links among them; what a clipboard carries. malloc'd. */
char *tsu_project_copy_nodes(const tsu_project *project, const char *const *ids);
/* Appends copies of every node of `from` (unknown keys kept). A copy whose
 * id is taken or invalid gets a fresh one from its type, and the links
 * among the copies follow; links to nodes outside `from` are dropped.
 * Returns how many were added: they are the last nodes of the document. */
int tsu_project_add_nodes_from(tsu_project *project, const tsu_project *from);
/* Replaces the whole document by `text` (a tsu_project_to_string snapshot:
 * undo), keeping the path and observer, and tells the observer what differs.
 * On a parse error nothing changes. */
tsu_status tsu_project_restore(tsu_project *project, const char *text, size_t length,
                               tsu_diag *diag);
/* Tells fn what differs from `before` to `after`: nodes matched by id,
 * then every other top-level key. */
void tsu_project_diff(const tsu_project *before, const tsu_project *after, tsu_change_fn fn,
                      void *data);

#endif
