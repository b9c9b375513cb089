/* affine.c — Affine (fully connected): y = W x + b over all non-batch axes. */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { AFFINE_OUTMAPS, AFFINE_WITH_BIAS };

static const tsu_param_desc affine_params[] = {
    TSU_PARAM_INT_REQ("outmaps", 1, 1 << 24, "Number of outputs"),
    TSU_PARAM_BOOL_DEF("with_bias", true, "Add a learned bias to each output"),
};

static bool affine_infer(tsu_node *node, tsu_diag *diag)
{
    int outmaps = tsu_param_int(node, AFFINE_OUTMAPS);
    size_t in = tsu_shape_size(tsu_input_shape(node, 0));
    if (in > (size_t)1 << 30)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                             "input of %zu values is too large for Affine", in);
    node->shape = tsu_shape_1(outmaps);
    tsu_shape weight = tsu_shape_2(outmaps, (int)in);
    tsu_node_add_tensor(node, "weight", &weight, true);
    if (tsu_node_value(node, AFFINE_WITH_BIAS)->boolean) {
        tsu_shape bias = tsu_shape_1(outmaps);
        tsu_node_add_tensor(node, "bias", &bias, true);
    }
    return true;
}

/* One multiply-add per weight. */
static uint64_t affine_macs(const tsu_node *node)
{
    return (uint64_t)tsu_shape_size(tsu_input_shape(node, 0)) *
           (uint64_t)tsu_param_int(node, AFFINE_OUTMAPS);
}

const tsu_layer_kind tsu_kind_affine = {
    .name = "Affine",
    .category = "Basic",
    .help = "Fully connected layer; flattens all non-batch axes",
    .id_prefix = "fc",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = affine_params,
    .n_params = TSU_ARRAY_LEN(affine_params),
    .infer = affine_infer,
    .macs = affine_macs,
};
