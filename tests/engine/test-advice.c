/* test-advice.c — the design checks (tsumiki-advice.h): each project in
 * tests/data/checks trips its check naming the node, its fix clears it and
 * undoes as one snapshot; the data summary; every kind's explanation. */
#include "test-helpers.h"

#include <math.h>

/* then_*: the warning the first fix leaves, whose fix clears the project. */
typedef struct {
    const char *file, *check, *node, *fix_label;
    const char *then_check, *then_node, *then_label;
} expected_warning;

static const expected_warning cases[] = {
    /* The mistakes. */
    {"softmax-one-output-bce", "softmax-before-binary-loss", "prob", "Use Sigmoid"},
    {"affine-100-on-10-classes", "width-not-classes", "fc2", "Set outputs to 10"},
    /* One project per check. */
    {"sigmoid-before-cce", "sigmoid-before-categorical-loss", "prob", "Use Softmax"},
    {"sigmoid-before-squared-error", "squashed-regression", "out", "Remove Sigmoid"},
    {"softmax-before-softmax-ce", "activation-before-logits-loss", "prob", "Remove Softmax"},
    {"cce-on-scores", "probabilities-expected", "loss", "Use SoftmaxCrossEntropy"},
    {"softmax-one-value", "softmax-one-value", "out", "Use Sigmoid"},
    {"cce-one-value", "loss-one-value", "loss", "Use SigmoidCrossEntropy"},
    {"linear-after-linear", "linear-after-linear", "fc2", "Insert ReLU"},
    {"dead-branch", "dead-branch", "side", "Remove the branch"},
    {"dropout-at-end", "train-only-at-end", "drop", "Remove Dropout"},
    {"normalize-twice", "normalize-twice", "bn2", "Remove BatchNormalization"},
    {"augmentation-at-end", "train-only-at-end", "augment", "Remove ImageAugmentation"},
    {"bce-on-classes", "loss-does-not-fit-target", "loss", "Use SoftmaxCrossEntropy"},
    {"cce-on-real-values", "loss-does-not-fit-target", "loss", "Use SquaredError"},
    /* A regression loss on classes: the fix makes it a classifier, which
     * then needs one output per class. */
    {"squared-error-on-classes", "loss-does-not-fit-target", "loss", "Use SoftmaxCrossEntropy",
     "width-not-classes", "fc2", "Set outputs to 10"},
};

static tsu_project *load_check_project(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/tests/data/checks/%s.tsumiki",
                                            g_getenv("TSU_SOURCE_DIR"), name);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_load(path, &diag);
    if (!p) g_error("%s: %s", path, tsu_diag_message(&diag, "?"));
    tsu_diag_free(&diag);
    return p;
}

/* The project's warnings, with its data when readable; the graph must be valid. */
static void advise(const tsu_project *p, tsu_warnings *out)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_data_summary data;
    bool have_data = tsu_project_data_summary(p, &data, NULL) == TSU_OK;
    tsu_graph *g = tsu_graph_build(p, &diag);
    diag_dump(&diag);
    g_assert_true(tsu_graph_valid(g));
    tsu_warnings_init(out);
    tsu_graph_advise(g, have_data ? &data : NULL, out);
    for (int i = 0; i < out->count; i++)
        g_test_message("%s: %s [%s]", out->items[i].node, out->items[i].message,
                       out->items[i].check);
    tsu_graph_free(g);
    tsu_data_summary_clear(&data);
    tsu_diag_free(&diag);
}

static void test_check_and_fix(gconstpointer data)
{
    const expected_warning *c = data;
    tsu_project *p = load_check_project(c->file);
    char *before = tsu_project_to_string(p);
    tsu_warnings w;
    advise(p, &w);
    g_assert_cmpint(w.count, ==, 1);
    g_assert_cmpstr(w.items[0].check, ==, c->check);
    g_assert_cmpstr(w.items[0].node, ==, c->node);
    g_assert_cmpstr(w.items[0].fix.label, ==, c->fix_label);
    g_assert_cmpuint(strlen(w.items[0].why), >, 20);

    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_fix_apply(p, &w.items[0].fix, &diag), ==, TSU_OK);
    tsu_warnings_free(&w);
    advise(p, &w);
    if (c->then_check) {
        g_assert_cmpint(w.count, ==, 1);
        g_assert_cmpstr(w.items[0].check, ==, c->then_check);
        g_assert_cmpstr(w.items[0].node, ==, c->then_node);
        g_assert_cmpstr(w.items[0].fix.label, ==, c->then_label);
        g_assert_cmpint(tsu_fix_apply(p, &w.items[0].fix, &diag), ==, TSU_OK);
        tsu_warnings_free(&w);
        advise(p, &w);
    }
    g_assert_cmpint(w.count, ==, 0);
    tsu_warnings_free(&w);

    /* Undo is one snapshot: restoring it brings the warning back. */
    g_assert_cmpint(tsu_project_restore(p, before, strlen(before), &diag), ==, TSU_OK);
    advise(p, &w);
    g_assert_cmpint(w.count, ==, 1);
    g_assert_cmpstr(w.items[0].check, ==, c->check);
    tsu_warnings_free(&w);
    tsu_diag_free(&diag);
    free(before);
    tsu_project_free(p);
}

/* The fixes' edits, by hand: what the document holds afterwards. */
static void test_fix_edits(void)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = load_check_project("affine-100-on-10-classes");
    tsu_fix set = {.kind = TSU_FIX_SET_PARAM, .node = "fc2", .param = "outmaps", .value = 10};
    g_assert_cmpint(tsu_fix_apply(p, &set, &diag), ==, TSU_OK);
    int fc2 = tsu_project_node_find(p, "fc2");
    tsu_value v;
    tsu_project_node_param(p, fc2, tsu_layer_kind_param_find(tsu_layer_kind_find("Affine"), "outmaps"), &v);
    g_assert_cmpint(v.ints[0], ==, 10);
    tsu_project_free(p);

    p = load_check_project("linear-after-linear");
    tsu_fix insert = {.kind = TSU_FIX_INSERT_BEFORE, .node = "fc2", .type = "ReLU"};
    g_assert_cmpint(tsu_fix_apply(p, &insert, &diag), ==, TSU_OK);
    const char *between = tsu_project_node_input(p, tsu_project_node_find(p, "fc2"), 0);
    g_assert_cmpstr(tsu_project_node_type(p, tsu_project_node_find(p, between)), ==, "ReLU");
    g_assert_cmpstr(tsu_project_node_input(p, tsu_project_node_find(p, between), 0), ==, "fc1");
    tsu_project_free(p);

    p = load_check_project("dead-branch");
    int before = tsu_project_node_count(p);
    tsu_fix branch = {.kind = TSU_FIX_REMOVE_BRANCH, .node = "side"};
    g_assert_cmpint(tsu_fix_apply(p, &branch, &diag), ==, TSU_OK);
    /* side and fc3 go; relu1 still feeds fc2. */
    g_assert_cmpint(tsu_project_node_count(p), ==, before - 2);
    g_assert_cmpint(tsu_project_node_find(p, "fc3"), ==, -1);
    g_assert_cmpint(tsu_project_node_find(p, "relu1"), >=, 0);

    /* A type the node's parameters do not fit is refused, naming both. */
    tsu_fix bad = {.kind = TSU_FIX_SET_TYPE, .node = "fc2", .type = "ReLU"};
    g_assert_cmpint(tsu_fix_apply(p, &bad, &diag), ==, TSU_E_PARAM);
    g_assert_true(diag_has(&diag, "fc2.outmaps", "ReLU has no parameter", NULL));
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

/* Without data the checks that need the targets say nothing. */
static void test_no_data_no_data_checks(void)
{
    tsu_project *p = load_check_project("affine-100-on-10-classes");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_graph *g = tsu_graph_build(p, &diag);
    tsu_warnings w;
    tsu_warnings_init(&w);
    g_assert_cmpint(tsu_graph_advise(g, NULL, &w), ==, 0);
    tsu_warnings_free(&w);
    tsu_graph_free(g);
    tsu_diag_free(&diag);
    tsu_project_free(p);
}

static void test_summary(void)
{
    struct {
        const char *file;
        int n_classes;
        double min, max;
        tsu_problem problem;
    } want[] = {
        {"affine-100-on-10-classes", 10, 0, 9, TSU_PROBLEM_CLASSES},
        {"softmax-one-output-bce", 2, 0, 1, TSU_PROBLEM_BINARY},
        {"sigmoid-before-squared-error", 0, -1.083012, 1.084191, TSU_PROBLEM_REGRESSION},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        tsu_project *p = load_check_project(want[i].file);
        tsu_data_summary s;
        g_assert_cmpint(tsu_project_data_summary(p, &s, NULL), ==, TSU_OK);
        const tsu_variable_summary *y = tsu_data_summary_find(&s, "y");
        g_assert_nonnull(y);
        g_assert_cmpint(y->width, ==, 1);
        g_assert_cmpint(y->n_classes, ==, want[i].n_classes);
        g_assert_cmpfloat_with_epsilon(y->min, want[i].min, 1e-6);
        g_assert_cmpfloat_with_epsilon(y->max, want[i].max, 1e-6);
        g_assert_cmpint(tsu_variable_problem(y), ==, want[i].problem);
        g_assert_null(tsu_data_summary_find(&s, "z"));
        tsu_data_summary_clear(&s);
        tsu_project_free(p);
    }
    tsu_project *p = load_check_project("cce-one-value");
    tsu_data_summary s;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_project_data_summary(p, &s, &diag), !=, TSU_OK);
    g_assert_true(diag_has(&diag, "no-such-file.csv", NULL));
    g_assert_cmpint(s.count, ==, 0);
    tsu_diag_free(&diag);
    tsu_project_free(p);
}

static int sentences(const char *text)
{
    int n = 0;
    for (const char *c = text; *c; c++)
        if (*c == '.' && (c[1] == '\0' || c[1] == ' ')) n++;
    return n;
}

/* Every registered kind explains itself in 3 to 6 sentences (one or two
 * per part), each part a complete sentence. */
static void test_every_kind_explained(void)
{
    for (int i = 0; i < tsu_layer_kind_count(); i++) {
        const tsu_layer_kind *k = tsu_layer_kind_at(i);
        const tsu_layer_about *a = tsu_layer_kind_about(k);
        const char *parts[] = {a->computes, a->why, a->neighbours};
        for (size_t j = 0; j < G_N_ELEMENTS(parts); j++) {
            if (!parts[j] || !*parts[j]) g_error("%s has no explanation part %zu", tsu_layer_kind_name(k), j);
            g_assert_cmpint(sentences(parts[j]), >=, 1);
            g_assert_cmpint(sentences(parts[j]), <=, 2);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("/advice/%s", cases[i].file);
        g_test_add_data_func(name, &cases[i], test_check_and_fix);
    }
    g_test_add_func("/advice/fix-edits", test_fix_edits);
    g_test_add_func("/advice/no-data", test_no_data_no_data_checks);
    g_test_add_func("/advice/summary", test_summary);
    g_test_add_func("/advice/every-kind-explained", test_every_kind_explained);
    return g_test_run();
}
