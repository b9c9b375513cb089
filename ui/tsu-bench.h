/* tsu-bench.h — `tsumiki --bench-canvas`: frame times of the canvas while
 * it pans and zooms over a generated 500-layer network. */
#pragma once

#include "tsu-window.h"

G_BEGIN_DECLS

/* Loads the benchmark network into window, animates it once presented, then
 * prints the results and quits the application. */
void tsu_bench_canvas_start (TsuWindow *window,
                             int        layers,
                             int        frames);

G_END_DECLS
