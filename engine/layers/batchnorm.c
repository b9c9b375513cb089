/* batchnorm.c — BatchNormalization over channels (axis 0). */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { BN_MOMENTUM, BN_EPS };

static const tsu_param_desc bn_params[] = {
    TSU_PARAM_FLOAT_DEF("momentum", 0.9, 0.0, 1.0,
                        "Running statistics keep this share of their old value per batch"),
    TSU_PARAM_FLOAT_DEF("eps", 1e-5, 1e-12, 1.0, "Added to the variance before the square root"),
};

static bool bn_infer(tsu_node *node, tsu_diag *diag)
{
    node->shape = *tsu_input_shape(node, 0);
    tsu_shape channels = tsu_shape_1(node->shape.d[0]);
    tsu_node_add_tensor(node, "weight", &channels, true);
    tsu_node_add_tensor(node, "bias", &channels, true);
    tsu_node_add_tensor(node, "running_mean", &channels, false);
    tsu_node_add_tensor(node, "running_var", &channels, false);
    return true;
}

/* Normalising folds into one scale and shift: one multiply-add per value. */
static uint64_t bn_macs(const tsu_node *node)
{
    return tsu_shape_size(&node->shape);
}

const tsu_layer_kind tsu_kind_batch_normalization = {
    .name = "BatchNormalization",
    .category = "Normalization",
    .help = "Normalises each channel with batch statistics, then scales and shifts",
    .id_prefix = "bn",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = bn_params,
    .n_params = TSU_ARRAY_LEN(bn_params),
    .infer = bn_infer,
    .macs = bn_macs,
};
