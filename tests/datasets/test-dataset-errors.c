/* test-dataset-errors.c — bad specs and bad data: every message names the
 * file and, for CSV files, the line; random damage never crashes. */
#include "helpers.h"

#include <json-c/json.h>
#include "tsumiki-json.h"
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

typedef struct {
    char *dir;
    tsu_diag diag;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    f->dir = data ? tmpdir_new_in_memory() : tmpdir_new();
    tsu_diag_init(&f->diag);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    tsu_diag_free(&f->diag);
    tmpdir_free(f->dir);
}

/* 5 images of 2x3 and their labels; keep as in write_idx. */
static void small_idx(const char *dir, const char *name, gboolean gz, gssize keep)
{
    guint8 pixels[30];
    for (int k = 0; k < 30; k++) pixels[k] = (guint8)k;
    char *path = path_in(dir, name);
    write_idx(path, gz, 0x08, 3, (const guint32[]){5, 2, 3}, pixels, sizeof pixels, keep);
    g_free(path);
}

static void small_labels(const char *dir, const char *name, int n)
{
    guint8 labels[8] = {4, 3, 2, 1, 0, 1, 2, 3};
    char *path = path_in(dir, name);
    write_idx(path, FALSE, 0x08, 1, (const guint32[]){(guint32)n}, labels, (size_t)n, 0);
    g_free(path);
}

static void test_spec(Fixture *f, gconstpointer data)
{
    const char *msg = expect_error("{\"source\":\"fashon-mnist\",\"split\":\"train\"}", f->dir,
                                   &f->diag, NULL);
    g_assert_cmpstr(msg, ==, "dataset.training.source: unknown source \"fashon-mnist\" "
                             "(did you mean \"fashion-mnist\"?)");
    g_assert_cmpint(f->diag.items[0].code, ==, TSU_E_FORMAT);
    expect_error("{\"source\":\"MNIST\"}", f->dir, &f->diag, "did you mean \"mnist\"", NULL);
    expect_error("{\"source\":\"imagenet\"}", f->dir, &f->diag, "unknown source \"imagenet\"",
                 "\"csv\"", NULL);
    expect_error("{}", f->dir, &f->diag, "dataset.training.source: missing", NULL);
    expect_error("[1]", f->dir, &f->diag, "dataset.training: expected an object", NULL);
    expect_error("{\"source\":7}", f->dir, &f->diag, "source: expected a non-empty string",
                 NULL);
    expect_error("{\"source\":\"fashion-mnist\"}", f->dir, &f->diag,
                 "dataset.training.split: missing", NULL);
    expect_error("{\"source\":\"fashion-mnist\",\"split\":\"valid\"}", f->dir, &f->diag,
                 "dataset.training.split: expected \"train\" or \"test\", got \"valid\"", NULL);
    expect_error("{\"source\":\"mnist\",\"split\":\"validation\"}", f->dir, &f->diag,
                 "got \"validation\" (for a validation split, use \"skip\" and \"limit\"", NULL);
    expect_error("{\"source\":\"idx\",\"labels\":\"y\"}", f->dir, &f->diag,
                 "dataset.training.images: missing", NULL);
    expect_error("{\"source\":\"csv\"}", f->dir, &f->diag, "dataset.training.path: missing",
                 NULL);
    expect_error("{\"source\":\"csv\",\"path\":\"a.csv\",\"limit\":0}", f->dir, &f->diag,
                 "dataset.training.limit: expected an integer >= 1, got 0", NULL);
    expect_error("{\"source\":\"csv\",\"path\":\"a.csv\",\"limit\":\"ten\"}", f->dir, &f->diag,
                 "limit: expected an integer >= 1, got \"ten\"", NULL);
    expect_error("{\"source\":\"csv\",\"path\":\"a.csv\",\"skip\":-1}", f->dir, &f->diag,
                 "skip: expected an integer >= 0, got -1", NULL);
    expect_error("{\"source\":\"csv\",\"path\":\"a.csv\",\"shuffle\":true}", f->dir,
                 &f->diag, "dataset.training.shuffle: expected an integer >= 0, got true",
                 NULL);
    expect_error("{\"source\":\"csv\",\"path\":\"a.csv\",\"skip\":1.5}", f->dir, &f->diag,
                 "skip: expected an integer >= 0", NULL);
    expect_error("{\"source\":\"mnist\",\"split\":\"train\",\"dir\":\"nowhere\"}", f->dir,
                 &f->diag, "dataset.training: MNIST train images not found in ", "nowhere",
                 "train-images-idx3-ubyte.gz", NULL);
    small_idx(f->dir, "x.idx", FALSE, 0);
    expect_error("{\"source\":\"idx\",\"images\":\"x.idx\",\"skip\":5}", f->dir, &f->diag,
                 "dataset.training.skip: skipping 5 samples leaves none (the dataset has 5)",
                 NULL);

    /* Without a context the spec is "dataset". */
    struct json_object *spec = json_tokener_parse("{\"source\":\"csc\",\"path\":\"a\"}");
    tsu_diag_clear(&f->diag);
    g_assert_null(tsu_dataset_open(spec, f->dir, &f->diag));
    g_assert_cmpstr(f->diag.items[0].message, ==,
                    "dataset.source: unknown source \"csc\" (did you mean \"csv\"?)");
    json_object_put(spec);
    tsu_diag_clear(&f->diag);
    g_assert_null(tsu_dataset_open(NULL, NULL, &f->diag));
    g_assert_cmpint(f->diag.count, ==, 1);
    g_assert_null(tsu_dataset_open(NULL, NULL, NULL)); /* no diag: still no crash */
}

static void test_idx_errors(Fixture *f, gconstpointer data)
{
    expect_error("{\"source\":\"idx\",\"images\":\"none.idx\"}", f->dir, &f->diag,
                 "none.idx: cannot open: No such file", NULL);
    write_text(f->dir, "text.idx", "hello, world\n");
    expect_error("{\"source\":\"idx\",\"images\":\"text.idx\"}", f->dir, &f->diag,
                 "text.idx: not an IDX file: magic bytes 68 65 6c 6c", NULL);
    char *p = path_in(f->dir, "text.idx.gz");
    write_bytes(p, "\0\0\x08\x09 nine dims", 14, TRUE);
    g_free(p);
    expect_error("{\"source\":\"idx\",\"images\":\"text.idx.gz\"}", f->dir, &f->diag,
                 "text.idx.gz: not an IDX file: magic bytes 00 00 08 09", NULL);
    g_assert_cmpint(f->diag.items[0].code, ==, TSU_E_DATA);

    /* 16 header bytes + 30 pixels = 46. */
    small_idx(f->dir, "cut.idx", FALSE, 40);
    expect_error("{\"source\":\"idx\",\"images\":\"cut.idx\"}", f->dir, &f->diag,
                 "cut.idx: truncated IDX file: expected 46 bytes, got 40", NULL);
    small_idx(f->dir, "cut.idx.gz", TRUE, 45);
    expect_error("{\"source\":\"idx\",\"images\":\"cut.idx.gz\"}", f->dir, &f->diag,
                 "cut.idx.gz: truncated IDX file: expected 46 bytes, got 45 "
                 "(after decompression)", NULL);
    /* Headers that promise more than any file holds are refused or found
     * truncated without allocating what they claim. */
    char *huge = path_in(f->dir, "huge.idx");
    write_idx(huge, FALSE, 0x0E, 3, (const guint32[]){2000000000, 100000, 100000}, "", 0, 0);
    expect_error("{\"source\":\"idx\",\"images\":\"huge.idx\"}", f->dir, &f->diag,
                 "huge.idx: IDX header claims 2000000000 samples of 10000000000 values, more than "
                 "this reader accepts", NULL);
    write_idx(huge, TRUE, 0x08, 3, (const guint32[]){60000, 28, 28}, "abc", 3, 0);
    expect_error("{\"source\":\"idx\",\"images\":\"huge.idx\"}", f->dir, &f->diag,
                 "huge.idx: truncated IDX file: expected 47040016 bytes, got 19", NULL);
    g_free(huge);
    small_idx(f->dir, "head.idx", FALSE, 10);
    expect_error("{\"source\":\"idx\",\"images\":\"head.idx\"}", f->dir, &f->diag,
                 "head.idx: truncated IDX file: expected 16 bytes, got 10", NULL);
    /* A limit reads only what it needs: the cut beyond it goes unseen. */
    tsu_dataset *ds =
        open_json("{\"source\":\"idx\",\"images\":\"cut.idx\",\"limit\":2}", f->dir, &f->diag);
    g_assert_nonnull(ds);
    tsu_dataset_free(ds);

    /* A gzip stream cut short. */
    small_idx(f->dir, "whole.idx.gz", TRUE, 0);
    char *whole = path_in(f->dir, "whole.idx.gz");
    char *bytes;
    gsize size;
    g_assert_true(g_file_get_contents(whole, &bytes, &size, NULL));
    char *half = path_in(f->dir, "half.idx.gz");
    write_bytes(half, bytes, size / 2, FALSE);
    expect_error("{\"source\":\"idx\",\"images\":\"half.idx.gz\"}", f->dir, &f->diag,
                 "half.idx.gz: ", NULL);
    g_free(bytes), g_free(whole), g_free(half);

    small_idx(f->dir, "x.idx", FALSE, 0);
    small_labels(f->dir, "four.idx", 4);
    expect_error("{\"source\":\"idx\",\"images\":\"x.idx\",\"labels\":\"four.idx\"}", f->dir,
                 &f->diag, "four.idx: 4 labels for 5 images in ", "x.idx", NULL);
    expect_error("{\"source\":\"idx\",\"images\":\"x.idx\",\"labels\":\"text.idx\"}", f->dir,
                 &f->diag, "text.idx: not an IDX file", NULL);
}

static void test_csv_errors(Fixture *f, gconstpointer data)
{
    make_subdir(f->dir, "img");
    guint8 px[20] = {0};
    char *p;
    write_png(p = path_in(f->dir, "img/a.png"), 4, 3, 1, px, FALSE, FALSE), g_free(p);
    write_png(p = path_in(f->dir, "img/big.png"), 5, 4, 1, px, FALSE, FALSE), g_free(p);
    write_png(p = path_in(f->dir, "img/rgb.png"), 2, 2, 3, px, FALSE, FALSE), g_free(p);
    write_text(f->dir, "img/fake.png", "GIF89a not really a png");
    write_text(f->dir, "missing.csv", "x:image,y:label\nimg/a.png,0\nimg/nope.png,1\n");
    expect_error("{\"source\":\"csv\",\"path\":\"missing.csv\"}", f->dir, &f->diag,
                 "missing.csv:3:1: image file not found: \"img/nope.png\"", NULL);
    write_text(f->dir, "shapes.csv", "x:image,y\nimg/a.png,0\nimg/a.png,1\r\nimg/big.png,1\n");
    expect_error("{\"source\":\"csv\",\"path\":\"shapes.csv\"}", f->dir, &f->diag,
                 "shapes.csv:4:1: image \"img/big.png\" is 1x4x5 (CxHxW) but \"img/a.png\" on "
                 "line 2 is 1x3x4", NULL);
    write_text(f->dir, "gray-rgb.csv", "y,x\n0,img/a.png\n1, img/rgb.png\n");
    expect_error("{\"source\":\"csv\",\"path\":\"gray-rgb.csv\"}", f->dir, &f->diag,
                 "gray-rgb.csv:3:4: image \"img/rgb.png\" is 3x2x2", "is 1x3x4", NULL);
    write_text(f->dir, "fake.csv", "x,y\nimg/fake.png,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"fake.csv\"}", f->dir, &f->diag,
                 "fake.csv:2:1: cannot read image \"img/fake.png\": not a PNG, JPEG or BMP file", NULL);
    write_text(f->dir, "jpeg.csv", "x,y\nimg/a.png,0\nimg/b.JPG,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"jpeg.csv\"}", f->dir, &f->diag,
                 "jpeg.csv:3:1: image file not found: \"img/b.JPG\"", NULL);
    write_text(f->dir, "datacsv.csv", "x,y\nimg/a.png,0\nvec/1.csv,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"datacsv.csv\"}", f->dir, &f->diag,
                 "datacsv.csv:3:1: \"vec/1.csv\": cells naming data files are not supported; "
                 "spread the values over columns x__0, x__1, ...", NULL);
    write_text(f->dir, "num-in-img.csv", "x,y\nimg/a.png,0\n12,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"num-in-img.csv\"}", f->dir, &f->diag,
                 "num-in-img.csv:3:1: column \"x\": expected an image path, got \"12\"", NULL);

    write_text(f->dir, "nan.csv", "x__0,x__1,y\n1,2,0\n3,abc,1\n");
    expect_error("{\"source\":\"csv\",\"path\":\"nan.csv\"}", f->dir, &f->diag,
                 "nan.csv:3:3: column \"x__1\": not a number: \"abc\"", NULL);
    /* Even in rows outside the selection: the file is typed as a whole. */
    expect_error("{\"source\":\"csv\",\"path\":\"nan.csv\",\"limit\":1}", f->dir, &f->diag,
                 "nan.csv:3:3:", NULL);
    write_text(f->dir, "empty-cell.csv", "x,y\n1,\n");
    expect_error("{\"source\":\"csv\",\"path\":\"empty-cell.csv\"}", f->dir, &f->diag,
                 "empty-cell.csv:2:3: column \"y\": empty cell", NULL);
    write_text(f->dir, "label-text.csv", "x,y:label\n1,cat\n");
    expect_error("{\"source\":\"csv\",\"path\":\"label-text.csv\"}", f->dir, &f->diag,
                 "label-text.csv:2:3: column \"y:label\": not a number: \"cat\"", NULL);
    write_text(f->dir, "cells.csv", "x,y,z\n1,2,3\n4,5\n");
    expect_error("{\"source\":\"csv\",\"path\":\"cells.csv\"}", f->dir, &f->diag,
                 "cells.csv:3: 2 cells, but the header has 3", NULL);
    write_text(f->dir, "dup.csv", "x,y,x:again\n1,2,3\n");
    expect_error("{\"source\":\"csv\",\"path\":\"dup.csv\"}", f->dir, &f->diag,
                 "dup.csv:1:5: column \"x:again\" repeats variable \"x\"", NULL);
    write_text(f->dir, "dup-index.csv", "x__0,x__0,y\n1,2,3\n");
    expect_error("{\"source\":\"csv\",\"path\":\"dup-index.csv\"}", f->dir, &f->diag,
                 "dup-index.csv:1:6: column \"x__0\" appears twice", NULL);
    write_text(f->dir, "gap.csv", "y,x__0,x__2\n1,2,3\n");
    expect_error("{\"source\":\"csv\",\"path\":\"gap.csv\"}", f->dir, &f->diag,
                 "gap.csv:1:3: variable \"x\" has no column x__1", NULL);
    write_text(f->dir, "noname.csv", "x,:label\n1,2\n");
    expect_error("{\"source\":\"csv\",\"path\":\"noname.csv\"}", f->dir, &f->diag,
                 "noname.csv:1:3: bad column name \":label\"", NULL);
    write_text(f->dir, "quote.csv", "x,y\n1,2\n\"3,4\n5,6\n");
    expect_error("{\"source\":\"csv\",\"path\":\"quote.csv\"}", f->dir, &f->diag,
                 "quote.csv:3:1: quoted cell is never closed", NULL);
    write_text(f->dir, "after.csv", "x,y\n\"1\"2,3\n");
    expect_error("{\"source\":\"csv\",\"path\":\"after.csv\"}", f->dir, &f->diag,
                 "after.csv:2:4: unexpected text after a closing quote", NULL);
    write_text(f->dir, "empty.csv", "\n\n");
    expect_error("{\"source\":\"csv\",\"path\":\"empty.csv\"}", f->dir, &f->diag,
                 "empty.csv: empty file", NULL);
    write_text(f->dir, "header-only.csv", "x,y\n");
    expect_error("{\"source\":\"csv\",\"path\":\"header-only.csv\"}", f->dir, &f->diag,
                 "header-only.csv:1: no samples: a header but no data rows", NULL);
    char *zero = path_in(f->dir, "zero.idx");
    write_idx(zero, FALSE, 0x08, 3, (const guint32[]){0, 2, 2}, "", 0, 0);
    g_free(zero);
    expect_error("{\"source\":\"idx\",\"images\":\"zero.idx\"}", f->dir, &f->diag,
                 "zero.idx: no samples", NULL);
    expect_error("{\"source\":\"csv\",\"path\":\"absent.csv\"}", f->dir, &f->diag,
                 "absent.csv: cannot open: No such file", NULL);
    make_subdir(f->dir, "folder.csv");
    expect_error("{\"source\":\"csv\",\"path\":\"folder.csv\"}", f->dir, &f->diag,
                 "folder.csv: cannot read: Is a directory", NULL);
    expect_error("{\"source\":\"idx\",\"images\":\"folder.csv\"}", f->dir, &f->diag,
                 "folder.csv: cannot read: Is a directory", NULL);
    /* 70000 rows of a 4096x4096 image would need 1.1 TB: refused, not
     * attempted (and no abort). */
    guint8 *black = g_malloc0(4096 * 4096);
    write_png(p = path_in(f->dir, "img/huge.png"), 4096, 4096, 1, black, FALSE, FALSE), g_free(p);
    g_free(black);
    GString *rows = g_string_new("x,y\n");
    for (int i = 0; i < 70000; i++) g_string_append(rows, "img/huge.png,0\n");
    write_text(f->dir, "huge.csv", rows->str);
    g_string_free(rows, TRUE);
    expect_error("{\"source\":\"csv\",\"path\":\"huge.csv\"}", f->dir, &f->diag,
                 "huge.csv: not enough memory for 70000 samples of 1x4096x4096", NULL);
    g_assert_cmpint(f->diag.items[0].code, ==, TSU_E_NOMEM);

    /* Many bad cells: the list stops rather than flooding. */
    GString *many = g_string_new("x,y\n");
    for (int i = 0; i < 500; i++) g_string_append(many, "a,b\n");
    write_text(f->dir, "many.csv", many->str);
    g_string_free(many, TRUE);
    expect_error("{\"source\":\"csv\",\"path\":\"many.csv\"}", f->dir, &f->diag,
                 "many.csv:2:1: column \"x\": not a number: \"a\"", NULL);
    g_assert_cmpint(f->diag.count, <=, 21);
}

static void test_label_range(Fixture *f, gconstpointer data)
{
    write_text(f->dir, "cls.csv", "x,y\n0.5,0\n1.5,1\n\n2.5,2\n");
    tsu_dataset *ds = open_json("{\"source\":\"csv\",\"path\":\"cls.csv\"}", f->dir, &f->diag);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_check_labels(ds, 1, 3, "prob: 3 outputs", &f->diag), ==,
                    TSU_OK);
    g_assert_cmpint(tsu_dataset_check_labels(ds, 0, 1, "x", &f->diag), ==, TSU_OK);
    g_assert_cmpint(tsu_dataset_check_labels(ds, 1, 2, "prob: 2 outputs", &f->diag), ==,
                    TSU_E_DATA);
    const char *msg = f->diag.items[0].message;
    g_assert_true(g_str_has_suffix(msg, "cls.csv:5: label 2 of \"y\" is out of range for "
                                        "prob: 2 outputs (classes 0..1)"));
    tsu_dataset_free(ds);

    small_idx(f->dir, "x.idx", FALSE, 0);
    small_labels(f->dir, "y.idx", 5);
    tsu_diag_clear(&f->diag);
    ds = open_json("{\"source\":\"idx\",\"images\":\"x.idx\",\"labels\":\"y.idx\",\"skip\":1}",
                   f->dir, &f->diag);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_check_labels(ds, 1, 3, "fc: 3 outputs", &f->diag), ==,
                    TSU_E_DATA);
    msg = f->diag.items[0].message;
    g_assert_true(strstr(msg, "y.idx: sample 1: label 3 of \"y\" is out of range for fc: 3 "
                              "outputs (classes 0..2)"));
    tsu_dataset_free(ds);
}

/* ---------------------------------------------------------------- fuzz */

/* Opens the spec on damaged copies of files; only asserts consistency. */
static void fuzz_file(Fixture *f, const char *name, gboolean gz, const char *alphabet,
                      const char *json, int rounds)
{
    char *path = path_in(f->dir, name);
    char *orig;
    gsize orig_size;
    g_assert_true(g_file_get_contents(path, &orig, &orig_size, NULL));
    if (gz) {
        /* Damage the payload, not only the compression. */
        guint8 buf[4096];
        gzFile in = gzopen(path, "rb");
        int n = gzread(in, buf, sizeof buf);
        gzclose(in);
        g_free(orig);
        orig = g_memdup2(buf, (gsize)n);
        orig_size = (gsize)n;
    }
    int opened = 0;
    gint64 t0 = g_get_monotonic_time();
    for (int r = 0; r < rounds; r++) {
        guint8 *copy = g_memdup2(orig, orig_size);
        gsize size = orig_size;
        fuzz_mutate(copy, &size, alphabet);
        write_bytes(path, copy, size, gz);
        tsu_dataset *ds = open_json(json, f->dir, &f->diag);
        if (ds) {
            opened++;
            g_assert_cmpint(tsu_dataset_size(ds), >, 0);
            for (int v = 0; v < tsu_dataset_variable_count(ds); v++) {
                tsu_shape s = tsu_dataset_variable_shape(ds, v);
                float *out = g_new(float, tsu_shape_size(&s));
                int last = tsu_dataset_size(ds) - 1;
                tsu_dataset_fill(ds, v, &last, 1, out);
                g_free(out);
            }
        } else {
            g_assert_cmpint(f->diag.count, >, 0);
        }
        tsu_dataset_free(ds);
        g_free(copy);
    }
    g_test_message("%s: %d of %d damaged copies still opened (%.2f s)", name, opened, rounds,
                   (double)(g_get_monotonic_time() - t0) / 1e6);
    write_bytes(path, orig, orig_size, gz);
    g_free(orig);
    g_free(path);
}

static void test_fuzz(Fixture *f, gconstpointer data)
{
    small_idx(f->dir, "x.idx", FALSE, 0);
    small_idx(f->dir, "x.idx.gz", TRUE, 0);
    small_labels(f->dir, "y.idx", 5);
    const char *idx = "{\"source\":\"idx\",\"images\":\"x.idx\",\"labels\":\"y.idx\"}";
    const char *idx_gz = "{\"source\":\"idx\",\"images\":\"x.idx.gz\",\"labels\":\"y.idx\"}";
    fuzz_file(f, "x.idx", FALSE, NULL, idx, 2000);
    fuzz_file(f, "y.idx", FALSE, NULL, idx, 1000);
    fuzz_file(f, "x.idx.gz", TRUE, NULL, idx_gz, 1000);
    /* The compressed bytes themselves. */
    fuzz_file(f, "x.idx.gz", FALSE, NULL, idx_gz, 1000);

    make_subdir(f->dir, "img");
    guint8 px[48];
    for (int k = 0; k < 48; k++) px[k] = (guint8)(k * 5);
    char *p;
    write_png(p = path_in(f->dir, "img/a.png"), 4, 3, 4, px, FALSE, TRUE), g_free(p);
    write_png(p = path_in(f->dir, "img/b.png"), 4, 3, 4, px, TRUE, FALSE), g_free(p);
    write_text(f->dir, "index.csv", "x:image,y:label,z__0,z__1\n"
                                    "img/a.png,1,0.5,2\n\"img/b.png\",0,1e3,-4\r\n");
    const char *csv = "{\"source\":\"csv\",\"path\":\"index.csv\"}";
    fuzz_file(f, "index.csv", FALSE, ",\"\r\n_:xyz0123.e- /img/a.png", csv, 4000);
    fuzz_file(f, "img/a.png", FALSE, NULL, csv, 2000);
    fuzz_file(f, "img/b.png", FALSE, NULL, csv, 2000);
}

/* Big-endian float32 (or float64 when f64) payload of n values. */
static void float_idx(const char *dir, const char *name, gboolean gz, gboolean f64, int ndim,
                      const guint32 *dims, const double *values, int n)
{
    GByteArray *payload = g_byte_array_new();
    for (int i = 0; i < n; i++) {
        if (f64) {
            guint64 bits;
            memcpy(&bits, &values[i], 8);
            bits = GUINT64_TO_BE(bits);
            g_byte_array_append(payload, (const guint8 *)&bits, 8);
        } else {
            float x = (float)values[i];
            guint32 bits;
            memcpy(&bits, &x, 4);
            bits = GUINT32_TO_BE(bits);
            g_byte_array_append(payload, (const guint8 *)&bits, 4);
        }
    }
    char *path = path_in(dir, name);
    write_idx(path, gz, f64 ? 0x0E : 0x0D, ndim, dims, payload->data, payload->len, 0);
    g_free(path);
    g_byte_array_unref(payload);
}

/* NaN and infinities in float data are refused where they are, with the
 * file and the sample, not found later as a loss gone NaN. */
static void test_nonfinite_values(Fixture *f, gconstpointer data)
{
    const guint32 dims[] = {3, 2};
    float_idx(f->dir, "nan.idx", FALSE, FALSE, 2, dims, (double[]){0, 1, 2, NAN, 4, 5}, 6);
    expect_error("{\"source\":\"idx\",\"images\":\"nan.idx\"}", f->dir, &f->diag,
                 "nan.idx: sample 1, value 1 is NaN: data must be finite numbers", NULL);
    g_assert_cmpint(f->diag.items[0].code, ==, TSU_E_DATA);
    /* Shuffled, the message still counts samples as the file does. */
    expect_error("{\"source\":\"idx\",\"images\":\"nan.idx\",\"shuffle\":7}", f->dir, &f->diag,
                 "nan.idx: sample 1, value 1 is NaN", NULL);
    float_idx(f->dir, "inf.idx.gz", TRUE, FALSE, 2, dims, (double[]){0, 1, 2, 3, -INFINITY, 5}, 6);
    expect_error("{\"source\":\"idx\",\"images\":\"inf.idx.gz\"}", f->dir, &f->diag,
                 "inf.idx.gz: sample 2, value 0 is -infinity", NULL);
    float_idx(f->dir, "big.idx", FALSE, TRUE, 2, dims, (double[]){0, 1e300, 2, 3, 4, 5}, 6);
    expect_error("{\"source\":\"idx\",\"images\":\"big.idx\"}", f->dir, &f->diag,
                 "big.idx: sample 0, value 1 (1e+300) is beyond the range of 32-bit floats", NULL);
    /* Regression targets in a labels file. */
    small_idx(f->dir, "x.idx", FALSE, 0);
    float_idx(f->dir, "t.idx", FALSE, FALSE, 2, (const guint32[]){5, 1},
              (double[]){0, 1, 2, 3, INFINITY}, 5);
    expect_error("{\"source\":\"idx\",\"images\":\"x.idx\",\"labels\":\"t.idx\"}", f->dir,
                 &f->diag, "t.idx: sample 4, value 0 is +infinity", NULL);
    /* Only selected samples are read, so only they are judged. */
    tsu_dataset *ds = open_json("{\"source\":\"idx\",\"images\":\"nan.idx\",\"limit\":1}",
                                f->dir, &f->diag);
    g_assert_nonnull(ds);
    tsu_dataset_free(ds);

    write_text(f->dir, "nan.csv", "x__0,x__1,y\n1,2,0\n3,nan,1\n");
    expect_error("{\"source\":\"csv\",\"path\":\"nan.csv\"}", f->dir, &f->diag,
                 "nan.csv:3:3: column \"x__1\": \"nan\" is not finite: data must be finite "
                 "numbers", NULL);
    write_text(f->dir, "inf.csv", "x__0,x__1,y\n-Infinity,2,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"inf.csv\"}", f->dir, &f->diag,
                 "inf.csv:2:1: column \"x__0\": \"-Infinity\" is not finite", NULL);
    write_text(f->dir, "huge.csv", "x,y\n1e39,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"huge.csv\"}", f->dir, &f->diag,
                 "huge.csv:2:1: column \"x\": 1e39 is beyond the range of 32-bit floats", NULL);
    write_text(f->dir, "fine.csv", "x,y\n3.4e38,0\n-1e-45,1\n");
    ds = open_json("{\"source\":\"csv\",\"path\":\"fine.csv\"}", f->dir, &f->diag);
    g_assert_nonnull(ds);
    tsu_dataset_free(ds);
}

/* IDX headers are checked with exact arithmetic and against the file's real
 * size before anything is allocated for what they claim. */
static void test_idx_header_sizes(Fixture *f, gconstpointer data)
{
    char *p = path_in(f->dir, "claims.idx");
    /* 2^31 - 1 samples in a 21-byte file: with "shuffle" a permutation of
     * them all (8 GiB) used to be built before any data was read. */
    write_idx(p, FALSE, 0x08, 3, (const guint32[]){2147483647, 1, 1}, "abcde", 5, 0);
    gint64 start = g_get_monotonic_time();
    expect_error("{\"source\":\"idx\",\"images\":\"claims.idx\",\"shuffle\":1}", f->dir,
                 &f->diag, "claims.idx: truncated IDX file: expected 2147483663 bytes, got 21",
                 NULL);
    expect_error("{\"source\":\"idx\",\"images\":\"claims.idx\",\"skip\":100}", f->dir,
                 &f->diag, "claims.idx: truncated IDX file: expected 2147483663 bytes, got 21",
                 NULL);
    write_idx(p, TRUE, 0x08, 3, (const guint32[]){2147483647, 1, 1}, "abcde", 5, 0);
    expect_error("{\"source\":\"idx\",\"images\":\"claims.idx\",\"shuffle\":1}", f->dir,
                 &f->diag, "claims.idx: truncated IDX file: expected 2147483663 bytes, got 21 "
                 "(after decompression)", NULL);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 20 * G_USEC_PER_SEC);
    /* A sample of 2^32 values, and dimensions whose product overflows 64 bits. */
    write_idx(p, FALSE, 0x08, 3, (const guint32[]){3, 65536, 65536}, "", 0, 0);
    expect_error("{\"source\":\"idx\",\"images\":\"claims.idx\"}", f->dir, &f->diag,
                 "claims.idx: IDX header claims 3 samples of 4294967296 values, more than this "
                 "reader accepts", NULL);
    write_idx(p, FALSE, 0x08, 4, (const guint32[]){2, 2147483647, 2147483647, 2147483647}, "", 0,
              0);
    expect_error("{\"source\":\"idx\",\"images\":\"claims.idx\"}", f->dir, &f->diag,
                 "claims.idx: IDX header claims 2 samples of too many values", NULL);
    g_free(p);
}

static void put_be32(guint8 *at, guint32 v)
{
    v = GUINT32_TO_BE(v);
    memcpy(at, &v, 4);
}

/* A PNG chunk with its CRC. */
static void append_chunk(GByteArray *png, const char *type, const guint8 *body, guint32 n)
{
    guint8 word[4];
    put_be32(word, n);
    g_byte_array_append(png, word, 4);
    g_byte_array_append(png, (const guint8 *)type, 4);
    g_byte_array_append(png, body, n);
    uLong crc = crc32(crc32(0, (const Bytef *)type, 4), body, n);
    put_be32(word, (guint32)crc);
    g_byte_array_append(png, word, 4);
}

/* PNG sizes come from the header: a large one is refused before its pixels
 * are allocated, and a FIFO named like an image does not hang the reader. */
static void test_png_sizes(Fixture *f, gconstpointer data)
{
    make_subdir(f->dir, "img");
    GByteArray *png = g_byte_array_new();
    g_byte_array_append(png, (const guint8 *)"\x89PNG\r\n\x1a\n", 8);
    guint8 ihdr[13] = {0};
    put_be32(ihdr, 16384);
    put_be32(ihdr + 4, 16384);
    ihdr[8] = 8; /* depth */
    ihdr[9] = 2; /* RGB */
    append_chunk(png, "IHDR", ihdr, 13);
    append_chunk(png, "IDAT", (const guint8 *)"x", 1);
    char *p = path_in(f->dir, "img/large.png");
    write_bytes(p, png->data, png->len, FALSE);
    g_free(p);
    g_byte_array_unref(png);
    write_text(f->dir, "large.csv", "x,y\nimg/large.png,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"large.csv\"}", f->dir, &f->diag,
                 "large.csv:2:1: cannot read image \"img/large.png\": image too large "
                 "(16384x16384)", NULL);

    p = path_in(f->dir, "img/fifo.png");
    g_assert_cmpint(mkfifo(p, 0600), ==, 0);
    g_free(p);
    write_text(f->dir, "fifo.csv", "x,y\nimg/fifo.png,0\n");
    expect_error("{\"source\":\"csv\",\"path\":\"fifo.csv\"}", f->dir, &f->diag,
                 "fifo.csv:2:1: cannot read image \"img/fifo.png\": not a regular file", NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/dataset-errors/spec", Fixture, NULL, fixture_setup, test_spec,
               fixture_teardown);
    g_test_add("/dataset-errors/idx", Fixture, NULL, fixture_setup, test_idx_errors,
               fixture_teardown);
    g_test_add("/dataset-errors/csv", Fixture, NULL, fixture_setup, test_csv_errors,
               fixture_teardown);
    g_test_add("/dataset-errors/label-range", Fixture, NULL, fixture_setup, test_label_range,
               fixture_teardown);
    g_test_add("/dataset-errors/nonfinite", Fixture, NULL, fixture_setup, test_nonfinite_values,
               fixture_teardown);
    g_test_add("/dataset-errors/idx-header-sizes", Fixture, NULL, fixture_setup,
               test_idx_header_sizes, fixture_teardown);
    g_test_add("/dataset-errors/png-sizes", Fixture, NULL, fixture_setup, test_png_sizes,
               fixture_teardown);
    g_test_add("/dataset-errors/fuzz", Fixture, GINT_TO_POINTER(TRUE), fixture_setup,
               test_fuzz, fixture_teardown);
    return g_test_run();
}
