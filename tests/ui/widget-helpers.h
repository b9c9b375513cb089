/* widget-helpers.h — running the main loop, opening an example in a window
 * and finding labels, for the widget tests under gtk_test_init. */
#pragma once

#include "tsu-window.h"

static inline void
iterate (int rounds)
{
  for (int i = 0; i < rounds; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static inline gboolean
waited (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static inline void
wait_ms (int ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, waited, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Lets the window map, lay out and paint. */
static inline void
settle (void)
{
  wait_ms (150);
  iterate (3);
}

static inline char *
example_path (const char *name)
{
  return g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "resources", "examples", name, NULL);
}

/* Depth-first search for a mapped label showing exactly `text`. */
static inline GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);
      if (found)
        return found;
    }
  return NULL;
}

/* An ephemeral 1400×900 window, not shown yet. */
static inline TsuWindow *
test_window_new (void)
{
  TsuWindow *window = g_object_new (TSU_TYPE_WINDOW, NULL);

  tsu_window_set_ephemeral (window, TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  return window;
}

static inline TsuWindow *
present_settled (TsuWindow *window)
{
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  return window;
}

/* A window on an example, shown and settled. */
static inline TsuWindow *
open_window (const char *example)
{
  TsuWindow *window = test_window_new ();
  g_autofree char *path = example_path (example);
  g_autoptr(GError) error = NULL;

  g_assert_true (tsu_window_open_path (window, path, &error));
  g_assert_no_error (error);
  return present_settled (window);
}

/* The widget's gesture of `type` that answers `button`. */
static inline GtkGesture *
find_gesture (GtkWidget *widget, GType type, guint button)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (c)) == button)
        return GTK_GESTURE (c); /* the widget keeps it alive */
    }
  g_assert_not_reached ();
}

static inline void
close_window (TsuWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}
