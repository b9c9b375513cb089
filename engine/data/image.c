/* image.c — the one way the engine reads a picture: PNG, JPEG or BMP,
 * chosen by the file's first bytes, as 8-bit C,H,W planes. */
#include "data-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool tsu_image_check_size(long width, long height, int channels, size_t *bytes, char *err,
                          size_t err_size)
{
    size_t plane;
    if (width < 1 || height < 1) {
        snprintf(err, err_size, _("empty image (%ldx%ld)"), width, height);
        return false;
    }
    if (width > TSU_IMAGE_MAX_SIDE || height > TSU_IMAGE_MAX_SIDE ||
        !tsu_size_mul((size_t)width, (size_t)height, &plane) || plane > TSU_IMAGE_MAX_PIXELS ||
        !tsu_size_mul(plane, (size_t)channels, bytes)) {
        snprintf(err, err_size, _("image too large (%ldx%ld)"), width, height);
        return false;
    }
    return true;
}

/* The whole file, bounded. O_NONBLOCK: a FIFO named x.png must not hang
 * the open; only regular files are read. */
static uint8_t *read_bounded(const char *path, size_t *size, char *err, size_t err_size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_size, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    uint8_t *data = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) snprintf(err, err_size, _("not a regular file"));
    else if ((uint64_t)st.st_size > TSU_IMAGE_MAX_FILE)
        snprintf(err, err_size, _("file too large for an image (%lld bytes)"), (long long)st.st_size);
    else {
        *size = (size_t)st.st_size;
        data = tsu_xmalloc(*size ? *size : 1);
        size_t got = 0;
        while (got < *size) {
            ssize_t n = read(fd, data + got, *size - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += (size_t)n;
        }
        *size = got; /* a file that shrank reads as truncated */
    }
    close(fd);
    return data;
}

bool tsu_image_read(const char *path, tsu_image *img, char *err, size_t err_size)
{
    memset(img, 0, sizeof *img);
    size_t size = 0;
    uint8_t *data = read_bounded(path, &size, err, err_size);
    if (!data) return false;
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    bool ok;
    if (size >= 8 && !memcmp(data, png_magic, 8)) ok = tsu_png_decode(data, size, img, err, err_size);
    else if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        ok = tsu_jpeg_decode(data, size, img, err, err_size);
    else if (size >= 2 && data[0] == 'B' && data[1] == 'M')
        ok = tsu_bmp_decode(data, size, img, err, err_size);
    else {
        snprintf(err, err_size, size ? _("not a PNG, JPEG or BMP file") : _("empty file"));
        ok = false;
    }
    free(data);
    return ok;
}

tsu_status tsu_image_load(const char *path, tsu_image *img, tsu_diag *diag)
{
    char why[256];
    if (tsu_image_read(path, img, why, sizeof why)) return TSU_OK;
    struct stat st;
    return tsu_diag_add(diag, stat(path, &st) == 0 ? TSU_E_DATA : TSU_E_IO, NULL, NULL, "%s: %s",
                        path, why);
}

void tsu_image_free(tsu_image *img)
{
    if (!img) return;
    free(img->pixels);
    img->pixels = NULL;
}

/* Orientation o's source pixel for destination (x, y) of the turned image;
 * w and h are the source's size. */
static void source_of(int o, int x, int y, int w, int h, int *sx, int *sy)
{
    switch (o) {
    case 2: *sx = w - 1 - x, *sy = y; break;
    case 3: *sx = w - 1 - x, *sy = h - 1 - y; break;
    case 4: *sx = x, *sy = h - 1 - y; break;
    case 5: *sx = y, *sy = x; break;
    case 6: *sx = y, *sy = h - 1 - x; break;
    case 7: *sx = w - 1 - y, *sy = h - 1 - x; break;
    case 8: *sx = w - 1 - y, *sy = x; break;
    default: *sx = x, *sy = y; break;
    }
}

void tsu_image_orient(tsu_image *img, int orientation)
{
    if (orientation < 2 || orientation > 8) return;
    const int w = img->width, h = img->height;
    const bool swap = orientation >= 5;
    const int dw = swap ? h : w, dh = swap ? w : h;
    const size_t plane = (size_t)w * h;
    uint8_t *out = tsu_xmalloc(plane * (size_t)img->channels);
    for (int c = 0; c < img->channels; c++)
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++) {
                int sx, sy;
                source_of(orientation, x, y, w, h, &sx, &sy);
                out[c * plane + (size_t)y * dw + x] = img->pixels[c * plane + (size_t)sy * w + sx];
            }
    free(img->pixels);
    img->pixels = out;
    img->width = dw;
    img->height = dh;
}
