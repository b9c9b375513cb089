/* depthwise.c — DepthwiseConvolution: each input channel convolved with its
 * own `multiplier` kernels (NNC's DepthwiseConvolution; a Convolution with
 * group = channels). Output channel c * multiplier + j reads input channel c.
 * The weight is [C * multiplier, 1, kh, kw], PyTorch's and ONNX's layout, so
 * the exports take it as it is. */
#include "runtime/vectorize.h"

#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <string.h>

enum { DW_KERNEL, DW_STRIDE, DW_PAD, DW_DILATION, DW_MULTIPLIER, DW_WITH_BIAS, DW_N_PARAMS };

static const tsu_param_desc dw_params[] = {
    [DW_KERNEL] = TSU_PARAM_PAIR_REQ("kernel", 1, 1024, N_("Kernel height and width")),
    [DW_STRIDE] = TSU_PARAM_PAIR_DEF("stride", 1, 1, 1, 1024, N_("Step between windows (height, width)")),
    [DW_PAD] = TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, N_("Zeros added on each side (height, width)")),
    [DW_DILATION] = TSU_PARAM_PAIR_DEF("dilation", 1, 1, 1, 1024, N_("Spacing between kernel taps")),
    [DW_MULTIPLIER] = TSU_PARAM_INT_DEF("multiplier", 1, 1, 1024,
                                        N_("Output channels per input channel")),
    [DW_WITH_BIAS] = TSU_PARAM_BOOL_DEF("with_bias", true, N_("Add a learned bias per output channel")),
};
TSU_PARAMS_MATCH(dw_params, DW_N_PARAMS);

static tsu_window dw_window(const tsu_node *node)
{
    return tsu_window_params(node, DW_KERNEL, DW_STRIDE, DW_PAD, DW_DILATION);
}

static bool dw_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    const int multiplier = tsu_param_int(node, DW_MULTIPLIER);
    if ((int64_t)in->d[0] * multiplier > TSU_DIM_MAX)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "multiplier",
                             _("%d channels times multiplier %d exceed %d output channels"),
                             in->d[0], multiplier, TSU_DIM_MAX);
    tsu_window win = dw_window(node);
    int out[2];
    if (!tsu_window_output(node, diag, "kernel", &win, &in->d[1], out)) return false;
    const int maps = in->d[0] * multiplier;
    node->shape = tsu_shape_3(maps, out[0], out[1]);
    tsu_shape weight = tsu_shape_4(maps, 1, win.kernel[0], win.kernel[1]);
    tsu_node_add_tensor(node, "weight", &weight, true);
    if (tsu_node_value(node, DW_WITH_BIAS)->boolean) {
        tsu_shape bias = tsu_shape_1(maps);
        tsu_node_add_tensor(node, "bias", &bias, true);
    }
    return true;
}

/* Each output value: kh * kw multiply-adds. */
static uint64_t dw_macs(const tsu_node *node)
{
    const int *k = tsu_param_ints(node, DW_KERNEL);
    return (uint64_t)tsu_shape_size(&node->shape) * (uint64_t)k[0] * (uint64_t)k[1];
}

/* Each input plane is first copied into a zero-padded plane: every tap of
 * every window then lies inside it, so the loops need no bounds tests, and
 * eight output columns at a time accumulate all their taps in registers
 * (a row-by-row axpy per tap was bound by loop overhead on narrow planes). */
#define DW_LANES 8

typedef struct {
    int channels, multiplier, h, w, oh, ow;
    int kh, kw, sh, sw, dh, dw, ph, pw, hp, wp; /* hp, wp: the padded plane */
} dw_plan;

static dw_plan dw_plan_of(const tsu_node *node)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    const tsu_window win = dw_window(node);
    dw_plan p = {.channels = in->d[0], .multiplier = tsu_param_int(node, DW_MULTIPLIER),
                 .h = in->d[1], .w = in->d[2], .oh = node->shape.d[1], .ow = node->shape.d[2],
                 .kh = win.kernel[0], .kw = win.kernel[1], .sh = win.stride[0],
                 .sw = win.stride[1], .dh = win.dilation[0], .dw = win.dilation[1],
                 .ph = win.pad[0], .pw = win.pad[1]};
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

/* The padded input plane, the padded plane of its gradient, one output plane
 * in the flat numbering, then (strided) the phases of the input and of its
 * gradient. */
static size_t dw_work(const tsu_node *node)
{
    const dw_plan p = dw_plan_of(node);
    return 2 * dw_padded_size(&p) + (size_t)p.oh * p.wp + 2 * dw_phases_size(&p);
}

static float *dw_phases(const dw_plan *p, float *work)
{
    return work + 2 * dw_padded_size(p) + (size_t)p->oh * p->wp;
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

/* One output plane in the flat numbering into yf, then its ow-wide rows to y. */
DW_CLONES static void dw_plane_forward_flat(const dw_plan *p, const float *restrict xp,
                                  const float *restrict k, float bias, float *restrict yf,
                                  float *restrict y)
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
    for (int oy = 0; oy < p->oh; oy++)
        memcpy(y + (size_t)oy * p->ow, yf + (size_t)oy * p->wp, sizeof(float) * (size_t)p->ow);
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
            const float *src = xp + off;
            float acc[DW_LANES] = {0}, rest = 0.0f;
            size_t j = 0;
            for (; j + DW_LANES <= n; j += DW_LANES)
                for (int l = 0; l < DW_LANES; l++) acc[l] += dyf[j + l] * src[j + l];
            for (; j < n; j++) rest += dyf[j] * src[j];
            for (int l = 0; l < DW_LANES; l++) rest += acc[l];
            dk[ky * p->kw + kx] += rest;
            if (!dxp) continue;
            const float wt = k[ky * p->kw + kx];
            float *dst = dxp + off;
            for (j = 0; j < n; j++) dst[j] += wt * dyf[j];
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

static void dw_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    (void)stage;
    const dw_plan p = dw_plan_of(run->node);
    const size_t in_plane = (size_t)p.h * p.w, out_plane = (size_t)p.oh * p.ow;
    const size_t taps = (size_t)p.kh * p.kw;
    const float *bias = run->node->n_tensors > 1 ? run->data[1] : NULL;
    float *xp = ex->work, *q = dw_phases(&p, ex->work);
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        float *y = run->out + (size_t)s * run->out_size;
        for (int c = 0; c < p.channels; c++) {
            if (dw_flat(&p))
                dw_pad(&p, x + (size_t)c * in_plane, xp);
            else
                dw_split(&p, x + (size_t)c * in_plane, q);
            for (int o = c * p.multiplier; o < (c + 1) * p.multiplier; o++) {
                const float *k = run->data[0] + (size_t)o * taps, b = bias ? bias[o] : 0.0f;
                float *yo = y + (size_t)o * out_plane;
                if (dw_flat(&p))
                    dw_plane_forward_flat(&p, xp, k, b, xp + 2 * dw_padded_size(&p), yo);
                else
                    dw_plane_forward_phased(&p, q, k, b, yo);
            }
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

/* The input gradient's interior from its phases into dx (stored or added). */
static void dw_merge(const dw_plan *p, const float *restrict dq, float *restrict dx, bool add)
{
    const int wq = dw_phase_width(p);
    if (!add) memset(dx, 0, sizeof(float) * (size_t)p->h * (size_t)p->w);
    for (int f = 0; f < p->sw; f++) {
        int lo, hi;
        dw_phase_columns(p, f, &lo, &hi);
        for (int y = 0; y < p->h; y++) {
            const float *restrict src = dq + ((size_t)f * p->hp + y + p->ph) * wq;
            float *restrict dst = dx + (size_t)y * p->w + f - p->pw;
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

static void dw_backward_sample(const tsu_layer_run *run, const tsu_exec *ex, const dw_plan *p, int s)
{
    const size_t in_plane = (size_t)p->h * p->w, out_plane = (size_t)p->oh * p->ow;
    const size_t taps = (size_t)p->kh * p->kw;
    const float *x = run->in[0] + (size_t)s * run->in_size[0];
    const float *dy = run->dout + (size_t)s * run->out_size;
    float *dx = run->din[0] ? run->din[0] + (size_t)s * run->in_size[0] : NULL;
    float *dweight = tsu_run_grad(run, ex, 0);
    float *dbias = run->node->n_tensors > 1 ? tsu_run_grad(run, ex, 1) : NULL;
    float *xp = ex->work, *dxp = ex->work + dw_padded_size(p);
    float *q = dw_phases(p, ex->work), *dq = q + dw_phases_size(p);
    const bool flat = dw_flat(p);
    for (int c = 0; c < p->channels; c++) {
        if (flat)
            dw_pad(p, x + (size_t)c * in_plane, xp);
        else
            dw_split(p, x + (size_t)c * in_plane, q);
        if (dx && flat) memset(dxp, 0, sizeof(float) * dw_padded_size(p));
        if (dx && !flat) memset(dq, 0, sizeof(float) * dw_phases_size(p));
        for (int o = c * p->multiplier; o < (c + 1) * p->multiplier; o++) {
            const float *k = run->data[0] + (size_t)o * taps, *dyo = dy + (size_t)o * out_plane;
            float *dk = dweight + (size_t)o * taps;
            if (flat) {
                float *dyf = dxp + dw_padded_size(p);
                dw_flatten_grad(p, dyo, dyf);
                dw_plane_backward_flat(p, xp, k, dyf, dk, dx ? dxp : NULL);
            } else {
                dw_plane_backward_phased(p, q, k, dyo, dk, dx ? dq : NULL);
            }
            if (dbias) dbias[o] += tsu_sum_floats(dyo, out_plane);
        }
        if (!dx) continue;
        if (flat)
            dw_unpad(p, dxp, dx + (size_t)c * in_plane, run->din_accumulate[0]);
        else
            dw_merge(p, dq, dx + (size_t)c * in_plane, run->din_accumulate[0]);
    }
}

static void dw_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    (void)stage;
    const dw_plan p = dw_plan_of(run->node);
    for (int s = ex->n0; s < ex->n1; s++) dw_backward_sample(run, ex, &p, s);
}

/* As PyTorch's Conv2d with groups = channels: one input channel per group. */
static void dw_fans(const tsu_node *node, int *fan_in, int *fan_out)
{
    const int *k = tsu_param_ints(node, DW_KERNEL);
    *fan_in = k[0] * k[1];
    *fan_out = tsu_param_int(node, DW_MULTIPLIER) * k[0] * k[1];
}

static const tsu_layer_ops dw_ops = {
    .work_floats = dw_work,
    .fans = dw_fans,
    .forward = dw_forward,
    .backward = dw_backward,
};

/* A Conv with one group per input channel. */
static tsu_conv_spec dw_spec(const tsu_node *node)
{
    return (tsu_conv_spec){.kernel = tsu_param_ints(node, DW_KERNEL),
                           .stride = tsu_param_ints(node, DW_STRIDE),
                           .pad = tsu_param_ints(node, DW_PAD),
                           .dilation = tsu_param_ints(node, DW_DILATION),
                           .group = tsu_input_shape(node, 0)->d[0],
                           .bias = tsu_node_value(node, DW_WITH_BIAS)->boolean};
}

static bool dw_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const tsu_conv_spec spec = dw_spec(x->node);
    return tsu_onnx_conv(e, x, &spec);
}

static const char dw_c_kernel[] =
    "/* y[o] = b[o] + x[o / m] correlated with k[o]: a depthwise convolution with\n"
    " * m kernels per input channel. */\n"
    "static void depthwise2d(const float *x, int c, int h, int w, const float *k, const float *b,\n"
    "                        int m, int kh, int kw, int sh, int sw, int ph, int pw, int dh,\n"
    "                        int dw, float *y, int oh, int ow)\n"
    "{\n"
    "    for (int o = 0; o < c * m; o++) {\n"
    "        const float *xc = x + (long)(o / m) * h * w, *ko = k + (long)o * kh * kw;\n"
    "        float *yo = y + (long)o * oh * ow;\n"
    "        for (int oy = 0; oy < oh; oy++)\n"
    "            for (int ox = 0; ox < ow; ox++) {\n"
    "                float s = b ? b[o] : 0.0f;\n"
    "                for (int ky = 0; ky < kh; ky++)\n"
    "                    for (int kx = 0; kx < kw; kx++) {\n"
    "                        int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;\n"
    "                        if (iy >= 0 && iy < h && ix >= 0 && ix < w)\n"
    "                            s += xc[iy * w + ix] * ko[ky * kw + kx];\n"
    "                    }\n"
    "                yo[oy * ow + ox] = s;\n"
    "            }\n"
    "    }\n"
    "}\n\n";

static void dw_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_node *node = x->node;
    const tsu_shape *s = tsu_node_shape(node), *in = tsu_node_shape(x->inputs[0]);
    const int *k = tsu_param_ints(node, DW_KERNEL), *st = tsu_param_ints(node, DW_STRIDE);
    const int *p = tsu_param_ints(node, DW_PAD), *d = tsu_param_ints(node, DW_DILATION);
    const tsu_c_io io = tsu_c_operands(e, x);
    char w[3 * TSU_ID_MAX], b[3 * TSU_ID_MAX];
    tsu_c_kernel(e, dw_c_kernel);
    tsu_c_printf(e,
                 "    depthwise2d(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, "
                 "%d, %d);\n",
                 io.src, in->d[0], in->d[1], in->d[2], tsu_c_tensor(e, node, "weight", w, sizeof w),
                 tsu_c_tensor(e, node, "bias", b, sizeof b), tsu_param_int(node, DW_MULTIPLIER),
                 k[0], k[1], st[0], st[1], p[0], p[1], d[0], d[1], io.dst, s->d[1], s->d[2]);
}

static void dw_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    const tsu_conv_spec spec = dw_spec(node);
    tsu_py_conv2d(e, spec.group, tsu_node_shape(node)->d[0], &spec);
}

static const tsu_layer_export dw_export = {
    .onnx = dw_onnx,
    .c = dw_c,
    .pytorch_module = dw_pytorch_module,
    .pytorch = tsu_py_module_forward,
};

const tsu_layer_kind tsu_kind_depthwise_convolution = {
    .name = "DepthwiseConvolution",
    .category = "Basic",
    .help = N_("Each channel of a [C, H, W] input convolved with its own multiplier kernels"),
    .id_prefix = "dwconv",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = dw_params,
    .n_params = TSU_ARRAY_LEN(dw_params),
    .infer = dw_infer,
    .macs = dw_macs,
    .ops = &dw_ops,
    .exports = &dw_export,
    .role = {.traits = TSU_TRAIT_LINEAR},
    .about = {.computes = N_("Convolves each input channel with its own kernels (`multiplier` per "
                  "channel) without mixing channels."),
              .why = N_("Much cheaper than a full convolution; followed by a 1x1 Convolution it "
                  "forms the separable convolution of MobileNet."),
              .neighbours = N_("Followed by BatchNormalization and an activation, then a 1x1 Convolution "
                  "that mixes the channels.")},
};
