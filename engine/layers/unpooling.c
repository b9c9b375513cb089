/* unpooling.c — Unpooling: nearest-neighbour upsampling, each pixel
 * repeated over a kernel-sized block (NNC's Unpooling). */
#include "export/layer-export.h"
#include "layers/layer-util.h"

enum { UNPOOL_KERNEL, UNPOOL_N_PARAMS };

static const tsu_param_desc unpool_params[] = {
    [UNPOOL_KERNEL] = TSU_PARAM_PAIR_DEF("kernel", 2, 2, 1, 1024,
                                         N_("Times each pixel repeats down and across")),
};
TSU_PARAMS_MATCH(unpool_params, UNPOOL_N_PARAMS);

static bool unpool_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    const int *k = tsu_param_ints(node, UNPOOL_KERNEL);
    size_t h = (size_t)in->d[1] * (size_t)k[0], w = (size_t)in->d[2] * (size_t)k[1];
    if (h > TSU_DIM_MAX || w > TSU_DIM_MAX) {
        char text[96];
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "kernel",
                             _("kernel %dx%d makes %s %zux%zu, larger than %d"), k[0], k[1],
                             tsu_shape_text(in, text, sizeof text), h, w, TSU_DIM_MAX);
    }
    node->shape = tsu_shape_3(in->d[0], (int)h, (int)w);
    return true;
}

/* Output row r of a plane reads input row r / kh; a row is built once and
 * copied kh times. */
static void unpool_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const tsu_shape *in = tsu_input_shape(run->node, 0);
    const int *k = tsu_param_ints(run->node, UNPOOL_KERNEL);
    const int planes = in->d[0], h = in->d[1], w = in->d[2], ow = w * k[1];
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        float *y = run->out + (size_t)s * run->out_size;
        for (int p = 0; p < planes * h; p++, x += w) {
            float *row = y + (size_t)p * k[0] * ow;
            for (int j = 0; j < ow; j++) row[j] = x[j / k[1]];
            for (int r = 1; r < k[0]; r++)
                for (int j = 0; j < ow; j++) row[(size_t)r * ow + j] = row[j];
        }
    }
}

/* Each input pixel gets the sum of the gradients of its block. */
static void unpool_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    if (!run->din[0]) return;
    const tsu_shape *in = tsu_input_shape(run->node, 0);
    const int *k = tsu_param_ints(run->node, UNPOOL_KERNEL);
    const int planes = in->d[0], h = in->d[1], w = in->d[2], ow = w * k[1];
    const bool acc = run->din_accumulate[0];
    for (int s = ex->n0; s < ex->n1; s++) {
        float *dx = run->din[0] + (size_t)s * run->in_size[0];
        const float *dy = run->dout + (size_t)s * run->out_size;
        for (int p = 0; p < planes * h; p++, dx += w) {
            const float *rows = dy + (size_t)p * k[0] * ow;
            for (int j = 0; j < w; j++) {
                float sum = 0.0f;
                for (int r = 0; r < k[0]; r++)
                    for (int c = 0; c < k[1]; c++) sum += rows[(size_t)r * ow + j * k[1] + c];
                tsu_put(&dx[j], sum, acc);
            }
        }
    }
}

static const tsu_layer_ops unpool_ops = {.forward = unpool_forward, .backward = unpool_backward};

/* ------------------------------------------------------------- exports */

/* Resize nearest with scales [1, 1, kh, kw] and no roi. With the
 * default half_pixel coordinates and round_prefer_floor, output pixel
 * q k + r maps to q + (r + 0.5) / k - 0.5, within 0.5 of q: the block copy. */
static bool unpool_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *id = tsu_node_id(x->node);
    const int *k = tsu_param_ints(x->node, UNPOOL_KERNEL);
    const float scales[4] = {1.0f, 1.0f, (float)k[0], (float)k[1]};
    const char *args[3] = {tsu_node_id(x->inputs[0]), "", tsu_onnx_name(e, "%s/scales", id)};
    tsu_onnx_floats(e, args[2], 4, scales);
    /* OpenCV 4.6 requires the mode that is ONNX's default. */
    tsu_onnx_attr_string(e, tsu_onnx_node_add(e, "Resize", id, 3, args, id), "mode", "nearest");
    return true;
}

static const char unpool_c_kernel[] =
    "/* Each pixel of c planes h x w repeated over a kh x kw block. */\n"
    "static void unpool(const float *x, int c, int h, int w, int kh, int kw, float *y)\n"
    "{\n"
    "    for (long p = 0; p < (long)c * h; p++)\n"
    "        for (int r = 0; r < kh; r++)\n"
    "            for (int j = 0; j < w * kw; j++)\n"
    "                y[(p * kh + r) * w * kw + j] = x[p * w + j / kw];\n"
    "}\n\n";

static void unpool_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_c_io io = tsu_c_operands(e, x);
    const tsu_shape *in = tsu_node_shape(x->inputs[0]);
    const int *k = tsu_param_ints(x->node, UNPOOL_KERNEL);
    tsu_c_kernel(e, unpool_c_kernel);
    tsu_c_printf(e, "    unpool(%s, %d, %d, %d, %d, %d, %s);\n", io.src, in->d[0], in->d[1],
                 in->d[2], k[0], k[1], io.dst);
}

/* repeat_interleave copies exactly; interpolate's float scale may not. */
static void unpool_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8];
    const int *k = tsu_param_ints(node, UNPOOL_KERNEL);
    tsu_py_printf(e, "%s.repeat_interleave(%d, dim=2).repeat_interleave(%d, dim=3)",
                  tsu_py_value(node->inputs[0], src, sizeof src), k[0], k[1]);
}

static const tsu_layer_export unpool_export = {
    .onnx = unpool_onnx, .c = unpool_c, .pytorch = unpool_pytorch};

const tsu_layer_kind tsu_kind_unpooling = {
    .name = "Unpooling",
    .category = "Pooling",
    .help = N_("Nearest-neighbour upsampling: each pixel repeated over a kernel-sized block"),
    .id_prefix = "unpool",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = unpool_params,
    .n_params = UNPOOL_N_PARAMS,
    .infer = unpool_infer,
    .macs = tsu_macs_none,
    .ops = &unpool_ops,
    .exports = &unpool_export,
    .about = {.computes = N_("Repeats each value over a `kernel`-sized block, enlarging the image "
                  "without weights."),
              .why = N_("The simplest upsampling in a decoder; a following Convolution smooths "
                  "the blocks."),
              .neighbours = N_("Followed by Convolution; the mirror of a MaxPooling earlier in the "
                  "network.")},
};
