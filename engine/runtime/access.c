/* access.c — the net's buffers and tensors, by name. */
#include "runtime/net-internal.h"

#include <string.h>

int tsu_net_threads(const tsu_net *net) { return net->n_threads; }
int tsu_net_max_batch(const tsu_net *net) { return net->cfg.max_batch; }
int tsu_net_tensor_count(const tsu_net *net) { return net->n_tensors; }

tsu_net_tensor *tsu_net_tensor_at(tsu_net *net, int index)
{
    tsu_assert(index >= 0 && index < net->n_tensors);
    return &net->tensors[index];
}

tsu_net_tensor *tsu_net_tensor_find(tsu_net *net, const char *name)
{
    for (int i = 0; i < net->n_tensors; i++)
        if (strcmp(net->tensors[i].name, name) == 0) return &net->tensors[i];
    return NULL;
}

static const tsu_net_feed *feed_find(const tsu_net_feed *feeds, int count, const char *variable)
{
    for (int i = 0; i < count; i++)
        if (strcmp(feeds[i].variable, variable) == 0) return &feeds[i];
    return NULL;
}

float *tsu_net_input(tsu_net *net, const char *variable)
{
    const tsu_net_feed *feed = feed_find(net->inputs, net->n_inputs, variable);
    return feed ? feed->data : NULL;
}

float *tsu_net_target(tsu_net *net, const char *variable)
{
    const tsu_net_feed *feed = feed_find(net->targets, net->n_targets, variable);
    return feed ? feed->data : NULL;
}

size_t tsu_net_target_size(const tsu_net *net, const char *variable)
{
    const tsu_net_feed *feed = feed_find(net->targets, net->n_targets, variable);
    return feed ? feed->size : 0;
}

static const tsu_layer_run *run_find(const tsu_net *net, const char *node_id)
{
    for (int i = 0; i < net->n_runs; i++)
        if (strcmp(net->runs[i].node->id, node_id) == 0) return &net->runs[i];
    return NULL;
}

const float *tsu_net_output(const tsu_net *net, const char *node_id)
{
    const tsu_layer_run *run = run_find(net, node_id);
    return run ? run->out : NULL;
}

const float *tsu_net_output_grad(const tsu_net *net, const char *node_id)
{
    const tsu_layer_run *run = run_find(net, node_id);
    return run ? run->dout : NULL;
}

const tsu_node *tsu_net_prediction_node(const tsu_net *net)
{
    if (net->first_loss < 0) return NULL;
    return net->runs[net->first_loss].node->inputs[0];
}
