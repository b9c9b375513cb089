/* test-examples.c — the deep examples (resources/examples/fashion-mnist-resnet
 * and fashion-mnist-mobilenet): their parameter counts against hand
 * arithmetic, on the drawn graph and on the unrolled net that trains. */
#include "test-helpers.h"

typedef struct {
    tsu_project *project;
    tsu_graph *graph;
    tsu_net *net;
    tsu_diag diag;
} example;

static void example_open(example *e, const char *file)
{
    g_autofree char *path = source_path(file);
    tsu_diag_init(&e->diag);
    e->project = tsu_project_load(path, &e->diag);
    g_assert_nonnull(e->project);
    e->graph = tsu_graph_build(e->project, &e->diag);
    diag_dump(&e->diag);
    g_assert_true(tsu_graph_valid(e->graph));
    tsu_net_config cfg = {.max_batch = 2, .threads = 1, .seed = 1, .training = true};
    e->net = tsu_net_new(e->graph, &cfg, &e->diag);
    g_assert_nonnull(e->net);
}

static void example_close(example *e)
{
    tsu_net_free(e->net);
    tsu_graph_free(e->graph);
    tsu_project_free(e->project);
    tsu_diag_free(&e->diag);
}

static size_t graph_trainable(const tsu_graph *g)
{
    tsu_graph_stats s;
    tsu_graph_stats_compute(g, 1, TSU_OPT_ADAM, &s);
    return s.trainable;
}

/* Values of the net's trainable tensors whose name starts with prefix ("" for all). */
static size_t net_trainable(tsu_net *net, const char *prefix, int *tensors)
{
    size_t sum = 0;
    *tensors = 0;
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        const tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        if (!t->trainable || strncmp(t->name, prefix, strlen(prefix)) != 0) continue;
        sum += t->size;
        (*tensors)++;
    }
    return sum;
}

/* One repetition of the residual block: two Convolutions 32 -> 32, 3x3,
 * with bias (32*32*9 + 32 = 9,248 each) and two BatchNormalizations
 * (gamma and beta: 2*32 = 64 each) = 18,624; the block runs 3 times:
 * 55,872. Outside it: conv1 1*32*9 + 32 = 320, bn1 64, fc 32*10 + 10 = 330.
 * Total 56,586. */
static void test_resnet_block_counts(void)
{
    example e;
    example_open(&e, "resources/examples/fashion-mnist-resnet.tsumiki");
    const tsu_node *start = tsu_graph_find(e.graph, "block");
    const tsu_node *end = tsu_graph_find(e.graph, "block_end");
    g_assert_true(tsu_node_block(end) == start);
    g_assert_cmpint(tsu_node_repeat(tsu_graph_find(e.graph, "conv_a")), ==, 3);

    size_t block = 0;
    for (int i = 0; i < tsu_graph_node_count(e.graph); i++) {
        const tsu_node *n = tsu_graph_node(e.graph, i);
        if (tsu_node_block(n) == start) block += tsu_node_trainable_count(n);
    }
    g_assert_cmpuint(block, ==, 3 * (2 * (32 * 32 * 9 + 32) + 2 * (2 * 32)));
    g_assert_cmpuint(block, ==, 55872);
    g_assert_cmpuint(tsu_node_trainable_count(tsu_graph_find(e.graph, "conv_b")), ==, 3 * 9248);
    g_assert_cmpuint(graph_trainable(e.graph), ==, 320 + 64 + 55872 + 330);

    /* The unrolled net holds each copy's tensors: conv_a.0 .. conv_a.2,
     * weight and bias each, and the same total as the drawn graph. */
    int tensors = 0;
    g_assert_cmpuint(net_trainable(e.net, "conv_a.", &tensors), ==, 3 * 9248);
    g_assert_cmpint(tensors, ==, 6);
    g_assert_nonnull(tsu_net_tensor_find(e.net, "bn_b.2.running_var"));
    g_assert_null(tsu_net_tensor_find(e.net, "conv_a.3.weight"));
    g_assert_cmpuint(net_trainable(e.net, "", &tensors), ==, 56586);
    g_assert_cmpint(tensors, ==, 4 + 3 * 8 + 2);
    example_close(&e);
}

/* Convolutions before a BatchNormalization have no bias. stem 1*32*9 =
 * 288, dw1 32*9 = 288, pw1 32*64 = 2,048, dw2 64*9 = 576, pw2 64*128 =
 * 8,192; BatchNormalizations 2*(32 + 32 + 64 + 64 + 128) = 640; the
 * squeeze-and-excitation Affines 128*32 + 32 = 4,128 and 32*128 + 128 =
 * 4,224; fc 128*10 + 10 = 1,290. Total 21,674. */
static void test_mobilenet_counts(void)
{
    example e;
    example_open(&e, "resources/examples/fashion-mnist-mobilenet.tsumiki");
    g_assert_cmpuint(graph_trainable(e.graph),
                     ==, 288 + 288 + 2048 + 576 + 8192 + 640 + 4128 + 4224 + 1290);
    g_assert_cmpuint(graph_trainable(e.graph), ==, 21674);
    int tensors = 0;
    g_assert_cmpuint(net_trainable(e.net, "", &tensors), ==, 21674);
    /* 5 weights without bias, 5 BatchNormalizations, 3 Affines. */
    g_assert_cmpint(tensors, ==, 5 + 2 * 5 + 2 * 3);
    /* The gate [128, 1, 1] scales the [128, 7, 7] map by broadcasting. */
    const tsu_shape *gate = tsu_node_shape(tsu_graph_find(e.graph, "se_shape"));
    const tsu_shape *scaled = tsu_node_shape(tsu_graph_find(e.graph, "se_scale"));
    g_assert_cmpint(gate->ndim, ==, 3);
    g_assert_cmpint(gate->d[0] * gate->d[1] * gate->d[2], ==, 128);
    g_assert_cmpint(scaled->d[0], ==, 128);
    g_assert_cmpint(scaled->d[1], ==, 7);
    g_assert_cmpint(scaled->d[2], ==, 7);
    example_close(&e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/examples/resnet-block-counts", test_resnet_block_counts);
    g_test_add_func("/examples/mobilenet-counts", test_mobilenet_counts);
    return g_test_run();
}
