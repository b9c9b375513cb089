/* im2col.c — window unfolding. Rows of zeros come from padding; the inner
 * loops are split so the common stride-1 case is a plain copy. */
#include "runtime/im2col.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize")
#endif

#include <string.h>

bool tsu_conv_is_pointwise(const tsu_conv_geometry *g)
{
    return g->kernel_h == 1 && g->kernel_w == 1 && g->stride_h == 1 && g->stride_w == 1 &&
           g->pad_h == 0 && g->pad_w == 0;
}

/* Output columns ow whose input column ow*s - pad + off lies inside [0, width). */
static void valid_range(int out_w, int stride, int start, int width, int *lo, int *hi)
{
    int a = 0, b = out_w;
    while (a < b && start + a * stride < 0) a++;
    while (b > a && start + (b - 1) * stride >= width) b--;
    *lo = a;
    *hi = b;
}

void tsu_im2col(const tsu_conv_geometry *g, const float *image, float *col)
{
    const int plane = g->height * g->width;
    for (int c = 0; c < g->channels; c++) {
        const float *src = image + (size_t)c * plane;
        for (int ky = 0; ky < g->kernel_h; ky++) {
            for (int kx = 0; kx < g->kernel_w; kx++) {
                int col_start = kx * g->dilation_w - g->pad_w;
                int lo, hi;
                valid_range(g->out_w, g->stride_w, col_start, g->width, &lo, &hi);
                for (int oy = 0; oy < g->out_h; oy++, col += g->out_w) {
                    int iy = oy * g->stride_h - g->pad_h + ky * g->dilation_h;
                    if (iy < 0 || iy >= g->height || lo >= hi) {
                        memset(col, 0, sizeof(float) * (size_t)g->out_w);
                        continue;
                    }
                    const float *row = src + (size_t)iy * g->width + col_start;
                    for (int ox = 0; ox < lo; ox++) col[ox] = 0.0f;
                    if (g->stride_w == 1) {
                        /* Rows are short: a loop beats a memcpy call. */
                        for (int ox = lo; ox < hi; ox++) col[ox] = row[ox];
                    } else {
                        for (int ox = lo; ox < hi; ox++) col[ox] = row[ox * g->stride_w];
                    }
                    for (int ox = hi; ox < g->out_w; ox++) col[ox] = 0.0f;
                }
            }
        }
    }
}

void tsu_col2im_add(const tsu_conv_geometry *g, const float *col, float *image)
{
    const int plane = g->height * g->width;
    for (int c = 0; c < g->channels; c++) {
        float *dst = image + (size_t)c * plane;
        for (int ky = 0; ky < g->kernel_h; ky++) {
            for (int kx = 0; kx < g->kernel_w; kx++) {
                int col_start = kx * g->dilation_w - g->pad_w;
                int lo, hi;
                valid_range(g->out_w, g->stride_w, col_start, g->width, &lo, &hi);
                for (int oy = 0; oy < g->out_h; oy++, col += g->out_w) {
                    int iy = oy * g->stride_h - g->pad_h + ky * g->dilation_h;
                    if (iy < 0 || iy >= g->height) continue;
                    float *row = dst + (size_t)iy * g->width + col_start;
                    if (g->stride_w == 1) {
                        for (int ox = lo; ox < hi; ox++) row[ox] += col[ox];
                    } else {
                        for (int ox = lo; ox < hi; ox++) row[ox * g->stride_w] += col[ox];
                    }
                }
            }
        }
    }
}
