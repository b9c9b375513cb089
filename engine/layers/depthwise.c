/* depthwise.c — DepthwiseConvolution: each input channel convolved with its
 * own `multiplier` kernels (NNC's DepthwiseConvolution; a Convolution with
 * group = channels). Output channel c * multiplier + j reads input channel c.
 * The weight is [C * multiplier, 1, kh, kw], PyTorch's and ONNX's layout, so
 * the exports take it as it is. */
#include "runtime/vectorize.h"

#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <string.h>

enum { DW_KERNEL, DW_STRIDE, DW_PAD, DW_DILATION, DW_MULTIPLIER, DW_WITH_BIAS, DW_N_PARAMS };

static const tsu_param_desc dw_params[] = {
    [DW_KERNEL] = TSU_PARAM_PAIR_REQ("kernel", 1, 1024, "Kernel height and width"),
    [DW_STRIDE] = TSU_PARAM_PAIR_DEF("stride", 1, 1, 1, 1024, "Step between windows (height, width)"),
    [DW_PAD] = TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, "Zeros added on each side (height, width)"),
    [DW_DILATION] = TSU_PARAM_PAIR_DEF("dilation", 1, 1, 1, 1024, "Spacing between kernel taps"),
    [DW_MULTIPLIER] = TSU_PARAM_INT_DEF("multiplier", 1, 1, 1024,
                                        "Output channels per input channel"),
    [DW_WITH_BIAS] = TSU_PARAM_BOOL_DEF("with_bias", true, "Add a learned bias per output channel"),
};
TSU_PARAMS_MATCH(dw_params, DW_N_PARAMS);

static tsu_window dw_window(const tsu_node *node)
{
    return tsu_window_params(node, DW_KERNEL, DW_STRIDE, DW_PAD, DW_DILATION);
}

static bool dw_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    const int multiplier = tsu_param_int(node, DW_MULTIPLIER);
    if ((int64_t)in->d[0] * multiplier > TSU_DIM_MAX)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "multiplier",
                             "%d channels times multiplier %d exceed %d output channels",
                             in->d[0], multiplier, TSU_DIM_MAX);
    tsu_window win = dw_window(node);
    int out[2];
    if (!tsu_window_output(node, diag, "kernel", &win, &in->d[1], out)) return false;
    const int maps = in->d[0] * multiplier;
    node->shape = tsu_shape_3(maps, out[0], out[1]);
    tsu_shape weight = tsu_shape_4(maps, 1, win.kernel[0], win.kernel[1]);
    tsu_node_add_tensor(node, "weight", &weight, true);
    if (tsu_node_value(node, DW_WITH_BIAS)->boolean) {
        tsu_shape bias = tsu_shape_1(maps);
        tsu_node_add_tensor(node, "bias", &bias, true);
    }
    return true;
}

/* Each output value: kh * kw multiply-adds. */
static uint64_t dw_macs(const tsu_node *node)
{
    const int *k = tsu_param_ints(node, DW_KERNEL);
    return (uint64_t)tsu_shape_size(&node->shape) * (uint64_t)k[0] * (uint64_t)k[1];
}

/* The geometry of one plane, and for each kernel column the output columns
 * whose tap lands inside the input: computed once per call, so the inner
 * loops run over whole valid spans without a test per value. */
typedef struct {
    int channels, multiplier, h, w, oh, ow;
    tsu_window win;
    int ox_lo[1024], ox_hi[1024]; /* per kernel column kx: valid [lo, hi) */
} dw_plan;

/* First output index o >= 0 with o * stride - pad + k * dilation >= 0, and
 * one past the last with it < size; lo >= hi when none. */
static void dw_span(int size, int out, int stride, int pad, int offset, int *lo, int *hi)
{
    int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    int last = size - 1 - offset < 0 ? -1 : (size - 1 - offset) / stride;
    *lo = first;
    *hi = last + 1 < out ? last + 1 : out;
    if (*hi < *lo) *hi = *lo;
}

static void dw_plan_of(const tsu_node *node, dw_plan *p)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    p->channels = in->d[0];
    p->multiplier = tsu_param_int(node, DW_MULTIPLIER);
    p->h = in->d[1];
    p->w = in->d[2];
    p->oh = node->shape.d[1];
    p->ow = node->shape.d[2];
    p->win = dw_window(node);
    for (int kx = 0; kx < p->win.kernel[1]; kx++)
        dw_span(p->w, p->ow, p->win.stride[1], p->win.pad[1],
                kx * p->win.dilation[1] - p->win.pad[1], &p->ox_lo[kx], &p->ox_hi[kx]);
}

/* The input row of output row oy and kernel row ky, or -1 outside. */
static inline int dw_row(const dw_plan *p, int oy, int ky)
{
    int iy = oy * p->win.stride[0] - p->win.pad[0] + ky * p->win.dilation[0];
    return iy >= 0 && iy < p->h ? iy : -1;
}

/* y[ox] += wt * x[ox * stride] over a span; stride 1 is a plain axpy. */
static inline void dw_axpy(float *restrict y, const float *restrict x, float wt, int n, int stride)
{
    if (stride == 1)
        for (int i = 0; i < n; i++) y[i] += wt * x[i];
    else
        for (int i = 0; i < n; i++) y[i] += wt * x[(size_t)i * stride];
}

/* One output plane from one input plane. */
static void dw_plane_forward(const dw_plan *p, const float *restrict x, const float *restrict k,
                             float bias, float *restrict y)
{
    const int kh = p->win.kernel[0], kw = p->win.kernel[1], sw = p->win.stride[1];
    for (int oy = 0; oy < p->oh; oy++) {
        float *yr = y + (size_t)oy * p->ow;
        for (int ox = 0; ox < p->ow; ox++) yr[ox] = bias;
        for (int ky = 0; ky < kh; ky++) {
            int iy = dw_row(p, oy, ky);
            if (iy < 0) continue;
            const float *xr = x + (size_t)iy * p->w;
            for (int kx = 0; kx < kw; kx++) {
                int lo = p->ox_lo[kx], n = p->ox_hi[kx] - lo;
                if (n <= 0) continue; /* this tap falls outside for every column */
                dw_axpy(yr + lo, xr + (ptrdiff_t)lo * sw + kx * p->win.dilation[1] - p->win.pad[1],
                        k[ky * kw + kx], n, sw);
            }
        }
    }
}

static void dw_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    (void)stage;
    dw_plan p;
    dw_plan_of(run->node, &p);
    const size_t in_plane = (size_t)p.h * p.w, out_plane = (size_t)p.oh * p.ow;
    const size_t taps = (size_t)p.win.kernel[0] * p.win.kernel[1];
    const float *bias = run->node->n_tensors > 1 ? run->data[1] : NULL;
    const int maps = p.channels * p.multiplier;
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        float *y = run->out + (size_t)s * run->out_size;
        for (int o = 0; o < maps; o++)
            dw_plane_forward(&p, x + (size_t)(o / p.multiplier) * in_plane,
                             run->data[0] + (size_t)o * taps, bias ? bias[o] : 0.0f,
                             y + (size_t)o * out_plane);
    }
}

/* sum x[i * stride] * dy[i] in eight lanes (see tsu_sum_floats). */
static inline float dw_dot(const float *restrict x, const float *restrict dy, int n, int stride)
{
    float lane[8] = {0};
    int i = 0;
    if (stride == 1)
        for (; i + 8 <= n; i += 8)
            for (int l = 0; l < 8; l++) lane[l] += x[i + l] * dy[i + l];
    float s = 0.0f;
    for (; i < n; i++) s += x[(size_t)i * stride] * dy[i];
    for (int l = 0; l < 8; l++) s += lane[l];
    return s;
}

/* One output plane's gradient: into its kernel's gradient dk and, when dx
 * is not NULL, added into its input plane's gradient. */
static void dw_plane_backward(const dw_plan *p, const float *restrict x, const float *restrict k,
                              const float *restrict dy, float *restrict dk, float *restrict dx)
{
    const int kh = p->win.kernel[0], kw = p->win.kernel[1], sw = p->win.stride[1];
    for (int oy = 0; oy < p->oh; oy++) {
        const float *dyr = dy + (size_t)oy * p->ow;
        for (int ky = 0; ky < kh; ky++) {
            int iy = dw_row(p, oy, ky);
            if (iy < 0) continue;
            for (int kx = 0; kx < kw; kx++) {
                int lo = p->ox_lo[kx], n = p->ox_hi[kx] - lo;
                if (n <= 0) continue;
                ptrdiff_t at = (ptrdiff_t)iy * p->w + (ptrdiff_t)lo * sw +
                               kx * p->win.dilation[1] - p->win.pad[1];
                dk[ky * kw + kx] += dw_dot(x + at, dyr + lo, n, sw);
                if (!dx) continue;
                const float wt = k[ky * kw + kx];
                if (sw == 1)
                    for (int i = 0; i < n; i++) dx[at + i] += wt * dyr[lo + i];
                else
                    for (int i = 0; i < n; i++) dx[at + (ptrdiff_t)i * sw] += wt * dyr[lo + i];
            }
        }
    }
}

static void dw_backward_sample(const tsu_layer_run *run, const tsu_exec *ex, const dw_plan *p, int s)
{
    const size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    const size_t taps = (size_t)p->win.kernel[0] * p->win.kernel[1];
    const int maps = p->channels * p->multiplier;
    const float *x = run->in[0] + (size_t)s * run->in_size[0];
    const float *dy = run->dout + (size_t)s * run->out_size;
    float *dx = run->din[0] ? run->din[0] + (size_t)s * run->in_size[0] : NULL;
    if (dx && !run->din_accumulate[0]) memset(dx, 0, sizeof(float) * run->in_size[0]);
    float *dweight = tsu_run_grad(run, ex, 0);
    float *dbias = run->node->n_tensors > 1 ? tsu_run_grad(run, ex, 1) : NULL;
    for (int o = 0; o < maps; o++) {
        const size_t c = (size_t)(o / p->multiplier);
        const float *k = run->data[0] + (size_t)o * taps, *dyo = dy + (size_t)o * out_plane;
        dw_plane_backward(p, x + c * in_plane, k, dyo, dweight + (size_t)o * taps,
                          dx ? dx + c * in_plane : NULL);
        if (dbias) dbias[o] += tsu_sum_floats(dyo, out_plane);
    }
}

static void dw_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    (void)stage;
    dw_plan p;
    dw_plan_of(run->node, &p);
    for (int s = ex->n0; s < ex->n1; s++) dw_backward_sample(run, ex, &p, s);
}

/* As PyTorch's Conv2d with groups = channels: one input channel per group. */
static void dw_fans(const tsu_node *node, int *fan_in, int *fan_out)
{
    const int *k = tsu_param_ints(node, DW_KERNEL);
    *fan_in = k[0] * k[1];
    *fan_out = tsu_param_int(node, DW_MULTIPLIER) * k[0] * k[1];
}

static const tsu_layer_ops dw_ops = {
    .fans = dw_fans,
    .forward = dw_forward,
    .backward = dw_backward,
};

/* A Conv with one group per input channel. */
static tsu_conv_spec dw_spec(const tsu_node *node)
{
    return (tsu_conv_spec){.kernel = tsu_param_ints(node, DW_KERNEL),
                           .stride = tsu_param_ints(node, DW_STRIDE),
                           .pad = tsu_param_ints(node, DW_PAD),
                           .dilation = tsu_param_ints(node, DW_DILATION),
                           .group = tsu_input_shape(node, 0)->d[0],
                           .bias = tsu_node_value(node, DW_WITH_BIAS)->boolean};
}

static bool dw_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const tsu_conv_spec spec = dw_spec(x->node);
    return tsu_onnx_conv(e, x, &spec);
}

static const char dw_c_kernel[] =
    "/* y[o] = b[o] + x[o / m] correlated with k[o]: a depthwise convolution with\n"
    " * m kernels per input channel. */\n"
    "static void depthwise2d(const float *x, int c, int h, int w, const float *k, const float *b,\n"
    "                        int m, int kh, int kw, int sh, int sw, int ph, int pw, int dh,\n"
    "                        int dw, float *y, int oh, int ow)\n"
    "{\n"
    "    for (int o = 0; o < c * m; o++) {\n"
    "        const float *xc = x + (long)(o / m) * h * w, *ko = k + (long)o * kh * kw;\n"
    "        float *yo = y + (long)o * oh * ow;\n"
    "        for (int oy = 0; oy < oh; oy++)\n"
    "            for (int ox = 0; ox < ow; ox++) {\n"
    "                float s = b ? b[o] : 0.0f;\n"
    "                for (int ky = 0; ky < kh; ky++)\n"
    "                    for (int kx = 0; kx < kw; kx++) {\n"
    "                        int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;\n"
    "                        if (iy >= 0 && iy < h && ix >= 0 && ix < w)\n"
    "                            s += xc[iy * w + ix] * ko[ky * kw + kx];\n"
    "                    }\n"
    "                yo[oy * ow + ox] = s;\n"
    "            }\n"
    "    }\n"
    "}\n\n";

static void dw_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_node *node = x->node;
    const tsu_shape *s = tsu_node_shape(node), *in = tsu_node_shape(x->inputs[0]);
    const int *k = tsu_param_ints(node, DW_KERNEL), *st = tsu_param_ints(node, DW_STRIDE);
    const int *p = tsu_param_ints(node, DW_PAD), *d = tsu_param_ints(node, DW_DILATION);
    const tsu_c_io io = tsu_c_operands(e, x);
    char w[3 * TSU_ID_MAX], b[3 * TSU_ID_MAX];
    tsu_c_kernel(e, dw_c_kernel);
    tsu_c_printf(e,
                 "    depthwise2d(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, "
                 "%d, %d);\n",
                 io.src, in->d[0], in->d[1], in->d[2], tsu_c_tensor(e, node, "weight", w, sizeof w),
                 tsu_c_tensor(e, node, "bias", b, sizeof b), tsu_param_int(node, DW_MULTIPLIER),
                 k[0], k[1], st[0], st[1], p[0], p[1], d[0], d[1], io.dst, s->d[1], s->d[2]);
}

static void dw_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    const tsu_conv_spec spec = dw_spec(node);
    tsu_py_conv2d(e, spec.group, tsu_node_shape(node)->d[0], &spec);
}

static const tsu_layer_export dw_export = {
    .onnx = dw_onnx,
    .c = dw_c,
    .pytorch_module = dw_pytorch_module,
    .pytorch = tsu_py_module_forward,
};

const tsu_layer_kind tsu_kind_depthwise_convolution = {
    .name = "DepthwiseConvolution",
    .category = "Basic",
    .help = "Each channel of a [C, H, W] input convolved with its own multiplier kernels",
    .id_prefix = "dwconv",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = dw_params,
    .n_params = TSU_ARRAY_LEN(dw_params),
    .infer = dw_infer,
    .macs = dw_macs,
    .ops = &dw_ops,
    .exports = &dw_export,
};
