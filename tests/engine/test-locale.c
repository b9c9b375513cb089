/* test-locale.c — files are written and read the same under a locale whose
 * decimal separator is a comma (the GUI runs in the user's locale): the
 * project text, a run's history and project, evaluation outputs and a C
 * export must keep '.' in numbers, or Tsumiki could not read them back. */
#include <glib/gstdio.h>
#include <locale.h>

#include "test-helpers.h"

#define COMMA_LOCALE "de_DE.UTF-8"

static gboolean enter_comma_locale(void)
{
    if (!setlocale(LC_ALL, COMMA_LOCALE)) {
        /* CI generates it (dev.sh); elsewhere say so rather than pass. */
        g_test_skip(COMMA_LOCALE " is not installed (dev.sh test generates it)");
        return FALSE;
    }
    char buf[16];
    g_snprintf(buf, sizeof buf, "%g", 0.5);
    g_assert_cmpstr(buf, ==, "0,5"); /* the hazard this test is about is real here */
    return TRUE;
}

static char *read_text(const char *path)
{
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

/* C code: a digit, a comma, a digit is a number with a decimal comma (the
 * export separates array values with ", "). */
static void assert_no_decimal_comma(const char *text, const char *what)
{
    for (const char *p = text; p[0] && p[1] && p[2]; p++)
        if (g_ascii_isdigit(p[0]) && p[1] == ',' && g_ascii_isdigit(p[2]))
            g_error("%s has a decimal comma near \"%.20s\"", what, p > text + 10 ? p - 10 : text);
}

/* CSV: a decimal comma would split a number into two cells, so every row
 * has as many cells as the header. */
static void assert_csv_columns(const char *text, const char *what)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint columns = 0;
    for (guint i = 0; lines[i]; i++) {
        if (!lines[i][0]) continue;
        g_auto(GStrv) cells = g_strsplit(lines[i], ",", -1);
        if (i == 0) columns = g_strv_length(cells);
        else if (g_strv_length(cells) != columns)
            g_error("%s line %u has %u cells, the header %u", what, i + 1,
                    g_strv_length(cells), columns);
    }
    g_assert_cmpuint(columns, >, 1);
}

static void test_project_text(void)
{
    if (!enter_comma_locale()) return;
    static const char *const examples[] = {
        "resources/examples/fashion-mnist-cnn.tsumiki",
        "resources/examples/two-class.tsumiki",
        "resources/examples/regression.tsumiki",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(examples); i++) assert_canonical_file(examples[i]);
    setlocale(LC_ALL, "C");
}

/* Train the two-class example for one epoch, evaluate it and export it to C,
 * all under the comma locale; then read every file back. */
static void test_run_files(void)
{
    if (!enter_comma_locale()) return;
    g_autofree char *example = source_path("resources/examples/two-class.tsumiki");
    g_autofree char *dir = g_dir_make_tmp("tsu-locale-XXXXXX", NULL);
    g_autofree char *run = g_build_filename(dir, "run", NULL);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_load(example, &diag);
    g_assert_nonnull(p);

    tsu_train_options options = {.epochs = 1, .threads = 1, .out_dir = run};
    g_assert_cmpint(tsu_train_run(p, &options, NULL, NULL, &diag), ==, TSU_OK);

    g_autofree char *history_path = g_build_filename(run, "history.csv", NULL);
    g_autofree char *history_text = read_text(history_path);
    assert_csv_columns(history_text, "history.csv");
    tsu_run_history history;
    g_assert_cmpint(tsu_run_history_load(history_path, &history, &diag), ==, TSU_OK);
    g_assert_cmpint(history.count, ==, 1);
    g_assert_cmpfloat(history.rows[0].train_loss, >, 0);
    tsu_run_history_free(&history);

    g_autofree char *trained_path = g_build_filename(run, "project.tsumiki", NULL);
    tsu_project *trained = tsu_project_load(trained_path, &diag);
    g_assert_nonnull(trained);
    tsu_project_free(trained);

    g_autofree char *weights = g_build_filename(run, "weights.safetensors", NULL);
    tsu_eval_options eval_options = {.keep_outputs = true};
    tsu_eval_result result;
    g_assert_cmpint(tsu_eval_run(p, weights, &eval_options, &result, &diag), ==, TSU_OK);
    g_autofree char *outputs = g_build_filename(dir, "outputs.csv", NULL);
    g_assert_cmpint(tsu_eval_write_outputs(&result, outputs, &diag), ==, TSU_OK);
    tsu_eval_result_free(&result);
    g_autofree char *outputs_text = read_text(outputs);
    assert_csv_columns(outputs_text, "outputs.csv");
    g_assert_nonnull(strchr(outputs_text, '.')); /* probabilities are written */

    tsu_graph *graph = tsu_graph_build(p, &diag);
    tsu_net_config config = {.max_batch = 1, .threads = 1, .seed = 1};
    tsu_net *net = tsu_net_new(graph, &config, &diag);
    g_assert_nonnull(net);
    g_assert_cmpint(tsu_net_load_safetensors(net, weights, &diag), ==, TSU_OK);
    g_autofree char *c_dir = g_build_filename(dir, "c", NULL);
    g_assert_cmpint(tsu_export_c(graph, net, c_dir, "model", &diag), ==, TSU_OK);
    g_autofree char *c_path = g_build_filename(c_dir, "model.c", NULL);
    g_autofree char *c_text = read_text(c_path);
    assert_no_decimal_comma(c_text, "model.c");
    tsu_net_free(net);
    tsu_graph_free(graph);

    g_assert_cmpint(diag.count, ==, 0);
    tsu_diag_free(&diag);
    tsu_project_free(p);
    setlocale(LC_ALL, "C");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/locale/project-text", test_project_text);
    g_test_add_func("/locale/run-files", test_run_files);
    return g_test_run();
}
