/* kinds.h — every layer kind defined in this folder (registry.c orders them). */
#ifndef TSU_LAYER_KINDS_H
#define TSU_LAYER_KINDS_H

#include "tsu-internal.h"

extern const tsu_layer_kind tsu_kind_input;
extern const tsu_layer_kind tsu_kind_affine;
extern const tsu_layer_kind tsu_kind_convolution;
extern const tsu_layer_kind tsu_kind_deconvolution;
extern const tsu_layer_kind tsu_kind_max_pooling;
extern const tsu_layer_kind tsu_kind_average_pooling;
extern const tsu_layer_kind tsu_kind_global_average_pooling;
extern const tsu_layer_kind tsu_kind_relu;
extern const tsu_layer_kind tsu_kind_sigmoid;
extern const tsu_layer_kind tsu_kind_tanh;
extern const tsu_layer_kind tsu_kind_leaky_relu;
extern const tsu_layer_kind tsu_kind_elu;
extern const tsu_layer_kind tsu_kind_softmax;
extern const tsu_layer_kind tsu_kind_batch_normalization;
extern const tsu_layer_kind tsu_kind_dropout;
extern const tsu_layer_kind tsu_kind_flatten;
extern const tsu_layer_kind tsu_kind_reshape;
extern const tsu_layer_kind tsu_kind_concatenate;
extern const tsu_layer_kind tsu_kind_add2;
extern const tsu_layer_kind tsu_kind_categorical_cross_entropy;
extern const tsu_layer_kind tsu_kind_softmax_cross_entropy;
extern const tsu_layer_kind tsu_kind_binary_cross_entropy;
extern const tsu_layer_kind tsu_kind_sigmoid_cross_entropy;
extern const tsu_layer_kind tsu_kind_squared_error;

#endif
