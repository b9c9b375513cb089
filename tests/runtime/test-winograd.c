/* test-winograd.c — the F(2x2, 3x3) transforms' two builds, AVX-512 and
 * plain C, give the same bits: forward with bias, the transformed weight
 * gradient (stored, then added) and the input gradient (stored and added),
 * on planes that fit one vector a tile row and planes that do not, pads 0
 * to 2, odd sizes, groups of 1 to 3 samples. test-conv-paths checks the
 * build this machine runs against a direct loop; this one carries that
 * check over to the other build. */
#include "test-helpers.h"

#include "runtime/winograd.h"

#include <string.h>

typedef struct {
    int channels, outmaps, height, width, pad_h, pad_w, samples;
} shape;

static const shape shapes[] = {
    {8, 12, 7, 9, 1, 1, 3},   /* partial tiles at the bottom and right */
    {9, 8, 8, 6, 0, 0, 2},    /* the input gradient pads 2 */
    {8, 10, 5, 6, 2, 1, 1},   /* taller output than input */
    {8, 8, 14, 14, 1, 1, 3},  /* the ResNet example's planes */
    {8, 8, 29, 30, 1, 2, 2},  /* the widest narrow planes: 2 * 15 + 2 columns */
    {8, 9, 37, 40, 1, 1, 2},  /* tile rows wider than one vector */
};

static float *random_floats(GRand *rand, size_t n)
{
    float *v = g_new(float, n);
    for (size_t i = 0; i < n; i++) v[i] = (float)g_rand_double_range(rand, -1.0, 1.0);
    return v;
}

static void assert_same_bits(const char *what, const shape *s, const float *a, const float *b,
                             size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0)
            g_error("%s, %dx%dx%d -> %d pad [%d, %d]: [%zu] is %.9g with AVX-512, %.9g in C",
                    what, s->channels, s->height, s->width, s->outmaps, s->pad_h, s->pad_w, i,
                    a[i], b[i]);
}

static void check_shape(const shape *s, GRand *rand)
{
    const tsu_conv_geometry g = {.channels = s->channels, .height = s->height,
                                 .width = s->width, .kernel_h = 3, .kernel_w = 3,
                                 .stride_h = 1, .stride_w = 1, .pad_h = s->pad_h,
                                 .pad_w = s->pad_w, .dilation_h = 1, .dilation_w = 1,
                                 .out_h = s->height + 2 * s->pad_h - 2,
                                 .out_w = s->width + 2 * s->pad_w - 2};
    g_assert_true(tsu_winograd_applies(&g, 1, s->outmaps));
    const tsu_winograd w = tsu_winograd_of(&g, s->outmaps);
    const size_t in = (size_t)s->channels * s->height * s->width;
    const size_t out = (size_t)s->outmaps * g.out_h * g.out_w, n = (size_t)s->samples;
    const size_t kernels = tsu_winograd_filter_floats(&w);
    float *x = random_floats(rand, n * in), *dy = random_floats(rand, n * out);
    float *weight = random_floats(rand, (size_t)s->outmaps * s->channels * 9);
    float *bias = random_floats(rand, (size_t)s->outmaps);
    float *u = g_new(float, kernels), *uf = g_new(float, kernels);
    tsu_winograd_filter(&w, weight, false, u);
    tsu_winograd_filter(&w, weight, true, uf);
    float *work = g_new(float, tsu_winograd_work(&w, s->samples));
    float *dx_start = random_floats(rand, n * in);
    float *y[2], *du[2], *dx[2];
    for (int avx = 0; avx < 2; avx++) {
        y[avx] = g_new(float, n * out);
        tsu_winograd_forward_with(&w, u, bias, x, in, y[avx], out, s->samples, work, avx);
        du[avx] = g_new(float, kernels);
        dx[avx] = g_memdup2(dx_start, sizeof(float) * n * in);
        /* Stored, then added: the second call's sums start from the first's. */
        tsu_winograd_backward_with(&w, uf, x, in, dy, out, s->samples, du[avx], false, NULL,
                                   false, work, avx);
        tsu_winograd_backward_with(&w, uf, x, in, dy, out, s->samples, du[avx], true, dx[avx],
                                   true, work, avx);
    }
    assert_same_bits("forward", s, y[1], y[0], n * out);
    assert_same_bits("weight gradient", s, du[1], du[0], kernels);
    assert_same_bits("input gradient added", s, dx[1], dx[0], n * in);
    for (int avx = 0; avx < 2; avx++) {
        tsu_winograd_backward_with(&w, uf, x, in, dy, out, s->samples, du[avx], false, dx[avx],
                                   false, work, avx);
    }
    assert_same_bits("input gradient stored", s, dx[1], dx[0], n * in);
    for (int avx = 0; avx < 2; avx++) g_free(y[avx]), g_free(du[avx]), g_free(dx[avx]);
    g_free(dx_start), g_free(x), g_free(dy), g_free(weight), g_free(bias), g_free(u), g_free(uf), g_free(work);
}

static void test_two_builds(void)
{
    if (!test_have_avx512()) return;
    GRand *rand = g_rand_new_with_seed(7);
    for (size_t i = 0; i < G_N_ELEMENTS(shapes); i++) check_shape(&shapes[i], rand);
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runtime/winograd/avx512-and-c-agree", test_two_builds);
    return g_test_run();
}
