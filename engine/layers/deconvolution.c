/* deconvolution.c — Deconvolution (transposed 2-D convolution). The weight
 * is [in, out, kh, kw], as PyTorch's ConvTranspose2d stores it. */
#include "export/layer-export.h"
#include "layers/layer-util.h"
#include "runtime/im2col.h"

#include <cblas.h>

enum { DECONV_OUTMAPS, DECONV_KERNEL, DECONV_STRIDE, DECONV_PAD, DECONV_WITH_BIAS,
       DECONV_N_PARAMS };

static const tsu_param_desc deconv_params[] = {
    [DECONV_OUTMAPS] = TSU_PARAM_INT_REQ("outmaps", 1, TSU_DIM_MAX, N_("Number of output channels")),
    [DECONV_KERNEL] = TSU_PARAM_PAIR_REQ("kernel", 1, 1024, N_("Kernel height and width")),
    [DECONV_STRIDE] =
        TSU_PARAM_PAIR_DEF("stride", 1, 1, 1, 1024, N_("Upsampling step (height, width)")),
    [DECONV_PAD] =
        TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, N_("Rows and columns cropped from each side")),
    [DECONV_WITH_BIAS] =
        TSU_PARAM_BOOL_DEF("with_bias", true, N_("Add a learned bias per output channel")),
};
TSU_PARAMS_MATCH(deconv_params, DECONV_N_PARAMS);

static bool deconv_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    int outmaps = tsu_param_int(node, DECONV_OUTMAPS);
    const int *k = tsu_param_ints(node, DECONV_KERNEL);
    const int *s = tsu_param_ints(node, DECONV_STRIDE);
    const int *p = tsu_param_ints(node, DECONV_PAD);
    int out[2];
    for (int a = 0; a < 2; a++) out[a] = (in->d[1 + a] - 1) * s[a] - 2 * p[a] + k[a];
    if (out[0] < 1 || out[1] < 1)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "pad",
                             _("pad %dx%d crops the whole %dx%d output"), p[0], p[1],
                             out[0] + 2 * p[0], out[1] + 2 * p[1]);
    node->shape = tsu_shape_3(outmaps, out[0], out[1]);
    tsu_shape weight = tsu_shape_4(in->d[0], outmaps, k[0], k[1]);
    tsu_node_add_tensor(node, "weight", &weight, true);
    if (tsu_node_value(node, DECONV_WITH_BIAS)->boolean) {
        tsu_shape bias = tsu_shape_1(outmaps);
        tsu_node_add_tensor(node, "bias", &bias, true);
    }
    return true;
}

/* Each input value is spread over outmaps * kh * kw outputs. */
static uint64_t deconv_macs(const tsu_node *node)
{
    const int *k = tsu_param_ints(node, DECONV_KERNEL);
    return (uint64_t)tsu_shape_size(tsu_input_shape(node, 0)) *
           (uint64_t)tsu_param_int(node, DECONV_OUTMAPS) * (uint64_t)k[0] * (uint64_t)k[1];
}

/* Deconvolution is the transpose of the convolution that maps the output
 * geometry back to the input: forward scatters W^T x with col2im, backward
 * gathers with im2col. The column matrix is [out * kh * kw, H_in * W_in]. */
static tsu_conv_geometry deconv_geometry(const tsu_node *node)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    const int *k = tsu_param_ints(node, DECONV_KERNEL);
    const int *s = tsu_param_ints(node, DECONV_STRIDE);
    const int *p = tsu_param_ints(node, DECONV_PAD);
    return (tsu_conv_geometry){
        .channels = node->shape.d[0], .height = node->shape.d[1], .width = node->shape.d[2],
        .kernel_h = k[0], .kernel_w = k[1], .stride_h = s[0], .stride_w = s[1],
        .pad_h = p[0], .pad_w = p[1], .dilation_h = 1, .dilation_w = 1,
        .out_h = in->d[1], .out_w = in->d[2]};
}

static size_t deconv_work(const tsu_node *node)
{
    tsu_conv_geometry g = deconv_geometry(node);
    return (size_t)g.channels * g.kernel_h * g.kernel_w * g.out_h * g.out_w + TSU_IM2COL_SLACK +
           tsu_im2col_scratch(&g);
}

static void deconv_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const tsu_conv_geometry g = deconv_geometry(run->node);
    const int rows = g.channels * g.kernel_h * g.kernel_w, n = g.out_h * g.out_w;
    const int in_c = tsu_input_shape(run->node, 0)->d[0];
    const int plane = g.height * g.width;
    const float *bias = run->node->n_tensors > 1 ? run->data[1] : NULL;
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        float *y = run->out + (size_t)s * run->out_size;
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, rows, n, in_c, 1.0f, run->data[0],
                    rows, x, n, 0.0f, ex->work, n);
        for (int o = 0; o < g.channels; o++)
            for (int j = 0; j < plane; j++) y[(size_t)o * plane + j] = bias ? bias[o] : 0.0f;
        tsu_col2im_add(&g, ex->work, y, ex->work + (size_t)rows * n + TSU_IM2COL_SLACK);
    }
}

static void deconv_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const tsu_conv_geometry g = deconv_geometry(run->node);
    const int rows = g.channels * g.kernel_h * g.kernel_w, n = g.out_h * g.out_w;
    const int in_c = tsu_input_shape(run->node, 0)->d[0];
    const int plane = g.height * g.width;
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        const float *dy = run->dout + (size_t)s * run->out_size;
        tsu_im2col(&g, dy, ex->work, ex->work + (size_t)rows * n + TSU_IM2COL_SLACK);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, in_c, rows, n, 1.0f, x, n,
                    ex->work, n, 1.0f, tsu_run_grad(run, ex, 0), rows);
        if (run->node->n_tensors > 1) {
            float *dbias = tsu_run_grad(run, ex, 1);
            for (int o = 0; o < g.channels; o++)
                dbias[o] += tsu_sum_floats(dy + (size_t)o * plane, (size_t)plane);
        }
        if (run->din[0])
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, in_c, n, rows, 1.0f,
                        run->data[0], rows, ex->work, n, run->din_accumulate[0] ? 1.0f : 0.0f,
                        run->din[0] + (size_t)s * run->in_size[0], n);
    }
}

/* Each output sees about in * kh * kw / (sh * sw) inputs. */
static void deconv_fans(const tsu_node *node, int *fan_in, int *fan_out)
{
    const int *k = tsu_param_ints(node, DECONV_KERNEL);
    const int *s = tsu_param_ints(node, DECONV_STRIDE);
    int taps = k[0] * k[1] / (s[0] * s[1]);
    if (taps < 1) taps = 1;
    *fan_in = tsu_input_shape(node, 0)->d[0] * taps;
    *fan_out = tsu_param_int(node, DECONV_OUTMAPS) * taps;
}

static const tsu_layer_ops deconv_ops = {
    .work_floats = deconv_work,
    .fans = deconv_fans,
    .forward = deconv_forward,
    .backward = deconv_backward,
};

static bool deconv_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const tsu_node *node = x->node;
    const char *args[3] = {tsu_node_id(x->inputs[0])};
    int n = tsu_onnx_weights(e, node, tsu_node_value(node, DECONV_WITH_BIAS)->boolean, args + 1);
    if (n < 0) return false;
    tsu_onnx_node *o =
        tsu_onnx_node_add(e, "ConvTranspose", tsu_node_id(node), 1 + n, args, tsu_node_id(node));
    tsu_onnx_attr_window(e, o, tsu_param_ints(node, DECONV_KERNEL),
                         tsu_param_ints(node, DECONV_STRIDE), tsu_param_ints(node, DECONV_PAD));
    return true;
}

static const char deconv_c_kernel[] =
    "/* Transposed convolution: every input value spreads over a window of the\n"
    " * output; k is [c, o, kh, kw]; pad crops the output. */\n"
    "static void deconv2d(const float *x, int c, int h, int w, const float *k, const float *b,\n"
    "                     int o, int kh, int kw, int sh, int sw, int ph, int pw, float *y,\n"
    "                     int oh, int ow)\n"
    "{\n"
    "    for (int oc = 0; oc < o; oc++)\n"
    "        for (long i = 0; i < (long)oh * ow; i++) y[oc * (long)oh * ow + i] = b ? b[oc] : 0.0f;\n"
    "    for (int ic = 0; ic < c; ic++)\n"
    "        for (int iy = 0; iy < h; iy++)\n"
    "            for (int ix = 0; ix < w; ix++) {\n"
    "                float v = x[((long)ic * h + iy) * w + ix];\n"
    "                for (int oc = 0; oc < o; oc++) {\n"
    "                    const float *kc = k + ((long)ic * o + oc) * kh * kw;\n"
    "                    for (int ky = 0; ky < kh; ky++) {\n"
    "                        int oy = iy * sh - ph + ky;\n"
    "                        if (oy < 0 || oy >= oh) continue;\n"
    "                        for (int kx = 0; kx < kw; kx++) {\n"
    "                            int ox = ix * sw - pw + kx;\n"
    "                            if (ox < 0 || ox >= ow) continue;\n"
    "                            y[((long)oc * oh + oy) * ow + ox] += v * kc[ky * kw + kx];\n"
    "                        }\n"
    "                    }\n"
    "                }\n"
    "            }\n"
    "}\n\n";

static void deconv_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_node *node = x->node;
    const tsu_shape *s = tsu_node_shape(node), *in = tsu_node_shape(x->inputs[0]);
    const int *k = tsu_param_ints(node, DECONV_KERNEL), *st = tsu_param_ints(node, DECONV_STRIDE);
    const int *p = tsu_param_ints(node, DECONV_PAD);
    const tsu_c_io io = tsu_c_operands(e, x);
    char w[3 * TSU_ID_MAX], b[3 * TSU_ID_MAX];
    tsu_c_kernel(e, deconv_c_kernel);
    tsu_c_printf(e,
                 "    deconv2d(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %s, %d, %d);\n",
                 io.src, in->d[0], in->d[1], in->d[2], tsu_c_tensor(e, node, "weight", w, sizeof w),
                 tsu_c_tensor(e, node, "bias", b, sizeof b), s->d[0], k[0], k[1], st[0], st[1],
                 p[0], p[1], io.dst, s->d[1], s->d[2]);
}

static void deconv_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    tsu_py_printf(e, "nn.ConvTranspose2d(%d, %d, ", tsu_input_shape(node, 0)->d[0],
                  tsu_param_int(node, DECONV_OUTMAPS));
    tsu_py_window(e, tsu_param_ints(node, DECONV_KERNEL), tsu_param_ints(node, DECONV_STRIDE),
                  tsu_param_ints(node, DECONV_PAD));
    tsu_py_printf(e, ", bias=%s)", tsu_node_value(node, DECONV_WITH_BIAS)->boolean ? "True" : "False");
}

static const tsu_layer_export deconv_export = {
    .onnx = deconv_onnx,
    .c = deconv_c,
    .pytorch_module = deconv_pytorch_module,
    .pytorch = tsu_py_module_forward,
};

const tsu_layer_kind tsu_kind_deconvolution = {
    .name = "Deconvolution",
    .category = "Basic",
    .help = N_("Transposed 2-D convolution (learned upsampling)"),
    .id_prefix = "deconv",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = deconv_params,
    .n_params = TSU_ARRAY_LEN(deconv_params),
    .infer = deconv_infer,
    .macs = deconv_macs,
    .ops = &deconv_ops,
    .exports = &deconv_export,
    .role = {.traits = TSU_TRAIT_LINEAR, .width_param = "outmaps"},
    .about = {.computes = N_("The transpose of a convolution: each input value spreads a learned "
                  "kernel over a larger output, so the image grows by `stride`."),
              .why = N_("Learned upsampling, for decoders, autoencoders and segmentation networks "
                  "that must produce images."),
              .neighbours = N_("Followed by BatchNormalization and ReLU, or by Sigmoid for an output "
                  "image.")},
};
