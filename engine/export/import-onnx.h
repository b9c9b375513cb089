/* import-onnx.h — what the two halves of the ONNX importer share:
 * import_onnx.c (the model, the project, the weights) and
 * import_onnx_ops.c (one function per operator). */
#ifndef TSU_IMPORT_ONNX_H
#define TSU_IMPORT_ONNX_H

#include "export/export-internal.h"
#include "export/onnx.pb-c.h"

/* The largest dimension and element count of a constant tensor: every
 * dimension fits an int (the layers' params are ints) and no Tsumiki layer
 * has a weight anywhere near 2^31 values. */
#define TSU_IMP_MAX_VALUES ((size_t)INT32_MAX)
/* The largest integer attribute (kernel_shape, strides, pads, group...):
 * beyond every layer's own bound, which the graph build then reports, and
 * small enough that sums of a few stay within int. */
#define TSU_IMP_MAX_ATTR (1 << 24)

/* What an ONNX value name stands for. */
typedef struct {
    const char *name;
    const char *node;              /* the Tsumiki node producing it, or NULL for a constant */
    const Onnx__TensorProto *constant;
    const char *flat_of;           /* a pending Flatten(axis=1) of this node: made only
                                      when something other than Gemm reads it */
    const char *flat_name;         /* the ONNX node name of that Flatten */
    const char *pad_of;            /* a pending zero Pad of this node, folded into the
                                      AveragePool or Conv that reads it */
    int pad[2];
    const char *bias_free;         /* an Affine from MatMul still without bias: the
                                      Add of a constant that follows becomes its bias */
    bool absorbed;                 /* inside a decomposition imported whole at its first
                                      node (GELU, Swish, LayerNorm): its readers are the
                                      decomposition's nodes and import nothing */
} ivalue;

typedef struct {
    char name[2 * TSU_ID_MAX];     /* "conv1.weight" */
    float *data;
    size_t size;
} iweight;

typedef struct {
    const char *path;
    tsu_diag *diag;
    int opset;
    const Onnx__GraphProto *graph;
    tsu_project *project;
    tsu_project *stored;           /* the project our own export embedded, or NULL */
    ivalue *values;
    int n_values, cap_values;
    int *index;                    /* values by name: see tsu_imp_find_value */
    size_t index_cap;
    iweight *weights;
    int n_weights, cap_weights;
    char **strings;                /* owned copies, freed at the end */
    int n_strings, cap_strings;
    const Onnx__NodeProto *node;   /* the node being imported, for messages */
    size_t node_index;
    const char *node_name;         /* its name, or its first output's */
    bool failed;
} ictx;

/* Context: strings kept until the import ends, values by ONNX name. */
const char *tsu_imp_keep(ictx *c, const char *s);
ivalue *tsu_imp_find_value(ictx *c, const char *name);
ivalue *tsu_imp_add_value(ictx *c, const char *name);
/* Records an error on the node being imported (`node` is its name; the
 * message adds its index and op_type) or, between nodes, on what `node`
 * describes ("graph input \"x\""); returns false. */
bool tsu_imp_fail(ictx *c, const char *node, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for a file that breaks the ONNX format itself (TSU_E_FORMAT). */
bool tsu_imp_malformed(ictx *c, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The shortest decimal that reads back as the same float. */
double tsu_imp_shortest(float f);

/* Attributes, with defaults. */
const Onnx__AttributeProto *tsu_imp_attr(const Onnx__NodeProto *n, const char *name);
int64_t tsu_imp_attr_int(const Onnx__NodeProto *n, const char *name, int64_t def);
double tsu_imp_attr_float(const Onnx__NodeProto *n, const char *name, double def);
bool tsu_imp_attr_pair(ictx *c, const Onnx__NodeProto *n, const char *name, int def, int out[2]);
bool tsu_imp_attr_pads(ictx *c, const Onnx__NodeProto *n, int out[2]);

/* Constant tensors (initializers, Constant nodes). */
const Onnx__TensorProto *tsu_imp_constant(ictx *c, const Onnx__NodeProto *n, size_t k);
/* The element count, or SIZE_MAX when a dimension is negative or the
 * count exceeds TSU_IMP_MAX_VALUES. */
size_t tsu_imp_tensor_count(const Onnx__TensorProto *t);
/* A tensor's dims and data length agree (checked before anything is
 * allocated), so readers can trust tsu_imp_tensor_count; `what` names it. */
bool tsu_imp_check_tensor(ictx *c, const char *what, const Onnx__TensorProto *t);
float *tsu_imp_tensor_floats(ictx *c, const char *node, const Onnx__TensorProto *t);
int tsu_imp_tensor_ints(const Onnx__TensorProto *t, int64_t *out, int max);
void tsu_imp_add_weight(ictx *c, const char *id, const char *suffix, float *data, size_t size);
bool tsu_imp_take_weight(ictx *c, const Onnx__NodeProto *n, size_t k, const char *id,
                         const char *suffix, bool required);

/* The project being built. */
const char *tsu_imp_make_id(ictx *c, const Onnx__NodeProto *n, const char *type);
struct json_object *tsu_imp_add_node(ictx *c, const char *id, const char *type, int n_in,
                                     const char *const *inputs, struct json_object *params);
struct json_object *tsu_imp_pair_json(const int v[2]);
bool tsu_imp_shape_of(ictx *c, const char *id, tsu_shape *out);
const char *tsu_imp_input_node(ictx *c, const Onnx__NodeProto *n, size_t k);
void tsu_imp_produce(ictx *c, const Onnx__NodeProto *n, const char *id);

/* One supported operator into the project (import_onnx_ops.c). */
bool tsu_imp_import_node(ictx *c, const Onnx__NodeProto *n);

#endif
