/* registry.c — every layer kind, in palette order (IO, Basic, Pooling,
 * Activation, Normalization, Others, Loss). Adding a layer kind is one file
 * in this folder plus one line here. */
#include "layers/kinds.h"

const tsu_layer_kind *const tsu_layer_registry[] = {
    &tsu_kind_input,
    &tsu_kind_affine,
    &tsu_kind_convolution,
    &tsu_kind_deconvolution,
    &tsu_kind_max_pooling,
    &tsu_kind_average_pooling,
    &tsu_kind_global_average_pooling,
    &tsu_kind_relu,
    &tsu_kind_sigmoid,
    &tsu_kind_tanh,
    &tsu_kind_leaky_relu,
    &tsu_kind_elu,
    &tsu_kind_softmax,
    &tsu_kind_batch_normalization,
    &tsu_kind_dropout,
    &tsu_kind_flatten,
    &tsu_kind_reshape,
    &tsu_kind_concatenate,
    &tsu_kind_add2,
    &tsu_kind_categorical_cross_entropy,
    &tsu_kind_softmax_cross_entropy,
    &tsu_kind_binary_cross_entropy,
    &tsu_kind_sigmoid_cross_entropy,
    &tsu_kind_squared_error,
};
const int tsu_layer_registry_count = (int)TSU_ARRAY_LEN(tsu_layer_registry);
