/* convolution.c — 2-D Convolution with stride, pad, dilation and groups. */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { CONV_OUTMAPS, CONV_KERNEL, CONV_STRIDE, CONV_PAD, CONV_DILATION, CONV_GROUP,
       CONV_WITH_BIAS };

static const tsu_param_desc conv_params[] = {
    TSU_PARAM_INT_REQ("outmaps", 1, TSU_DIM_MAX, "Number of output channels"),
    TSU_PARAM_PAIR_REQ("kernel", 1, 1024, "Kernel height and width"),
    TSU_PARAM_PAIR_DEF("stride", 1, 1, 1, 1024, "Step between windows (height, width)"),
    TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, "Zeros added on each side (height, width)"),
    TSU_PARAM_PAIR_DEF("dilation", 1, 1, 1, 1024, "Spacing between kernel taps"),
    TSU_PARAM_INT_DEF("group", 1, 1, TSU_DIM_MAX,
                      "Channel groups; input and output channels must be multiples"),
    TSU_PARAM_BOOL_DEF("with_bias", true, "Add a learned bias per output channel"),
};

static tsu_window conv_window(const tsu_node *node)
{
    tsu_window w;
    for (int a = 0; a < 2; a++) {
        w.kernel[a] = tsu_param_ints(node, CONV_KERNEL)[a];
        w.stride[a] = tsu_param_ints(node, CONV_STRIDE)[a];
        w.pad[a] = tsu_param_ints(node, CONV_PAD)[a];
        w.dilation[a] = tsu_param_ints(node, CONV_DILATION)[a];
    }
    return w;
}

static bool conv_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    int outmaps = tsu_param_int(node, CONV_OUTMAPS);
    int group = tsu_param_int(node, CONV_GROUP);
    if (in->d[0] % group != 0)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "group",
                             "%d input channels do not split into %d groups", in->d[0], group);
    if (outmaps % group != 0)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "group",
                             "outmaps %d does not split into %d groups", outmaps, group);
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

const tsu_layer_kind tsu_kind_convolution = {
    .name = "Convolution",
    .category = "Basic",
    .help = "2-D convolution of a [C, H, W] input",
    .id_prefix = "conv",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = conv_params,
    .n_params = TSU_ARRAY_LEN(conv_params),
    .infer = conv_infer,
    .macs = conv_macs,
};
