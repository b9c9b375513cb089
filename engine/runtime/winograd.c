/* winograd.c — F(2x2, 3x3) transforms and the 16 products per pass (see
 * winograd.h). The transforms themselves are in winograd-rows.h, built here
 * twice: with AVX-512 row operations where the CPU has them, in plain C
 * elsewhere. */
#include "runtime/vectorize.h"

#include "runtime/winograd.h"

#include "runtime/small-gemm.h"

#include <string.h>

/* Below this many channels on either side the 16 products' inner dimension
 * is too short for sgemm to run near its peak and unfolding wins. */
#define WINOGRAD_MIN_CHANNELS 8
#define WINOGRAD_ALIGN 16 /* floats: each array starts on a 64-byte line */

bool tsu_winograd_applies(const tsu_conv_geometry *g, int groups, int outmaps)
{
    return g->kernel_h == 3 && g->kernel_w == 3 && g->stride_h == 1 && g->stride_w == 1 &&
           g->dilation_h == 1 && g->dilation_w == 1 && groups == 1 && g->pad_h <= 2 &&
           g->pad_w <= 2 && g->out_h >= 1 && g->out_w >= 1 &&
           g->channels >= WINOGRAD_MIN_CHANNELS && outmaps >= WINOGRAD_MIN_CHANNELS;
}

tsu_winograd tsu_winograd_of(const tsu_conv_geometry *g, int outmaps)
{
    return (tsu_winograd){.channels = g->channels, .height = g->height, .width = g->width,
                          .outmaps = outmaps, .pad_h = g->pad_h, .pad_w = g->pad_w,
                          .out_h = g->out_h, .out_w = g->out_w};
}

/* One direction of the transforms: a convolution of `channels` planes of
 * height x width, padded, giving out_h x out_w, cut into tiles_h x tiles_w
 * tiles of 2x2 outputs. The forward pass reads the input this way; the
 * input gradient reads the output gradient this way (pads 2 - pad). */
typedef struct {
    int channels, height, width, pad_h, pad_w, out_h, out_w, tiles_h, tiles_w;
} side;

static side side_of(int channels, int height, int width, int pad_h, int pad_w, int out_h,
                    int out_w)
{
    return (side){.channels = channels, .height = height, .width = width, .pad_h = pad_h,
                  .pad_w = pad_w, .out_h = out_h, .out_w = out_w, .tiles_h = (out_h + 1) / 2,
                  .tiles_w = (out_w + 1) / 2};
}

static side forward_side(const tsu_winograd *w)
{
    return side_of(w->channels, w->height, w->width, w->pad_h, w->pad_w, w->out_h, w->out_w);
}

static side input_grad_side(const tsu_winograd *w)
{
    return side_of(w->outmaps, w->out_h, w->out_w, 2 - w->pad_h, 2 - w->pad_w, w->height,
                   w->width);
}

static size_t tiles(const side *s)
{
    return (size_t)s->tiles_h * (size_t)s->tiles_w;
}

static size_t aligned(size_t floats)
{
    return (floats + WINOGRAD_ALIGN - 1) / WINOGRAD_ALIGN * WINOGRAD_ALIGN;
}

/* Scratch of the plane transforms (winograd-rows.h): the input's split
 * rows and four tile rows, or ten runs of a tile row. */
static size_t plane_scratch(const side *s)
{
    const size_t half = (size_t)s->tiles_w + 1, rows = 2 * (size_t)s->tiles_h + 2;
    const size_t input = 2 * aligned(rows * half) + aligned(8 * half) + aligned(2 * half);
    const size_t runs = 10 * aligned((size_t)s->tiles_w);
    return input > runs ? input : runs;
}

/* ------------------------------------------------------------ row operations */

static inline void c_copy(float *restrict o, const float *restrict a, int n)
{
    for (int k = 0; k < n; k++) o[k] = a[k];
}

static inline void c_neg(float *restrict o, const float *restrict a, int n)
{
    for (int k = 0; k < n; k++) o[k] = -a[k];
}

static inline void c_add(float *restrict o, const float *a, const float *b, int n)
{
    for (int k = 0; k < n; k++) o[k] = a[k] + b[k];
}

static inline void c_sub(float *restrict o, const float *a, const float *b, int n)
{
    for (int k = 0; k < n; k++) o[k] = a[k] - b[k];
}

static inline void c_add3(float *restrict o, const float *a, const float *b, const float *c,
                          int n)
{
    for (int k = 0; k < n; k++) o[k] = a[k] + b[k] + c[k];
}

static inline void c_sub3(float *restrict o, const float *a, const float *b, const float *c,
                          int n)
{
    for (int k = 0; k < n; k++) o[k] = a[k] - b[k] - c[k];
}

/* e[k] = src[2k], o[k] = src[2k + 1] for k < n_out; zero past n_src. */
static inline void c_deinterleave(float *restrict e, float *restrict o, const float *src,
                                  int n_src, int n_out)
{
    for (int k = 0; k < n_out; k++) {
        e[k] = 2 * k < n_src ? src[2 * k] : 0.0f;
        o[k] = 2 * k + 1 < n_src ? src[2 * k + 1] : 0.0f;
    }
}

/* dst[2k] = a[k] + bias, dst[2k + 1] = b[k] + bias for indices < n_out
 * (added to dst with add). */
static inline void c_interleave(float *restrict dst, const float *a, const float *b, float bias,
                                int n_out, bool add)
{
    for (int x = 0; x < n_out; x++) {
        const float v = (x & 1 ? b[x / 2] : a[x / 2]) + bias;
        dst[x] = add ? dst[x] + v : v;
    }
}

#define ROWS(name) name##_c
#define ROW(op) c_##op
#define ROWS_TARGET
#include "runtime/winograd-rows.h"
#undef ROWS
#undef ROW
#undef ROWS_TARGET

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define WINOGRAD_AVX512 1
#define AVX __attribute__((target("avx512f")))
/* The loops over a tile's 4 elements or 2 rows unroll, so their arrays of
 * vectors stay in registers (left as loops, -O2 kept them on the stack, a
 * store and a load per vector and step). */
#define UNROLL _Pragma("GCC unroll 4")

/* The row operations 16 floats a step, the last step masked. */
static inline AVX __mmask16 avx_mask(int left)
{
    return left >= 16 ? (__mmask16)0xffff : left <= 0 ? 0 : (__mmask16)((1u << left) - 1u);
}

#define AVX_MAP(name, expr, ...)                                                      \
    static inline AVX void avx_##name(float *o, __VA_ARGS__, int n)                  \
    {                                                                                 \
        for (int k = 0; k < n; k += 16) {                                             \
            const __mmask16 m = avx_mask(n - k);                                      \
            _mm512_mask_storeu_ps(o + k, m, expr);                                    \
        }                                                                             \
    }
#define L(p) _mm512_maskz_loadu_ps(m, (p) + k)
AVX_MAP(copy, L(a), const float *a)
/* The sign flipped as c_neg does (0 - a would turn -0 into +0). */
AVX_MAP(neg, _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(L(a)),
                                                  _mm512_set1_epi32((int)0x80000000u))),
        const float *a)
AVX_MAP(add, _mm512_add_ps(L(a), L(b)), const float *a, const float *b)
AVX_MAP(sub, _mm512_sub_ps(L(a), L(b)), const float *a, const float *b)
AVX_MAP(add3, _mm512_add_ps(_mm512_add_ps(L(a), L(b)), L(c)), const float *a, const float *b,
        const float *c)
AVX_MAP(sub3, _mm512_sub_ps(_mm512_sub_ps(L(a), L(b)), L(c)), const float *a, const float *b,
        const float *c)
#undef L

static inline AVX void avx_deinterleave(float *e, float *o, const float *src, int n_src,
                                        int n_out)
{
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                           28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (int k = 0; k < n_out; k += 16) {
        const __m512 lo = _mm512_maskz_loadu_ps(avx_mask(n_src - 2 * k), src + 2 * k);
        const __m512 hi = _mm512_maskz_loadu_ps(avx_mask(n_src - 2 * k - 16), src + 2 * k + 16);
        const __mmask16 m = avx_mask(n_out - k);
        _mm512_mask_storeu_ps(e + k, m, _mm512_permutex2var_ps(lo, even, hi));
        _mm512_mask_storeu_ps(o + k, m, _mm512_permutex2var_ps(lo, odd, hi));
    }
}

static inline AVX void avx_interleave(float *dst, const float *a, const float *b, float bias,
                                      int n_out, bool add)
{
    const __m512i pairs = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22,
                                            7, 23);
    const __m512 vb = _mm512_set1_ps(bias);
    for (int x = 0; x < n_out; x += 16) {
        const int k = x / 2, left = (n_out - x + 1) / 2;
        const __mmask16 in = avx_mask(left < 8 ? left : 8), m = avx_mask(n_out - x);
        const __m512 va = _mm512_add_ps(_mm512_maskz_loadu_ps(in, a + k), vb);
        const __m512 vo = _mm512_add_ps(_mm512_maskz_loadu_ps(in, b + k), vb);
        __m512 v = _mm512_permutex2var_ps(va, pairs, vo);
        if (add) v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, dst + x), v);
        _mm512_mask_storeu_ps(dst + x, m, v);
    }
}

#define ROWS(name) name##_avx512
#define ROW(op) avx_##op
#define ROWS_TARGET AVX
#include "runtime/winograd-rows.h"
#undef ROWS
#undef ROW
#undef ROWS_TARGET

/* Planes whose padded rows fit two vectors (2 tiles_w + 2 <= 32 columns,
 * so a tile row is one vector): the transforms in registers. The row
 * operations above store each step and load it back one float over, which
 * the CPU cannot forward from the masked stores: on the ResNet example's
 * 14x14 planes they took 2.5x as long as these (perf, bench-seed). Same
 * arithmetic in the same order as the row versions, so the same bits. */
#define NARROW_TILES 15

/* Lanes k <= last whose source column 2k + shift lies in [0, width),
 * with the permutation that fetches it from two vectors of a row. */
typedef struct {
    __m512i index;
    __mmask16 mask;
} column_pick;

static inline AVX column_pick pick_columns(int shift, int width, int last)
{
    int index[16];
    unsigned mask = 0;
    for (int k = 0; k < 16; k++) {
        const int j = 2 * k + shift;
        index[k] = j & 31;
        if (k <= last && j >= 0 && j < width) mask |= 1u << k;
    }
    return (column_pick){.index = _mm512_loadu_si512(index), .mask = (__mmask16)mask};
}

static inline AVX __m512 pick(const column_pick *c, __m512 lo, __m512 hi)
{
    return _mm512_maskz_permutex2var_ps(c->mask, lo, c->index, hi);
}

/* Lane k of the result is lane k + 1 of v (the last lane zero). */
static inline AVX __m512 next_lane(__m512 v)
{
    return _mm512_castsi512_ps(
        _mm512_alignr_epi32(_mm512_setzero_si512(), _mm512_castps_si512(v), 1));
}

static inline AVX __m512 flip_sign(__m512 v)
{
    return _mm512_castsi512_ps(
        _mm512_xor_si512(_mm512_castps_si512(v), _mm512_set1_epi32((int)0x80000000u)));
}

/* Padded row r of a plane, split into even (e) and odd (o) columns. */
static inline AVX void split_row(const side *s, const float *x, int r, const column_pick *even,
                                 const column_pick *odd, __m512 *e, __m512 *o)
{
    const int iy = r - s->pad_h;
    if (iy < 0 || iy >= s->height) {
        *e = *o = _mm512_setzero_ps();
        return;
    }
    const float *row = x + (size_t)iy * s->width;
    const __m512 lo = _mm512_maskz_loadu_ps(avx_mask(s->width), row);
    const __m512 hi = _mm512_maskz_loadu_ps(avx_mask(s->width - 16), row + 16);
    *e = pick(even, lo, hi);
    *o = pick(odd, lo, hi);
}

static AVX void input_plane_narrow(const side *s, const float *x, float *v, size_t stride,
                                   float *scratch)
{
    const int tw = s->tiles_w;
    const __mmask16 out = avx_mask(tw);
    const column_pick even = pick_columns(-s->pad_w, s->width, tw),
                      odd = pick_columns(1 - s->pad_w, s->width, tw);
    __m512 e[4], o[4];
    split_row(s, x, 0, &even, &odd, &e[0], &o[0]);
    split_row(s, x, 1, &even, &odd, &e[1], &o[1]);
    for (int ty = 0; ty < s->tiles_h; ty++) {
        split_row(s, x, 2 * ty + 2, &even, &odd, &e[2], &o[2]);
        split_row(s, x, 2 * ty + 3, &even, &odd, &e[3], &o[3]);
        const __m512 qe[4] = {_mm512_sub_ps(e[0], e[2]), _mm512_add_ps(e[1], e[2]),
                              _mm512_sub_ps(e[2], e[1]), _mm512_sub_ps(e[1], e[3])};
        const __m512 qo[4] = {_mm512_sub_ps(o[0], o[2]), _mm512_add_ps(o[1], o[2]),
                              _mm512_sub_ps(o[2], o[1]), _mm512_sub_ps(o[1], o[3])};
        UNROLL for (int i = 0; i < 4; i++) {
            float *at = v + (size_t)(4 * i) * stride + (size_t)ty * tw;
            const __m512 qe1 = next_lane(qe[i]), qo1 = next_lane(qo[i]);
            _mm512_mask_storeu_ps(at, out, _mm512_sub_ps(qe[i], qe1));
            _mm512_mask_storeu_ps(at + stride, out, _mm512_add_ps(qo[i], qe1));
            _mm512_mask_storeu_ps(at + 2 * stride, out, _mm512_sub_ps(qe1, qo[i]));
            _mm512_mask_storeu_ps(at + 3 * stride, out, _mm512_sub_ps(qo[i], qo1));
        }
        e[0] = e[2], e[1] = e[3], o[0] = o[2], o[1] = o[3];
    }
}

static AVX void output_plane_narrow(const side *s, const float *m, size_t stride, float bias,
                                    float *y, bool add, float *scratch)
{
    const int tw = s->tiles_w;
    const __mmask16 in = avx_mask(tw), lo_m = avx_mask(s->out_w), hi_m = avx_mask(s->out_w - 16);
    const __m512i lo_pairs = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22,
                                               7, 23);
    const __m512i hi_pairs = _mm512_add_epi32(lo_pairs, _mm512_set1_epi32(8));
    const __m512 vb = _mm512_set1_ps(bias);
    for (int ty = 0; ty < s->tiles_h; ty++) {
        const float *mt = m + (size_t)ty * tw;
        __m512 r[2][4];
        UNROLL for (int j = 0; j < 4; j++) {
            const __m512 m0 = _mm512_maskz_loadu_ps(in, mt + (size_t)j * stride),
                         m1 = _mm512_maskz_loadu_ps(in, mt + (size_t)(4 + j) * stride),
                         m2 = _mm512_maskz_loadu_ps(in, mt + (size_t)(8 + j) * stride),
                         m3 = _mm512_maskz_loadu_ps(in, mt + (size_t)(12 + j) * stride);
            r[0][j] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
            r[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
        }
        UNROLL for (int a = 0; a < 2; a++) {
            if (2 * ty + a >= s->out_h) break;
            const __m512 y0 = _mm512_add_ps(
                _mm512_add_ps(_mm512_add_ps(r[a][0], r[a][1]), r[a][2]), vb);
            const __m512 y1 = _mm512_add_ps(
                _mm512_sub_ps(_mm512_sub_ps(r[a][1], r[a][2]), r[a][3]), vb);
            __m512 lo = _mm512_permutex2var_ps(y0, lo_pairs, y1);
            __m512 hi = _mm512_permutex2var_ps(y0, hi_pairs, y1);
            float *row = y + (size_t)(2 * ty + a) * s->out_w;
            if (add) {
                lo = _mm512_add_ps(_mm512_maskz_loadu_ps(lo_m, row), lo);
                hi = _mm512_add_ps(_mm512_maskz_loadu_ps(hi_m, row + 16), hi);
            }
            _mm512_mask_storeu_ps(row, lo_m, lo);
            _mm512_mask_storeu_ps(row + 16, hi_m, hi);
        }
    }
}

static AVX void grad_output_plane_narrow(const side *s, const float *dy, float *d,
                                         size_t stride, float *scratch)
{
    const int tw = s->tiles_w;
    const __mmask16 out = avx_mask(tw);
    const column_pick even = pick_columns(0, s->out_w, tw - 1),
                      odd = pick_columns(1, s->out_w, tw - 1);
    for (int ty = 0; ty < s->tiles_h; ty++) {
        __m512 e[2], o[2];
        UNROLL for (int a = 0; a < 2; a++) {
            const int oy = 2 * ty + a;
            if (oy >= s->out_h) {
                e[a] = o[a] = _mm512_setzero_ps();
                continue;
            }
            const float *row = dy + (size_t)oy * s->out_w;
            const __m512 lo = _mm512_maskz_loadu_ps(avx_mask(s->out_w), row);
            const __m512 hi = _mm512_maskz_loadu_ps(avx_mask(s->out_w - 16), row + 16);
            e[a] = pick(&even, lo, hi);
            o[a] = pick(&odd, lo, hi);
        }
        const __m512 he[4] = {e[0], _mm512_add_ps(e[0], e[1]), _mm512_sub_ps(e[0], e[1]),
                              flip_sign(e[1])};
        const __m512 ho[4] = {o[0], _mm512_add_ps(o[0], o[1]), _mm512_sub_ps(o[0], o[1]),
                              flip_sign(o[1])};
        UNROLL for (int i = 0; i < 4; i++) {
            float *at = d + (size_t)(4 * i) * stride + (size_t)ty * tw;
            _mm512_mask_storeu_ps(at, out, he[i]);
            _mm512_mask_storeu_ps(at + stride, out, _mm512_add_ps(he[i], ho[i]));
            _mm512_mask_storeu_ps(at + 2 * stride, out, _mm512_sub_ps(he[i], ho[i]));
            _mm512_mask_storeu_ps(at + 3 * stride, out, flip_sign(ho[i]));
        }
    }
}
#endif

/* The plane transforms one build offers (scratch: plane_scratch floats;
 * the register versions leave it alone). */
typedef struct {
    void (*input)(const side *s, const float *x, float *v, size_t stride, float *scratch);
    void (*output)(const side *s, const float *m, size_t stride, float bias, float *y, bool add,
                   float *scratch);
    void (*grad_output)(const side *s, const float *dy, float *d, size_t stride,
                        float *scratch);
} plane_ops;

/* Registers for planes whose tile rows fit a vector, else row operations;
 * AVX-512 when asked for (the CPU has it), else plain C. */
static plane_ops plane_ops_for(const side *s, bool avx512)
{
#ifdef WINOGRAD_AVX512
    if (avx512 && s->tiles_w <= NARROW_TILES)
        return (plane_ops){input_plane_narrow, output_plane_narrow, grad_output_plane_narrow};
    if (avx512)
        return (plane_ops){input_plane_avx512, output_plane_avx512, grad_output_plane_avx512};
#endif
    return (plane_ops){input_plane_c, output_plane_c, grad_output_plane_c};
}

static bool use_avx512(void)
{
#ifdef WINOGRAD_AVX512
    return __builtin_cpu_supports("avx512f");
#else
    return false;
#endif
}

/* ------------------------------------------------------------ whole tensors
 *
 * A transformed tensor of n samples is [16][rows][n * tiles]: plane (i, r)
 * of the samples starts at r * columns + i * tiles, and its 16 elements are
 * rows * columns apart. */

/* v[16][channels][n * tiles] of n samples. */
static void input_transform(const side *s, const float *x, size_t x_stride, int n, float *v,
                            float *scratch, bool avx512)
{
    const plane_ops ops = plane_ops_for(s, avx512);
    const size_t t = tiles(s), columns = (size_t)n * t, plane = (size_t)s->height * s->width;
    for (int i = 0; i < n; i++)
        for (int c = 0; c < s->channels; c++)
            ops.input(s, x + i * x_stride + c * plane, v + c * columns + i * t,
                      (size_t)s->channels * columns, scratch);
}

/* y of n samples from m[16][rows][n * tiles], plus bias (or NULL). */
static void output_transform(const side *s, int rows, const float *m, int n, const float *bias,
                             float *y, size_t y_stride, bool add, float *scratch, bool avx512)
{
    const plane_ops ops = plane_ops_for(s, avx512);
    const size_t t = tiles(s), columns = (size_t)n * t, plane = (size_t)s->out_h * s->out_w;
    for (int i = 0; i < n; i++)
        for (int o = 0; o < rows; o++)
            ops.output(s, m + o * columns + i * t, (size_t)rows * columns, bias ? bias[o] : 0.0f,
                       y + i * y_stride + o * plane, add, scratch);
}

/* d[16][outmaps][n * tiles] from the output gradients of n samples. */
static void grad_output_transform(const side *s, int outmaps, const float *dy, size_t y_stride,
                                  int n, float *d, float *scratch, bool avx512)
{
    const plane_ops ops = plane_ops_for(s, avx512);
    const size_t t = tiles(s), columns = (size_t)n * t, plane = (size_t)s->out_h * s->out_w;
    for (int i = 0; i < n; i++)
        for (int o = 0; o < outmaps; o++)
            ops.grad_output(s, dy + i * y_stride + o * plane, d + o * columns + i * t,
                            (size_t)outmaps * columns, scratch);
}

/* c[e] = a[e] b[e] (b transposed when trans_b; added to c with add) for
 * the 16 elements e (small-gemm.h: these shapes are where OpenBLAS's
 * small-matrix kernels stay far from the core's peak). */
static void products(bool trans_b, int m, int n, int k, const float *a, const float *b,
                     bool add, float *c)
{
    const size_t sa = (size_t)m * k, sb = (size_t)k * n, sc = (size_t)m * n;
    for (int e = 0; e < 16; e++) {
        if (trans_b)
            tsu_gemm_nt(m, n, k, a + e * sa, k, b + e * sb, k, c + e * sc, n, add);
        else
            tsu_gemm_nn(m, n, k, a + e * sa, k, b + e * sb, n, c + e * sc, n, add);
    }
}

/* ------------------------------------------------------------ kernels */

size_t tsu_winograd_filter_floats(const tsu_winograd *w)
{
    return aligned((size_t)16 * w->outmaps * w->channels);
}

/* Kernels go through in blocks of FILTER_BLOCK: their 16 transformed values
 * land in a small block first and then go out element by element. Written
 * straight to their 16 places, a kernel's values went to addresses 4 KiB
 * apart for 32x32 channels, all in one set of the L1 cache: 70 us per
 * transform of 1,024 kernels, 2.7% of the ResNet example's training
 * (perf). */
#define FILTER_BLOCK 64

void tsu_winograd_filter(const tsu_winograd *w, const float *weight, bool flipped,
                         float *restrict u)
{
    const int outmaps = w->outmaps, channels = w->channels;
    const size_t plane = (size_t)outmaps * channels;
    float block[16][FILTER_BLOCK];
    for (size_t at0 = 0; at0 < plane; at0 += FILTER_BLOCK) {
        const size_t count = plane - at0 < FILTER_BLOCK ? plane - at0 : FILTER_BLOCK;
        for (size_t b = 0; b < count; b++) {
            /* at: where this kernel's values go; o, c: which kernel it is. */
            const size_t at = at0 + b;
            const size_t o = flipped ? at % outmaps : at / channels;
            const size_t c = flipped ? at / outmaps : at % channels;
            const float *k = weight + (o * channels + c) * 9;
            float g[3][3], t[4][3];
            for (int i = 0; i < 9; i++) g[i / 3][i % 3] = flipped ? k[8 - i] : k[i];
            for (int j = 0; j < 3; j++) {
                t[0][j] = g[0][j];
                t[1][j] = 0.5f * (g[0][j] + g[1][j] + g[2][j]);
                t[2][j] = 0.5f * (g[0][j] - g[1][j] + g[2][j]);
                t[3][j] = g[2][j];
            }
            for (int i = 0; i < 4; i++) {
                block[4 * i + 0][b] = t[i][0];
                block[4 * i + 1][b] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
                block[4 * i + 2][b] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
                block[4 * i + 3][b] = t[i][2];
            }
        }
        for (int e = 0; e < 16; e++) memcpy(u + e * plane + at0, block[e], sizeof(float) * count);
    }
}

void tsu_winograd_filter_grad(const tsu_winograd *w, const float *du, float *restrict dweight)
{
    const size_t plane = (size_t)w->outmaps * w->channels;
    float block[16][FILTER_BLOCK];
    for (size_t at0 = 0; at0 < plane; at0 += FILTER_BLOCK) {
        const size_t count = plane - at0 < FILTER_BLOCK ? plane - at0 : FILTER_BLOCK;
        for (int e = 0; e < 16; e++) memcpy(block[e], du + e * plane + at0, sizeof(float) * count);
        for (size_t b = 0; b < count; b++) {
            float d[4][4], s[3][4];
            for (int e = 0; e < 16; e++) d[e / 4][e % 4] = block[e][b];
            for (int j = 0; j < 4; j++) {
                s[0][j] = d[0][j] + 0.5f * (d[1][j] + d[2][j]);
                s[1][j] = 0.5f * (d[1][j] - d[2][j]);
                s[2][j] = 0.5f * (d[1][j] + d[2][j]) + d[3][j];
            }
            float *k = dweight + (at0 + b) * 9;
            for (int i = 0; i < 3; i++) {
                k[3 * i + 0] += s[i][0] + 0.5f * (s[i][1] + s[i][2]);
                k[3 * i + 1] += 0.5f * (s[i][1] - s[i][2]);
                k[3 * i + 2] += 0.5f * (s[i][1] + s[i][2]) + s[i][3];
            }
        }
    }
}

/* ------------------------------------------------------------ passes */

/* The two transformed operands of one set of products over n samples. */
static size_t operands(const side *s, int rows_a, int rows_b, int n)
{
    return aligned((size_t)16 * rows_a * n * tiles(s)) + aligned((size_t)16 * rows_b * n * tiles(s));
}

size_t tsu_winograd_work(const tsu_winograd *w, int n)
{
    const side f = forward_side(w), b = input_grad_side(w);
    const size_t fwd = operands(&f, w->channels, w->outmaps, n);
    const size_t bwd = operands(&b, w->outmaps, w->channels, n);
    const size_t scratch = plane_scratch(&f) > plane_scratch(&b) ? plane_scratch(&f)
                                                                  : plane_scratch(&b);
    return (fwd > bwd ? fwd : bwd) + scratch;
}

void tsu_winograd_forward_with(const tsu_winograd *w, const float *u, const float *bias,
                               const float *x, size_t x_stride, float *y, size_t y_stride, int n,
                               float *work, bool avx512)
{
    const side s = forward_side(w);
    const int columns = n * (int)tiles(&s);
    float *v = work, *m = v + aligned((size_t)16 * w->channels * columns);
    float *scratch = work + operands(&s, w->channels, w->outmaps, n);
    input_transform(&s, x, x_stride, n, v, scratch, avx512);
    products(false, w->outmaps, columns, w->channels, u, v, false, m);
    output_transform(&s, w->outmaps, m, n, bias, y, y_stride, false, scratch, avx512);
}

void tsu_winograd_forward(const tsu_winograd *w, const float *u, const float *bias,
                          const float *x, size_t x_stride, float *y, size_t y_stride, int n,
                          float *work)
{
    tsu_winograd_forward_with(w, u, bias, x, x_stride, y, y_stride, n, work, use_avx512());
}

void tsu_winograd_backward_with(const tsu_winograd *w, const float *u_flipped, const float *x,
                                size_t x_stride, const float *dy, size_t y_stride, int n,
                                float *du, bool du_add, float *dx, bool dx_add, float *work,
                                bool avx512)
{
    const side f = forward_side(w), b = input_grad_side(w);
    const int columns = n * (int)tiles(&f), columns_b = n * (int)tiles(&b);
    const size_t fwd = operands(&f, w->channels, w->outmaps, n);
    const size_t bwd = operands(&b, w->outmaps, w->channels, n);
    float *area = work;
    float *scratch = area + (fwd > bwd ? fwd : bwd);
    /* Weight gradient: d (outmaps rows) against v (channels rows). */
    float *v = area, *d = area + aligned((size_t)16 * w->channels * columns);
    input_transform(&f, x, x_stride, n, v, scratch, avx512);
    grad_output_transform(&f, w->outmaps, dy, y_stride, n, d, scratch, avx512);
    products(true, w->outmaps, w->channels, columns, d, v, du_add, du);
    if (!dx) return;
    /* Input gradient: dy convolved with the flipped kernel, in the same area. */
    float *vb = area, *mb = area + aligned((size_t)16 * w->outmaps * columns_b);
    input_transform(&b, dy, y_stride, n, vb, scratch, avx512);
    products(false, w->channels, columns_b, w->outmaps, u_flipped, vb, false, mb);
    output_transform(&b, w->channels, mb, n, NULL, dx, x_stride, dx_add, scratch, avx512);
}

void tsu_winograd_backward(const tsu_winograd *w, const float *u_flipped, const float *x,
                           size_t x_stride, const float *dy, size_t y_stride, int n, float *du,
                           bool du_add, float *dx, bool dx_add, float *work)
{
    tsu_winograd_backward_with(w, u_flipped, x, x_stride, dy, y_stride, n, du, du_add, dx, dx_add,
                               work, use_avx512());
}
