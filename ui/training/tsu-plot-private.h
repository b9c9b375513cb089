/* tsu-plot-private.h — shared between the on-screen plot and its export. */
#pragma once

#include "tsu-plot.h"

G_BEGIN_DECLS

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

G_END_DECLS
