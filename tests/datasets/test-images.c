/* test-images.c — tsu_image_load on JPEG (written here with libjpeg:
 * baseline, progressive, grayscale, CMYK, truncated, EXIF orientations) and
 * BMP (24, 32, 8-bit palette, top-down, compressed), resizing worked by
 * hand (resize-vs-pillow.py compares it with Pillow), and dataset create's
 * split and errors. */
#include "helpers.h"

#include <jpeglib.h>
#include <string.h>

/* ---- JPEG files */

typedef struct {
    int w, h, components; /* 1 gray, 3 RGB, 4 CMYK */
    gboolean progressive;
    int orientation;      /* 0: no EXIF */
    gboolean big_endian;
    gboolean bad_exif;    /* IFD0's offset points past the block */
} jpeg_spec;

/* A 16-bit big- or little-endian value at p. */
static void put16(guint8 *p, unsigned v, gboolean big)
{
    p[big ? 0 : 1] = (guint8)(v >> 8), p[big ? 1 : 0] = (guint8)v;
}

static void put32(guint8 *p, guint32 v, gboolean big)
{
    for (int i = 0; i < 4; i++) p[big ? i : 3 - i] = (guint8)(v >> (24 - 8 * i));
}

/* "Exif\0\0" + a TIFF header + IFD0 with one Orientation entry. */
static size_t exif_block(guint8 *b, int orientation, gboolean big)
{
    memcpy(b, "Exif\0\0", 6);
    guint8 *t = b + 6;
    t[0] = t[1] = big ? 'M' : 'I';
    put16(t + 2, 42, big);
    put32(t + 4, 8, big);
    put16(t + 8, 1, big);          /* one entry */
    put16(t + 10, 0x0112, big);    /* Orientation */
    put16(t + 12, 3, big);         /* SHORT */
    put32(t + 14, 1, big);         /* count */
    memset(t + 18, 0, 4);
    put16(t + 18, (unsigned)orientation, big);
    put32(t + 22, 0, big);         /* no next IFD */
    return 6 + 26;
}

/* Writes the image whose interleaved pixel (x, y, c) is px(x, y, c). */
static void write_jpeg(const char *path, const jpeg_spec *s, guint8 (*px)(int, int, int))
{
    FILE *fp = fopen(path, "wb");
    g_assert_nonnull(fp);
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, fp);
    c.image_width = (JDIMENSION)s->w;
    c.image_height = (JDIMENSION)s->h;
    c.input_components = s->components;
    c.in_color_space = s->components == 1 ? JCS_GRAYSCALE : s->components == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 100, TRUE);
    if (s->progressive) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    if (s->orientation) {
        guint8 block[64];
        size_t n = exif_block(block, s->orientation, s->big_endian);
        if (s->bad_exif) put32(block + 6 + 4, 0xF0, s->big_endian);
        jpeg_write_marker(&c, JPEG_APP0 + 1, block, (unsigned)n);
    }
    guint8 *row = g_malloc((size_t)s->w * s->components);
    while (c.next_scanline < c.image_height) {
        for (int x = 0; x < s->w; x++)
            for (int k = 0; k < s->components; k++)
                row[x * s->components + k] = px(x, (int)c.next_scanline, k);
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&c, rows, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(fp);
    g_free(row);
}

/* Flat 8x8 blocks survive quality-100 JPEG within a grey level or two. */
static guint8 blocks(int x, int y, int c)
{
    return (guint8)(40 + 60 * (x / 8) + 30 * (y / 8) + 50 * c);
}

static void assert_near(const tsu_image *img, int x, int y, int c, int want)
{
    int got = img->pixels[(size_t)c * img->width * img->height + (size_t)y * img->width + x];
    if (ABS(got - want) > 3)
        g_error("pixel (%d,%d,%d) is %d, expected %d +- 3", x, y, c, got, want);
}

static void load_ok(const char *path, tsu_image *img)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_status st = tsu_image_load(path, img, &diag);
    if (st != TSU_OK) g_error("%s", tsu_diag_message(&diag, "?"));
    tsu_diag_free(&diag);
}

static void load_fails(const char *path, const char *want)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_image img;
    g_assert_cmpint(tsu_image_load(path, &img, &diag), !=, TSU_OK);
    const char *msg = tsu_diag_message(&diag, "");
    g_test_message("%s", msg);
    g_assert_nonnull(strstr(msg, path));
    if (!strstr(msg, want)) g_error("message \"%s\" lacks \"%s\"", msg, want);
    tsu_diag_free(&diag);
}

static void test_jpeg(void)
{
    char *dir = tmpdir_new();
    for (int progressive = 0; progressive < 2; progressive++) {
        char *path = path_in(dir, progressive ? "p.jpeg" : "b.dat"); /* the name does not matter */
        write_jpeg(path, &(jpeg_spec){.w = 24, .h = 16, .components = 3, .progressive = progressive},
                   blocks);
        tsu_image img;
        load_ok(path, &img);
        g_assert_cmpint(img.channels, ==, 3);
        g_assert_cmpint(img.width, ==, 24);
        g_assert_cmpint(img.height, ==, 16);
        for (int c = 0; c < 3; c++) {
            assert_near(&img, 3, 3, c, blocks(3, 3, c));
            assert_near(&img, 20, 12, c, blocks(20, 12, c));
        }
        tsu_image_free(&img);
        g_free(path);
    }
    char *gray = path_in(dir, "g.jpg");
    write_jpeg(gray, &(jpeg_spec){.w = 16, .h = 8, .components = 1}, blocks);
    tsu_image img;
    load_ok(gray, &img);
    g_assert_cmpint(img.channels, ==, 1);
    assert_near(&img, 12, 4, 0, blocks(12, 4, 0));
    tsu_image_free(&img);

    char *cmyk = path_in(dir, "cmyk.jpg");
    write_jpeg(cmyk, &(jpeg_spec){.w = 8, .h = 8, .components = 4}, blocks);
    load_fails(cmyk, "CMYK JPEG files are not supported");

    /* Cut after the header, in the middle of the scan, and 2 bytes short. */
    gsize len;
    gchar *bytes;
    g_assert_true(g_file_get_contents(gray, &bytes, &len, NULL));
    char *cut = path_in(dir, "cut.jpg");
    const size_t keep[] = {len / 2, len - 2, 4};
    for (size_t i = 0; i < G_N_ELEMENTS(keep); i++) {
        write_bytes(cut, bytes, keep[i], FALSE);
        load_fails(cut, i < 2 ? "truncated JPEG file" : "");
    }
    g_free(bytes);
    g_free(cut);
    g_free(cmyk);
    g_free(gray);
    tmpdir_free(dir);
}

/* A 2x3 (w x h) image of distinct flat 8x8 blocks: block (bx, by) has value
 * 20 + 40 * (by * 2 + bx). */
static guint8 six(int x, int y, int c)
{
    return (guint8)(20 + 40 * ((y / 8) * 2 + x / 8));
}

static void test_exif(void)
{
    char *dir = tmpdir_new();
    char *path = path_in(dir, "o.jpg");
    /* Source blocks: A B / C D / E F (values 20 60 / 100 140 / 180 220).
     * The displayed image's block grid, row by row, per orientation. */
    static const int want[9][6] = {
        {0},
        {20, 60, 100, 140, 180, 220},  /* 1: as stored, 2 wide 3 high */
        {60, 20, 140, 100, 220, 180},  /* 2: mirrored */
        {220, 180, 140, 100, 60, 20},  /* 3: 180 degrees */
        {180, 220, 100, 140, 20, 60},  /* 4: flipped */
        {20, 100, 180, 60, 140, 220},  /* 5: transposed, 3 wide 2 high */
        {180, 100, 20, 220, 140, 60},  /* 6: 90 degrees clockwise */
        {220, 140, 60, 180, 100, 20},  /* 7: transverse */
        {60, 140, 220, 20, 100, 180},  /* 8: 90 degrees counter-clockwise */
    };
    for (int o = 1; o <= 8; o++) {
        write_jpeg(path, &(jpeg_spec){.w = 16, .h = 24, .components = 1, .orientation = o,
                                      .big_endian = o % 2}, six);
        tsu_image img;
        load_ok(path, &img);
        const int bw = o >= 5 ? 3 : 2;
        g_assert_cmpint(img.width, ==, bw * 8);
        g_assert_cmpint(img.height, ==, (o >= 5 ? 2 : 3) * 8);
        for (int b = 0; b < 6; b++) assert_near(&img, (b % bw) * 8 + 4, (b / bw) * 8 + 4, 0, want[o][b]);
        tsu_image_free(&img);
    }
    /* A malformed EXIF block (IFD offset past its end) is ignored. */
    write_jpeg(path, &(jpeg_spec){.w = 16, .h = 24, .components = 1, .orientation = 6,
                                  .bad_exif = TRUE}, six);
    tsu_image img;
    load_ok(path, &img);
    g_assert_cmpint(img.width, ==, 16);
    assert_near(&img, 12, 4, 0, 60);
    tsu_image_free(&img);
    g_free(path);
    tmpdir_free(dir);
}

/* ---- BMP files */

/* Writes a w x h BMP of bpp bits; pixel (x, y) is rgb[(y * w + x) * 3 ..]
 * (for 8 bits an index into a palette of `colors` grey or coloured entries). */
static void write_bmp(const char *path, int w, int h, int bpp, gboolean top_down,
                      unsigned compression, const guint8 *px, const guint8 *palette, int colors)
{
    const int stride = (w * bpp / 8 + 3) / 4 * 4;
    const size_t pal = bpp == 8 ? (size_t)colors * 4 : 0, off = 14 + 40 + pal;
    const size_t size = off + (size_t)stride * h;
    guint8 *b = g_malloc0(size);
    b[0] = 'B', b[1] = 'M';
    put32(b + 2, (guint32)size, FALSE);
    put32(b + 10, (guint32)off, FALSE);
    put32(b + 14, 40, FALSE);
    put32(b + 18, (guint32)w, FALSE);
    put32(b + 22, (guint32)(top_down ? -h : h), FALSE);
    put16(b + 26, 1, FALSE);
    put16(b + 28, (unsigned)bpp, FALSE);
    put32(b + 30, compression, FALSE);
    put32(b + 46, bpp == 8 ? (guint32)colors : 0, FALSE);
    if (pal) memcpy(b + 54, palette, pal);
    for (int y = 0; y < h; y++) {
        guint8 *row = b + off + (size_t)stride * (top_down ? y : h - 1 - y);
        for (int x = 0; x < w; x++) {
            const guint8 *p = px + ((size_t)y * w + x) * 3;
            if (bpp == 8) row[x] = p[0];
            else {
                guint8 *q = row + x * (bpp / 8);
                q[0] = p[2], q[1] = p[1], q[2] = p[0];
                if (bpp == 32) q[3] = 0x80;
            }
        }
    }
    write_bytes(path, b, size, FALSE);
    g_free(b);
}

static void test_bmp(void)
{
    char *dir = tmpdir_new();
    char *path = path_in(dir, "i.bmp");
    guint8 px[3 * 5 * 3];
    for (int i = 0; i < 15; i++) px[3 * i] = (guint8)(i * 10), px[3 * i + 1] = (guint8)(i + 100),
                                 px[3 * i + 2] = (guint8)(250 - i);
    for (int bpp = 24; bpp <= 32; bpp += 8)
        for (int top = 0; top < 2; top++) {
            write_bmp(path, 5, 3, bpp, top, 0, px, NULL, 0);
            tsu_image img;
            load_ok(path, &img);
            g_assert_cmpint(img.channels, ==, 3);
            g_assert_cmpint(img.width, ==, 5);
            g_assert_cmpint(img.height, ==, 3);
            for (int i = 0; i < 15; i++)
                for (int c = 0; c < 3; c++) g_assert_cmpint(img.pixels[c * 15 + i], ==, px[3 * i + c]);
            tsu_image_free(&img);
        }
    /* 8-bit: indices i % 4 into a grey palette (one channel) and a colour one. */
    guint8 idx[15 * 3], grey[16], colour[16];
    for (int i = 0; i < 15; i++) idx[3 * i] = (guint8)(i % 4);
    for (int k = 0; k < 4; k++) {
        memset(grey + 4 * k, 60 * k, 3), grey[4 * k + 3] = 0;
        colour[4 * k] = (guint8)k, colour[4 * k + 1] = (guint8)(10 * k),
        colour[4 * k + 2] = (guint8)(100 + k), colour[4 * k + 3] = 0; /* B, G, R */
    }
    tsu_image img;
    write_bmp(path, 5, 3, 8, FALSE, 0, idx, grey, 4);
    load_ok(path, &img);
    g_assert_cmpint(img.channels, ==, 1);
    for (int i = 0; i < 15; i++) g_assert_cmpint(img.pixels[i], ==, 60 * (i % 4));
    tsu_image_free(&img);
    write_bmp(path, 5, 3, 8, TRUE, 0, idx, colour, 4);
    load_ok(path, &img);
    g_assert_cmpint(img.channels, ==, 3);
    g_assert_cmpint(img.pixels[0 * 15 + 7], ==, 100 + 3); /* R of index 3 */
    g_assert_cmpint(img.pixels[1 * 15 + 7], ==, 30);
    g_assert_cmpint(img.pixels[2 * 15 + 7], ==, 3);
    tsu_image_free(&img);

    write_bmp(path, 5, 3, 24, FALSE, 1, px, NULL, 0);
    load_fails(path, "compressed (type 1)");
    write_bmp(path, 5, 3, 16, FALSE, 0, px, NULL, 0);
    load_fails(path, "16 bits per pixel");
    write_bmp(path, 5, 3, 24, FALSE, 0, px, NULL, 0);
    gsize len;
    gchar *bytes;
    g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
    write_bytes(path, bytes, len - 4, FALSE);
    load_fails(path, "truncated BMP file");
    put32((guint8 *)bytes + 18, 100000, FALSE); /* width 100000 */
    write_bytes(path, bytes, len, FALSE);
    load_fails(path, "image too large (100000x3)");
    g_free(bytes);
    write_text(dir, "t.bmp", "hello");
    g_free(path);
    path = path_in(dir, "t.bmp");
    load_fails(path, "not a PNG, JPEG or BMP file");
    g_free(path);
    tmpdir_free(dir);
}

/* ---- resizing: a few cases by hand; resize-vs-pillow.py compares pictures
 * of every kind with Pillow */

static void test_resize(void)
{
    /* Area averaging, 3 -> 2 (each output covers 1.5 pixels):
     * (0 + 90 / 2) / 1.5 = 30 and (90 / 2 + 180) / 1.5 = 150. */
    guint8 row3[3] = {0, 90, 180};
    tsu_image in = {.channels = 1, .height = 1, .width = 3, .pixels = row3}, out;
    tsu_image_resize(&in, 2, 1, TSU_FIT_STRETCH, &out);
    g_assert_cmpint(out.pixels[0], ==, 30);
    g_assert_cmpint(out.pixels[1], ==, 150);
    tsu_image_free(&out);
    /* Bilinear, 2 -> 4: output centres at source x = -0.25 (held at 0),
     * 0.25, 0.75 and 1.25 (held at 1). */
    guint8 row2[2] = {0, 100};
    in = (tsu_image){.channels = 1, .height = 1, .width = 2, .pixels = row2};
    tsu_image_resize(&in, 4, 1, TSU_FIT_STRETCH, &out);
    static const int linear[] = {0, 25, 75, 100};
    for (int i = 0; i < 4; i++) g_assert_cmpint(out.pixels[i], ==, linear[i]);
    tsu_image_free(&out);
    guint8 src[35];
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 7; x++) src[y * 7 + x] = (guint8)((x * 37 + y * x * 11 + y * 5 + 13) % 256);
    in = (tsu_image){.channels = 1, .height = 5, .width = 7, .pixels = src};
    /* crop keeps the middle 5x5 of 7x5; pad puts the whole 7x5 in 7x7 between black rows. */
    tsu_image_resize(&in, 5, 5, TSU_FIT_CROP, &out);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++) g_assert_cmpint(out.pixels[y * 5 + x], ==, src[y * 7 + x + 1]);
    tsu_image_free(&out);
    tsu_image_resize(&in, 7, 7, TSU_FIT_PAD, &out);
    for (int x = 0; x < 7; x++) {
        g_assert_cmpint(out.pixels[x], ==, 0);
        g_assert_cmpint(out.pixels[6 * 7 + x], ==, 0);
        for (int y = 0; y < 5; y++) g_assert_cmpint(out.pixels[(y + 1) * 7 + x], ==, src[y * 7 + x]);
    }
    tsu_image_free(&out);
    /* Grayscale: Rec. 601 luma of (200, 100, 50) is 124.2. */
    guint8 rgb[3] = {200, 100, 50};
    tsu_image one = {.channels = 3, .height = 1, .width = 1, .pixels = g_memdup2(rgb, 3)};
    tsu_image_set_channels(&one, 1);
    g_assert_cmpint(one.pixels[0], ==, 124);
    tsu_image_free(&one);
}

/* ---- dataset create */

static void make_class(const char *root, const char *name, int n)
{
    make_subdir(root, name);
    char *dir = path_in(root, name);
    for (int i = 0; i < n; i++) {
        char file[32];
        snprintf(file, sizeof file, "%s%02d.jpg", name, i);
        char *path = path_in(dir, file);
        write_jpeg(path, &(jpeg_spec){.w = 8 + i, .h = 8, .components = 3}, blocks);
        g_free(path);
    }
    g_free(dir);
}

static char *create(const char *root, const char *out, double validation, guint64 seed,
                    tsu_folder_report *r, tsu_status want, const char *message)
{
    tsu_folder_options o = {.folder = root, .out_dir = out, .validation = validation,
                            .seed = seed, .prep = {.width = 4, .height = 4, .fit = TSU_FIT_PAD}};
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_status st = tsu_folder_dataset_create(&o, r, &diag);
    if (st != want) g_error("status %d: %s", st, tsu_diag_message(&diag, ""));
    if (message && !strstr(tsu_diag_message(&diag, ""), message))
        g_error("\"%s\" lacks \"%s\"", tsu_diag_message(&diag, ""), message);
    tsu_diag_free(&diag);
    char *csv = NULL;
    if (st == TSU_OK) {
        char *v = g_build_filename(out, "validation.csv", NULL);
        g_assert_true(g_file_get_contents(v, &csv, NULL, NULL));
        g_free(v);
    }
    return csv;
}

static void test_folder(void)
{
    char *root = tmpdir_new();
    char *pics = path_in(root, "pics"), *out = path_in(root, "out");
    make_subdir(root, "pics");
    make_class(pics, "b-dog", 10);
    make_class(pics, "a-cat", 5);
    char *junk = path_in(pics, "a-cat");
    write_text(junk, "notes.txt", "x");
    write_text(junk, ".hidden.jpg", "x");
    write_text(junk, "broken.jpg", "not a jpeg");
    tsu_folder_report r;
    char *first = create(pics, out, 0.4, 7, &r, TSU_OK, NULL);
    g_assert_cmpint(r.n_classes, ==, 2);
    g_assert_cmpstr(r.classes[0], ==, "a-cat");
    g_assert_cmpint(r.per_class[0], ==, 5);
    g_assert_cmpint(r.per_class[1], ==, 10);
    g_assert_cmpint(r.validation, ==, 2 + 4); /* round(0.4 * 5), round(0.4 * 10) per class */
    g_assert_cmpint(r.training, ==, 9);
    g_assert_cmpint(r.not_images, ==, 2);
    g_assert_cmpint(r.n_failed, ==, 1);
    g_assert_nonnull(strstr(r.failed[0], "broken.jpg: not a PNG, JPEG or BMP file"));
    tsu_folder_report_clear(&r);
    /* Same seed, same split; another seed, another. */
    char *again = create(pics, out, 0.4, 7, &r, TSU_OK, NULL);
    tsu_folder_report_clear(&r);
    g_assert_cmpstr(first, ==, again);
    char *other = create(pics, out, 0.4, 8, &r, TSU_OK, NULL);
    tsu_folder_report_clear(&r);
    g_assert_cmpstr(first, !=, other);
    g_test_message("validation.csv:\n%s", first);
    /* dataset.json reads back; the dataset opens as a CSV dataset. */
    tsu_folder_info info;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_folder_info_load(out, &info, &diag), ==, TSU_OK);
    g_assert_cmpint(info.prep.width, ==, 4);
    g_assert_cmpint(info.prep.fit, ==, TSU_FIT_PAD);
    g_assert_cmpint(info.n_classes, ==, 2);
    g_assert_cmpstr(info.classes[1], ==, "b-dog");
    tsu_folder_info_clear(&info);
    tsu_dataset *ds = open_json("{\"source\":\"csv\",\"path\":\"out/training.csv\"}", root, &diag);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 9);
    tsu_shape shape = tsu_dataset_variable_shape(ds, tsu_dataset_variable_find(ds, "x"));
    g_assert_cmpint(shape.d[0], ==, 3);
    g_assert_cmpint(shape.d[2], ==, 4);
    tsu_dataset_free(ds);
    /* A CSV naming JPEG and BMP cells reads them through the same call. */
    char *bmp = path_in(pics, "x.bmp");
    write_bmp(bmp, 8, 8, 24, FALSE, 0, (guint8[192]){0}, NULL, 0);
    g_free(bmp);
    write_text(pics, "mixed.csv", "x:image,y:label\na-cat/a-cat00.jpg,0\nx.bmp,1\n");
    ds = open_json("{\"source\":\"csv\",\"path\":\"pics/mixed.csv\"}", root, &diag);
    if (!ds) g_error("%s", tsu_diag_message(&diag, "?"));
    g_assert_cmpint(tsu_dataset_size(ds), ==, 2);
    const int x = tsu_dataset_variable_find(ds, "x");
    g_assert_cmpint(ABS(tsu_dataset_image(ds, x, 0)[0] - blocks(0, 0, 0)), <=, 3);
    g_assert_cmpint(tsu_dataset_image(ds, x, 1)[0], ==, 0);
    tsu_dataset_free(ds);
    tsu_diag_free(&diag);

    make_subdir(pics, "c-empty");
    g_free(create(pics, out, 0, 0, &r, TSU_E_DATA, "c-empty: empty class folder"));
    tsu_folder_report_clear(&r);
    char *none = path_in(root, "none");
    make_subdir(root, "none");
    g_free(create(none, out, 0, 0, &r, TSU_E_DATA, "no class folders"));
    tsu_folder_report_clear(&r);
    g_free(none);
    g_free(first);
    g_free(again);
    g_free(other);
    g_free(junk);
    g_free(pics);
    g_free(out);
    tmpdir_free(root);
}

/* ---- dataset create: the scan, and a cancel leaves OUT as it was */

typedef struct {
    int stop_after, calls, last_total;
    volatile int cancel;
} cancel_state;

static void cancel_progress(void *user, int done, int total)
{
    cancel_state *c = user;
    c->calls++;
    c->last_total = total;
    if (done == c->stop_after) c->cancel = 1;
}

static int compare_entries(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir, sorted, one per line: what a cancelled run must not change. */
static char *listing(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d) return g_strdup("(none)");
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *n; (n = g_dir_read_name(d));) g_ptr_array_add(names, g_strdup(n));
    g_dir_close(d);
    g_ptr_array_sort(names, compare_entries);
    g_ptr_array_add(names, NULL);
    char *text = g_strjoinv("\n", (char **)names->pdata);
    g_ptr_array_free(names, TRUE);
    return text;
}

static tsu_status create_cancelled(const char *pics, const char *out, cancel_state *c)
{
    tsu_folder_options o = {.folder = pics, .out_dir = out,
                            .prep = {.width = 4, .height = 4, .fit = TSU_FIT_CROP},
                            .progress = cancel_progress, .user = c, .cancel = &c->cancel};
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_folder_report r;
    tsu_status st = tsu_folder_dataset_create(&o, &r, &diag);
    if (st == TSU_E_STOPPED) g_assert_nonnull(strstr(tsu_diag_message(&diag, ""), "stopped"));
    tsu_folder_report_clear(&r);
    tsu_diag_free(&diag);
    return st;
}

static void test_folder_cancel(void)
{
    char *root = tmpdir_new();
    char *pics = path_in(root, "pics"), *out = path_in(root, "out");
    make_subdir(root, "pics");
    make_class(pics, "cat", 3);
    make_class(pics, "dog", 4);
    write_text(pics, "readme.txt", "x"); /* not a class folder: ignored */
    /* The scan: sorted classes, their pictures, the total. */
    tsu_folder_scan scan;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_folder_scan_read(pics, &scan, &diag), ==, TSU_OK);
    g_assert_cmpint(scan.n_classes, ==, 2);
    g_assert_cmpstr(scan.classes[1].name, ==, "dog");
    g_assert_cmpint(scan.classes[1].n_files, ==, 4);
    g_assert_cmpstr(scan.classes[0].files[2], ==, "cat02.jpg");
    g_assert_cmpint(scan.total, ==, 7);
    tsu_folder_scan_clear(&scan);
    tsu_diag_free(&diag);

    /* Cancelled into a new folder: no folder, nothing beside it. */
    char *before = listing(root);
    cancel_state c = {.stop_after = 3};
    g_assert_cmpint(create_cancelled(pics, out, &c), ==, TSU_E_STOPPED);
    g_assert_cmpint(c.calls, ==, 3);
    g_assert_cmpint(c.last_total, ==, 7);
    g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    char *after = listing(root);
    g_assert_cmpstr(before, ==, after);
    g_free(after);
    g_free(before);

    /* A complete run, then a cancelled one into it: every file as it was. */
    c = (cancel_state){.stop_after = 100};
    g_assert_cmpint(create_cancelled(pics, out, &c), ==, TSU_OK);
    char *csv_path = path_in(out, "training.csv"), *csv_before, *csv_after;
    g_assert_true(g_file_get_contents(csv_path, &csv_before, NULL, NULL));
    char *images = path_in(out, "images/dog");
    before = listing(images);
    char *top_before = listing(out);
    make_class(pics, "emu", 2); /* would add a class and a folder */
    c = (cancel_state){.stop_after = 8};
    g_assert_cmpint(create_cancelled(pics, out, &c), ==, TSU_E_STOPPED);
    g_assert_true(g_file_get_contents(csv_path, &csv_after, NULL, NULL));
    g_assert_cmpstr(csv_before, ==, csv_after);
    after = listing(images);
    g_assert_cmpstr(before, ==, after);
    char *top_after = listing(out);
    g_assert_cmpstr(top_before, ==, top_after); /* no staging folder left inside */
    char *emu = path_in(out, "images/emu");
    g_assert_false(g_file_test(emu, G_FILE_TEST_EXISTS));
    /* Not cancelled, the new class's folder joins the existing images/. */
    c = (cancel_state){.stop_after = 100};
    g_assert_cmpint(create_cancelled(pics, out, &c), ==, TSU_OK);
    g_assert_true(g_file_test(emu, G_FILE_TEST_IS_DIR));
    g_free(after);
    after = listing(images);
    g_assert_cmpstr(before, ==, after);
    g_free(emu);
    g_free(top_before);
    g_free(top_after);
    g_free(after);
    g_free(before);
    g_free(images);
    g_free(csv_before);
    g_free(csv_after);
    g_free(csv_path);
    g_free(pics);
    g_free(out);
    tmpdir_free(root);
}

/* ---- damaged files: a picture or a message naming the file, never a crash */

static void fuzz_picture(const char *path, int rounds)
{
    gchar *orig;
    gsize orig_size;
    g_assert_true(g_file_get_contents(path, &orig, &orig_size, NULL));
    int opened = 0;
    for (int r = 0; r < rounds; r++) {
        guint8 *copy = g_memdup2(orig, orig_size);
        gsize size = orig_size;
        fuzz_mutate(copy, &size, NULL);
        write_bytes(path, copy, size, FALSE);
        tsu_diag diag;
        tsu_diag_init(&diag);
        tsu_image img;
        if (tsu_image_load(path, &img, &diag) == TSU_OK) {
            opened++;
            g_assert_true(img.channels == 1 || img.channels == 3);
            g_assert_cmpint(img.width, >=, 1);
            g_assert_cmpint(img.height, >=, 1);
            tsu_image_free(&img);
        } else {
            g_assert_nonnull(strstr(tsu_diag_message(&diag, ""), path));
        }
        tsu_diag_free(&diag);
        g_free(copy);
    }
    g_test_message("%s: %d of %d damaged copies decoded", path, opened, rounds);
    g_free(orig);
}

static void test_fuzz(void)
{
    char *dir = tmpdir_new();
    char *jpg = path_in(dir, "f.jpg"), *bmp = path_in(dir, "f.bmp");
    write_jpeg(jpg, &(jpeg_spec){.w = 16, .h = 8, .components = 3, .orientation = 6}, blocks);
    fuzz_picture(jpg, 1500);
    write_jpeg(jpg, &(jpeg_spec){.w = 16, .h = 8, .components = 1, .progressive = TRUE,
                                 .orientation = 3, .big_endian = TRUE}, blocks);
    fuzz_picture(jpg, 1500);
    guint8 px[5 * 3 * 3] = {1, 2, 3};
    write_bmp(bmp, 5, 3, 24, FALSE, 0, px, NULL, 0);
    fuzz_picture(bmp, 1500);
    guint8 pal[16] = {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 10, 11, 12, 0};
    write_bmp(bmp, 5, 3, 8, TRUE, 0, px, pal, 4);
    fuzz_picture(bmp, 1500);
    g_free(jpg);
    g_free(bmp);
    tmpdir_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/images/jpeg", test_jpeg);
    g_test_add_func("/images/exif", test_exif);
    g_test_add_func("/images/bmp", test_bmp);
    g_test_add_func("/images/resize", test_resize);
    g_test_add_func("/images/folder-dataset", test_folder);
    g_test_add_func("/images/folder-dataset-cancel", test_folder_cancel);
    g_test_add_func("/images/fuzz", test_fuzz);
    return g_test_run();
}
