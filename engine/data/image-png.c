/* image-png.c — PNG files to 8-bit C,H,W planes with libpng.
 *
 * The classic libpng API rather than png_image: the simplified API
 * composites alpha and converts gamma, and datasets want the stored
 * values as they are, alpha simply dropped. */
#include "data-internal.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>

/* Everything the error path must free. It lives in the caller's frame so
 * its fields keep their values across libpng's longjmp. */
typedef struct {
    png_structp png;
    png_infop info;
    uint8_t *row;
    uint8_t *pixels;
    const uint8_t *data;
    size_t size, at;
    char *err;
    size_t err_size;
} png_ctx;

static void on_error(png_structp png, png_const_charp msg)
{
    png_ctx *ctx = png_get_error_ptr(png);
    snprintf(ctx->err, ctx->err_size, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    /* Warnings (bad CRCs in ancillary chunks, odd gamma) do not stop a
     * dataset; the pixels are what matters. */
}

static void read_memory(png_structp png, png_bytep out, png_size_t length)
{
    png_ctx *ctx = png_get_io_ptr(png);
    if (length > ctx->size - ctx->at) png_error(png, _("truncated PNG file"));
    memcpy(out, ctx->data + ctx->at, length);
    ctx->at += length;
}

static bool decode(png_ctx *ctx, tsu_image *img)
{
    if (setjmp(png_jmpbuf(ctx->png))) return false;
    png_set_read_fn(ctx->png, ctx, read_memory);
    png_set_user_limits(ctx->png, TSU_IMAGE_MAX_SIDE, TSU_IMAGE_MAX_SIDE);
    png_read_info(ctx->png, ctx->info);

    png_uint_32 width, height;
    int depth, color, interlace;
    png_get_IHDR(ctx->png, ctx->info, &width, &height, &depth, &color, &interlace, NULL, NULL);
    if (depth == 16) png_set_strip_16(ctx->png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(ctx->png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(ctx->png);
    if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(ctx->png);
    int passes = png_set_interlace_handling(ctx->png);
    png_read_update_info(ctx->png, ctx->info);

    int channels = png_get_channels(ctx->png, ctx->info);
    if (channels != 1 && channels != 3) {
        snprintf(ctx->err, ctx->err_size, _("unsupported PNG layout (%d channels)"), channels);
        return false;
    }
    size_t row_bytes = png_get_rowbytes(ctx->png, ctx->info);
    size_t image_bytes, rows_bytes;
    /* Every size from the header is checked, whatever the limits above:
     * the decoded rows must hold width * channels bytes each. */
    if (!tsu_image_check_size(width, height, channels, &image_bytes, ctx->err, ctx->err_size))
        return false;
    if (!tsu_size_mul(row_bytes, height, &rows_bytes) || row_bytes < (size_t)width * channels) {
        snprintf(ctx->err, ctx->err_size, _("unsupported PNG layout (%zu bytes a row)"), row_bytes);
        return false;
    }
    size_t plane = (size_t)width * height;
    /* Interlaced images are assembled in place over several passes, so
     * they need the whole interleaved image; plain ones go row by row. */
    ctx->row = tsu_xmalloc(passes > 1 ? rows_bytes : row_bytes);
    ctx->pixels = tsu_xmalloc(image_bytes);
    if (passes == 1) {
        for (png_uint_32 y = 0; y < height; y++) {
            png_read_row(ctx->png, ctx->row, NULL);
            for (png_uint_32 x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    ctx->pixels[(size_t)c * plane + (size_t)y * width + x] =
                        ctx->row[(size_t)x * channels + c];
        }
    } else {
        for (int pass = 0; pass < passes; pass++)
            for (png_uint_32 y = 0; y < height; y++)
                png_read_row(ctx->png, ctx->row + y * row_bytes, NULL);
        for (png_uint_32 y = 0; y < height; y++)
            for (png_uint_32 x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    ctx->pixels[(size_t)c * plane + (size_t)y * width + x] =
                        ctx->row[y * row_bytes + (size_t)x * channels + c];
    }
    img->channels = channels;
    img->height = (int)height;
    img->width = (int)width;
    img->pixels = ctx->pixels;
    ctx->pixels = NULL;
    return true;
}

bool tsu_png_decode(const uint8_t *data, size_t size, tsu_image *img, char *err, size_t err_size)
{
    png_ctx ctx = {.data = data, .size = size, .err = err, .err_size = err_size};
    ctx.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (ctx.png) ctx.info = png_create_info_struct(ctx.png);
    bool ok = false;
    if (!ctx.png || !ctx.info) snprintf(err, err_size, _("out of memory"));
    else ok = decode(&ctx, img);
    png_destroy_read_struct(ctx.png ? &ctx.png : NULL, ctx.info ? &ctx.info : NULL, NULL);
    free(ctx.row);
    free(ctx.pixels);
    return ok;
}

/* ---- writing */

typedef struct {
    png_structp png;
    png_infop info;
    uint8_t *row;
} png_out;

static void on_write_error(png_structp png, png_const_charp msg)
{
    png_longjmp(png, 1);
}

static bool encode(png_out *o, FILE *fp, const tsu_image *img)
{
    if (setjmp(png_jmpbuf(o->png))) return false;
    png_init_io(o->png, fp);
    png_set_IHDR(o->png, o->info, (png_uint_32)img->width, (png_uint_32)img->height, 8,
                 img->channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(o->png, o->info);
    const size_t w = (size_t)img->width, plane = w * (size_t)img->height;
    o->row = tsu_xmalloc(w * (size_t)img->channels);
    for (int y = 0; y < img->height; y++) {
        for (size_t x = 0; x < w; x++)
            for (int c = 0; c < img->channels; c++)
                o->row[x * img->channels + c] = img->pixels[c * plane + (size_t)y * w + x];
        png_write_row(o->png, o->row);
    }
    png_write_end(o->png, NULL);
    return true;
}

tsu_status tsu_image_write_png(const char *path, const tsu_image *img, tsu_diag *diag)
{
    tsu_atomic_file file;
    if (!tsu_atomic_open(&file, path, diag)) return tsu_diag_status(diag);
    png_out o = {0};
    o.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_write_error, on_warning);
    if (o.png) o.info = png_create_info_struct(o.png);
    bool ok = o.png && o.info && encode(&o, file.stream, img);
    png_destroy_write_struct(o.png ? &o.png : NULL, o.info ? &o.info : NULL);
    free(o.row);
    if (!ok) {
        tsu_atomic_abort(&file);
        return tsu_diag_add(diag, TSU_E_IO, NULL, NULL, _("%s: cannot encode the PNG"), path);
    }
    return tsu_atomic_commit(&file, diag);
}
