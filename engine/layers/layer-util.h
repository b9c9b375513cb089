/* layer-util.h — what the layer files share: param descriptor shorthands and
 * the window arithmetic of convolution and pooling. */
#ifndef TSU_LAYER_UTIL_H
#define TSU_LAYER_UTIL_H

#include "runtime/vectorize.h"

#include "tsu-internal.h"
#include "tsu-i18n.h"
#include "runtime/runtime.h"

/* Upper bound for sizes in files; large enough for any real network, small
 * enough that products of a few of them cannot overflow. */
#define TSU_DIM_MAX 65536

#define TSU_PARAM_INT_DEF(nm, dflt, lo, hi, hlp)                                       \
    {.name = (nm), .type = TSU_PARAM_INT, .def = {.n = 1, .ints = {(dflt)}},           \
     .min = (lo), .max = (hi), .help = (hlp)}
#define TSU_PARAM_INT_REQ(nm, lo, hi, hlp)                                             \
    {.name = (nm), .type = TSU_PARAM_INT, .required = true, .min = (lo), .max = (hi),  \
     .help = (hlp)}
#define TSU_PARAM_PAIR_DEF(nm, a, b, lo, hi, hlp)                                      \
    {.name = (nm), .type = TSU_PARAM_INTS, .count = 2, .def = {.n = 2, .ints = {(a), (b)}}, \
     .min = (lo), .max = (hi), .help = (hlp)}
#define TSU_PARAM_PAIR_REQ(nm, lo, hi, hlp)                                            \
    {.name = (nm), .type = TSU_PARAM_INTS, .count = 2, .required = true, .min = (lo),  \
     .max = (hi), .help = (hlp)}
#define TSU_PARAM_PAIR_SAME(nm, other, lo, hi, hlp)                                    \
    {.name = (nm), .type = TSU_PARAM_INTS, .count = 2, .same_as = (other), .min = (lo), \
     .max = (hi), .help = (hlp)}
#define TSU_PARAM_FLOAT_DEF(nm, dflt, lo, hi, hlp)                                     \
    {.name = (nm), .type = TSU_PARAM_FLOAT, .def = {.number = (dflt)}, .min = (lo),    \
     .max = (hi), .help = (hlp)}
#define TSU_PARAM_BOOL_DEF(nm, dflt, hlp)                                              \
    {.name = (nm), .type = TSU_PARAM_BOOL, .def = {.boolean = (dflt)}, .help = (hlp)}
#define TSU_PARAM_STRING_DEF(nm, dflt, hlp)                                            \
    {.name = (nm), .type = TSU_PARAM_STRING, .def = {.string = (dflt)}, .help = (hlp)}

static inline int tsu_param_int(const tsu_node *node, int index)
{
    return tsu_node_value(node, index)->ints[0];
}

static inline const int *tsu_param_ints(const tsu_node *node, int index)
{
    return tsu_node_value(node, index)->ints;
}

/* Values per channel (axis 0): the spatial size of an image, 1 for a vector. */
static inline size_t tsu_channel_size(const tsu_shape *shape)
{
    return tsu_shape_size(shape) / (size_t)shape->d[0];
}

static inline const tsu_shape *tsu_input_shape(const tsu_node *node, int index)
{
    return &node->inputs[index]->shape;
}

/* "[16, 28, 28]" into a caller's buffer, for messages. */
const char *tsu_shape_text(const tsu_shape *shape, char *buf, size_t size);

/* Fails the node unless its first input is [C, H, W]. */
bool tsu_require_image(tsu_node *node, tsu_diag *diag);

/* A 2-D sliding window: kernel, stride, pad, dilation per axis (H, W). */
typedef struct {
    int kernel[2], stride[2], pad[2], dilation[2];
} tsu_window;

/* The window of a node from its pair parameters at these indices (dilation
 * -1: a kind without one, dilation 1). */
tsu_window tsu_window_params(const tsu_node *node, int kernel, int stride, int pad, int dilation);

/* Output size of a window sliding over in[2] (floor, as NNC's
 * ignore_border=true). Reports a kernel that does not fit the padded input on
 * `kernel_param` and returns false. */
bool tsu_window_output(tsu_node *node, tsu_diag *diag, const char *kernel_param,
                       const tsu_window *win, const int in[2], int out[2]);

/* Shape inference for kinds whose output has the input's shape. */
bool tsu_infer_same_shape(tsu_node *node, tsu_diag *diag);
/* MACs for kinds that count no multiply-adds (element-wise, copies). */
uint64_t tsu_macs_none(const tsu_node *node);

/* This thread's slice of a per-sample buffer with `size` values per sample. */
static inline size_t tsu_slice_begin(const tsu_exec *ex, size_t size)
{
    return (size_t)ex->n0 * size;
}
static inline size_t tsu_slice_end(const tsu_exec *ex, size_t size)
{
    return (size_t)ex->n1 * size;
}

/* Sum of n floats in eight lanes: vectorises, and shortens the dependency
 * chain of a plain running sum. */
float tsu_sum_floats(const float *x, size_t n);

/* Forward/backward of layers that copy their input unchanged (Flatten,
 * Reshape). */
void tsu_copy_forward(tsu_layer_run *run, tsu_exec *ex, int stage);
void tsu_copy_backward(tsu_layer_run *run, tsu_exec *ex, int stage);

#endif
