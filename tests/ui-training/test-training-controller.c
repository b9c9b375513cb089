/* test-training-controller.c — TsuTrainingController with real training
 * runs of a tiny project, no display: to completion, Stop within a second,
 * Pause, disposal during a run, failures that name the file, and the
 * main-loop latency of the event hand-off. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "training-fixtures.h"
#include "tsu-run-list.h"
#include "tsu-training-controller.h"

typedef struct
{
  char        *dir;
  char        *path;
  tsu_project *project;
} Fixture;

static void
fixture_set_up (Fixture *f,
                int      n_train,
                int      epochs,
                int      batch_size)
{
  tsu_diag diag;

  f->dir = tsu_fixture_temp_dir ();
  f->path = tsu_fixture_write_blobs (f->dir, n_train, epochs, batch_size);
  tsu_diag_init (&diag);
  f->project = tsu_project_load (f->path, &diag);
  if (!f->project)
    tsu_diag_print (&diag, stderr);
  g_assert_nonnull (f->project);
  tsu_diag_free (&diag);
}

static void
fixture_tear_down (Fixture *f)
{
  tsu_project_free (f->project);
  tsu_fixture_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gboolean
has_losses (gpointer data)
{
  guint n;
  tsu_training_history_get_losses (tsu_training_controller_get_history (data), &n);
  return n >= 20 || !tsu_training_controller_is_running (data);
}

static void
test_train_to_completion (void)
{
  Fixture f;
  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();
  TsuTrainingHistory *history = tsu_training_controller_get_history (controller);
  g_autoptr(GError) error = NULL;
  guint n_losses, n_epochs;

  fixture_set_up (&f, 1000, 3, 16);
  g_assert_true (tsu_training_controller_run (controller, f.project, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_STARTING);

  /* A second run while one is active is refused. */
  g_assert_false (tsu_training_controller_run (controller, f.project, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 60));
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_DONE);
  g_assert_null (tsu_training_history_get_message (history));

  const TsuLossPoint *losses = tsu_training_history_get_losses (history, &n_losses);
  const TsuEpochRecord *epochs = tsu_training_history_get_epochs (history, &n_epochs);
  g_assert_cmpuint (n_losses, ==, 3 * ((1000 + 15) / 16));
  g_assert_cmpfloat_with_epsilon (losses[n_losses - 1].x, 3.0, 1e-9);
  g_assert_cmpuint (n_epochs, ==, 3);
  g_assert_cmpfloat (epochs[2].validation_accuracy, >, 0.9); /* the blobs are easy */
  g_assert_cmpfloat (epochs[2].train_loss, <, epochs[0].train_loss * 1.01);

  /* The run directory is the CLI's: beside the project, with history.csv. */
  const char *run_dir = tsu_training_history_get_run_dir (history);
  g_autofree char *runs = tsu_run_list_dir_for_project (f.path);
  g_assert_nonnull (run_dir);
  g_assert_true (g_str_has_prefix (run_dir, runs));
  g_autofree char *csv = g_build_filename (run_dir, "history.csv", NULL);
  g_autofree char *weights = g_build_filename (run_dir, "weights.safetensors", NULL);
  g_assert_true (g_file_test (weights, G_FILE_TEST_EXISTS));
  g_autoptr(GArray) records = tsu_history_csv_load (csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_autoptr(GPtrArray) listed = tsu_run_list_scan (runs);
  g_assert_cmpuint (listed->len, ==, 1);

  /* Coalescing at work: one idle for many engine events. */
  guint received = tsu_training_controller_get_events_received (controller);
  guint wakeups = tsu_training_controller_get_wakeups (controller);
  g_assert_cmpuint (received, >=, n_losses);
  g_assert_cmpuint (wakeups, <=, received);
  double p99 = tsu_training_controller_get_latency_ms (controller, 0.99);
  g_test_message ("%u events, %u wakeups, main-loop latency p50 %.3f ms, p99 %.3f ms", received,
                  wakeups, tsu_training_controller_get_latency_ms (controller, 0.5), p99);
  g_assert_cmpfloat (p99, <, 50);

  fixture_tear_down (&f);
}

static void
test_stop_within_a_second (void)
{
  Fixture f;
  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();
  TsuTrainingHistory *history = tsu_training_controller_get_history (controller);
  g_autoptr(GError) error = NULL;

  fixture_set_up (&f, 4000, 500, 4);
  g_assert_true (tsu_training_controller_run (controller, f.project, NULL, &error));
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_has_an_epoch, controller, 60));
  g_assert_true (tsu_training_controller_is_running (controller));

  gint64 start = g_get_monotonic_time ();
  tsu_training_controller_stop (controller);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_STOPPING);
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 5));
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("stopped in %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, 1.0);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_STOPPED);

  /* Completed epochs are kept. */
  g_autofree char *csv = g_build_filename (tsu_training_history_get_run_dir (history), "history.csv", NULL);
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  fixture_tear_down (&f);
}

static void
test_pause_resume (void)
{
  Fixture f;
  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();
  TsuTrainingHistory *history = tsu_training_controller_get_history (controller);
  guint before, after;

  fixture_set_up (&f, 4000, 500, 4);
  g_assert_true (tsu_training_controller_run (controller, f.project, NULL, NULL));
  g_assert_true (tsu_fixture_wait_until (has_losses, controller, 60));

  tsu_training_controller_pause (controller);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_PAUSED);
  /* Let the batch in flight land, then nothing more may arrive. */
  g_usleep (100000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  tsu_training_history_get_losses (history, &before);
  g_usleep (300000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  tsu_training_history_get_losses (history, &after);
  g_assert_cmpuint (after, ==, before);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_PAUSED);

  tsu_training_controller_resume (controller);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_RUNNING);
  g_usleep (200000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  tsu_training_history_get_losses (history, &after);
  g_assert_cmpuint (after, >, before);

  /* Stop while paused must wake the trainer up. */
  tsu_training_controller_pause (controller);
  tsu_training_controller_stop (controller);
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 2));
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_STOPPED);
  fixture_tear_down (&f);
}

static void
test_dispose_while_running (void)
{
  Fixture f;
  TsuTrainingController *controller = tsu_training_controller_new ();

  fixture_set_up (&f, 4000, 500, 4);
  g_assert_true (tsu_training_controller_run (controller, f.project, NULL, NULL));
  g_assert_true (tsu_fixture_wait_until (has_losses, controller, 60));

  gint64 start = g_get_monotonic_time ();
  g_object_unref (controller); /* stops and joins the worker */
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpfloat (seconds, <, 1.0);
  /* Nothing is left to run for the gone controller. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  fixture_tear_down (&f);
}

static void
test_failure_names_the_file (void)
{
  Fixture f;
  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();
  TsuTrainingHistory *history = tsu_training_controller_get_history (controller);

  fixture_set_up (&f, 100, 1, 16);
  g_autofree char *train = g_build_filename (f.dir, "train.csv", NULL);
  g_file_set_contents (train, "x__0,x__1,y\n0.1,0.2,0\n0.3,oops,1\n", -1, NULL);

  g_assert_true (tsu_training_controller_run (controller, f.project, NULL, NULL));
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 30));
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_FAILED);
  const char *message = tsu_training_history_get_message (history);
  g_test_message ("%s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "train.csv:3"));
  fixture_tear_down (&f);
}

static void
test_unsaved_project (void)
{
  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();
  tsu_project *project = tsu_project_new ("untitled");
  g_autoptr(GError) error = NULL;

  g_assert_false (tsu_training_controller_run (controller, project, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  g_assert_false (tsu_training_controller_is_running (controller));
  tsu_project_free (project);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/training/controller/to-completion", test_train_to_completion);
  g_test_add_func ("/training/controller/stop", test_stop_within_a_second);
  g_test_add_func ("/training/controller/pause-resume", test_pause_resume);
  g_test_add_func ("/training/controller/dispose-while-running", test_dispose_while_running);
  g_test_add_func ("/training/controller/failure", test_failure_names_the_file);
  g_test_add_func ("/training/controller/unsaved", test_unsaved_project);
  return g_test_run ();
}
