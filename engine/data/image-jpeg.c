/* image-jpeg.c — JPEG files (baseline and progressive) with libjpeg-turbo,
 * turned upright by their EXIF orientation.
 *
 * libjpeg's default error handler calls exit(); ours longjmps back with the
 * message. A file that ends early is only a warning to libjpeg (it pads the
 * image with grey), so that warning is made an error: a truncated photo is
 * not a training sample. */
#include "data-internal.h"

#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <string.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *err;
    size_t err_size;
} jpeg_errors;

static void on_error(j_common_ptr cinfo)
{
    jpeg_errors *e = (jpeg_errors *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, msg);
    snprintf(e->err, e->err_size, "%s", msg);
    longjmp(e->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
    jpeg_errors *e = (jpeg_errors *)cinfo->err;
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        snprintf(e->err, e->err_size, _("truncated JPEG file"));
        longjmp(e->jump, 1);
    }
}

/* ---- EXIF: the APP1 payload is "Exif\0\0" then a TIFF file; IFD0's tag
 * 0x0112 is the orientation. Every offset is checked against size. */

static unsigned get16(const uint8_t *p, bool big)
{
    return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t get32(const uint8_t *p, bool big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int tsu_exif_orientation(const uint8_t *app1, size_t size)
{
    if (size < 6 + 8 || memcmp(app1, "Exif\0\0", 6)) return 1;
    const uint8_t *tiff = app1 + 6;
    size_t n = size - 6;
    bool big = tiff[0] == 'M' && tiff[1] == 'M';
    if (!big && !(tiff[0] == 'I' && tiff[1] == 'I')) return 1;
    if (get16(tiff + 2, big) != 42) return 1;
    uint32_t ifd = get32(tiff + 4, big);
    if (ifd > n || n - ifd < 2) return 1;
    unsigned entries = get16(tiff + ifd, big);
    for (unsigned i = 0; i < entries; i++) {
        size_t at = (size_t)ifd + 2 + (size_t)i * 12;
        if (at + 12 > n) return 1;
        const uint8_t *e = tiff + at;
        /* type 3 (SHORT), count 1: the value sits in the entry itself */
        if (get16(e, big) == 0x0112) {
            unsigned v = get16(e + 2, big) == 3 && get32(e + 4, big) == 1 ? get16(e + 8, big) : 1;
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

typedef struct {
    struct jpeg_decompress_struct cinfo;
    jpeg_errors errors;
    uint8_t *row;
    uint8_t *pixels;
} jpeg_ctx;

static int find_orientation(j_decompress_ptr cinfo)
{
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 1) {
            int o = tsu_exif_orientation(m->data, m->data_length);
            if (o != 1) return o;
        }
    return 1;
}

static bool decode(jpeg_ctx *ctx, const uint8_t *data, size_t size, tsu_image *img)
{
    struct jpeg_decompress_struct *cinfo = &ctx->cinfo;
    if (setjmp(ctx->errors.jump)) return false;
    jpeg_create_decompress(cinfo);
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(cinfo, TRUE);
    if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK) {
        snprintf(ctx->errors.err, ctx->errors.err_size,
                 _("CMYK JPEG files are not supported (save it as RGB)"));
        return false;
    }
    const int channels = cinfo->num_components == 1 ? 1 : 3;
    cinfo->out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    size_t bytes;
    if (!tsu_image_check_size((long)cinfo->image_width, (long)cinfo->image_height, channels,
                              &bytes, ctx->errors.err, ctx->errors.err_size))
        return false;
    int orientation = find_orientation(cinfo);
    jpeg_start_decompress(cinfo);
    const size_t w = cinfo->output_width, h = cinfo->output_height, plane = w * h;
    if (w != cinfo->image_width || h != cinfo->image_height || cinfo->output_components != channels) {
        snprintf(ctx->errors.err, ctx->errors.err_size, _("unsupported JPEG layout"));
        return false;
    }
    ctx->row = tsu_xmalloc(w * (size_t)channels);
    ctx->pixels = tsu_xmalloc(bytes);
    while (cinfo->output_scanline < h) {
        size_t y = cinfo->output_scanline;
        JSAMPROW rows[1] = {ctx->row};
        if (jpeg_read_scanlines(cinfo, rows, 1) != 1) break;
        for (size_t x = 0; x < w; x++)
            for (int c = 0; c < channels; c++)
                ctx->pixels[c * plane + y * w + x] = ctx->row[x * channels + c];
    }
    jpeg_finish_decompress(cinfo);
    *img = (tsu_image){.channels = channels, .height = (int)h, .width = (int)w,
                       .pixels = ctx->pixels};
    ctx->pixels = NULL;
    tsu_image_orient(img, orientation);
    return true;
}

bool tsu_jpeg_decode(const uint8_t *data, size_t size, tsu_image *img, char *err,
                     size_t err_size)
{
    jpeg_ctx ctx = {0};
    ctx.cinfo.err = jpeg_std_error(&ctx.errors.base);
    ctx.errors.base.error_exit = on_error;
    ctx.errors.base.emit_message = on_message;
    ctx.errors.err = err;
    ctx.errors.err_size = err_size;
    bool ok = decode(&ctx, data, size, img);
    jpeg_destroy_decompress(&ctx.cinfo);
    free(ctx.row);
    free(ctx.pixels);
    return ok;
}
