/* losses.c — loss functions. Each outputs one value per sample: the mean
 * over the sample's elements (over positions for the cross entropies with
 * class indices), so the batch mean equals PyTorch's default "mean"
 * reduction. The `dataset` param names the target variable. */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { LOSS_DATASET };

static const tsu_param_desc loss_params[] = {
    TSU_PARAM_STRING_DEF("dataset", "y", "Dataset variable holding the targets"),
};

static bool loss_infer(tsu_node *node, tsu_diag *diag)
{
    node->shape = tsu_shape_1(1);
    return true;
}

#define LOSS_KIND(var, kname, khelp)                                                   \
    const tsu_layer_kind var = {                                                       \
        .name = kname,                                                                 \
        .category = "Loss",                                                            \
        .help = khelp,                                                                 \
        .id_prefix = "loss",                                                           \
        .min_inputs = 1,                                                               \
        .max_inputs = 1,                                                               \
        .flags = TSU_KIND_LOSS,                                                        \
        .params = loss_params,                                                         \
        .n_params = TSU_ARRAY_LEN(loss_params),                                        \
        .infer = loss_infer,                                                           \
        .macs = tsu_macs_none,                                                         \
    }

LOSS_KIND(tsu_kind_categorical_cross_entropy, "CategoricalCrossEntropy",
          "-log p[label] of probabilities (after Softmax); labels are class indices");
LOSS_KIND(tsu_kind_softmax_cross_entropy, "SoftmaxCrossEntropy",
          "Softmax and cross entropy on logits in one stable step; labels are class indices");
LOSS_KIND(tsu_kind_binary_cross_entropy, "BinaryCrossEntropy",
          "Cross entropy of probabilities (after Sigmoid) against 0/1 targets");
LOSS_KIND(tsu_kind_sigmoid_cross_entropy, "SigmoidCrossEntropy",
          "Sigmoid and binary cross entropy on logits in one stable step");
LOSS_KIND(tsu_kind_squared_error, "SquaredError", "Mean of (x - y)^2 over the values");
