/* toy-layer.c — a layer kind written the way docs/architecture.md
 * ("Adding a layer kind") describes, kept outside the engine: only test
 * programs link it, and the registry finds it through
 * tsu_layer_registry_extra (engine/layers/registry.c).
 *
 * Square: y = gain * x * x, element-wise. It has a parameter, a forward and
 * a backward pass, and writes itself to ONNX, C and PyTorch. Echo (a copy)
 * has no exporters, so tests can check the message a user sees. */
#include "export/layer-export.h"
#include "layers/layer-util.h"

/* Parameters: the index enum ends with its count, and the table is indexed
 * by it; TSU_PARAMS_MATCH fails the build when they drift apart. */
enum { SQUARE_GAIN, SQUARE_N_PARAMS };

static const tsu_param_desc square_params[] = {
    [SQUARE_GAIN] = TSU_PARAM_FLOAT_DEF("gain", 1.0, -1e6, 1e6, "Factor applied to x squared"),
};
TSU_PARAMS_MATCH(square_params, SQUARE_N_PARAMS);

static float square_gain(const tsu_node *node)
{
    return (float)tsu_node_value(node, SQUARE_GAIN)->number;
}

/* ---------------------------------------------------------------- runtime */

static void square_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const float gain = square_gain(run->node);
    const float *x = run->in[0];
    size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
    for (size_t i = a; i < b; i++) run->out[i] = gain * x[i] * x[i];
}

/* dy/dx = 2 gain x; din_accumulate when another reader wrote first. */
static void square_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    float *dx = run->din[0];
    if (!dx) return;
    const float gain = square_gain(run->node);
    const float *x = run->in[0];
    size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
    for (size_t i = a; i < b; i++)
        tsu_put(&dx[i], 2.0f * gain * x[i] * run->dout[i], run->din_accumulate[0]);
}

static const tsu_layer_ops square_ops = {
    .forward = square_forward,
    .backward = square_backward,
};

/* ---------------------------------------------------------------- exports */

/* ONNX: Mul(x, x), then Mul by the gain as a one-value initializer. The
 * last node writes the value named after the node id. */
static bool square_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *id = tsu_node_id(x->node), *in = tsu_node_id(x->inputs[0]);
    const char *squared = tsu_onnx_name(e, "%s/square", id);
    const char *args[2] = {in, in};
    tsu_onnx_node_add(e, "Mul", squared, 2, args, squared);
    float gain = square_gain(x->node);
    args[0] = squared;
    args[1] = tsu_onnx_name(e, "%s/gain", id);
    tsu_onnx_floats(e, args[1], 1, &gain);
    tsu_onnx_node_add(e, "Mul", id, 2, args, id);
    return true;
}

/* C: one loop; v is the input value. */
static void square_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    char gain[48], expr[96];
    tsu_c_float(square_gain(x->node), gain, sizeof gain);
    snprintf(expr, sizeof expr, "%s * v * v", gain);
    tsu_c_elementwise(e, x, expr);
}

/* PyTorch: the right-hand side of `t_<id> = ...` in forward(). */
static void square_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8], gain[32];
    tsu_py_value(node->inputs[0], src, sizeof src);
    tsu_py_printf(e, "%s * %s * %s", tsu_py_num(square_gain(node), gain, sizeof gain), src, src);
}

static const tsu_layer_export square_export = {
    .onnx = square_onnx,
    .c = square_c,
    .pytorch = square_pytorch,
};

/* ------------------------------------------------------------------- kind */

static const tsu_layer_kind toy_kind_square = {
    .name = "Square",
    .category = "Others",
    .help = "gain * x * x, element-wise (a test kind)",
    .id_prefix = "square",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = square_params,
    .n_params = SQUARE_N_PARAMS,
    .infer = tsu_infer_same_shape,
    .macs = tsu_macs_none,
    .ops = &square_ops,
    .exports = &square_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = "gain * x * x for each value.",
              .why = "A test of the recipe for adding a kind.",
              .neighbours = "Anything."},
};

static const tsu_layer_ops echo_ops = {
    .forward = tsu_copy_forward,
    .backward = tsu_copy_backward,
};

static const tsu_layer_export echo_export = {
    .why_not = "Echo is a test kind that no format knows",
};

static const tsu_layer_kind toy_kind_echo = {
    .name = "Echo",
    .category = "Others",
    .help = "Its input, unchanged (a test kind without exporters)",
    .id_prefix = "echo",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = tsu_infer_same_shape,
    .macs = tsu_macs_none,
    .ops = &echo_ops,
    .exports = &echo_export,
    .about = {.computes = "Its input, unchanged.",
              .why = "A test kind without exporters.",
              .neighbours = "Anything."},
};

/* The one registry line a kind in the engine would add to
 * engine/layers/registry.c; a test program lists its kinds here instead. */
const tsu_layer_kind *const tsu_layer_registry_extra[] = {&toy_kind_square, &toy_kind_echo,
                                                          NULL};
