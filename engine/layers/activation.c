/* activation.c — element-wise activations and Softmax (over axis 0). */
#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <math.h>

/* LeakyReLU's and ELU's one parameter. */
enum { ALPHA, ALPHA_N_PARAMS };

static const tsu_param_desc leaky_relu_params[] = {
    [ALPHA] = TSU_PARAM_FLOAT_DEF("alpha", 0.1, 0.0, 1e6, N_("Slope for negative inputs")),
};
TSU_PARAMS_MATCH(leaky_relu_params, ALPHA_N_PARAMS);

static const tsu_param_desc elu_params[] = {
    [ALPHA] = TSU_PARAM_FLOAT_DEF("alpha", 1.0, 0.0, 1e6,
                                  N_("Value approached for very negative inputs")),
};
TSU_PARAMS_MATCH(elu_params, ALPHA_N_PARAMS);

/* Loops over this thread's values; `x`, `y`, `dy` and `alpha` are in scope
 * of the body, which assigns `v`. */
#define ELEMENTWISE_FORWARD(fname, body)                                                \
    static void fname(tsu_layer_run *run, tsu_exec *ex, int stage)                      \
    {                                                                                   \
        const float *restrict x = run->in[0];                                           \
        float *restrict y = run->out;                                                   \
        const float alpha = run->node->kind->n_params        \
                                ? (float)tsu_node_value(run->node, ALPHA)->number : 0.0f; \
        (void)alpha;                                                                    \
        size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size); \
        for (size_t i = a; i < b; i++) {                                                \
            float v;                                                                    \
            body;                                                                       \
            y[i] = v;                                                                   \
        }                                                                               \
    }

#define ELEMENTWISE_BACKWARD(fname, body)                                               \
    static void fname(tsu_layer_run *run, tsu_exec *ex, int stage)                      \
    {                                                                                   \
        float *restrict dx = run->din[0];                                               \
        if (!dx) return;                                                                \
        const float *restrict x = run->in[0], *restrict y = run->out;                   \
        const float *restrict dy = run->dout;                                           \
        const float alpha = run->node->kind->n_params                                   \
                                ? (float)tsu_node_value(run->node, ALPHA)->number : 0.0f; \
        (void)alpha; (void)x; (void)y;                                                  \
        size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size); \
        if (run->din_accumulate[0]) {                                                   \
            for (size_t i = a; i < b; i++) {                                            \
                float v;                                                                \
                body;                                                                   \
                dx[i] += v;                                                             \
            }                                                                           \
        } else {                                                                        \
            for (size_t i = a; i < b; i++) {                                            \
                float v;                                                                \
                body;                                                                   \
                dx[i] = v;                                                              \
            }                                                                           \
        }                                                                               \
    }

/* NaN passes through (as in PyTorch), so tsu_net_first_nonfinite still sees it. */
ELEMENTWISE_FORWARD(relu_forward, v = x[i] < 0.0f ? 0.0f : x[i])
/* Loads happen unconditionally so the selects vectorise. */
ELEMENTWISE_BACKWARD(relu_backward, float g = dy[i]; v = y[i] > 0.0f ? g : 0.0f)
/* exp of a non-positive argument only: no overflow for large |x|. */
ELEMENTWISE_FORWARD(sigmoid_forward, {
    float e = expf(-fabsf(x[i]));
    v = x[i] >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
})
ELEMENTWISE_BACKWARD(sigmoid_backward, v = dy[i] * y[i] * (1.0f - y[i]))
ELEMENTWISE_FORWARD(tanh_forward, v = tanhf(x[i]))
ELEMENTWISE_BACKWARD(tanh_backward, v = dy[i] * (1.0f - y[i] * y[i]))
ELEMENTWISE_FORWARD(leaky_relu_forward, v = x[i] > 0.0f ? x[i] : alpha * x[i])
ELEMENTWISE_BACKWARD(leaky_relu_backward, float g = dy[i]; v = x[i] > 0.0f ? g : alpha * g)
ELEMENTWISE_FORWARD(elu_forward, v = x[i] > 0.0f ? x[i] : alpha * expm1f(x[i]))
ELEMENTWISE_BACKWARD(elu_backward, float g = dy[i]; v = x[i] > 0.0f ? g : g * (y[i] + alpha))

/* PyTorch's SELU constants (torch.nn.SELU), also ONNX Selu's defaults. */
#define SELU_SCALE 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717

static inline float sigmoid_of(float x)
{
    float e = expf(-fabsf(x));
    return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

ELEMENTWISE_FORWARD(swish_forward, v = x[i] * sigmoid_of(x[i]))
/* d/dx x s(x) = s + x s (1 - s) */
ELEMENTWISE_BACKWARD(swish_backward, float s = sigmoid_of(x[i]);
                     v = dy[i] * s * (1.0f + x[i] * (1.0f - s)))
/* The exact GELU (erf form), as PyTorch's default approximate="none". */
ELEMENTWISE_FORWARD(gelu_forward, v = 0.5f * x[i] * (1.0f + erff(x[i] * (float)M_SQRT1_2)))
/* Phi(x) + x phi(x), phi the standard normal density. */
ELEMENTWISE_BACKWARD(gelu_backward, {
    const float phi = 0.3989422804014327f * expf(-0.5f * x[i] * x[i]);
    v = dy[i] * (0.5f * (1.0f + erff(x[i] * (float)M_SQRT1_2)) + x[i] * phi);
})
/* log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|). */
ELEMENTWISE_FORWARD(softplus_forward, v = fmaxf(x[i], 0.0f) + log1pf(expf(-fabsf(x[i]))))
ELEMENTWISE_BACKWARD(softplus_backward, v = dy[i] * sigmoid_of(x[i]))
ELEMENTWISE_FORWARD(selu_forward,
                    v = x[i] > 0.0f ? (float)SELU_SCALE * x[i]
                                    : (float)(SELU_SCALE * SELU_ALPHA) * expm1f(x[i]))
/* For x <= 0, dy/dx = scale alpha e^x = y + scale alpha. */
ELEMENTWISE_BACKWARD(selu_backward, float g = dy[i];
                     v = x[i] > 0.0f ? g * (float)SELU_SCALE
                                     : g * (y[i] + (float)(SELU_SCALE * SELU_ALPHA)))

/* PReLU: max(x, 0) + a_c min(x, 0) with one learnable slope a_c per
 * channel (axis 0), as PyTorch's nn.PReLU(C) applied to [N, C, ...]. */
static bool prelu_infer(tsu_node *node, tsu_diag *diag)
{
    node->shape = *tsu_input_shape(node, 0);
    tsu_shape channels = tsu_shape_1(node->shape.d[0]);
    tsu_node_add_tensor(node, "weight", &channels, true);
    return true;
}

static void prelu_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const size_t inner = tsu_channel_size(&run->node->shape);
    const int channels = run->node->shape.d[0];
    const float *slope = run->data[0];
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->out_size;
        float *y = run->out + (size_t)s * run->out_size;
        for (int c = 0; c < channels; c++) {
            const float a = slope[c];
            for (size_t j = c * inner; j < (c + 1) * inner; j++)
                y[j] = x[j] > 0.0f ? x[j] : a * x[j];
        }
    }
}

/* dx = dy (x > 0) or a dy; da_c = sum of dy x over x <= 0. */
static void prelu_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const size_t inner = tsu_channel_size(&run->node->shape);
    const int channels = run->node->shape.d[0];
    const float *slope = run->data[0];
    float *dslope = tsu_run_grad(run, ex, 0);
    float *dx_all = run->din[0];
    const bool acc = run->din_accumulate[0];
    for (int s = ex->n0; s < ex->n1; s++) {
        size_t at = (size_t)s * run->out_size;
        const float *x = run->in[0] + at, *dy = run->dout + at;
        for (int c = 0; c < channels; c++) {
            const float a = slope[c];
            float sum = 0.0f;
            for (size_t j = c * inner; j < (c + 1) * inner; j++) {
                const float neg = x[j] > 0.0f ? 0.0f : x[j];
                sum += dy[j] * neg;
                if (dx_all) tsu_put(&dx_all[at + j], x[j] > 0.0f ? dy[j] : a * dy[j], acc);
            }
            if (dslope) dslope[c] += sum;
        }
    }
}

/* Softmax over axis 0: for each position j of the other axes, over the
 * channels c at x[c * inner + j]. Loops run over j innermost so memory is
 * read in order; work holds the per-position maximum and sum. */
static size_t softmax_inner(const tsu_node *node)
{
    return tsu_channel_size(&node->shape);
}

static size_t softmax_work(const tsu_node *node)
{
    return 2 * softmax_inner(node);
}

static void softmax_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const size_t inner = softmax_inner(run->node), channels = (size_t)run->node->shape.d[0];
    float *peak = ex->work, *sum = ex->work + inner;
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->out_size;
        float *y = run->out + (size_t)s * run->out_size;
        for (size_t j = 0; j < inner; j++) peak[j] = x[j], sum[j] = 0.0f;
        for (size_t c = 1; c < channels; c++)
            for (size_t j = 0; j < inner; j++) peak[j] = fmaxf(peak[j], x[c * inner + j]);
        for (size_t c = 0; c < channels; c++)
            for (size_t j = 0; j < inner; j++) {
                float e = expf(x[c * inner + j] - peak[j]);
                y[c * inner + j] = e;
                sum[j] += e;
            }
        for (size_t j = 0; j < inner; j++) sum[j] = 1.0f / sum[j];
        for (size_t c = 0; c < channels; c++)
            for (size_t j = 0; j < inner; j++) y[c * inner + j] *= sum[j];
    }
}

/* dx = y * (dy - sum_c dy * y) */
static void softmax_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    float *dx_all = run->din[0];
    if (!dx_all) return;
    const size_t inner = softmax_inner(run->node), channels = (size_t)run->node->shape.d[0];
    const bool acc = run->din_accumulate[0];
    float *dot = ex->work;
    for (int s = ex->n0; s < ex->n1; s++) {
        size_t at = (size_t)s * run->out_size;
        const float *y = run->out + at, *dy = run->dout + at;
        float *dx = dx_all + at;
        for (size_t j = 0; j < inner; j++) dot[j] = 0.0f;
        for (size_t c = 0; c < channels; c++)
            for (size_t j = 0; j < inner; j++) dot[j] += dy[c * inner + j] * y[c * inner + j];
        for (size_t c = 0; c < channels; c++)
            for (size_t j = 0; j < inner; j++) {
                size_t i = c * inner + j;
                tsu_put(&dx[i], y[i] * (dy[i] - dot[j]), acc);
            }
    }
}

#define ACTIVATION_OPS(var, fwd, bwd)                                                   \
    static const tsu_layer_ops var = {.forward = fwd, .backward = bwd}

ACTIVATION_OPS(relu_ops, relu_forward, relu_backward);
ACTIVATION_OPS(sigmoid_ops, sigmoid_forward, sigmoid_backward);
ACTIVATION_OPS(tanh_ops, tanh_forward, tanh_backward);
ACTIVATION_OPS(leaky_relu_ops, leaky_relu_forward, leaky_relu_backward);
ACTIVATION_OPS(elu_ops, elu_forward, elu_backward);
ACTIVATION_OPS(swish_ops, swish_forward, swish_backward);
ACTIVATION_OPS(gelu_ops, gelu_forward, gelu_backward);
ACTIVATION_OPS(softplus_ops, softplus_forward, softplus_backward);
ACTIVATION_OPS(selu_ops, selu_forward, selu_backward);
static const tsu_layer_ops prelu_ops = {
    .weight_fill = 0.25f, /* PyTorch's nn.PReLU init */
    .forward = prelu_forward,
    .backward = prelu_backward,
};
static const tsu_layer_ops softmax_ops = {
    .work_floats = softmax_work,
    .forward = softmax_forward,
    .backward = softmax_backward,
};

/* ------------------------------------------------------------- exports */

/* ONNX: one op of the same name reading the input, with an optional float
 * attribute; alpha_attr NULL for none. */
static bool unary_onnx(tsu_onnx_emitter *e, const tsu_xnode *x, const char *op,
                       const char *alpha_attr)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    tsu_onnx_node *o = tsu_onnx_node_add(e, op, id, 1, &in, id);
    if (alpha_attr) tsu_onnx_attr_float(e, o, alpha_attr, tsu_node_value(x->node, ALPHA)->number);
    return true;
}

/* C: the expression of v, with alpha as a float literal between `before`
 * and `after` for the kinds that have it. */
static void unary_c(tsu_c_emitter *e, const tsu_xnode *x, const char *before, const char *after)
{
    char lit[48] = "", expr[160];
    if (x->node->kind->n_params)
        tsu_c_float((float)tsu_node_value(x->node, ALPHA)->number, lit, sizeof lit);
    snprintf(expr, sizeof expr, "%s%s%s", before, lit, after);
    tsu_c_elementwise(e, x, expr);
}

/* PyTorch: fn(t_input) or fn(t_input, alpha). */
static void unary_pytorch(tsu_py_emitter *e, const tsu_node *node, const char *fn)
{
    char src[TSU_ID_MAX + 8], num[32];
    tsu_py_value(node->inputs[0], src, sizeof src);
    if (node->kind->n_params)
        tsu_py_printf(e, "%s(%s, %s)", fn, src,
                      tsu_py_num(tsu_node_value(node, ALPHA)->number, num, sizeof num));
    else
        tsu_py_printf(e, "%s(%s)", fn, src);
}

/* The three callbacks of one element-wise activation. */
#define UNARY_EXPORT(var, onnx_op, onnx_alpha, c_before, c_after, py_fn)                         \
    static bool var##_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)                     \
    {                                                                                   \
        return unary_onnx(e, x, onnx_op, onnx_alpha);                                   \
    }                                                                                   \
    static void var##_c(tsu_c_emitter *e, const tsu_xnode *x)                           \
    {                                                                                   \
        unary_c(e, x, c_before, c_after);                                               \
    }                                                                                   \
    static void var##_pytorch(tsu_py_emitter *e, const tsu_node *node)                  \
    {                                                                                   \
        unary_pytorch(e, node, py_fn);                                                  \
    }                                                                                   \
    static const tsu_layer_export var = {                                               \
        .onnx = var##_onnx, .c = var##_c, .pytorch = var##_pytorch}

UNARY_EXPORT(relu_export, "Relu", NULL, "v > 0.0f ? v : 0.0f", "", "F.relu");
UNARY_EXPORT(sigmoid_export, "Sigmoid", NULL, "1.0f / (1.0f + expf(-v))", "", "torch.sigmoid");
UNARY_EXPORT(tanh_export, "Tanh", NULL, "tanhf(v)", "", "torch.tanh");
UNARY_EXPORT(leaky_relu_export, "LeakyRelu", "alpha", "v > 0.0f ? v : ", " * v", "F.leaky_relu");
UNARY_EXPORT(elu_export, "Elu", "alpha", "v > 0.0f ? v : ", " * (expf(v) - 1.0f)", "F.elu");
/* PyTorch's threshold: softplus(x) = x above 20. */
UNARY_EXPORT(softplus_export, "Softplus", NULL, "v > 20.0f ? v : log1pf(expf(v))", "",
             "F.softplus");
/* ONNX Selu's default alpha and gamma are PyTorch's constants. */
UNARY_EXPORT(selu_export, "Selu", NULL,
             "v > 0.0f ? 1.05070102f * v : 1.75809932f * (expf(v) - 1.0f)", "", "F.selu");

/* Opset 13 has no Swish: x * Sigmoid(x). */
static bool swish_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    const char *s = tsu_onnx_name(e, "%s/sigmoid", id);
    tsu_onnx_node_add(e, "Sigmoid", s, 1, &in, s);
    tsu_onnx_binary(e, "Mul", in, s, id);
    return true;
}

/* Opset 13 has no Gelu: 0.5 x (1 + Erf(x / sqrt 2)), as torch.onnx writes it. */
static bool gelu_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    const char *t = tsu_onnx_binary(e, "Div", in,
                                    tsu_onnx_scalar(e, id, "sqrt2", (float)M_SQRT2),
                                    tsu_onnx_name(e, "%s/scaled", id));
    const char *erf = tsu_onnx_name(e, "%s/erf", id);
    tsu_onnx_node_add(e, "Erf", erf, 1, &t, erf);
    t = tsu_onnx_binary(e, "Add", erf, tsu_onnx_scalar(e, id, "one", 1.0f),
                        tsu_onnx_name(e, "%s/plus1", id));
    t = tsu_onnx_binary(e, "Mul", in, t, tsu_onnx_name(e, "%s/times_x", id));
    tsu_onnx_binary(e, "Mul", t, tsu_onnx_scalar(e, id, "half", 0.5f), id);
    return true;
}

static void swish_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    unary_c(e, x, "v / (1.0f + expf(-v))", "");
}

static void swish_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    unary_pytorch(e, node, "F.silu");
}

static void gelu_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    unary_c(e, x, "0.5f * v * (1.0f + erff(v * 0.707106781f))", "");
}

static void gelu_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    unary_pytorch(e, node, "F.gelu");
}

/* The slope [C] as PRelu wants it, [C, 1, 1] for an image, so that it
 * broadcasts against [N, C, H, W] (the shape torch.onnx writes). */
static bool prelu_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    tsu_shape shape = *tsu_node_shape(x->node);
    for (int i = 1; i < shape.ndim; i++) shape.d[i] = 1;
    const char *slope = tsu_onnx_tensor_as(e, x->node, "weight", &shape);
    if (!slope) return false;
    tsu_onnx_binary(e, "PRelu", tsu_node_id(x->inputs[0]), slope, tsu_node_id(x->node));
    return true;
}

static void prelu_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    char w[3 * TSU_ID_MAX], expr[4 * TSU_ID_MAX];
    tsu_c_tensor(e, x->node, "weight", w, sizeof w);
    snprintf(expr, sizeof expr, "v > 0.0f ? v : %s[i / %zu] * v", w,
             tsu_channel_size(tsu_node_shape(x->node)));
    tsu_c_elementwise(e, x, expr);
}

static void prelu_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    tsu_py_printf(e, "nn.PReLU(%d)", tsu_node_shape(node)->d[0]);
}

static const tsu_layer_export prelu_export = {
    .onnx = prelu_onnx,
    .c = prelu_c,
    .pytorch_module = prelu_pytorch_module,
    .pytorch = tsu_py_module_forward,
};
static const tsu_layer_export swish_export = {
    .onnx = swish_onnx, .c = swish_c, .pytorch = swish_pytorch};
static const tsu_layer_export gelu_export = {
    .onnx = gelu_onnx, .c = gelu_c, .pytorch = gelu_pytorch};

/* Opset 13 Softmax takes one axis (not "everything after"): always given. */
static bool softmax_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    tsu_onnx_attr_int(e, tsu_onnx_node_add(e, "Softmax", id, 1, &in, id), "axis", 1);
    return true;
}

static const char softmax_c_kernel[] =
    "/* Over the channels (axis 0), separately at each of the n positions. */\n"
    "static void softmax(const float *x, int c, long n, float *y)\n"
    "{\n"
    "    for (long i = 0; i < n; i++) {\n"
    "        float m = x[i], s = 0.0f;\n"
    "        for (int ch = 1; ch < c; ch++)\n"
    "            if (x[ch * n + i] > m) m = x[ch * n + i];\n"
    "        for (int ch = 0; ch < c; ch++) s += y[ch * n + i] = expf(x[ch * n + i] - m);\n"
    "        for (int ch = 0; ch < c; ch++) y[ch * n + i] /= s;\n"
    "    }\n"
    "}\n\n";

static void softmax_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_c_io io = tsu_c_operands(e, x);
    tsu_c_kernel(e, softmax_c_kernel);
    tsu_c_printf(e, "    softmax(%s, %d, %zu, %s);\n", io.src, x->node->shape.d[0],
                 softmax_inner(x->node), io.dst);
}

static void softmax_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8];
    tsu_py_printf(e, "torch.softmax(%s, dim=1)", tsu_py_value(node->inputs[0], src, sizeof src));
}

static const tsu_layer_export softmax_export = {
    .onnx = softmax_onnx, .c = softmax_c, .pytorch = softmax_pytorch};

#define ACTIVATION_KIND(var, kname, khelp, prefix, kparams, kn_params, kops, kexport, ...) \
    const tsu_layer_kind var = {                                                       \
        .name = kname,                                                                 \
        .category = "Activation",                                                      \
        .help = khelp,                                                                 \
        .id_prefix = prefix,                                                           \
        .min_inputs = 1,                                                               \
        .max_inputs = 1,                                                               \
        .params = kparams,                                                             \
        .n_params = kn_params,                                                         \
        .infer = tsu_infer_same_shape,                                                 \
        .macs = tsu_macs_none,                                                         \
        .ops = &kops,                                                                  \
        .exports = &kexport,                                                           \
        __VA_ARGS__                                                                    \
    }

ACTIVATION_KIND(tsu_kind_relu, "ReLU", N_("max(x, 0)"), "relu", NULL, 0, relu_ops, relu_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR | TSU_TRAIT_PREFERRED},
    .about = {.computes = N_("Keeps positive values and sets negative ones to zero."),
              .why = N_("The default nonlinearity: without one between them, stacked Affine or "
                  "Convolution layers are a single linear map. Its gradient is 1 or 0, so "
                  "deep networks train quickly."),
              .neighbours = N_("After Affine, Convolution or BatchNormalization.")});
ACTIVATION_KIND(tsu_kind_sigmoid, "Sigmoid", N_("1 / (1 + exp(-x))"), "sigmoid", NULL, 0,
                sigmoid_ops, sigmoid_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR, .squash = TSU_SQUASH_SIGMOID},
    .about = {.computes = N_("Squashes each value into (0, 1) with 1 / (1 + exp(-x))."),
              .why = N_("As the last layer it turns a score into the probability of a yes, for "
                  "BinaryCrossEntropy. Inside a network it learns slowly, because its "
                  "gradient vanishes for large |x|."),
              .neighbours = N_("The last Affine (one output per yes/no question), then Sigmoid, then "
                  "BinaryCrossEntropy.")});
ACTIVATION_KIND(tsu_kind_tanh, "Tanh", N_("Hyperbolic tangent"), "tanh", NULL, 0, tanh_ops,
                tanh_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("Squashes each value into (-1, 1)."),
              .why = N_("A zero-centred nonlinearity, common in small networks; like Sigmoid it "
                  "saturates for large |x|."),
              .neighbours = N_("After Affine in small networks.")});
ACTIVATION_KIND(tsu_kind_leaky_relu, "LeakyReLU", N_("x for x > 0, alpha * x otherwise"),
                "lrelu", leaky_relu_params, TSU_ARRAY_LEN(leaky_relu_params), leaky_relu_ops,
                leaky_relu_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("Like ReLU, but negative values are multiplied by a small `alpha` instead "
                  "of zeroed."),
              .why = N_("Negative inputs keep a small gradient, so units cannot die and stop "
                  "learning."),
              .neighbours = N_("Where ReLU would go; common in GANs.")});
ACTIVATION_KIND(tsu_kind_elu, "ELU", N_("x for x > 0, alpha * (exp(x) - 1) otherwise"), "elu",
                elu_params, TSU_ARRAY_LEN(elu_params), elu_ops, elu_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("Keeps positive values; negative ones become alpha * (exp(x) - 1), which "
                  "approaches -alpha smoothly."),
              .why = N_("Smooth, and its mean output is closer to zero than ReLU's, which can "
                  "speed up training."),
              .neighbours = N_("Where ReLU would go.")});
ACTIVATION_KIND(tsu_kind_swish, "Swish", N_("x * sigmoid(x) (SiLU)"), "swish", NULL, 0, swish_ops,
                swish_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("x * sigmoid(x): close to ReLU but smooth, with a small dip below zero."),
              .why = N_("Often slightly more accurate than ReLU in deep networks (EfficientNet "
                  "uses it)."),
              .neighbours = N_("Where ReLU would go, after Convolution and BatchNormalization.")});
ACTIVATION_KIND(tsu_kind_gelu, "GELU", N_("x * Phi(x), Phi the normal CDF (exact, erf form)"),
                "gelu", NULL, 0, gelu_ops, gelu_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("x * Phi(x), Phi the normal distribution function: each value is weighted "
                  "by how likely it is to be positive."),
              .why = N_("The usual activation of transformers; smooth like Swish."),
              .neighbours = N_("Between two Affine layers, often after LayerNormalization.")});
ACTIVATION_KIND(tsu_kind_softplus, "Softplus", N_("log(1 + exp(x))"), "softplus", NULL, 0,
                softplus_ops, softplus_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("log(1 + exp(x)): a smooth ReLU whose output is always positive."),
              .why = N_("For outputs that must stay positive (a rate, a variance), with a "
                  "gradient everywhere."),
              .neighbours = N_("As the last layer before SquaredError for positive targets, or where "
                  "ReLU would go.")});
ACTIVATION_KIND(tsu_kind_selu, "SELU",
                N_("scale * (x for x > 0, alpha * (exp(x) - 1) otherwise); PyTorch's constants"),
                "selu", NULL, 0, selu_ops, selu_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("ELU scaled by fixed constants chosen so that values keep zero mean and "
                  "unit variance through many layers."),
              .why = N_("Self-normalising networks of Affine layers train deep without "
                  "BatchNormalization."),
              .neighbours = N_("Between Affine layers, without BatchNormalization.")});
const tsu_layer_kind tsu_kind_prelu = {
    .name = "PReLU",
    .category = "Activation",
    .help = N_("x for x > 0, a * x otherwise, with a learnable slope a per channel (axis 0)"),
    .id_prefix = "prelu",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = prelu_infer,
    .macs = tsu_macs_none,
    .ops = &prelu_ops,
    .exports = &prelu_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("Like LeakyReLU, but the negative slope is learned, one per channel."),
              .why = N_("Lets training choose how much negative signal each channel keeps."),
              .neighbours = N_("After Convolution or Affine, where ReLU would go.")},
};
ACTIVATION_KIND(tsu_kind_softmax, "Softmax",
                N_("Normalised exponentials over axis 0 (the channels)"), "softmax", NULL, 0,
                softmax_ops, softmax_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR, .squash = TSU_SQUASH_SOFTMAX},
    .about = {.computes = N_("Turns the scores at each position into probabilities: exp(x) divided by "
                  "the sum over the channels, so they are positive and add up to 1."),
              .why = N_("The last layer of a K-class classifier: the largest score gets the "
                  "highest probability. Over one value it is always 1, so it needs two "
                  "outputs or more."),
              .neighbours = N_("The last Affine (one output per class), then Softmax, then "
                  "CategoricalCrossEntropy.")});
