/* widget-fixtures.h — what the pages' widget tests share: letting the main
 * loop run, and saving a widget as a PNG for a person to look at. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Runs the default main context for ms milliseconds. */
void tsu_widget_settle     (int ms);
/* NAME in $TSU_SCREENSHOT_DIR, or tests/ui-training/screenshots in the
 * build tree (created). */
char *tsu_widget_screenshot_path (const char *name);
/* Saves widget as NAME in $TSU_SCREENSHOT_DIR, or tests/ui-training/
 * screenshots in the build tree; a shot missed while a page redraws is
 * logged, not a failure. */
void tsu_widget_screenshot (GtkWidget  *widget,
                            const char *name);

G_END_DECLS
