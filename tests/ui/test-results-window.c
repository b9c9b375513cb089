/* test-results-window.c — runs as results in the real window: a run
 * stopped with Shift+F5 joins the Evaluation page's run chooser, and the
 * export dialog picks the run and its best or last weights before writing,
 * its format setting the name's extension. Needs a display. */
#include "tsu-application.h"
#include "tsu-window.h"
#include "tsu-window-private.h"
#include "tsu-evaluation-view.h"
#include "tsu-training-view.h"
#include "training-fixtures.h"
#include "page-helpers.h"

#include <string.h>

static gboolean
has_type (GtkWidget *w, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (w, GPOINTER_TO_SIZE (type));
}

static gboolean
has_name (GtkWidget *w, gconstpointer name)
{
  return g_strcmp0 (gtk_widget_get_name (w), name) == 0;
}

static GtkWidget *
find_type (GtkWidget *root, GType type)
{
  GtkWidget *found = find_widget (root, has_type, GSIZE_TO_POINTER (type));
  g_assert_nonnull (found);
  return found;
}

static void
test_stopped_run_in_chooser_and_export (void)
{
  g_autofree char *dir = tsu_fixture_temp_dir ();
  /* Long enough never to end by itself: only Stop ends it. */
  g_autofree char *path = tsu_fixture_write_blobs (dir, 4000, 100000, 4);
  TsuWindow *window = g_object_new (TSU_TYPE_WINDOW, NULL);
  g_autoptr(GError) error = NULL;

  tsu_window_set_ephemeral (window, TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  g_assert_true (tsu_window_open_path (window, path, &error));
  gtk_window_present (GTK_WINDOW (window));
  settle (300);

  TsuTrainingView *training = TSU_TRAINING_VIEW (find_type (GTK_WIDGET (window), TSU_TYPE_TRAINING_VIEW));
  TsuEvaluationView *evaluation = TSU_EVALUATION_VIEW (find_type (GTK_WIDGET (window), TSU_TYPE_EVALUATION_VIEW));
  TsuTrainingController *controller = tsu_training_view_get_controller (training);
  g_assert_null (tsu_evaluation_view_get_run_dir (evaluation)); /* nothing trained yet */
  g_assert_null (tsu_window_export_model_dialog (window));      /* says so instead */

  /* F5, one epoch, Shift+F5. */
  gtk_widget_activate_action (GTK_WIDGET (window), "training.run", NULL);
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_has_an_epoch, controller, 60));
  gtk_widget_activate_action (GTK_WIDGET (window), "training.stop", NULL);
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 10));
  settle (200);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_STOPPED);
  const char *run_dir = tsu_training_history_get_run_dir (tsu_training_controller_get_history (controller));
  /* The stopped run is in the chooser, as a finished one would be. */
  g_assert_true (tsu_run_dir_equal (tsu_evaluation_view_get_run_dir (evaluation), run_dir));

  /* Export: the newest run and its best weights unless changed; the name
   * follows the format. */
  GtkWidget *dialog = tsu_window_export_model_dialog (window);
  g_assert_nonnull (dialog);
  settle (100);
  GtkDropDown *format = GTK_DROP_DOWN (find_widget (dialog, has_name, "format"));
  GtkDropDown *run = GTK_DROP_DOWN (find_widget (dialog, has_name, "run"));
  GtkDropDown *weights = GTK_DROP_DOWN (find_widget (dialog, has_name, "weights"));
  GtkEditable *out = GTK_EDITABLE (find_widget (dialog, has_name, "path"));
  g_autofree char *onnx = g_build_filename (dir, "blobs.onnx", NULL);
  g_autofree char *folder = g_build_filename (dir, "blobs", NULL);
  g_autofree char *card = g_build_filename (dir, "blobs.md", NULL);
  g_assert_cmpuint (gtk_drop_down_get_selected (run), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (weights), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (out), ==, onnx);
  gtk_drop_down_set_selected (format, 1); /* C source (a folder) */
  g_assert_cmpstr (gtk_editable_get_text (out), ==, folder);
  gtk_drop_down_set_selected (format, 3); /* model card */
  g_assert_cmpstr (gtk_editable_get_text (out), ==, card);
  gtk_drop_down_set_selected (format, 2); /* PyTorch (a folder) */
  g_assert_cmpstr (gtk_editable_get_text (out), ==, folder);
  gtk_drop_down_set_selected (format, 0);
  g_assert_cmpstr (gtk_editable_get_text (out), ==, onnx);
  save_screenshot (dialog, "export-dialog.png");

  /* The last epoch's weights, written where the dialog says. */
  gtk_drop_down_set_selected (weights, 1);
  g_signal_emit_by_name (find_widget (dialog, has_name, "export"), "clicked");
  settle (200);
  g_assert_true (g_file_test (onnx, G_FILE_TEST_IS_REGULAR));

  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
  tsu_fixture_remove_tree (dir);
}

static void
test_export_path_for_format (void)
{
  static const struct { const char *path, *format, *expected; } cases[] = {
    { "/p/mynet.onnx", "c", "/p/mynet" },
    { "/p/mynet.onnx", "pytorch", "/p/mynet" },
    { "/p/mynet", "onnx", "/p/mynet.onnx" },
    { "/p/mynet.md", "onnx", "/p/mynet.onnx" },
    { "/p/mynet.onnx", "card", "/p/mynet.md" },
    { "/p/v1.2", "onnx", "/p/v1.2.onnx" },   /* not an export's extension: kept */
    { "/p/v1.2", "c", "/p/v1.2" },
    { "mynet.onnx", "c", "mynet" },
    { "/p/.onnx", "c", "/p/.onnx" },        /* never the whole name */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tsu_export_path_for_format (cases[i].path, cases[i].format);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_resources_ensure ();
  g_test_add_func ("/results-window/export-path-for-format", test_export_path_for_format);
  g_test_add_func ("/results-window/stopped-run-in-chooser-and-export", test_stopped_run_in_chooser_and_export);
  return g_test_run ();
}
