/* test-project.c — the project file: canonical text, round trips that
 * compare bytes, unknown keys, atomic saves and file-level errors. */
#include <glib/gstdio.h>
#include <json-c/json.h>
#include "tsumiki-json.h"

#include "test-helpers.h"

static const char *const examples[] = {
    "resources/examples/fashion-mnist-cnn.tsumiki",
    "resources/examples/fashion-mnist-mlp.tsumiki",
    "resources/examples/two-class.tsumiki",
    "resources/examples/regression.tsumiki",
    "resources/examples/fashion-mnist-resnet.tsumiki",
    "resources/examples/fashion-mnist-mobilenet.tsumiki",
};

/* The examples are written in canonical form: loading and writing one
 * gives back its exact bytes. */
static void test_examples_are_canonical(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(examples); i++) assert_canonical_file(examples[i]);
}

static const char *const messy =
    "{\"format\":\"tsumiki-project\",\"version\":1,\"name\":\"Messy \\u00e9\\n\","
    "\"x-editor\":{\"zoom\":1.5,\"tags\":[\"a\",{\"deep\":[1,2.25,null,true]}]},"
    "\"network\":{\"nodes\":[{\"id\":\"x\",\"type\":\"Input\",\"params\":{\"shape\":[2]},"
    "\"position\":[10.5,20],\"note\":\"kept\"},"
    "{\"id\":\"fc\",\"type\":\"Affine\",\"inputs\":[\"x\"],\"params\":{\"outmaps\":3}}],"
    "\"comment\":\"network-level unknown\"},"
    "\"training\":{\"epochs\":2,\"optimizer\":{\"type\":\"SGD\",\"learning_rate\":0.1,"
    "\"future\":1e-30}}}";

/* load -> save -> load gives identical bytes, and every unknown key at every
 * level survives with its value. */
static void test_round_trip_keeps_unknown_keys(void)
{
    tsu_project *a = load_text(messy);
    char *first = tsu_project_to_string(a);
    tsu_project *b = load_text(first);
    char *second = tsu_project_to_string(b);
    g_assert_cmpstr(first, ==, second);
    g_assert_nonnull(strstr(first, "\"x-editor\": {\n    \"zoom\": 1.5,\n    \"tags\": [\n      \"a\",\n      {\"deep\": [1, 2.25, null, true]}\n    ]\n  }"));
    g_assert_nonnull(strstr(first, "\"note\": \"kept\""));
    g_assert_nonnull(strstr(first, "\"comment\": \"network-level unknown\""));
    g_assert_nonnull(strstr(first, "\"future\": 1e-30"));
    g_assert_nonnull(strstr(first, "\"name\": \"Messy \xc3\xa9\\n\""));
    g_assert_nonnull(strstr(first, "\"position\": [10.5, 20]"));
    /* The same model: same node ids, types, params. */
    g_assert_true(json_object_equal(tsu_project_root(a), tsu_project_root(b)));
    free(first);
    free(second);
    tsu_project_free(a);
    tsu_project_free(b);
}

static void test_numbers_keep_their_kind(void)
{
    tsu_project *p = load_text("{\"format\": \"tsumiki-project\", \"version\": 1, "
                               "\"a\": 1.0, \"b\": 0.1, \"c\": 3, \"d\": 1e+300, \"e\": -0.0}");
    char *text = tsu_project_to_string(p);
    g_assert_nonnull(strstr(text, "\"a\": 1.0,"));
    g_assert_nonnull(strstr(text, "\"b\": 0.1,"));
    g_assert_nonnull(strstr(text, "\"c\": 3,"));
    g_assert_nonnull(strstr(text, "\"d\": 1e+300,"));
    free(text);
    tsu_project_free(p);
}

static void test_save_is_atomic_and_reloads(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsumiki-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "p.tsumiki", NULL);
    tsu_project *p = load_text(messy);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_project_save(p, path, &diag), ==, TSU_OK);
    g_assert_cmpstr(tsu_project_path(p), ==, path);
    /* Saving over an existing file leaves no temporary behind. */
    g_assert_cmpint(tsu_project_save(p, path, &diag), ==, TSU_OK);
    GDir *d = g_dir_open(dir, 0, NULL);
    int files = 0;
    while (g_dir_read_name(d)) files++;
    g_dir_close(d);
    g_assert_cmpint(files, ==, 1);
    tsu_project *q = tsu_project_load(path, &diag);
    g_assert_nonnull(q);
    char *a = tsu_project_to_string(p), *b = tsu_project_to_string(q);
    g_assert_cmpstr(a, ==, b);
    /* A save into a missing directory fails with a message naming the file. */
    g_autofree char *bad = g_build_filename(dir, "missing", "p.tsumiki", NULL);
    g_assert_cmpint(tsu_project_save(p, bad, &diag), ==, TSU_E_IO);
    g_assert_true(diag_has(&diag, bad, "cannot", NULL));
    free(a);
    free(b);
    tsu_project_free(p);
    tsu_project_free(q);
    tsu_diag_free(&diag);
    g_unlink(path);
    g_rmdir(dir);
}

static void expect_load_error(const char *text, tsu_status code, int line, int column,
                              const char *needle)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_parse(text, strlen(text), "bad.tsumiki", &diag);
    g_assert_null(p);
    diag_dump(&diag);
    g_assert_cmpint(diag.count, ==, 1);
    g_assert_cmpint(diag.items[0].code, ==, code);
    g_assert_cmpint(diag.items[0].line, ==, line);
    if (column) g_assert_cmpint(diag.items[0].column, ==, column);
    g_assert_true(diag_has(&diag, "bad.tsumiki", needle, NULL));
    tsu_diag_free(&diag);
}

static void test_syntax_errors_name_line_and_column(void)
{
    expect_load_error("{\n  \"format\": \"tsumiki-project\",\n  \"version\": 1,\n  \"name\": x\n}\n",
                      TSU_E_SYNTAX, 4, 11, "bad.tsumiki:4:11: JSON syntax error");
    expect_load_error("{\n  \"format\": \"tsumiki-project\",\n  \"version\": 1,\n", TSU_E_SYNTAX,
                      4, 0, "JSON syntax error");
    expect_load_error("{\"format\": \"tsumiki-project\", \"version\": 1} trailing", TSU_E_SYNTAX,
                      1, 45, "JSON syntax error");
    expect_load_error("", TSU_E_SYNTAX, 1, 1, "JSON syntax error");
}

static void test_version_and_format_are_checked(void)
{
    expect_load_error("{\"format\": \"tsumiki-project\", \"version\": 2}", TSU_E_VERSION, 0, 0,
                      "version 2 is not supported: this Tsumiki reads version 1 (the file was "
                      "written by a newer Tsumiki)");
    expect_load_error("{\"format\": \"something-else\", \"version\": 1}", TSU_E_FORMAT, 0, 0,
                      "not a Tsumiki project");
    expect_load_error("[1, 2]", TSU_E_FORMAT, 0, 0, "not a Tsumiki project");
    expect_load_error("{\"format\": \"tsumiki-project\", \"version\": 1, \"network\": {\"nodes\": 3}}",
                      TSU_E_FORMAT, 0, 0, "network.nodes");
}

static void test_missing_file(void)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_null(tsu_project_load("/nonexistent/dir/p.tsumiki", &diag));
    g_assert_true(diag_has(&diag, "/nonexistent/dir/p.tsumiki", "cannot open", NULL));
    tsu_diag_free(&diag);
}

static void test_new_project_and_unique_ids(void)
{
    tsu_project *p = tsu_project_new("Fresh");
    g_assert_cmpstr(tsu_project_name(p), ==, "Fresh");
    char *text = tsu_project_to_string(p);
    tsu_project *q = load_text(text);
    char *again = tsu_project_to_string(q);
    g_assert_cmpstr(text, ==, again);
    json_object_array_add(tsu_project_nodes(p),
                          json_tokener_parse("{\"id\": \"conv1\", \"type\": \"Convolution\"}"));
    char *id = tsu_project_unique_id(p, "Convolution");
    g_assert_cmpstr(id, ==, "conv2");
    g_assert_nonnull(tsu_project_find_node(p, "conv1"));
    g_assert_null(tsu_project_find_node(p, "conv2"));
    free(id);
    free(text);
    free(again);
    tsu_project_free(p);
    tsu_project_free(q);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/project/examples-are-canonical", test_examples_are_canonical);
    g_test_add_func("/project/round-trip-keeps-unknown-keys", test_round_trip_keeps_unknown_keys);
    g_test_add_func("/project/numbers-keep-their-kind", test_numbers_keep_their_kind);
    g_test_add_func("/project/save-is-atomic", test_save_is_atomic_and_reloads);
    g_test_add_func("/project/syntax-errors", test_syntax_errors_name_line_and_column);
    g_test_add_func("/project/version-and-format", test_version_and_format_are_checked);
    g_test_add_func("/project/missing-file", test_missing_file);
    g_test_add_func("/project/new-and-unique-ids", test_new_project_and_unique_ids);
    return g_test_run();
}
