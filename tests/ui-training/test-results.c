/* test-results.c — runs as results one comes back to, under a display: the
 * Training page's results list built over runs on disk survives closing
 * and reopening (curves shown at once, names, notes, how each run ended),
 * ticked runs overlay in colours of their own with a legend, and the
 * Evaluation page shows a saved evaluation without evaluating again.
 * Screenshots in light and dark go where test-training-widgets puts its. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "training-fixtures.h"
#include "page-helpers.h"
#include "tsu-evaluation-view.h"
#include "tsu-plot.h"
#include "tsu-run-list.h"
#include "tsu-training-ui.h"
#include "tsu-training-view.h"

typedef struct
{
  tsu_project *project;
  char        *dir;
} Doc;

static const tsu_project *
doc_project (gpointer data)
{
  return ((Doc *) data)->project;
}

static Doc *
doc_new (int epochs)
{
  Doc *doc = g_new0 (Doc, 1);

  doc->dir = tsu_fixture_temp_dir ();
  g_autofree char *path = tsu_fixture_write_blobs (doc->dir, 400, epochs, 16);
  doc->project = tsu_project_load (path, NULL);
  g_assert_nonnull (doc->project);
  return doc;
}

static void
doc_free (Doc *doc)
{
  tsu_project_free (doc->project);
  tsu_fixture_remove_tree (doc->dir);
  g_free (doc->dir);
  g_free (doc);
}

/* Trains the project once, to its end or stopped after the first epoch;
 * returns the run directory. */
static char *
train (Doc      *doc,
       gboolean  stop_early)
{
  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();

  g_assert_true (tsu_training_controller_run (controller, doc->project, NULL, NULL));
  if (stop_early)
    {
      g_assert_true (tsu_fixture_wait_until (tsu_fixture_has_an_epoch, controller, 60));
      tsu_training_controller_stop (controller);
    }
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 120));
  return g_strdup (tsu_training_history_get_run_dir (tsu_training_controller_get_history (controller)));
}

static TsuTrainingView *
open_page (Doc        *doc,
           GtkWindow **window)
{
  TsuTrainingView *view = TSU_TRAINING_VIEW (tsu_training_view_new ());

  tsu_training_view_set_project_func (view, doc_project, doc, NULL);
  *window = show_in_window (GTK_WIDGET (view), 1280, 800);
  tsu_training_view_show_sidebar (view, "runs");
  settle (200);
  return view;
}

static gboolean
is_run_row (GtkWidget     *w,
            gconstpointer  dir)
{
  return GTK_IS_LIST_BOX_ROW (w) && tsu_run_dir_equal (g_object_get_data (G_OBJECT (w), "run-dir"), dir);
}

static gboolean
is_label_containing (GtkWidget     *w,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), text) != NULL;
}

static gboolean
is_entry (GtkWidget     *w,
          gconstpointer  unused)
{
  return GTK_IS_ENTRY (w);
}

static GtkWidget *
row_of (TsuTrainingView *view,
        const char      *run_dir)
{
  GtkWidget *row = find_widget (GTK_WIDGET (view), is_run_row, run_dir);
  g_assert_nonnull (row);
  return row;
}

static void
test_results_survive_reopen (void)
{
  Doc *doc = doc_new (3);
  g_autofree char *first = train (doc, FALSE);
  g_autofree char *stopped = NULL;
  GtkWindow *window;

  /* The second run stops after its first epoch (Shift+F5): long enough
   * that the stop comes first. */
  tsu_project_free (doc->project);
  g_autofree char *slow = tsu_fixture_write_blobs (doc->dir, 4000, 100000, 4);
  doc->project = tsu_project_load (slow, NULL);
  stopped = train (doc, TRUE);

  TsuTrainingView *view = open_page (doc, &window);
  /* Reopened: the newest run is selected and its curves are drawn at once. */
  g_assert_true (tsu_run_dir_equal (tsu_training_view_get_selected_run (view), stopped));
  TsuPlot *loss = tsu_training_view_get_loss_plot (view);
  g_assert_cmpuint (tsu_plot_get_n_series (loss), >=, 1);
  g_assert_cmpuint (tsu_plot_get_n_points (loss, 0), >=, 1);
  /* Each row says how its run ended and what it reached. */
  g_assert_nonnull (find_widget (row_of (view, stopped), is_label_containing, "stopped"));
  g_assert_nonnull (find_widget (row_of (view, first), is_label_containing, "3 epochs"));
  g_assert_nonnull (find_widget (row_of (view, first), is_label_containing, "finished"));
  g_assert_nonnull (find_widget (row_of (view, first), is_label_containing, "best val. loss"));

  /* Selecting the first run shows its three epochs. */
  tsu_training_view_select_run (view, first);
  g_assert_cmpuint (tsu_plot_get_n_points (loss, tsu_plot_get_n_series (loss) - 1), ==, 3);

  /* A name and a note, typed in the page. */
  g_autoptr(GError) error = NULL;
  g_assert_true (tsu_training_view_rename_run (view, first, "baseline", &error));
  g_assert_no_error (error);
  GtkWidget *note = find_widget (row_of (view, first), is_entry, NULL);
  gtk_editable_set_text (GTK_EDITABLE (note), "lr 0.1, 8 hidden");
  g_signal_emit_by_name (note, "activate");
  save_screenshot (GTK_WIDGET (window), "results-list.png");
  gtk_window_destroy (window);
  settle (100);

  /* Closed and opened again: all of it is still there. */
  view = open_page (doc, &window);
  g_assert_nonnull (find_widget (row_of (view, first), is_label_containing, "baseline"));
  note = find_widget (row_of (view, first), is_entry, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (note)), ==, "lr 0.1, 8 hidden");
  g_assert_nonnull (find_widget (row_of (view, stopped), is_label_containing, "stopped"));
  g_assert_cmpuint (tsu_plot_get_n_series (tsu_training_view_get_loss_plot (view)), >=, 1);

  /* Deleting: the row goes, the folder too; an empty name gives the date back. */
  g_assert_true (tsu_training_view_delete_run (view, stopped, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stopped, G_FILE_TEST_EXISTS));
  g_assert_null (find_widget (GTK_WIDGET (view), is_run_row, stopped));
  g_assert_true (tsu_training_view_rename_run (view, first, "", &error));
  g_assert_null (find_widget (row_of (view, first), is_label_containing, "baseline"));
  g_assert_false (tsu_training_view_delete_run (view, doc->dir, &error));
  g_assert_nonnull (strstr (error->message, "not a run of"));
  gtk_window_destroy (window);
  doc_free (doc);
}

static void
test_overlay_colours (void)
{
  Doc *doc = doc_new (3);
  g_autofree char *a = train (doc, FALSE);
  g_autofree char *b = train (doc, FALSE);
  g_autofree char *c = train (doc, FALSE);
  GtkWindow *window;
  TsuTrainingView *view = open_page (doc, &window);
  TsuPlot *loss = tsu_training_view_get_loss_plot (view);
  GdkRGBA first, first_training, second;

  tsu_training_view_select_run (view, c);
  tsu_training_view_set_overlay (view, a, TRUE);
  tsu_training_view_set_overlay (view, b, TRUE);
  settle (100);
  /* Two earlier runs (validation and training each) behind the shown one. */
  g_assert_cmpuint (tsu_plot_get_n_series (loss), ==, 6);
  tsu_plot_get_series_color (loss, 0, &first);
  tsu_plot_get_series_color (loss, 1, &first_training);
  tsu_plot_get_series_color (loss, 2, &second);
  g_assert_true (gdk_rgba_equal (&first, &first_training));
  g_assert_false (gdk_rgba_equal (&first, &second));
  /* Not grey: a hue of its own. */
  g_assert_cmpfloat (MAX (first.red, MAX (first.green, first.blue)) - MIN (first.red, MIN (first.green, first.blue)), >, 0.3);

  /* The legend names each run once, by its title. */
  g_autofree char *legend = tsu_plot_dup_legend (loss);
  g_autofree char *title_a = NULL, *title_b = NULL;
  g_autofree char *runs_dir = tsu_run_list_dir_for_project (tsu_project_path (doc->project));
  g_autoptr(GPtrArray) runs = tsu_run_list_scan (runs_dir);
  for (guint i = 0; i < runs->len; i++)
    {
      TsuRunInfo *run = g_ptr_array_index (runs, i);
      if (tsu_run_dir_equal (run->dir, a))
        title_a = g_strdup (run->title);
      if (tsu_run_dir_equal (run->dir, b))
        title_b = g_strdup (run->title);
    }
  g_test_message ("legend: %s", legend);
  g_assert_cmpstr (title_a, !=, title_b); /* runs of the same second too */
  g_assert_nonnull (strstr (legend, title_a));
  g_assert_nonnull (strstr (legend, title_b));
  g_assert_null (strstr (legend, "earlier runs"));
  save_screenshot (GTK_WIDGET (window), "results-overlay.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  save_screenshot (GTK_WIDGET (window), "results-overlay-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);

  /* Unticking one gives its colour up; the other keeps the first. */
  tsu_training_view_set_overlay (view, b, FALSE);
  g_assert_cmpuint (tsu_plot_get_n_series (loss), ==, 4);
  gtk_window_destroy (window);
  doc_free (doc);
}

static gboolean
not_busy (gpointer view)
{
  return !tsu_evaluation_view_get_busy (view);
}

static void
test_saved_evaluation_shown (void)
{
  Doc *doc = doc_new (2);
  g_autofree char *run = train (doc, FALSE);
  TsuEvaluationView *view = TSU_EVALUATION_VIEW (tsu_evaluation_view_new ());
  GtkWindow *window = show_in_window (GTK_WIDGET (view), 1280, 800);

  tsu_evaluation_view_set_project_path (view, tsu_project_path (doc->project));
  tsu_evaluation_view_set_run_dir (view, run, TRUE);
  g_assert_true (tsu_fixture_wait_until (not_busy, view, 60));
  g_assert_null (tsu_evaluation_view_get_error (view));
  guint rows = tsu_evaluation_view_get_outputs (view)->rows->len;
  guint mistakes = 0;
  for (guint i = 0; i < rows; i++)
    {
      const TsuEvalRow *row = &g_array_index (tsu_evaluation_view_get_outputs (view)->rows, TsuEvalRow, i);
      mistakes += row->label != row->prediction;
    }
  gtk_window_destroy (window);

  /* Weights that cannot be read: evaluating again would fail, so what the
   * reopened page shows is the saved evaluation. */
  g_autofree char *weights = tsu_run_path (run, TSU_RUN_WEIGHTS);
  g_autofree char *best = tsu_run_path (run, TSU_RUN_BEST);
  g_assert_true (g_file_set_contents (weights, "damaged", -1, NULL));
  g_assert_cmpint (g_remove (best), ==, 0);

  view = TSU_EVALUATION_VIEW (tsu_evaluation_view_new ());
  window = show_in_window (GTK_WIDGET (view), 1280, 800);
  tsu_evaluation_view_set_project_path (view, tsu_project_path (doc->project));
  g_assert_true (tsu_fixture_wait_until (not_busy, view, 30));
  g_assert_null (tsu_evaluation_view_get_error (view));
  const TsuEvalOutputs *outputs = tsu_evaluation_view_get_outputs (view);
  g_assert_nonnull (outputs);
  g_assert_cmpuint (outputs->rows->len, ==, rows);
  guint again = 0;
  for (guint i = 0; i < rows; i++)
    {
      const TsuEvalRow *row = &g_array_index (outputs->rows, TsuEvalRow, i);
      again += row->label != row->prediction;
    }
  g_assert_cmpuint (again, ==, mistakes);
  save_screenshot (GTK_WIDGET (window), "results-saved-evaluation.png");

  /* Evaluate really runs: on the damaged weights it says so. */
  tsu_evaluation_view_evaluate (view);
  g_assert_true (tsu_fixture_wait_until (not_busy, view, 30));
  g_assert_nonnull (tsu_evaluation_view_get_error (view));
  gtk_window_destroy (window);
  doc_free (doc);
}

static void
on_open_project (TsuTrainingView *view,
                 const char      *path,
                 char           **opened)
{
  g_free (*opened);
  *opened = g_strdup (path);
}

/* "Open this run's network" asks for the run's own project.tsumiki; the
 * Evaluation chooser leaves a deleted run for the newest one. */
static void
test_open_and_delete_follow (void)
{
  Doc *doc = doc_new (1);
  g_autofree char *older = train (doc, FALSE);
  g_autofree char *newer = train (doc, FALSE);
  g_autofree char *opened = NULL;
  GtkWindow *window;
  TsuTrainingView *view = open_page (doc, &window);
  TsuEvaluationView *evaluation = TSU_EVALUATION_VIEW (tsu_evaluation_view_new ());
  GtkWindow *evaluation_window = show_in_window (GTK_WIDGET (evaluation), 900, 600);

  g_signal_connect (view, "open-project", G_CALLBACK (on_open_project), &opened);
  g_action_group_activate_action (tsu_training_view_get_actions (view), "open-run", g_variant_new_string (older));
  g_autofree char *expected = tsu_run_path (older, TSU_RUN_PROJECT);
  g_assert_cmpstr (opened, ==, expected);

  tsu_evaluation_view_set_project_path (evaluation, tsu_project_path (doc->project));
  g_assert_true (tsu_run_dir_equal (tsu_evaluation_view_get_run_dir (evaluation), newer));
  g_autoptr(GError) error = NULL;
  g_assert_true (tsu_training_view_delete_run (view, newer, &error));
  /* What the window does on "runs-changed". */
  tsu_evaluation_view_set_project_path (evaluation, tsu_project_path (doc->project));
  g_assert_true (tsu_run_dir_equal (tsu_evaluation_view_get_run_dir (evaluation), older));
  gtk_window_destroy (evaluation_window);
  gtk_window_destroy (window);
  doc_free (doc);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_training_ui_init ();

  g_test_add_func ("/results/survive-reopen", test_results_survive_reopen);
  g_test_add_func ("/results/overlay-colours", test_overlay_colours);
  g_test_add_func ("/results/saved-evaluation-shown", test_saved_evaluation_shown);
  g_test_add_func ("/results/open-and-delete-follow", test_open_and_delete_follow);
  return g_test_run ();
}
