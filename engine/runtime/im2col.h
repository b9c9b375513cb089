/* im2col.h — unfolding image windows into matrix columns for sgemm. */
#ifndef TSU_IM2COL_H
#define TSU_IM2COL_H

#include <stdbool.h>
#include <stddef.h>

/* An image [channels, height, width] and the windows slid over it, giving
 * out_h x out_w columns. Rows of the column matrix are (channel, ky, kx). */
typedef struct {
    int channels, height, width;
    int kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
    int out_h, out_w;
} tsu_conv_geometry;

/* Column buffers must have this many writable floats after their end. */
#define TSU_IM2COL_SLACK 8

/* col: [channels * kh * kw, out_h * out_w]; padding reads as zero.
 * scratch: tsu_im2col_scratch(g) floats, or NULL (slower). */
void tsu_im2col(const tsu_conv_geometry *g, const float *image, float *col, float *scratch);
/* Floats of scratch tsu_im2col can use: a padded copy of the image for the
 * stride-1 undilated case, 0 otherwise. */
size_t tsu_im2col_scratch(const tsu_conv_geometry *g);
/* Adds each column entry back onto the image position it came from.
 * scratch: tsu_im2col_scratch(g) floats, or NULL (slower). */
void tsu_col2im_add(const tsu_conv_geometry *g, const float *col, float *image, float *scratch);
/* Like tsu_col2im_add but stores the sums, overwriting image. */
void tsu_col2im_set(const tsu_conv_geometry *g, const float *col, float *image, float *scratch);
/* true when the column matrix is the image itself (1x1, stride 1, no pad). */
bool tsu_conv_is_pointwise(const tsu_conv_geometry *g);

#endif
