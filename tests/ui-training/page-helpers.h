/* page-helpers.h — what the widget tests of the pages and the window
 * share: letting the main loop run, and finding a widget in a tree. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-training-ui.h"
#include "tsu-dataset-view.h"
#include "tsu-evaluation-view.h"

/* Runs the main loop for ms milliseconds (layout, paint, idles). */
static inline void
settle (int ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Depth-first search for the first widget matching. */
static inline GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, match, data);
      if (found)
        return found;
    }
  return NULL;
}

/* A window of its own around child, shown and laid out. */
static inline GtkWindow *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  settle (300);
  return window;
}

/* $TSU_SCREENSHOT_DIR/name, else tests/ui-training/screenshots in the
 * build tree. */
static inline char *
screenshot_path (const char *name)
{
  const char *dir = g_getenv ("TSU_SCREENSHOT_DIR");
  g_autofree char *fallback = g_build_filename (g_getenv ("TSU_BUILD_DIR") ? g_getenv ("TSU_BUILD_DIR") : ".",
                                                "tests", "ui-training", "screenshots", NULL);
  const char *out = dir ? dir : fallback;

  g_mkdir_with_parents (out, 0755);
  return g_build_filename (out, name, NULL);
}

/* Renders widget to a PNG for a person to look at. */
static inline void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autofree char *path = screenshot_path (name);
  g_autoptr(GError) error = NULL;

  /* On a loaded machine the first frame can take a while to arrive. */
  gboolean saved = FALSE;

  for (int attempt = 0; attempt < 15 && !saved; attempt++)
    {
      settle (200);
      g_clear_error (&error);
      saved = tsu_training_save_screenshot (widget, path, &error);
    }
  /* The pictures are for people to look at; one missed while the page
   * redraws continuously under a run is no failure of the page. */
  if (!saved)
    g_test_message ("screenshot %s not taken: %s", name, error->message);
  g_test_message ("screenshot: %s", path);
}

/* Conditions for tsu_fixture_wait_until: a page's background job ended. */
static inline gboolean
not_busy_data (gpointer view)
{
  return !tsu_dataset_view_get_busy (view);
}

static inline gboolean
not_busy_eval (gpointer view)
{
  return !tsu_evaluation_view_get_busy (view);
}
