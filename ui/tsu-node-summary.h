/* tsu-node-summary.h — the one-line parameter summary a box shows. */
#pragma once

#include <glib.h>

#include "tsumiki.h"

G_BEGIN_DECLS

/* "16 · 5×5 · pad 2": the params that say most about the layer at
 * document index `index`, read leniently so that invalid values show too;
 * values equal to their default are left out. kind may be NULL. Returns
 * owned text. */
char *tsu_node_summary (const tsu_project    *project,
                        int                   index,
                        const tsu_layer_kind *kind);

/* "1.2M", "35k", "980": compact counts for the statistic bars. */
char *tsu_format_count (uint64_t count);

G_END_DECLS
