/* tsu-training-ui.h — set-up shared by the Training, Evaluation and Data
 * pages, and a screenshot helper for tests and the demo. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers the pages' resources and adds their style sheet to the default
 * display. Idempotent; the views' class_init call it, so calling it is
 * only needed to get the style before the first view exists. */
void     tsu_training_ui_init         (void);

/* Renders a realized widget (usually a window) to a PNG file, without an
 * X server grab. */
gboolean tsu_training_save_screenshot (GtkWidget   *widget,
                                       const char  *path,
                                       GError     **error);

G_END_DECLS
