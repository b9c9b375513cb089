/* tsu-layer-stats-view.h — what each layer is doing while the network
 * trains: per node, the activations' mean and spread, the share of zeros
 * (a dead ReLU layer) and the gradient norm (vanishing or exploding), each
 * with a sparkline of its recent history. Reads TsuTrainingHistory. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-training-history.h"

G_BEGIN_DECLS

#define TSU_TYPE_LAYER_STATS_VIEW (tsu_layer_stats_view_get_type ())
G_DECLARE_FINAL_TYPE (TsuLayerStatsView, tsu_layer_stats_view, TSU, LAYER_STATS_VIEW, GtkWidget)

GtkWidget *tsu_layer_stats_view_new         (void);
/* Follows history's "changed" (NULL detaches). */
void       tsu_layer_stats_view_set_history (TsuLayerStatsView  *self,
                                             TsuTrainingHistory *history);

/* Where row (a node, in tsu_training_history_get_layer_nodes() order) puts
 * its lines of text and its two sparklines, in widget coordinates; FALSE
 * past the last row. */
gboolean    tsu_layer_stats_view_row_geometry (TsuLayerStatsView *self,
                                               guint              row,
                                               graphene_rect_t   *text,
                                               graphene_rect_t   *sparklines);

/* Why a layer deserves a look, or NULL: "dead" (≥ 90 % zeros), "exploding"
 * (gradient norm ≥ 1e3 or not finite), "vanishing" (≤ 1e-7 with weights),
 * as a word in the user's language. */
const char *tsu_layer_stats_warning (const TsuLayerSample *sample);

G_END_DECLS
