/* batchnorm.c — BatchNormalization over channels (axis 0). */
#include "layers/layer-util.h"
#include "layers/kinds.h"

#include <math.h>

enum { BN_MOMENTUM, BN_EPS };

static const tsu_param_desc bn_params[] = {
    TSU_PARAM_FLOAT_DEF("momentum", 0.9, 0.0, 1.0,
                        "Running statistics keep this share of their old value per batch"),
    TSU_PARAM_FLOAT_DEF("eps", 1e-5, 1e-12, 1.0, "Added to the variance before the square root"),
};

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

static size_t bn_work(const tsu_node *node)
{
    return 2 * (size_t)node->shape.d[0];
}

/* Sums of a' = a[j] - a_shift and a' * (b[j] - b_shift) * scale over one
 * row, in float lanes the compiler can vectorise; rows are short enough that
 * float partials lose nothing that matters, and they are summed in double. */
#define BN_LANES 8
static void bn_row_sums(const float *restrict a, const float *restrict b, size_t n, float a_shift,
                        float b_shift, float scale, double *sum, double *dot)
{
    float sa[BN_LANES] = {0}, sab[BN_LANES] = {0};
    size_t j = 0;
    for (; j + BN_LANES <= n; j += BN_LANES)
        for (int k = 0; k < BN_LANES; k++) {
            float ak = a[j + k] - a_shift;
            sa[k] += ak;
            sab[k] += ak * ((b[j + k] - b_shift) * scale);
        }
    double ta = 0.0, tab = 0.0;
    for (; j < n; j++) {
        float aj = a[j] - a_shift;
        ta += aj;
        tab += (double)aj * ((b[j] - b_shift) * scale);
    }
    for (int k = 0; k < BN_LANES; k++) ta += sa[k], tab += sab[k];
    *sum += ta;
    *dot += tab;
}

/* Per-channel sums of a and a*b over this thread's samples, a and b shifted
 * by a_shift and b_shift, b scaled by b_scale (each NULL for none). */
static void bn_partial_sums(const bn_view *v, const tsu_layer_run *run, const tsu_exec *ex,
                            const float *a_all, const float *a_shift, const float *b_all,
                            const float *b_shift, const float *b_scale)
{
    double *sum = v->partials + (size_t)ex->thread * 2 * v->channels;
    double *dot = sum + v->channels;
    if (ex->first_chunk)
        for (int c = 0; c < v->channels; c++) sum[c] = dot[c] = 0.0;
    for (int s = ex->n0; s < ex->n1; s++)
        for (int c = 0; c < v->channels; c++) {
            size_t at = (size_t)s * run->out_size + (size_t)c * v->spatial;
            bn_row_sums(a_all + at, b_all + at, v->spatial, a_shift ? a_shift[c] : 0.0f,
                        b_shift ? b_shift[c] : 0.0f, b_scale ? b_scale[c] : 1.0f, &sum[c],
                        &dot[c]);
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

static void bn_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    bn_view v = bn_view_of(run, ex);
    if (stage == 0) {
        if (!ex->training) return;
        float *shift = v.shifts + (size_t)ex->thread * v.channels;
        if (ex->first_chunk)
            for (int c = 0; c < v.channels; c++) shift[c] = v.running_mean[c];
        bn_partial_sums(&v, run, ex, run->in[0], shift, run->in[0], shift, NULL);
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
    for (int s = ex->n0; s < ex->n1; s++)
        for (int c = 0; c < v.channels; c++) {
            size_t at = (size_t)s * run->out_size + (size_t)c * v.spatial;
            const float *restrict x = run->in[0] + at;
            float *restrict y = run->out + at;
            const float m = mean[c], k = scale[c], b = v.beta[c];
            for (size_t j = 0; j < v.spatial; j++) y[j] = (x[j] - m) * k + b;
        }
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

static void bn_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    bn_view v = bn_view_of(run, ex);
    float *mean = ex->work, *inv_std = ex->work + v.channels;
    bn_used_statistics(&v, run, ex, mean, inv_std);
    if (stage == 0) {
        bn_partial_sums(&v, run, ex, run->dout, NULL, run->in[0], mean, inv_std);
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
        const float k = v.gamma[c] * inv_std[c];
        /* In training the batch statistics depend on x too. */
        const float mean_dy = ex->training ? (float)(sum_dy / count) : 0.0f;
        const float mean_dy_xhat = ex->training ? (float)(sum_dy_xhat / count) : 0.0f;
        for (int s = ex->n0; s < ex->n1; s++) {
            size_t at = (size_t)s * run->out_size + (size_t)c * v.spatial;
            const float *restrict x = run->in[0] + at, *restrict dy = run->dout + at;
            float *restrict dx = dx_all + at;
            const float m = mean[c], inv = inv_std[c];
            if (acc)
                for (size_t j = 0; j < v.spatial; j++)
                    dx[j] += k * (dy[j] - mean_dy - (x[j] - m) * inv * mean_dy_xhat);
            else
                for (size_t j = 0; j < v.spatial; j++)
                    dx[j] = k * (dy[j] - mean_dy - (x[j] - m) * inv * mean_dy_xhat);
        }
    }
}

static const tsu_layer_ops bn_ops = {
    .forward_stages = 2,
    .backward_stages = 2,
    .work_floats = bn_work,
    .shared_bytes = bn_shared,
    .forward = bn_forward,
    .backward = bn_backward,
};

const tsu_layer_kind tsu_kind_batch_normalization = {
    .name = "BatchNormalization",
    .category = "Normalization",
    .help = "Normalises each channel with batch statistics, then scales and shifts",
    .id_prefix = "bn",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = bn_params,
    .n_params = TSU_ARRAY_LEN(bn_params),
    .infer = bn_infer,
    .macs = bn_macs,
    .ops = &bn_ops,
};
