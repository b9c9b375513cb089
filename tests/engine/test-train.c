/* test-train.c — the trainer end to end on small data: a real run that
 * must learn, run directory contents, determinism, stopping within one
 * batch, divergence naming the layer, data errors before training. */
#include <glib/gstdio.h>
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <math.h>

#include "test-helpers.h"

typedef struct {
    int iterations_seen, epochs_seen, stop_at_iteration;
    volatile int stop;
    tsu_event_kind last_kind;
    double last_validation_accuracy, last_validation_loss, first_train_loss;
    char last_message[512];
    int stats_events;
    tsu_layer_stats fc1, act, x;  /* the last sampled statistics */
} recorder;

static void keep_stats(recorder *r, const tsu_train_event *e)
{
    r->stats_events++;
    for (int i = 0; i < e->n_layer_stats; i++) {
        const tsu_layer_stats *s = &e->layer_stats[i];
        if (!strcmp(s->node, "fc1")) r->fc1 = *s;
        else if (!strcmp(s->node, "act")) r->act = *s;
        else if (!strcmp(s->node, "x")) r->x = *s;
    }
}

static void record(const tsu_train_event *e, void *user_data)
{
    recorder *r = user_data;
    r->last_kind = e->kind;
    if (e->kind == TSU_EVENT_ITERATION) {
        r->iterations_seen++;
        if (r->stop_at_iteration && r->iterations_seen == r->stop_at_iteration) r->stop = 1;
        if (e->layer_stats) keep_stats(r, e);
    } else if (e->kind == TSU_EVENT_EPOCH) {
        if (r->epochs_seen++ == 0) r->first_train_loss = e->train_loss;
        r->last_validation_accuracy = e->validation_accuracy;
        r->last_validation_loss = e->validation_loss;
    } else if (e->message) {
        g_strlcpy(r->last_message, e->message, sizeof r->last_message);
    }
}

/* Two Gaussian blobs in 2-D, labels 0/1, as an NNC-style CSV. */
static char *write_blobs_csv(const char *dir, const char *name, int n, int bad_label_line)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    GString *s = g_string_new("x__0,x__1,y\n");
    GRand *rand = g_rand_new_with_seed(42);
    for (int i = 0; i < n; i++) {
        int label = i % 2;
        double cx = label ? 1.0 : -1.0;
        int written_label = (i + 2 == bad_label_line) ? 7 : label;
        g_string_append_printf(s, "%.5f,%.5f,%d\n", cx + g_rand_double_range(rand, -0.8, 0.8),
                               g_rand_double_range(rand, -1, 1), written_label);
    }
    g_assert_true(g_file_set_contents(path, s->str, (gssize)s->len, NULL));
    g_string_free(s, TRUE);
    g_rand_free(rand);
    return g_steal_pointer(&path);
}

static const char classifier_nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
    "{\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 8}},"
    "{\"id\": \"act\", \"type\": \"Tanh\", \"inputs\": [\"fc1\"]},"
    "{\"id\": \"fc2\", \"type\": \"Affine\", \"inputs\": [\"act\"], \"params\": {\"outmaps\": 2}},"
    "{\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc2\"]},"
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}";

static tsu_project *blobs_project_with(const char *dir, const char *nodes,
                                       const char *optimizer_json, int bad_label_line)
{
    g_autofree char *train = write_blobs_csv(dir, "train.csv", 400, bad_label_line);
    g_autofree char *valid = write_blobs_csv(dir, "valid.csv", 100, 0);
    g_autofree char *text = g_strdup_printf(
        "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"blobs\", \"network\": {\"nodes\": ["
        "%s]},"
        "\"dataset\": {\"training\": {\"source\": \"csv\", \"path\": \"train.csv\"},"
        "\"validation\": {\"source\": \"csv\", \"path\": \"valid.csv\"}},"
        "\"training\": {\"epochs\": 4, \"batch_size\": 16, \"seed\": 3, \"optimizer\": %s}}",
        nodes, optimizer_json);
    tsu_project *p = load_text(text);
    g_autofree char *project_path = g_build_filename(dir, "blobs.tsumiki", NULL);
    tsu_project_set_path(p, project_path);
    return p;
}

static tsu_project *blobs_project(const char *dir, const char *optimizer_json, int bad_label_line)
{
    return blobs_project_with(dir, classifier_nodes, optimizer_json, bad_label_line);
}

static char *read_file(const char *dir, const char *name, gsize *length)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *data = NULL;
    if (!g_file_get_contents(path, &data, length, NULL)) return NULL;
    return data;
}

/* run.json says how the run ended. */
static void assert_status(const char *run_dir, tsu_run_status status, const char *reason)
{
    tsu_run_meta meta;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_run_meta_load(run_dir, &meta, &diag), ==, TSU_OK);
    g_assert_cmpstr(tsu_run_status_name(meta.status), ==, tsu_run_status_name(status));
    if (reason) g_assert_nonnull(strstr(meta.reason, reason));
    else g_assert_null(meta.reason);
    tsu_run_meta_free(&meta);
    tsu_diag_free(&diag);
}

static void test_learns_and_writes_run_dir(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
    tsu_project *p = blobs_project(dir, "{\"type\": \"Adam\", \"learning_rate\": 0.05}", 0);
    g_autofree char *out = g_build_filename(dir, "run", NULL);
    tsu_train_options o = {.out_dir = out, .threads = 2};
    recorder r = {0};
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_status st = tsu_train_run(p, &o, record, &r, &diag);
    diag_dump(&diag);
    g_assert_cmpint(st, ==, TSU_OK);
    g_assert_cmpint(r.last_kind, ==, TSU_EVENT_DONE);
    g_assert_cmpint(r.epochs_seen, ==, 4);
    g_assert_cmpint(r.iterations_seen, ==, 4 * 25);
    g_assert_cmpfloat(r.last_validation_accuracy, >, 0.95);
    g_assert_cmpfloat(r.last_validation_loss, <, r.first_train_loss);
    /* Layer statistics arrive at least at the end of every epoch. */
    g_assert_cmpint(r.stats_events, >=, 4);
    g_assert_cmpfloat(r.fc1.weight_norm, >, 0);
    g_assert_cmpfloat(r.fc1.gradient_norm, >, 0);
    g_assert_cmpfloat(r.x.gradient_norm, ==, 0);    /* an Input has no weights */
    g_assert_cmpfloat(r.act.activation_std, >, 0);
    g_assert_cmpfloat(fabsf(r.act.activation_mean), <=, 1); /* tanh */
    g_assert_cmpfloat(r.x.activation_std, >, 0.3);  /* the blobs spread over [-1.8, 1.8] */
    gsize n;
    g_autofree char *history = read_file(out, "history.csv", &n);
    g_assert_nonnull(history);
    g_assert_true(g_str_has_prefix(history, TSU_HISTORY_HEADER "\n1,"));
    assert_status(out, TSU_RUN_STATUS_FINISHED, NULL);
    g_auto(GStrv) lines = g_strsplit(g_strstrip(history), "\n", -1);
    g_assert_cmpint(g_strv_length(lines), ==, 5);
    g_autofree char *weights = read_file(out, "weights.safetensors", &n);
    g_assert_nonnull(weights);
    g_assert_cmpuint(n, >, 8 + (2 * 8 + 8 + 8 * 2 + 2) * 4);
    g_autofree char *best = read_file(out, "best.safetensors", &n);
    g_assert_nonnull(best);
    /* The copy of the project reloads and records the config as trained,
     * with dataset paths that still resolve from its new place. */
    g_autofree char *copy_path = g_build_filename(out, "project.tsumiki", NULL);
    tsu_project *copy = tsu_project_load(copy_path, &diag);
    g_assert_nonnull(copy);
    g_autofree char *copy_text = tsu_project_to_string(copy);
    g_assert_nonnull(strstr(copy_text, "\"epochs\": 4"));
    g_assert_nonnull(strstr(copy_text, dir));
    /* Evaluation of the saved weights agrees with training's last validation. */
    g_autofree char *outputs = g_build_filename(dir, "outputs.csv", NULL);
    g_autofree char *weights_path = g_build_filename(out, "weights.safetensors", NULL);
    tsu_eval_result er;
    tsu_eval_options eo = {.split = "validation", .threads = 1, .keep_outputs = true};
    g_assert_cmpint(tsu_eval_run(p, weights_path, &eo, &er, &diag), ==, TSU_OK);
    g_assert_cmpint(tsu_eval_write_outputs(&er, outputs, &diag), ==, TSU_OK);
    g_assert_cmpint(er.samples, ==, 100);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_accuracy(&er.confusion), r.last_validation_accuracy, 1e-9);
    g_assert_cmpfloat_with_epsilon(er.loss, r.last_validation_loss, 1e-4);
    g_autofree char *table = read_file(dir, "outputs.csv", &n);
    g_assert_true(g_str_has_prefix(table, "index,label,prediction,p_0,p_1\n0,0,"));
    tsu_eval_result_free(&er);
    tsu_project_free(copy);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

static char *train_and_read_weights(tsu_project *p, const char *dir, const char *name,
                                    uint64_t seed, gsize *length)
{
    g_autofree char *out = g_build_filename(dir, name, NULL);
    tsu_train_options o = {.out_dir = out, .threads = 2, .epochs = 2, .seed = seed, .seed_set = true};
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_train_run(p, &o, NULL, NULL, &diag), ==, TSU_OK);
    tsu_diag_free(&diag);
    return read_file(out, "weights.safetensors", length);
}

static void test_same_seed_same_bytes(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
    tsu_project *p = blobs_project(dir, "{\"type\": \"Momentum\", \"learning_rate\": 0.05}", 0);
    gsize na, nb, nc;
    g_autofree char *a = train_and_read_weights(p, dir, "a", 5, &na);
    g_autofree char *b = train_and_read_weights(p, dir, "b", 5, &nb);
    g_autofree char *c = train_and_read_weights(p, dir, "c", 6, &nc);
    g_assert_cmpmem(a, na, b, nb);
    g_assert_true(na != nc || memcmp(a, c, na) != 0);
    tsu_project_free(p);
}

/* The blobs as 1x1x2 images through an ImageAugmentation: the trainer's
 * random transforms come from the seed, so two runs write the same bytes,
 * and they act (the weights differ from a run without them). */
static void test_augmentation_same_seed_same_bytes(void)
{
    static const char *const shapes[] = {"\"shape\": [1, 1, 2]}},"
        "{\"id\": \"aug\", \"type\": \"ImageAugmentation\", \"inputs\": [\"x\"], "
        "\"params\": {\"flip_lr\": true, \"brightness\": 0.2, \"contrast\": 0.3, "
        "\"noise\": 0.1}},"
        "{\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"aug\"]",
        "\"shape\": [1, 1, 2]}},"
        "{\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"x\"]"};
    char *bytes[3] = {NULL, NULL, NULL};
    gsize length[3];
    for (int k = 0; k < 3; k++) {
        g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
        g_autofree char *nodes = g_strdup_printf(
            "{\"id\": \"x\", \"type\": \"Input\", \"params\": {%s, \"params\": "
            "{\"outmaps\": 8}},"
            "{\"id\": \"act\", \"type\": \"Tanh\", \"inputs\": [\"fc1\"]},"
            "{\"id\": \"fc2\", \"type\": \"Affine\", \"inputs\": [\"act\"], "
            "\"params\": {\"outmaps\": 2}},"
            "{\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc2\"]},"
            "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}",
            shapes[k < 2 ? 0 : 1]);
        tsu_project *p = blobs_project_with(dir, nodes, "{\"type\": \"SGD\", \"learning_rate\": 0.1}", 0);
        bytes[k] = train_and_read_weights(p, dir, "run", 5, &length[k]);
        g_assert_nonnull(bytes[k]);
        tsu_project_free(p);
    }
    g_assert_cmpmem(bytes[0], length[0], bytes[1], length[1]);
    g_assert_true(length[0] != length[2] || memcmp(bytes[0], bytes[2], length[0]) != 0);
    for (int k = 0; k < 3; k++) g_free(bytes[k]);
}

static void test_stop_within_one_batch(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
    tsu_project *p = blobs_project(dir, "{\"type\": \"SGD\", \"learning_rate\": 0.1}", 0);
    g_autofree char *out = g_build_filename(dir, "run", NULL);
    recorder r = {.stop_at_iteration = 3};
    tsu_train_options o = {.out_dir = out, .stop_requested = &r.stop};
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_train_run(p, &o, record, &r, &diag), ==, TSU_E_STOPPED);
    g_assert_cmpint(r.iterations_seen, ==, 3);
    g_assert_cmpint(r.last_kind, ==, TSU_EVENT_STOPPED);
    /* No epoch finished: no weights or history, only the project copy. */
    g_autofree char *weights = g_build_filename(out, "weights.safetensors", NULL);
    g_assert_false(g_file_test(weights, G_FILE_TEST_EXISTS));
    g_autofree char *copy = g_build_filename(out, "project.tsumiki", NULL);
    g_assert_true(g_file_test(copy, G_FILE_TEST_EXISTS));
    /* ... and run.json: a stopped run is listed as one. */
    assert_status(out, TSU_RUN_STATUS_STOPPED, "stopped on request");
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

static void test_divergence_names_the_layer(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
    /* Linear regression by SGD with a learning rate of 10 on inputs of
     * magnitude ~1 overshoots more at every step: the weights explode. */
    tsu_project *p = blobs_project_with(
        dir,
        "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
        "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 1}},"
        "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"fc\"]}",
        "{\"type\": \"SGD\", \"learning_rate\": 10}", 0);
    g_autofree char *out = g_build_filename(dir, "run", NULL);
    recorder r = {0};
    tsu_train_options o = {.out_dir = out, .epochs = 50};
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_status st = tsu_train_run(p, &o, record, &r, &diag);
    diag_dump(&diag);
    g_assert_cmpint(st, ==, TSU_E_NONFINITE);
    g_assert_cmpint(r.last_kind, ==, TSU_EVENT_FAILED);
    g_assert_true(diag_has(&diag, "NaN or infinite", "diverged", NULL));
    /* Either the Affine's output overflows first, or (squared) the loss's. */
    const char *node = diag.items[0].node;
    g_assert_true(!strcmp(node, "fc") || !strcmp(node, "loss"));
    g_autofree char *expected = g_strdup_printf("%s: output became NaN or infinite", node);
    g_assert_true(g_str_has_prefix(r.last_message, expected));
    assert_status(out, TSU_RUN_STATUS_FAILED, "training diverged");
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

static void test_bad_label_stops_before_training(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
    tsu_project *p = blobs_project(dir, "{\"type\": \"SGD\"}", 57);
    g_autofree char *out = g_build_filename(dir, "run", NULL);
    recorder r = {0};
    tsu_train_options o = {.out_dir = out};
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_train_run(p, &o, record, &r, &diag), ==, TSU_E_DATA);
    diag_dump(&diag);
    g_assert_true(diag_has(&diag, "train.csv", "57", NULL));
    g_assert_cmpint(r.iterations_seen, ==, 0);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

static void test_input_shape_mismatch(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
    tsu_project *p = blobs_project(dir, "{\"type\": \"SGD\"}", 0);
    struct json_object *x = tsu_project_find_node(p, "x"), *params = NULL, *shape;
    json_object_object_get_ex(x, "params", &params);
    shape = json_tokener_parse("[3]");
    json_object_object_add(params, "shape", shape);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_train_options o = {0};
    g_assert_cmpint(tsu_train_run(p, &o, NULL, NULL, &diag), ==, TSU_E_DATA);
    diag_dump(&diag);
    g_assert_true(diag_has(&diag, "x.shape: [3] does not match dataset.training variable \"x\" of shape [2]", NULL));
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* A real run on the Debian Fashion-MNIST: 6,000 images, one epoch. */
static void test_fashion_mnist_short_run(void)
{
    if (!g_file_test("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", G_FILE_TEST_EXISTS)) {
        g_test_skip("dataset-fashion-mnist is not installed");
        return;
    }
    g_autofree char *path = source_path("resources/examples/fashion-mnist-cnn.tsumiki");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_load(path, &diag);
    struct json_object *datasets = NULL, *valid = NULL;
    json_object_object_get_ex(tsu_project_root(p), "dataset", &datasets);
    json_object_object_get_ex(datasets, "validation", &valid);
    json_object_object_add(valid, "limit", json_object_new_int(1000));
    g_autofree char *dir = g_dir_make_tmp("tsumiki-train-XXXXXX", NULL);
    g_autofree char *out = g_build_filename(dir, "run", NULL);
    tsu_train_options o = {.out_dir = out, .epochs = 1, .limit = 6000, .threads = 2};
    recorder r = {0};
    g_assert_cmpint(tsu_train_run(p, &o, record, &r, &diag), ==, TSU_OK);
    g_test_message("validation accuracy after 6,000 images: %.4f", r.last_validation_accuracy);
    g_assert_cmpfloat(r.last_validation_accuracy, >, 0.75);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/train/learns-and-writes-run-dir", test_learns_and_writes_run_dir);
    g_test_add_func("/train/same-seed-same-bytes", test_same_seed_same_bytes);
    g_test_add_func("/train/augmentation-same-seed-same-bytes",
                    test_augmentation_same_seed_same_bytes);
    g_test_add_func("/train/stop-within-one-batch", test_stop_within_one_batch);
    g_test_add_func("/train/divergence-names-the-layer", test_divergence_names_the_layer);
    g_test_add_func("/train/bad-label", test_bad_label_stops_before_training);
    g_test_add_func("/train/input-shape-mismatch", test_input_shape_mismatch);
    g_test_add_func("/train/fashion-mnist-short-run", test_fashion_mnist_short_run);
    return g_test_run();
}
