/* resize.c — pictures to the size a network takes: area averaging when
 * shrinking (each output pixel the mean of the source area it covers, as
 * OpenCV's INTER_AREA), bilinear when enlarging (pixel centres at +0.5,
 * as INTER_LINEAR), one axis at a time; crop, pad or stretch to the
 * target's aspect ratio; grayscale by Rec. 601 luma. */
#include "data-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The source pixels [first, first + count) and their weights that make one
 * output pixel along one axis. */
typedef struct {
    int first, count;
    float *w;
} tap;

/* Taps for dst outputs from the source span [from, from + len). */
static tap *axis_taps(int from, int len, int dst)
{
    tap *taps = tsu_xcalloc((size_t)dst, sizeof *taps);
    const double scale = (double)len / dst;
    for (int i = 0; i < dst; i++) {
        tap *t = &taps[i];
        if (dst < len) {
            double a = i * scale, b = (i + 1) * scale;
            int lo = (int)floor(a), hi = (int)ceil(b);
            if (hi > len) hi = len;
            t->first = from + lo;
            t->count = hi - lo;
            t->w = tsu_xmalloc((size_t)t->count * sizeof(float));
            for (int k = lo; k < hi; k++) {
                double cover = fmin(b, k + 1) - fmax(a, k);
                t->w[k - lo] = (float)(cover / scale);
            }
        } else {
            double s = (i + 0.5) * scale - 0.5;
            if (s < 0) s = 0;
            int x0 = (int)floor(s);
            if (x0 > len - 1) x0 = len - 1;
            double f = s - x0;
            t->first = from + x0;
            t->count = x0 + 1 < len ? 2 : 1;
            t->w = tsu_xmalloc(2 * sizeof(float));
            t->w[0] = (float)(t->count == 2 ? 1 - f : 1);
            t->w[1] = (float)f;
        }
    }
    return taps;
}

static void free_taps(tap *taps, int n)
{
    for (int i = 0; i < n; i++) free(taps[i].w);
    free(taps);
}

/* Resizes the region (x0, y0, w, h) of src into dst's (ox, oy, dw, dh). */
static void resample(const tsu_image *src, int x0, int y0, int w, int h, tsu_image *dst, int ox,
                     int oy, int dw, int dh)
{
    tap *tx = axis_taps(x0, w, dw), *ty = axis_taps(y0, h, dh);
    /* Horizontal pass over the rows the region uses, then vertical. */
    float *rows = tsu_xmalloc((size_t)h * dw * sizeof(float));
    const size_t splane = (size_t)src->width * src->height;
    const size_t dplane = (size_t)dst->width * dst->height;
    for (int c = 0; c < src->channels; c++) {
        const uint8_t *in = src->pixels + c * splane;
        for (int y = 0; y < h; y++) {
            const uint8_t *row = in + (size_t)(y0 + y) * src->width;
            for (int x = 0; x < dw; x++) {
                float sum = 0;
                for (int k = 0; k < tx[x].count; k++) sum += tx[x].w[k] * row[tx[x].first + k];
                rows[(size_t)y * dw + x] = sum;
            }
        }
        uint8_t *out = dst->pixels + c * dplane;
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++) {
                float sum = 0;
                for (int k = 0; k < ty[y].count; k++)
                    sum += ty[y].w[k] * rows[(size_t)(ty[y].first - y0 + k) * dw + x];
                long v = lrintf(sum);
                out[(size_t)(oy + y) * dst->width + ox + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
    }
    free(rows);
    free_taps(tx, dw);
    free_taps(ty, dh);
}

void tsu_image_resize(const tsu_image *src, int width, int height, tsu_fit fit, tsu_image *out)
{
    const int sw = src->width, sh = src->height;
    *out = (tsu_image){.channels = src->channels, .height = height, .width = width,
                       .pixels = tsu_xcalloc((size_t)width * height, (size_t)src->channels)};
    /* Cross-multiplied in 64 bits: which side is relatively longer. */
    const int64_t lhs = (int64_t)sw * height, rhs = (int64_t)sh * width;
    if (fit == TSU_FIT_CROP && lhs != rhs) {
        if (lhs > rhs) { /* source wider: keep the middle columns */
            int cw = (int)((rhs + height / 2) / height);
            if (cw < 1) cw = 1;
            resample(src, (sw - cw) / 2, 0, cw, sh, out, 0, 0, width, height);
        } else {
            int ch = (int)((lhs + width / 2) / width);
            if (ch < 1) ch = 1;
            resample(src, 0, (sh - ch) / 2, sw, ch, out, 0, 0, width, height);
        }
    } else if (fit == TSU_FIT_PAD && lhs != rhs) { /* black borders around the whole picture */
        int dw = width, dh = height;
        if (lhs > rhs) dh = (int)(((int64_t)sh * width + sw / 2) / sw);
        else dw = (int)(((int64_t)sw * height + sh / 2) / sh);
        if (dw < 1) dw = 1;
        if (dh < 1) dh = 1;
        resample(src, 0, 0, sw, sh, out, (width - dw) / 2, (height - dh) / 2, dw, dh);
    } else
        resample(src, 0, 0, sw, sh, out, 0, 0, width, height);
}

void tsu_image_set_channels(tsu_image *img, int channels)
{
    if (img->channels == channels) return;
    const size_t plane = (size_t)img->width * img->height;
    uint8_t *px = tsu_xmalloc(plane * (size_t)channels);
    if (channels == 1)
        for (size_t i = 0; i < plane; i++) {
            const uint8_t *p = img->pixels;
            px[i] = (uint8_t)lrint(0.299 * p[i] + 0.587 * p[plane + i] + 0.114 * p[2 * plane + i]);
        }
    else
        for (int c = 0; c < 3; c++) memcpy(px + c * plane, img->pixels, plane);
    free(img->pixels);
    img->pixels = px;
    img->channels = channels;
}

const char *tsu_fit_name(tsu_fit fit)
{
    return fit == TSU_FIT_CROP ? "crop" : fit == TSU_FIT_PAD ? "pad" : "stretch";
}

bool tsu_fit_parse(const char *text, tsu_fit *fit)
{
    for (int f = TSU_FIT_STRETCH; f <= TSU_FIT_PAD; f++)
        if (text && !strcmp(text, tsu_fit_name((tsu_fit)f))) {
            *fit = (tsu_fit)f;
            return true;
        }
    return false;
}

tsu_status tsu_image_prepare(const char *path, const tsu_image_prep *prep, tsu_image *out,
                             tsu_diag *diag)
{
    tsu_image img;
    tsu_status st = tsu_image_load(path, &img, diag);
    if (st != TSU_OK) return st;
    tsu_image_set_channels(&img, prep->grayscale ? 1 : 3);
    tsu_image_resize(&img, prep->width, prep->height, prep->fit, out);
    tsu_image_free(&img);
    return TSU_OK;
}
