/* layer-stats.c — what each layer is doing while it learns. Sampled a few
 * times a second from the first few samples of the batch: the whole batch
 * of the ResNet example's activations took 3% of training (perf, one
 * thread scanning while the other waits), eight samples 0.4%. */
#include "layer-stats.h"

#include <math.h>
#include <string.h>

void tsu_stats_sampler_init(tsu_stats_sampler *s, const tsu_graph *graph, tsu_net *net)
{
    s->n_nodes = tsu_graph_node_count(graph);
    s->stats = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->stats);
    s->tensors = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->tensors);
    s->output_id = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->output_id);
    s->tensor_count = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->tensor_count);
    s->output_size = tsu_xcalloc((size_t)s->n_nodes, sizeof *s->output_size);
    for (int i = 0; i < s->n_nodes; i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        const char *id = tsu_node_id(node);
        s->output_size[i] = tsu_shape_size(tsu_node_shape(node));
        size_t len = strlen(id);
        s->stats[i].node = id;
        /* A repeat block's node runs as copies id.0, id.1, ... (blocks.c);
         * "id." starts the names of all their tensors. */
        size_t id_size = len + 16;
        s->output_id[i] = tsu_xcalloc(id_size, 1);
        if (tsu_node_repeat(node) > 1) snprintf(s->output_id[i], id_size, "%s.%d", id, tsu_node_repeat(node) - 1);
        else snprintf(s->output_id[i], id_size, "%s", id);
        s->tensors[i] = tsu_xcalloc((size_t)tsu_net_tensor_count(net) + 1, sizeof **s->tensors);
        for (int k = 0; k < tsu_net_tensor_count(net); k++) {
            const tsu_net_tensor *t = tsu_net_tensor_at(net, k);
            if (strncmp(t->name, id, len) != 0 || t->name[len] != '.') continue;
            s->tensors[i][s->tensor_count[i]++] = k;
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

static void sample_tensors(tsu_layer_stats *st, tsu_net *net, const int *tensors, int count)
{
    double w = 0, g = 0;
    for (int c = 0; c < count; c++) {
        const tsu_net_tensor *t = tsu_net_tensor_at(net, tensors[c]);
        if (!t->trainable) continue;
        for (size_t j = 0; j < t->size; j++) {
            w += (double)t->data[j] * t->data[j];
            if (t->grad) g += (double)t->grad[j] * t->grad[j];
        }
    }
    st->weight_norm = (float)sqrt(w);
    st->gradient_norm = (float)sqrt(g);
}

/* Samples of the batch whose activations are summarised: with thousands
 * of values per sample, eight give the mean, spread and share of zeros
 * to two digits, and every layer keeps at least these. */
#define STATS_SAMPLES TSU_NET_KEPT_SAMPLES

void tsu_stats_sampler_sample(tsu_stats_sampler *s, tsu_net *net, int batch)
{
    if (batch > STATS_SAMPLES) batch = STATS_SAMPLES;
    for (int i = 0; i < s->n_nodes; i++) {
        tsu_layer_stats *st = &s->stats[i];
        const float *out = tsu_net_output(net, s->output_id[i]);
        if (out) sample_activations(st, out, s->output_size[i] * (size_t)batch);
        sample_tensors(st, net, s->tensors[i], s->tensor_count[i]);
    }
}

void tsu_stats_sampler_free(tsu_stats_sampler *s)
{
    free(s->stats);
    for (int i = 0; i < s->n_nodes; i++) {
        free(s->tensors[i]);
        free(s->output_id[i]);
    }
    free(s->tensors);
    free(s->output_id);
    free(s->tensor_count);
    free(s->output_size);
    memset(s, 0, sizeof *s);
}
