/* losses.c — loss functions. Each outputs one value per sample: the mean
 * over the sample's elements (over positions for the cross entropies with
 * class indices), so the batch mean equals PyTorch's default "mean"
 * reduction. The `dataset` param names the target variable.
 *
 * Backward writes the gradient of the batch-mean loss. When the input comes
 * from a Softmax (CategoricalCrossEntropy) or a Sigmoid (BinaryCrossEntropy)
 * that feeds nothing else, the loss works on that layer's logits instead:
 * log-sum-exp for the value and (probabilities - target) for the gradient,
 * which neither overflows nor divides by a vanishing probability. */
#include "runtime/vectorize.h"

#include "layers/layer-util.h"

#include <math.h>

enum { LOSS_DATASET, LOSS_N_PARAMS };

/* Logarithms of probabilities are clamped here, as PyTorch's BCELoss does. */
#define LOG_FLOOR (-100.0)

static const tsu_param_desc loss_params[] = {
    [LOSS_DATASET] = TSU_PARAM_STRING_DEF("dataset", "y", N_("Dataset variable holding the targets")),
};
TSU_PARAMS_MATCH(loss_params, LOSS_N_PARAMS);

/* The layers two of the losses differentiate through (activation.c). */
extern const tsu_layer_kind tsu_kind_softmax, tsu_kind_sigmoid;

static bool loss_infer(tsu_node *node, tsu_diag *diag)
{
    node->shape = tsu_shape_1(1);
    return true;
}

static size_t loss_target_same(const tsu_node *node)
{
    return tsu_shape_size(tsu_input_shape(node, 0));
}

/* One class index per position of the axes after the first. */
static size_t loss_target_classes(const tsu_node *node)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    return tsu_shape_size(in) / (size_t)in->d[0];
}

static double clamped_log(double p)
{
    return p > 0.0 ? fmax(log(p), LOG_FLOOR) : LOG_FLOOR;
}

/* The class of position j, or -1 after reporting a bad label. */
static int label_at(const tsu_layer_run *run, tsu_exec *ex, int s, size_t j, int classes)
{
    float v = run->target[(size_t)s * run->target_size + j];
    int label = (int)v;
    if ((float)label == v && label >= 0 && label < classes) return label;
    tsu_exec_fail(ex, run->node, _("label %g of sample %d is not a class index 0..%d"), (double)v,
                  s, classes - 1);
    return -1;
}

/* ------------------------------------------------- class-index entropies */

typedef struct {
    const float *x; /* probabilities, or logits when `logits` */
    bool logits;
    size_t classes, positions;
} class_input;

static class_input class_input_of(const tsu_layer_run *run, bool logits)
{
    class_input in = {.x = run->in[0], .logits = logits};
    if (run->fused) in.x = run->fused->in[0], in.logits = true;
    in.classes = (size_t)tsu_input_shape(run->node, 0)->d[0];
    in.positions = run->in_size[0] / in.classes;
    return in;
}

/* -log softmax(z)[label] = log sum exp(z) - z[label], shifted by the max. */
static double logit_loss(const float *z, size_t classes, size_t stride, int label)
{
    float peak = z[0];
    for (size_t c = 1; c < classes; c++) peak = fmaxf(peak, z[c * stride]);
    double sum = 0.0;
    for (size_t c = 0; c < classes; c++) sum += exp((double)(z[c * stride] - peak));
    return log(sum) - (double)(z[(size_t)label * stride] - peak);
}

static void class_entropy_forward(tsu_layer_run *run, tsu_exec *ex, bool logits)
{
    const class_input in = class_input_of(run, logits);
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = in.x + (size_t)s * run->in_size[0];
        double total = 0.0;
        for (size_t j = 0; j < in.positions; j++) {
            int label = label_at(run, ex, s, j, (int)in.classes);
            if (label < 0) continue;
            total += in.logits ? logit_loss(x + j, in.classes, in.positions, label)
                               : -clamped_log(x[(size_t)label * in.positions + j]);
        }
        run->out[s] = (float)(total / (double)in.positions);
    }
}

/* d/dz = softmax(z) - onehot, with softmax taken from the fused layer or
 * recomputed; d/dp = -1/p at the label (0 where the log was clamped). */
static void class_entropy_backward(tsu_layer_run *run, tsu_exec *ex, bool logits)
{
    const class_input in = class_input_of(run, logits);
    float *dx_all = run->fused ? run->fused->din[0] : run->din[0];
    if (!dx_all) return;
    const bool acc = run->fused ? run->fused->din_accumulate[0] : run->din_accumulate[0];
    const float scale = 1.0f / (float)((double)ex->batch * (double)in.positions);
    for (int s = ex->n0; s < ex->n1; s++) {
        size_t at = (size_t)s * run->in_size[0];
        const float *x = in.x + at;
        float *dx = dx_all + at;
        for (size_t j = 0; j < in.positions; j++) {
            int label = label_at(run, ex, s, j, (int)in.classes);
            const float *prob = run->fused ? run->fused->out + at + j : NULL;
            float peak = x[j], sum = 0.0f;
            if (in.logits && !prob) {
                for (size_t c = 1; c < in.classes; c++) peak = fmaxf(peak, x[c * in.positions + j]);
                for (size_t c = 0; c < in.classes; c++) sum += expf(x[c * in.positions + j] - peak);
            }
            for (size_t c = 0; c < in.classes; c++) {
                size_t i = c * in.positions + j;
                float hot = (int)c == label ? 1.0f : 0.0f, g;
                if (in.logits)
                    g = (prob ? prob[c * in.positions] : expf(x[i] - peak) / sum) - hot;
                else
                    g = hot && clamped_log(x[i]) > LOG_FLOOR ? -1.0f / x[i] : 0.0f;
                tsu_put(&dx[i], g * scale, acc);
            }
        }
    }
}

static void cce_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    class_entropy_forward(run, ex, false);
}
static void cce_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    class_entropy_backward(run, ex, false);
}
static void softmax_ce_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    class_entropy_forward(run, ex, true);
}
static void softmax_ce_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    class_entropy_backward(run, ex, true);
}

/* ------------------------------------------------ element-wise losses */

/* Binary cross entropy of a logit: max(z, 0) - z t + log(1 + exp(-|z|)). */
static double logit_binary_loss(float z, float t)
{
    return fmax(z, 0.0) - (double)z * t + log1p(exp(-fabs((double)z)));
}

static double binary_loss(float p, float t)
{
    return -(t * clamped_log(p) + (1.0 - t) * clamped_log(1.0 - (double)p));
}

typedef enum { ELEMENT_BCE, ELEMENT_SIGMOID_CE, ELEMENT_SQUARED } element_loss;

/* Squared error gets loops of its own: the general loops' branches per
 * element kept them scalar, and one running double sum waited on each
 * addition (a third of a training batch of bench-depthwise 32x128x28x28,
 * 8 of 25 ms, went to this loss). */
static double squared_sum(const float *x, const float *t, size_t n)
{
    double lanes[8] = {0}, total = 0.0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) {
            const double d = (double)x[i + l] - t[i + l];
            lanes[l] += d * d;
        }
    for (; i < n; i++) total += ((double)x[i] - t[i]) * ((double)x[i] - t[i]);
    for (int l = 0; l < 8; l++) total += lanes[l];
    return total;
}

static void squared_grad(const float *x, const float *t, float scale, float *dx, size_t n,
                         bool acc)
{
    if (acc)
        for (size_t i = 0; i < n; i++) dx[i] += 2.0f * (x[i] - t[i]) * scale;
    else
        for (size_t i = 0; i < n; i++) dx[i] = 2.0f * (x[i] - t[i]) * scale;
}

static void element_forward(tsu_layer_run *run, tsu_exec *ex, element_loss kind)
{
    const size_t n = run->in_size[0];
    const bool fused = run->fused != NULL;
    const float *x_all = fused ? run->fused->in[0] : run->in[0];
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = x_all + (size_t)s * n, *t = run->target + (size_t)s * n;
        double total = kind == ELEMENT_SQUARED ? squared_sum(x, t, n) : 0.0;
        for (size_t i = 0; kind != ELEMENT_SQUARED && i < n; i++) {
            if (kind == ELEMENT_SIGMOID_CE || fused)
                total += logit_binary_loss(x[i], t[i]);
            else
                total += binary_loss(x[i], t[i]);
        }
        run->out[s] = (float)(total / (double)n);
    }
}

static float sigmoid_of(float z)
{
    float e = expf(-fabsf(z));
    return z >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

static void element_backward(tsu_layer_run *run, tsu_exec *ex, element_loss kind)
{
    const size_t n = run->in_size[0];
    const bool fused = run->fused != NULL;
    float *dx_all = fused ? run->fused->din[0] : run->din[0];
    if (!dx_all) return;
    const bool acc = fused ? run->fused->din_accumulate[0] : run->din_accumulate[0];
    const float scale = 1.0f / (float)((double)ex->batch * (double)n);
    for (int s = ex->n0; s < ex->n1; s++) {
        size_t at = (size_t)s * n;
        const float *x = run->in[0] + at, *t = run->target + at;
        float *dx = dx_all + at;
        if (kind == ELEMENT_SQUARED) {
            squared_grad(x, t, scale, dx, n, acc);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            float g;
            if (fused) /* x is the Sigmoid's output */
                g = x[i] - t[i];
            else if (kind == ELEMENT_SIGMOID_CE)
                g = sigmoid_of(x[i]) - t[i];
            else {
                float p = x[i];
                float d_log_p = clamped_log(p) > LOG_FLOOR ? 1.0f / p : 0.0f;
                float d_log_q = clamped_log(1.0 - (double)p) > LOG_FLOOR ? 1.0f / (1.0f - p) : 0.0f;
                g = -t[i] * d_log_p + (1.0f - t[i]) * d_log_q;
            }
            tsu_put(&dx[i], g * scale, acc);
        }
    }
}

static void bce_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    element_forward(run, ex, ELEMENT_BCE);
}
static void bce_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    element_backward(run, ex, ELEMENT_BCE);
}
static void sigmoid_ce_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    element_forward(run, ex, ELEMENT_SIGMOID_CE);
}
static void sigmoid_ce_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    element_backward(run, ex, ELEMENT_SIGMOID_CE);
}
static void squared_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    element_forward(run, ex, ELEMENT_SQUARED);
}
static void squared_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    element_backward(run, ex, ELEMENT_SQUARED);
}

#define LOSS_OPS(var, fwd, bwd, target)                                                 \
    static const tsu_layer_ops var = {.target_floats = target, .forward = fwd, .backward = bwd}

LOSS_OPS(cce_ops, cce_forward, cce_backward, loss_target_classes);
LOSS_OPS(softmax_ce_ops, softmax_ce_forward, softmax_ce_backward, loss_target_classes);
LOSS_OPS(bce_ops, bce_forward, bce_backward, loss_target_same);
LOSS_OPS(sigmoid_ce_ops, sigmoid_ce_forward, sigmoid_ce_backward, loss_target_same);
LOSS_OPS(squared_ops, squared_forward, squared_backward, loss_target_same);

/* Exports leave losses out (TSU_KIND_LOSS): they need no callbacks. */
#define LOSS_KIND(var, kname, khelp, kops, kthrough, ...)                                    \
    const tsu_layer_kind var = {                                                       \
        .name = kname,                                                                 \
        .category = "Loss",                                                            \
        .help = khelp,                                                                 \
        .id_prefix = "loss",                                                           \
        .min_inputs = 1,                                                               \
        .max_inputs = 1,                                                               \
        .flags = TSU_KIND_LOSS,                                                        \
        .params = loss_params,                                                         \
        .n_params = TSU_ARRAY_LEN(loss_params),                                        \
        .infer = loss_infer,                                                           \
        .macs = tsu_macs_none,                                                         \
        .ops = &kops,                                                                  \
        .fusion = {.through = kthrough},                                               \
        __VA_ARGS__                                                                    \
    }

LOSS_KIND(tsu_kind_categorical_cross_entropy, "CategoricalCrossEntropy",
          N_("-log p[label] of probabilities (after Softmax); labels are class indices"), cce_ops,
          &tsu_kind_softmax,
    .role = {.loss = TSU_LOSS_CATEGORICAL, .input = TSU_INPUT_PROBABILITIES,
             .squash = TSU_SQUASH_SOFTMAX},
    .about = {.computes = N_("-log of the probability given to the correct class; the targets are "
                  "class indices."),
              .why = N_("The loss for choosing one of K classes: small when the right class gets "
                  "a probability near 1. It expects probabilities, so a Softmax over "
                  "exactly K values comes before it."),
              .neighbours = N_("The last Affine (K outputs), then Softmax, then "
                  "CategoricalCrossEntropy.")});
LOSS_KIND(tsu_kind_softmax_cross_entropy, "SoftmaxCrossEntropy",
          N_("Softmax and cross entropy on logits in one stable step; labels are class indices"),
          softmax_ce_ops, NULL,
    .role = {.loss = TSU_LOSS_CATEGORICAL, .input = TSU_INPUT_LOGITS,
             .squash = TSU_SQUASH_SOFTMAX},
    .about = {.computes = N_("Softmax and CategoricalCrossEntropy in one step, computed from the raw "
                  "scores (logits); the targets are class indices."),
              .why = N_("The same loss, numerically more stable; the network then outputs scores "
                  "rather than probabilities."),
              .neighbours = N_("The last Affine (K outputs) directly, with no Softmax before it.")});
LOSS_KIND(tsu_kind_binary_cross_entropy, "BinaryCrossEntropy",
          N_("Cross entropy of probabilities (after Sigmoid) against 0/1 targets"), bce_ops,
          &tsu_kind_sigmoid,
    .role = {.loss = TSU_LOSS_BINARY, .input = TSU_INPUT_PROBABILITIES,
             .squash = TSU_SQUASH_SIGMOID},
    .about = {.computes = N_("-(t log p + (1 - t) log(1 - p)) for each value p against its 0/1 target "
                  "t."),
              .why = N_("The loss for yes/no questions: two classes, or several independent "
                  "labels. It expects probabilities, so a Sigmoid comes before it."),
              .neighbours = N_("The last Affine (one output per question), then Sigmoid, then "
                  "BinaryCrossEntropy.")});
LOSS_KIND(tsu_kind_sigmoid_cross_entropy, "SigmoidCrossEntropy",
          N_("Sigmoid and binary cross entropy on logits in one stable step"), sigmoid_ce_ops, NULL,
    .role = {.loss = TSU_LOSS_BINARY, .input = TSU_INPUT_LOGITS,
             .squash = TSU_SQUASH_SIGMOID},
    .about = {.computes = N_("Sigmoid and BinaryCrossEntropy in one step, computed from the raw scores "
                  "(logits)."),
              .why = N_("The same loss, numerically more stable."),
              .neighbours = N_("The last Affine directly, with no Sigmoid before it.")});
LOSS_KIND(tsu_kind_squared_error, "SquaredError", N_("Mean of (x - y)^2 over the values"),
          squared_ops, NULL,
    .role = {.loss = TSU_LOSS_REGRESSION, .input = TSU_INPUT_VALUES},
    .about = {.computes = N_("The mean of (x - t)^2 over the values: the squared distance between "
                  "prediction and target."),
              .why = N_("The loss for regression, predicting real numbers. The last layer must be "
                  "able to reach every target, so usually no activation comes before it."),
              .neighbours = N_("The last Affine (one output per target value), then SquaredError.")});
