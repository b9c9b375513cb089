/* test-training-logic.c — the Training and Evaluation pages' plain-C parts,
 * without a display: axis ticks, history.csv and the runs directory, the
 * event queue's hand-off and coalescing, the history's rate-limited
 * "changed", metrics of known predictions, the "training" JSON writer and
 * the dataset checks. */
#include <glib/gstdio.h>
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <locale.h>
#include <math.h>
#include <string.h>

#include "training-fixtures.h"
#include "tsu-dataset-check.h"
#include "tsu-eval-metrics.h"
#include "tsu-event-queue.h"
#include "tsu-i18n.h"
#include "tsu-plot-ticks.h"
#include "tsu-run-list.h"
#include "tsu-training-history.h"

/* ------------------------------------------------------------ ticks */

static void
assert_ticks (double        min,
              double        max,
              int           max_count,
              double        want_step,
              const double *want,
              int           n_want)
{
  double ticks[TSU_PLOT_MAX_TICKS], step;
  int n = tsu_plot_nice_ticks (min, max, max_count, ticks, &step);

  g_assert_cmpfloat_with_epsilon (step, want_step, want_step * 1e-9);
  g_assert_cmpint (n, ==, n_want);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (ticks[i], want[i], want_step * 1e-9);
}

static void
test_ticks_nice (void)
{
  assert_ticks (0, 1, 6, 0.2, (double[]) { 0, 0.2, 0.4, 0.6, 0.8, 1 }, 6);
  assert_ticks (0.013, 0.87, 5, 0.2, (double[]) { 0.2, 0.4, 0.6, 0.8 }, 4);
  assert_ticks (0, 100, 11, 10, (double[]) { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 }, 11);
  assert_ticks (-3, 7, 6, 2, (double[]) { -2, 0, 2, 4, 6 }, 5);
  assert_ticks (1, 5, 3, 2, (double[]) { 2, 4 }, 2);
  /* Losses around 0.3: 0.05 steps. */
  assert_ticks (0.21, 0.44, 6, 0.05, (double[]) { 0.25, 0.3, 0.35, 0.4 }, 4);

  /* Every step is 1, 2 or 5 times a power of ten, and never too many. */
  for (int i = 0; i < 2000; i++)
    {
      double a = g_test_rand_double_range (-1e4, 1e4), span = pow (10, g_test_rand_double_range (-6, 6));
      int max_count = g_test_rand_int_range (2, 12);
      double ticks[TSU_PLOT_MAX_TICKS], step;
      int n = tsu_plot_nice_ticks (a, a + span, max_count, ticks, &step);
      double mantissa = step / pow (10, floor (log10 (step) + 1e-9));
      g_assert_true (fabs (mantissa - 1) < 1e-6 || fabs (mantissa - 2) < 1e-6
                     || fabs (mantissa - 5) < 1e-6);
      g_assert_cmpint (n, <=, max_count);
      g_assert_cmpint (n, >=, 1);
      for (int k = 0; k < n; k++)
        g_assert_true (ticks[k] >= a - step * 1e-6 && ticks[k] <= a + span + step * 1e-6);
    }
}

static void
test_ticks_degenerate (void)
{
  double ticks[TSU_PLOT_MAX_TICKS], step;

  /* A flat curve still gets an axis around its value. */
  int n = tsu_plot_nice_ticks (0.5, 0.5, 5, ticks, &step);
  g_assert_cmpint (n, >=, 2);
  g_assert_true (ticks[0] <= 0.5 && ticks[n - 1] >= 0.5);
  n = tsu_plot_nice_ticks (0, 0, 5, ticks, &step);
  g_assert_cmpint (n, >=, 2);
  n = tsu_plot_nice_ticks (NAN, INFINITY, 5, ticks, &step);
  g_assert_cmpint (n, >=, 2);
  /* Reversed bounds are swapped. */
  n = tsu_plot_nice_ticks (1, 0, 6, ticks, &step);
  g_assert_cmpint (n, ==, 6);

  double lo = 0.013, hi = 0.87;
  tsu_plot_nice_range (&lo, &hi, 5);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat_with_epsilon (hi, 1.0, 1e-12);
}

static void
test_ticks_log (void)
{
  double ticks[TSU_PLOT_MAX_TICKS];
  int n = tsu_plot_log_ticks (0.001, 10, ticks);

  g_assert_cmpint (n, ==, 5);
  g_assert_cmpfloat_with_epsilon (ticks[0], 0.001, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks[4], 10, 1e-9);
  /* Less than three decades: 1, 2, 5 in each. */
  n = tsu_plot_log_ticks (0.1, 3, ticks);
  g_assert_cmpint (n, ==, 5); /* 0.1 0.2 0.5 1 2 */
  g_assert_cmpfloat_with_epsilon (ticks[1], 0.2, 1e-12);
  g_assert_cmpint (tsu_plot_log_ticks (0, 1, ticks), ==, 0);
}

static void
test_ticks_format (void)
{
  char buf[32];

  tsu_plot_format_tick (0.25, 0.05, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.25");
  tsu_plot_format_tick (0.4, 0.2, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.4");
  tsu_plot_format_tick (30, 10, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "30");
  tsu_plot_format_tick (2.5, 2.5, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "2.5");
  tsu_plot_format_tick (0, 0.1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0");
  tsu_plot_format_tick (1e-5, 1e-5, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1e-05");
}

/* ------------------------------------------------------------ history.csv */

static const char history_text[] =
  "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds,images_per_second\n"
  "1,0.612000,0.781000,0.550000,0.802000,1.250,48000.0\n"
  "2,0.401000,0.861000,0.420000,0.851000,1.200,50000.0\n";

static void
test_history_csv_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) records = tsu_history_csv_parse (history_text, -1, "h.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  TsuEpochRecord *r = &g_array_index (records, TsuEpochRecord, 1);
  g_assert_cmpint (r->epoch, ==, 2);
  g_assert_cmpfloat_with_epsilon (r->train_loss, 0.401, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->validation_accuracy, 0.851, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->images_per_second, 50000, 1e-9);

  /* Regression: empty accuracy cells are NaN. */
  g_autoptr(GArray) regression = tsu_history_csv_parse (
    TSU_HISTORY_HEADER "\n1,0.5,,0.6,,0.1,100.0\n\n", -1, "r.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regression->len, ==, 1);
  g_assert_true (isnan (g_array_index (regression, TsuEpochRecord, 0).train_accuracy));

  /* Columns by name: reordered and extra columns still load. */
  g_autoptr(GArray) reordered = tsu_history_csv_parse (
    "train_loss,epoch,note\n0.9,1,x\n", -1, "o.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (g_array_index (reordered, TsuEpochRecord, 0).train_loss, 0.9, 1e-12);
  g_assert_true (isnan (g_array_index (reordered, TsuEpochRecord, 0).validation_loss));
}

static void
test_history_csv_errors (void)
{
  GError *error = NULL;

  g_assert_null (tsu_history_csv_parse ("", -1, "empty.csv", &error));
  g_assert_nonnull (strstr (error->message, "empty.csv"));
  g_clear_error (&error);

  g_assert_null (tsu_history_csv_parse ("a,b\n1,2\n", -1, "other.csv", &error));
  g_assert_nonnull (strstr (error->message, "other.csv:1:"));
  g_clear_error (&error);

  g_assert_null (tsu_history_csv_parse (TSU_HISTORY_HEADER "\n1,0.5,0.5,0.5,0.5,1,1\n2,0.4\n", -1,
                                        "short.csv", &error));
  g_assert_cmpstr (error->message, ==, "short.csv:3: expected 7 columns, got 2");
  g_clear_error (&error);

  g_assert_null (tsu_history_csv_parse (TSU_HISTORY_HEADER "\n1,zero,0.5,0.5,0.5,1,1\n", -1,
                                        "bad.csv", &error));
  g_assert_nonnull (strstr (error->message, "bad.csv:2: train_loss"));
  g_clear_error (&error);
}

static void
test_history_csv_round_trip (void)
{
  g_autoptr(GArray) records = tsu_history_csv_parse (history_text, -1, "h.csv", NULL);
  g_autofree char *text = tsu_history_csv_format ((TsuEpochRecord *) (gpointer) records->data,
                                                  records->len);

  g_assert_cmpstr (text, ==, history_text);
}

static void
test_run_list_scan (void)
{
  g_autofree char *dir = tsu_fixture_temp_dir ();
  g_autofree char *project = g_build_filename (dir, "net.tsumiki", NULL);
  g_autofree char *runs = tsu_run_list_dir_for_project (project);
  g_autofree char *expected_runs = g_build_filename (dir, "net.runs", NULL);
  const char *names[] = { "20261127-101500", "20261128-090000", "20261126-235959" };

  g_assert_cmpstr (runs, ==, expected_runs);
  g_assert_true (tsu_run_dir_equal ("/a/b/../b/c", "/a/b/c"));
  g_assert_false (tsu_run_dir_equal ("/a/b", "/a/c"));
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *absolute = g_build_filename (cwd, "x.runs", "1", NULL);
  g_assert_true (tsu_run_dir_equal ("x.runs/1", absolute));
  g_assert_null (tsu_run_list_dir_for_project (NULL));

  /* A missing runs directory is just an empty list. */
  g_autoptr(GPtrArray) none = tsu_run_list_scan (runs);
  g_assert_cmpuint (none->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *run = g_build_filename (runs, names[i], NULL);
      g_autofree char *history = g_build_filename (run, "history.csv", NULL);
      g_assert_cmpint (g_mkdir_with_parents (run, 0755), ==, 0);
      g_assert_true (g_file_set_contents (history, i == 2 ? "garbage\n" : history_text, -1, NULL));
    }
  /* Not runs: an empty directory (stopped before any epoch) and a file. */
  g_autofree char *empty = g_build_filename (runs, "20261129-000000", NULL);
  g_autofree char *file = g_build_filename (runs, "notes.txt", NULL);
  g_mkdir_with_parents (empty, 0755);
  g_file_set_contents (file, "x", -1, NULL);

  g_autoptr(GPtrArray) list = tsu_run_list_scan (runs);
  g_assert_cmpuint (list->len, ==, 3);
  TsuRunInfo *newest = g_ptr_array_index (list, 0);
  g_assert_cmpstr (newest->name, ==, "20261128-090000");
  g_assert_cmpuint (newest->epochs->len, ==, 2);
  g_assert_null (newest->problem);
  g_assert_cmpstr (newest->label, ==, "28 Nov 2026, 09:00:00 · 2 epochs · 85.1%");
  g_assert_cmpfloat_with_epsilon (tsu_run_info_final_accuracy (newest), 0.851, 1e-9);
  TsuRunInfo *broken = g_ptr_array_index (list, 2);
  g_assert_cmpstr (broken->name, ==, "20261126-235959");
  g_assert_nonnull (broken->problem);
  g_assert_nonnull (strstr (broken->problem, "history.csv:1:"));
  g_assert_cmpuint (broken->epochs->len, ==, 0);

  tsu_fixture_remove_tree (dir);
}

/* ------------------------------------------------------------ event queue */

typedef struct
{
  TsuEventQueue *queue;
  int            n_iterations;
  int            drains;
  GPtrArray     *items;
} QueueTest;

static void
collect_items (gpointer data)
{
  QueueTest *t = data;
  g_autoptr(GPtrArray) items = tsu_event_queue_take (t->queue);

  t->drains++;
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (t->items, g_ptr_array_steal_index (items, i--));
}

static gpointer
push_events (gpointer data)
{
  QueueTest *t = data;
  tsu_train_event started = { .kind = TSU_EVENT_STARTED, .epochs = 2, .iterations = t->n_iterations / 2,
                              .run_dir = "/tmp/run" };

  tsu_event_queue_push (t->queue, &started);
  for (int i = 0; i < t->n_iterations; i++)
    {
      int half = t->n_iterations / 2;
      tsu_train_event e = { .kind = TSU_EVENT_ITERATION, .epoch = 1 + i / half, .epochs = 2,
                            .iteration = 1 + i % half, .iterations = half, .step = i + 1,
                            .loss = 1.0 / (i + 1), .images_per_second = 1000 + i };
      tsu_event_queue_push (t->queue, &e);
      if (i == half - 1)
        {
          tsu_train_event epoch = { .kind = TSU_EVENT_EPOCH, .epoch = 1, .epochs = 2,
                                    .train_loss = 0.5, .validation_loss = 0.6 };
          tsu_event_queue_push (t->queue, &epoch);
        }
    }
  tsu_event_queue_push_finished (t->queue, TSU_OK, NULL);
  return NULL;
}

static void
test_queue_coalesces (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  QueueTest t = { .n_iterations = 20000, .items = g_ptr_array_new_with_free_func ((GDestroyNotify) tsu_queued_event_free) };

  t.queue = tsu_event_queue_new (context, collect_items, &t);
  GThread *worker = g_thread_new ("push", push_events, &t);
  gboolean finished = FALSE;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!finished && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (context, TRUE);
      finished = t.items->len && ((TsuQueuedEvent *) g_ptr_array_index (t.items, t.items->len - 1))->finished;
    }
  g_thread_join (worker);
  g_assert_true (finished);

  /* Every loss arrives once, in order, with the epoch between the halves. */
  int losses = 0, epoch_at = -1;
  double last_x = -1;
  for (guint i = 0; i < t.items->len; i++)
    {
      TsuQueuedEvent *item = g_ptr_array_index (t.items, i);
      if (item->event.kind == TSU_EVENT_EPOCH && !item->finished)
        epoch_at = losses;
      if (item->event.kind != TSU_EVENT_ITERATION || !item->losses)
        continue;
      for (guint k = 0; k < item->losses->len; k++)
        {
          TsuLossPoint p = g_array_index (item->losses, TsuLossPoint, k);
          g_assert_cmpfloat (p.x, >, last_x);
          g_assert_cmpfloat_with_epsilon (p.loss, 1.0 / (losses + 1), 1e-12);
          last_x = p.x;
          losses++;
        }
      /* The item keeps the latest progress of what it merged. */
      g_assert_cmpint (item->event.step, ==, losses);
      g_assert_cmpuint (item->n_merged, ==, item->losses->len);
    }
  g_assert_cmpint (losses, ==, t.n_iterations);
  g_assert_cmpint (epoch_at, ==, t.n_iterations / 2);
  g_assert_cmpstr (((TsuQueuedEvent *) g_ptr_array_index (t.items, 0))->run_dir, ==, "/tmp/run");

  /* Coalescing: far fewer wakeups than events, one drain per wakeup. */
  g_assert_cmpuint (tsu_event_queue_get_pushed (t.queue), ==, t.n_iterations + 2);
  g_assert_cmpint (t.drains, ==, (int) tsu_event_queue_get_wakeups (t.queue));
  g_assert_cmpint (t.items->len, <, t.n_iterations / 4);
  g_test_message ("%d events in %u items, %d wakeups, latency p99 %.2f ms", t.n_iterations + 2,
                  t.items->len, t.drains, tsu_event_queue_latency_ms (t.queue, 0.99));

  tsu_event_queue_free (t.queue);
  g_ptr_array_unref (t.items);
}

static void
never_drained (gpointer data)
{
  g_assert_not_reached ();
}

static void
test_queue_free_pending (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  TsuEventQueue *queue = tsu_event_queue_new (context, never_drained, NULL);
  tsu_train_event e = { .kind = TSU_EVENT_ITERATION, .iterations = 1, .epoch = 1, .iteration = 1 };

  tsu_event_queue_push (queue, &e);
  /* Freeing with an idle pending destroys it: nothing runs afterwards. */
  tsu_event_queue_free (queue);
  while (g_main_context_iteration (context, FALSE))
    ;
}

/* ------------------------------------------------------------ history */

static void
count_changed (TsuTrainingHistory *history,
               int                *count)
{
  (*count)++;
}

static TsuQueuedEvent *
iteration_item (int first,
                int n)
{
  TsuQueuedEvent *item = g_new0 (TsuQueuedEvent, 1);

  item->event = (tsu_train_event) { .kind = TSU_EVENT_ITERATION, .epoch = 1, .epochs = 1,
                                    .iteration = first + n, .iterations = 1000,
                                    .step = first + n, .eta_seconds = 5 };
  item->losses = g_array_new (FALSE, FALSE, sizeof (TsuLossPoint));
  for (int i = 0; i < n; i++)
    {
      TsuLossPoint p = { (first + i + 1) / 1000.0, 2.0 };
      g_array_append_val (item->losses, p);
    }
  return item;
}

static void
test_history_rate_limit (void)
{
  g_autoptr(TsuTrainingHistory) history = tsu_training_history_new ();
  int changed = 0;

  g_signal_connect (history, "changed", G_CALLBACK (count_changed), &changed);
  tsu_training_history_reset (history);
  changed = 0;
  for (int i = 0; i < 100; i++)
    {
      g_autoptr(TsuQueuedEvent) item = iteration_item (i * 10, 10);
      tsu_training_history_apply (history, item);
    }
  /* A burst reports at most once now and once when the interval ends. */
  g_assert_cmpint (changed, <=, 1);
  tsu_training_history_flush (history);
  g_assert_cmpint (changed, <=, 2);

  guint n, ns;
  const TsuLossPoint *losses = tsu_training_history_get_losses (history, &n);
  const double *smoothed = tsu_training_history_get_smoothed (history, &ns);
  g_assert_cmpuint (n, ==, 1000);
  g_assert_cmpuint (ns, ==, 1000);
  g_assert_cmpfloat (losses[999].x, ==, 1.0);
  /* The debiased average of a constant is that constant from the start. */
  g_assert_cmpfloat_with_epsilon (smoothed[0], 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (smoothed[999], 2.0, 1e-9);
  g_assert_cmpint (tsu_training_history_get_progress (history)->step, ==, 1000);
}

static void
test_history_states (void)
{
  g_autoptr(TsuTrainingHistory) history = tsu_training_history_new ();
  TsuQueuedEvent started = { .event = { .kind = TSU_EVENT_STARTED, .epochs = 3, .iterations = 10 },
                             .run_dir = (char *) "/runs/a" };
  TsuQueuedEvent epoch = { .event = { .kind = TSU_EVENT_EPOCH, .epoch = 1, .epochs = 3,
                                      .train_loss = 0.5, .train_accuracy = 0.8,
                                      .validation_loss = 0.55, .validation_accuracy = 0.78 } };
  TsuQueuedEvent failed_event = { .event = { .kind = TSU_EVENT_FAILED },
                                  .message = (char *) "fc1: the loss became NaN" };
  TsuQueuedEvent finished = { .finished = TRUE, .status = TSU_E_NONFINITE,
                              .message = (char *) "fc1: the loss became NaN" };

  tsu_training_history_set_state (history, TSU_TRAINING_STARTING, NULL);
  tsu_training_history_apply (history, &started);
  g_assert_cmpint (tsu_training_history_get_state (history), ==, TSU_TRAINING_RUNNING);
  g_assert_cmpstr (tsu_training_history_get_run_dir (history), ==, "/runs/a");
  tsu_training_history_apply (history, &epoch);
  guint n;
  tsu_training_history_get_epochs (history, &n);
  g_assert_cmpuint (n, ==, 1);
  g_autofree char *csv = tsu_training_history_dup_csv (history);
  g_assert_true (g_str_has_prefix (csv, TSU_HISTORY_HEADER "\n1,0.500000,0.800000,0.550000,0.780000,"));

  /* Failures are a state and a message naming the layer. */
  tsu_training_history_apply (history, &failed_event);
  tsu_training_history_apply (history, &finished);
  g_assert_cmpint (tsu_training_history_get_state (history), ==, TSU_TRAINING_FAILED);
  g_assert_cmpstr (tsu_training_history_get_message (history), ==, "fc1: the loss became NaN");
  g_assert_false (tsu_training_state_is_active (TSU_TRAINING_FAILED));
  g_assert_true (tsu_training_state_is_active (TSU_TRAINING_PAUSED));
}

static void
test_history_layer_stats (void)
{
  g_autoptr(TsuTrainingHistory) history = tsu_training_history_new ();

  for (int i = 0; i < 60; i++)
    {
      g_autoptr(TsuQueuedEvent) item = iteration_item (i, 1);
      item->layer_stats = g_array_new (FALSE, TRUE, sizeof (TsuLayerSample));
      TsuLayerSample s[2] = { { .node = "fc1", .activation_mean = i, .gradient_norm = 2 * i },
                              { .node = "relu1", .zero_fraction = 0.5 } };
      g_array_append_vals (item->layer_stats, s, 2);
      tsu_training_history_apply (history, item);
    }
  const TsuLayerTrace *fc1 = tsu_training_history_get_layer (history, "fc1");
  g_assert_nonnull (fc1);
  g_assert_cmpuint (fc1->n_history, ==, TSU_LAYER_SPARKLINE);
  g_assert_cmpfloat (fc1->latest.activation_mean, ==, 59);
  /* Oldest first: the last 48 of 60 samples. */
  g_assert_cmpfloat (fc1->activation_mean[0], ==, 60 - TSU_LAYER_SPARKLINE);
  g_assert_cmpfloat (fc1->gradient_norm[TSU_LAYER_SPARKLINE - 1], ==, 118);
  const char * const *nodes = tsu_training_history_get_layer_nodes (history);
  g_assert_cmpstr (nodes[0], ==, "fc1");
  g_assert_cmpstr (nodes[1], ==, "relu1");
  g_assert_null (nodes[2]);
  g_assert_null (tsu_training_history_get_layer (history, "nope"));
}

/* ------------------------------------------------------------ metrics */

static void
test_eval_outputs_softmax (void)
{
  /* Labels 0 0 1 1 2 2; predictions 0 1 1 1 2 0. */
  int labels[] = { 0, 0, 1, 1, 2, 2 }, predictions[] = { 0, 1, 1, 1, 2, 0 };
  float probabilities[] = { 0.9f, 0.05f, 0.05f,  0.3f, 0.6f, 0.1f,  0.1f, 0.8f, 0.1f,
                            0.2f, 0.7f, 0.1f,    0.1f, 0.1f, 0.8f,  0.5f, 0.1f, 0.4f };
  tsu_eval_result result = { .samples = 6, .classification = TRUE, .n_outputs = 3,
                             .labels = labels, .predictions = predictions,
                             .outputs = probabilities };
  g_autoptr(TsuEvalOutputs) out = tsu_eval_outputs_from_result (&result);
  tsu_confusion cm;

  g_assert_true (out->classification);
  g_assert_cmpint (out->classes, ==, 3);
  g_assert_cmpuint (out->rows->len, ==, 6);
  TsuEvalRow *row1 = &g_array_index (out->rows, TsuEvalRow, 1);
  g_assert_cmpint (row1->index, ==, 1);
  g_assert_cmpint (row1->label, ==, 0);
  g_assert_cmpint (row1->prediction, ==, 1);
  g_assert_cmpfloat_with_epsilon (row1->confidence, 0.6, 1e-6);
  g_assert_cmpfloat_with_epsilon (row1->label_probability, 0.3, 1e-6);

  tsu_eval_outputs_confusion (out, &cm);
  g_assert_cmpint (cm.total, ==, 6);
  g_assert_cmpfloat_with_epsilon (tsu_confusion_accuracy (&cm), 4.0 / 6, 1e-12);
  g_autoptr(GArray) m = tsu_class_metrics_compute (&cm);
  g_assert_cmpuint (m->len, ==, 4);
  TsuClassMetrics *c0 = &g_array_index (m, TsuClassMetrics, 0);
  TsuClassMetrics *c1 = &g_array_index (m, TsuClassMetrics, 1);
  /* Class 0: predicted for samples 0 and 5 (one right), 2 samples (one found). */
  g_assert_cmpfloat_with_epsilon (c0->precision, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (c0->recall, 0.5, 1e-12);
  g_assert_cmpint (c0->support, ==, 2);
  g_assert_cmpint (c0->predicted, ==, 2);
  /* Class 1: predicted 3 times, 2 right; both samples found. */
  g_assert_cmpfloat_with_epsilon (c1->precision, 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (c1->recall, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (c1->f1, 0.8, 1e-12);
  TsuClassMetrics *macro = &g_array_index (m, TsuClassMetrics, 3);
  g_assert_cmpint (macro->cls, ==, -1);
  g_assert_cmpint (macro->support, ==, 6);
  g_assert_cmpfloat_with_epsilon (macro->recall, (0.5 + 1 + 0.5) / 3, 1e-12);

  g_assert_cmpfloat_with_epsilon (tsu_confusion_cell_shade (&cm, 0, 1), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (tsu_confusion_cell_shade (&cm, 1, 1), 1.0, 1e-12);
  g_assert_cmpfloat (tsu_confusion_cell_shade (&cm, 1, 0), ==, 0);
  g_assert_cmpfloat (tsu_confusion_cell_shade (&cm, 7, 0), ==, 0);
  tsu_confusion_free (&cm);
}

static void
test_eval_outputs_sigmoid_and_regression (void)
{
  /* One sigmoid output is P(class 1). */
  int labels[] = { 1, 0, 0 }, predictions[] = { 1, 1, 0 };
  float p1[] = { 0.9f, 0.7f, 0.2f };
  tsu_eval_result binary = { .samples = 3, .classification = TRUE, .n_outputs = 1,
                             .labels = labels, .predictions = predictions, .outputs = p1 };
  g_autoptr(TsuEvalOutputs) bin = tsu_eval_outputs_from_result (&binary);

  g_assert_cmpint (bin->classes, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (bin->rows, TsuEvalRow, 1).confidence, 0.7, 1e-6);
  g_assert_cmpfloat_with_epsilon (g_array_index (bin->rows, TsuEvalRow, 1).label_probability, 0.3, 1e-6);
  g_assert_cmpfloat_with_epsilon (g_array_index (bin->rows, TsuEvalRow, 2).confidence, 0.8, 1e-6);

  /* Regression: the first target against the first output. */
  float targets[] = { 1.5f, 9, -2, 9 }, outputs[] = { 1.25f, -1.5f };
  tsu_eval_result regression = { .samples = 2, .n_outputs = 1, .n_targets = 2,
                                 .targets = targets, .outputs = outputs };
  g_autoptr(TsuEvalOutputs) reg = tsu_eval_outputs_from_result (&regression);
  g_assert_false (reg->classification);
  g_assert_cmpuint (reg->rows->len, ==, 2);
  g_assert_cmpfloat (g_array_index (reg->rows, TsuEvalRow, 1).target, ==, -2.0f);
  g_assert_cmpfloat (g_array_index (reg->rows, TsuEvalRow, 1).output, ==, -1.5f);
  g_assert_cmpint (g_array_index (reg->rows, TsuEvalRow, 1).label, ==, -1);
}

/* ------------------------------------------------------------ dataset checks */

static void
test_dataset_report (void)
{
  g_autofree char *dir = tsu_fixture_temp_dir ();
  g_autofree char *path = tsu_fixture_write_blobs (dir, 200, 1, 16);
  tsu_diag diag;

  tsu_diag_init (&diag);
  tsu_project *project = tsu_project_load (path, &diag);
  g_assert_nonnull (project);

  g_autoptr(TsuDatasetReport) good = tsu_dataset_report_build (project);
  for (guint i = 0; i < good->problems->len; i++)
    g_test_message ("unexpected: %s", (char *) g_ptr_array_index (good->problems, i));
  g_assert_cmpuint (good->problems->len, ==, 0);
  g_assert_nonnull (good->splits[0].dataset);
  g_assert_cmpint (tsu_dataset_size (good->splits[0].dataset), ==, 200);
  g_assert_cmpint (good->splits[0].classes, ==, 2);
  g_assert_cmpint (g_array_index (good->splits[0].label_counts, gint64, 1), ==, 100);
  g_assert_cmpint (good->net_outputs, ==, 2);

  /* Shape mismatch, a label beyond the outputs, a missing file. */
  json_object *nodes = tsu_project_nodes (project);
  json_object *input_params = json_object_object_get (json_object_array_get_idx (nodes, 0), "params");
  json_object *shape = json_object_new_array ();
  json_object_array_add (shape, json_object_new_int (3));
  json_object_object_add (input_params, "shape", shape);
  g_autofree char *bad_valid = g_build_filename (dir, "valid.csv", NULL);
  g_file_set_contents (bad_valid, "x__0,x__1,y\n0.1,0.2,0\n0.3,0.4,5\n", -1, NULL);
  json_object *dataset = json_object_object_get (tsu_project_root (project), "dataset");
  json_object *training = json_object_object_get (dataset, "training");
  json_object_object_add (training, "path", json_object_new_string ("missing.csv"));

  g_autoptr(TsuDatasetReport) bad = tsu_dataset_report_build (project);
  GString *joined = g_string_new (NULL);
  for (guint i = 0; i < bad->problems->len; i++)
    g_string_append_printf (joined, "%s\n", (char *) g_ptr_array_index (bad->problems, i));
  g_test_message ("%s", joined->str);
  g_assert_null (bad->splits[0].dataset);
  g_assert_nonnull (strstr (joined->str, "missing.csv"));
  g_assert_nonnull (strstr (joined->str, "x: the Input layer expects [3] but the validation data's \"x\" is [2]"));
  g_assert_nonnull (strstr (joined->str, "valid.csv"));
  g_assert_nonnull (strstr (joined->str, "prob: 2 outputs"));
  g_string_free (joined, TRUE);

  tsu_project_free (project);
  tsu_diag_free (&diag);
  tsu_fixture_remove_tree (dir);
}

static void
test_dataset_spec_editing (void)
{
  tsu_dataset_spec spec = { .present = TRUE, .source = g_strdup ("csv"),
                            .path = g_strdup ("d.csv"), .limit = 500 };
  tsu_dataset_spec_set_source (&spec, "validation", "fashion-mnist");
  g_assert_cmpstr (spec.source, ==, "fashion-mnist");
  g_assert_cmpstr (spec.split, ==, "test");
  g_assert_null (spec.path);
  g_assert_cmpint (spec.limit, ==, 500);
  tsu_dataset_spec_set_source (&spec, "validation", "csv");
  g_assert_null (spec.split);
  g_assert_cmpint (spec.limit, ==, 500);
  tsu_dataset_spec_set_string (&spec, "path", "data/train.csv");
  g_assert_cmpstr (spec.path, ==, "data/train.csv");
  tsu_dataset_spec_set_source (&spec, "training", "idx");
  g_assert_null (spec.path);
  tsu_dataset_spec_clear (&spec);
  tsu_dataset_spec_set_source (&spec, "training", "mnist");
  g_assert_true (spec.present);
  g_assert_cmpstr (spec.split, ==, "train");
  tsu_dataset_spec_clear (&spec);

  g_autofree char *inside = tsu_dataset_relative_path ("/home/a/proj", "/home/a/proj/data/x.csv");
  g_assert_cmpstr (inside, ==, "data/x.csv");
  g_autofree char *outside = tsu_dataset_relative_path ("/home/a/proj", "/srv/x.csv");
  g_assert_cmpstr (outside, ==, "/srv/x.csv");
  g_autofree char *sibling = tsu_dataset_relative_path ("/home/a/proj", "/home/a/project2/x.csv");
  g_assert_cmpstr (sibling, ==, "/home/a/project2/x.csv");
}

/* A run folder's name read as a date, in English and, where the locale
 * exists, in Japanese through the build's catalogue; anything that is not
 * a date (month 13, 30 February, a "-1" suffix, a name) stays as it is. */
static void
test_run_describe_name (void)
{
  static const struct { const char *name, *english, *japanese; } cases[] = {
    { "20261127-221530", "27 Nov 2026, 22:15:30", "2026年11月27日 22:15:30" },
    { "20260105-090807-2", "5 Jan 2026, 09:08:07 (2)", "2026年1月5日 09:08:07 (2)" },
    { "20261127-221530-1", "20261127-221530-1", "20261127-221530-1" },
    { "20261327-221530", "20261327-221530", "20261327-221530" },
    { "20260230-120000", "20260230-120000", "20260230-120000" },
    { "baseline", "baseline", "baseline" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *english = tsu_run_describe_name (cases[i].name);
      g_assert_cmpstr (english, ==, cases[i].english);
    }
  if (!setlocale (LC_ALL, "ja_JP.UTF-8"))
    {
      g_test_skip ("no ja_JP.UTF-8 locale");
      return;
    }
  g_setenv ("LANGUAGE", "ja", TRUE);
  tsu_i18n_init ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *japanese = tsu_run_describe_name (cases[i].name);
      g_assert_cmpstr (japanese, ==, cases[i].japanese);
    }
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "C");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/training/ticks/nice", test_ticks_nice);
  g_test_add_func ("/training/ticks/degenerate", test_ticks_degenerate);
  g_test_add_func ("/training/ticks/log", test_ticks_log);
  g_test_add_func ("/training/ticks/format", test_ticks_format);
  g_test_add_func ("/training/history-csv/parse", test_history_csv_parse);
  g_test_add_func ("/training/history-csv/errors", test_history_csv_errors);
  g_test_add_func ("/training/history-csv/round-trip", test_history_csv_round_trip);
  g_test_add_func ("/training/run-list/scan", test_run_list_scan);
  g_test_add_func ("/training/run-list/describe-name", test_run_describe_name);
  g_test_add_func ("/training/queue/coalesces", test_queue_coalesces);
  g_test_add_func ("/training/queue/free-pending", test_queue_free_pending);
  g_test_add_func ("/training/history/rate-limit", test_history_rate_limit);
  g_test_add_func ("/training/history/states", test_history_states);
  g_test_add_func ("/training/history/layer-stats", test_history_layer_stats);
  g_test_add_func ("/training/metrics/softmax", test_eval_outputs_softmax);
  g_test_add_func ("/training/metrics/sigmoid-regression", test_eval_outputs_sigmoid_and_regression);
  g_test_add_func ("/training/dataset/report", test_dataset_report);
  g_test_add_func ("/training/dataset/spec-editing", test_dataset_spec_editing);
  return g_test_run ();
}
