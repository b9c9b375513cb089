/* test-run-meta.c — run.json (status, note, name), deleting a run only
 * when it is one of the project's, and saved evaluations read back. */
#include <glib/gstdio.h>
#include <math.h>

#include "test-helpers.h"

static char *make_run(const char *project, const char *name)
{
    char *runs = tsu_runs_dir(project);
    char *run = g_build_filename(runs, name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(run, 0755), ==, 0);
    g_autofree char *history = tsu_run_path(run, TSU_RUN_HISTORY);
    g_assert_true(g_file_set_contents(history, TSU_HISTORY_HEADER "\n", -1, NULL));
    free(runs);
    return run;
}

static void test_meta_round_trip(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-meta-XXXXXX", NULL);
    g_autofree char *project = g_build_filename(dir, "net.tsumiki", NULL);
    g_autofree char *run = make_run(project, "20261201-101500");
    tsu_run_meta meta;
    tsu_diag diag;
    tsu_diag_init(&diag);

    /* No run.json: nothing known, not an error. */
    g_assert_cmpint(tsu_run_meta_load(run, &meta, &diag), ==, TSU_OK);
    g_assert_cmpint(meta.status, ==, TSU_RUN_STATUS_UNKNOWN);
    g_assert_null(meta.note);
    tsu_run_meta_free(&meta);

    g_assert_cmpint(tsu_run_set_status(run, TSU_RUN_STATUS_STOPPED, "stopped on request", &diag), ==, TSU_OK);
    g_assert_cmpint(tsu_run_set_note(run, "lr 0.01, wider fc1", &diag), ==, TSU_OK);
    g_assert_cmpint(tsu_run_set_name(run, "wide", &diag), ==, TSU_OK);
    g_assert_cmpint(tsu_run_meta_load(run, &meta, &diag), ==, TSU_OK);
    g_assert_cmpint(meta.status, ==, TSU_RUN_STATUS_STOPPED);
    g_assert_cmpstr(meta.reason, ==, "stopped on request");
    g_assert_cmpstr(meta.note, ==, "lr 0.01, wider fc1");
    g_assert_cmpstr(meta.name, ==, "wide");
    tsu_run_meta_free(&meta);

    /* The list carries it; an empty name gives the directory's back, and a
     * later status keeps the note. */
    g_assert_cmpint(tsu_run_set_name(run, "", &diag), ==, TSU_OK);
    g_assert_cmpint(tsu_run_set_status(run, TSU_RUN_STATUS_FINISHED, NULL, &diag), ==, TSU_OK);
    char *runs = tsu_runs_dir(project);
    tsu_run_list list;
    tsu_run_list_read(runs, &list);
    g_assert_cmpint(list.count, ==, 1);
    g_assert_true(list.items[0].has[TSU_RUN_META]);
    g_assert_cmpint(list.items[0].meta.status, ==, TSU_RUN_STATUS_FINISHED);
    g_assert_null(list.items[0].meta.reason);
    g_assert_null(list.items[0].meta.name);
    g_assert_cmpstr(list.items[0].meta.note, ==, "lr 0.01, wider fc1");
    g_assert_cmpstr(tsu_run_status_name(list.items[0].meta.status), ==, "finished");
    tsu_run_list_free(&list);

    /* A damaged run.json is an error naming it; the list still shows the run. */
    g_autofree char *meta_path = tsu_run_path(run, TSU_RUN_META);
    g_assert_true(g_file_set_contents(meta_path, "[1, 2]", -1, NULL));
    g_assert_cmpint(tsu_run_meta_load(run, &meta, &diag), ==, TSU_E_FORMAT);
    g_assert_true(diag_has(&diag, "not a JSON object", NULL));
    g_assert_nonnull(strstr(diag.items[0].message, "run.json"));
    tsu_run_meta_free(&meta);
    g_assert_cmpint(tsu_run_set_note(run, "x", &diag), ==, TSU_E_FORMAT); /* not overwritten */
    tsu_run_list_read(runs, &list);
    g_assert_cmpint(list.count, ==, 1);
    g_assert_cmpint(list.items[0].meta.status, ==, TSU_RUN_STATUS_UNKNOWN);
    tsu_run_list_free(&list);
    free(runs);
    tsu_diag_free(&diag);
}

static void test_delete_only_runs(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-meta-XXXXXX", NULL);
    g_autofree char *project = g_build_filename(dir, "net.tsumiki", NULL);
    g_autofree char *other = g_build_filename(dir, "other.tsumiki", NULL);
    g_autofree char *run = make_run(project, "20261201-101500");
    g_autofree char *other_run = make_run(other, "20261201-101500");
    g_autofree char *not_run = g_build_filename(dir, "net.runs", "notes", NULL);
    g_assert_cmpint(g_mkdir_with_parents(not_run, 0755), ==, 0);
    tsu_diag diag;
    tsu_diag_init(&diag);

    /* Another project's run, a folder that is no run, the runs folder itself. */
    g_assert_cmpint(tsu_run_delete(project, other_run, &diag), ==, TSU_E_IO);
    g_assert_true(diag_has(&diag, "not a run of", "nothing was deleted", NULL));
    g_assert_true(g_file_test(other_run, G_FILE_TEST_IS_DIR));
    g_assert_cmpint(tsu_run_delete(project, not_run, &diag), ==, TSU_E_IO);
    g_assert_true(g_file_test(not_run, G_FILE_TEST_IS_DIR));
    g_autofree char *runs = g_build_filename(dir, "net.runs", NULL);
    g_assert_cmpint(tsu_run_delete(project, runs, &diag), ==, TSU_E_IO);
    g_assert_cmpint(tsu_run_delete(NULL, run, &diag), ==, TSU_E_IO);
    g_assert_true(g_file_test(run, G_FILE_TEST_IS_DIR));

    /* A run: gone with its files, saved evaluations and notes included;
     * a path with ".." that names it counts as it. */
    g_assert_cmpint(tsu_run_set_note(run, "bad", &diag), ==, TSU_OK);
    g_autofree char *roundabout = g_build_filename(dir, "net.runs", "notes", "..", "20261201-101500", NULL);
    tsu_diag_free(&diag);
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_run_delete(project, roundabout, &diag), ==, TSU_OK);
    g_assert_false(g_file_test(run, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(other_run, G_FILE_TEST_IS_DIR));
    tsu_diag_free(&diag);
}

/* Three samples, two classes, softmax outputs: hand-made. */
static void classification_result(tsu_eval_result *r)
{
    static const int labels[] = {0, 1, 1}, predictions[] = {0, 0, 1};
    static const float outputs[] = {0.9f, 0.1f, 0.6f, 0.4f, 0.25f, 0.75f};
    memset(r, 0, sizeof *r);
    r->samples = 3;
    r->classification = true;
    r->loss = 0.5;
    r->images_per_second = 1000;
    r->n_outputs = 2;
    r->labels = g_memdup2(labels, sizeof labels);
    r->predictions = g_memdup2(predictions, sizeof predictions);
    r->outputs = g_memdup2(outputs, sizeof outputs);
    tsu_confusion_init(&r->confusion, 2);
    for (int i = 0; i < 3; i++) tsu_confusion_add(&r->confusion, labels[i], predictions[i]);
}

static void free_result(tsu_eval_result *r)
{
    g_free(r->labels);
    g_free(r->predictions);
    g_free(r->outputs);
    g_free(r->targets);
    r->labels = r->predictions = NULL;
    r->outputs = r->targets = NULL;
    tsu_eval_result_free(r);
}

static void test_saved_evaluation(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-meta-XXXXXX", NULL);
    g_autofree char *project = g_build_filename(dir, "net.tsumiki", NULL);
    g_autofree char *run = make_run(project, "20261201-101500");
    tsu_eval_result saved, loaded;
    bool best = false;
    tsu_diag diag;
    tsu_diag_init(&diag);

    g_assert_false(tsu_eval_saved_exists(run, "validation"));
    g_assert_cmpint(tsu_eval_load_saved(run, "validation", &loaded, &best, &diag), ==, TSU_E_IO);
    g_assert_true(diag_has(&diag, "evaluation-validation.json", NULL));
    tsu_eval_result_free(&loaded);

    classification_result(&saved);
    g_assert_cmpint(tsu_eval_save(run, "validation", true, &saved, &diag), ==, TSU_OK);
    g_assert_true(tsu_eval_saved_exists(run, "validation"));
    g_assert_false(tsu_eval_saved_exists(run, "training"));
    g_assert_cmpint(tsu_eval_load_saved(run, "validation", &loaded, &best, &diag), ==, TSU_OK);
    g_assert_true(best);
    g_assert_true(loaded.classification);
    g_assert_cmpint(loaded.samples, ==, 3);
    g_assert_cmpint(loaded.n_outputs, ==, 2);
    g_assert_cmpfloat(loaded.loss, ==, 0.5);
    g_assert_cmpint(loaded.predictions[1], ==, 0);
    g_assert_cmpint(loaded.labels[1], ==, 1);
    g_assert_cmpfloat(loaded.outputs[5], ==, 0.75f);
    /* Counted from the table: 2 of 3 right, one 1 taken for a 0. */
    g_assert_cmpint(loaded.confusion.classes, ==, 2);
    g_assert_cmpint(loaded.confusion.counts[1 * 2 + 0], ==, 1);
    g_assert_cmpfloat(fabs(tsu_confusion_accuracy(&loaded.confusion) - 2.0 / 3), <, 1e-12);
    tsu_eval_result_free(&loaded);

    /* The summary names the matrix for people and other tools. */
    g_autofree char *json_path = g_build_filename(run, "evaluation-validation.json", NULL);
    g_autofree char *json = NULL;
    g_assert_true(g_file_get_contents(json_path, &json, NULL, NULL));
    g_assert_nonnull(strstr(json, "\"confusion\""));
    g_assert_nonnull(strstr(json, "\"weights\": \"best\""));

    /* A table that disagrees with its summary: the file and line. */
    g_autofree char *csv_path = g_build_filename(run, "evaluation-validation.csv", NULL);
    g_assert_true(g_file_set_contents(csv_path, "index,label,prediction,p_0,p_1\n0,0,0,0.9,0.1\n1,1,5,0.6,0.4\n", -1, NULL));
    g_assert_cmpint(tsu_eval_load_saved(run, "validation", &loaded, &best, &diag), ==, TSU_E_FORMAT);
    g_assert_true(diag_has(&diag, "classes of the summary", NULL));
    g_assert_true(strstr(diag.items[diag.count - 1].message, "evaluation-validation.csv:3") != NULL);
    g_assert_cmpint(diag.items[diag.count - 1].line, ==, 3);
    tsu_eval_result_free(&loaded);
    g_assert_true(g_file_set_contents(csv_path, "index,label,prediction,p_0,p_1\n0,0,0,0.9,0.1\n", -1, NULL));
    g_assert_cmpint(tsu_eval_load_saved(run, "validation", &loaded, &best, &diag), ==, TSU_E_FORMAT);
    g_assert_true(diag_has(&diag, "fewer rows", NULL));
    tsu_eval_result_free(&loaded);
    g_assert_true(g_file_set_contents(json_path, "{\"classification\": true, \"weights\": \"last\", \"samples\": -4}", -1, NULL));
    g_assert_cmpint(tsu_eval_load_saved(run, "validation", &loaded, &best, &diag), ==, TSU_E_FORMAT);
    g_assert_true(diag_has(&diag, "\"samples\"", NULL));
    tsu_eval_result_free(&loaded);
    g_assert_cmpint(tsu_eval_save(run, "test", true, &saved, &diag), ==, TSU_E_UNSUPPORTED);
    free_result(&saved);
    tsu_diag_free(&diag);
}

static void test_saved_regression(void)
{
    g_autofree char *dir = g_dir_make_tmp("tsu-meta-XXXXXX", NULL);
    g_autofree char *project = g_build_filename(dir, "net.tsumiki", NULL);
    g_autofree char *run = make_run(project, "20261201-101500");
    static const float targets[] = {1, 2}, outputs[] = {1.5f, 2.25f};
    tsu_eval_result saved = {.samples = 2, .n_outputs = 1, .n_targets = 1, .loss = 0.15625,
                             .mean_squared_error = 0.15625};
    saved.targets = g_memdup2(targets, sizeof targets);
    saved.outputs = g_memdup2(outputs, sizeof outputs);
    tsu_eval_result loaded;
    bool best = true;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_eval_save(run, "training", false, &saved, &diag), ==, TSU_OK);
    g_assert_cmpint(tsu_eval_load_saved(run, "training", &loaded, &best, &diag), ==, TSU_OK);
    g_assert_false(best);
    g_assert_false(loaded.classification);
    g_assert_cmpfloat(loaded.mean_squared_error, ==, 0.15625);
    g_assert_cmpfloat(loaded.targets[1], ==, 2);
    g_assert_cmpfloat(loaded.outputs[1], ==, 2.25f);
    tsu_eval_result_free(&loaded);
    free_result(&saved);
    tsu_diag_free(&diag);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/run-meta/round-trip", test_meta_round_trip);
    g_test_add_func("/run-meta/delete-only-runs", test_delete_only_runs);
    g_test_add_func("/run-meta/saved-evaluation", test_saved_evaluation);
    g_test_add_func("/run-meta/saved-regression", test_saved_regression);
    return g_test_run();
}
