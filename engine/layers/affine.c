/* affine.c — Affine (fully connected): y = W x + b over all non-batch axes. */
#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <cblas.h>
#include <string.h>

enum { AFFINE_OUTMAPS, AFFINE_WITH_BIAS, AFFINE_N_PARAMS };

static const tsu_param_desc affine_params[] = {
    [AFFINE_OUTMAPS] = TSU_PARAM_INT_REQ("outmaps", 1, 1 << 24, N_("Number of outputs")),
    [AFFINE_WITH_BIAS] = TSU_PARAM_BOOL_DEF("with_bias", true, N_("Add a learned bias to each output")),
};
TSU_PARAMS_MATCH(affine_params, AFFINE_N_PARAMS);

static bool affine_infer(tsu_node *node, tsu_diag *diag)
{
    int outmaps = tsu_param_int(node, AFFINE_OUTMAPS);
    size_t in = tsu_shape_size(tsu_input_shape(node, 0));
    if (in > (size_t)1 << 30)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                             _("input of %zu values is too large for Affine"), in);
    node->shape = tsu_shape_1(outmaps);
    tsu_shape weight = tsu_shape_2(outmaps, (int)in);
    tsu_node_add_tensor(node, "weight", &weight, true);
    if (tsu_node_value(node, AFFINE_WITH_BIAS)->boolean) {
        tsu_shape bias = tsu_shape_1(outmaps);
        tsu_node_add_tensor(node, "bias", &bias, true);
    }
    return true;
}

/* One multiply-add per weight. */
static uint64_t affine_macs(const tsu_node *node)
{
    return (uint64_t)tsu_shape_size(tsu_input_shape(node, 0)) *
           (uint64_t)tsu_param_int(node, AFFINE_OUTMAPS);
}

/* A thread's samples form one [m, in] matrix: a single sgemm per pass. */
static void affine_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const int m = ex->n1 - ex->n0, in = (int)run->in_size[0], out = (int)run->out_size;
    if (m == 0) return;
    float *y = run->out + (size_t)ex->n0 * out;
    const float *bias = run->node->n_tensors > 1 ? run->data[1] : NULL;
    for (int s = 0; s < m && bias; s++) memcpy(y + (size_t)s * out, bias, sizeof *y * out);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, out, in, 1.0f,
                run->in[0] + (size_t)ex->n0 * in, in, run->data[0], in, bias ? 1.0f : 0.0f, y,
                out);
}

static void affine_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const int m = ex->n1 - ex->n0, in = (int)run->in_size[0], out = (int)run->out_size;
    if (m == 0) return;
    const float *dy = run->dout + (size_t)ex->n0 * out;
    const float *x = run->in[0] + (size_t)ex->n0 * in;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, m, 1.0f, dy, out, x, in, 1.0f,
                tsu_run_grad(run, ex, 0), in);
    if (run->node->n_tensors > 1) {
        float *db = tsu_run_grad(run, ex, 1);
        for (int s = 0; s < m; s++)
            for (int o = 0; o < out; o++) db[o] += dy[(size_t)s * out + o];
    }
    if (run->din[0])
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, in, out, 1.0f, dy, out,
                    run->data[0], in, run->din_accumulate[0] ? 1.0f : 0.0f,
                    run->din[0] + (size_t)ex->n0 * in, in);
}

static void affine_fans(const tsu_node *node, int *fan_in, int *fan_out)
{
    *fan_in = (int)tsu_shape_size(tsu_input_shape(node, 0));
    *fan_out = tsu_param_int(node, AFFINE_OUTMAPS);
}

/* Chunks of a few samples would pack the whole weight matrix per chunk. */
static const tsu_layer_ops affine_ops = {
    .whole_range = true,
    .fans = affine_fans,
    .forward = affine_forward,
    .backward = affine_backward,
};

/* OpenCV 4.6's DNN importer maps Gemm to its fully connected layer only with
 * a constant B, transB=1 and alpha=beta=1, so Affine is Flatten + Gemm. */
static bool affine_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *id = tsu_node_id(x->node);
    const char *args[3] = {tsu_node_id(x->inputs[0])};
    if (tsu_node_shape(x->inputs[0])->ndim != 1) {
        char *flat = tsu_onnx_name(e, "%s/flatten", id);
        tsu_onnx_attr_int(e, tsu_onnx_node_add(e, "Flatten", flat, 1, args, flat), "axis", 1);
        args[0] = flat;
    }
    int n = tsu_onnx_weights(e, x->node, tsu_node_value(x->node, AFFINE_WITH_BIAS)->boolean,
                             args + 1);
    if (n < 0) return false;
    tsu_onnx_node *o = tsu_onnx_node_add(e, "Gemm", id, 1 + n, args, id);
    tsu_onnx_attr_float(e, o, "alpha", 1.0);
    tsu_onnx_attr_float(e, o, "beta", 1.0);
    tsu_onnx_attr_int(e, o, "transB", 1);
    return true;
}

static const char affine_c_kernel[] =
    "/* y = W x + b with W [o, n], row-major as PyTorch's Linear. */\n"
    "static void affine(const float *x, long n, const float *wt, const float *b, int o, float *y)\n"
    "{\n"
    "    for (int j = 0; j < o; j++) {\n"
    "        const float *row = wt + (long)j * n;\n"
    "        float s = b ? b[j] : 0.0f;\n"
    "        for (long i = 0; i < n; i++) s += row[i] * x[i];\n"
    "        y[j] = s;\n"
    "    }\n"
    "}\n\n";

static void affine_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_c_io io = tsu_c_operands(e, x);
    char w[3 * TSU_ID_MAX], b[3 * TSU_ID_MAX];
    tsu_c_kernel(e, affine_c_kernel);
    tsu_c_printf(e, "    affine(%s, %zu, %s, %s, %d, %s);\n", io.src,
                 tsu_shape_size(tsu_node_shape(x->inputs[0])),
                 tsu_c_tensor(e, x->node, "weight", w, sizeof w),
                 tsu_c_tensor(e, x->node, "bias", b, sizeof b), tsu_node_shape(x->node)->d[0], io.dst);
}

static void affine_pytorch_module(tsu_py_emitter *e, const tsu_node *node)
{
    tsu_py_printf(e, "nn.Linear(%zu, %d, bias=%s)", tsu_shape_size(tsu_input_shape(node, 0)),
                  tsu_param_int(node, AFFINE_OUTMAPS),
                  tsu_node_value(node, AFFINE_WITH_BIAS)->boolean ? "True" : "False");
}

static void affine_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8], arg[TSU_ID_MAX + 32];
    snprintf(arg, sizeof arg, "torch.flatten(%s, 1)", tsu_py_value(node->inputs[0], src, sizeof src));
    tsu_py_call_module(e, node, arg);
}

static const tsu_layer_export affine_export = {
    .onnx = affine_onnx,
    .c = affine_c,
    .pytorch_module = affine_pytorch_module,
    .pytorch = affine_pytorch,
};

const tsu_layer_kind tsu_kind_affine = {
    .name = "Affine",
    .category = "Basic",
    .help = N_("Fully connected layer; flattens all non-batch axes"),
    .id_prefix = "fc",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = affine_params,
    .n_params = TSU_ARRAY_LEN(affine_params),
    .infer = affine_infer,
    .macs = affine_macs,
    .ops = &affine_ops,
    .exports = &affine_export,
    .role = {.traits = TSU_TRAIT_LINEAR, .width_param = "outmaps"},
    .about = {.computes = N_("Multiplies the flattened input by a learned weight matrix and adds a "
                  "bias: each of the `outmaps` outputs is a weighted sum of every input "
                  "value."),
              .why = N_("The basic learned layer: it mixes all features, and the last one gives "
                  "one score per class (10 outputs for 10 classes)."),
              .neighbours = N_("Followed by an activation such as ReLU, since two Affine layers in a row "
                  "equal one; the last one feeds Softmax or a loss.")},
};
