/* test-document.c — the typed document API: every edit, what the observer
 * hears, renames that carry links, unknown keys, refused edits with their
 * messages, copy/paste, snapshots and a replay that must give the example's
 * exact bytes. */
#include <math.h>

#include "test-helpers.h"

/* The observer's log: "added conv1; inputs bn1; section name; ...". */
static void record(const tsu_change *change, void *data)
{
    static const char *const names[] = {"added", "removed", "renamed", "params",
                                        "inputs", "position", "section"};
    GString *log = data;
    g_string_append_printf(log, "%s%s %s", log->len ? "; " : "", names[change->kind],
                           change->kind == TSU_CHANGE_SECTION ? change->section : change->node);
    if (change->kind == TSU_CHANGE_NODE_RENAMED) g_string_append_printf(log, "<%s", change->old_node);
}

static char *node_text(const tsu_project *p, const char *id)
{
    char *text = tsu_project_to_string(p);
    g_autofree char *needle = g_strdup_printf("{\"id\": \"%s\"", id);
    const char *start = strstr(text, needle);
    char *line = start ? g_strndup(start, strcspn(start, "\n")) : g_strdup("");
    free(text);
    return line;
}

static void assert_node(const tsu_project *p, const char *id, const char *expected)
{
    g_autofree char *line = node_text(p, id);
    g_assert_cmpstr(line, ==, expected);
}

static const char *first_message(const tsu_diag *diag)
{
    return diag->count ? diag->items[0].message : "";
}

/* The fashion-mnist example, built from an empty project through the API
 * in the order a person would, is the example file byte for byte. */
static void test_replay_builds_example(void)
{
    g_autofree char *path = source_path("resources/examples/fashion-mnist-cnn.tsumiki");
    g_autofree char *expected = NULL;
    g_assert_true(g_file_get_contents(path, &expected, NULL, NULL));
    tsu_project *p = tsu_project_new("Untitled");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project_set_name(p, "Fashion-MNIST CNN");
    static const struct { const char *id, *type; } chain[] = {
        {"x", "Input"}, {"conv1", "Convolution"}, {"bn1", "BatchNormalization"},
        {"relu1", "ReLU"}, {"pool1", "MaxPooling"}, {"conv2", "Convolution"},
        {"bn2", "BatchNormalization"}, {"relu2", "ReLU"}, {"pool2", "MaxPooling"},
        {"fc", "Affine"}, {"prob", "Softmax"}, {"loss", "CategoricalCrossEntropy"},
    };
    tsu_value shape = {.n = 3, .ints = {1, 28, 28}}, x = {.string = "x"}, y = {.string = "y"};
    tsu_value k5 = {.n = 2, .ints = {5, 5}}, pad = {.n = 2, .ints = {2, 2}};
    tsu_value k2 = {.n = 2, .ints = {2, 2}};
    tsu_value m16 = {.n = 1, .ints = {16}}, m32 = {.n = 1, .ints = {32}}, m10 = {.n = 1, .ints = {10}};
    for (size_t i = 0; i < G_N_ELEMENTS(chain); i++) {
        g_assert_cmpint(tsu_project_add_node(p, chain[i].id, chain[i].type, &diag), ==, TSU_OK);
        if (i > 0)
            g_assert_cmpint(tsu_project_set_node_input(p, chain[i].id, -1, chain[i - 1].id, &diag),
                            ==, TSU_OK);
    }
    /* Params in any node order, each node's in the file's order. */
    g_assert_cmpint(tsu_project_set_node_param(p, "loss", "dataset", &y, &diag), ==, TSU_OK);
    tsu_project_set_node_param(p, "fc", "outmaps", &m10, &diag);
    tsu_project_set_node_param(p, "conv2", "outmaps", &m32, &diag);
    tsu_project_set_node_param(p, "conv2", "kernel", &k5, &diag);
    tsu_project_set_node_param(p, "conv2", "pad", &pad, &diag);
    tsu_project_set_node_param(p, "pool1", "kernel", &k2, &diag);
    tsu_project_set_node_param(p, "pool2", "kernel", &k2, &diag);
    tsu_project_set_node_param(p, "conv1", "outmaps", &m16, &diag);
    tsu_project_set_node_param(p, "conv1", "kernel", &k5, &diag);
    tsu_project_set_node_param(p, "conv1", "pad", &pad, &diag);
    tsu_project_set_node_param(p, "x", "shape", &shape, &diag);
    tsu_project_set_node_param(p, "x", "dataset", &x, &diag);
    g_assert_cmpint(diag.count, ==, 0);
    char *text = tsu_project_to_string(p);
    g_assert_cmpstr(text, ==, expected);
    free(text);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

static const char *const three =
    "[{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"x-note\": 1},"
    " {\"id\": \"a\", \"type\": \"ReLU\", \"inputs\": [\"x\"], \"x-tool\": {\"k\": [1]}},"
    " {\"id\": \"b\", \"type\": \"Add2\", \"inputs\": [\"a\", \"x\"]}]";

/* The three nodes above, with the observer writing to log. */
typedef struct {
    tsu_project *p;
    GString *log;
    tsu_diag diag;
} Doc;

static void doc_setup(Doc *d, gconstpointer unused)
{
    d->p = load_nodes(three);
    d->log = g_string_new(NULL);
    tsu_diag_init(&d->diag);
    tsu_project_set_observer(d->p, record, d->log);
}

static void doc_teardown(Doc *d, gconstpointer unused)
{
    tsu_project_free(d->p);
    g_string_free(d->log, TRUE);
    tsu_diag_free(&d->diag);
}

static void test_edits_and_notifications(Doc *d, gconstpointer unused)
{
    tsu_project *p = d->p;
    GString *log = d->log;
    tsu_diag *diag = &d->diag;

    g_assert_cmpint(tsu_project_set_node_position(p, "a", 39.6, 130.2, diag), ==, TSU_OK);
    /* position goes before the unknown key, as the file format orders it. */
    assert_node(p, "a", "{\"id\": \"a\", \"type\": \"ReLU\", \"inputs\": [\"x\"], \"position\": [40, 130], \"x-tool\": {\"k\": [1]}},");
    g_assert_cmpint(tsu_project_set_node_position(p, "a", 40, 130, diag), ==, TSU_OK); /* no change */

    tsu_value m = {.n = 1, .ints = {7}};
    g_assert_cmpint(tsu_project_add_node(p, "fc", "Affine", diag), ==, TSU_OK);
    g_assert_cmpint(tsu_project_set_node_param(p, "fc", "outmaps", &m, diag), ==, TSU_OK);
    g_assert_cmpint(tsu_project_set_node_input(p, "fc", 0, "b", diag), ==, TSU_OK);
    assert_node(p, "fc", "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"b\"], \"params\": {\"outmaps\": 7}}");
    g_assert_cmpint(tsu_project_set_node_param(p, "fc", "outmaps", NULL, diag), ==, TSU_OK);
    assert_node(p, "fc", "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"b\"]}");

    g_assert_cmpint(tsu_project_remove_node_input(p, "b", 0, diag), ==, TSU_OK);
    const char *both[] = {"x", "a"};
    g_assert_cmpint(tsu_project_set_node_inputs(p, "b", both, 2, diag), ==, TSU_OK);
    assert_node(p, "b", "{\"id\": \"b\", \"type\": \"Add2\", \"inputs\": [\"x\", \"a\"]},");
    g_assert_cmpint(tsu_project_set_node_inputs(p, "b", NULL, 0, diag), ==, TSU_OK);
    assert_node(p, "b", "{\"id\": \"b\", \"type\": \"Add2\"},");
    tsu_project_set_name(p, "renamed");
    tsu_project_set_name(p, "renamed");
    g_assert_cmpint(diag->count, ==, 0);
    g_assert_cmpstr(log->str, ==,
                    "position a; added fc; params fc; inputs fc; params fc; inputs b; inputs b; "
                    "inputs b; section name");
    g_assert_cmpstr(tsu_project_name(p), ==, "renamed");
}

static void test_rename_updates_inputs(Doc *d, gconstpointer unused)
{
    tsu_project *p = d->p;
    GString *log = d->log;
    tsu_diag *diag = &d->diag;
    g_assert_cmpint(tsu_project_rename_node(p, "x", "image", diag), ==, TSU_OK);
    g_assert_cmpstr(log->str, ==, "renamed image<x; inputs a; inputs b");
    assert_node(p, "b", "{\"id\": \"b\", \"type\": \"Add2\", \"inputs\": [\"a\", \"image\"]}");
    /* The unknown key stays where it was. */
    assert_node(p, "image", "{\"id\": \"image\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"x-note\": 1},");
    g_assert_cmpint(tsu_project_node_find(p, "x"), ==, -1);
    g_assert_cmpint(tsu_project_node_find(p, "image"), ==, 0);
    g_assert_cmpstr(tsu_project_node_input(p, 2, 1), ==, "image");
}

static void test_remove_relinks(Doc *d, gconstpointer unused)
{
    tsu_project *p = d->p;
    GString *log = d->log;
    tsu_diag *diag = &d->diag;
    /* b reads a and x: relinking a's consumer to x would read x twice, so
     * that link just goes. */
    g_assert_cmpint(tsu_project_remove_node(p, "a", true, diag), ==, TSU_OK);
    g_assert_cmpstr(log->str, ==, "inputs b; removed a");
    assert_node(p, "b", "{\"id\": \"b\", \"type\": \"Add2\", \"inputs\": [\"x\"]}");
    g_assert_cmpint(tsu_project_remove_node(p, "x", false, diag), ==, TSU_OK);
    assert_node(p, "b", "{\"id\": \"b\", \"type\": \"Add2\"}");
    g_assert_cmpint(tsu_project_node_count(p), ==, 1);
}

/* Refused edits change nothing, say nothing to the observer and give a
 * message naming the culprit. */
static void test_invalid_edits_refused(Doc *d, gconstpointer unused)
{
    tsu_project *p = d->p;
    GString *log = d->log;
    char *before = tsu_project_to_string(p);
    tsu_diag *diag = &d->diag;
    struct {
        tsu_status status;
        const char *message;
    } cases[9];
    tsu_value bad_kernel = {.n = 1, .ints = {5}}, zero = {.n = 1, .ints = {0}};
    int n = 0;
#define CASE(call, text)                                      \
    do {                                                      \
        tsu_diag_clear(diag);                                \
        cases[n].status = (call);                             \
        cases[n].message = text;                              \
        g_assert_cmpint(cases[n].status, !=, TSU_OK);         \
        g_assert_nonnull(strstr(first_message(diag), text)); \
        n++;                                                  \
    } while (0)
    CASE(tsu_project_add_node(p, "2x", "ReLU", diag), "id \"2x\" is not a valid name");
    CASE(tsu_project_add_node(p, "a", "ReLU", diag), "another node is already called \"a\"");
    CASE(tsu_project_rename_node(p, "a", "b", diag), "another node is already called \"b\"");
    CASE(tsu_project_rename_node(p, "nope", "c", diag), "no node is called \"nope\"");
    CASE(tsu_project_set_node_input(p, "a", 0, "bad id", diag), "id \"bad id\" is not a valid name");
    CASE(tsu_project_set_node_param(p, "a", "outmaps", &zero, diag), "ReLU has no parameter \"outmaps\"");
    CASE(tsu_project_set_node_param(p, "x", "shape", &zero, diag), "x.shape: expected a list of 1 to 6 positive integers, got [0]");
    CASE(tsu_project_set_node_position(p, "a", NAN, 0, diag), "a: a position is two numbers");
    CASE(tsu_project_remove_node_input(p, "x", 0, diag), "x: has no input 1");
#undef CASE
    g_assert_cmpint(n, ==, 9);
    /* A Convolution's kernel takes exactly 2. */
    tsu_project_add_node(p, "conv", "Convolution", diag);
    tsu_diag_clear(diag);
    g_assert_cmpint(tsu_project_set_node_param(p, "conv", "kernel", &bad_kernel, diag), ==, TSU_E_PARAM);
    g_assert_cmpstr(first_message(diag), ==, "conv.kernel: expected 2 positive integers, got [5]");
    g_assert_cmpstr(diag->items[0].node, ==, "conv");
    g_assert_cmpstr(diag->items[0].param, ==, "kernel");
    tsu_project_remove_node(p, "conv", false, diag);
    char *after = tsu_project_to_string(p);
    g_assert_cmpstr(after, ==, before);
    g_assert_cmpstr(log->str, ==, "added conv; removed conv");
    g_assert_false(tsu_id_valid(""));
    g_assert_false(tsu_id_valid(NULL));
    g_assert_true(tsu_id_valid("_a9"));
    char long_id[TSU_ID_MAX + 1];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[TSU_ID_MAX] = '\0';
    g_assert_false(tsu_id_valid(long_id));
    long_id[TSU_ID_MAX - 1] = '\0';
    g_assert_true(tsu_id_valid(long_id));
    free(before);
    free(after);
}

static void test_typed_reads(void)
{
    tsu_project *p = load_nodes(
        "[{\"id\": \"pool\", \"type\": \"MaxPooling\", \"params\": {\"kernel\": [3, 3]}, \"position\": [10, 20.5]},"
        " {\"id\": \"c\", \"type\": \"Convolution\", \"params\": {\"outmaps\": \"many\", \"kernel\": [9]}},"
        " 17, {\"type\": \"ReLU\", \"inputs\": [\"c\", 4]}]");
    const tsu_layer_kind *pool = tsu_layer_kind_find("MaxPooling");
    const tsu_layer_kind *conv = tsu_layer_kind_find("Convolution");
    tsu_value v;
    double x = 0, y = 0;

    g_assert_cmpint(tsu_project_node_count(p), ==, 4);
    g_assert_cmpstr(tsu_project_node_type(p, 0), ==, "MaxPooling");
    g_assert_true(tsu_project_node_position(p, 0, &x, &y));
    g_assert_cmpfloat(x, ==, 10);
    g_assert_cmpfloat(y, ==, 20.5);
    g_assert_false(tsu_project_node_position(p, 1, &x, &y));
    /* stride copies kernel when absent. */
    g_assert_cmpint(tsu_project_node_param(p, 0, tsu_layer_kind_param_find(pool, "stride"), &v), ==,
                    TSU_VALUE_DEFAULT);
    g_assert_cmpint(v.n, ==, 2);
    g_assert_cmpint(v.ints[0], ==, 3);
    g_assert_cmpint(tsu_project_node_param(p, 1, tsu_layer_kind_param_find(conv, "outmaps"), &v), ==,
                    TSU_VALUE_MISTYPED);
    g_autofree char *text = tsu_project_node_param_text(p, 1, "outmaps");
    g_assert_cmpstr(text, ==, "\"many\"");
    /* A wrong count still reads, for the editor to show. */
    g_assert_cmpint(tsu_project_node_param(p, 1, tsu_layer_kind_param_find(conv, "kernel"), &v), ==,
                    TSU_VALUE_GIVEN);
    g_assert_cmpint(v.n, ==, 1);
    g_assert_cmpint(v.ints[0], ==, 9);
    /* Nodes that are not objects or lack an id read as NULL, never crash. */
    g_assert_null(tsu_project_node_id(p, 2));
    g_assert_null(tsu_project_node_type(p, 2));
    g_assert_null(tsu_project_node_id(p, 3));
    g_assert_cmpint(tsu_project_node_input_count(p, 3), ==, 2);
    g_assert_cmpstr(tsu_project_node_input(p, 3, 0), ==, "c");
    g_assert_null(tsu_project_node_input(p, 3, 1));
    g_assert_null(tsu_project_node_input(p, 3, 2));
    g_assert_null(tsu_project_node_id(p, 99));
    tsu_project_free(p);
}

/* A snapshot restored tells the observer what differs, node by node and
 * section by section, and gives back the exact bytes. */
static void test_snapshot_restore(void)
{
    tsu_project *p = load_nodes(three);
    g_autoptr(GString) log = g_string_new(NULL);
    char *snapshot = tsu_project_to_string(p);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_value m = {.n = 1, .ints = {3}};
    tsu_project_set_path(p, "/tmp/kept.tsumiki");
    tsu_project_add_node(p, "fc", "Affine", &diag);
    tsu_project_set_node_param(p, "fc", "outmaps", &m, &diag);
    tsu_project_remove_node(p, "b", false, &diag);
    tsu_project_set_node_position(p, "a", 1, 2, &diag);
    tsu_project_rename_node(p, "x", "y", &diag);
    tsu_project_set_name(p, "other");
    tsu_project_set_observer(p, record, log);
    g_assert_cmpint(tsu_project_restore(p, snapshot, strlen(snapshot), &diag), ==, TSU_OK);
    g_assert_cmpstr(log->str, ==,
                    "section name; removed y; inputs a; position a; removed fc; added x; added b");
    char *text = tsu_project_to_string(p);
    g_assert_cmpstr(text, ==, snapshot);
    g_assert_cmpstr(tsu_project_path(p), ==, "/tmp/kept.tsumiki");
    /* A broken snapshot changes nothing. */
    g_string_truncate(log, 0);
    g_assert_cmpint(tsu_project_restore(p, "{\"format\":", 10, &diag), ==, TSU_E_SYNTAX);
    g_assert_cmpstr(log->str, ==, "");
    free(text);
    text = tsu_project_to_string(p);
    g_assert_cmpstr(text, ==, snapshot);
    free(text);
    free(snapshot);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

static void test_copy_and_add_from(void)
{
    tsu_project *p = load_nodes(three);
    g_autoptr(GString) log = g_string_new(NULL);
    const char *ids[] = {"a", "b", NULL};
    char *text = tsu_project_copy_nodes(p, ids);
    tsu_project *clip = load_text(text);
    /* The link from x (not copied) is gone; a -> b stays; unknown keys too. */
    assert_node(clip, "a", "{\"id\": \"a\", \"type\": \"ReLU\", \"x-tool\": {\"k\": [1]}},");
    assert_node(clip, "b", "{\"id\": \"b\", \"type\": \"Add2\", \"inputs\": [\"a\"]}");
    tsu_project_set_observer(p, record, log);
    g_assert_cmpint(tsu_project_add_nodes_from(p, clip), ==, 2);
    /* Both ids were taken: fresh ones, and the link follows. */
    g_assert_cmpstr(log->str, ==, "added relu1; added add1");
    assert_node(p, "add1", "{\"id\": \"add1\", \"type\": \"Add2\", \"inputs\": [\"relu1\"]}");
    g_assert_cmpint(tsu_project_node_find(p, "relu1"), ==, 3);
    free(text);
    tsu_project_free(clip);
    tsu_project_free(p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/document/replay-builds-example", test_replay_builds_example);
    g_test_add("/document/edits-and-notifications", Doc, NULL, doc_setup, test_edits_and_notifications, doc_teardown);
    g_test_add("/document/rename-updates-inputs", Doc, NULL, doc_setup, test_rename_updates_inputs, doc_teardown);
    g_test_add("/document/remove-relinks", Doc, NULL, doc_setup, test_remove_relinks, doc_teardown);
    g_test_add("/document/invalid-edits-refused", Doc, NULL, doc_setup, test_invalid_edits_refused, doc_teardown);
    g_test_add_func("/document/typed-reads", test_typed_reads);
    g_test_add_func("/document/snapshot-restore", test_snapshot_restore);
    g_test_add_func("/document/copy-and-add-from", test_copy_and_add_from);
    return g_test_run();
}
