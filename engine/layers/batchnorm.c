/* batchnorm.c — BatchNormalization over channels (axis 0). */
#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <math.h>
#include <stdint.h>
#include <xmmintrin.h>

enum { BN_MOMENTUM, BN_EPS, BN_N_PARAMS };

static const tsu_param_desc bn_params[] = {
    [BN_MOMENTUM] =
        TSU_PARAM_FLOAT_DEF("momentum", 0.9, 0.0, 1.0,
                            N_("Running statistics keep this share of their old value per batch")),
    [BN_EPS] = TSU_PARAM_FLOAT_DEF("eps", 1e-5, 1e-12, 1.0,
                                   N_("Added to the variance before the square root")),
};
TSU_PARAMS_MATCH(bn_params, BN_N_PARAMS);

/* The ReLU after a BatchNormalization runs in the BN's passes (activation.c). */
extern const tsu_layer_kind tsu_kind_relu;

static bool bn_infer(tsu_node *node, tsu_diag *diag)
{
    node->shape = *tsu_input_shape(node, 0);
    tsu_shape channels = tsu_shape_1(node->shape.d[0]);
    tsu_node_add_tensor(node, "weight", &channels, true);
    tsu_node_add_tensor(node, "bias", &channels, true);
    tsu_node_add_tensor(node, "running_mean", &channels, false);
    tsu_node_add_tensor(node, "running_var", &channels, false);
    return true;
}

/* Normalising folds into one scale and shift: one multiply-add per value. */
static uint64_t bn_macs(const tsu_node *node)
{
    return tsu_shape_size(&node->shape);
}

/* Training needs statistics over the whole batch, which is spread over
 * threads: stage 0 sums each thread's samples into its own partials (in
 * double), the barrier passes, stage 1 combines the partials in thread order
 * (every thread gets identical numbers) and normalises its samples.
 *
 * The sums are of x - K with K the running mean as stage 0 found it: close
 * to the batch mean once training is under way, so the variance
 * E[(x-K)^2] - E[x-K]^2 does not cancel away for data far from zero. Each
 * thread keeps its own copy of K, as thread 0 updates the running mean in
 * stage 1 while others may still need K.
 *
 * shared: [n_threads][2][channels] double partials, [n_threads][channels]
 * shifts K, then the batch mean and 1/std [2][channels] saved for backward.
 * work: mean and scale. */
typedef struct {
    int channels;
    size_t spatial;
    double *partials;
    float *shifts;
    float *mean, *inv_std;
    float *gamma, *beta, *running_mean, *running_var;
} bn_view;

static bn_view bn_view_of(const tsu_layer_run *run, const tsu_exec *ex)
{
    bn_view v;
    v.channels = run->node->shape.d[0];
    v.spatial = run->out_size / (size_t)v.channels;
    v.partials = run->shared;
    v.shifts = (float *)(v.partials + (size_t)ex->n_threads * 2 * v.channels);
    v.mean = v.shifts + (size_t)ex->n_threads * v.channels;
    v.inv_std = v.mean + v.channels;
    v.gamma = run->data[0];
    v.beta = run->data[1];
    v.running_mean = run->data[2];
    v.running_var = run->data[3];
    return v;
}

static size_t bn_shared(const tsu_node *node, int n_threads)
{
    size_t c = (size_t)node->shape.d[0];
    return (size_t)n_threads * 2 * c * sizeof(double) + ((size_t)n_threads + 2) * c * sizeof(float);
}

/* mean, scale (or 1/std) and, in backward, the forward's scale. */
static size_t bn_work(const tsu_node *node)
{
    return 3 * (size_t)node->shape.d[0];
}

/* Sums of a' = a[j] - a_shift and a' * (b[j] - b_shift) * scale over one
 * row, in float lanes the compiler can vectorise; rows are short enough that
 * float partials lose nothing that matters, and they are summed in double.
 *
 * Masked (backward through a fused ReLU): a is the ReLU's output gradient, b
 * the BN input x, and a[j] counts only where the ReLU passed its input, that
 * is where (x - b_shift) * relu_k + relu_b > 0 -- the forward's own
 * arithmetic, so the same values pass; reading x again beats reading the
 * ReLU's output as a mask (one stream less from cache). */
#define BN_LANES 8
/* The eight float lanes as two 4-float vectors (GCC vector extension, one
 * SSE register each), so they stay in registers: plain float arrays as lanes
 * were kept on the stack, a store and reload per step. Lane k is
 * lo[k] for k < 4, hi[k - 4] after. */
typedef float bn_v4 __attribute__((vector_size(16)));
typedef int bn_i4 __attribute__((vector_size(16)));
#define BN_LOAD(v, p) __builtin_memcpy(&(v), (p), sizeof(v))

/* g where t > 0, else +0 (as the ReLU's backward; NaN t gives 0). */
static inline __attribute__((always_inline)) bn_v4 bn_mask(bn_v4 g, bn_v4 t)
{
    const bn_v4 zero = {0};
    return (bn_v4)((bn_i4)g & (t > zero));
}

typedef struct {
    float k, b;     /* the forward's scale and shift: y = (x - mean) * k + b */
} bn_relu_mask;

static inline __attribute__((always_inline)) void
bn_row_sums_impl(const float *restrict a, const float *restrict b, size_t n, float a_shift,
                 float b_shift, float scale, bn_relu_mask rm, double *sum, double *dot,
                 bool masked)
{
    bn_v4 sa_lo = {0}, sa_hi = {0}, sab_lo = {0}, sab_hi = {0};
    size_t j = 0;
    for (; j + BN_LANES <= n; j += BN_LANES) {
        bn_v4 g_lo, g_hi, b_lo, b_hi;
        BN_LOAD(g_lo, a + j);
        BN_LOAD(g_hi, a + j + 4);
        BN_LOAD(b_lo, b + j);
        BN_LOAD(b_hi, b + j + 4);
        bn_v4 d_lo = b_lo - b_shift, d_hi = b_hi - b_shift;
        if (masked) {
            g_lo = bn_mask(g_lo, d_lo * rm.k + rm.b);
            g_hi = bn_mask(g_hi, d_hi * rm.k + rm.b);
        }
        bn_v4 ak_lo = g_lo - a_shift, ak_hi = g_hi - a_shift;
        sa_lo += ak_lo;
        sa_hi += ak_hi;
        sab_lo += ak_lo * (d_lo * scale);
        sab_hi += ak_hi * (d_hi * scale);
    }
    double ta = 0.0, tab = 0.0;
    for (; j < n; j++) {
        float g = a[j], d = b[j] - b_shift;
        if (masked) g = d * rm.k + rm.b > 0.0f ? g : 0.0f;
        float aj = g - a_shift;
        ta += aj;
        tab += (double)aj * (d * scale);
    }
    for (int k = 0; k < 4; k++) ta += sa_lo[k], tab += sab_lo[k];
    for (int k = 0; k < 4; k++) ta += sa_hi[k], tab += sab_hi[k];
    *sum += ta;
    *dot += tab;
}

static void bn_row_sums(const float *restrict a, const float *restrict b, size_t n,
                        float a_shift, float b_shift, float scale, const bn_relu_mask *rm,
                        double *sum, double *dot)
{
    if (rm)
        bn_row_sums_impl(a, b, n, a_shift, b_shift, scale, *rm, sum, dot, true);
    else
        bn_row_sums_impl(a, b, n, a_shift, b_shift, scale, (bn_relu_mask){0}, sum, dot, false);
}

/* Per-channel sums of a and a*b over this thread's samples, a and b shifted
 * by a_shift and b_shift, b scaled by b_scale (each NULL for none); masked
 * by a fused ReLU when relu_k is not NULL (its scale per channel; the shift
 * is beta). */
static void bn_partial_sums(const bn_view *v, const tsu_layer_run *run, const tsu_exec *ex,
                            const float *a_all, const float *a_shift, const float *b_all,
                            const float *b_shift, const float *b_scale, const float *relu_k)
{
    double *sum = v->partials + (size_t)ex->thread * 2 * v->channels;
    double *dot = sum + v->channels;
    if (ex->first_chunk)
        for (int c = 0; c < v->channels; c++) sum[c] = dot[c] = 0.0;
    for (int s = ex->n0; s < ex->n1; s++)
        for (int c = 0; c < v->channels; c++) {
            size_t at = (size_t)s * run->out_size + (size_t)c * v->spatial;
            bn_relu_mask rm = {relu_k ? relu_k[c] : 0.0f, v->beta[c]};
            bn_row_sums(a_all + at, b_all + at, v->spatial, a_shift ? a_shift[c] : 0.0f,
                        b_shift ? b_shift[c] : 0.0f, b_scale ? b_scale[c] : 1.0f,
                        relu_k ? &rm : NULL, &sum[c], &dot[c]);
        }
}

static void bn_combine(const bn_view *v, const tsu_exec *ex, int c, double *sum, double *dot)
{
    *sum = *dot = 0.0;
    for (int t = 0; t < ex->n_threads; t++) {
        *sum += v->partials[(size_t)t * 2 * v->channels + c];
        *dot += v->partials[(size_t)t * 2 * v->channels + v->channels + c];
    }
}

static void bn_batch_statistics(const bn_view *v, const tsu_layer_run *run, const tsu_exec *ex,
                                float *mean, float *inv_std)
{
    const double count = (double)ex->batch * (double)v->spatial;
    const double eps = tsu_node_value(run->node, BN_EPS)->number;
    const double momentum = tsu_node_value(run->node, BN_MOMENTUM)->number;
    const float *shift = v->shifts + (size_t)ex->thread * v->channels;
    for (int c = 0; c < v->channels; c++) {
        double sum, squares;
        bn_combine(v, ex, c, &sum, &squares);
        double shifted_mean = sum / count;
        double var = fmax(squares / count - shifted_mean * shifted_mean, 0.0);
        double m = shift[c] + shifted_mean;
        mean[c] = (float)m;
        inv_std[c] = (float)(1.0 / sqrt(var + eps));
        if (ex->thread != 0 || !ex->first_chunk) continue;
        v->mean[c] = mean[c];
        v->inv_std[c] = inv_std[c];
        /* Running variance is unbiased, as in NNC and PyTorch. */
        double unbiased = count > 1.0 ? var * count / (count - 1.0) : var;
        v->running_mean[c] = (float)(momentum * v->running_mean[c] + (1.0 - momentum) * m);
        v->running_var[c] = (float)(momentum * v->running_var[c] + (1.0 - momentum) * unbiased);
    }
}

static void bn_running_statistics(const bn_view *v, const tsu_layer_run *run, float *mean,
                                  float *inv_std)
{
    const double eps = tsu_node_value(run->node, BN_EPS)->number;
    for (int c = 0; c < v->channels; c++) {
        mean[c] = v->running_mean[c];
        inv_std[c] = (float)(1.0 / sqrt((double)v->running_var[c] + eps));
    }
}

/* y = (x - m) * k + b and the fused ReLU's r = max(y, 0) in one pass (NaN
 * passes, as in relu_forward); y only when asked for (TSU_NET_KEPT_SAMPLES:
 * nothing else reads it, and backward recomputes it from x). When written,
 * y goes out with streaming stores that skip the cache: nothing reads it
 * soon, and an ordinary store first reads its line from memory. */
static inline __attribute__((always_inline)) void
bn_relu_row_impl(const float *restrict x, float *restrict y, float *restrict r, size_t n,
                 float m, float k, float b, bool keep)
{
    size_t j = 0;
    if (!keep || ((uintptr_t)y & 15) == 0) {
        const __m128 vm = _mm_set1_ps(m), vk = _mm_set1_ps(k), vb = _mm_set1_ps(b);
        const __m128 zero = _mm_setzero_ps();
        for (; j + 4 <= n; j += 4) {
            __m128 t = _mm_add_ps(_mm_mul_ps(_mm_sub_ps(_mm_loadu_ps(x + j), vm), vk), vb);
            if (keep) _mm_stream_ps(y + j, t);
            _mm_storeu_ps(r + j, _mm_andnot_ps(_mm_cmplt_ps(t, zero), t));
        }
    }
    for (; j < n; j++) {
        float t = (x[j] - m) * k + b;
        if (keep) y[j] = t;
        r[j] = t < 0.0f ? 0.0f : t;
    }
}

/* y may be NULL: the ReLU's output only. */
static void bn_relu_row(const float *restrict x, float *restrict y, float *restrict r, size_t n,
                        float m, float k, float b)
{
    if (y)
        bn_relu_row_impl(x, y, r, n, m, k, b, true);
    else
        bn_relu_row_impl(x, NULL, r, n, m, k, b, false);
}

static void bn_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    bn_view v = bn_view_of(run, ex);
    if (stage == 0) {
        if (!ex->training) return;
        float *shift = v.shifts + (size_t)ex->thread * v.channels;
        if (ex->first_chunk)
            for (int c = 0; c < v.channels; c++) shift[c] = v.running_mean[c];
        bn_partial_sums(&v, run, ex, run->in[0], shift, run->in[0], shift, NULL, NULL);
        return;
    }
    float *mean = ex->work, *scale = ex->work + v.channels;
    if (ex->training)
        bn_batch_statistics(&v, run, ex, mean, scale);
    else
        bn_running_statistics(&v, run, mean, scale);
    for (int c = 0; c < v.channels; c++) scale[c] *= v.gamma[c];
    /* (x - mean) * scale + beta rather than x * scale + folded shift: the
     * subtraction is exact for data near its mean, the folded form is not. */
    float *relu_all = run->relu_after ? run->relu_after->out : NULL;
    for (int s = ex->n0; s < ex->n1; s++)
        for (int c = 0; c < v.channels; c++) {
            size_t at = (size_t)s * run->out_size + (size_t)c * v.spatial;
            const float *restrict x = run->in[0] + at;
            float *restrict y = run->out + at;
            const float m = mean[c], k = scale[c], b = v.beta[c];
            if (relu_all) {
                bn_relu_row(x, s < TSU_NET_KEPT_SAMPLES ? y : NULL, relu_all + at, v.spatial, m,
                            k, b);
            } else {
                for (size_t j = 0; j < v.spatial; j++) y[j] = (x[j] - m) * k + b;
            }
        }
    if (relu_all) _mm_sfence(); /* the streaming stores before anything after */
}

/* Statistics the forward normalised with: the batch's or the running ones. */
static void bn_used_statistics(const bn_view *v, const tsu_layer_run *run, const tsu_exec *ex,
                               float *mean, float *inv_std)
{
    if (!ex->training) {
        bn_running_statistics(v, run, mean, inv_std);
        return;
    }
    for (int c = 0; c < v->channels; c++) mean[c] = v->mean[c], inv_std[c] = v->inv_std[c];
}

/* dx from the output gradient dy; masked (fused ReLU) where the forward's
 * (x - m) * k + beta was not positive (see bn_row_sums_impl). */
static inline __attribute__((always_inline)) void
bn_dx_row(float *restrict dx, const float *restrict dy, const float *restrict x, size_t n,
          float k, float m, float beta, float inv, float mean_dy, float mean_dy_xhat, bool acc,
          bool masked)
{
    for (size_t j = 0; j < n; j++) {
        float g = dy[j], d = x[j] - m;
        if (masked) g = d * k + beta > 0.0f ? g : 0.0f;
        float v = k * (g - mean_dy - d * inv * mean_dy_xhat);
        dx[j] = acc ? dx[j] + v : v;
    }
}

static void bn_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    bn_view v = bn_view_of(run, ex);
    float *mean = ex->work, *inv_std = ex->work + v.channels;
    bn_used_statistics(&v, run, ex, mean, inv_std);
    /* With a fused ReLU, our output gradient is the ReLU's, masked where the
     * ReLU did not pass (recomputed from x with the forward's arithmetic). */
    const bool masked = run->relu_after != NULL;
    const float *dy_all = masked ? run->relu_after->dout : run->dout;
    if (stage == 0) {
        float *relu_k = NULL;
        if (masked) {
            /* The forward's scale: inv_std * gamma, in that order. */
            relu_k = ex->work + 2 * v.channels;
            for (int c = 0; c < v.channels; c++) relu_k[c] = inv_std[c] * v.gamma[c];
        }
        bn_partial_sums(&v, run, ex, dy_all, NULL, run->in[0], mean, inv_std, relu_k);
        return;
    }
    const double count = (double)ex->batch * (double)v.spatial;
    float *dx_all = run->din[0];
    const bool acc = run->din_accumulate[0];
    for (int c = 0; c < v.channels; c++) {
        double sum_dy, sum_dy_xhat;
        bn_combine(&v, ex, c, &sum_dy, &sum_dy_xhat);
        if (ex->thread == 0 && ex->first_chunk) {
            tsu_run_grad(run, ex, 0)[c] += (float)sum_dy_xhat;
            tsu_run_grad(run, ex, 1)[c] += (float)sum_dy;
        }
        if (!dx_all) continue;
        const float k = inv_std[c] * v.gamma[c];
        /* In training the batch statistics depend on x too. */
        const float mean_dy = ex->training ? (float)(sum_dy / count) : 0.0f;
        const float mean_dy_xhat = ex->training ? (float)(sum_dy_xhat / count) : 0.0f;
        const float m = mean[c], inv = inv_std[c], beta = v.beta[c];
        for (int s = ex->n0; s < ex->n1; s++) {
            size_t at = (size_t)s * run->out_size + (size_t)c * v.spatial;
            const float *x = run->in[0] + at, *dy = dy_all + at;
            float *dx = dx_all + at;
            if (masked) {
                if (acc)
                    bn_dx_row(dx, dy, x, v.spatial, k, m, beta, inv, mean_dy, mean_dy_xhat,
                              true, true);
                else
                    bn_dx_row(dx, dy, x, v.spatial, k, m, beta, inv, mean_dy, mean_dy_xhat,
                              false, true);
            } else {
                if (acc)
                    bn_dx_row(dx, dy, x, v.spatial, k, m, beta, inv, mean_dy, mean_dy_xhat,
                              true, false);
                else
                    bn_dx_row(dx, dy, x, v.spatial, k, m, beta, inv, mean_dy, mean_dy_xhat,
                              false, false);
            }
        }
    }
}

static const tsu_layer_ops bn_ops = {
    .forward_stages = 2,
    .backward_stages = 2,
    .stages_train_only = true,
    .work_floats = bn_work,
    .shared_bytes = bn_shared,
    .forward = bn_forward,
    .backward = bn_backward,
};

/* Inference uses the running statistics: scale, shift, mean and variance. */
static const char *const bn_tensors[4] = {"weight", "bias", "running_mean", "running_var"};

static bool bn_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *id = tsu_node_id(x->node), *args[5] = {tsu_node_id(x->inputs[0])};
    for (int i = 0; i < 4; i++)
        if (!(args[1 + i] = tsu_onnx_tensor(e, x->node, bn_tensors[i]))) return false;
    tsu_onnx_node *o = tsu_onnx_node_add(e, "BatchNormalization", id, 5, args, id);
    tsu_onnx_attr_float(e, o, "epsilon", tsu_node_value(x->node, BN_EPS)->number);
    tsu_onnx_attr_float(e, o, "momentum", tsu_node_value(x->node, BN_MOMENTUM)->number);
    return true;
}

static const char bn_c_kernel[] =
    "/* Inference form: running statistics instead of batch statistics. */\n"
    "static void batchnorm(const float *x, int c, long n, const float *gamma, const float *beta,\n"
    "                      const float *mean, const float *var, float eps, float *y)\n"
    "{\n"
    "    for (int ch = 0; ch < c; ch++) {\n"
    "        float scale = gamma[ch] / sqrtf(var[ch] + eps);\n"
    "        for (long i = 0; i < n; i++)\n"
    "            y[ch * n + i] = (x[ch * n + i] - mean[ch]) * scale + beta[ch];\n"
    "    }\n"
    "}\n\n";

static void bn_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_shape *s = tsu_node_shape(x->node);
    const tsu_c_io io = tsu_c_operands(e, x);
    char eps[48], t[4][3 * TSU_ID_MAX];
    tsu_c_float((float)tsu_node_value(x->node, BN_EPS)->number, eps, sizeof eps);
    for (int i = 0; i < 4; i++) tsu_c_tensor(e, x->node, bn_tensors[i], t[i], sizeof t[i]);
    tsu_c_kernel(e, bn_c_kernel);
    tsu_c_printf(e, "    batchnorm(%s, %d, %zu, %s, %s, %s, %s, %s, %s);\n", io.src, s->d[0],
                 tsu_channel_size(s), t[0], t[1], t[2], t[3], eps, io.dst);
}

/* tsumiki_io.BatchNorm: the same statistics and momentum convention. */
static void bn_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    char eps[32], momentum[32];
    tsu_py_printf(e, "BatchNorm(%d, eps=%s, momentum=%s)", tsu_node_shape(node)->d[0],
                  tsu_py_num(tsu_node_value(node, BN_EPS)->number, eps, sizeof eps),
                  tsu_py_num(tsu_node_value(node, BN_MOMENTUM)->number, momentum, sizeof momentum));
}

static const tsu_layer_export bn_export = {
    .onnx = bn_onnx,
    .c = bn_c,
    .pytorch_module = bn_pytorch_module,
    .pytorch = tsu_py_module_forward,
};

const tsu_layer_kind tsu_kind_batch_normalization = {
    .name = "BatchNormalization",
    .category = "Normalization",
    .help = N_("Normalises each channel with batch statistics, then scales and shifts"),
    .id_prefix = "bn",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = bn_params,
    .n_params = TSU_ARRAY_LEN(bn_params),
    .infer = bn_infer,
    .macs = bn_macs,
    .ops = &bn_ops,
    .fusion = {.absorbs = &tsu_kind_relu},
    .exports = &bn_export,
    .role = {.traits = TSU_TRAIT_NORMALIZES},
    .about = {.computes = N_("Normalises each channel to zero mean and unit variance over the batch, "
                  "then applies a learned scale and shift; inference uses running averages "
                  "instead."),
              .why = N_("Keeps the inputs of each layer in a steady range, which allows higher "
                  "learning rates and faster, more reliable training."),
              .neighbours = N_("Between Convolution (or Affine) and its activation: Convolution, "
                  "BatchNormalization, ReLU.")},
};
