/* test-golden.c — forward values of a few layers against numpy's, computed
 * independently by tests/data/runtime/make-golden.py (golden.json). */
#include "test-helpers.h"

#include <json-c/json.h>
#include <math.h>

static struct json_object *load_golden(void)
{
    const char *root = g_getenv("TSU_SOURCE_DIR");
    g_assert_nonnull(root);
    char *path = g_build_filename(root, "tests", "data", "runtime", "golden.json", NULL);
    struct json_object *golden = json_object_from_file(path);
    if (!golden) g_error("cannot read %s", path);
    g_free(path);
    return golden;
}

static void copy_floats(struct json_object *array, float *dst, size_t expected)
{
    g_assert_cmpuint(json_object_array_length(array), ==, expected);
    for (size_t i = 0; i < expected; i++)
        dst[i] = (float)json_object_get_double(json_object_array_get_idx(array, i));
}

static void compare_floats(const char *what, struct json_object *array, const float *got,
                           size_t n)
{
    g_assert_cmpuint(json_object_array_length(array), ==, n);
    for (size_t i = 0; i < n; i++) {
        double want = json_object_get_double(json_object_array_get_idx(array, i));
        if (fabs(want - got[i]) > 1e-4 * (1.0 + fabs(want)))
            g_error("%s[%zu]: got %.7g, numpy %.7g", what, i, got[i], want);
    }
}

static void run_case(struct json_object *c, int threads)
{
    const char *name = json_object_get_string(json_object_object_get(c, "name"));
    struct json_object *nodes = json_object_object_get(c, "nodes");
    const char *text = json_object_to_json_string_ext(nodes, JSON_C_TO_STRING_PLAIN);
    char *members = g_strndup(text + 1, strlen(text) - 2); /* without [ ] */
    test_graph t;
    test_graph_build(&t, members);
    g_free(members);
    g_assert_true(tsu_graph_valid(t.graph));
    int batch = json_object_get_int(json_object_object_get(c, "batch"));
    bool training = json_object_get_boolean(json_object_object_get(c, "training"));
    tsu_net_config cfg = {.max_batch = batch, .threads = threads, .seed = 1, .training = false};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    g_assert_nonnull(net);
    size_t in_size = tsu_shape_size(tsu_node_shape(tsu_graph_find(t.graph, "x")));
    copy_floats(json_object_object_get(c, "x"), tsu_net_input(net, "x"), batch * in_size);
    json_object_object_foreach(json_object_object_get(c, "tensors"), key, values) {
        tsu_net_tensor *tensor = tsu_net_tensor_find(net, key);
        g_assert_nonnull(tensor);
        copy_floats(values, tensor->data, tensor->size);
    }
    g_assert_cmpint(tsu_net_forward(net, batch, training, &t.diag), ==, TSU_OK);
    size_t out_size = tsu_shape_size(tsu_node_shape(tsu_graph_find(t.graph, "t")));
    g_test_message("%s, %d threads", name, threads);
    compare_floats(name, json_object_object_get(c, "y"), tsu_net_output(net, "t"),
                   batch * out_size);
    struct json_object *state;
    if (json_object_object_get_ex(c, "state_after", &state)) {
        json_object_object_foreach(state, state_key, state_values) {
            tsu_net_tensor *tensor = tsu_net_tensor_find(net, state_key);
            compare_floats(state_key, state_values, tensor->data, tensor->size);
        }
    }
    tsu_net_free(net);
    test_graph_free(&t);
}

static void test_golden(void)
{
    struct json_object *golden = load_golden();
    struct json_object *cases = json_object_object_get(golden, "cases");
    g_assert_cmpuint(json_object_array_length(cases), >=, 5);
    for (size_t i = 0; i < json_object_array_length(cases); i++) {
        run_case(json_object_array_get_idx(cases, i), 1);
        run_case(json_object_array_get_idx(cases, i), 2);
    }
    json_object_put(golden);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runtime/golden/forward", test_golden);
    return g_test_run();
}
