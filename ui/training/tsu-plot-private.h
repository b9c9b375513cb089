/* tsu-plot-private.h — shared between the on-screen plot and its export. */
#pragma once

#include "tsu-plot.h"

G_BEGIN_DECLS

typedef struct
{
  char        *label;
  GdkRGBA      color;
  TsuPlotStyle style;
  gboolean     overlay;
  GArray      *xs;   /* double */
  GArray      *ys;   /* double */
} Series;

/* The plot area on screen and the data range it shows, from the last draw;
 * y bounds are in axis space (log10 of the value on a log axis). */
typedef struct
{
  double x, y, width, height;
  double x0, x1, y0, y1;
  gboolean valid;
} Frame;

struct _TsuPlot
{
  GtkWidget  parent_instance;

  char      *title;
  char      *x_label;
  char      *y_label;
  char      *empty_text;
  gboolean   percent;
  gboolean   log_scale;
  gboolean   x_integer;
  gboolean   has_x_extent;
  double     x_extent_min, x_extent_max;

  GPtrArray *series;

  gboolean   zoomed;
  double     zx0, zx1, zy0, zy1;    /* axis space */
  double     drag_x0, drag_x1, drag_y0, drag_y1;

  gboolean   hovering;
  double     hover_x, hover_y;

  Frame      frame;
};

typedef struct
{
  GdkRGBA text;        /* tick labels, title */
  GdkRGBA grid;        /* grid lines */
  GdkRGBA frame;       /* the plot area's border */
  GdkRGBA background;  /* the plot area, transparent on screen */
  GdkRGBA legend_bg;
} TsuPlotColors;

/* Draws everything into a width x height area of cr. */
void tsu_plot_draw (TsuPlot             *self,
                    cairo_t             *cr,
                    int                  width,
                    int                  height,
                    const TsuPlotColors *colors,
                    gboolean             with_hover);

void tsu_plot_colors_for_export (TsuPlotColors *colors);

/* tsu-plot-draw.c: a y value in axis space (log10 on a log axis, NaN for
 * values a log axis cannot show), the range shown in axis space (FALSE
 * when there is no data), and the widget's snapshot. */
double   tsu_plot_to_axis    (TsuPlot *self,
                              double   y);
gboolean tsu_plot_view_range (TsuPlot *self,
                              double  *x0,
                              double  *x1,
                              double  *y0,
                              double  *y1);
void     tsu_plot_snapshot   (GtkWidget   *widget,
                              GtkSnapshot *snapshot);

G_END_DECLS
