/* image-bmp.c — Windows bitmaps: uncompressed 24- and 32-bit (BI_RGB, or
 * BI_BITFIELDS with the usual masks) and 8-bit palette. An 8-bit file whose
 * palette is all greys becomes one channel. Every offset and size from the
 * headers is checked against the file. */
#include "data-internal.h"

#include <string.h>

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned le16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

#define FAIL(...) return snprintf(err, err_size, __VA_ARGS__), false

/* BI_BITFIELDS is fine when the masks are the plain BGRA byte order. */
static bool plain_masks(const uint8_t *data, size_t size, size_t dib, size_t at)
{
    size_t masks = dib >= 52 ? 14 + 40 : at;
    if (masks + 12 > size) return false;
    return le32(data + masks) == 0x00FF0000 && le32(data + masks + 4) == 0x0000FF00 &&
           le32(data + masks + 8) == 0x000000FF;
}

bool tsu_bmp_decode(const uint8_t *data, size_t size, tsu_image *img, char *err, size_t err_size)
{
    if (size < 14 + 40) FAIL(_("truncated BMP file"));
    const size_t offset = le32(data + 10), dib = le32(data + 14);
    if (dib < 40 || dib > size - 14) FAIL(_("unsupported BMP header (%zu bytes)"), dib);
    const int32_t width = (int32_t)le32(data + 18), height_raw = (int32_t)le32(data + 22);
    const unsigned bpp = le16(data + 28), compression = le32(data + 30);
    uint32_t colors = le32(data + 46);
    if (bpp != 8 && bpp != 24 && bpp != 32)
        FAIL(_("unsupported BMP: %u bits per pixel (24, 32 or 8-bit palette are read)"), bpp);
    if (!(compression == 0 || (compression == 3 && bpp == 32 && plain_masks(data, size, dib, 14 + dib))))
        FAIL(_("unsupported BMP: compressed (type %u); save it uncompressed"), compression);
    if (height_raw == INT32_MIN) FAIL("unsupported BMP header (height)");
    const bool top_down = height_raw < 0;
    const long w = width, h = top_down ? -(long)height_raw : height_raw;
    uint8_t palette[256][3];
    bool grey = false;
    if (bpp == 8) {
        if (colors == 0) colors = 256;
        size_t at = 14 + dib;
        if (colors > 256 || at > size || (size - at) / 4 < colors) FAIL("truncated BMP palette");
        grey = true;
        for (uint32_t i = 0; i < 256; i++) {
            const uint8_t *p = data + at + 4 * (i < colors ? i : 0);
            palette[i][0] = p[2], palette[i][1] = p[1], palette[i][2] = p[0];
            grey = grey && p[0] == p[1] && p[1] == p[2];
        }
    }
    const int channels = grey ? 1 : 3;
    size_t bytes, row_bits, rows;
    if (!tsu_image_check_size(w, h, channels, &bytes, err, err_size)) return false;
    if (!tsu_size_mul((size_t)w, bpp, &row_bits)) FAIL(_("image too large"));
    const size_t stride = (row_bits + 31) / 32 * 4;
    if (!tsu_size_mul(stride, (size_t)h, &rows) || offset > size || size - offset < rows)
        FAIL(_("truncated BMP file (%zu pixel bytes, %zu present)"), rows,
             offset > size ? (size_t)0 : size - offset);
    const size_t plane = (size_t)w * (size_t)h, step = bpp / 8;
    uint8_t *px = tsu_xmalloc(bytes);
    for (long y = 0; y < h; y++) {
        const uint8_t *row = data + offset + stride * (size_t)(top_down ? y : h - 1 - y);
        for (long x = 0; x < w; x++) {
            const uint8_t *p = row + (size_t)x * step;
            size_t at = (size_t)y * (size_t)w + (size_t)x;
            if (bpp == 8 && grey) px[at] = palette[p[0]][0];
            else if (bpp == 8)
                for (int c = 0; c < 3; c++) px[c * plane + at] = palette[p[0]][c];
            else
                for (int c = 0; c < 3; c++) px[c * plane + at] = p[2 - c]; /* BGR(A) */
        }
    }
    *img = (tsu_image){.channels = channels, .height = (int)h, .width = (int)w, .pixels = px};
    return true;
}
