/* winograd.h — 3x3 stride-1 convolutions by Winograd's minimal filtering
 * algorithm F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016).
 *
 * Each 2x2 block of outputs ("tile") is computed from the 4x4 input patch
 * under it: the patch and the kernel are transformed to 4x4, multiplied
 * element by element and summed over channels, and transformed back. The
 * sums over channels are 16 matrix products [O, C] x [C, tiles], one per
 * element of the 4x4 domain, with 16 multiply-adds per 4 outputs and
 * channel pair where the unfolded product (im2col) needs 36: 2.25x fewer.
 * The backward pass uses the same products: the input gradient is the
 * convolution of the output gradient with the flipped kernel, and the
 * weight gradient is G^T (sum over tiles of (A dY A^T) . V) G.
 *
 * Memory layout: a transformed batch of n samples is [16][rows][n * tiles],
 * samples' tiles side by side, so each of the 16 products covers every
 * sample of the group at once (one call per element, not per sample). */
#ifndef TSU_WINOGRAD_H
#define TSU_WINOGRAD_H

#include "runtime/im2col.h"

#include <stdbool.h>
#include <stddef.h>

/* A convolution the transforms serve: input [channels, height, width],
 * outmaps output channels of [out_h, out_w] (height + 2 * pad_h - 2, ...). */
typedef struct {
    int channels, height, width, outmaps;
    int pad_h, pad_w;
    int out_h, out_w;
} tsu_winograd;

/* Whether F(2x2, 3x3) serves this convolution: a 3x3 kernel, stride 1, no
 * dilation, one group, pads of at most 2 (the input gradient's convolution
 * pads 2 - pad), and channels on both sides wide enough that the 16 small
 * products beat one unfolded one. */
bool tsu_winograd_applies(const tsu_conv_geometry *g, int groups, int outmaps);
tsu_winograd tsu_winograd_of(const tsu_conv_geometry *g, int outmaps);

/* Floats of one transformed kernel set, [16][outmaps][channels]. */
size_t tsu_winograd_filter_floats(const tsu_winograd *w);
/* u = G g G^T of each 3x3 kernel of weight [outmaps, channels, 3, 3]:
 * u[16][outmaps][channels] for the forward pass; flipped, the kernels
 * turned by 180 degrees and u[16][channels][outmaps] for the input
 * gradient. A pass transforms its kernels once, not per sample group. */
void tsu_winograd_filter(const tsu_winograd *w, const float *weight, bool flipped, float *u);

/* Scratch floats for a group of n samples, forward or backward (a layer's
 * work serves both passes). */
size_t tsu_winograd_work(const tsu_winograd *w, int n);

/* y = x * weight (+ bias) for n samples; x and y hold samples x_stride and
 * y_stride floats apart. u: the forward kernels; bias may be NULL. work:
 * tsu_winograd_work(w, n) floats. */
void tsu_winograd_forward(const tsu_winograd *w, const float *u, const float *bias,
                          const float *x, size_t x_stride, float *y, size_t y_stride, int n,
                          float *work);

/* For n samples: the weight gradient in the transformed domain stored in
 * du [16][outmaps][channels] (added to it with du_add), and when dx is not
 * NULL the input gradient stored in dx (added with dx_add). u_flipped: the
 * flipped kernels. work: tsu_winograd_work(w, n) floats. A pass sums
 * du over all its samples and turns it into the weight gradient once. */
void tsu_winograd_backward(const tsu_winograd *w, const float *u_flipped, const float *x,
                           size_t x_stride, const float *dy, size_t y_stride, int n, float *du,
                           bool du_add, float *dx, bool dx_add, float *work);
/* dweight [outmaps, channels, 3, 3] += G^T du G. */
void tsu_winograd_filter_grad(const tsu_winograd *w, const float *du, float *dweight);

/* The same with the row operations chosen: AVX-512 or plain C (the two give
 * the same bits; tests compare them). avx512 needs a CPU that has it. */
void tsu_winograd_forward_with(const tsu_winograd *w, const float *u, const float *bias,
                               const float *x, size_t x_stride, float *y, size_t y_stride, int n,
                               float *work, bool avx512);
void tsu_winograd_backward_with(const tsu_winograd *w, const float *u_flipped, const float *x,
                                size_t x_stride, const float *dy, size_t y_stride, int n,
                                float *du, bool du_add, float *dx, bool dx_add, float *work,
                                bool avx512);

#endif
