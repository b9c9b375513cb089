/* tensor_ops.c — Flatten, Reshape, Concatenate, Add2, Mul2, Sub2: layers that
 * move or combine values without learning anything. */
#include "runtime/vectorize.h"

#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <string.h>

/* The ReLU after an Add2 runs in the Add2's passes (activation.c). */
extern const tsu_layer_kind tsu_kind_relu;

enum { RESHAPE_SHAPE, RESHAPE_N_PARAMS };
enum { CONCAT_AXIS, CONCAT_N_PARAMS };

static const tsu_param_desc reshape_params[] = {
    [RESHAPE_SHAPE] = {.name = "shape", .type = TSU_PARAM_INTS, .count = 0, .required = true,
                       .min = 1, .max = 1 << 24,
                       .help = N_("New shape without the batch axis; same number of values")},
};
TSU_PARAMS_MATCH(reshape_params, RESHAPE_N_PARAMS);

static const tsu_param_desc concat_params[] = {
    [CONCAT_AXIS] =
        TSU_PARAM_INT_DEF("axis", 0, 0, TSU_MAX_DIMS - 1,
                          N_("Axis to join along (0 = channels; the batch axis is not counted)")),
};
TSU_PARAMS_MATCH(concat_params, CONCAT_N_PARAMS);

static bool flatten_infer(tsu_node *node, tsu_diag *diag)
{
    size_t size = tsu_shape_size(tsu_input_shape(node, 0));
    if (size > (size_t)1 << 30)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL, _("%zu values are too many"), size);
    node->shape = tsu_shape_1((int)size);
    return true;
}

static bool reshape_infer(tsu_node *node, tsu_diag *diag)
{
    const tsu_value *v = tsu_node_value(node, RESHAPE_SHAPE);
    tsu_shape target = tsu_shape_make(v->n, v->ints);
    const tsu_shape *in = tsu_input_shape(node, 0);
    if (tsu_shape_size(&target) != tsu_shape_size(in)) {
        char a[96], b[96];
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "shape",
                             _("cannot reshape %s (%zu values) to %s (%zu values)"),
                             tsu_shape_text(in, a, sizeof a), tsu_shape_size(in),
                             tsu_shape_text(&target, b, sizeof b), tsu_shape_size(&target));
    }
    node->shape = target;
    return true;
}

static bool concat_infer(tsu_node *node, tsu_diag *diag)
{
    int axis = tsu_param_int(node, CONCAT_AXIS);
    const tsu_shape *first = tsu_input_shape(node, 0);
    char a[96], b[96];
    if (axis >= first->ndim)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "axis",
                             _("axis %d does not exist in input shape %s"), axis,
                             tsu_shape_text(first, a, sizeof a));
    tsu_shape out = *first;
    for (int i = 1; i < node->n_inputs; i++) {
        const tsu_shape *s = tsu_input_shape(node, i);
        bool fits = s->ndim == first->ndim;
        for (int d = 0; fits && d < s->ndim; d++)
            if (d != axis && s->d[d] != first->d[d]) fits = false;
        if (!fits)
            return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                                 _("Concatenate inputs %s %s and %s %s differ outside axis %d"),
                                 node->inputs[0]->id, tsu_shape_text(first, a, sizeof a),
                                 node->inputs[i]->id, tsu_shape_text(s, b, sizeof b), axis);
        out.d[axis] += s->d[axis];
    }
    node->shape = out;
    return true;
}

/* Add2, Mul2, Sub2: inputs of the same rank whose axes match or are 1 in
 * one of them; an axis of size 1 repeats along the other's (numpy's rule
 * without rank promotion: [8, 12, 12] x [8, 1, 1] is a squeeze-and-excitation
 * gate). */
static bool binary_infer(tsu_node *node, tsu_diag *diag)
{
    const tsu_shape *x = tsu_input_shape(node, 0), *y = tsu_input_shape(node, 1);
    char a[96], b[96];
    tsu_shape_text(x, a, sizeof a);
    tsu_shape_text(y, b, sizeof b);
    if (x->ndim != y->ndim)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                             _("%s inputs %s %s and %s %s differ in rank; axes of size 1 "
                               "broadcast only between shapes of the same rank"),
                             node->kind->name, node->inputs[0]->id, a, node->inputs[1]->id, b);
    tsu_shape out = *x;
    for (int d = 0; d < x->ndim; d++) {
        if (x->d[d] == y->d[d] || y->d[d] == 1) continue;
        if (x->d[d] != 1)
            return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                                 _("%s inputs %s %s and %s %s differ at axis %d; each axis must "
                                   "match or be 1 in one of them"),
                                 node->kind->name, node->inputs[0]->id, a, node->inputs[1]->id,
                                 b, d);
        out.d[d] = y->d[d];
    }
    node->shape = out;
    return true;
}

/* Concatenate: a sample is `outer` runs of each input's block in turn,
 * where outer multiplies the axes before `axis`. */
static void concat_layout(const tsu_node *node, size_t *outer, size_t *inner)
{
    int axis = tsu_param_int(node, CONCAT_AXIS);
    *outer = 1;
    *inner = 1;
    for (int d = 0; d < axis; d++) *outer *= (size_t)node->shape.d[d];
    for (int d = axis + 1; d < node->shape.ndim; d++) *inner *= (size_t)node->shape.d[d];
}

static void concat_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    size_t outer, inner;
    concat_layout(run->node, &outer, &inner);
    int axis = tsu_param_int(run->node, CONCAT_AXIS);
    for (int s = ex->n0; s < ex->n1; s++) {
        float *y = run->out + (size_t)s * run->out_size;
        for (size_t o = 0; o < outer; o++)
            for (int i = 0; i < run->n_inputs; i++) {
                size_t block = (size_t)run->node->inputs[i]->shape.d[axis] * inner;
                memcpy(y, run->in[i] + (size_t)s * run->in_size[i] + o * block,
                       block * sizeof *y);
                y += block;
            }
    }
}

static void concat_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    size_t outer, inner;
    concat_layout(run->node, &outer, &inner);
    int axis = tsu_param_int(run->node, CONCAT_AXIS);
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *dy = run->dout + (size_t)s * run->out_size;
        for (size_t o = 0; o < outer; o++)
            for (int i = 0; i < run->n_inputs; i++) {
                size_t block = (size_t)run->node->inputs[i]->shape.d[axis] * inner;
                float *dx = run->din[i];
                if (dx) {
                    dx += (size_t)s * run->in_size[i] + o * block;
                    for (size_t j = 0; j < block; j++) tsu_put(&dx[j], dy[j], run->din_accumulate[i]);
                }
                dy += block;
            }
    }
}

/* The axes of a broadcasting binary kind's output and each input's stride
 * along them (0 on an axis the input repeats). */
typedef struct {
    int ndim;
    int dim[TSU_MAX_DIMS];
    size_t stride[2][TSU_MAX_DIMS];
} bcast_map;

static bcast_map bcast_of(const tsu_node *node)
{
    bcast_map m = {.ndim = node->shape.ndim};
    for (int k = 0; k < 2; k++) {
        const tsu_shape *in = tsu_input_shape(node, k);
        size_t stride = 1;
        for (int d = in->ndim - 1; d >= 0; d--) {
            m.stride[k][d] = in->d[d] == 1 ? 0 : stride;
            stride *= (size_t)in->d[d];
        }
    }
    for (int d = 0; d < m.ndim; d++) m.dim[d] = node->shape.d[d];
    return m;
}

static bool bcast_is_plain(const tsu_node *node)
{
    return tsu_shape_equal(tsu_input_shape(node, 0), tsu_input_shape(node, 1));
}

typedef enum { OP_ADD, OP_MUL, OP_SUB } binary_op;

static binary_op op_of(const tsu_node *node);

/* One row of the last axis: y[j] = a[j sa] op b[j sb]. */
static void binary_row(binary_op op, const float *a, size_t sa, const float *b, size_t sb,
                       float *y, size_t n)
{
    if (sa == 1 && sb == 1) { /* same shapes: loops the compiler vectorises */
        switch (op) {
        case OP_ADD: for (size_t j = 0; j < n; j++) y[j] = a[j] + b[j]; break;
        case OP_MUL: for (size_t j = 0; j < n; j++) y[j] = a[j] * b[j]; break;
        case OP_SUB: for (size_t j = 0; j < n; j++) y[j] = a[j] - b[j]; break;
        }
        return;
    }
    switch (op) {
    case OP_ADD: for (size_t j = 0; j < n; j++) y[j] = a[j * sa] + b[j * sb]; break;
    case OP_MUL: for (size_t j = 0; j < n; j++) y[j] = a[j * sa] * b[j * sb]; break;
    case OP_SUB: for (size_t j = 0; j < n; j++) y[j] = a[j * sa] - b[j * sb]; break;
    }
}

/* Rows of the last axis of one sample, in order: at[] is the row's first
 * index in input 0, input 1 and the output. Start from {0} and call
 * bcast_next after each row. */
typedef struct {
    int idx[TSU_MAX_DIMS];
    size_t at[3];
} bcast_row;

/* Moves to the next row (an odometer over the axes before the last); false
 * after the last row. */
static bool bcast_next(const bcast_map *m, bcast_row *r)
{
    r->at[2] += (size_t)m->dim[m->ndim - 1];
    for (int d = m->ndim - 2; d >= 0; d--) {
        r->at[0] += m->stride[0][d];
        r->at[1] += m->stride[1][d];
        if (++r->idx[d] < m->dim[d]) return true;
        r->at[0] -= m->stride[0][d] * (size_t)m->dim[d];
        r->at[1] -= m->stride[1][d] * (size_t)m->dim[d];
        r->idx[d] = 0;
    }
    return false;
}

/* r = max(y, 0) for the fused ReLU (NaN passes, as in relu_forward). */
static void relu_of(const float *restrict y, float *restrict r, size_t n)
{
    for (size_t j = 0; j < n; j++) r[j] = y[j] < 0.0f ? 0.0f : y[j];
}

/* y = a + b and the fused ReLU's r in one pass: the residual connection of
 * a ResNet block (Add2 then ReLU) read both inputs, wrote y, then read y
 * again to write r. y only when keep (TSU_NET_KEPT_SAMPLES: nothing else
 * reads it; backward masks with r). */
static inline __attribute__((always_inline)) void
add_relu_impl(const float *restrict a, const float *restrict b, float *restrict y,
              float *restrict r, size_t n, bool keep)
{
    for (size_t j = 0; j < n; j++) {
        const float t = a[j] + b[j];
        if (keep) y[j] = t;
        r[j] = t < 0.0f ? 0.0f : t;
    }
}

/* Elements [begin, end) of the batch's flat arrays, y kept for the first
 * `kept` elements (TSU_NET_KEPT_SAMPLES samples). */
static void add_relu_range(const float *a, const float *b, float *y, float *r, size_t begin,
                           size_t end, size_t kept)
{
    const size_t split = kept < begin ? begin : kept > end ? end : kept;
    add_relu_impl(a + begin, b + begin, y + begin, r + begin, split - begin, true);
    add_relu_impl(a + split, b + split, NULL, r + split, end - split, false);
}

static void binary_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const binary_op op = op_of(run->node);
    float *relu = run->relu_after ? run->relu_after->out : NULL;
    if (bcast_is_plain(run->node)) {
        size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
        if (relu) /* only Add2 absorbs a ReLU */
            add_relu_range(run->in[0], run->in[1], run->out, relu, a, b,
                           (size_t)TSU_NET_KEPT_SAMPLES * run->out_size);
        else
            binary_row(op, run->in[0] + a, 1, run->in[1] + a, 1, run->out + a, b - a);
        return;
    }
    const bcast_map m = bcast_of(run->node);
    const int last = m.ndim - 1;
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x0 = run->in[0] + (size_t)s * run->in_size[0];
        const float *x1 = run->in[1] + (size_t)s * run->in_size[1];
        float *y = run->out + (size_t)s * run->out_size;
        bcast_row r = {0};
        do
            binary_row(op, x0 + r.at[0], m.stride[0][last], x1 + r.at[1], m.stride[1][last],
                       y + r.at[2], (size_t)m.dim[last]);
        while (bcast_next(&m, &r));
        if (relu) relu_of(y, relu + (size_t)s * run->out_size, run->out_size);
    }
}

/* The gradient of input k for one element: dy, -dy (Sub2's second) or dy
 * times the other input (Mul2). */
static inline float binary_grad(binary_op op, int k, float dy, float other)
{
    return op == OP_MUL ? dy * other : (op == OP_SUB && k == 1 ? -dy : dy);
}

/* Backward of input k over one sample: sums over its broadcast axes. */
static void binary_backward_input(const tsu_layer_run *run, const bcast_map *m, binary_op op,
                                  int k, int s)
{
    float *dx = run->din[k] + (size_t)s * run->in_size[k];
    const float *other = run->in[1 - k] + (size_t)s * run->in_size[1 - k];
    const float *dy = run->dout + (size_t)s * run->out_size;
    const int last = m->ndim - 1;
    const size_t sx = m->stride[k][last], so = m->stride[1 - k][last];
    if (!run->din_accumulate[k])
        for (size_t i = 0; i < run->in_size[k]; i++) dx[i] = 0.0f;
    bcast_row r = {0};
    do {
        const size_t at_x = r.at[k], at_o = r.at[1 - k];
        for (int j = 0; j < m->dim[last]; j++)
            dx[at_x + j * sx] += binary_grad(op, k, dy[r.at[2] + j], other[at_o + j * so]);
    } while (bcast_next(m, &r));
}

/* dst = g, or dst += g (another consumer wrote first); a loop each, so
 * both vectorise. */
static void put_floats(float *dst, const float *restrict g, size_t n, bool accumulate)
{
    if (accumulate)
        for (size_t i = 0; i < n; i++) dst[i] += g[i];
    else
        memcpy(dst, g, n * sizeof *dst);
}

/* The fused ReLU's output gradient where it passed its input, else 0 (as
 * relu_backward): Add2's own output gradient. */
static void relu_mask(const float *restrict dr, const float *restrict r, float *restrict g,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const float d = dr[i]; /* read unconditionally, so the loop vectorises */
        g[i] = r[i] > 0.0f ? d : 0.0f;
    }
}

/* Both input gradients of a plain Add2 with a fused ReLU in one pass, from
 * the ReLU's output gradient, our own left unwritten (one stream less than
 * masking into it and copying it twice). A loop per flag combination,
 * inlined, with restrict pointers and dr read unconditionally, so each
 * vectorises: with d0 and d1 free to alias and dr read only under the
 * test, GCC left it a scalar loop with a branch per value, 6.7% of the
 * ResNet example's training (perf) for three of its passes. Add2(a, a),
 * both gradients in one buffer, has a loop of its own. */
static inline __attribute__((always_inline)) void
add_relu_back_impl(const float *restrict dr, const float *restrict r, float *restrict d0,
                   float *restrict d1, size_t n, bool acc0, bool acc1)
{
    for (size_t i = 0; i < n; i++) {
        const float v = dr[i], g = r[i] > 0.0f ? v : 0.0f;
        d0[i] = acc0 ? d0[i] + g : g;
        if (d1) d1[i] = acc1 ? d1[i] + g : g;
    }
}

/* Add2(a, a): the buffer gets g twice, on top of what it held when acc. */
static void add_relu_back_same(const float *restrict dr, const float *restrict r,
                               float *restrict d, size_t n, bool acc)
{
    for (size_t i = 0; i < n; i++) {
        const float v = dr[i], g = r[i] > 0.0f ? v : 0.0f;
        d[i] = acc ? d[i] + g + g : g + g;
    }
}

static void add_relu_backward(const float *dr, const float *r, float *d0, float *d1, size_t n,
                              bool acc0, bool acc1)
{
    /* One buffer for both: the second input's write always adds
     * (plan_gradient_writes in engine/runtime/net.c marks a producer written
     * by the first). */
    if (d1 == d0)
        add_relu_back_same(dr, r, d0, n, acc0);
    else if (!d1)
        acc0 ? add_relu_back_impl(dr, r, d0, NULL, n, true, false)
             : add_relu_back_impl(dr, r, d0, NULL, n, false, false);
    else if (acc0)
        acc1 ? add_relu_back_impl(dr, r, d0, d1, n, true, true)
             : add_relu_back_impl(dr, r, d0, d1, n, true, false);
    else
        acc1 ? add_relu_back_impl(dr, r, d0, d1, n, false, true)
             : add_relu_back_impl(dr, r, d0, d1, n, false, false);
}

static void binary_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const binary_op op = op_of(run->node);
    const bool plain = bcast_is_plain(run->node);
    const bcast_map m = bcast_of(run->node);
    size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
    if (run->relu_after && plain && (run->din[0] || run->din[1])) {
        const int first = run->din[0] ? 0 : 1;
        const float *dr = run->relu_after->dout + a, *r = run->relu_after->out + a;
        float *d1 = first == 0 && run->din[1] ? run->din[1] + a : NULL;
        add_relu_backward(dr, r, run->din[first] + a, d1, b - a, run->din_accumulate[first],
                          d1 && run->din_accumulate[1]);
        return;
    }
    /* A fused ReLU leaves our output gradient to us: its own, masked. */
    if (run->relu_after)
        relu_mask(run->relu_after->dout + a, run->relu_after->out + a, run->dout + a, b - a);
    for (int k = 0; k < 2; k++) {
        float *dx = run->din[k];
        if (!dx) continue;
        if (plain && op == OP_ADD) {
            put_floats(dx + a, run->dout + a, b - a, run->din_accumulate[k]);
            continue;
        }
        if (plain) {
            const float *other = run->in[1 - k];
            for (size_t i = a; i < b; i++)
                tsu_put(&dx[i], binary_grad(op, k, run->dout[i], other[i]), run->din_accumulate[k]);
            continue;
        }
        for (int s = ex->n0; s < ex->n1; s++) binary_backward_input(run, &m, op, k, s);
    }
}

static const tsu_layer_ops copy_ops = {.forward = tsu_copy_forward, .backward = tsu_copy_backward};
static const tsu_layer_ops concat_ops = {.forward = concat_forward, .backward = concat_backward};
static const tsu_layer_ops binary_ops = {.forward = binary_forward, .backward = binary_backward};

/* ------------------------------------------------------------- exports */

/* The values of a plan input, unchanged: Flatten and Reshape in C. */
static void copy_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    tsu_c_elementwise(e, x, "v");
}

static bool flatten_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    tsu_onnx_attr_int(e, tsu_onnx_node_add(e, "Flatten", id, 1, &in, id), "axis", 1);
    return true;
}

static void flatten_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8];
    tsu_py_printf(e, "torch.flatten(%s, 1)", tsu_py_value(node->inputs[0], src, sizeof src));
}

/* -1 keeps the batch axis dynamic; the other dims are known. */
static bool reshape_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *id = tsu_node_id(x->node);
    const tsu_shape *s = tsu_node_shape(x->node);
    int64_t dims[TSU_MAX_DIMS + 1] = {-1};
    for (int i = 0; i < s->ndim; i++) dims[i + 1] = s->d[i];
    const char *args[2] = {tsu_node_id(x->inputs[0]), tsu_onnx_name(e, "%s/shape", id)};
    tsu_onnx_int64s(e, args[1], s->ndim + 1, dims);
    tsu_onnx_node_add(e, "Reshape", id, 2, args, id);
    return true;
}

static void reshape_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    const tsu_shape *s = tsu_node_shape(node);
    char src[TSU_ID_MAX + 8];
    tsu_py_value(node->inputs[0], src, sizeof src);
    tsu_py_printf(e, "%s.reshape(%s.shape[0]", src, src);
    for (int i = 0; i < s->ndim; i++) tsu_py_printf(e, ", %d", s->d[i]);
    tsu_py_printf(e, ")");
}

/* The batch axis comes first in every format: axis + 1. */
static bool concat_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char **args = tsu_onnx_alloc(e, (size_t)x->n_inputs * sizeof *args);
    for (int i = 0; i < x->n_inputs; i++) args[i] = tsu_node_id(x->inputs[i]);
    const char *id = tsu_node_id(x->node);
    tsu_onnx_node *o = tsu_onnx_node_add(e, "Concat", id, x->n_inputs, args, id);
    tsu_onnx_attr_int(e, o, "axis", tsu_param_int(x->node, CONCAT_AXIS) + 1);
    return true;
}

static const char concat_c_kernel[] =
    "/* Appends `inner` values from each of `outer` blocks of x to y, whose\n"
    " * blocks hold `stride` values; returns y advanced past them. */\n"
    "static float *concat_part(const float *x, long outer, long inner, long stride, float *y)\n"
    "{\n"
    "    for (long i = 0; i < outer; i++)\n"
    "        for (long j = 0; j < inner; j++) y[i * stride + j] = x[i * inner + j];\n"
    "    return y + inner;\n"
    "}\n\n";

static void concat_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_shape *s = tsu_node_shape(x->node);
    int axis = tsu_param_int(x->node, CONCAT_AXIS);
    long outer = 1, stride = 1;
    for (int d = 0; d < axis; d++) outer *= s->d[d];
    for (int d = axis; d < s->ndim; d++) stride *= s->d[d];
    char dst[64];
    tsu_c_value(e, x->node, dst, sizeof dst);
    tsu_c_kernel(e, concat_c_kernel);
    tsu_c_printf(e, "    {\n        float *y = %s;\n", dst);
    for (int i = 0; i < x->n_inputs; i++) {
        char part[64];
        tsu_c_value(e, x->inputs[i], part, sizeof part);
        long inner = (long)tsu_shape_size(tsu_node_shape(x->inputs[i])) / outer;
        tsu_c_printf(e, "        y = concat_part(%s, %ld, %ld, %ld, y);\n", part, outer, inner,
                     stride);
    }
    tsu_c_printf(e, "    }\n");
}

static void concat_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    tsu_py_printf(e, "torch.cat([");
    for (int i = 0; i < node->n_inputs; i++) {
        char src[TSU_ID_MAX + 8];
        tsu_py_printf(e, "%s%s", i ? ", " : "", tsu_py_value(node->inputs[i], src, sizeof src));
    }
    tsu_py_printf(e, "], dim=%d)", tsu_param_int(node, CONCAT_AXIS) + 1);
}

static const char *const binary_onnx_op[] = {[OP_ADD] = "Add", [OP_MUL] = "Mul", [OP_SUB] = "Sub"};
static const char binary_c_op[] = {[OP_ADD] = '+', [OP_MUL] = '*', [OP_SUB] = '-'};
static const char *const binary_py_op[] = {[OP_ADD] = "+", [OP_MUL] = "*", [OP_SUB] = "-"};

/* ONNX's and PyTorch's operators broadcast as the runtime does (the batch
 * axis is in both inputs). */
static bool binary_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    tsu_onnx_binary(e, binary_onnx_op[op_of(x->node)], tsu_node_id(x->inputs[0]),
                    tsu_node_id(x->inputs[1]), tsu_node_id(x->node));
    return true;
}

/* The C index into input k for output index i: i itself, or a sum of the
 * output coordinates on the axes where the input is not broadcast. */
static void binary_c_index(const tsu_node *node, const bcast_map *m, int k, char *buf,
                           size_t size)
{
    if (tsu_shape_equal(tsu_input_shape(node, k), &node->shape)) {
        snprintf(buf, size, "i");
        return;
    }
    size_t at = 0, out_stride = tsu_shape_size(&node->shape);
    snprintf(buf, size, "0");
    for (int d = 0; d < m->ndim; d++) {
        out_stride /= (size_t)m->dim[d];
        if (m->stride[k][d] && at < size)
            at += (size_t)snprintf(buf + at, size - at, "%s(i / %zu %% %d) * %zu",
                                   at ? " + " : "", out_stride, m->dim[d], m->stride[k][d]);
    }
}

static void binary_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const bcast_map m = bcast_of(x->node);
    char in[2][64], index[2][512], dst[64];
    for (int k = 0; k < 2; k++) {
        tsu_c_value(e, x->inputs[k], in[k], sizeof in[k]);
        binary_c_index(x->node, &m, k, index[k], sizeof index[k]);
    }
    tsu_c_value(e, x->node, dst, sizeof dst);
    tsu_c_printf(e,
                 "    for (long i = 0; i < %zu; i++)\n"
                 "        (%s)[i] = (%s)[%s] %c (%s)[%s];\n",
                 tsu_shape_size(&x->node->shape), dst, in[0], index[0],
                 binary_c_op[op_of(x->node)], in[1], index[1]);
}

static void binary_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char a[TSU_ID_MAX + 8], b[TSU_ID_MAX + 8];
    tsu_py_printf(e, "%s %s %s", tsu_py_value(node->inputs[0], a, sizeof a),
                  binary_py_op[op_of(node)], tsu_py_value(node->inputs[1], b, sizeof b));
}

static const tsu_layer_export flatten_export = {
    .onnx = flatten_onnx, .c = copy_c, .pytorch = flatten_pytorch};
static const tsu_layer_export reshape_export = {
    .onnx = reshape_onnx, .c = copy_c, .pytorch = reshape_pytorch};
static const tsu_layer_export concat_export = {
    .onnx = concat_onnx, .c = concat_c, .pytorch = concat_pytorch};
static const tsu_layer_export binary_export = {
    .onnx = binary_onnx, .c = binary_c, .pytorch = binary_pytorch};

#define OTHERS_KIND(var, kname, khelp, prefix, min_in, max_in, kparams, kn_params, kinfer, kops, \
                    kexport, ...)                                                      \
    const tsu_layer_kind var = {                                                       \
        .name = kname,                                                                 \
        .category = "Others",                                                          \
        .help = khelp,                                                                 \
        .id_prefix = prefix,                                                           \
        .min_inputs = min_in,                                                          \
        .max_inputs = max_in,                                                          \
        .params = kparams,                                                             \
        .n_params = kn_params,                                                         \
        .infer = kinfer,                                                               \
        .macs = tsu_macs_none,                                                         \
        .ops = &kops,                                                                  \
        .exports = &kexport,                                                           \
        __VA_ARGS__                                                                    \
    }

OTHERS_KIND(tsu_kind_flatten, "Flatten", N_("All non-batch axes into one"), "flatten", 1, 1, NULL,
            0, flatten_infer, copy_ops, flatten_export,
    .about = {.computes = N_("Lays all values of a sample out along one axis: [C, H, W] becomes "
                  "[C*H*W]."),
              .why = N_("Connects convolutional layers to layers that expect vectors."),
              .neighbours = N_("Between the last Convolution or pooling block and Affine (Affine also "
                  "flattens by itself).")});
OTHERS_KIND(tsu_kind_reshape, "Reshape", N_("Same values, another shape"), "reshape", 1, 1,
            reshape_params, TSU_ARRAY_LEN(reshape_params), reshape_infer, copy_ops,
            reshape_export,
    .about = {.computes = N_("Gives the same values another shape, in the same order."),
              .why = N_("Turns a vector into an image or back, e.g. in a decoder."),
              .neighbours = N_("Between Affine and Convolution or Deconvolution.")});
OTHERS_KIND(tsu_kind_concatenate, "Concatenate", N_("Joins inputs along an axis"), "concat", 2,
            -1, concat_params, TSU_ARRAY_LEN(concat_params), concat_infer, concat_ops,
            concat_export,
    .about = {.computes = N_("Joins its inputs along an axis (the channels, axis 0, by default)."),
              .why = N_("Combines the features of several branches, as in Inception and U-Net."),
              .neighbours = N_("After parallel branches; usually followed by a Convolution that mixes "
                  "them.")});
OTHERS_KIND(tsu_kind_add2, "Add2",
            N_("Element-wise sum of two inputs; axes of size 1 broadcast (same rank)"), "add", 2, 2,
            NULL, 0, binary_infer, binary_ops, binary_export,
            .fusion = {.absorbs = &tsu_kind_relu},
    .about = {.computes = N_("Adds its two inputs value by value."),
              .why = N_("Builds residual connections (x + f(x)), which let very deep networks "
                  "train."),
              .neighbours = N_("Joins a block's input to the block's output in a ResNet.")});
OTHERS_KIND(tsu_kind_mul2, "Mul2",
            N_("Element-wise product of two inputs; axes of size 1 broadcast (same rank)"), "mul", 2,
            2, NULL, 0, binary_infer, binary_ops, binary_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("Multiplies its two inputs value by value."),
              .why = N_("Gates one signal by another, as in attention and squeeze-and-excitation "
                  "blocks."),
              .neighbours = N_("A Sigmoid branch multiplied with the features it gates.")});
OTHERS_KIND(tsu_kind_sub2, "Sub2",
            N_("First input minus the second; axes of size 1 broadcast (same rank)"), "sub", 2, 2,
            NULL, 0, binary_infer, binary_ops, binary_export,
    .about = {.computes = N_("Subtracts its second input from its first, value by value."),
              .why = N_("Computes the difference of two branches."),
              .neighbours = N_("Two branches of the same shape.")});

/* The kinds share their passes and exports; the kind tells the operator. */
static binary_op op_of(const tsu_node *node)
{
    return node->kind == &tsu_kind_mul2 ? OP_MUL : node->kind == &tsu_kind_sub2 ? OP_SUB : OP_ADD;
}
