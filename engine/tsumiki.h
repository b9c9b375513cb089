/* tsumiki.h — the one public header of the Tsumiki engine.
 *
 * The engine is plain C17 (libc, libm, pthreads, cblas, json-c, zlib, libpng):
 * no GLib. Everything a front end (GUI, CLI, tests) needs goes through here.
 *
 * A worked example: check a project and print each layer's output shape.
 *
 *     tsu_diag diag;
 *     tsu_diag_init(&diag);
 *     tsu_project *project = tsu_project_load("fashion-mnist-cnn.tsumiki", &diag);
 *     if (!project) { tsu_diag_print(&diag, stderr); return 1; }
 *     tsu_graph *graph = tsu_graph_build(project, &diag);
 *     for (int i = 0; i < tsu_graph_node_count(graph); i++) {
 *         const tsu_node *node = tsu_graph_node(graph, i);
 *         char shape[64];
 *         tsu_shape_format(tsu_node_shape(node), shape, sizeof shape);
 *         printf("%s %s %s\n", tsu_node_id(node), tsu_node_type(node), shape);
 *     }
 *     if (diag.count) tsu_diag_print(&diag, stderr);
 *     tsu_graph_free(graph);
 *     tsu_project_free(project);
 *     tsu_diag_free(&diag);
 *
 * Ownership: functions named _new/_load/_build/_dup return objects the caller
 * frees; accessors (_get, plain nouns) borrow.
 */
#ifndef TSUMIKI_H
#define TSUMIKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

#define TSU_FORMAT_NAME "tsumiki-project"
#define TSU_FORMAT_VERSION 1
#define TSU_MAX_DIMS 6
#define TSU_ID_MAX 64
/* The most values one sample may have in any layer output or parameter
 * tensor (2^31 - 1): graph building rejects a node past it, so the engine,
 * its exports and ONNX's int32 dimensions never see a larger count. */
#define TSU_MAX_ELEMENTS 2147483647

/* ---------------------------------------------------------------- errors */

typedef enum {
    TSU_OK = 0,
    TSU_E_IO,          /* a file could not be read or written */
    TSU_E_SYNTAX,      /* JSON syntax error (line and column known) */
    TSU_E_VERSION,     /* a newer or unknown format version */
    TSU_E_FORMAT,      /* the JSON is valid but not a project */
    TSU_E_GRAPH,       /* ids, types, inputs, cycles */
    TSU_E_PARAM,       /* a layer parameter of the wrong type or out of bounds */
    TSU_E_SHAPE,       /* shapes that do not fit together */
    TSU_E_DATA,        /* a dataset problem */
    TSU_E_NOMEM,
    TSU_E_STOPPED,     /* a run stopped on request */
    TSU_E_NONFINITE,   /* a loss or activation became NaN or infinite */
    TSU_E_UNSUPPORTED, /* valid, but not supported by this operation */
} tsu_status;

/* One problem, located as precisely as possible. `message` is complete and
 * ready to show ("conv9.kernel: expected 2 positive integers, got [5]");
 * node/param/line let a front end point at the culprit. */
typedef struct {
    tsu_status code;
    char node[TSU_ID_MAX];  /* node id, or "" */
    char param[TSU_ID_MAX]; /* parameter name, or "" */
    int line, column;       /* 1-based position in a text file, or 0 */
    char message[640];
} tsu_error;

/* A list of problems: validation collects them all rather than stopping at
 * the first. */
typedef struct {
    tsu_error *items;
    int count;
    int capacity;
} tsu_diag;

void tsu_diag_init(tsu_diag *diag);
void tsu_diag_clear(tsu_diag *diag);
void tsu_diag_free(tsu_diag *diag);
/* Appends an error; node and param may be NULL. The message is prefixed with
 * "node.param: " or "node: " when they are given. Returns code. */
tsu_status tsu_diag_add(tsu_diag *diag, tsu_status code, const char *node,
                        const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Like tsu_diag_add, located in a text file: "FILE:LINE:COL: message". */
tsu_status tsu_diag_add_at(tsu_diag *diag, tsu_status code, const char *file,
                           int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The first error's message, or fallback when there is none (diag may be
 * NULL): what a front end shows for a failed call. */
const char *tsu_diag_message(const tsu_diag *diag, const char *fallback);
/* The first error's code, or TSU_OK. diag may be NULL. */
tsu_status tsu_diag_status(const tsu_diag *diag);
void tsu_diag_print(const tsu_diag *diag, FILE *out);
const char *tsu_status_name(tsu_status code);

/* ---------------------------------------------------------------- shapes */

/* A shape without the batch axis: images are [C, H, W]. */
typedef struct {
    int ndim;
    int d[TSU_MAX_DIMS];
} tsu_shape;

/* The number of values; SIZE_MAX when a dimension is negative or the product
 * does not fit, so a comparison or a limit check never sees a wrapped count. */
size_t tsu_shape_size(const tsu_shape *shape);
bool tsu_shape_equal(const tsu_shape *a, const tsu_shape *b);
/* "16x28x28" (sep "x") or "16×28×28" (sep "×"). Returns the length. */
int tsu_shape_format_sep(const tsu_shape *shape, const char *sep, char *buf, size_t size);
int tsu_shape_format(const tsu_shape *shape, char *buf, size_t size);
/* "[16, 28, 28]", as in messages. */
int tsu_shape_format_list(const tsu_shape *shape, char *buf, size_t size);

/* ------------------------------------------------ the layer catalogue */

typedef enum {
    TSU_PARAM_INT,
    TSU_PARAM_FLOAT,
    TSU_PARAM_BOOL,
    TSU_PARAM_INTS,   /* a fixed number (count) of ints, or 1..TSU_MAX_DIMS when count is 0 */
    TSU_PARAM_STRING,
} tsu_param_type;

/* A parameter value, resolved from the file or from the default. */
typedef struct {
    int n;                     /* number of ints in `ints` */
    int ints[TSU_MAX_DIMS];    /* TSU_PARAM_INT uses ints[0] */
    double number;             /* TSU_PARAM_FLOAT */
    bool boolean;              /* TSU_PARAM_BOOL */
    const char *string;        /* TSU_PARAM_STRING (borrowed) */
} tsu_value;

/* One parameter of a layer kind. This table is the single source of truth:
 * it drives JSON reading and writing, defaults, validation messages,
 * docs/layers.md and the editor's inspector. */
typedef struct {
    const char *name;
    tsu_param_type type;
    int count;                 /* TSU_PARAM_INTS: exact count, 0 = any 1..TSU_MAX_DIMS */
    bool required;             /* no default: the file must give it */
    tsu_value def;             /* the default when not required and not `same_as` */
    const char *same_as;       /* default copies another param (stride = kernel) */
    double min, max;           /* inclusive bounds for numbers and each int */
    const char *help;          /* one line for tooltips and docs */
} tsu_param_desc;

typedef struct tsu_layer_kind tsu_layer_kind;

/* A kind explained for learners (2-4 sentences in all): what it computes,
 * why one uses it, and the layers usually around it. Shown in the
 * inspector's "About this layer", the palette tooltip and docs/layers.md. */
typedef struct {
    const char *computes;
    const char *why;
    const char *neighbours;
} tsu_layer_about;

int tsu_layer_kind_count(void);
const tsu_layer_kind *tsu_layer_kind_at(int index);
const tsu_layer_kind *tsu_layer_kind_find(const char *name);
/* The catalogue name nearest to `name` (edit distance), or NULL if none is close. */
const char *tsu_layer_kind_suggest(const char *name);

const char *tsu_layer_kind_name(const tsu_layer_kind *kind);
/* NNC's palette group: "IO", "Basic", "Pooling", "Activation",
 * "Normalization", "Others", "Loss". */
const char *tsu_layer_kind_category(const tsu_layer_kind *kind);
const char *tsu_layer_kind_help(const tsu_layer_kind *kind);
int tsu_layer_kind_min_inputs(const tsu_layer_kind *kind);
int tsu_layer_kind_max_inputs(const tsu_layer_kind *kind); /* -1: unbounded */
bool tsu_layer_kind_is_loss(const tsu_layer_kind *kind);
bool tsu_layer_kind_is_input(const tsu_layer_kind *kind);
const tsu_layer_about *tsu_layer_kind_about(const tsu_layer_kind *kind);
int tsu_layer_kind_param_count(const tsu_layer_kind *kind);
const tsu_param_desc *tsu_layer_kind_param(const tsu_layer_kind *kind, int index);
const tsu_param_desc *tsu_layer_kind_param_find(const tsu_layer_kind *kind, const char *name);

/* --------------------------------------------------- the project file */

/* A project document (docs/file-format.md): its JSON tree is kept whole so
 * unknown keys survive a load/save round trip. */
typedef struct tsu_project tsu_project;

/* An empty project (no nodes, default dataset and training). */
tsu_project *tsu_project_new(const char *name);
/* NULL on failure, with the reason (file:line:column for syntax) in diag.
 * Only file-level problems fail a load; graph problems are for
 * tsu_graph_build, so a broken graph can still be opened and fixed. */
tsu_project *tsu_project_load(const char *path, tsu_diag *diag);
/* `source` names the text in messages (a file name or "<clipboard>"). */
tsu_project *tsu_project_parse(const char *text, size_t length, const char *source,
                               tsu_diag *diag);
tsu_project *tsu_project_dup(const tsu_project *project);
void tsu_project_free(tsu_project *project);

/* The canonical text: two-space indentation, scalar arrays on one line,
 * numbers in their shortest exact form, keys in document order, a final
 * newline. Saving a loaded file and loading it again gives the same text.
 * Returns a malloc'd string. */
char *tsu_project_to_string(const tsu_project *project);
/* Atomic: writes PATH.tmp-XXXXXX in the same directory, fsyncs, renames. */
tsu_status tsu_project_save(const tsu_project *project, const char *path, tsu_diag *diag);

/* The file the project was loaded from or last saved to (NULL if none), and
 * its directory, against which paths inside the project are resolved. */
const char *tsu_project_path(const tsu_project *project);
void tsu_project_set_path(tsu_project *project, const char *path);
/* malloc'd directory of path, "." when there is none. */
char *tsu_project_dir(const tsu_project *project);

const char *tsu_project_name(const tsu_project *project);
/* A fresh id "<prefix><n>" not used by any node (prefix from the type:
 * Convolution -> "conv", Affine -> "fc", ...). Returns malloc'd. */
char *tsu_project_unique_id(const tsu_project *project, const char *type);

/* ----------------------------------------------- graph and shape checks */

typedef struct tsu_graph tsu_graph;
typedef struct tsu_node tsu_node;

/* Validates the network (ids, types, inputs, cycles, params, shapes) and
 * infers every output shape. Every problem found is added to diag; a graph
 * is returned even when some nodes are invalid so editors can show what is
 * known. Returns NULL only when out of memory. */
tsu_graph *tsu_graph_build(const tsu_project *project, tsu_diag *diag);
void tsu_graph_free(tsu_graph *graph);
/* true when no errors were found. */
bool tsu_graph_valid(const tsu_graph *graph);
/* true when a loss layer says what to learn. A valid graph without one
 * (an imported model) can predict, evaluate and export, not train. */
bool tsu_graph_has_loss(const tsu_graph *graph);

/* Nodes in topological order (nodes in cycles come last, unordered). */
int tsu_graph_node_count(const tsu_graph *graph);
const tsu_node *tsu_graph_node(const tsu_graph *graph, int index);
const tsu_node *tsu_graph_find(const tsu_graph *graph, const char *id);

const char *tsu_node_id(const tsu_node *node);
const char *tsu_node_type(const tsu_node *node);
const tsu_layer_kind *tsu_node_kind(const tsu_node *node); /* NULL for an unknown type */
/* Index of the node in the document's nodes array. */
int tsu_node_doc_index(const tsu_node *node);
bool tsu_node_valid(const tsu_node *node);      /* no error on this node */
bool tsu_node_has_shape(const tsu_node *node);  /* output shape is known */
const tsu_shape *tsu_node_shape(const tsu_node *node);
int tsu_node_input_count(const tsu_node *node);
const tsu_node *tsu_node_input(const tsu_node *node, int index);
/* Resolved parameter value (file or default) by name, or NULL. */
const tsu_value *tsu_node_param(const tsu_node *node, const char *name);
/* How many copies of the node the net runs: the `times` of the repeat
 * block it is inside, else 1. Its shape and tensors are one copy's; the
 * counts below cover every copy. */
int tsu_node_repeat(const tsu_node *node);
/* The RepeatStart of the checked repeat block the node is inside, opens or
 * closes; NULL outside blocks. */
const tsu_node *tsu_node_block(const tsu_node *node);
uint64_t tsu_node_trainable_count(const tsu_node *node);
uint64_t tsu_node_state_count(const tsu_node *node);   /* e.g. BN running mean/var */
uint64_t tsu_node_macs(const tsu_node *node);          /* multiply-adds per sample */

/* Parameter tensors of a node, named as PyTorch's state_dict suffixes. */
typedef struct {
    const char *name;   /* "weight", "bias", "running_mean", "running_var" */
    tsu_shape shape;
    bool trainable;
} tsu_tensor_info;
int tsu_node_tensor_count(const tsu_node *node);
const tsu_tensor_info *tsu_node_tensor(const tsu_node *node, int index);

typedef enum {
    TSU_OPT_SGD, TSU_OPT_MOMENTUM, TSU_OPT_ADAM, TSU_OPT_ADAMW,
} tsu_optimizer_kind;

typedef struct {
    uint64_t trainable;        /* trainable parameters */
    uint64_t state;            /* non-trainable state values (BN running stats) */
    uint64_t macs;             /* multiply-adds per sample, forward */
    uint64_t activations;      /* values of all node outputs per sample */
    /* Memory for one training step at a batch size, in bytes. */
    uint64_t weight_bytes, gradient_bytes, optimizer_bytes, activation_bytes, total_bytes;
} tsu_graph_stats;

/* Optimizer state slots per parameter: SGD 0, Momentum 1, Adam/AdamW 2. */
int tsu_optimizer_slots(tsu_optimizer_kind kind);
void tsu_graph_stats_compute(const tsu_graph *graph, int batch_size,
                             tsu_optimizer_kind optimizer, tsu_graph_stats *stats);

#include "tsumiki-document.h"
#include "tsumiki-net.h"
#include "tsumiki-data.h"
#include "tsumiki-train.h"
#include "tsumiki-export.h"
#include "tsumiki-advice.h"

#ifdef __cplusplus
}
#endif
#endif
