/* winograd-rows.h — the F(2x2, 3x3) transforms written on rows: every step
 * is an element-wise operation on a run of floats (one tile row of one
 * plane), so a run of up to 16 tiles is one AVX-512 operation.
 *
 * Included twice by winograd.c: once with the AVX-512 row operations and
 * once with plain C loops doing the same arithmetic in the same order (the
 * two give the same bits). ROWS(name) names this copy's functions, ROW(op)
 * its row operations, ROWS_TARGET the functions' target attribute. */

/* Padded rows of one input plane, split into even and odd columns:
 * e[r][k] = row r - pad_h, column 2k - pad_w, and o[r][k] one column to
 * the right; zero outside the image. Rows are tiles_w + 1 long. */
ROWS_TARGET static void ROWS(split_plane)(const side *s, const float *restrict x,
                                          float *restrict e, float *restrict o,
                                          float *restrict row)
{
    const int cols = 2 * s->tiles_w + 2, half = s->tiles_w + 1;
    for (int r = 0; r < 2 * s->tiles_h + 2; r++) {
        const int iy = r - s->pad_h;
        float *er = e + (size_t)r * half, *or = o + (size_t)r * half;
        if (iy < 0 || iy >= s->height) {
            memset(er, 0, sizeof(float) * (size_t)half);
            memset(or, 0, sizeof(float) * (size_t)half);
            continue;
        }
        /* cols >= width + 2 pad_w: 2 tiles_w >= out_w = width + 2 pad_w - 2. */
        memset(row, 0, sizeof(float) * (size_t)cols);
        ROW(copy)(row + s->pad_w, x + (size_t)iy * s->width, s->width);
        ROW(deinterleave)(er, or, row, cols, half);
    }
}

/* v (element 0 of the plane's first tile; elements `stride` apart) =
 * B^T d B of every 4x4 patch, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0;
 * 0 1 0 -1]: down the four rows of a tile row, then across. */
ROWS_TARGET static void ROWS(input_plane)(const side *s, const float *restrict x,
                                          float *restrict v, size_t stride,
                                          float *restrict scratch)
{
    const int tw = s->tiles_w, half = tw + 1, rows = 2 * s->tiles_h + 2;
    float *e = scratch, *o = e + aligned((size_t)rows * half);
    float *q = o + aligned((size_t)rows * half), *row = q + aligned((size_t)8 * half);
    ROWS(split_plane)(s, x, e, o, row);
    for (int ty = 0; ty < s->tiles_h; ty++) {
        for (int p = 0; p < 2; p++) {
            const float *d = (p ? o : e) + (size_t)(2 * ty) * half;
            const float *d0 = d, *d1 = d + half, *d2 = d1 + half, *d3 = d2 + half;
            float *qp = q + (size_t)p * 4 * half;
            ROW(sub)(qp, d0, d2, half);
            ROW(add)(qp + half, d1, d2, half);
            ROW(sub)(qp + 2 * half, d2, d1, half);
            ROW(sub)(qp + 3 * half, d1, d3, half);
        }
        for (int i = 0; i < 4; i++) {
            const float *qe = q + (size_t)i * half, *qo = q + (size_t)(4 + i) * half;
            float *out = v + (size_t)(4 * i) * stride + (size_t)ty * tw;
            ROW(sub)(out, qe, qe + 1, tw);
            ROW(add)(out + stride, qo, qe + 1, tw);
            ROW(sub)(out + 2 * stride, qe + 1, qo, tw);
            ROW(sub)(out + 3 * stride, qo, qo + 1, tw);
        }
    }
}

/* One output plane from m (as v above): A^T m A, A^T = [1 1 1 0;
 * 0 1 -1 -1], plus bias, stored in or added to y [out_h, out_w]. */
ROWS_TARGET static void ROWS(output_plane)(const side *s, const float *m, size_t stride,
                                           float bias, float *y, bool add,
                                           float *restrict scratch)
{
    const int tw = s->tiles_w;
    const size_t run = aligned((size_t)tw);
    float *r = scratch, *pair = r + 8 * run;
    for (int ty = 0; ty < s->tiles_h; ty++) {
        const float *mt = m + (size_t)ty * tw;
        for (int j = 0; j < 4; j++) {
            const float *m0 = mt + (size_t)j * stride, *m1 = m0 + 4 * stride,
                        *m2 = m1 + 4 * stride, *m3 = m2 + 4 * stride;
            ROW(add3)(r + j * run, m0, m1, m2, tw);
            ROW(sub3)(r + (4 + j) * run, m1, m2, m3, tw);
        }
        for (int a = 0; a < 2 && 2 * ty + a < s->out_h; a++) {
            const float *ra = r + (size_t)(4 * a) * run;
            ROW(add3)(pair, ra, ra + run, ra + 2 * run, tw);
            ROW(sub3)(pair + run, ra + run, ra + 2 * run, ra + 3 * run, tw);
            ROW(interleave)(y + (size_t)(2 * ty + a) * s->out_w, pair, pair + run, bias,
                            s->out_w, add);
        }
    }
}

/* d (as v above) = A g A^T of every 2x2 block g of an output gradient
 * plane (zero past its edge), A = [1 0; 1 1; 1 -1; 0 -1]: the gradient
 * reaching the 16 products of that tile. */
ROWS_TARGET static void ROWS(grad_output_plane)(const side *s, const float *dy, float *d,
                                                size_t stride, float *restrict scratch)
{
    const int tw = s->tiles_w;
    const size_t run = aligned((size_t)tw);
    float *g = scratch; /* e0 o0 e1 o1, then he1..3 and ho1..3 */
    for (int ty = 0; ty < s->tiles_h; ty++) {
        for (int a = 0; a < 2; a++) {
            const int oy = 2 * ty + a;
            float *ea = g + (size_t)(2 * a) * run, *oa = ea + run;
            if (oy < s->out_h)
                ROW(deinterleave)(ea, oa, dy + (size_t)oy * s->out_w, s->out_w, tw);
            else {
                memset(ea, 0, sizeof(float) * (size_t)tw);
                memset(oa, 0, sizeof(float) * (size_t)tw);
            }
        }
        const float *e0 = g, *o0 = g + run, *e1 = g + 2 * run, *o1 = g + 3 * run;
        float *h = g + 4 * run; /* he1 he2 he3 ho1 ho2 ho3 */
        ROW(add)(h, e0, e1, tw);
        ROW(sub)(h + run, e0, e1, tw);
        ROW(neg)(h + 2 * run, e1, tw);
        ROW(add)(h + 3 * run, o0, o1, tw);
        ROW(sub)(h + 4 * run, o0, o1, tw);
        ROW(neg)(h + 5 * run, o1, tw);
        for (int i = 0; i < 4; i++) {
            const float *he = i ? h + (size_t)(i - 1) * run : e0;
            const float *ho = i ? h + (size_t)(2 + i) * run : o0;
            float *out = d + (size_t)(4 * i) * stride + (size_t)ty * tw;
            ROW(copy)(out, he, tw);
            ROW(add)(out + stride, he, ho, tw);
            ROW(sub)(out + 2 * stride, he, ho, tw);
            ROW(neg)(out + 3 * stride, ho, tw);
        }
    }
}
