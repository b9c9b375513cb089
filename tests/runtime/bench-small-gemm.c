/* bench-small-gemm.c — GFLOP/s of the small products (runtime/small-gemm.h),
 * AVX-512 kernels against OpenBLAS, on the ResNet example's Winograd shapes
 * (not a test; run by hand, one thread):
 *   OPENBLAS_NUM_THREADS=1 bench-small-gemm [rounds]
 * Each round times 40,000 products cycling over 16 operand sets (as the 16
 * elements of a Winograd pass do), OpenBLAS then the kernels. */
#include "runtime/small-gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum { SETS = 16, REPS = 40000 };

/* Seconds for REPS products m x n x k, A B (nt false) or A B^T. */
static double time_products(bool nt, int m, int n, int k, const float *a, const float *b,
                            float *c, bool avx512)
{
    const size_t sa = (size_t)m * k, sb = (size_t)k * n, sc = (size_t)m * n;
    double start = now();
    for (int r = 0; r < REPS; r++) {
        const int e = r % SETS;
        if (nt)
            tsu_gemm_nt_with(m, n, k, a + e * sa, k, b + e * sb, k, c + e * sc, n, true, avx512);
        else
            tsu_gemm_nn_with(m, n, k, a + e * sa, k, b + e * sb, n, c + e * sc, n, false, avx512);
    }
    return now() - start;
}

int main(int argc, char **argv)
{
    const int rounds = argc > 1 ? atoi(argv[1]) : 3;
    const struct {
        const char *what;
        bool nt;
        int m, n, k;
    } shapes[] = {
        {"forward / input gradient  [32,32] x [32,147]", false, 32, 147, 32},
        {"weight gradient [32,147] x [147,32] (B^T)", true, 32, 32, 147},
    };
    float *a = malloc(sizeof(float) * SETS * 32 * 147), *b = malloc(sizeof(float) * SETS * 32 * 147);
    float *c = calloc((size_t)SETS * 32 * 147, sizeof(float));
    if (!a || !b || !c) return 1;
    for (size_t i = 0; i < (size_t)SETS * 32 * 147; i++) {
        a[i] = (float)rand() / (float)RAND_MAX - 0.5f;
        b[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    }
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (int r = 0; r < rounds; r++) {
            const double flops = 2.0 * shapes[s].m * shapes[s].n * shapes[s].k * REPS;
            const double blas = time_products(shapes[s].nt, shapes[s].m, shapes[s].n, shapes[s].k,
                                              a, b, c, false);
            const double own = time_products(shapes[s].nt, shapes[s].m, shapes[s].n, shapes[s].k,
                                             a, b, c, true);
            printf("%s: OpenBLAS %.1f, AVX-512 kernels %.1f GFLOP/s\n", shapes[s].what,
                   flops / blas / 1e9, flops / own / 1e9);
        }
    free(a);
    free(b);
    free(c);
    return 0;
}
