/* test-depthwise.c — DepthwiseConvolution's two builds, AVX-512 (read
 * straight from the input, masked at the borders) and plain C (the padded
 * copies), give the same bits, forward and backward (the weight gradient
 * added, the input gradient stored and added): kernels 1x1 to 7x7 and one
 * wider than the AVX-512 build takes, strides 1 and 2 across (any down),
 * pads 0 to 3 and one past the kernel's reach, dilation, multipliers, planes
 * narrower and wider than a vector and with columns that need no masks,
 * rows near enough to the top and bottom to read padding. test-conv-paths
 * checks the build this machine runs against a direct loop; this one
 * carries that check over to the other. */
#include "test-helpers.h"

#include "runtime/depthwise.h"

#include <math.h>
#include <string.h>

typedef struct {
    int channels, multiplier, height, width, kh, kw, sh, sw, ph, pw, dh, dw;
} shape;

static const shape shapes[] = {
    {3, 1, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1},     /* narrower than a vector */
    {2, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1},   /* MobileNet's smallest planes */
    {2, 1, 9, 56, 3, 3, 1, 1, 1, 1, 1, 1},    /* inner columns without masks */
    {2, 1, 11, 37, 3, 3, 1, 1, 0, 0, 1, 1},   /* pad 0, the last vector partial */
    {2, 1, 6, 33, 3, 3, 1, 1, 2, 2, 1, 1},    /* pad 2: outputs wider than the input */
    {2, 2, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1},   /* 5x5, multiplier 2 */
    {3, 1, 13, 40, 3, 3, 1, 1, 2, 2, 2, 2},   /* dilation 2 */
    {2, 3, 10, 19, 3, 2, 1, 1, 1, 0, 1, 1},   /* 3x2: the general copy, multiplier 3 */
    {2, 1, 8, 17, 1, 1, 1, 1, 0, 0, 1, 1},    /* 1x1 */
    {2, 2, 6, 9, 1, 3, 1, 1, 1, 1, 1, 1},     /* pad past the kernel's reach down */
    {2, 1, 5, 9, 7, 7, 1, 1, 3, 3, 1, 1},     /* kernel taller than the plane's padding */
    {2, 1, 15, 56, 3, 3, 2, 2, 1, 1, 1, 1},   /* stride 2, inner columns */
    {3, 1, 9, 10, 3, 3, 2, 2, 1, 1, 1, 1},    /* stride 2, odd height */
    {2, 2, 12, 35, 5, 5, 2, 2, 2, 2, 1, 1},   /* stride 2, 5x5, multiplier 2 */
    {2, 1, 11, 31, 3, 3, 3, 2, 0, 1, 2, 1},   /* stride [3, 2], dilation [2, 1] */
    {2, 1, 9, 45, 3, 4, 2, 1, 1, 2, 1, 3},    /* stride [2, 1], dilation [1, 3] */
    {2, 1, 6, 40, 2, 17, 1, 1, 0, 8, 1, 1},   /* 17 taps across: C in both builds */
    {2, 1, 12, 14, 3, 3, 3, 3, 1, 1, 1, 1},   /* stride 3: C in both builds */
};

static float *random_floats(GRand *rand, size_t n)
{
    float *v = g_new(float, n);
    for (size_t i = 0; i < n; i++) v[i] = (float)g_rand_double_range(rand, -1.0, 1.0);
    return v;
}

static tsu_conv_geometry geometry_of(const shape *s)
{
    tsu_conv_geometry g = {.channels = s->channels, .height = s->height, .width = s->width,
                           .kernel_h = s->kh, .kernel_w = s->kw, .stride_h = s->sh,
                           .stride_w = s->sw, .pad_h = s->ph, .pad_w = s->pw,
                           .dilation_h = s->dh, .dilation_w = s->dw};
    g.out_h = (s->height + 2 * s->ph - s->dh * (s->kh - 1) - 1) / s->sh + 1;
    g.out_w = (s->width + 2 * s->pw - s->dw * (s->kw - 1) - 1) / s->sw + 1;
    return g;
}

static void assert_same_bits(const char *what, const shape *s, bool with_bias, const float *a,
                             const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0)
            g_error("%s, %dx%dx%d m %d, kernel %dx%d stride [%d, %d] pad [%d, %d] dilation "
                    "[%d, %d]%s: [%zu] is %.9g with AVX-512, %.9g in C",
                    what, s->channels, s->height, s->width, s->multiplier, s->kh, s->kw, s->sh,
                    s->sw, s->ph, s->pw, s->dh, s->dw, with_bias ? "" : ", no bias", i, a[i],
                    b[i]);
}

static void check_shape(const shape *s, GRand *rand, bool with_bias)
{
    const tsu_conv_geometry g = geometry_of(s);
    const size_t in = (size_t)s->channels * s->height * s->width;
    const size_t maps = (size_t)s->channels * s->multiplier;
    const size_t out = maps * g.out_h * g.out_w;
    float *x = random_floats(rand, in), *weight = random_floats(rand, maps * s->kh * s->kw);
    float *bias = with_bias ? random_floats(rand, maps) : NULL;
    float *work = g_new(float, tsu_depthwise_work(&g, s->multiplier));
    float *y[2];
    for (int avx = 0; avx < 2; avx++) {
        /* NaN first: an output either build left unwritten shows. */
        y[avx] = g_new(float, out + 1);
        for (size_t i = 0; i <= out; i++) y[avx][i] = NAN;
        tsu_depthwise_forward_with(&g, s->multiplier, x, weight, bias, y[avx], work, avx);
        g_assert_true(isnan(y[avx][out])); /* nothing written past the output */
    }
    assert_same_bits("forward", s, with_bias, y[1], y[0], out);
    /* Backward: the weight gradient added to a start, the input gradient
     * stored, then added. */
    const size_t taps = maps * s->kh * s->kw;
    float *dy = random_floats(rand, out), *dw_start = random_floats(rand, taps);
    float *dw[2], *dx[2];
    for (int avx = 0; avx < 2; avx++) {
        dw[avx] = g_memdup2(dw_start, sizeof(float) * taps);
        dx[avx] = g_new(float, in);
        tsu_depthwise_backward_with(&g, s->multiplier, x, weight, dy, dw[avx], dx[avx], false,
                                    work, avx);
    }
    assert_same_bits("weight gradient", s, with_bias, dw[1], dw[0], taps);
    assert_same_bits("input gradient stored", s, with_bias, dx[1], dx[0], in);
    for (int avx = 0; avx < 2; avx++)
        tsu_depthwise_backward_with(&g, s->multiplier, x, weight, dy, dw[avx], dx[avx], true,
                                    work, avx);
    assert_same_bits("input gradient added", s, with_bias, dx[1], dx[0], in);
    for (int avx = 0; avx < 2; avx++) g_free(y[avx]), g_free(dw[avx]), g_free(dx[avx]);
    g_free(x), g_free(weight), g_free(bias), g_free(work), g_free(dy), g_free(dw_start);
}

static void test_two_builds(void)
{
    if (!test_have_avx512()) return;
    GRand *rand = g_rand_new_with_seed(11);
    for (size_t i = 0; i < G_N_ELEMENTS(shapes); i++) {
        check_shape(&shapes[i], rand, true);
        check_shape(&shapes[i], rand, false);
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runtime/depthwise/avx512-and-c-agree", test_two_builds);
    return g_test_run();
}
