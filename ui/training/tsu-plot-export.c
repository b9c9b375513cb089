/* tsu-plot-export.c — the plot as a PNG or SVG file, on white, the way it
 * would go into a report. */
#include "tsu-plot-private.h"
#include "tsu-i18n.h"
#include "tsu-training-ui.h"

#include <cairo-svg.h>
#include <gio/gio.h>

void
tsu_plot_colors_for_export (TsuPlotColors *colors)
{
  colors->text = (GdkRGBA) { 0.13, 0.13, 0.15, 1 };
  colors->grid = (GdkRGBA) { 0, 0, 0, 0.08 };
  colors->frame = (GdkRGBA) { 0, 0, 0, 0.25 };
  colors->background = (GdkRGBA) { 1, 1, 1, 1 };
  colors->legend_bg = (GdkRGBA) { 1, 1, 1, 0.95 };
}

/* Draws the plot on surface, whose output goes to bytes, and saves them to
 * path (tsu_save_bytes: never half a file). */
static gboolean
render (TsuPlot          *self,
        cairo_surface_t  *surface,
        GByteArray       *bytes,
        int               width,
        int               height,
        const char       *path,
        gboolean          png,
        GError          **error)
{
  TsuPlotColors colors;
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  tsu_plot_colors_for_export (&colors);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, 8, 8);
  tsu_plot_draw (self, cr, width - 16, height - 16, &colors, FALSE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (png)
    status = cairo_surface_write_to_png_stream (surface, tsu_cairo_append_bytes, bytes);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return tsu_save_bytes (path, bytes, error);
}

gboolean
tsu_plot_export_png (TsuPlot     *self,
                     const char  *path,
                     int          width,
                     int          height,
                     GError     **error)
{
  g_return_val_if_fail (TSU_IS_PLOT (self), FALSE);

  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  gboolean ok = render (self, surface, bytes, width, height, path, TRUE, error);
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
tsu_plot_export_svg (TsuPlot     *self,
                     const char  *path,
                     int          width,
                     int          height,
                     GError     **error)
{
  g_return_val_if_fail (TSU_IS_PLOT (self), FALSE);

  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_svg_surface_create_for_stream (tsu_cairo_append_bytes, bytes,
                                                                  width, height);
  gboolean ok = render (self, surface, bytes, width, height, path, FALSE, error);
  cairo_surface_destroy (surface);
  return ok;
}
