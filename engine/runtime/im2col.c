/* im2col.c — window unfolding. Rows of zeros come from padding; the inner
 * loops are split so the common stride-1 case is a plain copy. */
#include "runtime/vectorize.h"

#include "runtime/im2col.h"

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

size_t tsu_im2col_scratch(const tsu_conv_geometry *g)
{
    bool simple = g->stride_h == 1 && g->stride_w == 1 && g->dilation_h == 1 &&
                  g->dilation_w == 1;
    return simple ? (size_t)g->channels * (size_t)(g->height + 2 * g->pad_h) *
                            (size_t)(g->width + 2 * g->pad_w) + TSU_IM2COL_SLACK
                  : 0;
}

/* Stride 1, no dilation: pad the image once, then every column row is a run
 * of plain copies with no bounds to check. */
static void im2col_padded_sse(const tsu_conv_geometry *g, const float *restrict image,
                              float *restrict col, float *restrict padded)
{
    const int pw = g->width + 2 * g->pad_w, ph = g->height + 2 * g->pad_h;
    memset(padded, 0, sizeof(float) * (size_t)g->channels * (size_t)(ph * pw));
    for (int c = 0; c < g->channels; c++)
        for (int y = 0; y < g->height; y++) {
            const float *src = image + ((size_t)c * g->height + y) * g->width;
            float *dst = padded + ((size_t)c * ph + y + g->pad_h) * pw + g->pad_w;
            for (int x = 0; x < g->width; x++) dst[x] = src[x];
        }
    const int ow = g->out_w;
    for (int c = 0; c < g->channels; c++)
        for (int ky = 0; ky < g->kernel_h; ky++)
            for (int kx = 0; kx < g->kernel_w; kx++)
                for (int oy = 0; oy < g->out_h; oy++, col += ow) {
                    const float *src = padded + ((size_t)c * ph + oy + ky) * pw + kx;
                    /* Runs are short: whole 8-float blocks, inlined, instead
                     * of a memmove call per run. A block may spill into the
                     * next run, which is written afterwards, or into the
                     * TSU_IM2COL_SLACK floats after the columns. */
                    for (int ox = 0; ox < ow; ox += 8) __builtin_memcpy(col + ox, src + ox, 32);
                }
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define IM2COL_AVX512 1

/* Copies a run of n floats with 16-float AVX-512 moves, the last one
 * masked: a 14-wide row (the ResNet example's 14x14 maps) is one load and
 * one store, where the SSE2 build needed four of each and GCC turned the
 * padding copy into a memcpy call per row. */
__attribute__((target("avx512f"))) static inline void run_copy_avx512(float *restrict dst,
                                                                      const float *restrict src,
                                                                      int n)
{
    int x = 0;
    for (; x + 16 <= n; x += 16) _mm512_storeu_ps(dst + x, _mm512_loadu_ps(src + x));
    if (x < n) {
        const __mmask16 m = (__mmask16)((1u << (n - x)) - 1u);
        _mm512_mask_storeu_ps(dst + x, m, _mm512_maskz_loadu_ps(m, src + x));
    }
}

/* im2col_padded_sse with whole rows moved by run_copy_avx512. On the ResNet
 * example (3x3 convolutions at 32x14x14) unfolding and its memcpy calls
 * went from 14.9% to 12.7% of a training step, 3-5% more images per
 * CPU-second, with bit-identical results (measured, bench-seed). What is
 * left is the columns' own traffic to L2. */
__attribute__((target("avx512f"))) static void im2col_padded_avx512(
    const tsu_conv_geometry *g, const float *restrict image, float *restrict col,
    float *restrict padded)
{
    const int pw = g->width + 2 * g->pad_w, ph = g->height + 2 * g->pad_h;
    memset(padded, 0, sizeof(float) * (size_t)g->channels * (size_t)(ph * pw));
    for (int c = 0; c < g->channels; c++)
        for (int y = 0; y < g->height; y++)
            run_copy_avx512(padded + ((size_t)c * ph + y + g->pad_h) * pw + g->pad_w,
                            image + ((size_t)c * g->height + y) * g->width, g->width);
    const int ow = g->out_w;
    for (int c = 0; c < g->channels; c++)
        for (int ky = 0; ky < g->kernel_h; ky++)
            for (int kx = 0; kx < g->kernel_w; kx++)
                for (int oy = 0; oy < g->out_h; oy++, col += ow)
                    run_copy_avx512(col, padded + ((size_t)c * ph + oy + ky) * pw + kx, ow);
}
#endif

static void im2col_padded(const tsu_conv_geometry *g, const float *restrict image,
                          float *restrict col, float *restrict padded)
{
#ifdef IM2COL_AVX512
    if (__builtin_cpu_supports("avx512f")) {
        im2col_padded_avx512(g, image, col, padded);
        return;
    }
#endif
    im2col_padded_sse(g, image, col, padded);
}

void tsu_im2col(const tsu_conv_geometry *g, const float *image, float *col, float *scratch)
{
    if (scratch && tsu_im2col_scratch(g)) {
        im2col_padded(g, image, col, scratch);
        return;
    }
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

/* Stride 1, no dilation: sum into a zeroed padded image with no bounds to
 * check, then add or store its interior. */
#ifdef IM2COL_AVX512
/* dst[0, n) += src[0, n) in 16-float moves, the last one masked (see
 * run_copy_avx512). */
__attribute__((target("avx512f"))) static inline void run_add_avx512(float *restrict dst,
                                                                     const float *restrict src,
                                                                     int n)
{
    int x = 0;
    for (; x + 16 <= n; x += 16)
        _mm512_storeu_ps(dst + x, _mm512_add_ps(_mm512_loadu_ps(dst + x), _mm512_loadu_ps(src + x)));
    if (x < n) {
        const __mmask16 m = (__mmask16)((1u << (n - x)) - 1u);
        _mm512_mask_storeu_ps(dst + x, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, dst + x),
                                                        _mm512_maskz_loadu_ps(m, src + x)));
    }
}

/* The summing loop of col2im_padded with whole rows added by
 * run_add_avx512, in the same order, so the same bits: on the ResNet
 * example col2im went from 7.7% to 4.2% of a training step (+2% images per
 * CPU-second; the seed network +1-4%; bench-seed). */
__attribute__((target("avx512f"))) static void col2im_sum_avx512(const tsu_conv_geometry *g,
                                                                const float *restrict col,
                                                                float *restrict padded)
{
    const int pw = g->width + 2 * g->pad_w, ph = g->height + 2 * g->pad_h;
    const int ow = g->out_w, oh = g->out_h, kh = g->kernel_h, kw = g->kernel_w;
    for (int c = 0; c < g->channels; c++)
        for (int kx = 0; kx < kw; kx++)
            for (int ky = 0; ky < kh; ky++) {
                const float *src = col + ((size_t)(c * kh + ky) * kw + kx) * (size_t)(oh * ow);
                for (int oy = 0; oy < oh; oy++, src += ow)
                    run_add_avx512(padded + ((size_t)c * ph + oy + ky) * pw + kx, src, ow);
            }
}
#endif

static void col2im_padded(const tsu_conv_geometry *g, const float *restrict col,
                          float *restrict image, float *restrict padded, bool add)
{
    const int pw = g->width + 2 * g->pad_w, ph = g->height + 2 * g->pad_h;
    const int ow = g->out_w;
    const int oh = g->out_h, kh = g->kernel_h, kw = g->kernel_w;
    memset(padded, 0, sizeof(float) * (size_t)g->channels * (size_t)(ph * pw));
    /* kx outside ky: a padded row is next updated at the same column offset
     * (the next ky), so the reads find the stores still in flight at the
     * same addresses. With ky outside kx the next update of a row was one
     * float over, and reads that partly overlap pending stores stall
     * (measured: col2im 7% of training time before). */
#ifdef IM2COL_AVX512
    if (__builtin_cpu_supports("avx512f")) {
        col2im_sum_avx512(g, col, padded);
    } else
#endif
    for (int c = 0; c < g->channels; c++)
        for (int kx = 0; kx < kw; kx++)
            for (int ky = 0; ky < kh; ky++) {
                const float *src = col + ((size_t)(c * kh + ky) * kw + kx) * (size_t)(oh * ow);
                for (int oy = 0; oy < oh; oy++, src += ow) {
                    float *restrict dst = padded + ((size_t)c * ph + oy + ky) * pw + kx;
                    for (int ox = 0; ox < ow; ox++) dst[ox] += src[ox];
                }
            }
    for (int c = 0; c < g->channels; c++)
        for (int y = 0; y < g->height; y++) {
            const float *restrict src = padded + ((size_t)c * ph + y + g->pad_h) * pw + g->pad_w;
            float *restrict dst = image + ((size_t)c * g->height + y) * g->width;
            if (add)
                for (int x = 0; x < g->width; x++) dst[x] += src[x];
            else
                for (int x = 0; x < g->width; x++) dst[x] = src[x];
        }
}

void tsu_col2im_set(const tsu_conv_geometry *g, const float *col, float *image, float *scratch)
{
    if (scratch && tsu_im2col_scratch(g)) {
        col2im_padded(g, col, image, scratch, false);
        return;
    }
    memset(image, 0, sizeof(float) * (size_t)g->channels * (size_t)(g->height * g->width));
    tsu_col2im_add(g, col, image, NULL);
}

void tsu_col2im_add(const tsu_conv_geometry *g, const float *col, float *image, float *scratch)
{
    if (scratch && tsu_im2col_scratch(g)) {
        col2im_padded(g, col, image, scratch, true);
        return;
    }
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
