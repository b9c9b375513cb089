/* small-gemm.c — register-blocked AVX-512 products for small matrices
 * (small-gemm.h). */
#include "runtime/small-gemm.h"

#include <cblas.h>

/* The products in OpenBLAS: B transposed when nt. */
static void blas(bool nt, int m, int n, int k, const float *a, size_t lda, const float *b,
                 size_t ldb, float *c, size_t ldc, bool add)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, nt ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
                (int)lda, b, (int)ldb, add ? 1.0f : 0.0f, c, (int)ldc);
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define SMALL_GEMM_AVX512 1
#define AVX __attribute__((target("avx512f")))
#define INLINE inline __attribute__((always_inline))
/* Loops over registers must unroll fully, or the arrays of vectors live
 * on the stack: -O2 alone left them at 40 GFLOP/s. */
#define UNROLL _Pragma("GCC unroll 16")

static inline AVX __mmask16 lanes(int left)
{
    return left >= 16 ? (__mmask16)0xffff : left <= 0 ? 0 : (__mmask16)((1u << left) - 1u);
}

/* ------------------------------------------------------------ A B
 *
 * A tile of NN_ROWS rows by `vecs` vectors of 16 columns (up to 24
 * accumulators) stays in registers for the whole sum over k: per k, `vecs` loads of B's row and
 * NN_ROWS broadcasts of A's column feed NN_ROWS * vecs multiply-adds, so the
 * two FMA units, not the loads, set the pace. The last vector of a tile is
 * masked at the right edge. A tile past the last row reads the last row
 * again (no load outside A) and stores nothing for it. */
#define NN_ROWS 8
#define TILE_COLS 48 /* three vectors */

static INLINE AVX void nn_tile(int vecs, int k, const float *a, size_t lda, const float *b,
                               size_t ldb, float *c, size_t ldc, int rows, int cols, bool add)
{
    const __mmask16 last = lanes(cols - 16 * (vecs - 1));
    const float *ar[NN_ROWS];
    UNROLL for (int r = 0; r < NN_ROWS; r++) ar[r] = a + (size_t)(r < rows ? r : rows - 1) * lda;
    __m512 acc[NN_ROWS][3];
    UNROLL for (int r = 0; r < NN_ROWS; r++)
        UNROLL for (int v = 0; v < vecs; v++) acc[r][v] = _mm512_setzero_ps();
    for (int p = 0; p < k; p++) {
        const float *bp = b + (size_t)p * ldb;
        __m512 bv[3];
        UNROLL for (int v = 0; v < vecs; v++)
            bv[v] = v + 1 < vecs ? _mm512_loadu_ps(bp + 16 * v)
                                 : _mm512_maskz_loadu_ps(last, bp + 16 * v);
        UNROLL for (int r = 0; r < NN_ROWS; r++) {
            const __m512 av = _mm512_set1_ps(ar[r][p]);
            UNROLL for (int v = 0; v < vecs; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    /* A constant trip count, so acc[r] stays a register (indexed by a
     * variable, the whole array went to the stack every step). */
    UNROLL for (int r = 0; r < NN_ROWS; r++)
        UNROLL for (int v = 0; v < vecs && r < rows; v++) {
            float *cp = c + (size_t)r * ldc + 16 * v;
            const __mmask16 m = v + 1 < vecs ? (__mmask16)0xffff : last;
            __m512 sum = acc[r][v];
            if (add) sum = _mm512_add_ps(_mm512_maskz_loadu_ps(m, cp), sum);
            _mm512_mask_storeu_ps(cp, m, sum);
        }
}

static AVX void nn_tile3(int k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
                         size_t ldc, int rows, int cols, bool add)
{
    nn_tile(3, k, a, lda, b, ldb, c, ldc, rows, cols, add);
}

static AVX void nn_tile2(int k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
                         size_t ldc, int rows, int cols, bool add)
{
    nn_tile(2, k, a, lda, b, ldb, c, ldc, rows, cols, add);
}

static AVX void nn_tile1(int k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
                         size_t ldc, int rows, int cols, bool add)
{
    nn_tile(1, k, a, lda, b, ldb, c, ldc, rows, cols, add);
}

/* C[m, cols] (+)= A[m, k] B[k, cols] for cols <= TILE_COLS. */
static AVX void avx_nn_block(int m, int cols, int k, const float *a, size_t lda, const float *b,
                             size_t ldb, float *c, size_t ldc, bool add)
{
    for (int i = 0; i < m; i += NN_ROWS) {
        const int rows = m - i < NN_ROWS ? m - i : NN_ROWS;
        const float *ai = a + (size_t)i * lda;
        float *ci = c + (size_t)i * ldc;
        if (cols > 32)
            nn_tile3(k, ai, lda, b, ldb, ci, ldc, rows, cols, add);
        else if (cols > 16)
            nn_tile2(k, ai, lda, b, ldb, ci, ldc, rows, cols, add);
        else
            nn_tile1(k, ai, lda, b, ldb, ci, ldc, rows, cols, add);
    }
}

/* Column blocks outside, so a block of B (k x 48) stays in L1 while every
 * row block of A passes over it. */
static AVX void avx_nn(int m, int n, int k, const float *a, size_t lda, const float *b,
                       size_t ldb, float *c, size_t ldc, bool add)
{
    for (int j = 0; j < n; j += TILE_COLS)
        avx_nn_block(m, n - j < TILE_COLS ? n - j : TILE_COLS, k, a, lda, b + j, ldb, c + j, ldc,
                     add);
}

/* ------------------------------------------------------------ A B^T
 *
 * B^T goes through a small transposed copy, so the product is A B again
 * with the nn tiles: C[m, n] is a few columns wide (n = 32 for the
 * weight gradient) while k is long (147), and vectors along n keep every
 * multiply-add useful. Dot products along k (a vector of partial sums per
 * value of C, folded at the end) ran at a third of this: the fold costs as
 * much as the ten steps of a 147-long sum. The copy is cut into blocks of
 * TILE_COLS columns of C and NT_DEPTH steps of k, 24 KiB on the stack. */
#define NT_DEPTH 128

/* The 16 x 16 block r[] transposed in place (lane j of r[i] <-> lane i of
 * r[j]): pairs of rows interleaved, then pairs of pairs, then 128-bit
 * blocks twice. */
static INLINE AVX void transpose16(__m512 r[16])
{
    __m512 t[16];
    UNROLL for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    UNROLL for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    UNROLL for (int h = 0; h < 16; h += 8)
        UNROLL for (int i = 0; i < 4; i++) {
            t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
            t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xDD);
        }
    UNROLL for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
    }
}

/* dst[depth][cols] (row stride TILE_COLS) = src[cols][depth]^T, src rows
 * lds apart; 16 x 16 blocks, the edges masked. */
static AVX void transpose_block(const float *src, size_t lds, int cols, int depth, float *dst)
{
    for (int c0 = 0; c0 < cols; c0 += 16)
        for (int p0 = 0; p0 < depth; p0 += 16) {
            const __mmask16 in = lanes(depth - p0), out = lanes(cols - c0);
            __m512 r[16];
            UNROLL for (int i = 0; i < 16; i++)
                r[i] = c0 + i < cols ? _mm512_maskz_loadu_ps(in, src + (size_t)(c0 + i) * lds + p0)
                                     : _mm512_setzero_ps();
            transpose16(r);
            UNROLL for (int i = 0; i < 16; i++)
                if (p0 + i < depth) _mm512_mask_storeu_ps(dst + (size_t)(p0 + i) * TILE_COLS + c0, out, r[i]);
        }
}

static AVX void avx_nt(int m, int n, int k, const float *a, size_t lda, const float *b,
                       size_t ldb, float *c, size_t ldc, bool add)
{
    float bt[NT_DEPTH * TILE_COLS] __attribute__((aligned(64)));
    for (int j = 0; j < n; j += TILE_COLS) {
        const int cols = n - j < TILE_COLS ? n - j : TILE_COLS;
        for (int p = 0; p < k || p == 0; p += NT_DEPTH) {
            const int depth = k - p < NT_DEPTH ? k - p : NT_DEPTH;
            transpose_block(b + (size_t)j * ldb + p, ldb, cols, depth, bt);
            avx_nn_block(m, cols, depth, a + p, lda, bt, TILE_COLS, c + j, ldc, add || p > 0);
        }
    }
}

static bool have_avx512(void)
{
    return __builtin_cpu_supports("avx512f");
}
#else
static bool have_avx512(void)
{
    return false;
}
#endif

static void gemm(bool nt, int m, int n, int k, const float *a, size_t lda, const float *b,
                 size_t ldb, float *c, size_t ldc, bool add, bool avx512)
{
    if (m <= 0 || n <= 0) return;
#ifdef SMALL_GEMM_AVX512
    if (avx512) {
        (nt ? avx_nt : avx_nn)(m, n, k, a, lda, b, ldb, c, ldc, add);
        return;
    }
#endif
    (void)avx512;
    blas(nt, m, n, k, a, lda, b, ldb, c, ldc, add);
}

void tsu_gemm_nn_with(int m, int n, int k, const float *a, size_t lda, const float *b,
                      size_t ldb, float *c, size_t ldc, bool add, bool avx512)
{
    gemm(false, m, n, k, a, lda, b, ldb, c, ldc, add, avx512);
}

void tsu_gemm_nt_with(int m, int n, int k, const float *a, size_t lda, const float *b,
                      size_t ldb, float *c, size_t ldc, bool add, bool avx512)
{
    gemm(true, m, n, k, a, lda, b, ldb, c, ldc, add, avx512);
}

void tsu_gemm_nn(int m, int n, int k, const float *a, size_t lda, const float *b, size_t ldb,
                 float *c, size_t ldc, bool add)
{
    gemm(false, m, n, k, a, lda, b, ldb, c, ldc, add, have_avx512());
}

void tsu_gemm_nt(int m, int n, int k, const float *a, size_t lda, const float *b, size_t ldb,
                 float *c, size_t ldc, bool add)
{
    gemm(true, m, n, k, a, lda, b, ldb, c, ldc, add, have_avx512());
}
