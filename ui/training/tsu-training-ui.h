/* tsu-training-ui.h — set-up shared by the Training, Evaluation and Data
 * pages, a screenshot helper for tests, the demo and `tsumiki
 * --screenshot`, and how every picture the app exports reaches its file. */
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

/* A cairo_write_func_t appending to the GByteArray in closure: PNG, SVG and
 * PDF are made in memory, then written by tsu_save_bytes. */
cairo_status_t tsu_cairo_append_bytes (void                *closure,
                                       const unsigned char *data,
                                       unsigned int         length);

/* Writes bytes to path through a temporary beside it and a rename
 * (g_file_set_contents), so a full disk or the file size limit leaves the
 * old file, never half a new one; the error names path. */
gboolean tsu_save_bytes               (const char  *path,
                                       GByteArray  *bytes,
                                       GError     **error);

G_END_DECLS
