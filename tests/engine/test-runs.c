/* test-runs.c — the run-directory API: where a project's runs live, which
 * directories are runs and in what order, and history.csv read back. */
#include <glib/gstdio.h>
#include <math.h>

#include "test-helpers.h"

static void assert_runs_dir(const char *project, const char *expected)
{
    char *runs = tsu_runs_dir(project);
    g_assert_cmpstr(runs, ==, expected);
    free(runs);
}

static void test_runs_dir(void)
{
    assert_runs_dir("/data/cnn.tsumiki", "/data/cnn.runs");
    assert_runs_dir("projects/cnn.tsumiki", "projects/cnn.runs");
    assert_runs_dir("cnn.tsumiki", "cnn.runs");
    /* Another suffix, or none: the whole name. */
    assert_runs_dir("/data/cnn.json", "/data/cnn.json.runs");
    assert_runs_dir("/data/cnn", "/data/cnn.runs");
    /* Only a final .tsumiki goes, and never the whole name. */
    assert_runs_dir("/a.tsumiki/b.tsumiki.bak", "/a.tsumiki/b.tsumiki.bak.runs");
    assert_runs_dir("/data/.tsumiki", "/data/.tsumiki.runs");
    g_assert_null(tsu_runs_dir(NULL));

    char *weights = tsu_run_path("/data/cnn.runs/20261127-221530", TSU_RUN_WEIGHTS);
    g_assert_cmpstr(weights, ==, "/data/cnn.runs/20261127-221530/weights.safetensors");
    free(weights);
    g_assert_cmpstr(tsu_run_file_name(TSU_RUN_BEST), ==, "best.safetensors");
    g_assert_cmpstr(tsu_run_file_name(TSU_RUN_HISTORY), ==, "history.csv");
    g_assert_cmpstr(tsu_run_file_name(TSU_RUN_PROJECT), ==, "project.tsumiki");
}

static void touch(const char *dir, const char *run, const char *file)
{
    g_autofree char *run_dir = g_build_filename(dir, run, NULL);
    g_assert_cmpint(g_mkdir_with_parents(run_dir, 0755), ==, 0);
    if (!file) return;
    g_autofree char *path = g_build_filename(run_dir, file, NULL);
    g_assert_true(g_file_set_contents(path, "x", 1, NULL));
}

static void test_run_list(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-runs-XXXXXX", NULL);
    g_autofree char *project = g_build_filename(dir, "net.tsumiki", NULL);
    char *runs = tsu_runs_dir(project);
    tsu_run_list list;

    /* No runs directory yet: an empty list, and no newest weights. */
    tsu_run_list_read(runs, &list);
    g_assert_cmpint(list.count, ==, 0);
    tsu_run_list_free(&list);
    g_assert_null(tsu_runs_newest_weights(project));

    touch(runs, "20261127-101500", "weights.safetensors");
    touch(runs, "20261127-101500", "history.csv");
    touch(runs, "20261127-101500", "project.tsumiki");
    touch(runs, "20261128-090000", "history.csv"); /* newest, stopped before saving weights */
    touch(runs, "20261126-235959", "weights.safetensors");
    touch(runs, "20261126-235959", "best.safetensors");
    touch(runs, "20261129-000000", NULL);           /* stopped before its first epoch */
    touch(runs, "20261129-120000", "notes.txt");    /* not a run's file */
    g_autofree char *stray = g_build_filename(runs, "20261130-000000", NULL);
    g_assert_true(g_file_set_contents(stray, "a file, not a run", -1, NULL));

    tsu_run_list_read(runs, &list);
    g_assert_cmpint(list.count, ==, 3);
    g_assert_cmpstr(list.items[0].name, ==, "20261128-090000");
    g_assert_cmpstr(list.items[1].name, ==, "20261127-101500");
    g_assert_cmpstr(list.items[2].name, ==, "20261126-235959");
    g_autofree char *expected_path = g_build_filename(runs, "20261127-101500", NULL);
    g_assert_cmpstr(list.items[1].path, ==, expected_path);
    g_assert_false(list.items[0].has[TSU_RUN_WEIGHTS]);
    g_assert_true(list.items[0].has[TSU_RUN_HISTORY]);
    g_assert_true(list.items[1].has[TSU_RUN_WEIGHTS]);
    g_assert_true(list.items[1].has[TSU_RUN_PROJECT]);
    g_assert_false(list.items[1].has[TSU_RUN_BEST]);
    g_assert_true(list.items[2].has[TSU_RUN_BEST]);
    g_assert_false(list.items[2].has[TSU_RUN_HISTORY]);
    tsu_run_list_free(&list);

    /* The newest run with weights, not the newest run. */
    char *weights = tsu_runs_newest_weights(project);
    g_autofree char *expected = g_build_filename(runs, "20261127-101500", "weights.safetensors", NULL);
    g_assert_cmpstr(weights, ==, expected);
    free(weights);
    free(runs);
}

static const char history_text[] =
    TSU_HISTORY_HEADER "\n"
    "1,0.612000,0.781000,0.550000,0.802000,1.250,48000.0\n"
    "2,0.401000,0.861000,0.420000,0.851000,1.200,50000.0\n";

static void test_history_parse(void)
{
    tsu_run_history h;
    tsu_diag diag;
    tsu_diag_init(&diag);

    g_assert_cmpint(tsu_run_history_parse(history_text, strlen(history_text), "h.csv", &h, &diag),
                    ==, TSU_OK);
    g_assert_cmpint(h.count, ==, 2);
    g_assert_cmpint(h.rows[1].epoch, ==, 2);
    g_assert_cmpfloat(h.rows[1].train_loss, ==, 0.401);
    g_assert_cmpfloat(h.rows[1].validation_accuracy, ==, 0.851);
    g_assert_cmpfloat(h.rows[0].seconds, ==, 1.25);
    g_assert_cmpfloat(h.rows[1].images_per_second, ==, 50000);
    tsu_run_history_free(&h);

    /* A regression's empty accuracy cells are NaN; blank lines and CRs go. */
    static const char regression[] = TSU_HISTORY_HEADER "\r\n1,0.5,,0.6,,0.1,100.0\r\n\n";
    g_assert_cmpint(tsu_run_history_parse(regression, strlen(regression), "r.csv", &h, &diag), ==,
                    TSU_OK);
    g_assert_cmpint(h.count, ==, 1);
    g_assert_true(isnan(h.rows[0].train_accuracy));
    g_assert_cmpfloat(h.rows[0].validation_loss, ==, 0.6);
    tsu_run_history_free(&h);

    /* Columns by name: reordered and unknown ones load, missing ones are NaN. */
    static const char reordered[] = "train_loss,epoch,note\n0.9,1,x\n";
    g_assert_cmpint(tsu_run_history_parse(reordered, strlen(reordered), "o.csv", &h, &diag), ==,
                    TSU_OK);
    g_assert_cmpfloat(h.rows[0].train_loss, ==, 0.9);
    g_assert_cmpint(h.rows[0].epoch, ==, 1);
    g_assert_true(isnan(h.rows[0].validation_loss));
    tsu_run_history_free(&h);
    g_assert_cmpint(diag.count, ==, 0);
    tsu_diag_free(&diag);
}

static void assert_history_error(const char *text, const char *message)
{
    tsu_run_history h;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_run_history_parse(text, strlen(text), "bad.csv", &h, &diag), !=, TSU_OK);
    g_assert_cmpint(h.count, ==, 0);
    g_assert_null(h.rows);
    g_assert_cmpstr(tsu_diag_message(&diag, NULL), ==, message);
    tsu_diag_free(&diag);
}

static void test_history_errors(void)
{
    assert_history_error("", "bad.csv: empty file");
    assert_history_error("a,b\n1,2\n", "bad.csv:1: not a training history (expected a header "
                                       "starting \"epoch,train_loss\")");
    assert_history_error(TSU_HISTORY_HEADER "\n1,0.5,0.5,0.5,0.5,1,1\n2,0.4\n",
                         "bad.csv:3: expected 7 columns, got 2");
    assert_history_error(TSU_HISTORY_HEADER "\n1,zero,0.5,0.5,0.5,1,1\n",
                         "bad.csv:2: train_loss: not a number: \"zero\"");
    assert_history_error(TSU_HISTORY_HEADER "\n-1,0.5,0.5,0.5,0.5,1,1\n",
                         "bad.csv:2: epoch: expected a positive integer");
    assert_history_error(TSU_HISTORY_HEADER "\n,0.5,0.5,0.5,0.5,1,1\n",
                         "bad.csv:2: epoch: expected a positive integer");

    /* A missing file names itself. */
    tsu_run_history h;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_run_history_load("/nonexistent/history.csv", &h, &diag), ==, TSU_E_IO);
    g_assert_nonnull(strstr(tsu_diag_message(&diag, ""), "/nonexistent/history.csv"));
    tsu_diag_free(&diag);
    g_assert_cmpstr(tsu_diag_message(&diag, "fallback"), ==, "fallback");
    g_assert_cmpstr(tsu_diag_message(NULL, "none"), ==, "none");
}

/* The trainer's history.csv reads back as the rows it wrote. */
static void test_history_load_written(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-history-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "history.csv", NULL);
    g_assert_true(g_file_set_contents(path, history_text, -1, NULL));
    tsu_run_history h;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_run_history_load(path, &h, &diag), ==, TSU_OK);
    g_assert_cmpint(h.count, ==, 2);
    g_assert_cmpfloat(h.rows[0].validation_loss, ==, 0.55);
    tsu_run_history_free(&h);
    tsu_diag_free(&diag);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runs/dir", test_runs_dir);
    g_test_add_func("/runs/list", test_run_list);
    g_test_add_func("/runs/history-parse", test_history_parse);
    g_test_add_func("/runs/history-errors", test_history_errors);
    g_test_add_func("/runs/history-load", test_history_load_written);
    return g_test_run();
}
