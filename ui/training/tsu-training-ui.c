/* tsu-training-ui.c — resources and style of the training pages. */
#include "tsu-training-ui.h"
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
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: the widget is not shown", path);
      return FALSE;
    }

  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  if (!node)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: nothing drawn yet", path);
      return FALSE;
    }
  g_autoptr(GdkTexture) texture =
    gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                 &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}
