/* test-editor-ux.c — the editor's rough edges, each checked in the real
 * window under gtk_test_init: stale inspector messages, the mini loss card,
 * saving an untitled project, the shortcuts window and the opening zoom.
 * Needs a display (meson runs it through run-with-display.sh). */
#include "tsu-application.h"
#include "tsu-canvas-private.h"
#include "tsu-window.h"
#include "widget-helpers.h"

#include <string.h>

static gboolean
focus_within (TsuWindow *window, GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus == widget || (focus != NULL && gtk_widget_is_ancestor (focus, widget));
}

/* Kernel 40, Tab to the kernel's second field, Ctrl+Z: the engine's
 * complaint goes with the value, though the focus is still in the editor. */
static void
test_undo_clears_inspector_message (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  TsuGraphModel *model = tsu_window_get_model (window);
  TsuInspector *inspector = tsu_window_get_inspector (window);
  const char *select[] = { "conv1", NULL };
  GtkWidget *kernel, *first, *last;
  const TsuLayout *layout;
  g_autofree char *message = NULL;

  tsu_canvas_select (tsu_window_get_canvas (window), select);
  settle ();
  kernel = tsu_inspector_get_param_editor (inspector, "kernel");
  first = gtk_widget_get_first_child (kernel);
  last = gtk_widget_get_last_child (kernel);
  gtk_widget_grab_focus (first);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (first), 40);
  gtk_widget_grab_focus (last);
  settle ();
  layout = tsu_graph_model_get_layout (model);
  message = g_strdup (layout->nodes[tsu_layout_find (layout, "conv1")].error);
  g_assert_nonnull (message);
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), message));

  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo", NULL);
  settle ();
  g_assert_true (focus_within (window, last));
  layout = tsu_graph_model_get_layout (model);
  g_assert_null (layout->nodes[tsu_layout_find (layout, "conv1")].error);
  g_assert_null (find_label (GTK_WIDGET (inspector), message));
  g_assert_false (gtk_widget_has_css_class (kernel, "error"));
  close_window (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_resources_ensure ();

  g_test_add_func ("/editor-ux/undo-clears-inspector-message", test_undo_clears_inspector_message);
  return g_test_run ();
}
