/* c_source.c — the inference graph as one standalone C99 file and header.
 *
 * For microcontrollers and embedding: no allocation, libm only, weights as
 * static const arrays (they land in flash), and every activation in one
 * static arena whose size is the peak of what is alive at once, not the sum
 * of all layers. Only the kernels the network uses are written, so the file
 * compiles clean under -Wall -Werror. */
#include "export/export-internal.h"

#include <ctype.h>
#include <string.h>

/* The kernels, each written once when first needed. */
enum {
    K_CONV, K_DECONV, K_MAXPOOL, K_AVGPOOL, K_GAP, K_AFFINE, K_BN, K_SOFTMAX, K_CONCAT, K_COUNT
};

static const char *const kernel_text[K_COUNT] = {
    [K_CONV] =
        "/* y[o][oy][ox] = b[o] + sum over the group's channels and taps of x * k. */\n"
        "static void conv2d(const float *x, int c, int h, int w, const float *k, const float *b,\n"
        "                   int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,\n"
        "                   int groups, float *y, int oh, int ow)\n"
        "{\n"
        "    int cg = c / groups, og = o / groups;\n"
        "    for (int oc = 0; oc < o; oc++) {\n"
        "        int g = oc / og;\n"
        "        for (int oy = 0; oy < oh; oy++)\n"
        "            for (int ox = 0; ox < ow; ox++) {\n"
        "                float s = b ? b[oc] : 0.0f;\n"
        "                for (int ic = 0; ic < cg; ic++) {\n"
        "                    const float *xc = x + (long)(g * cg + ic) * h * w;\n"
        "                    const float *kc = k + ((long)oc * cg + ic) * kh * kw;\n"
        "                    for (int ky = 0; ky < kh; ky++) {\n"
        "                        int iy = oy * sh - ph + ky * dh;\n"
        "                        if (iy < 0 || iy >= h) continue;\n"
        "                        for (int kx = 0; kx < kw; kx++) {\n"
        "                            int ix = ox * sw - pw + kx * dw;\n"
        "                            if (ix < 0 || ix >= w) continue;\n"
        "                            s += xc[iy * w + ix] * kc[ky * kw + kx];\n"
        "                        }\n"
        "                    }\n"
        "                }\n"
        "                y[((long)oc * oh + oy) * ow + ox] = s;\n"
        "            }\n"
        "    }\n"
        "}\n\n",
    [K_DECONV] =
        "/* Transposed convolution: every input value spreads over a window of the\n"
        " * output; k is [c, o, kh, kw]; pad crops the output. */\n"
        "static void deconv2d(const float *x, int c, int h, int w, const float *k, const float *b,\n"
        "                     int o, int kh, int kw, int sh, int sw, int ph, int pw, float *y,\n"
        "                     int oh, int ow)\n"
        "{\n"
        "    for (int oc = 0; oc < o; oc++)\n"
        "        for (long i = 0; i < (long)oh * ow; i++) y[oc * (long)oh * ow + i] = b ? b[oc] : 0.0f;\n"
        "    for (int ic = 0; ic < c; ic++)\n"
        "        for (int iy = 0; iy < h; iy++)\n"
        "            for (int ix = 0; ix < w; ix++) {\n"
        "                float v = x[((long)ic * h + iy) * w + ix];\n"
        "                for (int oc = 0; oc < o; oc++) {\n"
        "                    const float *kc = k + ((long)ic * o + oc) * kh * kw;\n"
        "                    for (int ky = 0; ky < kh; ky++) {\n"
        "                        int oy = iy * sh - ph + ky;\n"
        "                        if (oy < 0 || oy >= oh) continue;\n"
        "                        for (int kx = 0; kx < kw; kx++) {\n"
        "                            int ox = ix * sw - pw + kx;\n"
        "                            if (ox < 0 || ox >= ow) continue;\n"
        "                            y[((long)oc * oh + oy) * ow + ox] += v * kc[ky * kw + kx];\n"
        "                        }\n"
        "                    }\n"
        "                }\n"
        "            }\n"
        "}\n\n",
    [K_MAXPOOL] =
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
        "}\n\n",
    [K_AVGPOOL] =
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
        "}\n\n",
    [K_GAP] =
        "static void global_avgpool(const float *x, int c, long n, float *y)\n"
        "{\n"
        "    for (int ch = 0; ch < c; ch++) {\n"
        "        float s = 0.0f;\n"
        "        for (long i = 0; i < n; i++) s += x[ch * n + i];\n"
        "        y[ch] = s / (float)n;\n"
        "    }\n"
        "}\n\n",
    [K_AFFINE] =
        "/* y = W x + b with W [o, n], row-major as PyTorch's Linear. */\n"
        "static void affine(const float *x, long n, const float *wt, const float *b, int o, float *y)\n"
        "{\n"
        "    for (int j = 0; j < o; j++) {\n"
        "        const float *row = wt + (long)j * n;\n"
        "        float s = b ? b[j] : 0.0f;\n"
        "        for (long i = 0; i < n; i++) s += row[i] * x[i];\n"
        "        y[j] = s;\n"
        "    }\n"
        "}\n\n",
    [K_BN] =
        "/* Inference form: running statistics instead of batch statistics. */\n"
        "static void batchnorm(const float *x, int c, long n, const float *gamma, const float *beta,\n"
        "                      const float *mean, const float *var, float eps, float *y)\n"
        "{\n"
        "    for (int ch = 0; ch < c; ch++) {\n"
        "        float scale = gamma[ch] / sqrtf(var[ch] + eps);\n"
        "        for (long i = 0; i < n; i++)\n"
        "            y[ch * n + i] = (x[ch * n + i] - mean[ch]) * scale + beta[ch];\n"
        "    }\n"
        "}\n\n",
    [K_SOFTMAX] =
        "/* Over the channels (axis 0), separately at each of the n positions. */\n"
        "static void softmax(const float *x, int c, long n, float *y)\n"
        "{\n"
        "    for (long i = 0; i < n; i++) {\n"
        "        float m = x[i], s = 0.0f;\n"
        "        for (int ch = 1; ch < c; ch++)\n"
        "            if (x[ch * n + i] > m) m = x[ch * n + i];\n"
        "        for (int ch = 0; ch < c; ch++) s += y[ch * n + i] = expf(x[ch * n + i] - m);\n"
        "        for (int ch = 0; ch < c; ch++) y[ch * n + i] /= s;\n"
        "    }\n"
        "}\n\n",
    [K_CONCAT] =
        "/* Appends `inner` values from each of `outer` blocks of x to y, whose\n"
        " * blocks hold `stride` values; returns y advanced past them. */\n"
        "static float *concat_part(const float *x, long outer, long inner, long stride, float *y)\n"
        "{\n"
        "    for (long i = 0; i < outer; i++)\n"
        "        for (long j = 0; j < inner; j++) y[i * stride + j] = x[i * inner + j];\n"
        "    return y + inner;\n"
        "}\n\n",
};

typedef struct {
    const tsu_xplan *plan;
    tsu_net *net;
    const char *name;
    long *offset;      /* per plan node: arena offset, -1 for inputs */
    long *in_offset;   /* per plan node: offset in `input` for Input nodes */
    long arena;        /* floats */
} c_ctx;

/* Places each layer's output in the arena: first fit among the blocks still
 * alive (their last reader comes at or after this layer). */
static void plan_arena(c_ctx *c)
{
    const tsu_xplan *p = c->plan;
    long input_pos = 0;
    for (int i = 0; i < p->n_nodes; i++) {
        const tsu_node *node = p->nodes[i].node;
        long size = (long)tsu_shape_size(tsu_node_shape(node));
        c->offset[i] = -1;
        if (tsu_layer_kind_is_input(tsu_node_kind(node))) {
            c->in_offset[i] = input_pos;
            input_pos += size;
            continue;
        }
        long at = 0;
        for (bool moved = true; moved;) {
            moved = false;
            for (int j = 0; j < i; j++) {
                if (c->offset[j] < 0 || p->last_use[j] < i) continue;
                long js = (long)tsu_shape_size(tsu_node_shape(p->nodes[j].node));
                if (at < c->offset[j] + js && c->offset[j] < at + size) {
                    at = c->offset[j] + js;
                    moved = true;
                }
            }
        }
        c->offset[i] = at;
        if (at + size > c->arena) c->arena = at + size;
    }
}

/* The C expression for a node's values: the arena or the caller's input. */
static void value_expr(const c_ctx *c, const tsu_node *node, char *buf, size_t size)
{
    int i = tsu_xplan_index(c->plan, node);
    tsu_assert(i >= 0);
    if (c->offset[i] < 0) snprintf(buf, size, "input + %ld", c->in_offset[i]);
    else snprintf(buf, size, "arena + %ld", c->offset[i]);
}

/* A float literal that reads back to the same float. */
static void float_literal(float v, char *buf, size_t size)
{
    snprintf(buf, size, "%.9g", (double)v);
    if (!strpbrk(buf, ".en")) strncat(buf, ".0", size - strlen(buf) - 1);
    strncat(buf, "f", size - strlen(buf) - 1);
}

static void weight_name(const char *tensor, char *buf, size_t size)
{
    snprintf(buf, size, "w_%s", tensor);
    for (char *p = buf; *p; p++)
        if (*p == '.') *p = '_';
}

static void emit_weights(c_ctx *c, tsu_xbuf *out)
{
    for (int i = 0; i < c->plan->n_nodes; i++) {
        const tsu_node *node = c->plan->nodes[i].node;
        for (int k = 0; k < tsu_node_tensor_count(node); k++) {
            const tsu_net_tensor *t = tsu_x_tensor(c->net, node, tsu_node_tensor(node, k)->name, NULL);
            char name[3 * TSU_ID_MAX], shape[96];
            weight_name(t->name, name, sizeof name);
            tsu_shape_format_list(&t->shape, shape, sizeof shape);
            tsu_xbuf_printf(out, "/* %s %s */\nstatic const float %s[%zu] = {", t->name, shape,
                            name, t->size);
            for (size_t j = 0; j < t->size; j++) {
                char lit[48];
                float_literal(t->data[j], lit, sizeof lit);
                tsu_xbuf_printf(out, "%s%s%s", j % 8 ? " " : "\n    ", lit,
                                j + 1 < t->size ? "," : "");
            }
            tsu_xbuf_puts(out, "\n};\n\n");
        }
    }
}

/* The name of a node's tensor array, or "0" (a null pointer) when absent. */
static const char *tensor_arg(c_ctx *c, const tsu_node *node, const char *suffix, char *buf,
                              size_t size)
{
    char full[2 * TSU_ID_MAX + 16];
    snprintf(full, sizeof full, "%s.%s", tsu_node_id(node), suffix);
    if (!tsu_net_tensor_find(c->net, full)) return "0";
    weight_name(full, buf, size);
    return buf;
}

static void emit_call(c_ctx *c, const tsu_xnode *x, bool *used, tsu_xbuf *out)
{
    const tsu_node *node = x->node;
    const tsu_shape *s = tsu_node_shape(node);
    const tsu_shape *in = x->n_inputs ? tsu_node_shape(x->inputs[0]) : NULL;
    char src[64] = "", dst[64], w[3 * TSU_ID_MAX], b[3 * TSU_ID_MAX];
    if (x->n_inputs) value_expr(c, x->inputs[0], src, sizeof src);
    value_expr(c, node, dst, sizeof dst);
    long n = (long)tsu_shape_size(s);
    long spatial = s->ndim > 1 ? n / s->d[0] : 1;
    char type_id[2 * TSU_ID_MAX + 8];
    snprintf(type_id, sizeof type_id, "%s %s", tsu_node_type(node), tsu_node_id(node));
    tsu_xbuf_printf(out, "    /* %s */\n", type_id);

    if (tsu_x_is(node, "Convolution")) {
        const int *k = tsu_x_ints(node, "kernel"), *st = tsu_x_ints(node, "stride");
        const int *p = tsu_x_ints(node, "pad"), *d = tsu_x_ints(node, "dilation");
        used[K_CONV] = true;
        tsu_xbuf_printf(out,
                        "    conv2d(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, "
                        "%d, %s, %d, %d);\n",
                        src, in->d[0], in->d[1], in->d[2], tensor_arg(c, node, "weight", w, sizeof w),
                        tensor_arg(c, node, "bias", b, sizeof b), s->d[0], k[0], k[1], st[0], st[1],
                        p[0], p[1], d[0], d[1], tsu_x_int(node, "group"), dst, s->d[1], s->d[2]);
    } else if (tsu_x_is(node, "Deconvolution")) {
        const int *k = tsu_x_ints(node, "kernel"), *st = tsu_x_ints(node, "stride");
        const int *p = tsu_x_ints(node, "pad");
        used[K_DECONV] = true;
        tsu_xbuf_printf(out,
                        "    deconv2d(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %s, %d, "
                        "%d);\n",
                        src, in->d[0], in->d[1], in->d[2], tensor_arg(c, node, "weight", w, sizeof w),
                        tensor_arg(c, node, "bias", b, sizeof b), s->d[0], k[0], k[1], st[0], st[1],
                        p[0], p[1], dst, s->d[1], s->d[2]);
    } else if (tsu_x_is(node, "MaxPooling") || tsu_x_is(node, "AveragePooling")) {
        bool max = tsu_x_is(node, "MaxPooling");
        const int *k = tsu_x_ints(node, "kernel"), *st = tsu_x_ints(node, "stride");
        const int *p = tsu_x_ints(node, "pad");
        used[max ? K_MAXPOOL : K_AVGPOOL] = true;
        tsu_xbuf_printf(out, "    %s(%s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %d, %d);\n",
                        max ? "maxpool2d" : "avgpool2d", src, in->d[0], in->d[1], in->d[2], k[0],
                        k[1], st[0], st[1], p[0], p[1], dst, s->d[1], s->d[2]);
    } else if (tsu_x_is(node, "GlobalAveragePooling")) {
        used[K_GAP] = true;
        tsu_xbuf_printf(out, "    global_avgpool(%s, %d, %ld, %s);\n", src, in->d[0],
                        (long)(tsu_shape_size(in) / (size_t)in->d[0]), dst);
    } else if (tsu_x_is(node, "Affine")) {
        used[K_AFFINE] = true;
        tsu_xbuf_printf(out, "    affine(%s, %zu, %s, %s, %d, %s);\n", src, tsu_shape_size(in),
                        tensor_arg(c, node, "weight", w, sizeof w),
                        tensor_arg(c, node, "bias", b, sizeof b), s->d[0], dst);
    } else if (tsu_x_is(node, "BatchNormalization")) {
        char m[3 * TSU_ID_MAX], v[3 * TSU_ID_MAX], eps[48];
        float_literal((float)tsu_x_float(node, "eps"), eps, sizeof eps);
        used[K_BN] = true;
        tsu_xbuf_printf(out, "    batchnorm(%s, %d, %ld, %s, %s, %s, %s, %s, %s);\n", src, s->d[0],
                        spatial, tensor_arg(c, node, "weight", w, sizeof w),
                        tensor_arg(c, node, "bias", b, sizeof b),
                        tensor_arg(c, node, "running_mean", m, sizeof m),
                        tensor_arg(c, node, "running_var", v, sizeof v), eps, dst);
    } else if (tsu_x_is(node, "Softmax")) {
        used[K_SOFTMAX] = true;
        tsu_xbuf_printf(out, "    softmax(%s, %d, %ld, %s);\n", src, s->d[0], spatial, dst);
    } else if (tsu_x_is(node, "Concatenate")) {
        int axis = tsu_x_int(node, "axis");
        long outer = 1, stride = 1;
        for (int d = 0; d < axis; d++) outer *= s->d[d];
        for (int d = axis; d < s->ndim; d++) stride *= s->d[d];
        used[K_CONCAT] = true;
        tsu_xbuf_printf(out, "    {\n        float *y = %s;\n", dst);
        for (int i = 0; i < x->n_inputs; i++) {
            char part[64];
            value_expr(c, x->inputs[i], part, sizeof part);
            long inner = (long)tsu_shape_size(tsu_node_shape(x->inputs[i])) / outer;
            tsu_xbuf_printf(out, "        y = concat_part(%s, %ld, %ld, %ld, y);\n", part, outer,
                            inner, stride);
        }
        tsu_xbuf_puts(out, "    }\n");
    } else {
        /* Element-wise layers: one loop. */
        char second[64] = "", expr[160], lit[48] = "";
        if (tsu_x_is(node, "Add2")) value_expr(c, x->inputs[1], second, sizeof second);
        if (tsu_x_is(node, "LeakyReLU") || tsu_x_is(node, "ELU"))
            float_literal((float)tsu_x_float(node, "alpha"), lit, sizeof lit);
        if (tsu_x_is(node, "ReLU")) snprintf(expr, sizeof expr, "v > 0.0f ? v : 0.0f");
        else if (tsu_x_is(node, "Sigmoid")) snprintf(expr, sizeof expr, "1.0f / (1.0f + expf(-v))");
        else if (tsu_x_is(node, "Tanh")) snprintf(expr, sizeof expr, "tanhf(v)");
        else if (tsu_x_is(node, "LeakyReLU")) snprintf(expr, sizeof expr, "v > 0.0f ? v : %s * v", lit);
        else if (tsu_x_is(node, "ELU"))
            snprintf(expr, sizeof expr, "v > 0.0f ? v : %s * (expf(v) - 1.0f)", lit);
        else if (tsu_x_is(node, "Add2")) snprintf(expr, sizeof expr, "v + (%s)[i]", second);
        else if (tsu_x_is(node, "Flatten") || tsu_x_is(node, "Reshape"))
            snprintf(expr, sizeof expr, "v");
        else tsu_assert(!"a layer type the C exporter does not know");
        tsu_xbuf_printf(out,
                        "    for (long i = 0; i < %ld; i++) {\n"
                        "        float v = (%s)[i];\n"
                        "        (%s)[i] = %s;\n"
                        "    }\n",
                        n, src, dst, expr);
    }
}

static bool known_type(const tsu_node *node)
{
    static const char *const types[] = {
        "Input", "Convolution", "Deconvolution", "MaxPooling", "AveragePooling",
        "GlobalAveragePooling", "Affine", "BatchNormalization", "Softmax", "Concatenate",
        "Add2", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "ELU", "Flatten", "Reshape",
    };
    for (size_t i = 0; i < TSU_ARRAY_LEN(types); i++)
        if (tsu_x_is(node, types[i])) return true;
    return false;
}

static void emit_header(const c_ctx *c, tsu_xbuf *h)
{
    const tsu_xplan *p = c->plan;
    char upper[TSU_ID_MAX * 2];
    snprintf(upper, sizeof upper, "%s", c->name);
    for (char *q = upper; *q; q++) *q = (char)toupper((unsigned char)*q);
    size_t n_in = 0, n_out = 0;
    for (int i = 0; i < p->n_inputs; i++) n_in += tsu_shape_size(tsu_node_shape(p->inputs[i]));
    for (int i = 0; i < p->n_outputs; i++) n_out += tsu_shape_size(tsu_node_shape(p->outputs[i]));
    tsu_xbuf_printf(h,
                    "/* %s.h — generated by Tsumiki (tsumiki-cli export --format c).\n"
                    " * C99, libm only, no allocation; see %s.c. */\n"
                    "#ifndef %s_H\n#define %s_H\n\n"
                    "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
                    "/* Values per sample; batches are one call per sample. */\n"
                    "#define %s_INPUT_SIZE %zu\n#define %s_OUTPUT_SIZE %zu\n\n",
                    c->name, c->name, upper, upper, upper, n_in, upper, n_out);
    tsu_xbuf_puts(h, "/* input, concatenated in this order (NCHW within each):\n");
    size_t at = 0;
    for (int i = 0; i < p->n_inputs; i++) {
        char shape[96];
        tsu_shape_format_list(tsu_node_shape(p->inputs[i]), shape, sizeof shape);
        tsu_xbuf_printf(h, " *   [%zu] %s %s\n", at, tsu_node_id(p->inputs[i]), shape);
        at += tsu_shape_size(tsu_node_shape(p->inputs[i]));
    }
    tsu_xbuf_puts(h, " * output, concatenated in this order:\n");
    at = 0;
    for (int i = 0; i < p->n_outputs; i++) {
        char shape[96];
        tsu_shape_format_list(tsu_node_shape(p->outputs[i]), shape, sizeof shape);
        tsu_xbuf_printf(h, " *   [%zu] %s %s (%s)\n", at, tsu_node_id(p->outputs[i]), shape,
                        tsu_node_type(p->outputs[i]));
        at += tsu_shape_size(tsu_node_shape(p->outputs[i]));
    }
    tsu_xbuf_printf(h,
                    " * Returns 0, or -1 when a pointer is NULL. Not reentrant: activations\n"
                    " * live in one static arena. */\n"
                    "int %s_predict(const float *input, float *output);\n\n"
                    "#ifdef __cplusplus\n}\n#endif\n#endif\n",
                    c->name);
}

tsu_status tsu_export_c(const tsu_graph *graph, tsu_net *net, const char *dir, const char *name,
                        tsu_diag *diag)
{
    if (!tsu_x_is_identifier(name) || strlen(name) >= TSU_ID_MAX)
        return tsu_diag_add(diag, TSU_E_PARAM, NULL, "name",
                            "\"%s\" is not a C identifier (letters, digits, _; not first a digit)",
                            name);
    tsu_xplan plan;
    tsu_status st = tsu_xplan_build(graph, &plan, diag);
    if (st != TSU_OK) return st;
    for (int i = 0; i < plan.n_nodes; i++)
        if (!known_type(plan.nodes[i].node))
            st = tsu_diag_add(diag, TSU_E_UNSUPPORTED, tsu_node_id(plan.nodes[i].node), NULL,
                              "C export does not know the layer type %s",
                              tsu_node_type(plan.nodes[i].node));
    if (st == TSU_OK) st = tsu_x_check_weights(&plan, net, diag);
    if (st == TSU_OK) st = tsu_x_mkdir(dir, diag);
    if (st != TSU_OK) {
        tsu_xplan_free(&plan);
        return st;
    }

    c_ctx c = {.plan = &plan, .net = net, .name = name};
    c.offset = tsu_xcalloc((size_t)plan.n_nodes, sizeof *c.offset);
    c.in_offset = tsu_xcalloc((size_t)plan.n_nodes, sizeof *c.in_offset);
    plan_arena(&c);

    /* The body first, to learn which kernels it calls. */
    bool used[K_COUNT] = {0};
    tsu_xbuf body = {0};
    for (int i = 0; i < plan.n_nodes; i++)
        if (!tsu_layer_kind_is_input(tsu_node_kind(plan.nodes[i].node)))
            emit_call(&c, &plan.nodes[i], used, &body);
    size_t at = 0;
    for (int i = 0; i < plan.n_outputs; i++) {
        char src[64];
        value_expr(&c, plan.outputs[i], src, sizeof src);
        size_t n = tsu_shape_size(tsu_node_shape(plan.outputs[i]));
        tsu_xbuf_printf(&body, "    for (long i = 0; i < %zu; i++) output[%zu + i] = (%s)[i];\n",
                        n, at, src);
        at += n;
    }

    tsu_xbuf src = {0};
    tsu_xbuf_printf(&src,
                    "/* %s.c — generated by Tsumiki (tsumiki-cli export --format c): the\n"
                    " * inference graph with its trained weights. C99, libm only, no\n"
                    " * allocation. Build: cc -std=c99 -O2 -c %s.c (link with -lm). */\n"
                    "#include \"%s.h\"\n\n#include <math.h>\n\n",
                    name, name, name);
    emit_weights(&c, &src);
    tsu_xbuf_printf(&src, "/* Every activation, placed by liveness (peak %ld floats). */\n"
                          "static float arena[%ld];\n\n",
                    c.arena, c.arena ? c.arena : 1);
    for (int k = 0; k < K_COUNT; k++)
        if (used[k]) tsu_xbuf_puts(&src, kernel_text[k]);
    tsu_xbuf_printf(&src,
                    "int %s_predict(const float *input, float *output)\n{\n"
                    "    if (!input || !output) return -1;\n",
                    name);
    tsu_xbuf_puts(&src, body.data ? body.data : "");
    tsu_xbuf_puts(&src, "    return 0;\n}\n");

    tsu_xbuf header = {0};
    emit_header(&c, &header);

    char file[TSU_ID_MAX + 8];
    snprintf(file, sizeof file, "%s.h", name);
    char *path = tsu_x_join(dir, file);
    st = tsu_xbuf_save(&header, path, diag);
    free(path);
    if (st == TSU_OK) {
        snprintf(file, sizeof file, "%s.c", name);
        path = tsu_x_join(dir, file);
        st = tsu_xbuf_save(&src, path, diag);
        free(path);
    }
    tsu_xbuf_free(&header);
    tsu_xbuf_free(&src);
    tsu_xbuf_free(&body);
    free(c.offset);
    free(c.in_offset);
    tsu_xplan_free(&plan);
    return st;
}
