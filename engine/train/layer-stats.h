/* layer-stats.h — per-layer activation and gradient statistics, sampled
 * from a net between training steps. */
#ifndef TSU_LAYER_STATS_H
#define TSU_LAYER_STATS_H

#include "tsu-internal.h"

typedef struct {
    int n_nodes;
    tsu_layer_stats *stats;   /* one per node, topological order */
    int **tensors;            /* the node's tensors (every copy's, in a repeat block) */
    int *tensor_count;
    char **output_id;         /* whose output stands for the node: a block's last copy */
    size_t *output_size;      /* values per sample */
} tsu_stats_sampler;

void tsu_stats_sampler_init(tsu_stats_sampler *s, const tsu_graph *graph, tsu_net *net);
/* Fills s->stats from the last forward and backward of `batch` samples. */
void tsu_stats_sampler_sample(tsu_stats_sampler *s, tsu_net *net, int batch);
void tsu_stats_sampler_free(tsu_stats_sampler *s);

#endif
