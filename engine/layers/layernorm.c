/* layernorm.c — LayerNormalization over all non-batch axes of a sample,
 * with a gain and shift per value (PyTorch's nn.LayerNorm(sample shape)). */
#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <math.h>

enum { LN_EPS, LN_N_PARAMS };

static const tsu_param_desc ln_params[] = {
    [LN_EPS] = TSU_PARAM_FLOAT_DEF("eps", 1e-5, 1e-12, 1.0,
                                   N_("Added to the variance before the square root")),
};
TSU_PARAMS_MATCH(ln_params, LN_N_PARAMS);

static bool ln_infer(tsu_node *node, tsu_diag *diag)
{
    node->shape = *tsu_input_shape(node, 0);
    tsu_node_add_tensor(node, "weight", &node->shape, true);
    tsu_node_add_tensor(node, "bias", &node->shape, true);
    return true;
}

/* Normalising, then scale and shift: about one multiply-add per value. */
static uint64_t ln_macs(const tsu_node *node)
{
    return tsu_shape_size(&node->shape);
}

/* Each sample's mean and 1/std, kept for backward. */
static size_t ln_aux(const tsu_node *node, bool training)
{
    return training ? 2 * sizeof(float) : 0;
}

/* Mean and 1/sqrt(var + eps) of n values; two passes in double, so the
 * variance does not cancel away for data far from zero. */
static void ln_stats(const float *x, size_t n, float eps, float *mean, float *inv_std)
{
    double sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < n; i++) sum += x[i];
    const double m = sum / (double)n;
    for (size_t i = 0; i < n; i++) sq += (x[i] - m) * (x[i] - m);
    *mean = (float)m;
    *inv_std = (float)(1.0 / sqrt(sq / (double)n + eps));
}

static void ln_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const size_t n = run->out_size;
    const float eps = (float)tsu_node_value(run->node, LN_EPS)->number;
    const float *gamma = run->data[0], *beta = run->data[1];
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * n;
        float *y = run->out + (size_t)s * n, mean, inv;
        ln_stats(x, n, eps, &mean, &inv);
        for (size_t i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
        if (run->aux) {
            float *keep = (float *)(run->aux + (size_t)s * run->aux_bytes);
            keep[0] = mean, keep[1] = inv;
        }
    }
}

/* With xhat = (x - mean) / std and g = dy * gamma:
 * dx = (g - mean(g) - xhat * mean(g * xhat)) / std; dgamma = dy xhat, dbeta = dy. */
static void ln_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const size_t n = run->out_size;
    const float *gamma = run->data[0];
    float *dgamma = tsu_run_grad(run, ex, 0), *dbeta = tsu_run_grad(run, ex, 1);
    for (int s = ex->n0; s < ex->n1; s++) {
        const size_t at = (size_t)s * n;
        const float *x = run->in[0] + at, *dy = run->dout + at;
        const float *keep = (const float *)(run->aux + (size_t)s * run->aux_bytes);
        const float mean = keep[0], inv = keep[1];
        double sum_g = 0.0, sum_gx = 0.0;
        for (size_t i = 0; i < n; i++) {
            const float xhat = (x[i] - mean) * inv, g = dy[i] * gamma[i];
            sum_g += g;
            sum_gx += g * xhat;
            dgamma[i] += dy[i] * xhat;
            dbeta[i] += dy[i];
        }
        if (!run->din[0]) continue;
        const float m1 = (float)(sum_g / (double)n), m2 = (float)(sum_gx / (double)n);
        float *dx = run->din[0] + at;
        for (size_t i = 0; i < n; i++) {
            const float xhat = (x[i] - mean) * inv;
            tsu_put(&dx[i], inv * (dy[i] * gamma[i] - m1 - xhat * m2), run->din_accumulate[0]);
        }
    }
}

static const tsu_layer_ops ln_ops = {
    .aux_bytes = ln_aux,
    .forward = ln_forward,
    .backward = ln_backward,
};

/* ------------------------------------------------------------- exports */

/* LayerNormalization is opset 17; in 13 it is the ReduceMean decomposition
 * torch.onnx writes, node for node (the importer reads both):
 * d = x - mean(x), d / sqrt(mean(Pow(d, 2)) + eps) * weight + bias. */
/* Each step's output is "<id>/<what>" (the last one's the node id). */
static const char *ln_reduce_mean(tsu_onnx_emitter *e, const tsu_xnode *x, const char *in,
                                  const char *what)
{
    int64_t axes[TSU_MAX_DIMS];
    const int ndim = tsu_node_shape(x->node)->ndim;
    for (int i = 0; i < ndim; i++) axes[i] = i + 1;
    const char *out = tsu_onnx_name(e, "%s/%s", tsu_node_id(x->node), what);
    tsu_onnx_attr_ints(e, tsu_onnx_node_add(e, "ReduceMean", out, 1, &in, out), "axes", ndim, axes);
    return out;
}

static bool ln_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *id = tsu_node_id(x->node), *in = tsu_node_id(x->inputs[0]);
    const char *weight = tsu_onnx_tensor(e, x->node, "weight");
    const char *bias = weight ? tsu_onnx_tensor(e, x->node, "bias") : NULL;
    if (!bias) return false;
    const char *d = tsu_onnx_binary(e, "Sub", in, ln_reduce_mean(e, x, in, "mean"),
                                    tsu_onnx_name(e, "%s/centred", id));
    const char *sq = tsu_onnx_binary(e, "Pow", d, tsu_onnx_scalar(e, id, "two", 2.0f),
                                     tsu_onnx_name(e, "%s/squared", id));
    const char *ve = tsu_onnx_binary(
        e, "Add", ln_reduce_mean(e, x, sq, "var"),
        tsu_onnx_scalar(e, id, "eps", (float)tsu_node_value(x->node, LN_EPS)->number),
        tsu_onnx_name(e, "%s/var_eps", id));
    const char *sd = tsu_onnx_name(e, "%s/std", id);
    tsu_onnx_node_add(e, "Sqrt", sd, 1, &ve, sd);
    const char *norm = tsu_onnx_binary(e, "Div", d, sd, tsu_onnx_name(e, "%s/normalised", id));
    const char *scaled = tsu_onnx_binary(e, "Mul", norm, weight, tsu_onnx_name(e, "%s/scaled", id));
    tsu_onnx_binary(e, "Add", scaled, bias, id);
    return true;
}

static const char ln_c_kernel[] =
    "/* Over the whole sample; a gain and shift per value. */\n"
    "static void layernorm(const float *x, long n, const float *gamma, const float *beta,\n"
    "                      float eps, float *y)\n"
    "{\n"
    "    double sum = 0.0, sq = 0.0;\n"
    "    for (long i = 0; i < n; i++) sum += x[i];\n"
    "    double m = sum / (double)n;\n"
    "    for (long i = 0; i < n; i++) sq += (x[i] - m) * (x[i] - m);\n"
    "    float mean = (float)m, inv = (float)(1.0 / sqrt(sq / (double)n + eps));\n"
    "    for (long i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];\n"
    "}\n\n";

static void ln_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_c_io io = tsu_c_operands(e, x);
    char eps[48], gamma[3 * TSU_ID_MAX], beta[3 * TSU_ID_MAX];
    tsu_c_float((float)tsu_node_value(x->node, LN_EPS)->number, eps, sizeof eps);
    tsu_c_tensor(e, x->node, "weight", gamma, sizeof gamma);
    tsu_c_tensor(e, x->node, "bias", beta, sizeof beta);
    tsu_c_kernel(e, ln_c_kernel);
    tsu_c_printf(e, "    layernorm(%s, %zu, %s, %s, %s, %s);\n", io.src,
                 tsu_shape_size(tsu_node_shape(x->node)), gamma, beta, eps, io.dst);
}

static void ln_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    const tsu_shape *s = tsu_node_shape(node);
    char eps[32];
    tsu_py_printf(e, "nn.LayerNorm([");
    for (int i = 0; i < s->ndim; i++) tsu_py_printf(e, "%s%d", i ? ", " : "", s->d[i]);
    tsu_py_printf(e, "], eps=%s)", tsu_py_num(tsu_node_value(node, LN_EPS)->number, eps, sizeof eps));
}

static const tsu_layer_export ln_export = {
    .onnx = ln_onnx,
    .c = ln_c,
    .pytorch_module = ln_pytorch_module,
    .pytorch = tsu_py_module_forward,
};

const tsu_layer_kind tsu_kind_layer_normalization = {
    .name = "LayerNormalization",
    .category = "Normalization",
    .help = N_("Normalises each sample over all its axes, then scales and shifts each value"),
    .id_prefix = "ln",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = ln_params,
    .n_params = LN_N_PARAMS,
    .infer = ln_infer,
    .macs = ln_macs,
    .ops = &ln_ops,
    .exports = &ln_export,
    .role = {.traits = TSU_TRAIT_NORMALIZES},
    .about = {.computes = N_("Normalises each sample over all its values, then scales and shifts each "
                  "value with learned weights; it needs no batch statistics."),
              .why = N_("Works the same in training and inference and for any batch size; "
                  "standard in transformers."),
              .neighbours = N_("Around the Affine blocks of a transformer, or instead of "
                  "BatchNormalization for small batches.")},
};
