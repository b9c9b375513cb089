/* depthwise.c — DepthwiseConvolution's planes (see depthwise.h): the
 * padded copies and their flat and phased loops, built for every CPU, and
 * the AVX-512 build of the forward pass that reads the input directly. */
#include "runtime/vectorize.h"

#include "runtime/depthwise.h"

#include <string.h>

/* Each input plane is first copied into a zero-padded plane: every tap of
 * every window then lies inside it, so the loops need no bounds tests, and
 * eight output columns at a time accumulate all their taps in registers
 * (a row-by-row axpy per tap was bound by loop overhead on narrow planes). */
#define DW_LANES 8

typedef struct {
    int channels, multiplier, h, w, oh, ow;
    int kh, kw, sh, sw, dh, dw, ph, pw, hp, wp; /* hp, wp: the padded plane */
} dw_plan;

static dw_plan dw_plan_of(const tsu_conv_geometry *g, int multiplier)
{
    dw_plan p = {.channels = g->channels, .multiplier = multiplier, .h = g->height,
                 .w = g->width, .oh = g->out_h, .ow = g->out_w, .kh = g->kernel_h,
                 .kw = g->kernel_w, .sh = g->stride_h, .sw = g->stride_w, .dh = g->dilation_h,
                 .dw = g->dilation_w, .ph = g->pad_h, .pw = g->pad_w};
    p.hp = p.h + 2 * p.ph;
    p.wp = p.w + 2 * p.pw;
    return p;
}

static size_t dw_padded_size(const dw_plan *p)
{
    return (size_t)p->hp * (size_t)p->wp;
}

/* With stride 1, output row oy starts at oy * wp in the padded plane's
 * numbering: the plane is one long run of wp-wide rows whose last wp - ow
 * columns are discarded, so every tap is one long vector loop. */
static bool dw_flat(const dw_plan *p)
{
    return p->sh == 1 && p->sw == 1;
}

/* Values of the flat numbering that hold outputs: (oh - 1) * wp + ow. */
static size_t dw_flat_length(const dw_plan *p)
{
    return (size_t)(p->oh - 1) * p->wp + (size_t)p->ow;
}

/* Strided windows read the padded plane split by column phase: phase f
 * holds columns f, f + sw, f + 2 sw, ... of every row, wq wide, so the taps
 * of neighbouring outputs are neighbours again and the loops need no
 * gathers. Tap (ky, kx) of output (oy, ox) is at column ox + (kx dw) / sw of
 * row oy sh + ky dh in phase (kx dw) % sw. The input is split straight into
 * the phases, padding included, in one pass. On 32x64x56x56, k3 stride 2,
 * one thread, CPU time per batch went from 8.0-9.3 to 7.8-8.2 ms in
 * inference and from 33.5-35.4 to 30.5-31.3 ms in training (bench-depthwise,
 * alternating builds, load 12): the gathers it replaces were no longer the
 * bottleneck, reading the input from memory is. */
static int dw_phase_width(const dw_plan *p)
{
    return (p->wp + p->sw - 1) / p->sw;
}

static size_t dw_phases_size(const dw_plan *p)
{
    return dw_flat(p) ? 0 : (size_t)p->sw * (size_t)p->hp * (size_t)dw_phase_width(p);
}

static float *dw_phases(const dw_plan *p, float *work)
{
    return work + 2 * dw_padded_size(p) + (size_t)p->oh * p->wp;
}

/* The input gradient of a stride-1 window is the convolution of the output
 * gradient with the kernel turned by 180 degrees, padded so that its output
 * is the input's size: (kh - 1) dh - ph rows each side (which must not be
 * negative). Computed so, it runs the forward's loops, every input gradient
 * value summed in registers, instead of one pass per tap adding into a
 * padded plane (which waited on the previous tap's stores). */
static bool dw_transposable(const dw_plan *p)
{
    return dw_flat(p) && p->ph <= (p->kh - 1) * p->dh && p->pw <= (p->kw - 1) * p->dw;
}

static dw_plan dw_transposed(const dw_plan *p)
{
    const tsu_conv_geometry t = {.channels = 1, .height = p->oh, .width = p->ow,
                                 .kernel_h = p->kh, .kernel_w = p->kw, .stride_h = 1,
                                 .stride_w = 1, .pad_h = (p->kh - 1) * p->dh - p->ph,
                                 .pad_w = (p->kw - 1) * p->dw - p->pw,
                                 .dilation_h = p->dh, .dilation_w = p->dw, .out_h = p->h,
                                 .out_w = p->w};
    return dw_plan_of(&t, 1);
}

/* The padded input plane, the padded plane of its gradient, one output plane
 * in the flat numbering, then (strided) the phases of the input and of its
 * gradient; for a transposable window then the turned kernel, and the
 * padded plane and flat output of the input gradient's convolution. */
size_t tsu_depthwise_work(const tsu_conv_geometry *g, int multiplier)
{
    const dw_plan p = dw_plan_of(g, multiplier);
    size_t n = 2 * dw_padded_size(&p) + (size_t)p.oh * p.wp + 2 * dw_phases_size(&p);
    if (dw_transposable(&p)) {
        const dw_plan t = dw_transposed(&p);
        n += (size_t)p.kh * p.kw + dw_padded_size(&t) + (size_t)t.oh * t.wp;
    }
    return n;
}

/* Where tap (ky, kx) reads in the flat numbering. */
static inline size_t dw_tap_offset(const dw_plan *p, int ky, int kx)
{
    return (size_t)ky * p->dh * p->wp + (size_t)kx * p->dw;
}

/* Outputs [j, j + lanes) of the flat numbering, all taps accumulated in
 * registers; inlined with a constant lane count (32 amortises the weight's
 * broadcast over eight SSE registers, 8 takes most of what remains). */
static inline __attribute__((always_inline)) void
dw_flat_block(const dw_plan *p, const float *restrict xp, const float *restrict k, float bias,
              size_t j, const int lanes, float *restrict yf)
{
    float acc[32];
    for (int l = 0; l < lanes; l++) acc[l] = bias;
    for (int ky = 0; ky < p->kh; ky++)
        for (int kx = 0; kx < p->kw; kx++) {
            const float wt = k[ky * p->kw + kx], *src = xp + dw_tap_offset(p, ky, kx) + j;
            for (int l = 0; l < lanes; l++) acc[l] += wt * src[l];
        }
    for (int l = 0; l < lanes; l++) yf[j + l] = acc[l];
}

/* The hot loops are compute-bound (unlike most passes, which wait on
 * memory): copies for AVX-512 and AVX2, picked at load time by what the CPU
 * has, ran them 1.8x (AVX-512) and 1.3x (AVX2) as fast as SSE2 alone (measured,
 * bench-depthwise, 32x256x14x14, one thread). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define DW_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DW_CLONES
#endif

/* One output plane in the flat numbering into yf, then its ow-wide rows to y
 * (stored, or added with add). */
DW_CLONES static void dw_plane_forward_flat(const dw_plan *p, const float *restrict xp,
                                  const float *restrict k, float bias, float *restrict yf,
                                  float *restrict y, bool add)
{
    const size_t n = dw_flat_length(p);
    size_t j = 0;
    for (; j + 32 <= n; j += 32) dw_flat_block(p, xp, k, bias, j, 32, yf);
    for (; j + DW_LANES <= n; j += DW_LANES) dw_flat_block(p, xp, k, bias, j, DW_LANES, yf);
    for (; j < n; j++) {
        float a = bias;
        for (int ky = 0; ky < p->kh; ky++)
            for (int kx = 0; kx < p->kw; kx++) a += k[ky * p->kw + kx] * xp[dw_tap_offset(p, ky, kx) + j];
        yf[j] = a;
    }
    for (int oy = 0; oy < p->oh; oy++) {
        float *row = y + (size_t)oy * p->ow;
        const float *src = yf + (size_t)oy * p->wp;
        if (add)
            for (int i = 0; i < p->ow; i++) row[i] += src[i];
        else
            memcpy(row, src, sizeof(float) * (size_t)p->ow);
    }
}

/* dy in the flat numbering, zeros in the discarded columns. */
static void dw_flatten_grad(const dw_plan *p, const float *restrict dy, float *restrict dyf)
{
    for (int oy = 0; oy < p->oh; oy++) {
        float *row = dyf + (size_t)oy * p->wp;
        memcpy(row, dy + (size_t)oy * p->ow, sizeof(float) * (size_t)p->ow);
        if (oy + 1 < p->oh) memset(row + p->ow, 0, sizeof(float) * (size_t)(p->wp - p->ow));
    }
}

/* Sum of a[j] b[j] in DW_SUM_LANES running sums: with DW_LANES the
 * additions waited on each other, four cycles per eight products
 * (bench-depthwise 32x32x28x28 k5 m2, training: 15.0 -> 11.4-12.7 ms per
 * batch). */
#define DW_SUM_LANES 32

static inline float dw_dot(const float *restrict a, const float *restrict b, size_t n)
{
    float acc[DW_SUM_LANES] = {0}, rest = 0.0f;
    size_t j = 0;
    for (; j + DW_SUM_LANES <= n; j += DW_SUM_LANES)
        for (int l = 0; l < DW_SUM_LANES; l++) acc[l] += a[j + l] * b[j + l];
    for (; j + DW_LANES <= n; j += DW_LANES)
        for (int l = 0; l < DW_LANES; l++) acc[l] += a[j + l] * b[j + l];
    for (; j < n; j++) rest += a[j] * b[j];
    for (int l = 0; l < DW_SUM_LANES; l++) rest += acc[l];
    return rest;
}

/* The kernel's gradient and (dxp not NULL) the padded input gradient of one
 * output plane, from its gradient in the flat numbering. */
DW_CLONES static void dw_plane_backward_flat(const dw_plan *p, const float *restrict xp,
                                   const float *restrict k, const float *restrict dyf,
                                   float *restrict dk, float *restrict dxp)
{
    const size_t n = dw_flat_length(p);
    for (int ky = 0; ky < p->kh; ky++)
        for (int kx = 0; kx < p->kw; kx++) {
            const size_t off = dw_tap_offset(p, ky, kx);
            dk[ky * p->kw + kx] += dw_dot(dyf, xp + off, n);
            if (!dxp) continue;
            const float wt = k[ky * p->kw + kx];
            float *dst = dxp + off;
            for (size_t j = 0; j < n; j++) dst[j] += wt * dyf[j];
        }
}

static void dw_pad(const dw_plan *p, const float *restrict x, float *restrict xp)
{
    memset(xp, 0, sizeof(float) * dw_padded_size(p));
    for (int y = 0; y < p->h; y++)
        memcpy(xp + (size_t)(y + p->ph) * p->wp + p->pw, x + (size_t)y * p->w,
               sizeof(float) * (size_t)p->w);
}

/* Padded columns [lo, hi) of phase f hold input columns: the rest are
 * padding. */
static void dw_phase_columns(const dw_plan *p, int f, int *lo, int *hi)
{
    int a = 0, b = dw_phase_width(p);
    while (a < b && a * p->sw + f < p->pw) a++;
    while (b > a && (b - 1) * p->sw + f - p->pw >= p->w) b--;
    *lo = a;
    *hi = b;
}

/* One input plane, padded, split into sw phases (dw_phase_width) in one
 * pass. Stride 2 gets a loop of its own with a constant stride, which GCC
 * turns into shuffles instead of one load per value. */
DW_CLONES static void dw_split(const dw_plan *p, const float *restrict x, float *restrict q)
{
    const int wq = dw_phase_width(p);
    for (int f = 0; f < p->sw; f++) {
        int lo, hi;
        dw_phase_columns(p, f, &lo, &hi);
        for (int y = 0; y < p->hp; y++) {
            float *restrict dst = q + ((size_t)f * p->hp + y) * wq;
            const int iy = y - p->ph;
            if (iy < 0 || iy >= p->h || lo >= hi) {
                memset(dst, 0, sizeof(float) * (size_t)wq);
                continue;
            }
            const float *restrict src = x + (size_t)iy * p->w + f - p->pw;
            for (int i = 0; i < lo; i++) dst[i] = 0.0f;
            if (p->sw == 2)
                for (int i = lo; i < hi; i++) dst[i] = src[2 * i];
            else
                for (int i = lo; i < hi; i++) dst[i] = src[i * p->sw];
            for (int i = hi; i < wq; i++) dst[i] = 0.0f;
        }
    }
}

/* Where tap (ky, kx) of output (oy, 0) lies in the phases. */
static inline size_t dw_phase_at(const dw_plan *p, int oy, int ky, int kx)
{
    const int col = kx * p->dw;
    return ((size_t)(col % p->sw) * p->hp + (size_t)(oy * p->sh + ky * p->dh)) *
               (size_t)dw_phase_width(p) + (size_t)(col / p->sw);
}

/* Outputs [ox, ox + lanes) of row oy, all taps accumulated in registers. */
static inline __attribute__((always_inline)) void
dw_phased_block(const dw_plan *p, const float *restrict q, const float *restrict k, float bias,
                int oy, int ox, const int lanes, float *restrict yr)
{
    float acc[32];
    for (int l = 0; l < lanes; l++) acc[l] = bias;
    const size_t phase = (size_t)p->hp * (size_t)dw_phase_width(p);
    for (int ky = 0; ky < p->kh; ky++) {
        /* Column kx dw is f + i sw: stepped, no division per tap. */
        const float *row = q + dw_phase_at(p, oy, ky, 0) + ox;
        for (int kx = 0, f = 0, i = 0; kx < p->kw; kx++) {
            const float wt = k[ky * p->kw + kx], *src = row + (size_t)f * phase + (size_t)i;
            for (int l = 0; l < lanes; l++) acc[l] += wt * src[l];
            for (f += p->dw; f >= p->sw; f -= p->sw) i++;
        }
    }
    for (int l = 0; l < lanes; l++) yr[ox + l] = acc[l];
}

/* One output plane of a strided window from the phases of its input. */
DW_CLONES static void dw_plane_forward_phased(const dw_plan *p, const float *restrict q,
                                              const float *restrict k, float bias,
                                              float *restrict y)
{
    for (int oy = 0; oy < p->oh; oy++) {
        float *yr = y + (size_t)oy * p->ow;
        int ox = 0;
        for (; ox + 32 <= p->ow; ox += 32) dw_phased_block(p, q, k, bias, oy, ox, 32, yr);
        for (; ox + DW_LANES <= p->ow; ox += DW_LANES)
            dw_phased_block(p, q, k, bias, oy, ox, DW_LANES, yr);
        for (; ox + 4 <= p->ow; ox += 4) dw_phased_block(p, q, k, bias, oy, ox, 4, yr);
        for (; ox < p->ow; ox++) dw_phased_block(p, q, k, bias, oy, ox, 1, yr);
    }
}

/* One sample through the padded copies. */
static void dw_forward_c(const dw_plan *p, const float *x, const float *weight,
                         const float *bias, float *y, float *work)
{
    const size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    const size_t taps = (size_t)p->kh * p->kw;
    float *xp = work, *q = dw_phases(p, work);
    for (int c = 0; c < p->channels; c++) {
        if (dw_flat(p))
            dw_pad(p, x + (size_t)c * in_plane, xp);
        else
            dw_split(p, x + (size_t)c * in_plane, q);
        for (int o = c * p->multiplier; o < (c + 1) * p->multiplier; o++) {
            const float *k = weight + (size_t)o * taps, b = bias ? bias[o] : 0.0f;
            float *yo = y + (size_t)o * out_plane;
            if (dw_flat(p))
                dw_plane_forward_flat(p, xp, k, b, xp + 2 * dw_padded_size(p), yo, false);
            else
                dw_plane_forward_phased(p, q, k, b, yo);
        }
    }
}

/* The kernel's gradient and (dq not NULL) the phases of the input gradient
 * of one strided output plane: the same reads as the forward's. */
DW_CLONES static void dw_plane_backward_phased(const dw_plan *p, const float *restrict q,
                                               const float *restrict k,
                                               const float *restrict dy, float *restrict dk,
                                               float *restrict dq)
{
    for (int ky = 0; ky < p->kh; ky++)
        for (int kx = 0; kx < p->kw; kx++) {
            const float wt = k[ky * p->kw + kx];
            float acc[DW_LANES] = {0}, rest = 0.0f;
            for (int oy = 0; oy < p->oh; oy++) {
                const size_t at = dw_phase_at(p, oy, ky, kx);
                const float *d = dy + (size_t)oy * p->ow, *src = q + at;
                int ox = 0;
                for (; ox + DW_LANES <= p->ow; ox += DW_LANES)
                    for (int l = 0; l < DW_LANES; l++) acc[l] += d[ox + l] * src[ox + l];
                for (; ox < p->ow; ox++) rest += d[ox] * src[ox];
                if (!dq) continue;
                float *dst = dq + at;
                for (ox = 0; ox < p->ow; ox++) dst[ox] += wt * d[ox];
            }
            for (int l = 0; l < DW_LANES; l++) rest += acc[l];
            dk[ky * p->kw + kx] += rest;
        }
}

/* The input gradient's interior from its phases into dx (stored or added).
 * Stride 2 gets a loop of its own, as in dw_split. */
DW_CLONES static void dw_merge(const dw_plan *p, const float *restrict dq, float *restrict dx,
                               bool add)
{
    const int wq = dw_phase_width(p);
    if (!add) memset(dx, 0, sizeof(float) * (size_t)p->h * (size_t)p->w);
    for (int f = 0; f < p->sw; f++) {
        int lo, hi;
        dw_phase_columns(p, f, &lo, &hi);
        for (int y = 0; y < p->h; y++) {
            const float *restrict src = dq + ((size_t)f * p->hp + y + p->ph) * wq;
            float *restrict dst = dx + (size_t)y * p->w + f - p->pw;
            if (p->sw == 2)
                for (int i = lo; i < hi; i++) dst[2 * i] += src[i];
            else
                for (int i = lo; i < hi; i++) dst[i * p->sw] += src[i];
        }
    }
}

/* The interior of the padded gradient into dx (stored or added). */
static void dw_unpad(const dw_plan *p, const float *restrict dxp, float *restrict dx, bool add)
{
    for (int y = 0; y < p->h; y++) {
        const float *src = dxp + (size_t)(y + p->ph) * p->wp + p->pw;
        float *dst = dx + (size_t)y * p->w;
        if (add)
            for (int i = 0; i < p->w; i++) dst[i] += src[i];
        else
            memcpy(dst, src, sizeof(float) * (size_t)p->w);
    }
}

/* ------------------------------------------------------------ AVX-512 */

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define DW_AVX512 1
#define AVX __attribute__((target("avx512f")))
#define AVX_INLINE static inline __attribute__((always_inline)) AVX

/* Lanes [lo, hi) of a vector, the bounds clamped to [0, 16]. */
AVX_INLINE __mmask16 dw_lanes(int lo, int hi)
{
    lo = lo < 0 ? 0 : lo;
    hi = hi > 16 ? 16 : hi;
    return hi <= lo ? 0 : (__mmask16)((0xffffu >> (16 - hi)) & (0xffffu << lo));
}

/* Tap columns of the kernels the AVX-512 build serves. */
#define DW_MAX_KW 16

/* For a column of output vectors at the left or right border, per tap
 * column: the lanes of its first and (stride 2) second load of 16 input
 * columns that lie inside the row. The same for every row and plane. */
typedef struct {
    __mmask16 first[DW_MAX_KW], second[DW_MAX_KW];
} dw_masks;

static inline AVX dw_masks dw_masks_of(const dw_plan *p, int ox)
{
    dw_masks m;
    for (int kx = 0; kx < p->kw; kx++) {
        const int s = ox * p->sw - p->pw + kx * p->dw;
        m.first[kx] = dw_lanes(-s, p->w - s);
        m.second[kx] = dw_lanes(-s - 16, p->w - s - 16);
    }
    return m;
}

/* Input columns s, s + sw, ..., s + 15 sw of a row, zero outside it: through
 * masks at a border (m not NULL), else all inside. Stride 2 loads 32 columns
 * and keeps the even ones. */
AVX_INLINE __m512 dw_columns(const float *row, int s, const int sw, const dw_masks *m, int kx)
{
    const __m512 a = m ? _mm512_maskz_loadu_ps(m->first[kx], row + s) : _mm512_loadu_ps(row + s);
    if (sw == 1) return a;
    const __m512 b = m ? _mm512_maskz_loadu_ps(m->second[kx], row + s + 16)
                       : _mm512_loadu_ps(row + s + 16);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                           28, 30);
    return _mm512_permutex2var_ps(a, even, b);
}

/* Outputs [ox, ox + 16) of row oy (masked past ow): stored, or added to what
 * is there (the sums start from 0 then, as the padded loops' do). */
AVX_INLINE void dw_store(const dw_plan *p, float *y, int oy, int ox, __m512 v, bool add)
{
    const __mmask16 m = dw_lanes(0, p->ow - ox);
    float *at = y + (size_t)oy * p->ow + ox;
    _mm512_mask_storeu_ps(at, m, add ? _mm512_add_ps(_mm512_maskz_loadu_ps(m, at), v) : v);
}

/* Rows of outputs a block computes at once: their sums are independent, so
 * one row's additions need not wait on the previous tap's. */
#define DW_ROWS 4

/* Outputs [ox, ox + 16) (masked past ow) of rows [oy, oy + rows): the bias,
 * then every tap in the padded loops' order. With border_rows a tap in a
 * padding row adds weight x 0 as theirs do (so -0, infinities and NaNs
 * come out the same); without, every tap's row is inside. */
AVX_INLINE void dw_block(const dw_plan *p, const float *x, const float *k, float bias, int oy,
                         const int rows, int ox, const dw_masks *m, float *y, bool add,
                         const int kh, const int kw, const int sw, const bool border_rows)
{
    const int h = p->h, w = p->w, sh = p->sh, dh = p->dh, dw = p->dw;
    const int s0 = ox * sw - p->pw, y0 = oy * sh - p->ph;
    __m512 acc[DW_ROWS];
#pragma GCC unroll 4
    for (int i = 0; i < rows; i++) acc[i] = _mm512_set1_ps(bias);
#pragma GCC unroll 5
    for (int ky = 0; ky < kh; ky++) {
        const float *row[DW_ROWS];
        bool inside[DW_ROWS];
#pragma GCC unroll 4
        for (int i = 0; i < rows; i++) {
            const int iy = y0 + i * sh + ky * dh;
            inside[i] = !border_rows || (iy >= 0 && iy < h);
            row[i] = x + (size_t)(inside[i] ? iy : 0) * w;
        }
#pragma GCC unroll 5
        for (int kx = 0; kx < kw; kx++) {
            const __m512 wt = _mm512_set1_ps(k[ky * kw + kx]);
            const int s = s0 + kx * dw;
#pragma GCC unroll 4
            for (int i = 0; i < rows; i++) {
                const __m512 v = inside[i] ? dw_columns(row[i], s, sw, m, kx) : _mm512_setzero_ps();
                acc[i] = _mm512_add_ps(acc[i], _mm512_mul_ps(wt, v));
            }
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < rows; i++) dw_store(p, y, oy + i, ox, acc[i], add);
}

/* dw_block for windows one row apart (stride and dilation 1 down) whose
 * rows are all inside: each input row is loaded once for the (up to kh)
 * output rows that read it. Output row i takes input row j as tap row
 * ky = j - i, rising with j, so its sum is added in dw_block's order (the
 * same bits) with 18 loads instead of 36 for 3x3. */
AVX_INLINE void dw_block_shared(const dw_plan *p, const float *x, const float *k, float bias,
                                int oy, int ox, const dw_masks *m, float *y, bool add,
                                const int kh, const int kw, const int sw)
{
    const int s0 = ox * sw - p->pw, dw = p->dw;
    __m512 acc[DW_ROWS];
#pragma GCC unroll 4
    for (int i = 0; i < DW_ROWS; i++) acc[i] = _mm512_set1_ps(bias);
    const float *row = x + (size_t)(oy - p->ph) * p->w;
#pragma GCC unroll 8
    for (int j = 0; j < DW_ROWS + kh - 1; j++, row += p->w) {
#pragma GCC unroll 5
        for (int kx = 0; kx < kw; kx++) {
            const __m512 v = dw_columns(row, s0 + kx * dw, sw, m, kx);
#pragma GCC unroll 4
            for (int i = 0; i < DW_ROWS; i++)
                if (j - i >= 0 && j - i < kh)
                    acc[i] = _mm512_add_ps(
                        acc[i], _mm512_mul_ps(_mm512_set1_ps(k[(j - i) * kw + kx]), v));
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < DW_ROWS; i++) dw_store(p, y, oy + i, ox, acc[i], add);
}

/* One column of output vectors [ox, ox + 16) down the plane: DW_ROWS rows
 * at a time where all their taps' rows are inside, one at a time (with
 * bounds) near the top and bottom. */
AVX_INLINE void dw_column(const dw_plan *p, const float *x, const float *k, float bias, int ox,
                          const dw_masks *m, float *y, bool add, const int kh, const int kw,
                          const int sw)
{
    for (int oy = 0; oy < p->oh;) {
        const int top = oy * p->sh - p->ph;
        const int bottom = (oy + DW_ROWS - 1) * p->sh - p->ph + (kh - 1) * p->dh;
        if (top >= 0 && bottom < p->h && oy + DW_ROWS <= p->oh) {
            if (p->sh == 1 && p->dh == 1)
                dw_block_shared(p, x, k, bias, oy, ox, m, y, add, kh, kw, sw);
            else
                dw_block(p, x, k, bias, oy, DW_ROWS, ox, m, y, add, kh, kw, sw, false);
            oy += DW_ROWS;
        } else {
            dw_block(p, x, k, bias, oy, 1, ox, m, y, add, kh, kw, sw, true);
            oy++;
        }
    }
}

/* One output plane, a column of vectors at a time; columns whose every
 * load lies inside the rows skip the masks. */
AVX_INLINE void dw_plane_direct(const dw_plan *p, const float *x, const float *k, float bias,
                                float *y, bool add, const int kh, const int kw, const int sw)
{
    const int reach = (kw - 1) * p->dw + 16 * sw; /* columns a vector's loads span */
    for (int ox = 0; ox < p->ow; ox += 16) {
        const int s0 = ox * sw - p->pw;
        if (s0 >= 0 && s0 + reach <= p->w) {
            dw_column(p, x, k, bias, ox, NULL, y, add, kh, kw, sw);
        } else {
            const dw_masks m = dw_masks_of(p, ox);
            dw_column(p, x, k, bias, ox, &m, y, add, kh, kw, sw);
        }
    }
}

/* Copies for the common kernels, whose taps' weights then stay in
 * registers; the rest read them from memory. */
static AVX void dw_plane_avx512(const dw_plan *p, const float *x, const float *k, float bias,
                                float *y, bool add)
{
    if (p->sw == 1 && p->kh == 3 && p->kw == 3)
        dw_plane_direct(p, x, k, bias, y, add, 3, 3, 1);
    else if (p->sw == 2 && p->kh == 3 && p->kw == 3)
        dw_plane_direct(p, x, k, bias, y, add, 3, 3, 2);
    else if (p->sw == 1 && p->kh == 5 && p->kw == 5)
        dw_plane_direct(p, x, k, bias, y, add, 5, 5, 1);
    else if (p->sw == 1)
        dw_plane_direct(p, x, k, bias, y, add, p->kh, p->kw, 1);
    else
        dw_plane_direct(p, x, k, bias, y, add, p->kh, p->kw, 2);
}

/* Windows 1 or 2 columns apart, kernels up to DW_MAX_KW wide; wider strides
 * go through the phases. */
static bool dw_direct(const dw_plan *p)
{
    return p->sw <= 2 && p->kw <= DW_MAX_KW;
}

static void dw_forward_avx512(const dw_plan *p, const float *x, const float *weight,
                              const float *bias, float *y)
{
    const size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    const size_t taps = (size_t)p->kh * p->kw;
    for (int o = 0; o < p->channels * p->multiplier; o++)
        dw_plane_avx512(p, x + (size_t)(o / p->multiplier) * in_plane, weight + (size_t)o * taps,
                        bias ? bias[o] : 0.0f, y + (size_t)o * out_plane, false);
}
#endif

void tsu_depthwise_forward_with(const tsu_conv_geometry *g, int multiplier, const float *x,
                                const float *weight, const float *bias, float *y, float *work,
                                bool avx512)
{
    const dw_plan p = dw_plan_of(g, multiplier);
#ifdef DW_AVX512
    if (avx512 && dw_direct(&p)) {
        dw_forward_avx512(&p, x, weight, bias, y);
        return;
    }
#endif
    (void)avx512;
    dw_forward_c(&p, x, weight, bias, y, work);
}

static bool dw_avx512(void)
{
#ifdef DW_AVX512
    return __builtin_cpu_supports("avx512f");
#else
    return false;
#endif
}

void tsu_depthwise_forward(const tsu_conv_geometry *g, int multiplier, const float *x,
                           const float *weight, const float *bias, float *y, float *work)
{
    tsu_depthwise_forward_with(g, multiplier, x, weight, bias, y, work, dw_avx512());
}

/* Input plane c's gradient from its output planes' (dy: the sample's) as
 * dw_transposable says, in either build: stored, or added with add. */
static void dw_input_grad(const dw_plan *p, int c, const float *dy, const float *weight,
                          float *dxc, bool add, float *work, bool avx512)
{
    const dw_plan t = dw_transposed(p);
    const size_t taps = (size_t)p->kh * p->kw, out_plane = (size_t)p->oh * p->ow;
    float *turned = work + 2 * dw_padded_size(p) + (size_t)p->oh * p->wp + 2 * dw_phases_size(p);
    float *padded = turned + taps;
    for (int o = c * p->multiplier; o < (c + 1) * p->multiplier; o++) {
        const float *k = weight + (size_t)o * taps, *dyo = dy + (size_t)o * out_plane;
        for (size_t i = 0; i < taps; i++) turned[i] = k[taps - 1 - i];
        const bool onto = add || o > c * p->multiplier;
#ifdef DW_AVX512
        if (avx512 && dw_direct(&t)) {
            dw_plane_avx512(&t, dyo, turned, 0.0f, dxc, onto);
            continue;
        }
#endif
        (void)avx512;
        dw_pad(&t, dyo, padded);
        dw_plane_forward_flat(&t, padded, turned, 0.0f, padded + dw_padded_size(&t), dxc, onto);
    }
}

void tsu_depthwise_backward_with(const tsu_conv_geometry *g, int multiplier, const float *x,
                                 const float *weight, const float *dy, float *dweight,
                                 float *dx, bool add, float *work, bool avx512)
{
    const dw_plan pl = dw_plan_of(g, multiplier), *p = &pl;
    const size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    const size_t taps = (size_t)p->kh * p->kw;
    float *xp = work, *dxp = work + dw_padded_size(p);
    float *q = dw_phases(p, work), *dq = q + dw_phases_size(p);
    const bool flat = dw_flat(p), transposed = dx && dw_transposable(p);
    /* The planes the taps add the input gradient into, unless transposed. */
    float *dxp_taps = dx && flat && !transposed ? dxp : NULL, *dq_taps = dx ? dq : NULL;
    for (int c = 0; c < p->channels; c++) {
        if (flat)
            dw_pad(p, x + (size_t)c * in_plane, xp);
        else
            dw_split(p, x + (size_t)c * in_plane, q);
        if (dxp_taps) memset(dxp, 0, sizeof(float) * dw_padded_size(p));
        if (dx && !flat) memset(dq, 0, sizeof(float) * dw_phases_size(p));
        for (int o = c * p->multiplier; o < (c + 1) * p->multiplier; o++) {
            const float *k = weight + (size_t)o * taps, *dyo = dy + (size_t)o * out_plane;
            float *dk = dweight + (size_t)o * taps;
            if (flat) {
                float *dyf = dxp + dw_padded_size(p);
                dw_flatten_grad(p, dyo, dyf);
                dw_plane_backward_flat(p, xp, k, dyf, dk, dxp_taps);
            } else {
                dw_plane_backward_phased(p, q, k, dyo, dk, dq_taps);
            }
        }
        float *dxc = dx ? dx + (size_t)c * in_plane : NULL;
        if (transposed)
            dw_input_grad(p, c, dy, weight, dxc, add, work, avx512);
        else if (dxp_taps)
            dw_unpad(p, dxp, dxc, add);
        else if (dx)
            dw_merge(p, dq, dxc, add);
    }
}

void tsu_depthwise_backward(const tsu_conv_geometry *g, int multiplier, const float *x,
                            const float *weight, const float *dy, float *dweight, float *dx,
                            bool add, float *work)
{
    tsu_depthwise_backward_with(g, multiplier, x, weight, dy, dweight, dx, add, work,
                                dw_avx512());
}
