/* test-net.c — whole-net behaviour: determinism across runs, thread-count
 * independence of the forward, Dropout masks, safetensors round trips (the
 * file read by Python: check-safetensors.py), non-finite detection and data
 * errors. */
#include "test-helpers.h"

#include "runtime/runtime.h"

#include <glib/gstdio.h>
#include <math.h>

#define SMALL_NET                                                                        \
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2, 8, 8]}},"          \
    "{\"id\": \"conv\", \"type\": \"Convolution\", \"inputs\": [\"x\"], \"params\": "    \
    "{\"outmaps\": 4, \"kernel\": [3, 3], \"pad\": [1, 1]}},"                             \
    "{\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"conv\"]},"        \
    "{\"id\": \"relu\", \"type\": \"ReLU\", \"inputs\": [\"bn\"]},"                      \
    "{\"id\": \"pool\", \"type\": \"MaxPooling\", \"inputs\": [\"relu\"]},"              \
    "{\"id\": \"drop\", \"type\": \"Dropout\", \"inputs\": [\"pool\"], \"params\": {\"p\": 0.3}}," \
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"drop\"], \"params\": {\"outmaps\": 5}}," \
    "{\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"                   \
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}"

#define BATCH 13

static tsu_net *make_net(test_graph *t, int threads, uint64_t seed)
{
    tsu_net_config cfg = {.max_batch = BATCH, .threads = threads, .seed = seed, .training = true};
    tsu_net *net = tsu_net_new(t->graph, &cfg, &t->diag);
    g_assert_nonnull(net);
    return net;
}

static void fill_batch(tsu_net *net, GRand *rand)
{
    float *x = tsu_net_input(net, "x"), *y = tsu_net_target(net, "y");
    for (int i = 0; i < BATCH * 2 * 8 * 8; i++) x[i] = (float)g_rand_double_range(rand, -1, 1);
    for (int i = 0; i < BATCH; i++) y[i] = (float)g_rand_int_range(rand, 0, 5);
}

/* A few steps of plain SGD, done here by hand. */
static void train_steps(tsu_net *net, int steps, int batch_seed)
{
    GRand *rand = g_rand_new_with_seed((guint32)batch_seed);
    tsu_diag diag;
    tsu_diag_init(&diag);
    for (int s = 0; s < steps; s++) {
        fill_batch(net, rand);
        g_assert_cmpint(tsu_net_forward(net, BATCH - s % 3, true, &diag), ==, TSU_OK);
        g_assert_cmpint(tsu_net_backward(net, BATCH - s % 3, &diag), ==, TSU_OK);
        for (int i = 0; i < tsu_net_tensor_count(net); i++) {
            tsu_net_tensor *t = tsu_net_tensor_at(net, i);
            for (size_t j = 0; t->trainable && j < t->size; j++) t->data[j] -= 0.1f * t->grad[j];
        }
    }
    tsu_diag_free(&diag);
    g_rand_free(rand);
}

static void test_determinism(void)
{
    test_graph t;
    test_graph_build(&t, SMALL_NET);
    for (int threads = 1; threads <= 3; threads++) {
        tsu_net *a = make_net(&t, threads, 5), *b = make_net(&t, threads, 5);
        g_assert_true(test_same_tensors(a, b));
        train_steps(a, 6, 11);
        train_steps(b, 6, 11);
        g_assert_true(test_same_tensors(a, b));
        tsu_net *c = make_net(&t, threads, 6);
        g_assert_false(test_same_tensors(a, c));
        tsu_net_free(a);
        tsu_net_free(b);
        tsu_net_free(c);
    }
    test_graph_free(&t);
}

/* The loss of one batch hardly depends on how it is split over threads. */
static void test_threads_agree(void)
{
    test_graph t;
    test_graph_build(&t, SMALL_NET);
    tsu_net *one = make_net(&t, 1, 5), *four = make_net(&t, 4, 5);
    GRand *r1 = g_rand_new_with_seed(3), *r4 = g_rand_new_with_seed(3);
    fill_batch(one, r1);
    fill_batch(four, r4);
    g_assert_cmpint(tsu_net_forward(one, BATCH, true, &t.diag), ==, TSU_OK);
    g_assert_cmpint(tsu_net_forward(four, BATCH, true, &t.diag), ==, TSU_OK);
    g_assert_cmpfloat_with_epsilon(tsu_net_loss(one), tsu_net_loss(four), 1e-5);
    g_assert_cmpint(tsu_net_backward(one, BATCH, &t.diag), ==, TSU_OK);
    g_assert_cmpint(tsu_net_backward(four, BATCH, &t.diag), ==, TSU_OK);
    for (int i = 0; i < tsu_net_tensor_count(one); i++) {
        tsu_net_tensor *a = tsu_net_tensor_at(one, i), *b = tsu_net_tensor_at(four, i);
        for (size_t j = 0; a->grad && j < a->size; j++)
            g_assert_cmpfloat_with_epsilon(a->grad[j], b->grad[j], 1e-4 + 1e-3 * fabsf(a->grad[j]));
    }
    g_rand_free(r1);
    g_rand_free(r4);
    tsu_net_free(one);
    tsu_net_free(four);
    test_graph_free(&t);
}

/* Dropout: inverted scaling, identity in inference, the same mask for the
 * same step, a new one after backward. */
static void test_dropout_masks(void)
{
    test_graph t;
    test_graph_build(&t, "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [1000]}},"
                         "{\"id\": \"d\", \"type\": \"Dropout\", \"inputs\": [\"x\"], "
                         "\"params\": {\"p\": 0.25}},"
                         "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"d\"], "
                         "\"params\": {\"outmaps\": 1}},"
                         "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"fc\"]}");
    tsu_net_config cfg = {.max_batch = 2, .threads = 2, .seed = 9, .training = true};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    float *x = tsu_net_input(net, "x");
    for (int i = 0; i < 2000; i++) x[i] = 1.0f;
    tsu_net_forward(net, 2, true, &t.diag);
    const float *d = tsu_net_output(net, "d");
    int dropped = 0;
    for (int i = 0; i < 2000; i++) {
        g_assert_true(d[i] == 0.0f || fabsf(d[i] - 1.0f / 0.75f) < 1e-6f);
        dropped += d[i] == 0.0f;
    }
    g_assert_cmpint(dropped, >, 400);
    g_assert_cmpint(dropped, <, 600);
    float *first = g_memdup2(d, 2000 * sizeof(float));
    tsu_net_forward(net, 2, true, &t.diag);
    g_assert_cmpmem(first, 2000 * sizeof(float), d, 2000 * sizeof(float));
    tsu_net_backward(net, 2, &t.diag);
    tsu_net_forward(net, 2, true, &t.diag);
    g_assert_true(memcmp(first, d, 2000 * sizeof(float)) != 0);
    tsu_net_forward(net, 2, false, &t.diag);
    for (int i = 0; i < 2000; i++) g_assert_cmpfloat(d[i], ==, 1.0f);
    g_free(first);
    tsu_net_free(net);
    test_graph_free(&t);
}

static char *temp_path(const char *name)
{
    char *dir = g_dir_make_tmp("tsu-net-XXXXXX", NULL);
    g_assert_nonnull(dir);
    char *path = g_build_filename(dir, name, NULL);
    g_free(dir);
    return path;
}

static void remove_temp(char *path)
{
    g_remove(path);
    char *dir = g_path_get_dirname(path);
    g_rmdir(dir);
    g_free(dir);
    g_free(path);
}

static void test_safetensors_round_trip(void)
{
    test_graph t;
    test_graph_build(&t, SMALL_NET);
    tsu_net *a = make_net(&t, 2, 5);
    train_steps(a, 3, 1); /* running statistics move away from 0 and 1 */
    char *path = temp_path("weights.safetensors");
    g_assert_cmpint(tsu_net_save_safetensors(a, path, &t.diag), ==, TSU_OK);
    tsu_net *b = make_net(&t, 1, 77);
    g_assert_false(test_same_tensors(a, b));
    g_assert_cmpint(tsu_net_load_safetensors(b, path, &t.diag), ==, TSU_OK);
    g_assert_true(test_same_tensors(a, b));

    /* The header: keys sorted, data 8-byte aligned. */
    gchar *bytes;
    gsize length;
    g_assert_true(g_file_get_contents(path, &bytes, &length, NULL));
    guint64 header_length;
    memcpy(&header_length, bytes, 8);
    g_assert_cmpuint(header_length % 8, ==, 0);
    char *header = g_strndup(bytes + 8, header_length);
    const char *keys[] = {"\"__metadata__\"", "\"bn.bias\"", "\"bn.running_mean\"",
                          "\"bn.running_var\"", "\"bn.weight\"", "\"conv.bias\"",
                          "\"conv.weight\"", "\"fc.bias\"", "\"fc.weight\""};
    const char *at = header;
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        const char *found = strstr(at, keys[i]);
        g_assert_nonnull(found);
        at = found;
    }
    g_free(header);

    /* Truncated: an error naming the file and a tensor; nothing changes. */
    g_assert_true(g_file_set_contents(path, bytes, (gssize)length - 16, NULL));
    tsu_net *c = make_net(&t, 1, 77);
    tsu_diag_clear(&t.diag);
    g_assert_cmpint(tsu_net_load_safetensors(c, path, &t.diag), !=, TSU_OK);
    g_assert_true(test_diag_has(&t.diag, path));
    g_assert_true(test_diag_has(&t.diag, "fc.weight is truncated"));
    tsu_net *fresh = make_net(&t, 1, 77);
    g_assert_true(test_same_tensors(c, fresh));
    g_free(bytes);
    remove_temp(path);
    tsu_net_free(a);
    tsu_net_free(b);
    tsu_net_free(c);
    tsu_net_free(fresh);
    test_graph_free(&t);
}

static void test_safetensors_mismatch(void)
{
    test_graph t, other;
    test_graph_build(&t, SMALL_NET);
    char *wider = g_strdup(SMALL_NET);
    char *spot = strstr(wider, "\"outmaps\": 5");
    spot[11] = '6';
    test_graph_build(&other, wider);
    g_free(wider);
    tsu_net *a = make_net(&t, 1, 5);
    tsu_net_config cfg = {.max_batch = 2, .threads = 1, .seed = 5, .training = false};
    tsu_net *b = tsu_net_new(other.graph, &cfg, &other.diag);
    char *path = temp_path("w.safetensors");
    g_assert_cmpint(tsu_net_save_safetensors(a, path, &t.diag), ==, TSU_OK);
    g_assert_cmpint(tsu_net_load_safetensors(b, path, &other.diag), ==, TSU_E_SHAPE);
    g_assert_true(test_diag_has(&other.diag, "tensor fc.weight has shape [5, 64], the network "
                                             "expects [6, 64]"));
    tsu_diag_clear(&other.diag);
    g_assert_cmpint(tsu_net_load_safetensors(b, "/nonexistent/w.safetensors", &other.diag), ==,
                    TSU_E_IO);
    g_assert_true(test_diag_has(&other.diag, "/nonexistent/w.safetensors"));
    remove_temp(path);
    tsu_net_free(a);
    tsu_net_free(b);
    test_graph_free(&t);
    test_graph_free(&other);
}

static void test_nonfinite_and_labels(void)
{
    test_graph t;
    test_graph_build(&t, SMALL_NET);
    tsu_net *net = make_net(&t, 2, 5);
    GRand *rand = g_rand_new_with_seed(8);
    fill_batch(net, rand);
    g_assert_cmpint(tsu_net_forward(net, BATCH, true, &t.diag), ==, TSU_OK);
    g_assert_null(tsu_net_first_nonfinite(net));
    tsu_net_tensor_find(net, "fc.weight")->data[3] = INFINITY;
    tsu_net_forward(net, BATCH, false, &t.diag);
    g_assert_cmpstr(tsu_net_first_nonfinite(net), ==, "fc");
    tsu_net_tensor_find(net, "fc.weight")->data[3] = 0.0f;
    tsu_net_target(net, "y")[4] = 7.0f;
    tsu_diag_clear(&t.diag);
    g_assert_cmpint(tsu_net_forward(net, BATCH, true, &t.diag), ==, TSU_E_DATA);
    g_assert_true(test_diag_has(&t.diag, "loss: label 7 of sample 4 is not a class index 0..4"));
    g_assert_null(tsu_net_input(net, "nope"));
    g_assert_nonnull(tsu_net_prediction_node(net));
    g_assert_cmpstr(tsu_node_id(tsu_net_prediction_node(net)), ==, "prob");
    g_rand_free(rand);
    tsu_net_free(net);
    test_graph_free(&t);
}

/* Softmax -> CategoricalCrossEntropy and Sigmoid -> BinaryCrossEntropy work
 * on the logits: huge logits give exact, finite losses and gradients. */
static void test_fused_losses_are_stable(void)
{
    static const char *const nets[] = {
        "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3]}},"
        "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 3}},"
        "{\"id\": \"p\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"
        "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"p\"]}",
        "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3]}},"
        "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 3}},"
        "{\"id\": \"p\", \"type\": \"Sigmoid\", \"inputs\": [\"fc\"]},"
        "{\"id\": \"loss\", \"type\": \"BinaryCrossEntropy\", \"inputs\": [\"p\"]}",
    };
    for (int k = 0; k < 2; k++) {
        test_graph t;
        test_graph_build(&t, nets[k]);
        tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1, .training = true};
        tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
        float *w = tsu_net_tensor_find(net, "fc.weight")->data;
        memset(w, 0, 9 * sizeof *w);
        memset(tsu_net_tensor_find(net, "fc.bias")->data, 0, 3 * sizeof(float));
        w[0] = 1.0f; /* logits = (x0, 0, 0) */
        float *x = tsu_net_input(net, "x"), *y = tsu_net_target(net, "y");
        x[0] = 1000.0f;
        y[0] = 1.0f; /* class 1, or targets (1, 0, 0) */
        y[1] = y[2] = 0.0f;
        g_assert_cmpint(tsu_net_forward(net, 1, true, &t.diag), ==, TSU_OK);
        g_assert_cmpint(tsu_net_backward(net, 1, &t.diag), ==, TSU_OK);
        /* Softmax: -log softmax(1000, 0, 0)[1] = 1000 + log(1 + e^-1000 * 2)
         * Sigmoid: mean of (0, log 2, log 2) for z = (1000, 0, 0), t = (1, 0, 0) */
        double expected = k == 0 ? 1000.0 : 2.0 * log(2.0) / 3.0;
        g_assert_cmpfloat_with_epsilon(tsu_net_loss(net), expected, 1e-3);
        const float *grad = tsu_net_tensor_find(net, "fc.weight")->grad;
        /* d/dz0 = softmax(z)0 - 0 = 1 (or (sigmoid(1000) - 1) / 3 = 0), times x0 */
        g_assert_cmpfloat_with_epsilon(grad[0], k == 0 ? 1000.0f : 0.0f, 1e-2);
        for (int i = 0; i < 9; i++) g_assert_true(isfinite(grad[i]));
        tsu_net_free(net);
        test_graph_free(&t);
    }
}

/* Data far from zero with a small spread: once the running mean is near the
 * data, batch statistics do not cancel away. */
static void test_batchnorm_offset_data(void)
{
    test_graph t;
    test_graph_build(&t, "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2, 10]}},"
                         "{\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"x\"]},"
                         "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"bn\"]}");
    tsu_net_config cfg = {.max_batch = 16, .threads = 2, .seed = 1, .training = true};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    float *mean = tsu_net_tensor_find(net, "bn.running_mean")->data;
    mean[0] = mean[1] = 3000.0f;
    GRand *rand = g_rand_new_with_seed(5);
    float *x = tsu_net_input(net, "x");
    for (int i = 0; i < 16 * 20; i++)
        x[i] = 3000.0f + (float)g_rand_double_range(rand, -1, 1);
    g_assert_cmpint(tsu_net_forward(net, 16, true, &t.diag), ==, TSU_OK);
    const float *y = tsu_net_output(net, "bn");
    for (int c = 0; c < 2; c++) {
        double sum = 0.0, squares = 0.0;
        for (int s = 0; s < 16; s++)
            for (int j = 0; j < 10; j++) {
                double v = y[s * 20 + c * 10 + j];
                sum += v;
                squares += v * v;
            }
        g_assert_cmpfloat_with_epsilon(sum / 160, 0.0, 1e-3);
        g_assert_cmpfloat_with_epsilon(squares / 160, 1.0, 1e-3);
    }
    g_rand_free(rand);
    tsu_net_free(net);
    test_graph_free(&t);
}

/* BatchNormalization and Add2 that run their ReLU keep their own output for
 * the first TSU_NET_KEPT_SAMPLES samples (the ReLU's output, all of it, is
 * what flows on): what they keep is right, the ReLU's is right for every
 * sample, on two threads with samples on both sides of the cut. */
static void test_fused_kept_samples(void)
{
    test_graph t;
    test_graph_build(&t, "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2, 6]}},"
                         "{\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"x\"]},"
                         "{\"id\": \"r1\", \"type\": \"ReLU\", \"inputs\": [\"bn\"]},"
                         "{\"id\": \"add\", \"type\": \"Add2\", \"inputs\": [\"r1\", \"x\"]},"
                         "{\"id\": \"r2\", \"type\": \"ReLU\", \"inputs\": [\"add\"]},"
                         "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"r2\"]}");
    enum { N = TSU_NET_KEPT_SAMPLES + 5, SIZE = 12 };
    tsu_net_config cfg = {.max_batch = N, .threads = 2, .seed = 1, .training = true};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    g_assert_nonnull(net);
    GRand *rand = g_rand_new_with_seed(9);
    float *x = tsu_net_input(net, "x");
    for (int i = 0; i < N * SIZE; i++) x[i] = (float)g_rand_double_range(rand, -2, 2);
    g_assert_cmpint(tsu_net_forward(net, N, true, &t.diag), ==, TSU_OK);
    const float *bn = tsu_net_output(net, "bn"), *r1 = tsu_net_output(net, "r1");
    const float *add = tsu_net_output(net, "add"), *r2 = tsu_net_output(net, "r2");
    for (int c = 0; c < 2; c++) {
        double sum = 0.0, squares = 0.0;
        for (int s = 0; s < N; s++)
            for (int j = 0; j < 6; j++) sum += x[s * SIZE + c * 6 + j];
        const double mean = sum / (N * 6);
        for (int s = 0; s < N; s++)
            for (int j = 0; j < 6; j++) {
                const double d = x[s * SIZE + c * 6 + j] - mean;
                squares += d * d;
            }
        const double inv_std = 1.0 / sqrt(squares / (N * 6) + 1e-5);
        for (int s = 0; s < N; s++)
            for (int j = 0; j < 6; j++) {
                const int at = s * SIZE + c * 6 + j;
                const double y = (x[at] - mean) * inv_std, relu = y > 0 ? y : 0;
                if (s < TSU_NET_KEPT_SAMPLES) {
                    g_assert_cmpfloat_with_epsilon(bn[at], y, 1e-5);
                    g_assert_cmpfloat_with_epsilon(add[at], relu + x[at], 1e-5);
                }
                g_assert_cmpfloat_with_epsilon(r1[at], relu, 1e-5);
                g_assert_cmpfloat_with_epsilon(r2[at], fmax(relu + x[at], 0.0), 1e-5);
            }
    }
    g_rand_free(rand);
    tsu_net_free(net);
    test_graph_free(&t);
}

/* More threads than samples: idle workers still meet at every barrier. */
static void test_tiny_batches(void)
{
    test_graph t;
    test_graph_build(&t, SMALL_NET);
    tsu_net *net = make_net(&t, 3, 5);
    GRand *rand = g_rand_new_with_seed(2);
    fill_batch(net, rand);
    for (int batch = 1; batch <= 3; batch++) {
        g_assert_cmpint(tsu_net_forward(net, batch, true, &t.diag), ==, TSU_OK);
        g_assert_true(isfinite(tsu_net_loss(net)));
        g_assert_cmpint(tsu_net_backward(net, batch, &t.diag), ==, TSU_OK);
    }
    tsu_diag_clear(&t.diag);
    g_assert_cmpint(tsu_net_forward(net, BATCH + 1, true, &t.diag), ==, TSU_E_PARAM);
    g_assert_cmpint(tsu_net_backward(net, 2, &t.diag), ==, TSU_E_PARAM);
    g_rand_free(rand);
    tsu_net_free(net);

    tsu_net_config cfg = {.max_batch = 4, .threads = 2, .seed = 1, .training = false};
    net = tsu_net_new(t.graph, &cfg, &t.diag);
    g_assert_cmpint(tsu_net_forward(net, 4, false, &t.diag), ==, TSU_OK);
    tsu_diag_clear(&t.diag);
    g_assert_cmpint(tsu_net_backward(net, 4, &t.diag), ==, TSU_E_UNSUPPORTED);
    for (int i = 0; i < tsu_net_tensor_count(net); i++)
        g_assert_null(tsu_net_tensor_at(net, i)->grad);
    tsu_net_free(net);
    test_graph_free(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runtime/net/determinism", test_determinism);
    g_test_add_func("/runtime/net/threads-agree", test_threads_agree);
    g_test_add_func("/runtime/net/dropout-masks", test_dropout_masks);
    g_test_add_func("/runtime/net/safetensors-round-trip", test_safetensors_round_trip);
    g_test_add_func("/runtime/net/safetensors-mismatch", test_safetensors_mismatch);
    g_test_add_func("/runtime/net/nonfinite-and-labels", test_nonfinite_and_labels);
    g_test_add_func("/runtime/net/tiny-batches", test_tiny_batches);
    g_test_add_func("/runtime/net/batchnorm-offset-data", test_batchnorm_offset_data);
    g_test_add_func("/runtime/net/fused-losses-stable", test_fused_losses_are_stable);
    g_test_add_func("/runtime/net/fused-kept-samples", test_fused_kept_samples);
    return g_test_run();
}
