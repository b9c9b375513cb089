/* layer-export.h — how a layer kind writes itself to ONNX, C and PyTorch.
 *
 * The exporters (onnx.c, c_source.c, pytorch.c) walk the inference plan and
 * hand each node to its kind's callbacks with an emitter: the format's
 * context, through which the kind names values, adds weights and writes
 * text. The exporters know no kind; the kinds know no file layout. */
#ifndef TSU_LAYER_EXPORT_H
#define TSU_LAYER_EXPORT_H

#include "tsu-internal.h"

/* One node of the inference graph: a layer with its inputs resolved through
 * the kinds that are the identity at inference (TSU_KIND_INFERENCE_IDENTITY). */
typedef struct {
    const tsu_node *node;
    int n_inputs;
    const tsu_node **inputs;
} tsu_xnode;

typedef struct tsu_onnx_emitter tsu_onnx_emitter;
typedef struct tsu_onnx_node tsu_onnx_node;
typedef struct tsu_c_emitter tsu_c_emitter;
typedef struct tsu_py_emitter tsu_py_emitter;

struct tsu_layer_export {
    /* Adds the node's ONNX nodes and initializers; the last node's output is
     * named after the node id. false after recording an error. */
    bool (*onnx)(tsu_onnx_emitter *e, const tsu_xnode *x);
    /* Writes the statements of predict() that compute the node. */
    void (*c)(tsu_c_emitter *e, const tsu_xnode *x);
    /* PyTorch: the nn.Module registered under the node id in __init__, for
     * kinds with tensors (its state_dict keys are the tensor names). */
    void (*pytorch_module)(tsu_py_emitter *e, const tsu_node *node);
    /* PyTorch: the right-hand side of the node's line in forward(). Called
     * for every node but Inputs and losses, the inference identities included:
     * model.py keeps them for train.py. */
    void (*pytorch)(tsu_py_emitter *e, const tsu_node *node);
    /* Shown when a format's callback is NULL: why the kind cannot be written. */
    const char *why_not;
};

/* ------------------------------------------------------------------ ONNX */

/* A name (or any string) that lives as long as the message. */
char *tsu_onnx_name(tsu_onnx_emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Memory that lives as long as the message. */
void *tsu_onnx_alloc(tsu_onnx_emitter *e, size_t size);
/* A node `op` reading n_in named values and writing `output`. */
tsu_onnx_node *tsu_onnx_node_add(tsu_onnx_emitter *e, const char *op, const char *name, int n_in,
                                 const char *const *inputs, const char *output);
void tsu_onnx_attr_int(tsu_onnx_emitter *e, tsu_onnx_node *node, const char *name, int64_t v);
void tsu_onnx_attr_float(tsu_onnx_emitter *e, tsu_onnx_node *node, const char *name, double v);
/* A string attribute (Resize's mode). */
void tsu_onnx_attr_string(tsu_onnx_emitter *e, tsu_onnx_node *node, const char *name,
                          const char *v);
/* A list of n ints (ReduceMean's axes). */
void tsu_onnx_attr_ints(tsu_onnx_emitter *e, tsu_onnx_node *node, const char *name, int n,
                        const int64_t *v);
/* A pair (height, width) as a list of two ints. */
void tsu_onnx_attr_pair(tsu_onnx_emitter *e, tsu_onnx_node *node, const char *name, const int *v);
/* kernel_shape and strides, and pads (begins, ends) unless pad is NULL. */
void tsu_onnx_attr_window(tsu_onnx_emitter *e, tsu_onnx_node *node, const int *kernel,
                          const int *stride, const int *pad);
/* The net's tensor "node.suffix" as an initializer; its name, or NULL after
 * recording an error. */
const char *tsu_onnx_tensor(tsu_onnx_emitter *e, const tsu_node *node, const char *suffix);
/* The same with another shape of as many values (PRelu's slope [C, 1, 1]). */
const char *tsu_onnx_tensor_as(tsu_onnx_emitter *e, const tsu_node *node, const char *suffix,
                               const tsu_shape *shape);
/* "weight", then "bias" when `bias`, as initializers named into names[];
 * the count, or -1 after recording an error. */
int tsu_onnx_weights(tsu_onnx_emitter *e, const tsu_node *node, bool bias, const char **names);
/* An int64 initializer [n] (shapes, pads). */
void tsu_onnx_int64s(tsu_onnx_emitter *e, const char *name, int n, const int64_t *v);
/* A float initializer [n] (constants a kind computes with). */
void tsu_onnx_floats(tsu_onnx_emitter *e, const char *name, int n, const float *v);
/* A float initializer [1] named "<id>/<what>"; its name. */
const char *tsu_onnx_scalar(tsu_onnx_emitter *e, const char *id, const char *what, float v);
/* A node `op` reading a and b whose output (and name) is `output`; returns
 * output, so that decompositions chain (GELU, LayerNormalization). */
const char *tsu_onnx_binary(tsu_onnx_emitter *e, const char *op, const char *a, const char *b,
                            const char *output);

/* A 2-D convolution as ONNX Conv and nn.Conv2d take it (Convolution,
 * DepthwiseConvolution): pairs (height, width), groups, a bias or none. */
typedef struct {
    const int *kernel, *stride, *pad, *dilation;
    int group;
    bool bias;
} tsu_conv_spec;

/* Conv reading the node's first input, its "weight" and, with a bias, its
 * "bias"; false after recording an error. */
bool tsu_onnx_conv(tsu_onnx_emitter *e, const tsu_xnode *x, const tsu_conv_spec *conv);

/* --------------------------------------------------------------------- C */

/* Appends text to predict()'s body. */
void tsu_c_printf(tsu_c_emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes `text` (a static function) once, before predict(), in the order
 * the body first asks for them. The pointer identifies the kernel. */
void tsu_c_kernel(tsu_c_emitter *e, const char *text);
/* The C expressions of a node's first input (src) and of its output (dst). */
typedef struct {
    char src[64], dst[64];
} tsu_c_io;
tsu_c_io tsu_c_operands(const tsu_c_emitter *e, const tsu_xnode *x);
/* The C expression of a plan node's values ("arena + 96", "input + 0"). */
void tsu_c_value(const tsu_c_emitter *e, const tsu_node *node, char *buf, size_t size);
/* The array holding the node's tensor `suffix`, or "0" when it has none. */
const char *tsu_c_tensor(const tsu_c_emitter *e, const tsu_node *node, const char *suffix,
                         char *buf, size_t size);
/* A float literal that reads back to the same float: "0.5f". */
void tsu_c_float(float v, char *buf, size_t size);
/* One loop over the node's values, y[i] = expr, where expr reads the first
 * input's value as v and may index other arrays with i. */
void tsu_c_elementwise(tsu_c_emitter *e, const tsu_xnode *x, const char *expr);

/* --------------------------------------------------------------- PyTorch */

void tsu_py_printf(tsu_py_emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The Python local holding node's output: t_<id>. */
const char *tsu_py_value(const tsu_node *node, char *buf, size_t size);
/* The shortest text that reads back as the same double: 0.2. */
const char *tsu_py_num(double v, char *buf, size_t size);
/* "(h, w), stride=(h, w), padding=(h, w)" for nn.Conv2d and its kin. */
void tsu_py_window(tsu_py_emitter *e, const int *kernel, const int *stride, const int *pad);
/* nn.Conv2d(in_channels, out_channels, ...) for a convolution. */
void tsu_py_conv2d(tsu_py_emitter *e, int in_channels, int out_channels, const tsu_conv_spec *conv);
/* m["id"](arg): the node's registered module applied to arg. */
void tsu_py_call_module(tsu_py_emitter *e, const tsu_node *node, const char *arg);
/* A .pytorch callback for kinds whose module takes the first input as it is. */
void tsu_py_module_forward(tsu_py_emitter *e, const tsu_node *node);
/* A .pytorch callback for kinds inference reads through that model.py
 * still writes (it writes every node): the first input, unchanged. */
void tsu_py_pass_through(tsu_py_emitter *e, const tsu_node *node);
/* model.py imports math (for math.inf). */
void tsu_py_need_math(tsu_py_emitter *e);

#endif
