/* init.c — deterministic initial weights (docs/runtime.md).
 *
 * "weight" of a kind with fans: He normal, std sqrt(2 / fan_in), when the
 * layer feeds a ReLU-family activation (possibly through BatchNormalization
 * or Dropout); otherwise Glorot uniform, limit sqrt(6 / (fan_in + fan_out)).
 * "weight" of a kind without fans (BatchNormalization's gamma) and
 * "running_var" start at 1; everything else (biases, beta, running_mean) at 0.
 * Each tensor draws from its own stream, seeded by the net seed and the
 * tensor's name, so adding a layer does not change the others' weights. */
#include "runtime/net-internal.h"

#include "layers/kinds.h"
#include "runtime/rng.h"

#include <math.h>
#include <string.h>

static bool feeds_relu(const tsu_graph *graph, const tsu_node *node)
{
    for (int i = 0; i < graph->n_nodes; i++) {
        const tsu_node *m = &graph->nodes[i];
        for (int j = 0; j < m->n_inputs; j++) {
            if (m->inputs[j] != node) continue;
            if (m->kind == &tsu_kind_relu || m->kind == &tsu_kind_leaky_relu ||
                m->kind == &tsu_kind_elu)
                return true;
            if ((m->kind == &tsu_kind_batch_normalization || m->kind == &tsu_kind_dropout) &&
                feeds_relu(graph, m))
                return true;
        }
    }
    return false;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void fill(float *data, size_t n, float value)
{
    for (size_t i = 0; i < n; i++) data[i] = value;
}

static void init_weight(const tsu_net *net, const tsu_layer_run *run, int k, tsu_rng *rng)
{
    const tsu_node *node = run->node;
    float *data = run->data[k];
    size_t n = run->tensor_size[k];
    if (!node->kind->ops->fans) {
        fill(data, n, 1.0f);
        return;
    }
    int fan_in = 1, fan_out = 1;
    node->kind->ops->fans(node, &fan_in, &fan_out);
    if (feeds_relu(net->graph, node)) {
        double std = sqrt(2.0 / fan_in);
        for (size_t i = 0; i < n; i++) {
            /* Box-Muller; one value per pair keeps the stream simple. */
            double u = tsu_rng_open01(rng), v = tsu_rng_open01(rng);
            data[i] = (float)(std * sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v));
        }
    } else {
        double limit = sqrt(6.0 / (fan_in + fan_out));
        for (size_t i = 0; i < n; i++)
            data[i] = (float)(limit * (2.0 * tsu_rng_open01(rng) - 1.0));
    }
}

void tsu_net_init_weights(tsu_net *net)
{
    int at = 0;
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_layer_run *run = &net->runs[i];
        for (int k = 0; k < run->node->n_tensors; k++, at++) {
            const char *name = run->node->tensors[k].name;
            tsu_rng rng = {tsu_mix64(net->cfg.seed) ^ name_hash(net->tensors[at].name)};
            if (strcmp(name, "weight") == 0)
                init_weight(net, run, k, &rng);
            else
                fill(run->data[k], run->tensor_size[k], strcmp(name, "running_var") == 0);
        }
    }
}
