/* test-npy.c — .npy files (engine/data/npy.c) and tsu_predict_npy: a byte
 * round trip, every refusal of a bad file named with the file and the
 * reason, and predictions of an Affine with weights set by hand. */
#include "test-helpers.h"

#include <glib/gstdio.h>
#include <math.h>

/* A version 1.0 file around `dict`, padded as numpy pads, then data_bytes
 * bytes of float32 1.0, 2.0, 3.0, ... */
static char *write_npy(const char *dir, const char *name, const char *dict, size_t data_bytes)
{
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)"\x93NUMPY\x01\x00", 8);
    size_t n = strlen(dict), header = ((10 + n + 1 + 63) / 64) * 64 - 10;
    guint8 len[2] = {(guint8)(header & 0xff), (guint8)(header >> 8)};
    g_byte_array_append(b, len, 2);
    g_byte_array_append(b, (const guint8 *)dict, (guint)n);
    for (size_t i = n; i + 1 < header; i++) g_byte_array_append(b, (const guint8 *)" ", 1);
    g_byte_array_append(b, (const guint8 *)"\n", 1);
    for (size_t i = 0; i < data_bytes / 4; i++) {
        float v = (float)(i + 1);
        g_byte_array_append(b, (const guint8 *)&v, 4);
    }
    for (size_t i = 0; i < data_bytes % 4; i++) g_byte_array_append(b, (const guint8 *)"", 1);
    char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, (const char *)b->data, b->len, NULL));
    g_byte_array_free(b, TRUE);
    return path;
}

static void test_round_trip(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-npy-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "a.npy", NULL);
    float values[6] = {0.5f, -1.0f, 3.25f, 1e-30f, -0.0f, 65504.0f};
    tsu_npy a = {.ndim = 2, .dims = {2, 3}, .count = 6, .data = values};
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_npy_write(path, &a, &diag), ==, TSU_OK);
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
    /* Byte for byte what numpy 1.24 writes: magic, 1.0, length 118 (10 + 59 dict bytes + '\n' padded to 128, as
     * numpy aligns data to 64), the dict, spaces, '\n', 6 floats. */
    g_assert_cmpuint(len, ==, 128 + 24);
    g_assert_cmpmem(bytes, 10, "\x93NUMPY\x01\x00\x76\x00", 10);
    const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    g_assert_cmpmem(bytes + 10, sizeof dict - 1, dict, sizeof dict - 1);
    g_assert_cmpint(bytes[127], ==, '\n');
    g_assert_cmpint(bytes[69], ==, ' ');
    g_assert_cmpmem(bytes + 128, 24, values, 24);
    tsu_npy b;
    g_assert_cmpint(tsu_npy_read(path, &b, &diag), ==, TSU_OK);
    g_assert_cmpint(b.ndim, ==, 2);
    g_assert_cmpint(b.dims[0], ==, 2);
    g_assert_cmpint(b.dims[1], ==, 3);
    g_assert_cmpmem(b.data, 24, values, 24);
    tsu_npy_free(&b);
    /* A 1-D array writes numpy's one-element tuple "(4,)" and reads back. */
    tsu_npy v = {.ndim = 1, .dims = {4}, .count = 4, .data = values};
    g_assert_cmpint(tsu_npy_write(path, &v, &diag), ==, TSU_OK);
    g_free(bytes);
    g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
    g_assert_nonnull(strstr(bytes + 10, "'shape': (4,), }"));
    g_assert_cmpint(tsu_npy_read(path, &b, &diag), ==, TSU_OK);
    g_assert_cmpint(b.ndim, ==, 1);
    g_assert_cmpuint(b.count, ==, 4);
    tsu_npy_free(&b);
    g_assert_cmpint(diag.count, ==, 0);
    tsu_diag_free(&diag);
    g_remove(path);
    g_rmdir(dir);
}

typedef struct {
    const char *dict;  /* NULL: raw bytes instead */
    size_t data_bytes;
    const char *raw;   /* whole file when dict is NULL */
    size_t raw_len;
    const char *message;
} bad_case;

#define F4 "{'descr': '<f4', 'fortran_order': False, "
static const bad_case bad_cases[] = {
    {NULL, 0, "PK\x03\x04 not numpy", 14, "not a NumPy .npy file"},
    {NULL, 0, "\x93NUMPY\x04\x00\x10\x00", 10, ".npy version 4.0 is not 1.0, 2.0 or 3.0"},
    {NULL, 0, "\x93NUMPY\x01\x00\xff\x00{}", 12, "the header claims 255 bytes; the file has 2"},
    {NULL, 0, "\x93NUMPY\x02\x00\x01", 9, "the file ends inside the header length"},
    {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16,
     NULL, 0, "dtype '<f8' is not float32 ('<f4')"},
    {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8, NULL, 0, "dtype '>f4'"},
    {"{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, NULL, 0,
     "fortran_order is True"},
    {"{'descr': '<f4', 'fortran_order': False, }", 4, NULL, 0, "the header lacks 'shape'"},
    {F4 "'shape': (2,), 'shape': (2,), }", 8, NULL, 0, "header key 'shape' appears twice"},
    {F4 "'shape': (2,), 'order': 1}", 8, NULL, 0, "unknown header key 'order'"},
    {F4 "'shape': (2), }", 8, NULL, 0, "'shape' is not a tuple"},
    {F4 "'shape': (2, -3), }", 8, NULL, 0, "'shape' holds something other than sizes"},
    {F4 "'shape': (2, 3), }", 20, NULL, 0, "the shape needs 24 bytes of float32 values; the file has 20"},
    {F4 "'shape': (2, 3), }", 28, NULL, 0, "the shape needs 24 bytes of float32 values; the file has 28"},
    {F4 "'shape': (4294967296, 4294967296), }", 8, NULL, 0, "the shape's size overflows"},
    {F4 "'shape': (99999999999999999999,), }", 8, NULL, 0, "a size in 'shape' is too large"},
    {F4 "'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }", 4, NULL, 0, "more than 8 dimensions"},
    {F4 "'shape': (1,)", 4, NULL, 0, "the header dict is not closed"},
};

static void test_bad_files(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-npy-XXXXXX", NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        const bad_case *c = &bad_cases[i];
        g_autofree char *name = g_strdup_printf("bad%zu.npy", i);
        char *path;
        if (c->dict) {
            path = write_npy(dir, name, c->dict, c->data_bytes);
        } else {
            path = g_build_filename(dir, name, NULL);
            g_assert_true(g_file_set_contents(path, c->raw, (gssize)c->raw_len, NULL));
        }
        tsu_diag diag;
        tsu_diag_init(&diag);
        tsu_npy a;
        g_assert_cmpint(tsu_npy_read(path, &a, &diag), ==, TSU_E_DATA);
        g_assert_null(a.data);
        if (!diag_has(&diag, path, c->message, NULL))
            g_error("case %zu: wanted \"%s: %s\", got \"%s\"", i, path, c->message,
                    diag.count ? diag.items[0].message : "");
        tsu_diag_free(&diag);
        g_remove(path);
        g_free(path);
    }
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_npy a;
    g_autofree char *missing = g_build_filename(dir, "missing.npy", NULL);
    g_assert_cmpint(tsu_npy_read(missing, &a, &diag), !=, TSU_OK);
    g_assert_true(diag_has(&diag, "missing.npy", NULL));
    tsu_diag_free(&diag);
    g_rmdir(dir);
}

/* y = 2 x0 - x1 + 0.5 (Affine), and a second output: its Sigmoid feeds the
 * loss, the Affine's ReLU feeds nothing. */
static const char predict_nodes[] =
    "[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 1}},"
    "{\"id\": \"r\", \"type\": \"ReLU\", \"inputs\": [\"fc\"]},"
    "{\"id\": \"p\", \"type\": \"Sigmoid\", \"inputs\": [\"fc\"]},"
    "{\"id\": \"loss\", \"type\": \"BinaryCrossEntropy\", \"inputs\": [\"p\"]}]";

static void test_predict(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-npy-XXXXXX", NULL);
    g_autofree char *weights = g_build_filename(dir, "w.safetensors", NULL);
    g_autofree char *out_r = g_build_filename(dir, "r.npy", NULL);
    g_autofree char *out_p = g_build_filename(dir, "p.npy", NULL);
    tsu_project *project = load_nodes(predict_nodes);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_graph *graph = tsu_graph_build(project, &diag);
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1};
    tsu_net *net = tsu_net_new(graph, &cfg, &diag);
    g_assert_nonnull(net);
    tsu_net_tensor *w = tsu_net_tensor_find(net, "fc.weight"), *b = tsu_net_tensor_find(net, "fc.bias");
    w->data[0] = 2.0f, w->data[1] = -1.0f, b->data[0] = 0.5f;
    g_assert_cmpint(tsu_net_save_safetensors(net, weights, &diag), ==, TSU_OK);
    tsu_net_free(net);
    tsu_graph_free(graph);

    g_autofree char *input = write_npy(dir, "x.npy", F4 "'shape': (3, 2), }", 24);
    /* x = (1, 2), (3, 4), (5, 6): y = 0.5, 2.5, 4.5 */
    const char *outs[2] = {out_r, out_p}; /* in node order */
    g_assert_cmpint(tsu_predict_npy(project, weights, input, 2, outs, 2, &diag), ==, TSU_OK);
    tsu_npy r, p;
    g_assert_cmpint(tsu_npy_read(out_r, &r, &diag), ==, TSU_OK);
    g_assert_cmpint(tsu_npy_read(out_p, &p, &diag), ==, TSU_OK);
    g_assert_cmpint(r.ndim, ==, 2);
    g_assert_cmpint(r.dims[0], ==, 3);
    g_assert_cmpint(r.dims[1], ==, 1);
    const float want[3] = {0.5f, 2.5f, 4.5f};
    for (int i = 0; i < 3; i++) {
        g_assert_cmpfloat_with_epsilon(r.data[i], want[i], 1e-6);
        g_assert_cmpfloat_with_epsilon(p.data[i], 1.0 / (1.0 + exp(-want[i])), 1e-6);
    }
    tsu_npy_free(&r);
    tsu_npy_free(&p);

    /* One output file for two outputs: the ids, in order. */
    g_assert_cmpint(tsu_predict_npy(project, weights, input, 1, outs, 1, &diag), !=, TSU_OK);
    g_assert_true(diag_has(&diag, "1 output file given for the network's 2 outputs (r, p", NULL));
    tsu_diag_clear(&diag);
    /* Samples of the wrong shape: the file, its shape and the Input's. */
    g_autofree char *wrong = write_npy(dir, "wrong.npy", F4 "'shape': (2, 3), }", 24);
    g_assert_cmpint(tsu_predict_npy(project, weights, wrong, 2, outs, 1, &diag), ==, TSU_E_SHAPE);
    g_assert_true(diag_has(&diag, "wrong.npy: shape (2, 3) does not fit Input node x: expected (N, 2)",
                           NULL));
    tsu_diag_clear(&diag);
    g_autofree char *empty = write_npy(dir, "empty.npy", F4 "'shape': (0, 2), }", 0);
    g_assert_cmpint(tsu_predict_npy(project, weights, empty, 2, outs, 1, &diag), ==, TSU_E_SHAPE);
    g_assert_true(diag_has(&diag, "empty.npy: 0 samples", NULL));
    tsu_diag_free(&diag);
    tsu_project_free(project);
    g_remove(input), g_remove(wrong), g_remove(empty), g_remove(weights);
    g_remove(out_r), g_remove(out_p);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/npy/round-trip", test_round_trip);
    g_test_add_func("/npy/bad-files", test_bad_files);
    g_test_add_func("/npy/predict", test_predict);
    return g_test_run();
}
