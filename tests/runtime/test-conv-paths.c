/* test-conv-paths.c — Convolution and DepthwiseConvolution against a direct
 * loop in double, forward values and backward gradients (input, weight,
 * bias), one case per code path the runtime picks: columns unfolded from
 * a padded copy (stride 1) or with bounds (stride 2), groups, depthwise
 * windows read straight from the input (strides 1 and 2 across: borders,
 * widths below and above a vector, dilation, multiplier, 5x5) or through
 * padded copies and column phases (wider strides, and CPUs without
 * AVX-512: test-depthwise holds that build to the same bits), 3x3 stride-1
 * convolutions through Winograd's F(2x2, 3x3) (odd sizes, pads 0 to 2,
 * planes wider than one vector), and input gradients added where the input
 * has a second reader. */
#include "test-helpers.h"

#include "runtime/runtime.h"
#include "runtime/winograd.h"

#include <math.h>

#define BATCH 3

typedef struct {
    const char *name;
    const char *nodes;      /* Input x, the layers in convs reading x, a loss */
    const char *convs[2];   /* ids of the (depthwise) convolutions reading x */
    const char *add_of_x;   /* an Add2 reading x directly, or NULL */
    int threads;
} conv_case;

#define X(shape) \
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": " shape ", \"dataset\": \"x\"}}, "
#define NODE(id, type, inputs, params) \
    "{\"id\": \"" id "\", \"type\": \"" type "\", \"inputs\": " inputs ", \"params\": {" params "}}, "
#define LOSS(from) "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"" from "\"]}"

static const conv_case cases[] = {
    {"conv 3x3 pad 1: unfolded from a padded copy",
     X("[5, 7, 6]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 4, \"kernel\": [3, 3], \"pad\": [1, 1]") LOSS("t"),
     {"t"}, NULL, 2},
    {"conv 3x2 pad [0, 1], 2 groups",
     X("[4, 6, 5]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 6, \"kernel\": [3, 2], \"pad\": [0, 1], \"group\": 2")
     LOSS("t"), {"t"}, NULL, 1},
    {"conv 3x3 pad 1, 2 groups, x also added: dx accumulated",
     X("[4, 5, 5]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 4, \"kernel\": [3, 3], \"pad\": [1, 1], \"group\": 2")
     NODE("add", "Add2", "[\"t\", \"x\"]", "") LOSS("add"), {"t"}, "add", 2},
    {"conv stride 2: unfolded with bounds",
     X("[3, 7, 8]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 5, \"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]")
     LOSS("t"), {"t"}, NULL, 2},
    {"conv 3x3 pad 1, 8 to 12 channels, 7x9: Winograd, partial tiles",
     X("[8, 7, 9]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 12, \"kernel\": [3, 3], \"pad\": [1, 1]") LOSS("t"),
     {"t"}, NULL, 2},
    {"conv 3x3 pad 0, no bias: Winograd, input gradient padded by 2",
     X("[9, 8, 6]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 8, \"kernel\": [3, 3], \"with_bias\": false")
     LOSS("t"), {"t"}, NULL, 1},
    {"conv 3x3 pad [2, 1]: Winograd, taller output",
     X("[8, 5, 6]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 10, \"kernel\": [3, 3], \"pad\": [2, 1]") LOSS("t"),
     {"t"}, NULL, 2},
    {"conv 3x3 pad 1, x also added: Winograd, dx accumulated",
     X("[8, 6, 5]") NODE("t", "Convolution", "[\"x\"]",
                         "\"outmaps\": 8, \"kernel\": [3, 3], \"pad\": [1, 1]")
     NODE("add", "Add2", "[\"t\", \"x\"]", "") LOSS("add"), {"t"}, "add", 2},
    {"conv 3x3 pad 1 on 37x40: Winograd, tile rows wider than one vector",
     X("[8, 37, 40]") NODE("t", "Convolution", "[\"x\"]",
                           "\"outmaps\": 8, \"kernel\": [3, 3], \"pad\": [1, 1]") LOSS("t"),
     {"t"}, NULL, 2},
    {"depthwise stride 2: column phases",
     X("[3, 9, 10]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                          "\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]") LOSS("t"),
     {"t"}, NULL, 2},
    {"depthwise stride [2, 3], dilation [2, 1], pad [1, 2], multiplier 2",
     X("[2, 11, 13]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                           "\"kernel\": [3, 3], \"stride\": [2, 3], \"pad\": [1, 2], "
                           "\"dilation\": [2, 1], \"multiplier\": 2") LOSS("t"),
     {"t"}, NULL, 1},
    {"depthwise stride 3, dilation 2, kernel 4x3: phases a tap skips",
     X("[2, 12, 14]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                           "\"kernel\": [4, 3], \"stride\": [3, 3], \"pad\": [0, 2], "
                           "\"dilation\": [1, 2], \"with_bias\": false") LOSS("t"),
     {"t"}, NULL, 2},
    {"two strided depthwise readers of x: the second adds its dx",
     X("[3, 8, 9]")
     NODE("t", "DepthwiseConvolution", "[\"x\"]",
          "\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]")
     NODE("u", "DepthwiseConvolution", "[\"x\"]",
          "\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]")
     NODE("add", "Add2", "[\"t\", \"u\"]", "") LOSS("add"), {"t", "u"}, NULL, 2},
    {"depthwise 3x3 pad 1 on 5x21: a vector and part of one across",
     X("[2, 5, 21]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                          "\"kernel\": [3, 3], \"pad\": [1, 1]") LOSS("t"),
     {"t"}, NULL, 1},
    {"depthwise 3x3 pad 0, dilation 2 on 11x37: inner columns without masks",
     X("[2, 11, 37]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                           "\"kernel\": [3, 3], \"dilation\": [2, 2]") LOSS("t"),
     {"t"}, NULL, 2},
    {"depthwise 5x5 pad 2, multiplier 2, no bias on 9x7",
     X("[2, 9, 7]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                         "\"kernel\": [5, 5], \"pad\": [2, 2], \"multiplier\": 2, "
                         "\"with_bias\": false") LOSS("t"),
     {"t"}, NULL, 2},
    {"depthwise 3x2 pad [2, 1], stride [2, 1] on 6x18: taller output, the general kernel",
     X("[3, 6, 18]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                          "\"kernel\": [3, 2], \"pad\": [2, 1], \"stride\": [2, 1]")
     LOSS("t"), {"t"}, NULL, 1},
    {"depthwise stride 2 on 7x45: inner columns read in pairs of vectors",
     X("[2, 7, 45]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                          "\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]")
     LOSS("t"), {"t"}, NULL, 2},
    {"depthwise 1x3 pad 1, multiplier 2: pad past the kernel's reach down, taps add dx",
     X("[2, 5, 7]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                         "\"kernel\": [1, 3], \"pad\": [1, 1], \"multiplier\": 2")
     LOSS("t"), {"t"}, NULL, 2},
    {"depthwise stride 1, x also added",
     X("[3, 6, 7]") NODE("t", "DepthwiseConvolution", "[\"x\"]",
                         "\"kernel\": [3, 3], \"pad\": [1, 1]")
     NODE("add", "Add2", "[\"t\", \"x\"]", "") LOSS("add"), {"t"}, "add", 2},
};

/* A convolution's geometry, read back from its node. */
typedef struct {
    int c, h, w, o, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, groups;
} geometry;

static int param_at(const tsu_node *node, const char *name, int i, int fallback)
{
    const tsu_value *v = tsu_node_param(node, name);
    return v ? v->ints[i] : fallback;
}

static geometry geometry_of(const tsu_graph *graph, const char *id)
{
    const tsu_node *node = tsu_graph_find(graph, id);
    const tsu_shape *in = tsu_node_shape(tsu_graph_find(graph, "x")), *out = tsu_node_shape(node);
    bool depthwise = strcmp(tsu_node_kind(node)->name, "DepthwiseConvolution") == 0;
    return (geometry){.c = in->d[0], .h = in->d[1], .w = in->d[2], .o = out->d[0],
                      .oh = out->d[1], .ow = out->d[2],
                      .kh = param_at(node, "kernel", 0, 1), .kw = param_at(node, "kernel", 1, 1),
                      .sh = param_at(node, "stride", 0, 1), .sw = param_at(node, "stride", 1, 1),
                      .ph = param_at(node, "pad", 0, 0), .pw = param_at(node, "pad", 1, 0),
                      .dh = param_at(node, "dilation", 0, 1),
                      .dw = param_at(node, "dilation", 1, 1),
                      .groups = depthwise ? in->d[0] : param_at(node, "group", 0, 1)};
}

/* Calls fn(o, c, ky, kx, at_x, at_y, at_w) for every product of one sample's
 * convolution: output at_y reads input at_x through weight at_w. */
#define FOR_EACH_TAP(g, body)                                                              \
    for (int o = 0; o < (g).o; o++) {                                                      \
        const int og = (g).o / (g).groups, cg = (g).c / (g).groups, grp = o / og;          \
        for (int ci = 0; ci < cg; ci++)                                                    \
            for (int ky = 0; ky < (g).kh; ky++)                                            \
                for (int kx = 0; kx < (g).kw; kx++)                                        \
                    for (int oy = 0; oy < (g).oh; oy++)                                    \
                        for (int ox = 0; ox < (g).ow; ox++) {                              \
                            const int iy = oy * (g).sh - (g).ph + ky * (g).dh;             \
                            const int ix = ox * (g).sw - (g).pw + kx * (g).dw;             \
                            if (iy < 0 || iy >= (g).h || ix < 0 || ix >= (g).w) continue;  \
                            const size_t at_x = ((size_t)(grp * cg + ci) * (g).h + iy) * (g).w + ix; \
                            const size_t at_y = ((size_t)o * (g).oh + oy) * (g).ow + ox;  \
                            const size_t at_w = (((size_t)o * cg + ci) * (g).kh + ky) * (g).kw + kx; \
                            body;                                                          \
                        }                                                                  \
    }

static void check_close(const char *what, const char *name, const double *want,
                        const float *got, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(want[i] - got[i]) > 1e-4 * (1.0 + fabs(want[i])))
            g_error("%s: %s[%zu] is %.7g, the direct loop gives %.7g", name, what, i, got[i],
                    want[i]);
}

/* The cases named for Winograd's algorithm must be ones it serves. */
static void check_winograd_taken(const conv_case *k, const geometry *g)
{
    const tsu_conv_geometry cg = {.channels = g->c, .height = g->h, .width = g->w,
                                  .kernel_h = g->kh, .kernel_w = g->kw, .stride_h = g->sh,
                                  .stride_w = g->sw, .pad_h = g->ph, .pad_w = g->pw,
                                  .dilation_h = g->dh, .dilation_w = g->dw, .out_h = g->oh,
                                  .out_w = g->ow};
    g_assert_cmpint(tsu_winograd_applies(&cg, g->groups, g->o), ==,
                    strstr(k->name, "Winograd") != NULL);
}

static void check_conv(const conv_case *k, tsu_net *net, const tsu_graph *graph,
                       const char *id, const float *x, double *dx)
{
    const geometry g = geometry_of(graph, id);
    check_winograd_taken(k, &g);
    char name[64];
    snprintf(name, sizeof name, "%s.weight", id);
    const tsu_net_tensor *weight = tsu_net_tensor_find(net, name);
    snprintf(name, sizeof name, "%s.bias", id);
    const tsu_net_tensor *bias = tsu_net_tensor_find(net, name);
    const size_t in_size = (size_t)g.c * g.h * g.w, out_size = (size_t)g.o * g.oh * g.ow;
    const float *y = tsu_net_output(net, id), *dy = tsu_net_output_grad(net, id);
    g_assert_nonnull(dy);
    double *want_y = g_new0(double, BATCH * out_size);
    double *dw = g_new0(double, weight->size), *db = g_new0(double, g.o);
    for (int s = 0; s < BATCH; s++) {
        const float *xs = x + s * in_size, *dys = dy + s * out_size;
        double *ys = want_y + s * out_size, *dxs = dx + s * in_size;
        for (int o = 0; bias && o < g.o; o++)
            for (size_t j = 0; j < (size_t)g.oh * g.ow; j++) ys[o * (size_t)g.oh * g.ow + j] = bias->data[o];
        FOR_EACH_TAP(g, {
            ys[at_y] += (double)xs[at_x] * weight->data[at_w];
            dw[at_w] += (double)dys[at_y] * xs[at_x];
            dxs[at_x] += (double)dys[at_y] * weight->data[at_w];
        });
        for (size_t j = 0; bias && j < out_size; j++) db[j / ((size_t)g.oh * g.ow)] += dys[j];
    }
    check_close("output", k->name, want_y, y, BATCH * out_size);
    check_close("weight gradient", k->name, dw, weight->grad, weight->size);
    if (bias) check_close("bias gradient", k->name, db, bias->grad, bias->size);
    g_free(want_y);
    g_free(dw);
    g_free(db);
}

static void run_case(const conv_case *k)
{
    test_graph t;
    test_graph_build(&t, k->nodes);
    if (!tsu_graph_valid(t.graph)) test_diag_dump(&t.diag);
    g_assert_true(tsu_graph_valid(t.graph));
    tsu_net_config cfg = {.max_batch = BATCH, .threads = k->threads, .seed = 3, .training = true};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    g_assert_nonnull(net);
    tsu_net_set_input_gradients(net, true);
    const size_t in_size = tsu_shape_size(tsu_node_shape(tsu_graph_find(t.graph, "x")));
    float *x = tsu_net_input(net, "x");
    for (size_t i = 0; i < BATCH * in_size; i++) x[i] = (float)((i * 37 % 101) / 50.0 - 1.0);
    float *target = tsu_net_target(net, "y");
    size_t target_size = tsu_net_target_size(net, "y");
    for (size_t i = 0; i < BATCH * target_size; i++) target[i] = (float)((i * 13 % 29) / 14.0 - 1.0);
    /* Non-zero biases, so the forward's bias is checked too. */
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        tsu_net_tensor *tensor = tsu_net_tensor_at(net, i);
        if (g_str_has_suffix(tensor->name, ".bias"))
            for (size_t j = 0; j < tensor->size; j++) tensor->data[j] = 0.1f * (float)j - 0.2f;
    }
    g_assert_cmpint(tsu_net_forward(net, BATCH, true, &t.diag), ==, TSU_OK);
    g_assert_cmpint(tsu_net_backward(net, BATCH, &t.diag), ==, TSU_OK);
    double *dx = g_new0(double, BATCH * in_size);
    if (k->add_of_x) {
        const float *d = tsu_net_output_grad(net, k->add_of_x);
        for (size_t i = 0; i < BATCH * in_size; i++) dx[i] = d[i];
    }
    for (int j = 0; j < 2 && k->convs[j]; j++) check_conv(k, net, t.graph, k->convs[j], x, dx);
    check_close("input gradient", k->name, dx, tsu_net_output_grad(net, "x"), BATCH * in_size);
    g_free(dx);
    tsu_net_free(net);
    test_graph_free(&t);
}

static void test_conv_paths(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) run_case(&cases[i]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runtime/conv-paths/direct-loop", test_conv_paths);
    return g_test_run();
}
