/* pooling.c — MaxPooling, AveragePooling, GlobalAveragePooling.
 * Windows that do not fit at the bottom/right edge are dropped (floor, NNC's
 * ignore_border=true). Average pooling divides by the full window, padding
 * included (NNC's including_pad=true, PyTorch's count_include_pad=True). */
#include "export/layer-export.h"
#include "layers/layer-util.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

enum { POOL_KERNEL, POOL_STRIDE, POOL_PAD, POOL_N_PARAMS };

static const tsu_param_desc pool_params[] = {
    [POOL_KERNEL] = TSU_PARAM_PAIR_DEF("kernel", 2, 2, 1, 1024, N_("Window height and width")),
    [POOL_STRIDE] =
        TSU_PARAM_PAIR_SAME("stride", "kernel", 1, 1024,
                            N_("Step between windows (height, width); defaults to the kernel")),
    [POOL_PAD] = TSU_PARAM_PAIR_DEF("pad", 0, 0, 0, 1024, N_("Padding on each side (height, width)")),
};
TSU_PARAMS_MATCH(pool_params, POOL_N_PARAMS);

static tsu_window pool_window(const tsu_node *node)
{
    return tsu_window_params(node, POOL_KERNEL, POOL_STRIDE, POOL_PAD, -1);
}

static bool pool_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    const tsu_shape *in = tsu_input_shape(node, 0);
    tsu_window win = pool_window(node);
    int out[2];
    if (!tsu_window_output(node, diag, "kernel", &win, &in->d[1], out)) return false;
    node->shape = tsu_shape_3(in->d[0], out[0], out[1]);
    return true;
}

/* Averaging: one multiply-add per window element and output. Max: none. */
static uint64_t average_pool_macs(const tsu_node *node)
{
    const int *k = tsu_param_ints(node, POOL_KERNEL);
    return (uint64_t)tsu_shape_size(&node->shape) * (uint64_t)k[0] * (uint64_t)k[1];
}

static bool global_pool_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    node->shape = tsu_shape_3(tsu_input_shape(node, 0)->d[0], 1, 1);
    return true;
}

/* One multiply-add per input value. */
static uint64_t global_pool_macs(const tsu_node *node)
{
    return tsu_shape_size(tsu_input_shape(node, 0));
}

/* The window of output (oy, ox), clipped to the input. */
typedef struct {
    int channels, height, width, out_h, out_w;
    tsu_window win;
} pool_plan;

static pool_plan pool_plan_of(const tsu_node *node)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    return (pool_plan){.channels = in->d[0], .height = in->d[1], .width = in->d[2],
                       .out_h = node->shape.d[1], .out_w = node->shape.d[2],
                       .win = pool_window(node)};
}

static void clip_window(const pool_plan *p, int oy, int ox, int *y0, int *y1, int *x0, int *x1)
{
    int top = oy * p->win.stride[0] - p->win.pad[0];
    int left = ox * p->win.stride[1] - p->win.pad[1];
    *y0 = top > 0 ? top : 0;
    *x0 = left > 0 ? left : 0;
    *y1 = top + p->win.kernel[0] < p->height ? top + p->win.kernel[0] : p->height;
    *x1 = left + p->win.kernel[1] < p->width ? left + p->win.kernel[1] : p->width;
}

/* Max pooling keeps, per output, the input index it came from (-1 for a
 * window made only of padding), so backward routes the gradient there. */
static size_t max_pool_aux(const tsu_node *node, bool training)
{
    return training ? tsu_shape_size(&node->shape) * sizeof(int32_t) : 0;
}

/* The common 2x2 stride-2 unpadded case, branch-free. Ties keep the first
 * value in scan order, like the general loop. Without `from` (nets made for
 * inference only keep no indices), only the maxima. */
static inline __attribute__((always_inline)) void
max_pool_2x2_impl(const pool_plan *p, const float *restrict x, float *restrict y,
                  int32_t *restrict from, bool indices)
{
    const int width = p->width, plane = p->height * width;
    for (int c = 0; c < p->channels; c++)
        for (int oy = 0; oy < p->out_h; oy++) {
            const int base = c * plane + 2 * oy * width;
            const float *r0 = x + base, *r1 = r0 + width;
            for (int ox = 0; ox < p->out_w; ox++) {
                float a = r0[2 * ox], b = r0[2 * ox + 1], l = r1[2 * ox], r = r1[2 * ox + 1];
                float top = b > a ? b : a, bottom = r > l ? r : l;
                y[ox] = bottom > top ? bottom : top;
                if (!indices) continue;
                int at = base + 2 * ox;
                int top_at = b > a ? at + 1 : at, bottom_at = r > l ? at + width + 1 : at + width;
                from[ox] = bottom > top ? bottom_at : top_at;
            }
            y += p->out_w;
            if (indices) from += p->out_w;
        }
}

static void max_pool_2x2(const pool_plan *p, const float *x, float *y, int32_t *from)
{
    if (from)
        max_pool_2x2_impl(p, x, y, from, true);
    else
        max_pool_2x2_impl(p, x, y, NULL, false);
}

static bool is_2x2_stride_2(const pool_plan *p)
{
    const tsu_window *w = &p->win;
    return w->kernel[0] == 2 && w->kernel[1] == 2 && w->stride[0] == 2 && w->stride[1] == 2 &&
           w->pad[0] == 0 && w->pad[1] == 0;
}

static void max_pool_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const pool_plan p = pool_plan_of(run->node);
    const int plane = p.height * p.width;
    if (is_2x2_stride_2(&p)) {
        for (int s = ex->n0; s < ex->n1; s++)
            max_pool_2x2(&p, run->in[0] + (size_t)s * run->in_size[0],
                         run->out + (size_t)s * run->out_size,
                         run->aux ? (int32_t *)(run->aux + (size_t)s * run->aux_bytes) : NULL);
        return;
    }
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        float *y = run->out + (size_t)s * run->out_size;
        int32_t *from = run->aux ? (int32_t *)(run->aux + (size_t)s * run->aux_bytes) : NULL;
        for (int c = 0; c < p.channels; c++)
            for (int oy = 0; oy < p.out_h; oy++)
                for (int ox = 0; ox < p.out_w; ox++, y++) {
                    int y0, y1, x0, x1, best_at = -1;
                    clip_window(&p, oy, ox, &y0, &y1, &x0, &x1);
                    float best = -INFINITY;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) {
                            int at = c * plane + iy * p.width + ix;
                            if (x[at] > best || best_at < 0) best = x[at], best_at = at;
                        }
                    *y = best_at < 0 ? 0.0f : best;
                    if (from) *from++ = best_at;
                }
    }
}

/* 2x2 stride 2 over an input of even size, storing: every input value
 * belongs to exactly one window, so each window's four gradients are written
 * in one go (the winner's dy, zeros elsewhere), with no clearing pass and no
 * scattered adds. */
static void max_pool_2x2_backward_set(const pool_plan *p, const float *restrict dy,
                                      const int32_t *restrict from, float *restrict dx)
{
    const int width = p->width, plane = p->height * width;
    for (int c = 0; c < p->channels; c++)
        for (int oy = 0; oy < p->out_h; oy++) {
            const int base = c * plane + 2 * oy * width;
            float *r0 = dx + base, *r1 = r0 + width;
            for (int ox = 0; ox < p->out_w; ox++) {
                const int at = base + 2 * ox, f = from[ox];
                const float g = dy[ox];
                r0[2 * ox] = f == at ? g : 0.0f;
                r0[2 * ox + 1] = f == at + 1 ? g : 0.0f;
                r1[2 * ox] = f == at + width ? g : 0.0f;
                r1[2 * ox + 1] = f == at + width + 1 ? g : 0.0f;
            }
            dy += p->out_w;
            from += p->out_w;
        }
}

static void max_pool_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    if (!run->din[0]) return;
    const pool_plan p = pool_plan_of(run->node);
    const bool direct = !run->din_accumulate[0] && is_2x2_stride_2(&p) && p.height % 2 == 0 &&
                        p.width % 2 == 0;
    for (int s = ex->n0; s < ex->n1; s++) {
        float *dx = run->din[0] + (size_t)s * run->in_size[0];
        const float *dy = run->dout + (size_t)s * run->out_size;
        const int32_t *from = (const int32_t *)(run->aux + (size_t)s * run->aux_bytes);
        if (direct) {
            max_pool_2x2_backward_set(&p, dy, from, dx);
            continue;
        }
        if (!run->din_accumulate[0]) memset(dx, 0, run->in_size[0] * sizeof *dx);
        for (size_t i = 0; i < run->out_size; i++)
            if (from[i] >= 0) dx[from[i]] += dy[i];
    }
}

static void average_pool_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const pool_plan p = pool_plan_of(run->node);
    const int plane = p.height * p.width;
    const float scale = 1.0f / (float)(p.win.kernel[0] * p.win.kernel[1]);
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        float *y = run->out + (size_t)s * run->out_size;
        for (int c = 0; c < p.channels; c++)
            for (int oy = 0; oy < p.out_h; oy++)
                for (int ox = 0; ox < p.out_w; ox++, y++) {
                    int y0, y1, x0, x1;
                    clip_window(&p, oy, ox, &y0, &y1, &x0, &x1);
                    float sum = 0.0f;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) sum += x[c * plane + iy * p.width + ix];
                    *y = sum * scale;
                }
    }
}

static void average_pool_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    if (!run->din[0]) return;
    const pool_plan p = pool_plan_of(run->node);
    const int plane = p.height * p.width;
    const float scale = 1.0f / (float)(p.win.kernel[0] * p.win.kernel[1]);
    for (int s = ex->n0; s < ex->n1; s++) {
        float *dx = run->din[0] + (size_t)s * run->in_size[0];
        const float *dy = run->dout + (size_t)s * run->out_size;
        if (!run->din_accumulate[0]) memset(dx, 0, run->in_size[0] * sizeof *dx);
        for (int c = 0; c < p.channels; c++)
            for (int oy = 0; oy < p.out_h; oy++)
                for (int ox = 0; ox < p.out_w; ox++, dy++) {
                    int y0, y1, x0, x1;
                    clip_window(&p, oy, ox, &y0, &y1, &x0, &x1);
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++)
                            dx[c * plane + iy * p.width + ix] += *dy * scale;
                }
    }
}

static void global_pool_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    const size_t channels = run->out_size, plane = run->in_size[0] / channels;
    for (int s = ex->n0; s < ex->n1; s++) {
        const float *x = run->in[0] + (size_t)s * run->in_size[0];
        float *y = run->out + (size_t)s * channels;
        for (size_t c = 0; c < channels; c++) {
            float sum = 0.0f;
            for (size_t j = 0; j < plane; j++) sum += x[c * plane + j];
            y[c] = sum / (float)plane;
        }
    }
}

static void global_pool_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    if (!run->din[0]) return;
    const size_t channels = run->out_size, plane = run->in_size[0] / channels;
    const bool acc = run->din_accumulate[0];
    for (int s = ex->n0; s < ex->n1; s++) {
        float *dx = run->din[0] + (size_t)s * run->in_size[0];
        const float *dy = run->dout + (size_t)s * channels;
        /* The flag and the division hoisted out of the plane's loop, so it
         * vectorises (a test and a divide per value were 0.7% of the ResNet
         * example's training, perf); the same quotient either way. */
        for (size_t c = 0; c < channels; c++) {
            const float g = dy[c] / (float)plane;
            float *restrict d = dx + c * plane;
            if (acc)
                for (size_t j = 0; j < plane; j++) d[j] += g;
            else
                for (size_t j = 0; j < plane; j++) d[j] = g;
        }
    }
}

static const tsu_layer_ops max_pool_ops = {
    .aux_bytes = max_pool_aux,
    .forward = max_pool_forward,
    .backward = max_pool_backward,
};
static const tsu_layer_ops average_pool_ops = {
    .forward = average_pool_forward,
    .backward = average_pool_backward,
};
static const tsu_layer_ops global_pool_ops = {
    .forward = global_pool_forward,
    .backward = global_pool_backward,
};

/* ------------------------------------------------------------- exports */

static bool max_pool_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    tsu_onnx_attr_window(e, tsu_onnx_node_add(e, "MaxPool", id, 1, &in, id),
                         tsu_param_ints(x->node, POOL_KERNEL), tsu_param_ints(x->node, POOL_STRIDE),
                         tsu_param_ints(x->node, POOL_PAD));
    return true;
}

/* OpenCV 4.6 ignores count_include_pad and leaves padding out of the mean;
 * an explicit zero Pad first means the same to every reader. */
static bool average_pool_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    const int *pad = tsu_param_ints(x->node, POOL_PAD);
    if (pad[0] || pad[1]) {
        char *pads_name = tsu_onnx_name(e, "%s/pads", id), *padded = tsu_onnx_name(e, "%s/pad", id);
        int64_t pads[8] = {0, 0, pad[0], pad[1], 0, 0, pad[0], pad[1]};
        tsu_onnx_int64s(e, pads_name, 8, pads);
        const char *args[2] = {in, pads_name};
        tsu_onnx_node_add(e, "Pad", padded, 2, args, padded);
        in = padded;
    }
    tsu_onnx_attr_window(e, tsu_onnx_node_add(e, "AveragePool", id, 1, &in, id),
                         tsu_param_ints(x->node, POOL_KERNEL), tsu_param_ints(x->node, POOL_STRIDE),
                         NULL);
    return true;
}

static const char max_pool_c_kernel[] =
    "/* Padding never wins a max: out-of-range taps are skipped (a window of\n"
    " * padding only gives 0). */\n"
    "static void maxpool2d(const float *x, int c, int h, int w, int kh, int kw, int sh, int sw,\n"
    "                      int ph, int pw, float *y, int oh, int ow)\n"
    "{\n"
    "    for (int ch = 0; ch < c; ch++)\n"
    "        for (int oy = 0; oy < oh; oy++)\n"
    "            for (int ox = 0; ox < ow; ox++) {\n"
    "                float m = 0.0f;\n"
    "                int any = 0;\n"
    "                for (int ky = 0; ky < kh; ky++) {\n"
    "                    int iy = oy * sh - ph + ky;\n"
    "                    if (iy < 0 || iy >= h) continue;\n"
    "                    for (int kx = 0; kx < kw; kx++) {\n"
    "                        int ix = ox * sw - pw + kx;\n"
    "                        if (ix < 0 || ix >= w) continue;\n"
    "                        float v = x[((long)ch * h + iy) * w + ix];\n"
    "                        if (!any || v > m) m = v;\n"
    "                        any = 1;\n"
    "                    }\n"
    "                }\n"
    "                y[((long)ch * oh + oy) * ow + ox] = m;\n"
    "            }\n"
    "}\n\n";

static const char average_pool_c_kernel[] =
    "/* Padding counts as zeros: the sum is divided by the whole window. */\n"
    "static void avgpool2d(const float *x, int c, int h, int w, int kh, int kw, int sh, int sw,\n"
    "                      int ph, int pw, float *y, int oh, int ow)\n"
    "{\n"
    "    for (int ch = 0; ch < c; ch++)\n"
    "        for (int oy = 0; oy < oh; oy++)\n"
    "            for (int ox = 0; ox < ow; ox++) {\n"
    "                float s = 0.0f;\n"
    "                for (int ky = 0; ky < kh; ky++) {\n"
    "                    int iy = oy * sh - ph + ky;\n"
    "                    if (iy < 0 || iy >= h) continue;\n"
    "                    for (int kx = 0; kx < kw; kx++) {\n"
    "                        int ix = ox * sw - pw + kx;\n"
    "                        if (ix < 0 || ix >= w) continue;\n"
    "                        s += x[((long)ch * h + iy) * w + ix];\n"
    "                    }\n"
    "                }\n"
    "                y[((long)ch * oh + oy) * ow + ox] = s / (float)(kh * kw);\n"
    "            }\n"
    "}\n\n";

static void pool_c(tsu_c_emitter *e, const tsu_xnode *x, const char *kernel, const char *fn)
{
    const tsu_shape *s = tsu_node_shape(x->node), *in = tsu_node_shape(x->inputs[0]);
    const int *k = tsu_param_ints(x->node, POOL_KERNEL), *st = tsu_param_ints(x->node, POOL_STRIDE);
    const int *p = tsu_param_ints(x->node, POOL_PAD);
    const tsu_c_io io = tsu_c_operands(e, x);
    tsu_c_kernel(e, kernel);
    tsu_c_printf(e, "    %s(%s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %d, %d);\n", fn, io.src,
                 in->d[0], in->d[1], in->d[2], k[0], k[1], st[0], st[1], p[0], p[1], io.dst, s->d[1],
                 s->d[2]);
}

static void max_pool_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    pool_c(e, x, max_pool_c_kernel, "maxpool2d");
}

static void average_pool_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    pool_c(e, x, average_pool_c_kernel, "avgpool2d");
}

/* PyTorch limits padding to half the kernel; beyond that the padding is
 * made explicit (zeros for average, -inf for max). */
static void pool_pytorch(tsu_py_emitter *e, const tsu_node *node, bool max)
{
    const int *k = tsu_param_ints(node, POOL_KERNEL), *s = tsu_param_ints(node, POOL_STRIDE);
    const int *p = tsu_param_ints(node, POOL_PAD);
    const char *fn = max ? "F.max_pool2d" : "F.avg_pool2d";
    char src[TSU_ID_MAX + 8];
    tsu_py_value(node->inputs[0], src, sizeof src);
    if (2 * p[0] <= k[0] && 2 * p[1] <= k[1]) {
        tsu_py_printf(e, "%s(%s, (%d, %d), (%d, %d), (%d, %d)%s)", fn, src, k[0], k[1], s[0], s[1],
                      p[0], p[1], max ? "" : ", count_include_pad=True");
        return;
    }
    if (max) tsu_py_need_math(e);
    tsu_py_printf(e, "%s(F.pad(%s, (%d, %d, %d, %d), value=%s), (%d, %d), (%d, %d))", fn, src, p[1],
                  p[1], p[0], p[0], max ? "-math.inf" : "0.0", k[0], k[1], s[0], s[1]);
}

static void max_pool_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    pool_pytorch(e, node, true);
}

static void average_pool_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    pool_pytorch(e, node, false);
}

static bool global_pool_onnx(tsu_onnx_emitter *e, const tsu_xnode *x)
{
    const char *in = tsu_node_id(x->inputs[0]), *id = tsu_node_id(x->node);
    tsu_onnx_node_add(e, "GlobalAveragePool", id, 1, &in, id);
    return true;
}

static const char global_pool_c_kernel[] =
    "static void global_avgpool(const float *x, int c, long n, float *y)\n"
    "{\n"
    "    for (int ch = 0; ch < c; ch++) {\n"
    "        float s = 0.0f;\n"
    "        for (long i = 0; i < n; i++) s += x[ch * n + i];\n"
    "        y[ch] = s / (float)n;\n"
    "    }\n"
    "}\n\n";

static void global_pool_c(tsu_c_emitter *e, const tsu_xnode *x)
{
    const tsu_shape *in = tsu_node_shape(x->inputs[0]);
    const tsu_c_io io = tsu_c_operands(e, x);
    tsu_c_kernel(e, global_pool_c_kernel);
    tsu_c_printf(e, "    global_avgpool(%s, %d, %zu, %s);\n", io.src, in->d[0],
                 tsu_channel_size(in), io.dst);
}

static void global_pool_pytorch(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8];
    tsu_py_printf(e, "%s.mean(dim=(2, 3), keepdim=True)",
                  tsu_py_value(node->inputs[0], src, sizeof src));
}

static const tsu_layer_export max_pool_export = {
    .onnx = max_pool_onnx, .c = max_pool_c, .pytorch = max_pool_pytorch,
};
static const tsu_layer_export average_pool_export = {
    .onnx = average_pool_onnx, .c = average_pool_c, .pytorch = average_pool_pytorch,
};
static const tsu_layer_export global_pool_export = {
    .onnx = global_pool_onnx, .c = global_pool_c, .pytorch = global_pool_pytorch,
};

const tsu_layer_kind tsu_kind_max_pooling = {
    .name = "MaxPooling",
    .category = "Pooling",
    .help = N_("Largest value of each window"),
    .id_prefix = "pool",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = pool_params,
    .n_params = TSU_ARRAY_LEN(pool_params),
    .infer = pool_infer,
    .macs = tsu_macs_none,
    .ops = &max_pool_ops,
    .exports = &max_pool_export,
    .role = {.traits = TSU_TRAIT_NONLINEAR},
    .about = {.computes = N_("Keeps the largest value of each `kernel` window; a 2x2 window with "
                  "stride 2 halves the height and width."),
              .why = N_("It shrinks the image and the cost of later layers, and tolerates small "
                  "shifts: a feature counts if it appears anywhere in the window."),
              .neighbours = N_("Follows a Convolution and ReLU block; it has no weights.")},
};

const tsu_layer_kind tsu_kind_average_pooling = {
    .name = "AveragePooling",
    .category = "Pooling",
    .help = N_("Mean of each window (padding counts as zeros)"),
    .id_prefix = "avgpool",
    .min_inputs = 1,
    .max_inputs = 1,
    .params = pool_params,
    .n_params = TSU_ARRAY_LEN(pool_params),
    .infer = pool_infer,
    .macs = average_pool_macs,
    .ops = &average_pool_ops,
    .exports = &average_pool_export,
    .about = {.computes = N_("Replaces each window by the mean of its values."),
              .why = N_("Shrinks the image more smoothly than MaxPooling, keeping information "
                  "from every value."),
              .neighbours = N_("Follows a Convolution block; it has no weights.")},
};

const tsu_layer_kind tsu_kind_global_average_pooling = {
    .name = "GlobalAveragePooling",
    .category = "Pooling",
    .help = N_("Mean of each channel: [C, H, W] to [C, 1, 1]"),
    .id_prefix = "gap",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = global_pool_infer,
    .macs = global_pool_macs,
    .ops = &global_pool_ops,
    .exports = &global_pool_export,
    .about = {.computes = N_("Averages each channel over the whole image, turning [C, H, W] into one "
                  "value per channel."),
              .why = N_("Replaces a large Flatten and Affine at the end of a convolutional "
                  "network with no weights at all."),
              .neighbours = N_("After the last Convolution block, before the final Affine.")},
};
