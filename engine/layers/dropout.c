/* dropout.c — Dropout: inverted in training, the identity in inference. */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { DROPOUT_P };

static const tsu_param_desc dropout_params[] = {
    TSU_PARAM_FLOAT_DEF("p", 0.5, 0.0, 0.99, "Probability of dropping each value in training"),
};

const tsu_layer_kind tsu_kind_dropout = {
    .name = "Dropout",
    .category = "Others",
    .help = "Zeroes random values in training and scales the rest by 1/(1-p)",
    .id_prefix = "dropout",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = dropout_params,
    .n_params = TSU_ARRAY_LEN(dropout_params),
    .infer = tsu_infer_same_shape,
    .macs = tsu_macs_none,
};
