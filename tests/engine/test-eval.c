/* test-eval.c — evaluation's per-sample outputs in memory, on networks
 * small enough to check by hand, and the output table written from them
 * (by the engine and by `tsumiki-cli eval --outputs`). */
#include <glib/gstdio.h>
#include <math.h>

#include "test-helpers.h"

static const char *cli_path; /* the tsumiki-cli to compare with, or NULL */

/* A project over data.csv whose Affine "fc" gets the given weight and bias
 * (2 x 2 identity or 1 x 2 [2, 0]: the same read either way round). */
static tsu_project *tiny_project(const char *dir, const char *nodes, const char *csv,
                                 const float *weight, size_t n_weight, const float *bias,
                                 size_t n_bias, char **weights_path)
{
    g_autofree char *data = g_build_filename(dir, "data.csv", NULL);
    g_assert_true(g_file_set_contents(data, csv, -1, NULL));
    g_autofree char *text = g_strdup_printf(
        "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"tiny\", "
        "\"network\": {\"nodes\": [%s]}, \"dataset\": {"
        "\"validation\": {\"source\": \"csv\", \"path\": \"data.csv\"}}}",
        nodes);
    tsu_project *p = load_text(text);
    g_autofree char *path = g_build_filename(dir, "tiny.tsumiki", NULL);
    tsu_project_set_path(p, path);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_project_save(p, path, &diag), ==, TSU_OK);
    tsu_graph *graph = tsu_graph_build(p, &diag);
    g_assert_true(tsu_graph_valid(graph));
    tsu_net_config nc = {.max_batch = 4, .threads = 1, .seed = 1};
    tsu_net *net = tsu_net_new(graph, &nc, &diag);
    g_assert_nonnull(net);
    tsu_net_tensor *w = tsu_net_tensor_find(net, "fc.weight"), *b = tsu_net_tensor_find(net, "fc.bias");
    g_assert_nonnull(w);
    g_assert_nonnull(b);
    g_assert_cmpuint(w->size, ==, n_weight);
    g_assert_cmpuint(b->size, ==, n_bias);
    memcpy(w->data, weight, n_weight * sizeof *weight);
    memcpy(b->data, bias, n_bias * sizeof *bias);
    *weights_path = g_build_filename(dir, "weights.safetensors", NULL);
    g_assert_cmpint(tsu_net_save_safetensors(net, *weights_path, &diag), ==, TSU_OK);
    tsu_net_free(net);
    tsu_graph_free(graph);
    tsu_diag_free(&diag);
    return p;
}

static char *read_text(const char *path)
{
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

/* tsu_eval_write_outputs, and tsumiki-cli eval --outputs when the test
 * knows where it is, write exactly `expected`. */
static void assert_outputs_written(const char *dir, const tsu_eval_result *r,
                                   const char *weights, const char *expected)
{
    g_autofree char *engine_csv = g_build_filename(dir, "engine.csv", NULL);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_eval_write_outputs(r, engine_csv, &diag), ==, TSU_OK);
    g_autofree char *written = read_text(engine_csv);
    g_assert_cmpstr(written, ==, expected);
    tsu_diag_free(&diag);
    if (!cli_path) return;

    g_autofree char *project = g_build_filename(dir, "tiny.tsumiki", NULL);
    g_autofree char *cli_csv = g_build_filename(dir, "cli.csv", NULL);
    const char *argv[] = {cli_path, "eval", project, "--weights", weights, "--outputs", cli_csv, NULL};
    int status = -1;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_autofree char *from_cli = read_text(cli_csv);
    g_assert_cmpstr(from_cli, ==, expected);
}

/* Logits are the inputs (identity, no bias): inputs of ln 3, ln 4 and ln 9
 * against 0 give the probabilities 3/4, 4/5 and 9/10. */
static void test_classification_outputs(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-eval-XXXXXX", NULL);
    static const float identity[] = {1, 0, 0, 1}, zero[] = {0, 0};
    g_autofree char *weights = NULL;
    g_autofree char *csv = g_strdup_printf("x__0,x__1,y\n0,%.9g,1\n%.9g,0,1\n%.9g,0,0\n",
                                           log(3.0), log(4.0), log(9.0));
    tsu_project *p = tiny_project(
        dir,
        "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
        "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 2}},"
        "{\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"
        "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}",
        csv, identity, 4, zero, 2, &weights);
    tsu_eval_options o = {.keep_outputs = true};
    tsu_eval_result r;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_eval_run(p, weights, &o, &r, &diag), ==, TSU_OK);

    g_assert_cmpint(r.samples, ==, 3);
    g_assert_true(r.classification);
    g_assert_cmpint(r.n_outputs, ==, 2);
    static const int labels[] = {1, 1, 0}, predictions[] = {1, 0, 0};
    static const float probabilities[] = {0.25f, 0.75f, 0.8f, 0.2f, 0.9f, 0.1f};
    for (int i = 0; i < 3; i++) {
        g_assert_cmpint(r.labels[i], ==, labels[i]);
        g_assert_cmpint(r.predictions[i], ==, predictions[i]);
    }
    for (int i = 0; i < 6; i++) g_assert_cmpfloat_with_epsilon(r.outputs[i], probabilities[i], 1e-6);
    g_assert_null(r.targets);
    /* The summary agrees: one mistake, loss the mean of -ln p(label). */
    g_assert_cmpint(r.confusion.counts[1 * 2 + 0], ==, 1);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_accuracy(&r.confusion), 2.0 / 3, 1e-12);
    g_assert_cmpfloat_with_epsilon(r.loss, -(log(0.75) + log(0.2) + log(0.9)) / 3, 1e-5);

    assert_outputs_written(dir, &r, weights,
                           "index,label,prediction,p_0,p_1\n"
                           "0,1,1,0.25,0.75\n"
                           "1,1,0,0.8,0.2\n"
                           "2,0,0,0.9,0.1\n");
    tsu_eval_result_free(&r);

    /* Without keep_outputs nothing per sample is kept. */
    o.keep_outputs = false;
    g_assert_cmpint(tsu_eval_run(p, weights, &o, &r, &diag), ==, TSU_OK);
    g_assert_null(r.outputs);
    g_assert_null(r.labels);
    g_assert_cmpint(r.samples, ==, 3);
    tsu_eval_result_free(&r);

    /* A stop already requested: stopped before the first batch. */
    volatile int stop = 1;
    o.stop_requested = &stop;
    g_assert_cmpint(tsu_eval_run(p, weights, &o, &r, &diag), ==, TSU_E_STOPPED);
    g_assert_true(diag_has(&diag, "stopped", NULL));
    tsu_eval_result_free(&r);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* y = 2 x0 + 1: outputs 3 and -1 against targets 3.5 and -1. */
static void test_regression_outputs(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-eval-XXXXXX", NULL);
    static const float weight[] = {2, 0}, bias[] = {1};
    g_autofree char *weights = NULL;
    tsu_project *p = tiny_project(
        dir,
        "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
        "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 1}},"
        "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"fc\"]}",
        "x__0,x__1,y\n1,5,3.5\n-1,7,-1\n", weight, 2, bias, 1, &weights);
    tsu_eval_options o = {.split = "validation", .keep_outputs = true};
    tsu_eval_result r;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_eval_run(p, weights, &o, &r, &diag), ==, TSU_OK);
    diag_dump(&diag);

    g_assert_false(r.classification);
    g_assert_cmpint(r.samples, ==, 2);
    g_assert_cmpint(r.n_outputs, ==, 1);
    g_assert_cmpint(r.n_targets, ==, 1);
    g_assert_cmpfloat(r.outputs[0], ==, 3);
    g_assert_cmpfloat(r.outputs[1], ==, -1);
    g_assert_cmpfloat(r.targets[0], ==, 3.5);
    g_assert_cmpfloat(r.targets[1], ==, -1);
    g_assert_null(r.labels);
    g_assert_cmpfloat_with_epsilon(r.mean_squared_error, (0.25 + 0) / 2, 1e-12);

    assert_outputs_written(dir, &r, weights, "index,target_0,output_0\n0,3.5,3\n1,-1,-1\n");
    tsu_eval_result_free(&r);

    /* A split the project does not have. */
    o.split = "training";
    g_assert_cmpint(tsu_eval_run(p, weights, &o, &r, &diag), ==, TSU_E_DATA);
    g_assert_cmpstr(tsu_diag_message(&diag, NULL), ==, "dataset.training: the project names no training data");
    tsu_eval_result_free(&r);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    cli_path = argc > 1 ? argv[1] : NULL;
    g_test_add_func("/eval/classification-outputs", test_classification_outputs);
    g_test_add_func("/eval/regression-outputs", test_regression_outputs);
    return g_test_run();
}
