/* depthwise.c — DepthwiseConvolution: each input channel convolved with its
 * own `multiplier` kernels (NNC's DepthwiseConvolution; a Convolution with
 * group = channels). Output channel c * multiplier + j reads input channel c.
 * The weight is [C * multiplier, 1, kh, kw], PyTorch's and ONNX's layout, so
 * the exports take it as it is. */
#include "export/layer-export.h"
#include "layers/layer-util.h"
#include "runtime/depthwise.h"

#include <string.h>

enum { DW_KERNEL, DW_STRIDE, DW_PAD, DW_DILATION, DW_MULTIPLIER, DW_WITH_BIAS, DW_N_PARAMS };

static const tsu_param_desc dw_params[] = {
    [DW_KERNEL] = TSU_PARAM_PAIR_REQ("kernel", 1, 1024, N_("Kernel height and width")),
    [DW_STRIDE] = TSU_PARAM_PAIR_DEF("stride", 1, 1, 1, 1024, N_("Step between windows (height, width)")),
    [DW_PAD] = TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, N_("Zeros added on each side (height, width)")),
    [DW_DILATION] = TSU_PARAM_PAIR_DEF("dilation", 1, 1, 1, 1024, N_("Spacing between kernel taps")),
    [DW_MULTIPLIER] = TSU_PARAM_INT_DEF("multiplier", 1, 1, 1024,
                                        N_("Output channels per input channel")),
    [DW_WITH_BIAS] = TSU_PARAM_BOOL_DEF("with_bias", true, N_("Add a learned bias per output channel")),
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
                             _("%d channels times multiplier %d exceed %d output channels"),
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

/* The planes' arithmetic is runtime/depthwise.h's. */
static tsu_conv_geometry dw_geometry(const tsu_node *node)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    const tsu_window w = dw_window(node);
    return (tsu_conv_geometry){.channels = in->d[0], .height = in->d[1], .width = in->d[2],
                               .kernel_h = w.kernel[0], .kernel_w = w.kernel[1],
                               .stride_h = w.stride[0], .stride_w = w.stride[1],
                               .pad_h = w.pad[0], .pad_w = w.pad[1],
                               .dilation_h = w.dilation[0], .dilation_w = w.dilation[1],
                               .out_h = node->shape.d[1], .out_w = node->shape.d[2]};
}

static size_t dw_work(const tsu_node *node)
{
    const tsu_conv_geometry g = dw_geometry(node);
    return tsu_depthwise_work(&g, tsu_param_int(node, DW_MULTIPLIER));
}

static void dw_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    (void)stage;
    const tsu_conv_geometry g = dw_geometry(run->node);
    const int multiplier = tsu_param_int(run->node, DW_MULTIPLIER);
    const float *bias = run->node->n_tensors > 1 ? run->data[1] : NULL;
    for (int s = ex->n0; s < ex->n1; s++)
        tsu_depthwise_forward(&g, multiplier, run->in[0] + (size_t)s * run->in_size[0],
                              run->data[0], bias, run->out + (size_t)s * run->out_size,
                              ex->work);
}

static void dw_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    (void)stage;
    const tsu_conv_geometry g = dw_geometry(run->node);
    const int multiplier = tsu_param_int(run->node, DW_MULTIPLIER);
    const size_t out_plane = (size_t)g.out_h * g.out_w;
    float *dweight = tsu_run_grad(run, ex, 0);
    float *dbias = run->node->n_tensors > 1 ? tsu_run_grad(run, ex, 1) : NULL;
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *dy = run->dout + (size_t)s * run->out_size;
        float *dx = run->din[0] ? run->din[0] + (size_t)s * run->in_size[0] : NULL;
        tsu_depthwise_backward(&g, multiplier, run->in[0] + (size_t)s * run->in_size[0],
                               run->data[0], dy, dweight, dx, run->din_accumulate[0], ex->work);
        for (int o = 0; dbias && o < g.channels * multiplier; o++)
            dbias[o] += tsu_sum_floats(dy + (size_t)o * out_plane, out_plane);
    }
}

/* As PyTorch's Conv2d with groups = channels: one input channel per group. */
static void dw_fans(const tsu_node *node, int *fan_in, int *fan_out)
{
    const int *k = tsu_param_ints(node, DW_KERNEL);
    *fan_in = k[0] * k[1];
    *fan_out = tsu_param_int(node, DW_MULTIPLIER) * k[0] * k[1];
}

static const tsu_layer_ops dw_ops = {
    .work_floats = dw_work,
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
    .help = N_("Each channel of a [C, H, W] input convolved with its own multiplier kernels"),
    .id_prefix = "dwconv",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = dw_params,
    .n_params = TSU_ARRAY_LEN(dw_params),
    .infer = dw_infer,
    .macs = dw_macs,
    .ops = &dw_ops,
    .exports = &dw_export,
    .role = {.traits = TSU_TRAIT_LINEAR},
    .about = {.computes = N_("Convolves each input channel with its own kernels (`multiplier` per "
                  "channel) without mixing channels."),
              .why = N_("Much cheaper than a full convolution; followed by a 1x1 Convolution it "
                  "forms the separable convolution of MobileNet."),
              .neighbours = N_("Followed by BatchNormalization and an activation, then a 1x1 Convolution "
                  "that mixes the channels.")},
};
