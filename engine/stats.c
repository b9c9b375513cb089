/* stats.c — parameter counts, costs and the memory a training step needs. */
#include "tsu-internal.h"

static uint64_t tensor_total(const tsu_node *node, bool trainable)
{
    uint64_t n = 0;
    for (int i = 0; i < tsu_node_tensor_count(node); i++)
        if (node->tensors[i].trainable == trainable) n += tsu_shape_size(&node->tensors[i].shape);
    return n * (uint64_t)node->repeat;
}

uint64_t tsu_node_trainable_count(const tsu_node *node) { return tensor_total(node, true); }
uint64_t tsu_node_state_count(const tsu_node *node) { return tensor_total(node, false); }

uint64_t tsu_node_macs(const tsu_node *node)
{
    if (!node->has_shape || !node->kind->macs) return 0;
    return node->kind->macs(node) * (uint64_t)node->repeat;
}

int tsu_optimizer_slots(tsu_optimizer_kind kind)
{
    switch (kind) {
    case TSU_OPT_SGD: return 0;
    case TSU_OPT_MOMENTUM: return 1;
    case TSU_OPT_ADAM:
    case TSU_OPT_ADAMW: return 2;
    }
    return 2;
}

void tsu_graph_stats_compute(const tsu_graph *graph, int batch_size,
                             tsu_optimizer_kind optimizer, tsu_graph_stats *stats)
{
    *stats = (tsu_graph_stats){0};
    for (int i = 0; i < graph->n_nodes; i++) {
        const tsu_node *node = &graph->nodes[i];
        if (!node->has_shape) continue;
        stats->trainable += tsu_node_trainable_count(node);
        stats->state += tsu_node_state_count(node);
        stats->macs += tsu_node_macs(node);
        stats->activations += tsu_shape_size(&node->shape) * (uint64_t)node->repeat;
    }
    const uint64_t f = sizeof(float), b = batch_size > 0 ? (uint64_t)batch_size : 1;
    stats->weight_bytes = (stats->trainable + stats->state) * f;
    stats->gradient_bytes = stats->trainable * f;
    stats->optimizer_bytes = (uint64_t)tsu_optimizer_slots(optimizer) * stats->trainable * f;
    /* Every output is kept for the backward pass, and gets a gradient. */
    stats->activation_bytes = 2 * b * stats->activations * f;
    stats->total_bytes = stats->weight_bytes + stats->gradient_bytes + stats->optimizer_bytes +
                         stats->activation_bytes;
}
