/* tsu-plot-ticks.h — axis ticks for the learning-curve plots, plain C so the
 * tests can check them without a display. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TSU_PLOT_MAX_TICKS 32

/* Ticks at multiples of a "nice" step (1, 2 or 5 times a power of ten)
 * covering [min, max] from inside: at most max_count values, ascending,
 * written to ticks (capacity TSU_PLOT_MAX_TICKS is always enough).
 * Returns the number of ticks and the step in *step. A degenerate range
 * (min == max) is widened around the value first. */
int    tsu_plot_nice_ticks   (double  min,
                              double  max,
                              int     max_count,
                              double *ticks,
                              double *step);

/* The smallest 1-2-5 step with at most max_count ticks over the range. */
double tsu_plot_nice_step    (double  range,
                              int     max_count);

/* Ticks for a log10 axis over [min, max] (both > 0): powers of ten, and
 * 2x and 5x between them when fewer than three decades are visible.
 * Returns the count (at most TSU_PLOT_MAX_TICKS). */
int    tsu_plot_log_ticks    (double  min,
                              double  max,
                              double *ticks);

/* A tick label with just enough decimals for the step: "0.25", "1e-04". */
void   tsu_plot_format_tick  (double  value,
                              double  step,
                              char   *buf,
                              gsize   size);

/* Extends [*min, *max] outwards to multiples of the nice step so the
 * curve does not touch the frame. */
void   tsu_plot_nice_range   (double *min,
                              double *max,
                              int     max_count);

G_END_DECLS
