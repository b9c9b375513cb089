/* helpers.c — writing small dataset files for the dataset tests. */
#include "helpers.h"

#include <glib/gstdio.h>
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <png.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

char *tmpdir_new(void)
{
    GError *error = NULL;
    char *dir = g_dir_make_tmp("tsu-datasets-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

char *tmpdir_new_in_memory(void)
{
    char *dir = g_strdup("/dev/shm/tsu-datasets-XXXXXX");
    if (g_access("/dev/shm", W_OK) == 0 && g_mkdtemp(dir)) return dir;
    g_free(dir);
    return tmpdir_new();
}

static void remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    if (dir) {
        const char *name;
        while ((name = g_dir_read_name(dir))) {
            char *child = g_build_filename(path, name, NULL);
            remove_tree(child);
            g_free(child);
        }
        g_dir_close(dir);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

void tmpdir_free(char *dir)
{
    remove_tree(dir);
    g_free(dir);
}

char *path_in(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

void make_subdir(const char *dir, const char *name)
{
    char *path = path_in(dir, name);
    g_assert_cmpint(g_mkdir(path, 0755), ==, 0);
    g_free(path);
}

void write_bytes(const char *path, const void *data, size_t size, gboolean gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        g_assert_nonnull(f);
        if (size) g_assert_cmpint(gzwrite(f, data, (unsigned)size), ==, (int)size);
        g_assert_cmpint(gzclose(f), ==, Z_OK);
    } else {
        /* Not g_file_set_contents: it fsyncs, which makes fuzzing slow. */
        FILE *fp = fopen(path, "wb");
        g_assert_nonnull(fp);
        g_assert_cmpuint(fwrite(data, 1, size, fp), ==, size);
        g_assert_cmpint(fclose(fp), ==, 0);
    }
}

void write_text(const char *dir, const char *name, const char *text)
{
    char *path = path_in(dir, name);
    write_bytes(path, text, strlen(text), FALSE);
    g_free(path);
}

void write_idx(const char *path, gboolean gz, int type, int ndim, const guint32 *dims,
               const void *payload, size_t payload_size, gssize keep)
{
    GByteArray *bytes = g_byte_array_new();
    guint8 magic[4] = {0, 0, (guint8)type, (guint8)ndim};
    g_byte_array_append(bytes, magic, 4);
    for (int i = 0; i < ndim; i++) {
        guint32 be = GUINT32_TO_BE(dims[i]);
        g_byte_array_append(bytes, (const guint8 *)&be, 4);
    }
    g_byte_array_append(bytes, payload, (guint)payload_size);
    size_t size = keep > 0 && (size_t)keep < bytes->len ? (size_t)keep : bytes->len;
    write_bytes(path, bytes->data, size, gz);
    g_byte_array_unref(bytes);
}

void write_png(const char *path, int w, int h, int channels, const guint8 *pixels,
               gboolean depth16, gboolean interlaced)
{
    static const int types[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    FILE *fp = fopen(path, "wb");
    g_assert_nonnull(fp);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    g_assert_true(png && info);
    g_assert_cmpint(setjmp(png_jmpbuf(png)), ==, 0);
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth16 ? 16 : 8,
                 types[channels], interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    int bpp = depth16 ? 2 : 1;
    guint8 *rows = g_malloc((size_t)w * h * channels * bpp);
    for (int i = 0; i < w * h * channels; i++) {
        if (depth16) rows[2 * i] = rows[2 * i + 1] = pixels[i]; /* v * 257, big-endian */
        else rows[i] = pixels[i];
    }
    png_bytep *ptrs = g_new(png_bytep, h);
    for (int y = 0; y < h; y++) ptrs[y] = rows + (size_t)y * w * channels * bpp;
    png_write_image(png, ptrs);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(fp);
    g_free(ptrs);
    g_free(rows);
}

tsu_dataset *open_json(const char *json, const char *base_dir, tsu_diag *diag)
{
    tsu_diag_clear(diag);
    struct json_object *spec = json_tokener_parse(json);
    g_assert_nonnull(spec);
    tsu_dataset *ds = tsu_dataset_open_named(spec, base_dir, "dataset.training", diag);
    json_object_put(spec);
    return ds;
}

const char *expect_error(const char *json, const char *base_dir, tsu_diag *diag, ...)
{
    tsu_dataset *ds = open_json(json, base_dir, diag);
    if (ds) g_error("expected %s to fail, got %s", json, tsu_dataset_describe(ds));
    g_assert_cmpint(diag->count, >, 0);
    const char *msg = diag->items[0].message;
    g_test_message("%s -> %s", json, msg);
    va_list ap;
    va_start(ap, diag);
    for (const char *want; (want = va_arg(ap, const char *));)
        if (!strstr(msg, want)) g_error("message \"%s\" lacks \"%s\"", msg, want);
    va_end(ap);
    return msg;
}

void fuzz_mutate(guint8 *bytes, gsize *size, const char *alphabet)
{
    int edits = g_test_rand_int_range(1, 6);
    for (int e = 0; e < edits && *size; e++) {
        gsize at = (gsize)g_test_rand_int_range(0, (gint32)*size);
        switch (g_test_rand_int_range(0, 4)) {
        case 0: *size = at; break; /* truncate */
        case 1: bytes[at] = (guint8)g_test_rand_int_range(0, 256); break;
        case 2: bytes[at] ^= (guint8)(1u << g_test_rand_int_range(0, 8)); break;
        default:
            if (alphabet) bytes[at] = (guint8)alphabet[g_test_rand_int_range(0, (gint32)strlen(alphabet))];
        }
    }
}
