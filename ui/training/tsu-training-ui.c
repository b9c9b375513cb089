/* tsu-training-ui.c — resources and style of the training pages. */
#include "tsu-training-ui.h"
#include "tsu-i18n.h"
#include "tsumiki-training-resources.h"

#include <gtk/gtk.h>

void
tsu_training_ui_init (void)
{
  static gsize resources_done;
  static gboolean style_done;

  if (g_once_init_enter (&resources_done))
    {
      tsu_training_register_resource ();
      g_once_init_leave (&resources_done, 1);
    }

  /* The style needs a display; a test may create widgets before one is
   * open only in theory, so add it as soon as there is one. */
  if (!style_done && gdk_display_get_default ())
    {
      GtkCssProvider *provider = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (provider, "/org/tsumiki/Tsumiki/training/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (provider);
      style_done = TRUE;
    }
}

gboolean
tsu_training_save_screenshot (GtkWidget   *widget,
                              const char  *path,
                              GError     **error)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GtkNative *native = gtk_widget_get_native (widget);

  if (width <= 0 || height <= 0 || !native || !gtk_native_get_renderer (native))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: the widget is not shown"), path);
      return FALSE;
    }

  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  if (!node)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: nothing drawn yet"), path);
      return FALSE;
    }
  g_autoptr(GdkTexture) texture =
    gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                 &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (png, &size);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_byte_array_append (bytes, data, size);
  return tsu_save_bytes (path, bytes, error);
}

cairo_status_t
tsu_cairo_append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
tsu_save_bytes (const char *path, GByteArray *bytes, GError **error)
{
  g_autoptr(GError) failure = NULL;

  if (g_file_set_contents (path, (const char *) bytes->data, bytes->len, &failure))
    return TRUE;
  /* GLib's message names the temporary; the user named path. */
  g_set_error (error, failure->domain, failure->code, _("Cannot write %s: %s"), path, failure->message);
  return FALSE;
}
