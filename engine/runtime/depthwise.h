/* depthwise.h — the arithmetic of DepthwiseConvolution
 * (engine/layers/depthwise.c): each input channel convolved with its own
 * `multiplier` kernels, output channel c * multiplier + j reading input
 * channel c, weight [channels * multiplier, kh * kw].
 *
 * The forward pass has two builds. With AVX-512, windows of stride 1 or 2
 * across are computed straight from the input, 16 outputs a vector with
 * every tap in registers and masked loads at the borders. Elsewhere each
 * input plane is first copied into a zero-padded plane (split by column
 * phase for strides) and read without bounds tests. Both add the taps to
 * the bias in the same order, padding included, so they give the same
 * bits. The backward pass sums the kernel's gradient from padded copies;
 * at stride 1 the input gradient is the forward's convolution of the output
 * gradient with the kernel turned by 180 degrees (either build, the same
 * bits again), at other strides taps added into the input's phases. */
#ifndef TSU_DEPTHWISE_H
#define TSU_DEPTHWISE_H

#include "runtime/im2col.h"

#include <stdbool.h>
#include <stddef.h>

/* Scratch floats of one sample's forward or backward pass. */
size_t tsu_depthwise_work(const tsu_conv_geometry *g, int multiplier);

/* One sample: y [channels * multiplier, out_h, out_w] from x [channels,
 * height, width]; bias may be NULL. */
void tsu_depthwise_forward(const tsu_conv_geometry *g, int multiplier, const float *x,
                           const float *weight, const float *bias, float *y, float *work);
/* The same with the build chosen: avx512 only where the CPU has it. */
void tsu_depthwise_forward_with(const tsu_conv_geometry *g, int multiplier, const float *x,
                                const float *weight, const float *bias, float *y, float *work,
                                bool avx512);

/* One sample: the weight gradient added to dweight and (dx not NULL) the
 * input gradient, added to dx with add, else stored. */
void tsu_depthwise_backward(const tsu_conv_geometry *g, int multiplier, const float *x,
                            const float *weight, const float *dy, float *dweight, float *dx,
                            bool add, float *work);
/* The same with the build chosen: avx512 only where the CPU has it. */
void tsu_depthwise_backward_with(const tsu_conv_geometry *g, int multiplier, const float *x,
                                 const float *weight, const float *dy, float *dweight,
                                 float *dx, bool add, float *work, bool avx512);

#endif
