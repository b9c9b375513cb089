/* tsu-internal.h — what the engine's own files share; not installed, not for
 * front ends. Layer files see the full node and kind structs through here. */
#ifndef TSU_INTERNAL_H
#define TSU_INTERNAL_H

#include "tsumiki.h"
#include "tsumiki-json.h"
#include "tsu-i18n.h"

#include <locale.h>
#include <stdlib.h>

#define TSU_MAX_TENSORS 4
#define TSU_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Programmer errors abort with file:line; user errors are tsu_diag values. */
#define tsu_assert(cond)                                                        \
    do {                                                                        \
        if (!(cond)) tsu_abort_at(__FILE__, __LINE__, #cond);                   \
    } while (0)
_Noreturn void tsu_abort_at(const char *file, int line, const char *what);

void *tsu_xmalloc(size_t size);
/* Checked arithmetic for every size computed from input (file dimensions,
 * element counts, byte lengths): false when the exact result does not fit,
 * and then *out is unspecified. Callers turn false into a located error. */
static inline bool tsu_size_mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool tsu_size_add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}
/* The product of n dimensions read from input: false when one is negative or
 * the product exceeds limit (pass SIZE_MAX for no limit but size_t's). */
bool tsu_size_product(const int64_t *dims, size_t n, size_t limit, size_t *out);

/* Files are written in the C locale whatever locale the front end chose:
 * under a decimal-comma locale printf("%g", 0.01) gives "0,01", which
 * makes invalid JSON and CSV. A scope switches LC_NUMERIC of the calling
 * thread only (uselocale), so other threads and the user's messages keep
 * their locale. Every public function that writes text files opens one. */
typedef struct {
    locale_t c_numeric, previous;
} tsu_c_numeric;
void tsu_c_numeric_begin(tsu_c_numeric *scope);
void tsu_c_numeric_end(tsu_c_numeric *scope);

/* The most bytes tsu_read_file reads when the caller sets no lower bound:
 * larger than any project, dataset file or weights file Tsumiki writes, and
 * small enough that a wrong path (/dev/zero) fails in a second. */
#define TSU_READ_FILE_LIMIT ((size_t)1 << 34)
/* What is read from something that is not a regular file (a pipe, a device):
 * its size is unknown, so a smaller bound keeps /dev/zero to a quick error. */
#define TSU_READ_STREAM_LIMIT ((size_t)1 << 28)
/* open(path, O_RDONLY) that never waits: a FIFO without a writer would
 * block open() until one appears (a "project" named x.tsumiki that is a
 * FIFO hung the CLI and the app). Opened non-blocking, then switched back to
 * blocking reads so that a pipe with a writer (a shell's <(...)) is read to
 * its end; a FIFO without one reads as empty. -1 with errno on failure. */
int tsu_open_read(const char *path);

/* Reads a whole file into a malloc'd buffer with a NUL after the data
 * (*length excludes it). A regular file is read to its real size; anything
 * larger than max_bytes, including a device or pipe that never ends, is an
 * error naming the file, as are open and read errors. */
unsigned char *tsu_read_file(const char *path, size_t max_bytes, size_t *length, tsu_diag *diag);
void *tsu_xcalloc(size_t count, size_t size);
void *tsu_xrealloc(void *ptr, size_t size);
char *tsu_xstrdup(const char *s);

enum {
    TSU_KIND_INPUT = 1u << 0, /* feeds a dataset variable; no inputs */
    TSU_KIND_LOSS = 1u << 1,  /* a loss: reads a dataset variable as target */
    /* The identity at inference (Dropout): exports read through it. */
    TSU_KIND_INFERENCE_IDENTITY = 1u << 2,
};

/* Runtime operations (forward, backward, init, ...) live in a separate
 * struct so the graph model does not depend on the runtime; see runtime.h. */
typedef struct tsu_layer_ops tsu_layer_ops;
/* How the kind is written to ONNX, C and PyTorch: export/layer-export.h. */
typedef struct tsu_layer_export tsu_layer_export;

/* The runtime fusions a kind's ops implement (engine/runtime/net.c applies
 * them when the other node's output is read by nothing else). */
typedef struct {
    /* A loss: when its input comes from this kind, it differentiates
     * straight to that layer's input (run->fused). */
    const tsu_layer_kind *through;
    /* When only this kind reads our output, our forward computes its output
     * too and our backward starts from its output gradient (run->relu_after). */
    const tsu_layer_kind *absorbs;
} tsu_layer_fusion;

/* A kind's parameter index enum ends with a count that must equal its
 * table's length: `enum { CONV_OUTMAPS, ..., CONV_N_PARAMS };` and
 * TSU_PARAMS_MATCH(conv_params, CONV_N_PARAMS) after the table. */
#define TSU_PARAMS_MATCH(table, count)                                                  \
    _Static_assert(TSU_ARRAY_LEN(table) == (count),                                    \
                   #table " must have one entry per index of its enum")

/* What a kind is for, as the design checks (engine/advice.c) read it:
 * they ask these traits, never a kind's name. */
enum {
    TSU_TRAIT_LINEAR = 1u << 0,     /* y = Wx + b with learned W (Affine, Convolution) */
    TSU_TRAIT_NONLINEAR = 1u << 1,  /* bends its input (activations, MaxPooling, Mul2) */
    TSU_TRAIT_NORMALIZES = 1u << 2, /* output has zero mean, unit variance (BN, LayerNorm) */
    TSU_TRAIT_TRAIN_ONLY = 1u << 3, /* changes values in training only (Dropout) */
    /* The kind a fix picks for its role: the nonlinearity it inserts. */
    TSU_TRAIT_PREFERRED = 1u << 4,
};

typedef enum { TSU_SQUASH_NONE, TSU_SQUASH_SOFTMAX, TSU_SQUASH_SIGMOID } tsu_squash;
typedef enum {
    TSU_LOSS_NONE,        /* not a loss */
    TSU_LOSS_CATEGORICAL, /* one of K classes: targets are class indices */
    TSU_LOSS_BINARY,      /* 0/1 targets, one probability per value */
    TSU_LOSS_REGRESSION,  /* real targets */
} tsu_loss_family;
typedef enum { TSU_INPUT_VALUES, TSU_INPUT_PROBABILITIES, TSU_INPUT_LOGITS } tsu_loss_input;

typedef struct {
    unsigned traits;
    /* An activation: the squashing its output is (probabilities). A loss:
     * the squashing it expects before it (input PROBABILITIES), or applies
     * itself (input LOGITS). */
    tsu_squash squash;
    tsu_loss_family loss;
    tsu_loss_input input;
    /* A linear kind: the parameter that sets its output width ("outmaps"). */
    const char *width_param;
} tsu_layer_role;

struct tsu_layer_kind {
    const char *name;
    const char *category;
    const char *help;
    const char *id_prefix;      /* fresh ids in the editor: "conv", "fc", ... */
    int min_inputs, max_inputs; /* max -1: unbounded */
    unsigned flags;
    const tsu_param_desc *params;
    int n_params;
    /* Output shape and parameter tensors from node->inputs[i]->shape and
     * node->values. Reports problems with tsu_node_fail and returns false.
     * Called only when every input has a shape and params are valid. */
    bool (*infer)(tsu_node *node, tsu_diag *diag);
    /* Multiply-adds per sample for one forward pass (after infer). */
    uint64_t (*macs)(const tsu_node *node);
    const tsu_layer_ops *ops; /* NULL until the runtime supports the kind */
    tsu_layer_fusion fusion;
    /* NULL: no format can write the kind (Inputs and losses need none). */
    const tsu_layer_export *exports;
    tsu_layer_role role;
    /* For learners: the inspector, the palette tooltip, docs/layers.md. */
    tsu_layer_about about;
};

struct tsu_node {
    char *id;
    char *type;
    const tsu_layer_kind *kind; /* NULL: unknown type */
    int doc_index;              /* position in network.nodes */
    int topo_index;             /* position in graph order */
    int n_inputs;
    char **input_ids;
    tsu_node **inputs;          /* resolved, NULL where the id names no node */
    tsu_value *values;          /* one per kind->params entry */
    char **value_strings;       /* owned copies behind values[i].string */
    tsu_shape shape;
    bool has_shape;
    bool valid;
    int n_tensors;
    tsu_tensor_info tensors[TSU_MAX_TENSORS];
    void *runtime;              /* the runtime's per-node state */
    int repeat;                 /* copies the net runs: a block's times, else 1 */
    const struct tsu_node *block_start; /* the RepeatStart of the block it is in or ends */
    bool borrowed;              /* an unrolled copy: type, input_ids, values are the drawn node's */
};

struct tsu_graph {
    int n_nodes;
    tsu_node *nodes;   /* document order */
    tsu_node **order;  /* topological order */
    bool valid;
    /* The graph the runtime and exporters run: repeat blocks unrolled into
     * copies (graph.c). NULL when there are no blocks or errors. */
    struct tsu_graph *unrolled;
};

/* Most repetitions a RepeatStart takes. */
#define TSU_REPEAT_MAX 1000

/* Checks the repeat blocks, sets each node's repeat and, when the graph is
 * valid, builds graph->unrolled (blocks.c). */
void tsu_graph_blocks(tsu_graph *graph, tsu_diag *diag);

/* The graph to run: the unrolled one, or graph itself without blocks. */
const tsu_graph *tsu_graph_runnable(const tsu_graph *graph);

/* The value of the kind's params[index] (after validation). */
static inline const tsu_value *tsu_node_value(const tsu_node *node, int index)
{
    return &node->values[index];
}

/* Marks the node invalid and records the error (param may be NULL). */
bool tsu_node_fail(tsu_node *node, tsu_diag *diag, tsu_status code, const char *param,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Resolves node->values from a node's "params" object through the kind's
 * descriptor table: defaults, bounds, unknown names. false on any error. */
bool tsu_node_read_params(tsu_node *node, struct json_object *params, tsu_diag *diag);

/* Reads one parameter value through its descriptor; false (with a message
 * on the node) when it does not fit. A string value is copied to
 * *owned_string. The document's setter checks values with it too. */
bool tsu_param_read_value(tsu_node *node, tsu_diag *diag, const tsu_param_desc *desc,
                          struct json_object *v, tsu_value *out, char **owned_string);

/* project.c, for document.c: the observer is told about a change; the tree
 * is replaced (the old one is returned, for the caller to compare and put). */
void tsu_project_notify(tsu_project *project, const tsu_change *change);
struct json_object *tsu_project_swap_root(tsu_project *project, struct json_object *root);

/* Adds a parameter tensor during infer. */
void tsu_node_add_tensor(tsu_node *node, const char *name, const tsu_shape *shape,
                         bool trainable);

/* Shape helpers for layer files. */
tsu_shape tsu_shape_make(int ndim, const int *dims);
tsu_shape tsu_shape_1(int a);
tsu_shape tsu_shape_2(int a, int b);
tsu_shape tsu_shape_3(int a, int b, int c);
tsu_shape tsu_shape_4(int a, int b, int c, int d);

/* Writes the training settings a new project shows (engine/train/config.c). */
void tsu_project_write_default_training(tsu_project *project);

/* Canonical JSON text of a value (used by the project writer and by
 * messages quoting a bad value). Returns malloc'd. */
char *tsu_json_to_canonical(struct json_object *value, int indent);

/* The candidate nearest to name by edit distance, or NULL if none is close
 * enough to be a plausible typo. */
const char *tsu_suggest_name(const char *name, const char *const *candidates, int count);

/* Writes PATH.tmp-XXXXXX beside path, fsyncs, renames over path: a reader
 * sees the old file or the new one, never half of either. A symbolic link
 * is followed; a device or pipe is written as it is. Errors name the file. */
tsu_status tsu_write_file_atomic(const char *path, const void *data, size_t length,
                                 tsu_diag *diag);

/* The same for output streamed with stdio: tsu_atomic_open creates the
 * locked temporary, the caller writes to stream, tsu_atomic_commit checks
 * every write, syncs and renames (or removes the temporary and reports the
 * error naming path); tsu_atomic_abort removes it. */
typedef struct {
    FILE *stream;
    char *path; /* the target, symbolic links resolved */
    char *tmp;  /* NULL when the target is a device or pipe */
    struct tsu_atomic_sink *sink;
} tsu_atomic_file;
bool tsu_atomic_open(tsu_atomic_file *file, const char *path, tsu_diag *diag);
/* true (and an error naming the file) when a write to the stream failed:
 * lets a long writer stop at a full disk instead of at the end. */
bool tsu_atomic_failed(tsu_atomic_file *file, tsu_diag *diag);
tsu_status tsu_atomic_commit(tsu_atomic_file *file, tsu_diag *diag);
void tsu_atomic_abort(tsu_atomic_file *file);

/* "PATH.tmp-XXXXXX", the template every temporary output name follows. malloc'd. */
char *tsu_temp_name(const char *path);

/* A temporary nobody holds locked for this long is a leftover of a killed
 * process (atomic-write.c says why both tests). */
#define TSU_STALE_SECONDS (5 * 60)

/* Removes leftovers in dir: files and folders named BASE.tmp-XXXXXX (any
 * BASE when base is NULL) that no process holds locked and that are older
 * than TSU_STALE_SECONDS. Returns how many went. */
int tsu_remove_stale_temps(const char *dir, const char *base);
/* rm -r, symbolic links removed rather than followed. */
bool tsu_remove_tree(const char *path);

#endif
