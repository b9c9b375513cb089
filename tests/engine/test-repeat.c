/* test-repeat.c — RepeatStart/RepeatEnd blocks: a residual block's shapes,
 * parameter counts and costs against hand-computed numbers, its unrolled
 * net's tensor names and forward values, and every error with its message. */
#include "test-helpers.h"

#define NODE(id, type, inputs, params)                                                   \
    "{\"id\": \"" id "\", \"type\": \"" type "\", \"inputs\": [" inputs "], \"params\": {" \
    params "}}"
#define INPUT(shape) "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": " shape "}}"

/* x [4, 8, 8] -> rs1 (3 times) -> ca Convolution 4 3x3 pad 1 -> r ReLU ->
 * add = r + rs1 -> re1. */
static const char residual[] =
    "[" INPUT("[4, 8, 8]") ", "
    NODE("rs1", "RepeatStart", "\"x\"", "\"times\": 3") ", "
    NODE("ca", "Convolution", "\"rs1\"", "\"outmaps\": 4, \"kernel\": [3, 3], \"pad\": [1, 1]") ", "
    NODE("r", "ReLU", "\"ca\"", "") ", "
    NODE("add", "Add2", "\"r\", \"rs1\"", "") ", "
    NODE("re1", "RepeatEnd", "\"add\"", "\"start\": \"rs1\"") "]";

static void test_residual_numbers(void)
{
    tsu_diag diag;
    tsu_graph *g = build_graph(residual, &diag);
    g_assert_true(tsu_graph_valid(g));
    const tsu_node *ca = tsu_graph_find(g, "ca"), *re = tsu_graph_find(g, "re1");
    g_assert_cmpint(tsu_node_repeat(ca), ==, 3);
    g_assert_cmpint(tsu_node_repeat(tsu_graph_find(g, "add")), ==, 3);
    g_assert_cmpint(tsu_node_repeat(tsu_graph_find(g, "rs1")), ==, 1);
    g_assert_cmpint(tsu_node_repeat(re), ==, 1);
    /* One copy's shape; counts of all three: (4*4*9 + 4) * 3 weights and
     * 4*4*9 * 64 * 3 multiply-adds. */
    g_assert_cmpint(tsu_node_shape(re)->ndim, ==, 3);
    g_assert_cmpint(tsu_node_shape(ca)->d[0], ==, 4);
    g_assert_cmpuint(tsu_node_trainable_count(ca), ==, 444);
    g_assert_cmpuint(tsu_node_macs(ca), ==, 27648);
    tsu_graph_stats s;
    tsu_graph_stats_compute(g, 1, TSU_OPT_SGD, &s);
    g_assert_cmpuint(s.trainable, ==, 444);
    g_assert_cmpuint(s.macs, ==, 27648);
    /* x, rs1, re1 once and ca, r, add three times: 12 outputs of 256 values. */
    g_assert_cmpuint(s.activations, ==, 12 * 256);

    tsu_net_config cfg = {.max_batch = 2, .threads = 1, .seed = 1, .training = true};
    tsu_net *net = tsu_net_new(g, &cfg, &diag);
    g_assert_nonnull(net);
    g_assert_cmpint(tsu_net_tensor_count(net), ==, 6);
    const char *names[] = {"ca.0.weight", "ca.0.bias", "ca.1.weight",
                           "ca.1.bias",   "ca.2.weight", "ca.2.bias"};
    for (int i = 0; i < 6; i++) g_assert_cmpstr(tsu_net_tensor_at(net, i)->name, ==, names[i]);
    /* Each copy draws its own initial weights. */
    g_assert_true(memcmp(tsu_net_tensor_find(net, "ca.0.weight")->data,
                         tsu_net_tensor_find(net, "ca.1.weight")->data, 144 * sizeof(float)) != 0);
    g_assert_nonnull(tsu_net_output(net, "add.2"));
    tsu_net_free(net);
    tsu_graph_free(g);
    tsu_diag_free(&diag);
}

/* y = W x + b + x three times with W = k I, b = 1: by hand, per element
 * y1 = (1+k) x + 1, and so on. */
static void test_forward_by_hand(void)
{
    tsu_diag diag;
    tsu_graph *g = build_graph("[" INPUT("[2]") ", "
                         NODE("rs", "RepeatStart", "\"x\"", "\"times\": 3") ", "
                         NODE("fc", "Affine", "\"rs\"", "\"outmaps\": 2") ", "
                         NODE("add", "Add2", "\"fc\", \"rs\"", "") ", "
                         NODE("re", "RepeatEnd", "\"add\"", "\"start\": \"rs\"") "]",
                         &diag);
    g_assert_true(tsu_graph_valid(g));
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1, .training = false};
    tsu_net *net = tsu_net_new(g, &cfg, &diag);
    g_assert_nonnull(net);
    const float k[3] = {0.5f, -1.0f, 2.0f};
    for (int r = 0; r < 3; r++) {
        char name[32];
        snprintf(name, sizeof name, "fc.%d.weight", r);
        float *w = tsu_net_tensor_find(net, name)->data;
        w[0] = w[3] = k[r];
        w[1] = w[2] = 0;
        snprintf(name, sizeof name, "fc.%d.bias", r);
        float *b = tsu_net_tensor_find(net, name)->data;
        b[0] = b[1] = 1;
    }
    float *in = tsu_net_input(net, "x");
    in[0] = 2;
    in[1] = -4;
    g_assert_cmpint(tsu_net_forward(net, 1, false, &diag), ==, TSU_OK);
    /* x=2: 1.5*2+1 = 4, 0*4+1 = 1, 3*1+1 = 4. x=-4: -5, 1, 4. */
    const float *y = tsu_net_output(net, "re");
    g_assert_cmpfloat_with_epsilon(y[0], 4.0f, 1e-6);
    g_assert_cmpfloat_with_epsilon(y[1], 4.0f, 1e-6);
    g_assert_cmpfloat_with_epsilon(tsu_net_output(net, "add.0")[1], -5.0f, 1e-6);
    tsu_net_free(net);
    tsu_graph_free(g);
    tsu_diag_free(&diag);
}

static void expect_error(const char *nodes, const char *node_id, const char *param,
                         const char *text)
{
    tsu_diag diag;
    tsu_graph *g = build_graph(nodes, &diag);
    g_assert_false(tsu_graph_valid(g));
    bool found = false;
    for (int i = 0; i < diag.count; i++) {
        const tsu_error *e = &diag.items[i];
        found |= !strcmp(e->node, node_id) && !strcmp(e->param, param ? param : "") &&
                 strstr(e->message, text);
    }
    if (!found) g_error("no error on %s.%s saying: %s", node_id, param ? param : "", text);
    tsu_graph_free(g);
    tsu_diag_free(&diag);
}

static void test_errors(void)
{
    expect_error("[" INPUT("[16, 28, 28]") ", "
                 NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("c", "Convolution", "\"rs1\"", "\"outmaps\": 32, \"kernel\": [2, 2], \"stride\": [2, 2]") ", "
                 NODE("re1", "RepeatEnd", "\"c\"", "\"start\": \"rs1\"") "]",
                 "re1", NULL, "block rs1..re1: output [32, 14, 14] differs from its input [16, 28, 28]");
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("re1", "RepeatEnd", "\"rs1\"", "\"start\": \"nope\"") "]",
                 "re1", "start", "start \"nope\" names no RepeatStart");
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("re1", "RepeatEnd", "\"rs1\"", "\"start\": \"x\"") "]",
                 "re1", "start", "start \"x\" names no RepeatStart");
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("fc", "Affine", "\"rs1\"", "\"outmaps\": 2") "]",
                 "rs1", NULL, "RepeatStart rs1 has no RepeatEnd");
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("re1", "RepeatEnd", "\"rs1\"", "\"start\": \"rs1\"") ", "
                 NODE("re2", "RepeatEnd", "\"rs1\"", "\"start\": \"rs1\"") "]",
                 "re2", "start", "RepeatStart rs1 already has a RepeatEnd");
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "\"times\": 0") ", "
                 NODE("re1", "RepeatEnd", "\"rs1\"", "\"start\": \"rs1\"") "]",
                 "rs1", "times", "");
    /* Nested: rs2..re2 inside rs1..re1. */
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("rs2", "RepeatStart", "\"rs1\"", "") ", "
                 NODE("fc", "Affine", "\"rs2\"", "\"outmaps\": 2") ", "
                 NODE("re2", "RepeatEnd", "\"fc\"", "\"start\": \"rs2\"") ", "
                 NODE("re1", "RepeatEnd", "\"re2\"", "\"start\": \"rs1\"") "]",
                 "rs2", NULL,
                 "block rs1..re1 and the block of rs2 overlap or nest; blocks inside blocks are "
                 "not supported");
    /* Overlapping: fc2 is between both pairs. */
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("rs2", "RepeatStart", "\"x\"", "") ", "
                 NODE("fc2", "Add2", "\"rs1\", \"rs2\"", "") ", "
                 NODE("re1", "RepeatEnd", "\"fc2\"", "\"start\": \"rs1\"") ", "
                 NODE("re2", "RepeatEnd", "\"fc2\"", "\"start\": \"rs2\"") "]",
                 "fc2", NULL, "block rs2..re2 and block rs1..re1 overlap or nest");
    /* Read from outside: side reads fc, which exists three times. */
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "\"times\": 3") ", "
                 NODE("fc", "Affine", "\"rs1\"", "\"outmaps\": 2") ", "
                 NODE("re1", "RepeatEnd", "\"fc\"", "\"start\": \"rs1\"") ", "
                 NODE("side", "ReLU", "\"fc\"", "") "]",
                 "side", NULL, "reads fc, which is inside block rs1..re1, from outside it");
    /* The RepeatEnd must close a path from its RepeatStart. */
    expect_error("[" INPUT("[2]") ", " NODE("rs1", "RepeatStart", "\"x\"", "") ", "
                 NODE("re1", "RepeatEnd", "\"x\"", "\"start\": \"rs1\"") "]",
                 "re1", "start", "not reached from its RepeatStart");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/repeat/residual-numbers", test_residual_numbers);
    g_test_add_func("/repeat/forward-by-hand", test_forward_by_hand);
    g_test_add_func("/repeat/errors", test_errors);
    return g_test_run();
}
