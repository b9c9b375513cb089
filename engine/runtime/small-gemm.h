/* small-gemm.h — the small single-precision matrix products of the Winograd
 * convolution (winograd.h) in AVX-512 registers.
 *
 * The ResNet example's products are [32, 32] x [32, 147] and, for the
 * weight gradient, [32, 147] x [147, 32]: too small for OpenBLAS to leave
 * its small-matrix kernels, which ran them at 85-124 GFLOP/s on a core that
 * does 200 (docs/runtime.md, Layers, Convolution). These keep a block of C in
 * registers for the whole sum. Without AVX-512 they call cblas_sgemm.
 *
 * Row-major, leading dimensions in floats; add: C += product, else
 * C = product. The sums run in a fixed order for given shapes, so results
 * do not depend on the thread count or on alignment. */
#ifndef TSU_SMALL_GEMM_H
#define TSU_SMALL_GEMM_H

#include <stdbool.h>
#include <stddef.h>

/* C[m, n] (+)= A[m, k] B[k, n]. */
void tsu_gemm_nn(int m, int n, int k, const float *a, size_t lda, const float *b, size_t ldb,
                 float *c, size_t ldc, bool add);

/* C[m, n] (+)= A[m, k] B[n, k]^T. */
void tsu_gemm_nt(int m, int n, int k, const float *a, size_t lda, const float *b, size_t ldb,
                 float *c, size_t ldc, bool add);

/* The same with the AVX-512 kernels chosen (true: the CPU must have them)
 * or OpenBLAS, for tests and benchmarks. */
void tsu_gemm_nn_with(int m, int n, int k, const float *a, size_t lda, const float *b,
                      size_t ldb, float *c, size_t ldc, bool add, bool avx512);
void tsu_gemm_nt_with(int m, int n, int k, const float *a, size_t lda, const float *b,
                      size_t ldb, float *c, size_t ldc, bool add, bool avx512);

#endif
