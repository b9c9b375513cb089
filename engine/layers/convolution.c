/* convolution.c — 2-D Convolution with stride, pad, dilation and groups. */
#include "export/layer-export.h"
#include "layers/layer-util.h"
#include "runtime/im2col.h"
#include "runtime/winograd.h"

#include <cblas.h>
#include <string.h>

enum { CONV_OUTMAPS, CONV_KERNEL, CONV_STRIDE, CONV_PAD, CONV_DILATION, CONV_GROUP,
       CONV_WITH_BIAS, CONV_N_PARAMS };

static const tsu_param_desc conv_params[] = {
    [CONV_OUTMAPS] = TSU_PARAM_INT_REQ("outmaps", 1, TSU_DIM_MAX, N_("Number of output channels")),
    [CONV_KERNEL] = TSU_PARAM_PAIR_REQ("kernel", 1, 1024, N_("Kernel height and width")),
    [CONV_STRIDE] =
        TSU_PARAM_PAIR_DEF("stride", 1, 1, 1, 1024, N_("Step between windows (height, width)")),
    [CONV_PAD] =
        TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, N_("Zeros added on each side (height, width)")),
    [CONV_DILATION] = TSU_PARAM_PAIR_DEF("dilation", 1, 1, 1, 1024, N_("Spacing between kernel taps")),
    [CONV_GROUP] = TSU_PARAM_INT_DEF("group", 1, 1, TSU_DIM_MAX,
                                     N_("Channel groups; input and output channels must be multiples")),
    [CONV_WITH_BIAS] =
        TSU_PARAM_BOOL_DEF("with_bias", true, N_("Add a learned bias per output channel")),
};
TSU_PARAMS_MATCH(conv_params, CONV_N_PARAMS);

static tsu_window conv_window(const tsu_node *node)
{
    return tsu_window_params(node, CONV_KERNEL, CONV_STRIDE, CONV_PAD, CONV_DILATION);
}

static bool conv_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    int outmaps = tsu_param_int(node, CONV_OUTMAPS);
    int group = tsu_param_int(node, CONV_GROUP);
    if (in->d[0] % group != 0)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "group",
                             _("%d input channels do not split into %d groups"), in->d[0], group);
    if (outmaps % group != 0)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "group",
                             _("outmaps %d does not split into %d groups"), outmaps, group);
    tsu_window win = conv_window(node);
    int out[2];
    if (!tsu_window_output(node, diag, "kernel", &win, &in->d[1], out)) return false;
    node->shape = tsu_shape_3(outmaps, out[0], out[1]);
    tsu_shape weight = tsu_shape_4(outmaps, in->d[0] / group, win.kernel[0], win.kernel[1]);
    tsu_node_add_tensor(node, "weight", &weight, true);
    if (tsu_node_value(node, CONV_WITH_BIAS)->boolean) {
        tsu_shape bias = tsu_shape_1(outmaps);
        tsu_node_add_tensor(node, "bias", &bias, true);
    }
    return true;
}

/* Each output value: in_channels/group * kh * kw multiply-adds. */
static uint64_t conv_macs(const tsu_node *node)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    const int *k = tsu_param_ints(node, CONV_KERNEL);
    return (uint64_t)tsu_shape_size(&node->shape) *
           (uint64_t)(in->d[0] / tsu_param_int(node, CONV_GROUP)) * (uint64_t)k[0] *
           (uint64_t)k[1];
}

/* Per sample: unfold the windows (im2col) and multiply each group's weights
 * [Og, Kg] with its columns [Kg, N]. A 1x1 stride-1 unpadded kernel uses the
 * input as its own column matrix. */
typedef struct {
    tsu_conv_geometry g;
    int groups, out_per_group, k_per_group, positions;
    bool pointwise;
    bool winograd;          /* 3x3 stride 1: runtime/winograd.h instead of columns */
    tsu_winograd wino;
    int wino_samples;       /* samples per set of 16 products */
} conv_plan;

/* Samples per Winograd group: the runtime's chunk (3 samples; see
 * docs/runtime.md) in one set of 16 products, which ran the weight
 * gradient's products 1.7x faster than one sample a set (32 channels at
 * 14x14, measured). Large planes take one sample a set when three would
 * need more than CONV_WINOGRAD_GROUP_FLOATS of scratch per thread (about
 * what unfolding one sample needs, at 64 channels of 112x112): their
 * products are long enough alone. */
#define CONV_WINOGRAD_SAMPLES 3
#define CONV_WINOGRAD_GROUP_FLOATS ((size_t)8 << 20)

static conv_plan conv_plan_of(const tsu_node *node)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    tsu_window w = conv_window(node);
    conv_plan p = {
        .g = {.channels = in->d[0], .height = in->d[1], .width = in->d[2],
              .kernel_h = w.kernel[0], .kernel_w = w.kernel[1], .stride_h = w.stride[0],
              .stride_w = w.stride[1], .pad_h = w.pad[0], .pad_w = w.pad[1],
              .dilation_h = w.dilation[0], .dilation_w = w.dilation[1],
              .out_h = node->shape.d[1], .out_w = node->shape.d[2]},
        .groups = tsu_param_int(node, CONV_GROUP),
    };
    p.out_per_group = node->shape.d[0] / p.groups;
    p.k_per_group = in->d[0] / p.groups * w.kernel[0] * w.kernel[1];
    p.positions = p.g.out_h * p.g.out_w;
    p.pointwise = tsu_conv_is_pointwise(&p.g) && w.dilation[0] == 1 && w.dilation[1] == 1;
    p.winograd = tsu_winograd_applies(&p.g, p.groups, node->shape.d[0]);
    if (p.winograd) {
        p.wino = tsu_winograd_of(&p.g, node->shape.d[0]);
        p.wino_samples = tsu_winograd_work(&p.wino, CONV_WINOGRAD_SAMPLES) <=
                                 CONV_WINOGRAD_GROUP_FLOATS
                             ? CONV_WINOGRAD_SAMPLES
                             : 1;
    }
    return p;
}

/* OpenBLAS (0.3.21 here) multiplies small products (M*N*K up to about a
 * million) without packing its operands first. A sample's larger products
 * (conv2 of the seed network: 32 x 400 x 196) ran 20-25% faster cut into
 * column pieces of about 64 that stay below that size (measured, forward and
 * backward-data products alike). Pieces are 64 columns; the last takes the
 * remainder when less than 96 columns are left. */
#define CONV_PIECE_COLUMNS 64
#define CONV_UNPACKED_MNK 1.0e6

static int conv_piece_width(int m, int n, int k)
{
    double mk = (double)m * (double)k;
    if (mk * n <= CONV_UNPACKED_MNK || mk * CONV_PIECE_COLUMNS > CONV_UNPACKED_MNK) return n;
    return CONV_PIECE_COLUMNS;
}

/* C[m, n] = alpha op(A) B[k, n] + beta C in column pieces (see above); B and
 * C are row-major with leading dimension n. */
static void conv_sgemm(bool trans_a, int m, int n, int k, const float *a, int lda,
                       const float *b, float beta, float *c)
{
    const int width = conv_piece_width(m, n, k);
    for (int q = 0; q < n;) {
        int w = n - q < width + width / 2 ? n - q : width;
        cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, CblasNoTrans, m, w, k,
                    1.0f, a, lda, b + q, n, beta, c + q, n);
        q += w;
    }
}

/* Including the slack im2col may write past the end. */
static size_t conv_columns_size(const conv_plan *p)
{
    return p->pointwise ? 0
                        : (size_t)p->k_per_group * p->groups * p->positions + TSU_IM2COL_SLACK;
}

/* The weight gradient of a large product accumulates transposed,
 * dW^T[kg, og] += col dY^T: OpenBLAS ran that 10-15% faster than
 * dW[og, kg] += dY col^T for conv2 of the seed network (measured; both go
 * through its packing path). The thread's accumulator holds dW^T during
 * backward and is turned back after its last chunk. */
static bool conv_weight_grad_transposed(const conv_plan *p)
{
    return !p->pointwise && !p->winograd &&
           (double)p->out_per_group * p->k_per_group * p->positions > CONV_UNPACKED_MNK;
}

/* Columns, then im2col's own scratch; at least one weight tensor (the
 * transposition of its gradient). */
static size_t conv_work(const tsu_node *node)
{
    conv_plan p = conv_plan_of(node);
    if (p.winograd) return tsu_winograd_work(&p.wino, p.wino_samples);
    if (p.pointwise) return 0;
    size_t work = conv_columns_size(&p) + tsu_im2col_scratch(&p.g);
    size_t weight = (size_t)p.out_per_group * p.k_per_group * p.groups;
    return work > weight ? work : weight;
}

/* The columns of x, unfolded into the start of the thread's work. */
static const float *conv_columns(const conv_plan *p, const float *x, float *work)
{
    if (p->pointwise) return x;
    tsu_im2col(&p->g, x, work, work + conv_columns_size(p));
    return work;
}

/* Winograd convolutions keep two kernel-sized sets per thread in shared:
 * the transformed kernels, made on the pass's first chunk (forward ones in
 * forward, flipped ones in backward), and the weight gradient summed in the
 * transformed domain over the thread's samples, turned into dW after its
 * last chunk. */
static size_t conv_shared(const tsu_node *node, int n_threads)
{
    conv_plan p = conv_plan_of(node);
    return p.winograd
               ? sizeof(float) * 2 * tsu_winograd_filter_floats(&p.wino) * (size_t)n_threads
               : 0;
}

static float *conv_winograd_thread(const tsu_layer_run *run, const tsu_exec *ex,
                                   const conv_plan *p)
{
    return (float *)run->shared + 2 * tsu_winograd_filter_floats(&p->wino) * (size_t)ex->thread;
}

static const float *conv_winograd_kernels(const tsu_layer_run *run, const tsu_exec *ex,
                                          const conv_plan *p, bool flipped)
{
    float *u = conv_winograd_thread(run, ex, p);
    if (ex->first_chunk) tsu_winograd_filter(&p->wino, run->data[0], flipped, u);
    return u;
}

static void conv_forward_winograd(const tsu_layer_run *run, const tsu_exec *ex,
                                  const conv_plan *p, const float *bias)
{
    const float *u = conv_winograd_kernels(run, ex, p, false);
    for (int s = ex->n0; s < ex->n1; s += p->wino_samples) {
        const int n = ex->n1 - s < p->wino_samples ? ex->n1 - s : p->wino_samples;
        tsu_winograd_forward(&p->wino, u, bias, run->in[0] + (size_t)s * run->in_size[0],
                             run->in_size[0], run->out + (size_t)s * run->out_size,
                             run->out_size, n, ex->work);
    }
}

static void conv_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const conv_plan p = conv_plan_of(run->node);
    const int og = p.out_per_group, kg = p.k_per_group, n = p.positions;
    const float *weight = run->data[0];
    const float *bias = run->node->n_tensors > 1 ? run->data[1] : NULL;
    if (p.winograd) {
        conv_forward_winograd(run, ex, &p, bias);
        return;
    }
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *col = conv_columns(&p, run->in[0] + (size_t)s * run->in_size[0], ex->work);
        float *y = run->out + (size_t)s * run->out_size;
        for (int o = 0; bias && o < og * p.groups; o++)
            for (int j = 0; j < n; j++) y[(size_t)o * n + j] = bias[o];
        for (int gi = 0; gi < p.groups; gi++)
            conv_sgemm(false, og, n, kg, weight + (size_t)gi * og * kg, kg,
                       col + (size_t)gi * kg * n, bias ? 1.0f : 0.0f, y + (size_t)gi * og * n);
    }
}

/* The bias gradient of samples [s, s + n). */
static void conv_bias_grad(const tsu_layer_run *run, const tsu_exec *ex, const conv_plan *p,
                           int s, int n)
{
    if (run->node->n_tensors < 2) return;
    float *dbias = tsu_run_grad(run, ex, 1);
    const size_t positions = (size_t)p->positions;
    for (int i = s; i < s + n; i++) {
        const float *dy = run->dout + (size_t)i * run->out_size;
        for (int o = 0; o < p->out_per_group * p->groups; o++)
            dbias[o] += tsu_sum_floats(dy + (size_t)o * positions, positions);
    }
}

static void conv_backward_sample(const tsu_layer_run *run, const tsu_exec *ex,
                                 const conv_plan *p, int s)
{
    const int og = p->out_per_group, kg = p->k_per_group, n = p->positions;
    const float *dy = run->dout + (size_t)s * run->out_size;
    const float *x = run->in[0] + (size_t)s * run->in_size[0];
    /* Unfolding again is cheaper than keeping the columns from forward:
     * they would travel to memory and back, while these stay in cache. */
    const float *col = conv_columns(p, x, ex->work);
    float *dweight = tsu_run_grad(run, ex, 0);
    for (int gi = 0; gi < p->groups; gi++)
        if (conv_weight_grad_transposed(p))
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, kg, og, n, 1.0f,
                        col + (size_t)gi * kg * n, n, dy + (size_t)gi * og * n, n, 1.0f,
                        dweight + (size_t)gi * og * kg, og);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, og, kg, n, 1.0f,
                        dy + (size_t)gi * og * n, n, col + (size_t)gi * kg * n, n, 1.0f,
                        dweight + (size_t)gi * og * kg, kg);
    conv_bias_grad(run, ex, p, s, 1);
    if (!run->din[0]) return;
    float *dx = run->din[0] + (size_t)s * run->in_size[0];
    const bool acc = run->din_accumulate[0];
    /* The columns are no longer needed: their gradient reuses the space. */
    float *dcol = p->pointwise ? dx : ex->work;
    float beta = p->pointwise && acc ? 1.0f : 0.0f;
    for (int gi = 0; gi < p->groups; gi++)
        conv_sgemm(true, kg, n, og, run->data[0] + (size_t)gi * og * kg, kg,
                   dy + (size_t)gi * og * n, beta, dcol + (size_t)gi * kg * n);
    if (p->pointwise) return;
    float *scratch = ex->work + conv_columns_size(p);
    if (acc)
        tsu_col2im_add(&p->g, dcol, dx, scratch);
    else
        tsu_col2im_set(&p->g, dcol, dx, scratch);
}

/* The thread's samples of this chunk through the Winograd transforms in
 * groups; after the thread's last chunk its summed transformed gradient
 * becomes its dW. */
static void conv_backward_winograd(const tsu_layer_run *run, const tsu_exec *ex,
                                   const conv_plan *p)
{
    const float *u = run->din[0] ? conv_winograd_kernels(run, ex, p, true) : NULL;
    float *du = conv_winograd_thread(run, ex, p) + tsu_winograd_filter_floats(&p->wino);
    for (int s = ex->n0; s < ex->n1; s += p->wino_samples) {
        const int n = ex->n1 - s < p->wino_samples ? ex->n1 - s : p->wino_samples;
        float *dx = run->din[0] ? run->din[0] + (size_t)s * run->in_size[0] : NULL;
        tsu_winograd_backward(&p->wino, u, run->in[0] + (size_t)s * run->in_size[0],
                              run->in_size[0], run->dout + (size_t)s * run->out_size,
                              run->out_size, n, du, s > ex->range_n0, dx,
                              run->din_accumulate[0], ex->work);
        conv_bias_grad(run, ex, p, s, n);
    }
    if (ex->n1 >= ex->range_n1 && ex->range_n1 > ex->range_n0)
        tsu_winograd_filter_grad(&p->wino, du, tsu_run_grad(run, ex, 0));
}

static void conv_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const conv_plan p = conv_plan_of(run->node);
    if (p.winograd) {
        conv_backward_winograd(run, ex, &p);
        return;
    }
    for (int s = ex->n0; s < ex->n1; s++) conv_backward_sample(run, ex, &p, s);
    if (!conv_weight_grad_transposed(&p) || ex->n1 < ex->range_n1) return;
    /* The thread's last chunk: dW^T back to dW, per group, through work. */
    const int og = p.out_per_group, kg = p.k_per_group;
    float *dweight = tsu_run_grad(run, ex, 0), *tmp = ex->work;
    for (int gi = 0; gi < p.groups; gi++) {
        float *g = dweight + (size_t)gi * og * kg;
        memcpy(tmp, g, sizeof(float) * (size_t)og * kg);
        for (int o = 0; o < og; o++)
            for (int k = 0; k < kg; k++) g[(size_t)o * kg + k] = tmp[(size_t)k * og + o];
    }
}

static void conv_fans(const tsu_node *node, int *fan_in, int *fan_out)
{
    const int *k = tsu_param_ints(node, CONV_KERNEL);
    int group = tsu_param_int(node, CONV_GROUP);
    *fan_in = tsu_input_shape(node, 0)->d[0] / group * k[0] * k[1];
    *fan_out = tsu_param_int(node, CONV_OUTMAPS) * k[0] * k[1];
}

static const tsu_layer_ops conv_ops = {
    .work_floats = conv_work,
    .shared_bytes = conv_shared,
    .fans = conv_fans,
    .forward = conv_forward,
    .backward = conv_backward,
};

static tsu_conv_spec conv_spec(const tsu_node *node)
{
    return (tsu_conv_spec){.kernel = tsu_param_ints(node, CONV_KERNEL),
                           .stride = tsu_param_ints(node, CONV_STRIDE),
                           .pad = tsu_param_ints(node, CONV_PAD),
                           .dilation = tsu_param_ints(node, CONV_DILATION),
                           .group = tsu_param_int(node, CONV_GROUP),
                           .bias = tsu_node_value(node, CONV_WITH_BIAS)->boolean};
}

static bool conv_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const tsu_conv_spec spec = conv_spec(x->node);
    return tsu_onnx_conv(e, x, &spec);
}

static const char conv_c_kernel[] =
    "/* y[o][oy][ox] = b[o] + sum over the group's channels and taps of x * k. */\n"
    "static void conv2d(const float *x, int c, int h, int w, const float *k, const float *b,\n"
    "                   int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,\n"
    "                   int groups, float *y, int oh, int ow)\n"
    "{\n"
    "    int cg = c / groups, og = o / groups;\n"
    "    for (int oc = 0; oc < o; oc++) {\n"
    "        int g = oc / og;\n"
    "        for (int oy = 0; oy < oh; oy++)\n"
    "            for (int ox = 0; ox < ow; ox++) {\n"
    "                float s = b ? b[oc] : 0.0f;\n"
    "                for (int ic = 0; ic < cg; ic++) {\n"
    "                    const float *xc = x + (long)(g * cg + ic) * h * w;\n"
    "                    const float *kc = k + ((long)oc * cg + ic) * kh * kw;\n"
    "                    for (int ky = 0; ky < kh; ky++) {\n"
    "                        int iy = oy * sh - ph + ky * dh;\n"
    "                        if (iy < 0 || iy >= h) continue;\n"
    "                        for (int kx = 0; kx < kw; kx++) {\n"
    "                            int ix = ox * sw - pw + kx * dw;\n"
    "                            if (ix < 0 || ix >= w) continue;\n"
    "                            s += xc[iy * w + ix] * kc[ky * kw + kx];\n"
    "                        }\n"
    "                    }\n"
    "                }\n"
    "                y[((long)oc * oh + oy) * ow + ox] = s;\n"
    "            }\n"
    "    }\n"
    "}\n\n";

static void conv_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_node *node = x->node;
    const tsu_shape *s = tsu_node_shape(node), *in = tsu_node_shape(x->inputs[0]);
    const int *k = tsu_param_ints(node, CONV_KERNEL), *st = tsu_param_ints(node, CONV_STRIDE);
    const int *p = tsu_param_ints(node, CONV_PAD), *d = tsu_param_ints(node, CONV_DILATION);
    const tsu_c_io io = tsu_c_operands(e, x);
    char w[3 * TSU_ID_MAX], b[3 * TSU_ID_MAX];
    tsu_c_kernel(e, conv_c_kernel);
    tsu_c_printf(e,
                 "    conv2d(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, "
                 "%d, %d);\n",
                 io.src, in->d[0], in->d[1], in->d[2], tsu_c_tensor(e, node, "weight", w, sizeof w),
                 tsu_c_tensor(e, node, "bias", b, sizeof b), s->d[0], k[0], k[1], st[0], st[1],
                 p[0], p[1], d[0], d[1], tsu_param_int(node, CONV_GROUP), io.dst, s->d[1], s->d[2]);
}

static void conv_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    const tsu_conv_spec spec = conv_spec(node);
    tsu_py_conv2d(e, tsu_input_shape(node, 0)->d[0], tsu_param_int(node, CONV_OUTMAPS), &spec);
}

static const tsu_layer_export conv_export = {
    .onnx = conv_onnx,
    .c = conv_c,
    .pytorch_module = conv_pytorch_module,
    .pytorch = tsu_py_module_forward,
};

const tsu_layer_kind tsu_kind_convolution = {
    .name = "Convolution",
    .category = "Basic",
    .help = N_("2-D convolution of a [C, H, W] input"),
    .id_prefix = "conv",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = conv_params,
    .n_params = TSU_ARRAY_LEN(conv_params),
    .infer = conv_infer,
    .macs = conv_macs,
    .ops = &conv_ops,
    .exports = &conv_export,
    .role = {.traits = TSU_TRAIT_LINEAR, .width_param = "outmaps"},
    .about = {.computes = N_("Slides `outmaps` learned kernels over the image; each output value is a "
                  "weighted sum of a small window of every input channel."),
              .why = N_("It finds the same local pattern (an edge, a texture) wherever it "
                  "appears, with far fewer weights than Affine."),
              .neighbours = N_("Usually Convolution, BatchNormalization, ReLU, then MaxPooling to shrink "
                  "the image.")},
};
