/* test-small-gemm.c — the AVX-512 small products (runtime/small-gemm.h)
 * against a sum in double: A B and A B^T, stored and added, on the
 * Winograd shapes and on edges the tiles cut (rows not a multiple of 8,
 * columns of 1, 16, 17, 48, 49, depths past the 128-step blocks of the
 * transposed copy, k = 0), with leading dimensions wider than the rows;
 * C's padding columns must stay untouched. The OpenBLAS path runs the same
 * cases, so the two builds answer alike. */
#include "test-helpers.h"

#include "runtime/small-gemm.h"

#include <math.h>
#include <string.h>

typedef struct {
    int m, n, k;
} dims;

static const dims cases[] = {
    {32, 147, 32}, /* the ResNet example's forward and input gradient */
    {32, 32, 147}, /* its weight gradient (A B^T) */
    {1, 1, 1},      {7, 5, 3},     {9, 17, 33},  {33, 49, 1},  {16, 16, 16},
    {40, 100, 300}, {5, 200, 0},   {8, 48, 128}, {17, 97, 129}, {3, 3, 260},
    {12, 64, 257},  {31, 15, 16},
};

static float *random_floats(GRand *rand, size_t n)
{
    float *v = g_new(float, n);
    for (size_t i = 0; i < n; i++) v[i] = (float)g_rand_double_range(rand, -1.0, 1.0);
    return v;
}

/* One case: c (+)= a b or a b^T; every value within 4 float epsilons of
 * the sum of the magnitudes of its terms (and of c's old value). */
static void check(GRand *rand, const dims *d, bool nt, bool add, bool avx512)
{
    const int m = d->m, n = d->n, k = d->k;
    const size_t lda = (size_t)k + 3, ldb = (size_t)(nt ? k : n) + 5, ldc = (size_t)n + 2;
    const size_t b_rows = (size_t)(nt ? n : k);
    float *a = random_floats(rand, (size_t)m * lda + 1), *b = random_floats(rand, b_rows * ldb + 1);
    float *c = random_floats(rand, (size_t)m * ldc), *before = g_memdup2(c, sizeof(float) * m * ldc);
    if (nt)
        tsu_gemm_nt_with(m, n, k, a, lda, b, ldb, c, ldc, add, avx512);
    else
        tsu_gemm_nn_with(m, n, k, a, lda, b, ldb, c, ldc, add, avx512);
    for (int i = 0; i < m; i++)
        for (size_t j = 0; j < ldc; j++) {
            const float got = c[i * ldc + j];
            if (j >= (size_t)n) {
                if (memcmp(&got, &before[i * ldc + j], sizeof got) != 0)
                    g_error("%s %dx%dx%d: padding C[%d][%zu] was written", nt ? "nt" : "nn", m, n,
                            k, i, j);
                continue;
            }
            double want = add ? before[i * ldc + j] : 0.0, size = fabs(want);
            for (int p = 0; p < k; p++) {
                const double t = (double)a[i * lda + p] * (nt ? b[j * ldb + p] : b[p * ldb + j]);
                want += t;
                size += fabs(t);
            }
            if (fabs(got - want) > 4 * FLT_EPSILON * size + 1e-30)
                g_error("%s %dx%dx%d add %d %s: C[%d][%zu] is %.9g, the double sum %.9g",
                        nt ? "nt" : "nn", m, n, k, add, avx512 ? "AVX-512" : "OpenBLAS", i, j,
                        got, want);
        }
    g_free(a);
    g_free(b);
    g_free(c);
    g_free(before);
}

static void run_all(bool avx512)
{
    GRand *rand = g_rand_new_with_seed(11);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        for (int nt = 0; nt < 2; nt++)
            for (int add = 0; add < 2; add++) check(rand, &cases[i], nt, add, avx512);
    g_rand_free(rand);
}

static void test_avx512(void)
{
    if (test_have_avx512()) run_all(true);
}

static void test_openblas(void)
{
    run_all(false);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runtime/small-gemm/avx512", test_avx512);
    g_test_add_func("/runtime/small-gemm/openblas", test_openblas);
    return g_test_run();
}
