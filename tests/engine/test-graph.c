/* test-graph.c — validation messages for every class of mistake, and whole
 * graphs' shapes, parameter counts and costs against hand-computed numbers. */
#include "test-helpers.h"

static void expect_error(const char *nodes, const char *node_id, const char *param, ...)
{
    tsu_diag diag;
    tsu_graph *g = build_graph(nodes, &diag);
    g_assert_false(tsu_graph_valid(g));
    bool found = false;
    for (int i = 0; i < diag.count && !found; i++) {
        const tsu_error *e = &diag.items[i];
        if (strcmp(e->node, node_id) != 0 || strcmp(e->param, param ? param : "") != 0) continue;
        va_list ap;
        va_start(ap, param);
        found = true;
        for (const char *needle; (needle = va_arg(ap, const char *));)
            if (!strstr(e->message, needle)) found = false;
        va_end(ap);
    }
    if (!found) g_error("no error on %s.%s with the expected text", node_id, param ? param : "");
    /* The culprit is marked (with duplicates, the second of the pair). */
    bool marked = false;
    for (int i = 0; i < tsu_graph_node_count(g); i++) {
        const tsu_node *n = tsu_graph_node(g, i);
        if (!strcmp(tsu_node_id(n), node_id) && !tsu_node_valid(n)) marked = true;
    }
    g_assert_true(marked);
    tsu_graph_free(g);
    tsu_diag_free(&diag);
}

#define INPUT "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [1, 8, 8]}}"

static void test_unknown_type_suggests(void)
{
    expect_error("[" INPUT ", {\"id\": \"fc7\", \"type\": \"Affin\", \"inputs\": [\"x\"]}]", "fc7",
                 NULL, "fc7: unknown layer type \"Affin\" (did you mean \"Affine\"?)", NULL);
    expect_error("[" INPUT ", {\"id\": \"q\", \"type\": \"Quux\", \"inputs\": [\"x\"]}]", "q", NULL,
                 "unknown layer type \"Quux\"", NULL);
}

static void test_param_types_and_bounds(void)
{
    expect_error("[" INPUT ", {\"id\": \"conv9\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
                 "\"params\": {\"outmaps\": 4, \"kernel\": [5]}}]",
                 "conv9", "kernel", "conv9.kernel: expected 2 positive integers, got [5]", NULL);
    expect_error("[" INPUT ", {\"id\": \"c\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
                 "\"params\": {\"outmaps\": \"16\", \"kernel\": [3, 3]}}]",
                 "c", "outmaps", "c.outmaps: expected a positive integer, got \"16\"", NULL);
    expect_error("[" INPUT ", {\"id\": \"c\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
                 "\"params\": {\"outmaps\": 0, \"kernel\": [3, 3]}}]",
                 "c", "outmaps", "got 0", NULL);
    expect_error("[" INPUT ", {\"id\": \"d\", \"type\": \"Dropout\", \"inputs\": [\"x\"], "
                 "\"params\": {\"p\": 1.5}}]",
                 "d", "p", "d.p: expected a number", "got 1.5", NULL);
    expect_error("[" INPUT ", {\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], "
                 "\"params\": {\"outmaps\": 3, \"with_bias\": 1}}]",
                 "fc", "with_bias", "expected true or false, got 1", NULL);
    expect_error("[" INPUT ", {\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"]}]", "fc",
                 "outmaps", "fc.outmaps: required parameter is missing", NULL);
    expect_error("[" INPUT ", {\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], "
                 "\"params\": {\"outmap\": 3}}]",
                 "fc", "outmap", "did you mean \"outmaps\"?", NULL);
}

static void test_duplicate_ids(void)
{
    expect_error("[" INPUT ", {\"id\": \"x\", \"type\": \"ReLU\", \"inputs\": [\"x\"]}]", "x", NULL,
                 "duplicate id", "network.nodes[0] and network.nodes[1]", NULL);
}

static void test_inputs_naming_no_node(void)
{
    expect_error("[" INPUT ", {\"id\": \"r\", \"type\": \"ReLU\", \"inputs\": [\"pool9\"]}]", "r",
                 NULL, "r: input \"pool9\" names no node", NULL);
}

static void test_wrong_input_counts(void)
{
    expect_error("[" INPUT ", {\"id\": \"sum7\", \"type\": \"Add2\", \"inputs\": [\"x\"]}]", "sum7",
                 NULL, "Add2 takes 2 inputs, got 1", NULL);
    expect_error("[" INPUT ", {\"id\": \"r\", \"type\": \"ReLU\"}]", "r", NULL,
                 "ReLU takes 1 input, got 0", NULL);
    expect_error("[" INPUT ", {\"id\": \"cat\", \"type\": \"Concatenate\", \"inputs\": [\"x\"]}]",
                 "cat", NULL, "at least 2 inputs, got 1", NULL);
    expect_error("[{\"id\": \"x\", \"type\": \"Input\", \"inputs\": [\"x\"], \"params\": {\"shape\": [3]}}]",
                 "x", NULL, "takes no inputs", NULL);
}

static void test_cycles_are_named(void)
{
    expect_error("[" INPUT ", {\"id\": \"a\", \"type\": \"Add2\", \"inputs\": [\"x\", \"c\"]}, "
                 "{\"id\": \"b\", \"type\": \"ReLU\", \"inputs\": [\"a\"]}, "
                 "{\"id\": \"c\", \"type\": \"ReLU\", \"inputs\": [\"b\"]}]",
                 "a", NULL, "cycle", "a -> b -> c -> a", NULL);
}

static void test_shape_errors(void)
{
    expect_error("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3]}}, "
                 "{\"id\": \"y\", \"type\": \"Input\", \"params\": {\"shape\": [5], \"dataset\": \"z\"}}, "
                 "{\"id\": \"sum7\", \"type\": \"Add2\", \"inputs\": [\"x\", \"y\"]}]",
                 "sum7", NULL, "sum7: Add2 inputs x [3] and y [5] differ at axis 0", NULL);
    expect_error("[" INPUT ", {\"id\": \"conv3\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
                 "\"params\": {\"outmaps\": 2, \"kernel\": [11, 11], \"pad\": [1, 1]}}]",
                 "conv3", "kernel", "larger than", NULL);
}

/* All errors of a graph are reported, not just the first. */
static void test_all_errors_collected(void)
{
    tsu_diag diag;
    tsu_graph *g = build_graph("[" INPUT ", {\"id\": \"a\", \"type\": \"Affin\", \"inputs\": [\"x\"]}, "
                         "{\"id\": \"b\", \"type\": \"ReLU\", \"inputs\": [\"nope\"]}, "
                         "{\"id\": \"c\", \"type\": \"Dropout\", \"inputs\": [\"x\"], \"params\": {\"p\": -1}}]",
                         &diag);
    g_assert_cmpint(diag.count, ==, 3);
    g_assert_true(tsu_node_valid(tsu_graph_find(g, "x")));
    g_assert_true(tsu_node_has_shape(tsu_graph_find(g, "x")));
    tsu_graph_free(g);
    tsu_diag_free(&diag);
}

static void test_seed_network_numbers(void)
{
    g_autofree char *path = source_path("resources/examples/fashion-mnist-cnn.tsumiki");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_load(path, &diag);
    tsu_graph *g = tsu_graph_build(p, &diag);
    g_assert_cmpint(diag.count, ==, 0);
    g_assert_true(tsu_graph_valid(g));
    struct { const char *id; const char *shape; uint64_t params, state, macs; } expect[] = {
        {"x", "1x28x28", 0, 0, 0},
        {"conv1", "16x28x28", 416, 0, 16ull * 28 * 28 * 25},
        {"bn1", "16x28x28", 32, 32, 16ull * 28 * 28},
        {"pool1", "16x14x14", 0, 0, 0},
        {"conv2", "32x14x14", 12832, 0, 32ull * 14 * 14 * 16 * 25},
        {"pool2", "32x7x7", 0, 0, 0},
        {"fc", "10", 15690, 0, 1568ull * 10},
        {"prob", "10", 0, 0, 0},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++) {
        const tsu_node *n = tsu_graph_find(g, expect[i].id);
        char shape[32];
        tsu_shape_format(tsu_node_shape(n), shape, sizeof shape);
        g_assert_cmpstr(shape, ==, expect[i].shape);
        g_assert_cmpuint(tsu_node_trainable_count(n), ==, expect[i].params);
        g_assert_cmpuint(tsu_node_state_count(n), ==, expect[i].state);
        g_assert_cmpuint(tsu_node_macs(n), ==, expect[i].macs);
    }
    /* Topological order starts at the input and ends at the loss. */
    g_assert_cmpstr(tsu_node_id(tsu_graph_node(g, 0)), ==, "x");
    g_assert_cmpstr(tsu_node_id(tsu_graph_node(g, 11)), ==, "loss");
    tsu_graph_stats s;
    tsu_graph_stats_compute(g, 64, TSU_OPT_ADAM, &s);
    g_assert_cmpuint(s.trainable, ==, 29034);
    g_assert_cmpuint(s.state, ==, 96);
    g_assert_cmpuint(s.weight_bytes, ==, (29034 + 96) * 4);
    g_assert_cmpuint(s.gradient_bytes, ==, 29034 * 4);
    g_assert_cmpuint(s.optimizer_bytes, ==, 2 * 29034 * 4);
    /* activations per sample: every node's output, summed by hand. */
    uint64_t acts = 784 + 3 * 12544 + 3136 + 3 * 6272 + 1568 + 10 + 10 + 1;
    g_assert_cmpuint(s.activations, ==, acts);
    g_assert_cmpuint(s.activation_bytes, ==, 2 * 64 * acts * 4);
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* The seed's Affine example: 32x25x62 = 49,600 values -> 73 outputs. */
static void test_affine_flattens(void)
{
    tsu_diag diag;
    tsu_graph *g = build_graph("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [32, 25, 62]}}, "
                         "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 73}}, "
                         "{\"id\": \"nb\", \"type\": \"Affine\", \"inputs\": [\"x\"], "
                         "\"params\": {\"outmaps\": 73, \"with_bias\": false}}]",
                         &diag);
    g_assert_cmpint(diag.count, ==, 0);
    const tsu_node *fc = tsu_graph_find(g, "fc");
    g_assert_cmpuint(tsu_node_trainable_count(fc), ==, 3620800 + 73);
    g_assert_cmpuint(tsu_node_trainable_count(tsu_graph_find(g, "nb")), ==, 3620800);
    g_assert_cmpint(tsu_node_tensor_count(fc), ==, 2);
    const tsu_tensor_info *w = tsu_node_tensor(fc, 0);
    g_assert_cmpstr(w->name, ==, "weight");
    g_assert_cmpint(w->shape.ndim, ==, 2);
    g_assert_cmpint(w->shape.d[0], ==, 73);
    g_assert_cmpint(w->shape.d[1], ==, 49600);
    tsu_graph_free(g);
    tsu_diag_free(&diag);
}

static void test_defaults_resolved(void)
{
    tsu_diag diag;
    tsu_graph *g = build_graph("[" INPUT ", {\"id\": \"p\", \"type\": \"MaxPooling\", \"inputs\": [\"x\"], "
                         "\"params\": {\"kernel\": [4, 4]}}]",
                         &diag);
    const tsu_value *stride = tsu_node_param(tsu_graph_find(g, "p"), "stride");
    g_assert_nonnull(stride);
    g_assert_cmpint(stride->n, ==, 2);
    g_assert_cmpint(stride->ints[0], ==, 4); /* stride defaults to the kernel */
    char shape[32];
    tsu_shape_format(tsu_node_shape(tsu_graph_find(g, "p")), shape, sizeof shape);
    g_assert_cmpstr(shape, ==, "1x2x2");
    tsu_graph_free(g);
    tsu_diag_free(&diag);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/graph/unknown-type", test_unknown_type_suggests);
    g_test_add_func("/graph/param-types-and-bounds", test_param_types_and_bounds);
    g_test_add_func("/graph/duplicate-ids", test_duplicate_ids);
    g_test_add_func("/graph/inputs-naming-no-node", test_inputs_naming_no_node);
    g_test_add_func("/graph/input-counts", test_wrong_input_counts);
    g_test_add_func("/graph/cycles", test_cycles_are_named);
    g_test_add_func("/graph/shape-errors", test_shape_errors);
    g_test_add_func("/graph/all-errors-collected", test_all_errors_collected);
    g_test_add_func("/graph/seed-network", test_seed_network_numbers);
    g_test_add_func("/graph/affine-flattens", test_affine_flattens);
    g_test_add_func("/graph/defaults", test_defaults_resolved);
    return g_test_run();
}
