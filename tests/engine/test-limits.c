/* test-limits.c — project files that `check` used to accept but that crashed
 * train or export: names longer than the buffers that hold them, element
 * counts that wrap around, batch sizes whose buffers overflow. Each is now an
 * error at graph build (or net creation) naming the node. */
#include "test-helpers.h"

#include "tsumiki-net.h"

static tsu_graph *build(const char *nodes, tsu_diag *diag, tsu_project **project)
{
    *project = load_nodes(nodes);
    tsu_diag_init(diag);
    return tsu_graph_build(*project, diag);
}

static void expect_invalid(const char *nodes, const char *message)
{
    tsu_project *p;
    tsu_diag diag;
    tsu_graph *g = build(nodes, &diag, &p);
    if (tsu_graph_valid(g) || !diag_has(&diag, message, NULL)) {
        diag_dump(&diag);
        g_error("expected \"%s\" for %s", message, nodes);
    }
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* 64 characters: one more than a dataset variable name may have. */
#define NAME64 "v123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0"
#define NAME63 "v123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"

/* A variable name is copied into TSU_ID_MAX buffers by the runtime and the
 * dataset readers: a longer one was truncated there and then not found. */
static void test_long_variable_name(void)
{
    g_assert_cmpuint(strlen(NAME64), ==, TSU_ID_MAX);
    expect_invalid("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2], "
                   "\"dataset\": \"" NAME64 "\"}}]",
                   "x.dataset: expected a non-empty string of at most 63 characters, got \""
                   NAME64 "\"");
    expect_invalid("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
                   "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"x\"], "
                   "\"params\": {\"dataset\": \"" NAME64 "\"}}]",
                   "loss.dataset: expected a non-empty string of at most 63 characters");
    /* The longest allowed name reaches the net's buffers whole. */
    tsu_project *p;
    tsu_diag diag;
    tsu_graph *g = build("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2], "
                         "\"dataset\": \"" NAME63 "\"}}]", &diag, &p);
    g_assert_true(tsu_graph_valid(g));
    tsu_net_config cfg = {.max_batch = 2, .threads = 1, .seed = 1, .training = false};
    tsu_net *net = tsu_net_new(g, &cfg, &diag);
    g_assert_nonnull(net);
    g_assert_nonnull(tsu_net_input(net, NAME63));
    tsu_net_free(net);
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* 3935371 * 4918692 * 7623851 is 4 modulo 2^64: the element count wrapped
 * and the Reshape of 4 values passed. */
static void test_wrapping_shape(void)
{
    expect_invalid("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}},"
                   "{\"id\": \"big\", \"type\": \"Reshape\", \"inputs\": [\"x\"], "
                   "\"params\": {\"shape\": [3935371, 4918692, 7623851]}}]",
                   "big.shape: expected a list of 1 to 6 positive integers whose product is at "
                   "most 2147483647, got [3935371, 4918692, 7623851]");
    expect_invalid("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [65536, 65536]}}]",
                   "x.shape: expected a list of 1 to 6 positive integers whose product is at "
                   "most 2147483647");
    /* The same count with a valid product is fine. */
    tsu_project *p;
    tsu_diag diag;
    tsu_graph *g = build("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}},"
                         "{\"id\": \"r\", \"type\": \"Reshape\", \"inputs\": [\"x\"], "
                         "\"params\": {\"shape\": [2, 1, 2]}}]", &diag, &p);
    g_assert_true(tsu_graph_valid(g));
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* Outputs and parameter tensors that grow past TSU_MAX_ELEMENTS inside a
 * layer are caught once, by graph building, for every kind. */
static void test_counts_past_the_limit(void)
{
    g_assert_cmpint(TSU_MAX_ELEMENTS, ==, 2147483647);
    expect_invalid("[{\"id\": \"a\", \"type\": \"Input\", \"params\": {\"shape\": [64, 16777216], "
                   "\"dataset\": \"a\"}},"
                   "{\"id\": \"b\", \"type\": \"Input\", \"params\": {\"shape\": [64, 16777216], "
                   "\"dataset\": \"b\"}},"
                   "{\"id\": \"cat\", \"type\": \"Concatenate\", \"inputs\": [\"a\", \"b\"]}]",
                   "cat: output shape [128, 16777216] has more than 2147483647 values per sample");
    expect_invalid("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [64, 16777216]}},"
                   "{\"id\": \"FC1\", \"type\": \"Affine\", \"inputs\": [\"x\"], "
                   "\"params\": {\"outmaps\": 4}}]",
                   "FC1: parameter weight of shape [4, 1073741824] has more than 2147483647 "
                   "values");
    /* The layers after a rejected one are left unjudged, not blamed. */
    tsu_project *p;
    tsu_diag diag;
    tsu_graph *g = build("[{\"id\": \"a\", \"type\": \"Input\", \"params\": {\"shape\": [64, 16777216], "
                         "\"dataset\": \"a\"}},"
                         "{\"id\": \"cat\", \"type\": \"Concatenate\", \"inputs\": [\"a\", \"a\"]},"
                         "{\"id\": \"r\", \"type\": \"ReLU\", \"inputs\": [\"cat\"]}]", &diag, &p);
    g_assert_false(tsu_graph_valid(g));
    g_assert_cmpint(diag.count, ==, 1);
    g_assert_false(tsu_node_has_shape(tsu_graph_find(g, "r")));
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* Batch size times values per sample is checked before anything is
 * allocated: the error names the node whose buffer does not fit. */
static void test_batch_buffers_overflow(void)
{
    tsu_project *p;
    tsu_diag diag;
    tsu_graph *g = build("[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [64, 16777216]}},"
                         "{\"id\": \"big\", \"type\": \"ReLU\", \"inputs\": [\"x\"]}]", &diag, &p);
    g_assert_true(tsu_graph_valid(g));
    tsu_net_config cfg = {.max_batch = 2147483647, .threads = 1, .seed = 1, .training = true};
    g_assert_null(tsu_net_new(g, &cfg, &diag));
    if (!diag_has(&diag, "at batch size 2147483647 the network's buffers exceed the address space",
                  NULL)) {
        diag_dump(&diag);
        g_error("no overflow message");
    }
    g_assert_cmpint(diag.items[0].code, ==, TSU_E_NOMEM);
    g_assert_true(diag.items[0].node[0] == 'x' || !strcmp(diag.items[0].node, "big"));
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/limits/long-variable-name", test_long_variable_name);
    g_test_add_func("/limits/wrapping-shape", test_wrapping_shape);
    g_test_add_func("/limits/counts-past-the-limit", test_counts_past_the_limit);
    g_test_add_func("/limits/batch-buffers-overflow", test_batch_buffers_overflow);
    return g_test_run();
}
