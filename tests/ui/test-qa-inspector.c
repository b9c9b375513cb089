/* test-qa-inspector.c — what the network page's status line promises, as a
 * new user meets it: "Ready to train" only when F5 can train. Needs a
 * display (meson runs it through run-with-display.sh). */
#include "tsu-application.h"
#include "tsu-window.h"
#include "tsu-canvas.h"
#include "tsu-inspector.h"
#include "widget-helpers.h"

#include <string.h>

#define READY "✓ Ready to train: no problems found"
/* Affine's outmaps: 1 to 2^24 in its parameter table. */
#define OUTMAPS_BOUND "outmaps takes values from 1 to 16777216"
#define NO_LOSS "Not ready to train: add a loss layer (e.g. CategoricalCrossEntropy) to say what to learn"

/* Deleting the loss (as Empty Project starts: an Input alone) leaves a valid
 * network the trainer refuses; the status says so instead of "Ready". */
static void
test_no_loss_is_not_ready (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  const char *select[] = { "loss", NULL };

  /* Nothing selected: the network page and its status line. */
  tsu_canvas_select (tsu_window_get_canvas (window), (const char *[]){ NULL });
  settle ();
  g_assert_nonnull (find_label (GTK_WIDGET (window), READY));
  g_assert_null (find_label (GTK_WIDGET (window), NO_LOSS));

  tsu_canvas_select (tsu_window_get_canvas (window), select);
  settle ();
  gtk_widget_activate_action (GTK_WIDGET (tsu_window_get_canvas (window)), "canvas.delete", NULL);
  settle ();
  tsu_canvas_select (tsu_window_get_canvas (window), (const char *[]){ NULL });
  settle ();
  g_assert_cmpint (tsu_graph_model_get_diag (tsu_window_get_model (window))->count, ==, 0);
  g_assert_null (find_label (GTK_WIDGET (window), READY));
  g_assert_nonnull (find_label (GTK_WIDGET (window), NO_LOSS));

  /* Undo brings the loss and the promise back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo", NULL);
  settle ();
  tsu_canvas_select (tsu_window_get_canvas (window), (const char *[]){ NULL });
  settle ();
  g_assert_nonnull (find_label (GTK_WIDGET (window), READY));
  close_window (window);
}

/* Typing 0 into Affine's outmaps and pressing Enter: the spin button puts
 * the old value back, and the bound that refused 0 stays said. */
static void
test_refused_value_says_why (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  TsuInspector *inspector = tsu_window_get_inspector (window);
  const char *select[] = { "fc", NULL };
  GtkWidget *outmaps;

  tsu_canvas_select (tsu_window_get_canvas (window), select);
  settle ();
  outmaps = tsu_inspector_get_param_editor (inspector, "outmaps");
  gtk_editable_set_text (GTK_EDITABLE (outmaps), "0");
  gtk_spin_button_update (GTK_SPIN_BUTTON (outmaps));
  settle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (outmaps)), ==, "10");
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), OUTMAPS_BOUND));
  g_assert_true (gtk_widget_has_css_class (outmaps, "error"));

  /* A valid value afterwards commits and clears it. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (outmaps), 12);
  settle ();
  g_assert_null (find_label (GTK_WIDGET (inspector), OUTMAPS_BOUND));
  close_window (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_resources_ensure ();
  g_test_add_func ("/qa-inspector/no-loss-is-not-ready", test_no_loss_is_not_ready);
  g_test_add_func ("/qa-inspector/refused-value-says-why", test_refused_value_says_why);
  return g_test_run ();
}
