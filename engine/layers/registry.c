/* registry.c — every layer kind, in palette order (IO, Basic, Pooling,
 * Activation, Normalization, Others, Loss). Adding a layer kind is one file
 * in this folder, its line in layers/meson.build (meson lists sources by
 * hand) and one line here: the list below both declares the kind and
 * places it in the palette. docs/architecture.md walks through an example. */
#include "tsu-internal.h"

#define TSU_LAYER_KINDS(X)                                                              \
    X(input)                                                                            \
    X(affine)                                                                           \
    X(convolution)                                                                      \
    X(depthwise_convolution)                                                            \
    X(deconvolution)                                                                    \
    X(max_pooling)                                                                      \
    X(average_pooling)                                                                  \
    X(global_average_pooling)                                                           \
    X(unpooling)                                                                        \
    X(relu)                                                                             \
    X(sigmoid)                                                                          \
    X(tanh)                                                                             \
    X(leaky_relu)                                                                       \
    X(elu)                                                                              \
    X(swish)                                                                            \
    X(gelu)                                                                             \
    X(prelu)                                                                            \
    X(softplus)                                                                         \
    X(selu)                                                                             \
    X(softmax)                                                                          \
    X(batch_normalization)                                                              \
    X(layer_normalization)                                                              \
    X(dropout)                                                                          \
    X(repeat_start)                                                                     \
    X(repeat_end)                                                                       \
    X(image_augmentation)                                                               \
    X(flatten)                                                                          \
    X(reshape)                                                                          \
    X(concatenate)                                                                      \
    X(add2)                                                                             \
    X(mul2)                                                                             \
    X(sub2)                                                                             \
    X(categorical_cross_entropy)                                                        \
    X(softmax_cross_entropy)                                                            \
    X(binary_cross_entropy)                                                             \
    X(sigmoid_cross_entropy)                                                            \
    X(squared_error)

/* Each layer file defines `const tsu_layer_kind tsu_kind_NAME`. */
#define DECLARE_KIND(name) extern const tsu_layer_kind tsu_kind_##name;
TSU_LAYER_KINDS(DECLARE_KIND)

#define LIST_KIND(name) &tsu_kind_##name,
static const tsu_layer_kind *const builtin[] = {TSU_LAYER_KINDS(LIST_KIND)};

/* Kinds a test program links in beside the engine (tests/engine/toy-layer.c),
 * NULL-terminated. The engine itself defines none, so this weak reference is
 * NULL there: the engine's kinds stay constant, with no registration call. */
extern const tsu_layer_kind *const tsu_layer_registry_extra[] __attribute__((weak));

static int extra_count(void)
{
    int n = 0;
    if (tsu_layer_registry_extra)
        while (tsu_layer_registry_extra[n]) n++;
    return n;
}

int tsu_layer_kind_count(void)
{
    return (int)TSU_ARRAY_LEN(builtin) + extra_count();
}

const tsu_layer_kind *tsu_layer_kind_at(int index)
{
    const int n = (int)TSU_ARRAY_LEN(builtin);
    if (index < 0 || index >= tsu_layer_kind_count()) return NULL;
    return index < n ? builtin[index] : tsu_layer_registry_extra[index - n];
}
