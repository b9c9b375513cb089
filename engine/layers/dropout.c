/* dropout.c — Dropout: inverted in training, the identity in inference. */
#include "export/layer-export.h"
#include "layers/layer-util.h"
#include "runtime/rng.h"

enum { DROPOUT_P, DROPOUT_N_PARAMS };

static const tsu_param_desc dropout_params[] = {
    [DROPOUT_P] =
        TSU_PARAM_FLOAT_DEF("p", 0.5, 0.0, 0.99, N_("Probability of dropping each value in training")),
};
TSU_PARAMS_MATCH(dropout_params, DROPOUT_N_PARAMS);

/* The mask is a hash of (seed, node, step, sample, element): no state to
 * keep, the same for any thread count, and backward recomputes it. */
static uint64_t mask_key(const tsu_layer_run *run, const tsu_exec *ex)
{
    return tsu_mix64(tsu_mix64(ex->seed ^ 0x64726f706f7574ull) + (uint64_t)run->index * 0x100000001b3ull) ^
           tsu_mix64(ex->step);
}

static inline bool kept(uint64_t key, size_t element, float p)
{
    return tsu_unit_float(tsu_mix64(key + element)) >= p;
}

static void dropout_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const float p = (float)tsu_node_value(run->node, DROPOUT_P)->number;
    if (!ex->training || p == 0.0f) {
        tsu_copy_forward(run, ex, stage);
        return;
    }
    const float scale = 1.0f / (1.0f - p);
    const uint64_t key = mask_key(run, ex);
    const float *x = run->in[0];
    size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
    for (size_t i = a; i < b; i++) run->out[i] = kept(key, i, p) ? x[i] * scale : 0.0f;
}

static void dropout_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const float p = (float)tsu_node_value(run->node, DROPOUT_P)->number;
    if (!ex->training || p == 0.0f) {
        tsu_copy_backward(run, ex, stage);
        return;
    }
    float *dx = run->din[0];
    if (!dx) return;
    const float scale = 1.0f / (1.0f - p);
    const uint64_t key = mask_key(run, ex);
    const bool acc = run->din_accumulate[0];
    size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
    for (size_t i = a; i < b; i++)
        tsu_put(&dx[i], kept(key, i, p) ? run->dout[i] * scale : 0.0f, acc);
}

static const tsu_layer_ops dropout_ops = {
    .forward = dropout_forward,
    .backward = dropout_backward,
};

/* Inference reads through Dropout (TSU_KIND_INFERENCE_IDENTITY), so ONNX and
 * C never see it; model.py keeps it for train.py, and eval() disables it. */
static void dropout_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8], num[32];
    tsu_py_printf(e, "F.dropout(%s, %s, self.training)",
                  tsu_py_value(node->inputs[0], src, sizeof src),
                  tsu_py_num(tsu_node_value(node, DROPOUT_P)->number, num, sizeof num));
}

static const tsu_layer_export dropout_export = {.pytorch = dropout_pytorch};

const tsu_layer_kind tsu_kind_dropout = {
    .name = "Dropout",
    .category = "Others",
    .help = N_("Zeroes random values in training and scales the rest by 1/(1-p)"),
    .id_prefix = "dropout",
    .min_inputs = 1,
    .max_inputs = 1,
    .flags = TSU_KIND_INFERENCE_IDENTITY,
    .params = dropout_params,
    .n_params = TSU_ARRAY_LEN(dropout_params),
    .infer = tsu_infer_same_shape,
    .macs = tsu_macs_none,
    .ops = &dropout_ops,
    .exports = &dropout_export,
    .role = {.traits = TSU_TRAIT_TRAIN_ONLY},
    .about = {.computes = N_("In training, sets each value to zero with probability `p` and scales the "
                  "rest by 1/(1 - p); in inference it passes values unchanged."),
              .why = N_("Keeps the network from relying on a few units, which reduces "
                  "overfitting."),
              .neighbours = N_("After the activation of a large Affine layer and before the next "
                  "trainable layer, never right before the loss.")},
};
