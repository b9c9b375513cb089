/* pooling.c — MaxPooling, AveragePooling, GlobalAveragePooling.
 * Windows that do not fit at the bottom/right edge are dropped (floor, NNC's
 * ignore_border=true). Average pooling divides by the full window, padding
 * included (NNC's including_pad=true, PyTorch's count_include_pad=True). */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { POOL_KERNEL, POOL_STRIDE, POOL_PAD };

static const tsu_param_desc pool_params[] = {
    TSU_PARAM_PAIR_DEF("kernel", 2, 2, 1, 1024, "Window height and width"),
    TSU_PARAM_PAIR_SAME("stride", "kernel", 1, 1024,
                        "Step between windows (height, width); defaults to the kernel"),
    TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, "Padding on each side (height, width)"),
};

static tsu_window pool_window(const tsu_node *node)
{
    tsu_window w;
    for (int a = 0; a < 2; a++) {
        w.kernel[a] = tsu_param_ints(node, POOL_KERNEL)[a];
        w.stride[a] = tsu_param_ints(node, POOL_STRIDE)[a];
        w.pad[a] = tsu_param_ints(node, POOL_PAD)[a];
        w.dilation[a] = 1;
    }
    return w;
}

static bool pool_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    tsu_window win = pool_window(node);
    int out[2];
    if (!tsu_window_output(node, diag, "kernel", &win, &in->d[1], out)) return false;
    node->shape = tsu_shape_3(in->d[0], out[0], out[1]);
    return true;
}

/* Averaging: one multiply-add per window element and output. Max: none. */
static uint64_t average_pool_macs(const tsu_node *node)
{
    const int *k = tsu_param_ints(node, POOL_KERNEL);
    return (uint64_t)tsu_shape_size(&node->shape) * (uint64_t)k[0] * (uint64_t)k[1];
}

static bool global_pool_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    node->shape = tsu_shape_3(tsu_input_shape(node, 0)->d[0], 1, 1);
    return true;
}

/* One multiply-add per input value. */
static uint64_t global_pool_macs(const tsu_node *node)
{
    return tsu_shape_size(tsu_input_shape(node, 0));
}

const tsu_layer_kind tsu_kind_max_pooling = {
    .name = "MaxPooling",
    .category = "Pooling",
    .help = "Largest value of each window",
    .id_prefix = "pool",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = pool_params,
    .n_params = TSU_ARRAY_LEN(pool_params),
    .infer = pool_infer,
    .macs = tsu_macs_none,
};

const tsu_layer_kind tsu_kind_average_pooling = {
    .name = "AveragePooling",
    .category = "Pooling",
    .help = "Mean of each window (padding counts as zeros)",
    .id_prefix = "avgpool",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = pool_params,
    .n_params = TSU_ARRAY_LEN(pool_params),
    .infer = pool_infer,
    .macs = average_pool_macs,
};

const tsu_layer_kind tsu_kind_global_average_pooling = {
    .name = "GlobalAveragePooling",
    .category = "Pooling",
    .help = "Mean of each channel: [C, H, W] to [C, 1, 1]",
    .id_prefix = "gap",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = global_pool_infer,
    .macs = global_pool_macs,
};
