/* layer-stats.c — what each layer is doing while it learns. Sampled a few
 * times a second, so a pass over every activation costs ~1% of training. */
#include "layer-stats.h"

#include <math.h>
#include <string.h>

void tsu_stats_sampler_init(tsu_stats_sampler *s, const tsu_graph *graph, tsu_net *net)
{
    s->n_nodes = tsu_graph_node_count(graph);
    s->stats = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->stats);
    s->first_tensor = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->first_tensor);
    s->tensor_count = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->tensor_count);
    s->output_size = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->output_size);
    for (int i = 0; i < s->n_nodes; i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        const char *id = tsu_node_id(node);
        s->output_size[i] = tsu_shape_size(tsu_node_shape(node));
        size_t len = strlen(id);
        s->stats[i].node = id;
        s->first_tensor[i] = -1;
        for (int k = 0; k < tsu_net_tensor_count(net); k++) {
            const tsu_net_tensor *t = tsu_net_tensor_at(net, k);
            if (strncmp(t->name, id, len) != 0 || t->name[len] != '.') continue;
            if (s->first_tensor[i] < 0) s->first_tensor[i] = k;
            s->tensor_count[i]++;
        }
    }
}

static void sample_activations(tsu_layer_stats *st, const float *out, size_t n)
{
    double sum = 0, sum_sq = 0;
    size_t zeros = 0;
    for (size_t j = 0; j < n; j++) {
        sum += out[j];
        sum_sq += (double)out[j] * out[j];
        zeros += out[j] == 0.0f;
    }
    double mean = n ? sum / (double)n : 0;
    double var = n ? sum_sq / (double)n - mean * mean : 0;
    st->activation_mean = (float)mean;
    st->activation_std = (float)sqrt(var > 0 ? var : 0);
    st->zero_fraction = n ? (float)zeros / (float)n : 0;
}

static void sample_tensors(tsu_layer_stats *st, tsu_net *net, int first, int count)
{
    double w = 0, g = 0;
    for (int k = first; count > 0 && k < first + count; k++) {
        const tsu_net_tensor *t = tsu_net_tensor_at(net, k);
        if (!t->trainable) continue;
        for (size_t j = 0; j < t->size; j++) {
            w += (double)t->data[j] * t->data[j];
            if (t->grad) g += (double)t->grad[j] * t->grad[j];
        }
    }
    st->weight_norm = (float)sqrt(w);
    st->gradient_norm = (float)sqrt(g);
}

void tsu_stats_sampler_sample(tsu_stats_sampler *s, tsu_net *net, int batch)
{
    for (int i = 0; i < s->n_nodes; i++) {
        tsu_layer_stats *st = &s->stats[i];
        const float *out = tsu_net_output(net, st->node);
        if (out) sample_activations(st, out, s->output_size[i] * (size_t)batch);
        sample_tensors(st, net, s->first_tensor[i], s->tensor_count[i]);
    }
}

void tsu_stats_sampler_free(tsu_stats_sampler *s)
{
    free(s->stats);
    free(s->first_tensor);
    free(s->tensor_count);
    free(s->output_size);
    memset(s, 0, sizeof *s);
}
