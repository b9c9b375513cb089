/* test-qa-inspector.c — what the network page's status line promises, as a
 * new user meets it: "Ready to train" only when F5 can train. Needs a
 * display (meson runs it through run-with-display.sh). */
#include "tsu-application.h"
#include "tsu-window.h"
#include "tsu-canvas.h"
#include "widget-helpers.h"

#include <string.h>

#define READY "✓ Ready to train: no problems found"
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

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_resources_ensure ();
  g_test_add_func ("/qa-inspector/no-loss-is-not-ready", test_no_loss_is_not_ready);
  return g_test_run ();
}
