/* activation.c — element-wise activations and Softmax (over axis 0). */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { ALPHA };

static const tsu_param_desc leaky_relu_params[] = {
    TSU_PARAM_FLOAT_DEF("alpha", 0.1, 0.0, 1e6, "Slope for negative inputs"),
};

static const tsu_param_desc elu_params[] = {
    TSU_PARAM_FLOAT_DEF("alpha", 1.0, 0.0, 1e6, "Value approached for very negative inputs"),
};

#define ACTIVATION_KIND(var, kname, khelp, prefix, kparams, kn_params)                 \
    const tsu_layer_kind var = {                                                       \
        .name = kname,                                                                 \
        .category = "Activation",                                                      \
        .help = khelp,                                                                 \
        .id_prefix = prefix,                                                           \
        .min_inputs = 1,                                                               \
        .max_inputs = 1,                                                               \
        .params = kparams,                                                             \
        .n_params = kn_params,                                                         \
        .infer = tsu_infer_same_shape,                                                 \
        .macs = tsu_macs_none,                                                         \
    }

ACTIVATION_KIND(tsu_kind_relu, "ReLU", "max(x, 0)", "relu", NULL, 0);
ACTIVATION_KIND(tsu_kind_sigmoid, "Sigmoid", "1 / (1 + exp(-x))", "sigmoid", NULL, 0);
ACTIVATION_KIND(tsu_kind_tanh, "Tanh", "Hyperbolic tangent", "tanh", NULL, 0);
ACTIVATION_KIND(tsu_kind_leaky_relu, "LeakyReLU", "x for x > 0, alpha * x otherwise",
                "lrelu", leaky_relu_params, TSU_ARRAY_LEN(leaky_relu_params));
ACTIVATION_KIND(tsu_kind_elu, "ELU", "x for x > 0, alpha * (exp(x) - 1) otherwise", "elu",
                elu_params, TSU_ARRAY_LEN(elu_params));
ACTIVATION_KIND(tsu_kind_softmax, "Softmax",
                "Normalised exponentials over axis 0 (the channels)", "softmax", NULL, 0);
