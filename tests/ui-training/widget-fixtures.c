/* widget-fixtures.c — main-loop settling and screenshots for the tests. */
#include "widget-fixtures.h"
#include "tsu-training-ui.h"

void
tsu_widget_settle (int ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

char *
tsu_widget_screenshot_path (const char *name)
{
  const char *dir = g_getenv ("TSU_SCREENSHOT_DIR");
  g_autofree char *fallback = g_build_filename (g_getenv ("TSU_BUILD_DIR") ? g_getenv ("TSU_BUILD_DIR") : ".",
                                                "tests", "ui-training", "screenshots", NULL);

  g_mkdir_with_parents (dir ? dir : fallback, 0755);
  return g_build_filename (dir ? dir : fallback, name, NULL);
}

void
tsu_widget_screenshot (GtkWidget  *widget,
                       const char *name)
{
  g_autofree char *path = tsu_widget_screenshot_path (name);
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;

  /* On a loaded machine the first frame can take a while to arrive. */
  for (int attempt = 0; attempt < 15 && !saved; attempt++)
    {
      tsu_widget_settle (200);
      g_clear_error (&error);
      saved = tsu_training_save_screenshot (widget, path, &error);
    }
  /* The pictures are for people to look at; one missed while the page
   * redraws continuously under a run is no failure of the page. */
  if (!saved)
    g_test_message ("screenshot %s not taken: %s", name, error->message);
  g_test_message ("screenshot: %s", path);
}
