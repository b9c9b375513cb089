/* test-augmentation.c — ImageAugmentation: each option on hand-made 1x4x4
 * images (training nets, seeded), the identity in inference, bit-identical
 * reruns with one seed and any thread count. */
#include "test-helpers.h"

#include <math.h>

#define N 8 /* samples: enough that every random choice shows both ways */

/* Input [1, H, W] -> ImageAugmentation with `params` -> SquaredError. */
static tsu_net *aug_net(test_graph *t, int h, int w, const char *params, int threads,
                        uint64_t seed)
{
    char *nodes = g_strdup_printf(
        "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [1, %d, %d]}},"
        "{\"id\": \"aug\", \"type\": \"ImageAugmentation\", \"inputs\": [\"x\"], "
        "\"params\": {%s}},"
        "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"aug\"]}",
        h, w, params);
    test_graph_build(t, nodes);
    g_free(nodes);
    tsu_net_config cfg = {.max_batch = N, .threads = threads, .seed = seed, .training = true};
    tsu_net *net = tsu_net_new(t->graph, &cfg, &t->diag);
    g_assert_nonnull(net);
    return net;
}

/* Sample s holds 1..16 + 100 s, row-major. */
static const float *run_4x4(test_graph *t, tsu_net **net, const char *params, bool training)
{
    *net = aug_net(t, 4, 4, params, 2, 5);
    float *x = tsu_net_input(*net, "x");
    for (int s = 0; s < N; s++)
        for (int k = 0; k < 16; k++) x[s * 16 + k] = (float)(1 + k + 100 * s);
    g_assert_cmpint(tsu_net_forward(*net, N, training, &t->diag), ==, TSU_OK);
    return tsu_net_output(*net, "aug");
}

static float pixel(int s, int i, int j)
{
    return i < 0 || i > 3 || j < 0 || j > 3 ? 0.0f : (float)(1 + 4 * i + j + 100 * s);
}

static bool sample_is(const float *y, int s, int di, int dj, bool lr, bool ud)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int si = i - di, sj = j - dj;
            if (ud && si >= 0 && si <= 3) si = 3 - si;
            if (lr && sj >= 0 && sj <= 3) sj = 3 - sj;
            if (y[s * 16 + i * 4 + j] != pixel(s, si, sj)) return false;
        }
    return true;
}

/* flip_lr reverses the columns of some samples and leaves the others. */
static void test_flips(void)
{
    static const char *const params[] = {"\"flip_lr\": true", "\"flip_ud\": true"};
    for (int p = 0; p < 2; p++) {
        test_graph t;
        tsu_net *net;
        const float *y = run_4x4(&t, &net, params[p], true);
        int flipped = 0;
        for (int s = 0; s < N; s++) {
            bool f = sample_is(y, s, 0, 0, p == 0, p == 1);
            g_assert_true(f || sample_is(y, s, 0, 0, false, false));
            flipped += f;
        }
        g_assert_cmpint(flipped, >, 0);
        g_assert_cmpint(flipped, <, N);
        tsu_net_free(net);
        test_graph_free(&t);
    }
}

/* shift [0, 1]: each sample moves by -1, 0 or 1 column with zero fill, and
 * the batch shows at least two of them. */
static void test_shift(void)
{
    test_graph t;
    tsu_net *net;
    const float *y = run_4x4(&t, &net, "\"shift\": [0, 1]", true);
    int seen[3] = {0, 0, 0};
    for (int s = 0; s < N; s++) {
        int found = -2;
        for (int d = -1; d <= 1; d++)
            if (sample_is(y, s, 0, d, false, false)) found = d;
        g_assert_cmpint(found, !=, -2);
        seen[found + 1]++;
    }
    g_assert_cmpint((seen[0] > 0) + (seen[1] > 0) + (seen[2] > 0), >=, 2);
    tsu_net_free(net);
    test_graph_free(&t);
}

/* brightness 0.5 adds one value in [-0.5, 0.5] to every pixel of a sample,
 * a different one per sample. */
static void test_brightness(void)
{
    test_graph t;
    tsu_net *net;
    const float *y = run_4x4(&t, &net, "\"brightness\": 0.5", true);
    float first = 0.0f;
    bool differ = false;
    for (int s = 0; s < N; s++) {
        float b = y[s * 16] - pixel(s, 0, 0);
        g_assert_cmpfloat(fabsf(b), <=, 0.5f);
        for (int k = 0; k < 16; k++)
            g_assert_cmpfloat_with_epsilon(y[s * 16 + k] - pixel(s, k / 4, k % 4), b, 1e-4);
        if (s == 0) first = b;
        differ |= b != first;
    }
    g_assert_true(differ);
    tsu_net_free(net);
    test_graph_free(&t);
}

/* contrast 0.5 scales about the sample mean by a factor in [0.5, 1.5]: the
 * mean stays, and pixel 16 - pixel 1 = 15 becomes 15 k. */
static void test_contrast(void)
{
    test_graph t;
    tsu_net *net;
    const float *y = run_4x4(&t, &net, "\"contrast\": 0.5", true);
    bool scaled = false;
    for (int s = 0; s < N; s++) {
        float mean = 0.0f;
        for (int k = 0; k < 16; k++) mean += y[s * 16 + k] / 16.0f;
        g_assert_cmpfloat_with_epsilon(mean, 8.5f + 100.0f * s, 1e-3);
        float factor = (y[s * 16 + 15] - y[s * 16]) / 15.0f;
        g_assert_cmpfloat(factor, >=, 0.5f - 1e-4f);
        g_assert_cmpfloat(factor, <=, 1.5f + 1e-4f);
        for (int k = 0; k < 16; k++)
            g_assert_cmpfloat_with_epsilon(y[s * 16 + k] - mean,
                                           factor * (pixel(s, k / 4, k % 4) - 8.5f - 100.0f * s),
                                           2e-3);
        scaled |= fabsf(factor - 1.0f) > 0.01f;
    }
    g_assert_true(scaled);
    tsu_net_free(net);
    test_graph_free(&t);
}

/* noise 0.1 over 8 x 32 x 32 values: mean near 0, std near 0.1. */
static void test_noise(void)
{
    test_graph t;
    tsu_net *net = aug_net(&t, 32, 32, "\"noise\": 0.1", 2, 3);
    float *x = tsu_net_input(net, "x");
    const size_t n = (size_t)N * 32 * 32;
    for (size_t i = 0; i < n; i++) x[i] = (float)(i % 7);
    g_assert_cmpint(tsu_net_forward(net, N, true, &t.diag), ==, TSU_OK);
    const float *y = tsu_net_output(net, "aug");
    double sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - x[i];
        sum += e;
        sq += e * e;
    }
    double mean = sum / (double)n, sd = sqrt(sq / (double)n - mean * mean);
    g_assert_cmpfloat(fabs(mean), <, 0.005);
    g_assert_cmpfloat(sd, >, 0.095);
    g_assert_cmpfloat(sd, <, 0.105);
    tsu_net_free(net);
    test_graph_free(&t);
}

/* A rotation about the centre keeps the centre of a 1x5x5 image, moves
 * the rest, and fills corners it rotates in from outside with less than
 * their full value. */
static void test_rotation(void)
{
    test_graph t;
    tsu_net *net = aug_net(&t, 5, 5, "\"angle\": 0.6", 1, 11);
    float *x = tsu_net_input(net, "x");
    for (int i = 0; i < N * 25; i++) x[i] = (float)(i % 25);
    g_assert_cmpint(tsu_net_forward(net, N, true, &t.diag), ==, TSU_OK);
    const float *y = tsu_net_output(net, "aug");
    int rotated = 0;
    for (int s = 0; s < N; s++) {
        g_assert_cmpfloat_with_epsilon(y[s * 25 + 12], 12.0f, 1e-4);
        rotated += fabsf(y[s * 25 + 24] - 24.0f) > 0.5f;
    }
    g_assert_cmpint(rotated, >, N / 2);
    tsu_net_free(net);
    test_graph_free(&t);
}

#define ALL_OPTIONS                                                                      \
    "\"flip_lr\": true, \"flip_ud\": true, \"shift\": [1, 1], \"angle\": 0.4, "           \
    "\"brightness\": 0.2, \"contrast\": 0.3, \"noise\": 0.05"

/* Evaluation and inference get the input back bit for bit. */
static void test_inference_identity(void)
{
    test_graph t;
    tsu_net *net;
    const float *y = run_4x4(&t, &net, ALL_OPTIONS, false);
    for (int s = 0; s < N; s++) g_assert_true(sample_is(y, s, 0, 0, false, false));
    /* The same net in training does change the images. */
    g_assert_cmpint(tsu_net_forward(net, N, true, &t.diag), ==, TSU_OK);
    g_assert_false(sample_is(tsu_net_output(net, "aug"), 0, 0, 0, false, false));
    tsu_net_free(net);
    test_graph_free(&t);
}

/* Input -> ImageAugmentation -> Convolution -> Affine -> SquaredError: SGD
 * steps from one seed give bit-identical losses with 1 or 2 threads. */
static void train(int threads, double losses[4])
{
    test_graph t;
    test_graph_build(&t, "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2, 6, 6]}},"
                         "{\"id\": \"aug\", \"type\": \"ImageAugmentation\", \"inputs\": [\"x\"], "
                         "\"params\": {" ALL_OPTIONS "}},"
                         "{\"id\": \"c\", \"type\": \"Convolution\", \"inputs\": [\"aug\"], "
                         "\"params\": {\"outmaps\": 3, \"kernel\": [3, 3]}},"
                         "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"c\"], "
                         "\"params\": {\"outmaps\": 2}},"
                         "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"fc\"]}");
    tsu_net_config cfg = {.max_batch = N, .threads = threads, .seed = 21, .training = true};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    g_assert_nonnull(net);
    float *x = tsu_net_input(net, "x"), *target = tsu_net_target(net, "y");
    for (int i = 0; i < N * 72; i++) x[i] = (float)((i * 37) % 11) / 11.0f;
    for (int i = 0; i < N * 2; i++) target[i] = (float)(i % 3) - 1.0f;
    for (int step = 0; step < 4; step++) {
        g_assert_cmpint(tsu_net_forward(net, N, true, &t.diag), ==, TSU_OK);
        losses[step] = tsu_net_loss(net);
        g_assert_cmpint(tsu_net_backward(net, N, &t.diag), ==, TSU_OK);
        for (int i = 0; i < tsu_net_tensor_count(net); i++) {
            tsu_net_tensor *w = tsu_net_tensor_at(net, i);
            for (size_t j = 0; w->trainable && j < w->size; j++) w->data[j] -= 0.05f * w->grad[j];
        }
    }
    tsu_net_free(net);
    test_graph_free(&t);
}

static void test_reruns(void)
{
    double a[4], b[4], c[4];
    train(2, a);
    train(2, b);
    train(1, c);
    g_assert_cmpmem(a, sizeof a, b, sizeof b);
    /* Draws depend on the sample, not the thread: the augmented images are
     * the same with one thread. */
    g_assert_cmpfloat_with_epsilon(a[0], c[0], 1e-6 * a[0]);
    g_assert_cmpfloat(a[3], <, a[0]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/layers/augmentation/flips", test_flips);
    g_test_add_func("/layers/augmentation/shift", test_shift);
    g_test_add_func("/layers/augmentation/brightness", test_brightness);
    g_test_add_func("/layers/augmentation/contrast", test_contrast);
    g_test_add_func("/layers/augmentation/noise", test_noise);
    g_test_add_func("/layers/augmentation/rotation", test_rotation);
    g_test_add_func("/layers/augmentation/inference-identity", test_inference_identity);
    g_test_add_func("/layers/augmentation/reruns", test_reruns);
    return g_test_run();
}
