/* test-worker.c — TsuWorker, which runs the Evaluation and Data pages'
 * slow work, without a display: results arrive on the main loop, a newer
 * job supersedes an older one, cancelling drops the result; and the
 * Evaluation page's job (tsu_evaluation_run) on a real run. */
#include <gio/gio.h>
#include <string.h>

#include "training-fixtures.h"
#include "tsu-eval-metrics.h"
#include "tsu-worker.h"

typedef struct
{
  GThread *main_thread;
  gint     finished;      /* "finished" emissions */
  gint     freed;         /* results freed (atomic: from any thread) */
  char    *last_result;
  char    *last_error;
  gboolean ran_elsewhere; /* the work ran off the main thread */
  GMutex   lock;
  GCond    cond;
  gboolean release;      /* lets a blocking job return */
} Probe;

static Probe probe;

static void
probe_reset (void)
{
  g_clear_pointer (&probe.last_result, g_free);
  g_clear_pointer (&probe.last_error, g_free);
  probe.finished = 0;
  g_atomic_int_set (&probe.freed, 0);
  probe.main_thread = g_thread_self ();
  probe.release = FALSE;
}

static void
free_result (gpointer result)
{
  g_atomic_int_inc (&probe.freed);
  g_free (result);
}

/* Returns a copy of input; "block" waits for probe.release, "fail" fails. */
static gpointer
echo (gpointer       input,
      GCancellable  *cancellable,
      GError       **error)
{
  probe.ran_elsewhere = g_thread_self () != probe.main_thread;
  if (!strcmp (input, "fail"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read x.csv");
      return NULL;
    }
  if (!strcmp (input, "block"))
    {
      g_mutex_lock (&probe.lock);
      while (!probe.release)
        g_cond_wait (&probe.cond, &probe.lock);
      g_mutex_unlock (&probe.lock);
    }
  return g_strdup (input);
}

static void
on_finished (TsuWorker  *worker,
             gpointer    result,
             const char *message,
             gpointer    keep)
{
  probe.finished++;
  g_free (probe.last_error);
  probe.last_error = g_strdup (message);
  g_free (probe.last_result);
  probe.last_result = keep ? tsu_worker_take_result (worker) : g_strdup (result);
}

static gboolean
idle (gpointer worker)
{
  return !tsu_worker_get_busy (worker);
}

static void
release_blocked (void)
{
  g_mutex_lock (&probe.lock);
  probe.release = TRUE;
  g_cond_broadcast (&probe.cond);
  g_mutex_unlock (&probe.lock);
}

static void
test_worker_delivers (void)
{
  g_autoptr(TsuWorker) worker = tsu_worker_new ("test");

  probe_reset ();
  g_signal_connect (worker, "finished", G_CALLBACK (on_finished), GINT_TO_POINTER (TRUE));
  tsu_worker_run (worker, echo, g_strdup ("one"), g_free, free_result);
  g_assert_true (tsu_worker_get_busy (worker));
  g_assert_cmpint (probe.finished, ==, 0); /* only through the main loop */
  g_assert_true (tsu_fixture_wait_until (idle, worker, 10));
  g_assert_cmpint (probe.finished, ==, 1);
  g_assert_true (probe.ran_elsewhere);
  g_assert_cmpstr (probe.last_result, ==, "one");
  g_assert_null (probe.last_error);
  g_assert_cmpint (g_atomic_int_get (&probe.freed), ==, 0); /* the handler took it */

  tsu_worker_run (worker, echo, g_strdup ("fail"), g_free, free_result);
  g_assert_true (tsu_fixture_wait_until (idle, worker, 10));
  g_assert_cmpint (probe.finished, ==, 2);
  g_assert_cmpstr (probe.last_error, ==, "cannot read x.csv");
  g_assert_null (probe.last_result);
}

static void
test_worker_supersedes_and_cancels (void)
{
  g_autoptr(TsuWorker) worker = tsu_worker_new ("test");

  probe_reset ();
  /* This handler does not take results: the worker frees them. */
  g_signal_connect (worker, "finished", G_CALLBACK (on_finished), NULL);
  tsu_worker_run (worker, echo, g_strdup ("block"), g_free, free_result);
  tsu_worker_run (worker, echo, g_strdup ("newer"), g_free, free_result);
  release_blocked ();
  g_assert_true (tsu_fixture_wait_until (idle, worker, 10));
  /* Only the newer job reports; the older one's result is freed unseen. */
  g_main_context_iteration (NULL, FALSE);
  g_assert_true (tsu_fixture_wait_until (idle, worker, 1));
  g_assert_cmpint (probe.finished, ==, 1);
  g_assert_cmpstr (probe.last_result, ==, "newer");

  /* Both results are freed, whichever order the threads ended in. */
  for (int i = 0; i < 100 && g_atomic_int_get (&probe.freed) < 2; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpint (g_atomic_int_get (&probe.freed), ==, 2);

  /* Cancelled: no "finished", and the worker is idle again. */
  probe_reset ();
  tsu_worker_run (worker, echo, g_strdup ("block"), g_free, free_result);
  tsu_worker_cancel (worker);
  release_blocked ();
  g_assert_true (tsu_fixture_wait_until (idle, worker, 10));
  g_assert_cmpint (probe.finished, ==, 0);
  for (int i = 0; i < 100 && g_atomic_int_get (&probe.freed) < 1; i++)
    g_usleep (10000);
  g_assert_cmpint (g_atomic_int_get (&probe.freed), ==, 1);
}

/* The Evaluation page's job on a real run: the rows are the samples, the
 * table agrees with the engine's matrix, and a cancelled job stops. */
static void
test_evaluation_run (void)
{
  g_autofree char *dir = tsu_fixture_temp_dir ();
  g_autofree char *path = tsu_fixture_write_blobs (dir, 200, 1, 16);
  g_autofree char *run_dir = g_build_filename (dir, "run", NULL);
  g_autoptr(GError) error = NULL;
  tsu_diag diag;

  tsu_diag_init (&diag);
  tsu_project *project = tsu_project_load (path, &diag);
  g_assert_nonnull (project);
  tsu_train_options options = { .out_dir = run_dir, .threads = 1 };
  g_assert_cmpint (tsu_train_run (project, &options, NULL, NULL, &diag), ==, TSU_OK);

  g_autoptr(TsuEvaluation) evaluation = tsu_evaluation_run (run_dir, "validation", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (evaluation->best_weights);
  g_assert_true (evaluation->result.classification);
  g_assert_cmpint (evaluation->result.samples, >, 0);
  g_assert_cmpuint (evaluation->outputs->rows->len, ==, (guint) evaluation->result.samples);
  g_assert_nonnull (evaluation->dataset);
  tsu_confusion cm;
  tsu_eval_outputs_confusion (evaluation->outputs, &cm);
  g_assert_cmpint (cm.classes, ==, evaluation->result.confusion.classes);
  for (int i = 0; i < cm.classes * cm.classes; i++)
    g_assert_cmpint (cm.counts[i], ==, evaluation->result.confusion.counts[i]);
  tsu_confusion_free (&cm);

  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_cancellable_cancel (cancelled);
  g_assert_null (tsu_evaluation_run (run_dir, "validation", cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_autofree char *nowhere = g_build_filename (dir, "missing-run", NULL);
  g_assert_null (tsu_evaluation_run (nowhere, "validation", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "missing-run/project.tsumiki"));

  tsu_project_free (project);
  tsu_diag_free (&diag);
  tsu_fixture_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_mutex_init (&probe.lock);
  g_cond_init (&probe.cond);
  g_test_add_func ("/training/worker/delivers", test_worker_delivers);
  g_test_add_func ("/training/worker/supersedes-and-cancels", test_worker_supersedes_and_cancels);
  g_test_add_func ("/training/worker/evaluation", test_evaluation_run);
  return g_test_run ();
}
