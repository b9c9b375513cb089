/* deconvolution.c — Deconvolution (transposed 2-D convolution). The weight
 * is [in, out, kh, kw], as PyTorch's ConvTranspose2d stores it. */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { DECONV_OUTMAPS, DECONV_KERNEL, DECONV_STRIDE, DECONV_PAD, DECONV_WITH_BIAS };

static const tsu_param_desc deconv_params[] = {
    TSU_PARAM_INT_REQ("outmaps", 1, TSU_DIM_MAX, "Number of output channels"),
    TSU_PARAM_PAIR_REQ("kernel", 1, 1024, "Kernel height and width"),
    TSU_PARAM_PAIR_DEF("stride", 1, 1, 1, 1024, "Upsampling step (height, width)"),
    TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, "Rows and columns cropped from each side"),
    TSU_PARAM_BOOL_DEF("with_bias", true, "Add a learned bias per output channel"),
};

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
                             "pad %dx%d crops the whole %dx%d output", p[0], p[1],
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

const tsu_layer_kind tsu_kind_deconvolution = {
    .name = "Deconvolution",
    .category = "Basic",
    .help = "Transposed 2-D convolution (learned upsampling)",
    .id_prefix = "deconv",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = deconv_params,
    .n_params = TSU_ARRAY_LEN(deconv_params),
    .infer = deconv_infer,
    .macs = deconv_macs,
};
