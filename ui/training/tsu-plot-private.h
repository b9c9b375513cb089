/* tsu-plot-private.h — shared between the on-screen plot and its export. */
#pragma once

#include "tsu-plot.h"
#include "tsu-plot-ticks.h"

G_BEGIN_DECLS

typedef struct
{
  char        *label;
  GdkRGBA      color;
  TsuPlotStyle style;
  gboolean     overlay;
  char        *legend; /* the legend's entry, "" for none; NULL: label (overlays: "earlier runs") */
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

  TsuPlot   *aligned;        /* shares the wider left margin (weak) */
  double     natural_left;   /* the left margin its own y labels need, on screen */
};

typedef struct
{
  GdkRGBA text;        /* tick labels, title */
  GdkRGBA grid;        /* grid lines */
  GdkRGBA frame;       /* the plot area's border */
  GdkRGBA background;  /* the plot area, transparent on screen */
  GdkRGBA legend_bg;
} TsuPlotColors;

/* Where tsu_plot_draw() puts its parts in a width x height area: the frame
 * (the plot area and the range it shows), the y ticks, the row of x tick
 * labels and the x axis label's box (empty without a label). */
typedef struct
{
  Frame           frame;
  gboolean        has_data;
  double          title_height;
  double          yticks[TSU_PLOT_MAX_TICKS];
  int             n_y;
  double          ystep;
  double          tick_y, tick_height;
  graphene_rect_t x_label;
  double          natural_left; /* the left margin this plot's labels need */
} TsuPlotGeometry;

void tsu_plot_geometry (TsuPlot         *self,
                        cairo_t         *cr,
                        int              width,
                        int              height,
                        TsuPlotGeometry *geometry);

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

/* A data point's place on screen in frame f (FALSE for a gap: NaN, or a
 * value a log axis cannot show), and the radius of the markers drawn on
 * a series' points (0: a plain line). */
gboolean tsu_plot_data_to_pixel (TsuPlot     *self,
                                 const Frame *f,
                                 double       x,
                                 double       y,
                                 double      *px,
                                 double      *py);
double   tsu_plot_marker_radius (TsuPlot     *self,
                                 const Frame *f,
                                 guint        series);

G_END_DECLS
