/* test-toy-layer.c — a layer kind added in one file (toy-layer.c) reaches
 * the catalogue, the runtime and every exporter without touching the
 * engine; kinds declare the runtime fusions they implement; every parameter
 * table has an entry for each index of its enum. The exported
 * files are checked number by number in tests/export (export-toy-*). */
#include "runtime/net-internal.h"
#include "test-helpers.h"

static const char square_net[] =
    "[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3]}},"
    " {\"id\": \"sq\", \"type\": \"Square\", \"inputs\": [\"x\"], \"params\": {\"gain\": 0.5}},"
    " {\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"sq\"]}]";

typedef struct {
    tsu_project *project;
    tsu_graph *graph;
    tsu_net *net;
    tsu_diag diag;
} toy;

static void toy_build(toy *t, const char *nodes, bool training)
{
    tsu_diag_init(&t->diag);
    t->project = load_nodes(nodes);
    t->graph = tsu_graph_build(t->project, &t->diag);
    diag_dump(&t->diag);
    g_assert_true(tsu_graph_valid(t->graph));
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1, .training = training};
    t->net = tsu_net_new(t->graph, &cfg, &t->diag);
    g_assert_nonnull(t->net);
}

static void toy_free(toy *t)
{
    tsu_net_free(t->net);
    tsu_graph_free(t->graph);
    tsu_project_free(t->project);
    tsu_diag_free(&t->diag);
}

static void test_registered(void)
{
    int n = tsu_layer_kind_count();
    const tsu_layer_kind *square = tsu_layer_kind_find("Square");
    g_assert_nonnull(square);
    /* After the engine's own kinds, in the order the test lists them. */
    g_assert_true(tsu_layer_kind_at(n - 2) == square);
    g_assert_cmpstr(tsu_layer_kind_name(tsu_layer_kind_at(n - 1)), ==, "Echo");
    g_assert_null(tsu_layer_kind_at(n));
    g_assert_cmpstr(tsu_layer_kind_name(tsu_layer_kind_at(0)), ==, "Input");
    g_assert_nonnull(tsu_layer_kind_find("Convolution"));
    g_assert_cmpstr(tsu_layer_kind_suggest("Sqare"), ==, "Square");
}

/* TSU_PARAMS_MATCH checks a table's length against its enum; a gap in the
 * designated initialisers would still leave an entry without a name. */
static void test_param_tables_complete(void)
{
    for (int i = 0; i < tsu_layer_kind_count(); i++) {
        const tsu_layer_kind *kind = tsu_layer_kind_at(i);
        for (int k = 0; k < kind->n_params; k++) {
            if (!kind->params[k].name) g_error("%s: parameter %d has no entry", kind->name, k);
            g_assert_nonnull(kind->params[k].help);
        }
        /* An explanation too, for the inspector, the palette and docs
         * (test-advice checks the engine's; this covers the recipe's). */
        const tsu_layer_about *about = tsu_layer_kind_about(kind);
        if (!about->computes || !about->why || !about->neighbours)
            g_error("%s has no explanation (tsu_layer_kind.about)", kind->name);
    }
}

/* y = 0.5 x^2 for x = (1, -2, 3); SquaredError against 0 is the mean of y^2,
 * and its gradient 2 y / 3 reaches x as 2 * 0.5 * x * dy = x * 2 y / 3. */
static void test_forward_backward(void)
{
    toy t;
    toy_build(&t, square_net, true);
    tsu_net_set_input_gradients(t.net, true);
    const float x[3] = {1.0f, -2.0f, 3.0f};
    memcpy(tsu_net_input(t.net, "x"), x, sizeof x);
    memset(tsu_net_target(t.net, "y"), 0, 3 * sizeof(float));
    g_assert_cmpint(tsu_net_forward(t.net, 1, true, &t.diag), ==, TSU_OK);
    const float *y = tsu_net_output(t.net, "sq");
    g_assert_cmpfloat(y[0], ==, 0.5f);
    g_assert_cmpfloat(y[1], ==, 2.0f);
    g_assert_cmpfloat(y[2], ==, 4.5f);
    g_assert_cmpfloat_with_epsilon(tsu_net_loss(t.net), (0.25 + 4.0 + 20.25) / 3.0, 1e-5);
    g_assert_cmpint(tsu_net_backward(t.net, 1, &t.diag), ==, TSU_OK);
    const float *dx = tsu_net_output_grad(t.net, "x");
    g_assert_nonnull(dx);
    g_assert_cmpfloat_with_epsilon(dx[0], 1.0 * 2.0 * 0.5 / 3.0, 1e-6);
    g_assert_cmpfloat_with_epsilon(dx[1], -2.0 * 2.0 * 2.0 / 3.0, 1e-6);
    g_assert_cmpfloat_with_epsilon(dx[2], 3.0 * 2.0 * 4.5 / 3.0, 1e-5);
    toy_free(&t);
}

static char *read_text(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static void remove_tree(const char *dir)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    g_assert_cmpint(system(cmd), ==, 0);
}

/* What each format writes for the toy kind, as its callbacks put it. */
static void test_exports(void)
{
    toy t;
    toy_build(&t, square_net, false);
    g_autofree char *dir = g_dir_make_tmp("tsu-toy-XXXXXX", NULL);
    g_autofree char *onnx = g_build_filename(dir, "m.onnx", NULL);
    g_autofree char *c_dir = g_build_filename(dir, "c", NULL);
    g_autofree char *py_dir = g_build_filename(dir, "torch", NULL);
    g_assert_cmpint(tsu_export_onnx(t.project, t.graph, t.net, onnx, &t.diag), ==, TSU_OK);
    g_assert_cmpint(tsu_export_c(t.graph, t.net, c_dir, "toy", &t.diag), ==, TSU_OK);
    g_assert_cmpint(tsu_export_pytorch(t.project, t.graph, t.net, py_dir, &t.diag), ==, TSU_OK);

    g_autofree char *c_text = read_text(c_dir, "toy.c");
    g_assert_nonnull(strstr(c_text, "    /* Square sq */\n"));
    g_assert_nonnull(strstr(c_text, "(input + 0)[i];\n        (arena + 0)[i] = 0.5f * v * v;"));
    g_autofree char *py_text = read_text(py_dir, "model.py");
    g_assert_nonnull(strstr(py_text, "        t_sq = 0.5 * t_x * t_x\n        return t_sq\n"));
    /* The ONNX nodes and the gain initializer (names are plain bytes in the
     * protobuf). */
    gsize len = 0;
    g_autofree char *bytes = NULL;
    g_assert_true(g_file_get_contents(onnx, &bytes, &len, NULL));
    g_assert_nonnull(g_strstr_len(bytes, (gssize)len, "sq/square"));
    g_assert_nonnull(g_strstr_len(bytes, (gssize)len, "sq/gain"));
    remove_tree(dir);
    toy_free(&t);
}

/* A kind without callbacks stops every format with its reason, naming the
 * node, and writes nothing. */
static void test_unexportable(void)
{
    toy t;
    toy_build(&t,
              "[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
              " {\"id\": \"e1\", \"type\": \"Echo\", \"inputs\": [\"x\"]}]",
              false);
    g_autofree char *dir = g_dir_make_tmp("tsu-toy-XXXXXX", NULL);
    g_autofree char *onnx = g_build_filename(dir, "m.onnx", NULL);
    g_autofree char *c_dir = g_build_filename(dir, "c", NULL);
    g_autofree char *py_dir = g_build_filename(dir, "torch", NULL);
    g_assert_cmpint(tsu_export_onnx(t.project, t.graph, t.net, onnx, &t.diag), ==,
                    TSU_E_UNSUPPORTED);
    g_assert_cmpint(tsu_export_c(t.graph, t.net, c_dir, "toy", &t.diag), ==, TSU_E_UNSUPPORTED);
    g_assert_cmpint(tsu_export_pytorch(t.project, t.graph, t.net, py_dir, &t.diag), ==,
                    TSU_E_UNSUPPORTED);
    diag_dump(&t.diag);
    for (const char *const *f = (const char *const[]){"ONNX", "C", "PyTorch", NULL}; *f; f++) {
        g_autofree char *msg = g_strdup_printf("%s export cannot write Echo layers: Echo is a "
                                               "test kind that no format knows", *f);
        g_assert_true(diag_has(&t.diag, msg, NULL));
    }
    for (int i = 0; i < t.diag.count; i++) g_assert_cmpstr(t.diag.items[i].node, ==, "e1");
    g_assert_false(g_file_test(onnx, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(c_dir, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(py_dir, G_FILE_TEST_EXISTS));
    remove_tree(dir);
    toy_free(&t);
}

/* The fusions the kinds declare reach the net: BatchNormalization runs the
 * ReLU after it; the cross entropies work on their Softmax's or Sigmoid's
 * input; none applies when a second reader needs the producer's output. */
static void test_fusions(void)
{
    toy t;
    toy_build(&t,
              "[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2, 2, 2]}},"
              " {\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"x\"]},"
              " {\"id\": \"r\", \"type\": \"ReLU\", \"inputs\": [\"bn\"]},"
              " {\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"r\"], "
              "   \"params\": {\"outmaps\": 3}},"
              " {\"id\": \"sm\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"
              " {\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"sm\"]},"
              " {\"id\": \"sg\", \"type\": \"Sigmoid\", \"inputs\": [\"fc\"]},"
              " {\"id\": \"bce\", \"type\": \"BinaryCrossEntropy\", \"inputs\": [\"sg\"], "
              "   \"params\": {\"dataset\": \"z\"}},"
              " {\"id\": \"bn2\", \"type\": \"BatchNormalization\", \"inputs\": [\"x\"]},"
              " {\"id\": \"r2\", \"type\": \"ReLU\", \"inputs\": [\"bn2\"]},"
              " {\"id\": \"also\", \"type\": \"Tanh\", \"inputs\": [\"bn2\"]}]",
              true);
    const tsu_layer_run *runs = t.net->runs;
#define RUN(id) (&runs[tsu_graph_find(t.graph, id)->topo_index])
    g_assert_true(RUN("bn")->relu_after == RUN("r"));
    g_assert_true(RUN("r")->fused_into_producer);
    g_assert_true(RUN("loss")->fused == RUN("sm"));
    g_assert_true(RUN("sm")->fused_into_loss);
    g_assert_true(RUN("bce")->fused == RUN("sg"));
    g_assert_null(RUN("bn2")->relu_after);
    g_assert_false(RUN("r2")->fused_into_producer);
    g_assert_null(RUN("fc")->relu_after);
#undef RUN
    toy_free(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/layers/toy/registered", test_registered);
    g_test_add_func("/layers/param-tables-complete", test_param_tables_complete);
    g_test_add_func("/layers/toy/forward-backward", test_forward_backward);
    g_test_add_func("/layers/toy/exports", test_exports);
    g_test_add_func("/layers/toy/unexportable", test_unexportable);
    g_test_add_func("/layers/fusions-declared-by-kinds", test_fusions);
    return g_test_run();
}
