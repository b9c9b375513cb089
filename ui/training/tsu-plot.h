/* tsu-plot.h — learning curves: a few (x, y) series over shared axes with
 * 1-2-5 ticks, linear or log y, hover read-out of the nearest point, scroll
 * zoom, drag pan, double-click reset, and PNG/SVG export.
 *
 * The plot copies the data it is given and only redraws when it changes;
 * callers feed it from TsuTrainingHistory::changed, which is rate-limited,
 * so a fast trainer never causes more than a few redraws a second. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  TSU_PLOT_LINE,          /* a polyline */
  TSU_PLOT_LINE_MARKERS,  /* a polyline with a dot on every point (per-epoch series) */
  TSU_PLOT_THIN,          /* a faint thin line under the others (raw batch losses) */
  TSU_PLOT_POINTS,        /* unconnected dots (a scatter of samples) */
} TsuPlotStyle;

#define TSU_TYPE_PLOT (tsu_plot_get_type ())
G_DECLARE_FINAL_TYPE (TsuPlot, tsu_plot, TSU, PLOT, GtkWidget)

GtkWidget *tsu_plot_new            (void);

void       tsu_plot_set_title      (TsuPlot    *self,
                                    const char *title);
void       tsu_plot_set_x_label    (TsuPlot    *self,
                                    const char *label);
void       tsu_plot_set_y_label    (TsuPlot    *self,
                                    const char *label);
/* y values are fractions shown as percentages on the axis and read-out. */
void       tsu_plot_set_y_percent  (TsuPlot    *self,
                                    gboolean    percent);
void       tsu_plot_set_log_scale  (TsuPlot    *self,
                                    gboolean    log_scale);
gboolean   tsu_plot_get_log_scale  (TsuPlot    *self);
/* The x range always shown (e.g. 0..epochs while training), so the curve
 * grows across a fixed axis instead of rescaling every redraw. */
void       tsu_plot_set_x_extent   (TsuPlot    *self,
                                    double      min,
                                    double      max);
/* x values are whole numbers (epochs): no ticks between them. */
void       tsu_plot_set_x_integer  (TsuPlot    *self,
                                    gboolean    integer);
/* Message drawn in the middle while there is nothing to plot. */
void       tsu_plot_set_empty_text (TsuPlot    *self,
                                    const char *text);

/* Series: removing all keeps the axes' labels. */
void       tsu_plot_clear          (TsuPlot    *self);
void       tsu_plot_align_left     (TsuPlot    *self,
                                    TsuPlot    *other);
/* Returns the new series' number. An "overlay" is drawn dimmed, behind the
 * current run, and listed in the legend in grey. */
guint      tsu_plot_add_series     (TsuPlot       *self,
                                    const char    *label,
                                    const GdkRGBA *color,
                                    TsuPlotStyle   style,
                                    gboolean       overlay);
/* Copies n points; NaN y values leave gaps. */
void       tsu_plot_set_series_data (TsuPlot      *self,
                                     guint         series,
                                     const double *xs,
                                     const double *ys,
                                     guint         n);
/* What the legend says for a series instead of its label; "" lists it
 * not at all. Overlays with a legend of their own are drawn in their own
 * colour (one entry per earlier run) rather than as "earlier runs". */
void       tsu_plot_set_series_legend (TsuPlot    *self,
                                       guint       series,
                                       const char *legend);
/* The legend entries as drawn, first to last, joined by "\n". */
char      *tsu_plot_dup_legend     (TsuPlot    *self);
void       tsu_plot_get_series_color (TsuPlot  *self,
                                      guint     series,
                                      GdkRGBA  *color);
guint      tsu_plot_get_n_series   (TsuPlot    *self);
guint      tsu_plot_get_n_points   (TsuPlot    *self,
                                    guint       series);

void       tsu_plot_reset_zoom     (TsuPlot    *self);
/* Zooms by factor (> 1 zooms in) around widget point (x, y). */
void       tsu_plot_zoom_at        (TsuPlot    *self,
                                    double      x,
                                    double      y,
                                    double      factor);
gboolean   tsu_plot_is_zoomed      (TsuPlot    *self);

/* The point nearest to widget coordinates (x, y) within a few pixels, as
 * the hover read-out shows it. */
gboolean   tsu_plot_pick           (TsuPlot    *self,
                                    double      x,
                                    double      y,
                                    guint      *series,
                                    guint      *index);
/* Shows the read-out as if the pointer were at (x, y); -1, -1 hides it. */
void       tsu_plot_set_hover      (TsuPlot    *self,
                                    double      x,
                                    double      y);

/* Renders the plot on a white background at the given size. */
gboolean   tsu_plot_export_png     (TsuPlot     *self,
                                    const char  *path,
                                    int          width,
                                    int          height,
                                    GError     **error);
gboolean   tsu_plot_export_svg     (TsuPlot     *self,
                                    const char  *path,
                                    int          width,
                                    int          height,
                                    GError     **error);

G_END_DECLS
