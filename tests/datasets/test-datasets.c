/* test-datasets.c — the dataset readers on files written by the test (IDX
 * plain and gzip, CSV with PNGs and inline vectors) and on Debian's
 * Fashion-MNIST when it is installed. Bad data: test-dataset-errors.c. */
#include "helpers.h"

#include <string.h>

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

/* Five 2x3 images whose pixel k of sample i is 10 * i + k, labels 4 - i. */
static void write_small_idx(const char *dir, gboolean gz, const char *xname, const char *yname)
{
    guint8 pixels[5 * 6], labels[5];
    for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 6; k++) pixels[i * 6 + k] = (guint8)(10 * i + k);
        labels[i] = (guint8)(4 - i);
    }
    char *x = path_in(dir, xname), *y = path_in(dir, yname);
    write_idx(x, gz, 0x08, 3, (const guint32[]){5, 2, 3}, pixels, sizeof pixels, 0);
    write_idx(y, gz, 0x08, 1, (const guint32[]){5}, labels, sizeof labels, 0);
    g_free(x);
    g_free(y);
}

static void check_small_idx(tsu_dataset *ds, int first, int n)
{
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, n);
    g_assert_cmpint(tsu_dataset_variable_count(ds), ==, 2);
    int x = tsu_dataset_variable_find(ds, "x"), y = tsu_dataset_variable_find(ds, "y");
    g_assert_cmpint(x, ==, 0);
    g_assert_cmpint(y, ==, 1);
    g_assert_cmpint(tsu_dataset_variable_find(ds, "z"), ==, -1);
    g_assert_cmpstr(tsu_dataset_variable_name(ds, x), ==, "x");
    tsu_shape sx = tsu_dataset_variable_shape(ds, x), sy = tsu_dataset_variable_shape(ds, y);
    char buf[64];
    tsu_shape_format_list(&sx, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "[1, 2, 3]");
    tsu_shape_format_list(&sy, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "[1]");
    g_assert_false(tsu_dataset_variable_is_label(ds, x));
    g_assert_true(tsu_dataset_variable_is_label(ds, y));
    g_assert_cmpint(tsu_dataset_class_count(ds, y), ==, 5); /* whole file: labels 0..4 */
    g_assert_cmpint(tsu_dataset_class_count(ds, x), ==, 0);
    for (int i = 0; i < n; i++) {
        const guint8 *img = tsu_dataset_image(ds, x, i);
        g_assert_nonnull(img);
        g_assert_cmpint(img[0], ==, 10 * (first + i));
        g_assert_cmpint(img[5], ==, 10 * (first + i) + 5);
        g_assert_cmpint(tsu_dataset_label(ds, y, i), ==, 4 - (first + i));
    }
    g_assert_null(tsu_dataset_image(ds, y, 0));
    g_assert_cmpint(tsu_dataset_label(ds, x, 0), ==, -1);
    /* Batches in any order, scaled by 1/255. */
    int order[2] = {n - 1, 0};
    float fx[12], fy[2];
    tsu_dataset_fill(ds, x, order, 2, fx);
    tsu_dataset_fill(ds, y, order, 2, fy);
    g_assert_cmpfloat_with_epsilon(fx[0], (10 * (first + n - 1)) / 255.0f, 1e-7);
    g_assert_cmpfloat_with_epsilon(fx[6 + 3], (10 * first + 3) / 255.0f, 1e-7);
    g_assert_cmpfloat(fy[0], ==, 4 - (first + n - 1));
    g_assert_cmpfloat(fy[1], ==, 4 - first);
}

static void test_idx(gconstpointer gz)
{
    char *dir = tmpdir_new();
    write_small_idx(dir, GPOINTER_TO_INT(gz), "images.idx", "labels.idx");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_dataset *ds =
        open_json("{\"source\":\"idx\",\"images\":\"images.idx\",\"labels\":\"labels.idx\"}",
                  dir, &diag);
    check_small_idx(ds, 0, 5);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "IDX images.idx (5 samples)");
    g_assert_cmpint(tsu_dataset_sample_line(ds, 0), ==, 0);
    g_assert_true(g_str_has_suffix(tsu_dataset_sample_file(ds, 0), "images.idx"));
    tsu_dataset_free(ds);

    /* A validation split: skip the first N, then limit. */
    ds = open_json("{\"source\":\"idx\",\"images\":\"images.idx\",\"labels\":\"labels.idx\","
                   "\"skip\":1,\"limit\":2}", dir, &diag);
    check_small_idx(ds, 1, 2);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "IDX images.idx (2 of 5 samples, from #1)");
    tsu_dataset_free(ds);
    ds = open_json("{\"source\":\"idx\",\"images\":\"images.idx\",\"labels\":\"labels.idx\","
                   "\"skip\":3}", dir, &diag);
    check_small_idx(ds, 3, 2);
    tsu_dataset_free(ds);
    ds = open_json("{\"source\":\"idx\",\"images\":\"images.idx\",\"labels\":\"labels.idx\","
                   "\"limit\":3000}", dir, &diag);
    check_small_idx(ds, 0, 5);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "IDX images.idx (5 samples)");
    tsu_dataset_free(ds);

    /* Images alone (an autoencoder's data). */
    ds = open_json("{\"source\":\"idx\",\"images\":\"images.idx\"}", dir, &diag);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_variable_count(ds), ==, 1);
    tsu_dataset_free(ds);
    tsu_diag_free(&diag);
    tmpdir_free(dir);
}

/* "shuffle": skip and limit select from a seeded permutation, so two specs
 * with one seed split a sorted file into disjoint, mixed parts. */
static void test_shuffle(gconstpointer gz)
{
    char *dir = tmpdir_new();
    write_small_idx(dir, GPOINTER_TO_INT(gz), "images.idx", "labels.idx");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_dataset *a = open_json("{\"source\":\"idx\",\"images\":\"images.idx\","
                               "\"labels\":\"labels.idx\",\"shuffle\":3,\"limit\":3}",
                               dir, &diag);
    tsu_dataset *b = open_json("{\"source\":\"idx\",\"images\":\"images.idx\","
                               "\"labels\":\"labels.idx\",\"shuffle\":3,\"skip\":3}",
                               dir, &diag);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpstr(tsu_dataset_describe(a), ==,
                    "IDX images.idx (3 of 5 samples, shuffled with seed 3)");
    g_assert_cmpstr(tsu_dataset_describe(b), ==,
                    "IDX images.idx (2 of 5 samples, shuffled with seed 3, from #3)");
    gboolean seen[5] = {FALSE};
    gboolean in_order = TRUE;
    tsu_dataset *parts[2] = {a, b};
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < tsu_dataset_size(parts[p]); i++) {
            int src = tsu_dataset_source_index(parts[p], i);
            g_assert_true(src >= 0 && src < 5 && !seen[src]);
            seen[src] = TRUE;
            in_order = in_order && src == (p ? 3 : 0) + i;
            g_assert_cmpint(tsu_dataset_image(parts[p], 0, i)[1], ==, 10 * src + 1);
            g_assert_cmpint(tsu_dataset_label(parts[p], 1, i), ==, 4 - src);
        }
    g_assert_false(in_order);
    g_assert_cmpint(tsu_dataset_class_count(b, 1), ==, 5);
    tsu_dataset_free(a);
    tsu_dataset_free(b);

    /* A CSV sorted by class: a plain tail split would hold one class. */
    GString *csv = g_string_new("x__0,x__1,y:label\n");
    for (int i = 0; i < 40; i++) g_string_append_printf(csv, "%d,%d.5,%d\n", i, i, i / 20);
    write_text(dir, "sorted.csv", csv->str);
    g_string_free(csv, TRUE);
    a = open_json("{\"source\":\"csv\",\"path\":\"sorted.csv\",\"shuffle\":1,\"skip\":30}",
                  dir, &diag);
    g_assert_nonnull(a);
    int classes[2] = {0, 0};
    for (int i = 0; i < 10; i++) {
        int src = tsu_dataset_source_index(a, i);
        float x[2];
        tsu_dataset_fill(a, 0, &i, 1, x);
        g_assert_cmpfloat(x[0], ==, src);
        g_assert_cmpint(tsu_dataset_sample_line(a, i), ==, src + 2);
        classes[tsu_dataset_label(a, 1, i)]++;
    }
    g_assert_cmpint(classes[0], >, 0);
    g_assert_cmpint(classes[1], >, 0);
    tsu_dataset_free(a);
    tsu_diag_free(&diag);
    tmpdir_free(dir);
}

static void test_idx_float(void)
{
    char *dir = tmpdir_new();
    /* Three float vectors of 2 (big-endian IEEE) and int32 labels. */
    float values[6] = {0.5f, -1.25f, 3.0f, 1e-3f, -7.0f, 2.5f};
    guint32 raw[6];
    for (int i = 0; i < 6; i++) {
        guint32 u;
        memcpy(&u, &values[i], 4);
        raw[i] = GUINT32_TO_BE(u);
    }
    guint32 labels[3] = {GUINT32_TO_BE(2), GUINT32_TO_BE(0), GUINT32_TO_BE(11)};
    char *x = path_in(dir, "x.idx"), *y = path_in(dir, "y.idx.gz");
    write_idx(x, FALSE, 0x0D, 2, (const guint32[]){3, 2}, raw, sizeof raw, 0);
    write_idx(y, TRUE, 0x0C, 1, (const guint32[]){3}, labels, sizeof labels, 0);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_dataset *ds = open_json(
        "{\"source\":\"idx\",\"images\":\"x.idx\",\"labels\":\"y.idx.gz\"}", dir, &diag);
    g_assert_nonnull(ds);
    tsu_shape s = tsu_dataset_variable_shape(ds, 0);
    g_assert_cmpint(s.ndim, ==, 1);
    g_assert_cmpint(s.d[0], ==, 2);
    g_assert_null(tsu_dataset_image(ds, 0, 0));
    float out[6];
    tsu_dataset_fill(ds, 0, (const int[]){0, 1, 2}, 3, out);
    for (int i = 0; i < 6; i++) g_assert_cmpfloat(out[i], ==, values[i]);
    g_assert_cmpint(tsu_dataset_class_count(ds, 1), ==, 12);
    g_assert_cmpint(tsu_dataset_label(ds, 1, 2), ==, 11);
    tsu_dataset_free(ds);
    tsu_diag_free(&diag);
    g_free(x);
    g_free(y);
    tmpdir_free(dir);
}

/* The built-in source with a "dir": finds train/t10k files, .gz or not. */
static void test_builtin_dir(void)
{
    char *dir = tmpdir_new();
    make_subdir(dir, "m");
    write_small_idx(dir, FALSE, "m/train-images-idx3-ubyte", "m/train-labels-idx1-ubyte");
    write_small_idx(dir, TRUE, "m/t10k-images-idx3-ubyte.gz", "m/t10k-labels-idx1-ubyte.gz");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_dataset *ds = open_json("{\"source\":\"mnist\",\"split\":\"train\",\"dir\":\"m\"}",
                                dir, &diag);
    check_small_idx(ds, 0, 5);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "MNIST train (5 samples)");
    tsu_dataset_free(ds);
    ds = open_json("{\"source\":\"fashion-mnist\",\"split\":\"test\",\"dir\":\"m\","
                   "\"limit\":4}", dir, &diag);
    check_small_idx(ds, 0, 4);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "Fashion-MNIST test (4 of 5 samples)");
    tsu_dataset_free(ds);
    tsu_diag_free(&diag);
    tmpdir_free(dir);
}

static void test_fashion_mnist(void)
{
    if (!g_file_test(FASHION_DIR "/train-images-idx3-ubyte.gz", G_FILE_TEST_EXISTS)) {
        g_test_skip(FASHION_DIR " is missing (Debian package dataset-fashion-mnist)");
        return;
    }
    tsu_diag diag;
    tsu_diag_init(&diag);
    gint64 t0 = g_get_monotonic_time();
    tsu_dataset *ds = open_json("{\"source\":\"fashion-mnist\",\"split\":\"train\"}", NULL,
                                &diag);
    double seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    g_test_message("60000 Fashion-MNIST training images loaded in %.3f s", seconds);
    g_assert_nonnull(ds);
    /* Generous for slow CI and sanitizers; a normal build takes ~0.2 s. */
    g_assert_cmpfloat(seconds, <, 5.0);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 60000);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "Fashion-MNIST train (60000 samples)");
    int x = tsu_dataset_variable_find(ds, "x"), y = tsu_dataset_variable_find(ds, "y");
    tsu_shape s = tsu_dataset_variable_shape(ds, x);
    g_assert_cmpint(s.ndim, ==, 3);
    g_assert_cmpint(s.d[0] * 100 + s.d[1] * 10 + s.d[2], ==, 100 + 280 + 28);
    g_assert_cmpint(tsu_dataset_class_count(ds, y), ==, 10);
    g_assert_cmpint(tsu_dataset_label(ds, y, 0), ==, 9); /* Ankle boot */
    g_assert_cmpint(tsu_dataset_label(ds, y, 1), ==, 0);
    const guint8 *img = tsu_dataset_image(ds, x, 0);
    /* Reference values from numpy on the same files. */
    guint sum = 0;
    for (int k = 0; k < 784; k++) sum += img[k];
    g_assert_cmpuint(sum, ==, 76247);
    g_assert_cmpint(img[14 * 28 + 14], ==, 217);
    g_assert_cmpint(img[96], ==, 1);
    g_assert_cmpint(img[99], ==, 13);
    g_assert_cmpint(img[100], ==, 73);
    sum = 0;
    img = tsu_dataset_image(ds, x, 59999);
    for (int k = 0; k < 784; k++) sum += img[k];
    g_assert_cmpuint(sum, ==, 16684);
    int counts[10] = {0};
    for (int i = 0; i < 60000; i++) counts[tsu_dataset_label(ds, y, i)]++;
    for (int c = 0; c < 10; c++) g_assert_cmpint(counts[c], ==, 6000);

    /* A batch of 256 as the trainer takes it. */
    float *batch = g_new(float, 256 * 784);
    int order[256];
    tsu_dataset_epoch_order(256, 1, 0, order);
    t0 = g_get_monotonic_time();
    tsu_dataset_fill(ds, x, order, 256, batch);
    g_test_message("fill of 256 images: %.3f ms", (double)(g_get_monotonic_time() - t0) / 1e3);
    for (int b = 0; b < 256; b++)
        if (order[b] == 0) g_assert_cmpfloat_with_epsilon(batch[b * 784 + 100], 73 / 255.0f, 1e-7);
    g_free(batch);
    tsu_dataset_free(ds);

    ds = open_json("{\"source\":\"fashion-mnist\",\"split\":\"test\"}", NULL, &diag);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 10000);
    g_assert_cmpint(tsu_dataset_label(ds, 1, 0), ==, 9);
    g_assert_cmpint(tsu_dataset_label(ds, 1, 1), ==, 2);
    tsu_dataset_free(ds);

    /* A limit reads only the first images. */
    t0 = g_get_monotonic_time();
    ds = open_json("{\"source\":\"fashion-mnist\",\"split\":\"train\",\"limit\":3000,"
                   "\"skip\":null}", NULL, &diag);
    g_test_message("limit 3000 in %.3f s", (double)(g_get_monotonic_time() - t0) / 1e6);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 3000);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "Fashion-MNIST train (3000 of 60000 samples)");
    g_assert_cmpint(tsu_dataset_label(ds, 1, 0), ==, 9);
    tsu_dataset_free(ds);

    /* The last 10000 training images as a validation split. */
    t0 = g_get_monotonic_time();
    ds = open_json("{\"source\":\"fashion-mnist\",\"split\":\"train\",\"skip\":50000,"
                   "\"limit\":10000}", NULL, &diag);
    g_test_message("skip 50000 + limit 10000 in %.3f s",
                   (double)(g_get_monotonic_time() - t0) / 1e6);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 10000);
    g_assert_cmpint(tsu_dataset_label(ds, 1, 0), ==, 9);
    g_assert_cmpint(tsu_dataset_label(ds, 1, 3), ==, 0);
    g_assert_cmpint(tsu_dataset_class_count(ds, 1), ==, 10);
    sum = 0;
    img = tsu_dataset_image(ds, 0, 0);
    for (int k = 0; k < 784; k++) sum += img[k];
    g_assert_cmpuint(sum, ==, 50221);
    tsu_dataset_free(ds);

    /* A shuffled validation split reads the whole file and picks from it. */
    t0 = g_get_monotonic_time();
    ds = open_json("{\"source\":\"fashion-mnist\",\"split\":\"train\",\"shuffle\":7,"
                   "\"skip\":50000}", NULL, &diag);
    g_test_message("shuffle + skip 50000 in %.3f s", (double)(g_get_monotonic_time() - t0) / 1e6);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 10000);
    for (int i = 0; i < 10000; i++)
        if (tsu_dataset_source_index(ds, i) == 0) {
            g_assert_cmpint(tsu_dataset_label(ds, 1, i), ==, 9);
            g_assert_cmpint(tsu_dataset_image(ds, 0, i)[100], ==, 73);
        }
    tsu_dataset_free(ds);
    tsu_diag_free(&diag);
}

/* ---------------------------------------------------------------- CSV */

static void write_pngs(const char *dir)
{
    make_subdir(dir, "img");
    guint8 gray[12], ga[24], rgb[36], rgba[48];
    for (int k = 0; k < 12; k++) {
        gray[k] = (guint8)(k * 20);
        ga[2 * k] = (guint8)(k * 20 + 1), ga[2 * k + 1] = 99;
        for (int c = 0; c < 3; c++) rgb[3 * k + c] = (guint8)(k + 100 * c);
        for (int c = 0; c < 3; c++) rgba[4 * k + c] = (guint8)(k + 50 * c);
        rgba[4 * k + 3] = 7;
    }
    char *p;
    /* 4 wide, 3 high. */
    write_png(p = path_in(dir, "img/gray.png"), 4, 3, 1, gray, FALSE, FALSE), g_free(p);
    write_png(p = path_in(dir, "img/ga.png"), 4, 3, 2, ga, FALSE, FALSE), g_free(p);
    write_png(p = path_in(dir, "img/gray16.png"), 4, 3, 1, gray, TRUE, TRUE), g_free(p);
    write_png(p = path_in(dir, "img/rgb.png"), 4, 3, 3, rgb, FALSE, FALSE), g_free(p);
    write_png(p = path_in(dir, "img/rgba.png"), 4, 3, 4, rgba, FALSE, TRUE), g_free(p);
    write_png(p = path_in(dir, "img/rgb16.png"), 4, 3, 3, rgb, TRUE, FALSE), g_free(p);
}

static void test_csv_images(void)
{
    char *dir = tmpdir_new();
    write_pngs(dir);
    /* CRLF, quotes, a BOM, a blank line, NNC's ":label" header parts. */
    write_text(dir, "gray.csv",
               "\xEF\xBB\xBFx:image,y:label\r\n"
               "img/gray.png,3\r\n"
               "\"img/ga.png\", 1\r\n"
               "\r\n"
               "./img/gray16.png,0\r\n");
    write_text(dir, "rgb.csv", "x:image,y:label\nimg/rgb.png,1\nimg/rgba.png,0\n"
                               "img/rgb16.png,1");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_dataset *ds = open_json("{\"source\":\"csv\",\"path\":\"gray.csv\"}", dir, &diag);
    if (!ds) tsu_diag_print(&diag, stderr);
    g_assert_nonnull(ds);
    g_assert_cmpstr(tsu_dataset_describe(ds), ==, "CSV gray.csv (3 samples)");
    tsu_shape s = tsu_dataset_variable_shape(ds, 0);
    g_assert_cmpint(s.ndim, ==, 3);
    g_assert_cmpint(s.d[0], ==, 1);
    g_assert_cmpint(s.d[1], ==, 3);
    g_assert_cmpint(s.d[2], ==, 4);
    g_assert_true(tsu_dataset_variable_is_label(ds, 1));
    g_assert_cmpint(tsu_dataset_class_count(ds, 1), ==, 4);
    for (int k = 0; k < 12; k++) {
        g_assert_cmpint(tsu_dataset_image(ds, 0, 0)[k], ==, k * 20);
        g_assert_cmpint(tsu_dataset_image(ds, 0, 1)[k], ==, k * 20 + 1); /* alpha dropped */
        g_assert_cmpint(tsu_dataset_image(ds, 0, 2)[k], ==, k * 20);     /* 16-bit, Adam7 */
    }
    g_assert_cmpint(tsu_dataset_label(ds, 1, 1), ==, 1);
    g_assert_cmpint(tsu_dataset_sample_line(ds, 0), ==, 2);
    g_assert_cmpint(tsu_dataset_sample_line(ds, 2), ==, 5);
    float out[12];
    tsu_dataset_fill(ds, 0, (const int[]){0}, 1, out);
    g_assert_cmpfloat_with_epsilon(out[11], 220 / 255.0f, 1e-7);
    tsu_dataset_free(ds);

    ds = open_json("{\"source\":\"csv\",\"path\":\"rgb.csv\"}", dir, &diag);
    if (!ds) tsu_diag_print(&diag, stderr);
    g_assert_nonnull(ds);
    s = tsu_dataset_variable_shape(ds, 0);
    g_assert_cmpint(s.d[0], ==, 3);
    /* C, H, W planes: channel c of pixel k at c * 12 + k. */
    for (int k = 0; k < 12; k++)
        for (int c = 0; c < 3; c++) {
            g_assert_cmpint(tsu_dataset_image(ds, 0, 0)[c * 12 + k], ==, k + 100 * c);
            g_assert_cmpint(tsu_dataset_image(ds, 0, 1)[c * 12 + k], ==, k + 50 * c);
            g_assert_cmpint(tsu_dataset_image(ds, 0, 2)[c * 12 + k], ==, k + 100 * c);
        }
    g_assert_cmpint(tsu_dataset_class_count(ds, 1), ==, 2);
    tsu_dataset_free(ds);

    /* A CSV in a subdirectory of the project: images relative to the CSV. */
    make_subdir(dir, "sub");
    write_text(dir, "sub/index.csv", "x:image,y:label\n../img/gray.png,0\n");
    ds = open_json("{\"source\":\"csv\",\"path\":\"sub/index.csv\"}", dir, &diag);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_image(ds, 0, 0)[1], ==, 20);
    tsu_dataset_free(ds);
    tsu_diag_free(&diag);
    tmpdir_free(dir);
}

static void test_csv_vectors(void)
{
    char *dir = tmpdir_new();
    /* Inline vectors, a class label, columns in any order, quoted names. */
    write_text(dir, "cls.csv",
               "x__2,\"x__0\",x__1,y:label\n"
               "0.5,1,2,1\n"
               " -3e-1 , 4 ,5.25 , 0\n"
               "\"7\",8,9,2\n");
    /* Regression: float targets y__0, y__1. */
    write_text(dir, "reg.csv", "x__0,x__1,y__0,y__1\n1,2,0.5,-1\n3,4,2,3\n");
    /* A one-column y that is not a class index is a float target too. */
    write_text(dir, "scalar.csv", "x,y\n1,0.5\n2,3\n");
    write_text(dir, "negative.csv", "x,y\n1,-1\n2,3\n");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_dataset *ds = open_json("{\"source\":\"csv\",\"path\":\"cls.csv\"}", dir, &diag);
    if (!ds) tsu_diag_print(&diag, stderr);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 3);
    int x = tsu_dataset_variable_find(ds, "x"), y = tsu_dataset_variable_find(ds, "y");
    tsu_shape s = tsu_dataset_variable_shape(ds, x);
    g_assert_cmpint(s.ndim, ==, 1);
    g_assert_cmpint(s.d[0], ==, 3);
    g_assert_false(tsu_dataset_variable_is_label(ds, x));
    g_assert_null(tsu_dataset_image(ds, x, 0));
    g_assert_true(tsu_dataset_variable_is_label(ds, y));
    g_assert_cmpint(tsu_dataset_class_count(ds, y), ==, 3);
    float out[9];
    tsu_dataset_fill(ds, x, (const int[]){1, 0, 2}, 3, out);
    const float want[9] = {4, 5.25f, -0.3f, 1, 2, 0.5f, 8, 9, 7};
    for (int i = 0; i < 9; i++) g_assert_cmpfloat(out[i], ==, want[i]);
    tsu_dataset_fill(ds, y, (const int[]){2, 1}, 2, out);
    g_assert_cmpfloat(out[0], ==, 2);
    g_assert_cmpfloat(out[1], ==, 0);
    tsu_dataset_free(ds);

    ds = open_json("{\"source\":\"csv\",\"path\":\"reg.csv\",\"skip\":1}", dir, &diag);
    g_assert_nonnull(ds);
    g_assert_cmpint(tsu_dataset_size(ds), ==, 1);
    y = tsu_dataset_variable_find(ds, "y");
    g_assert_false(tsu_dataset_variable_is_label(ds, y));
    g_assert_cmpint(tsu_dataset_class_count(ds, y), ==, 0);
    g_assert_cmpint(tsu_dataset_label(ds, y, 0), ==, -1);
    g_assert_cmpint(tsu_dataset_variable_shape(ds, y).d[0], ==, 2);
    tsu_dataset_fill(ds, y, (const int[]){0}, 1, out);
    g_assert_cmpfloat(out[0], ==, 2);
    g_assert_cmpfloat(out[1], ==, 3);
    g_assert_cmpint(tsu_dataset_sample_line(ds, 0), ==, 3);
    tsu_dataset_free(ds);

    const char *floats[] = {"scalar.csv", "negative.csv"};
    for (int f = 0; f < 2; f++) {
        char *json = g_strdup_printf("{\"source\":\"csv\",\"path\":\"%s\"}", floats[f]);
        ds = open_json(json, dir, &diag);
        g_assert_nonnull(ds);
        g_assert_false(tsu_dataset_variable_is_label(ds, 1));
        tsu_dataset_fill(ds, 1, (const int[]){0}, 1, out);
        g_assert_cmpfloat(out[0], ==, f ? -1.0f : 0.5f);
        tsu_dataset_free(ds);
        g_free(json);
    }
    tsu_diag_free(&diag);
    tmpdir_free(dir);
}

static void test_epoch_order(void)
{
    enum { N = 1000 };
    int a[N], b[N], c[N];
    tsu_dataset_epoch_order(N, 42, 0, a);
    tsu_dataset_epoch_order(N, 42, 0, b);
    tsu_dataset_epoch_order(N, 42, 1, c);
    g_assert_cmpmem(a, sizeof a, b, sizeof b);
    g_assert_true(memcmp(a, c, sizeof a) != 0);
    gboolean seen[N] = {FALSE};
    int fixed = 0;
    for (int i = 0; i < N; i++) {
        g_assert_true(a[i] >= 0 && a[i] < N && !seen[a[i]]);
        seen[a[i]] = TRUE;
        fixed += a[i] == i;
    }
    g_assert_cmpint(fixed, <, 10); /* expected about 1 for a random permutation */
    tsu_dataset_epoch_order(1, 7, 3, a);
    g_assert_cmpint(a[0], ==, 0);
    tsu_dataset_epoch_order(0, 7, 3, a);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/datasets/idx/plain", GINT_TO_POINTER(FALSE), test_idx);
    g_test_add_data_func("/datasets/idx/gzip", GINT_TO_POINTER(TRUE), test_idx);
    g_test_add_func("/datasets/idx/float", test_idx_float);
    g_test_add_data_func("/datasets/idx/shuffle", GINT_TO_POINTER(FALSE), test_shuffle);
    g_test_add_data_func("/datasets/idx/shuffle-gzip", GINT_TO_POINTER(TRUE), test_shuffle);
    g_test_add_func("/datasets/builtin/dir", test_builtin_dir);
    g_test_add_func("/datasets/builtin/fashion-mnist", test_fashion_mnist);
    g_test_add_func("/datasets/csv/images", test_csv_images);
    g_test_add_func("/datasets/csv/vectors", test_csv_vectors);
    g_test_add_func("/datasets/epoch-order", test_epoch_order);
    return g_test_run();
}
