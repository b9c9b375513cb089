/* tsu-plot-ticks.c — 1-2-5 ticks, log ticks and their labels. */
#include "tsu-plot-ticks.h"

#include <math.h>
#include <stdio.h>

static const double mantissas[] = { 1, 2, 5 };

double
tsu_plot_nice_step (double range,
                    int    max_count)
{
  if (!(range > 0) || !isfinite (range))
    return 1;
  if (max_count < 2)
    max_count = 2;

  /* The first 1-2-5 step at least as wide as range / (max_count - 1):
   * then at most max_count ticks fit wherever the range starts. */
  double raw = range / (max_count - 1);
  double decade = pow (10, floor (log10 (raw)));

  for (int scale = 0; scale < 2; scale++, decade *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
      if (mantissas[i] * decade >= raw * (1 - 1e-9))
        return mantissas[i] * decade;
  return decade;
}

/* Ticks at multiples of step inside [min, max]. */
static int
count_ticks (double min,
             double max,
             double step)
{
  return (int) (floor (max / step + 1e-9) - ceil (min / step - 1e-9)) + 1;
}

/* The smallest 1-2-5 step whose multiples inside [min, max] number at most
 * max_count: 0.013..0.87 gets 0.2 (four ticks), where the worst-case
 * bound of tsu_plot_nice_step would give 0.5. */
static double
fitting_step (double min,
              double max,
              int    max_count)
{
  double upper = tsu_plot_nice_step (max - min, max_count);
  double first = pow (10, floor (log10 (upper)) - 1);

  /* Prefer two or more ticks; a short range far from zero may hold only one. */
  for (int least = 2; least >= 1; least--)
    {
      double decade = first;
      for (int scale = 0; scale < 4; scale++, decade *= 10)
        for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
          {
            int n = count_ticks (min, max, mantissas[i] * decade);
            if (n >= least && n <= max_count)
              return mantissas[i] * decade;
          }
    }
  return upper;
}

int
tsu_plot_nice_ticks (double  min,
                     double  max,
                     int     max_count,
                     double *ticks,
                     double *step)
{
  if (!isfinite (min) || !isfinite (max))
    {
      min = 0;
      max = 1;
    }
  if (min > max)
    {
      double t = min;
      min = max;
      max = t;
    }
  if (max - min < 1e-12 * MAX (1, fabs (max)))
    {
      double pad = fabs (min) > 0 ? fabs (min) * 0.1 : 1;
      min -= pad;
      max += pad;
    }
  if (max_count > TSU_PLOT_MAX_TICKS)
    max_count = TSU_PLOT_MAX_TICKS;

  double s = fitting_step (min, max, MAX (2, max_count));
  double first = ceil (min / s - 1e-9);
  double last = floor (max / s + 1e-9);
  int n = 0;
  for (double k = first; k <= last && n < TSU_PLOT_MAX_TICKS; k++)
    {
      double v = k * s;
      if (fabs (v) < s * 1e-9)
        v = 0; /* no "-0" or 1e-17 labels */
      ticks[n++] = v;
    }
  if (step)
    *step = s;
  return n;
}

void
tsu_plot_nice_range (double *min,
                     double *max,
                     int     max_count)
{
  double ticks[TSU_PLOT_MAX_TICKS], step;

  tsu_plot_nice_ticks (*min, *max, max_count, ticks, &step);
  *min = floor (*min / step + 1e-9) * step;
  *max = ceil (*max / step - 1e-9) * step;
  if (*max <= *min)
    *max = *min + step;
}

int
tsu_plot_log_ticks (double  min,
                    double  max,
                    double *ticks)
{
  if (!(min > 0) || !(max > min))
    return 0;

  int lo = (int) floor (log10 (min) + 1e-9);
  int hi = (int) ceil (log10 (max) - 1e-9);
  int decades = hi - lo;
  int stride = MAX (1, (decades + 7) / 8); /* at most ~8 decade labels */
  /* What is visible, not the decades it touches: 0.09..1.1 is one decade
   * and wants 0.1 0.2 0.5 1. */
  gboolean fill_in = log10 (max / min) < 2.5;
  static const double between[] = { 1, 2, 5 };
  int n = 0;

  for (int e = lo; e <= hi && n < TSU_PLOT_MAX_TICKS; e++)
    {
      for (guint m = 0; m < G_N_ELEMENTS (between); m++)
        {
          if (m > 0 && !fill_in)
            break;
          if (m == 0 && (e - lo) % stride != 0)
            continue;
          double v = between[m] * pow (10, e);
          if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9) && n < TSU_PLOT_MAX_TICKS)
            ticks[n++] = v;
        }
    }
  return n;
}

void
tsu_plot_format_tick (double  value,
                      double  step,
                      char   *buf,
                      gsize   size)
{
  double mag = fabs (value);

  if (value == 0)
    {
      g_strlcpy (buf, "0", size);
      return;
    }
  if (mag >= 1e6 || mag < 1e-4)
    {
      snprintf (buf, size, "%.0e", value);
      return;
    }
  /* Decimals: enough to tell neighbouring ticks apart. */
  int decimals = step > 0 ? (int) ceil (-log10 (step) - 1e-9) : 3;
  decimals = CLAMP (decimals, 0, 6);
  /* 2.5-style steps need one more digit than their decade. */
  if (step > 0)
    {
      double scaled = step * pow (10, decimals);
      if (fabs (scaled - round (scaled)) > 1e-6)
        decimals = MIN (decimals + 1, 6);
    }
  snprintf (buf, size, "%.*f", decimals, value);
}
