/* predict.c — trained weights over the samples of a .npy file, the outputs
 * the exports have (the inference plan's) written as .npy files. */
#include "export/export-internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Samples per forward call: the batch evaluation uses. */
#define PREDICT_BATCH 256

/* "(N, 3, 12, 12)" for a shape behind a batch axis. */
static const char *batch_shape_text(const tsu_shape *s, char *buf, size_t size)
{
    int n = snprintf(buf, size, "(N");
    for (int d = 0; d < s->ndim && n > 0 && (size_t)n < size; d++)
        n += snprintf(buf + n, size - (size_t)n, ", %d", s->d[d]);
    if (n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, ")");
    return buf;
}

static const char *npy_shape_text(const tsu_npy *a, char *buf, size_t size)
{
    int n = snprintf(buf, size, "(");
    for (int d = 0; d < a->ndim && n > 0 && (size_t)n < size; d++)
        n += snprintf(buf + n, size - (size_t)n, "%s%lld", d ? ", " : "", (long long)a->dims[d]);
    if (n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, a->ndim == 1 ? ",)" : ")");
    return buf;
}

/* The input array must be (N, *shape of the Input node), N >= 1. */
static tsu_status check_input(const tsu_npy *a, const char *path, const tsu_node *input,
                              tsu_diag *diag)
{
    const tsu_shape *s = tsu_node_shape(input);
    bool fits = a->ndim == s->ndim + 1;
    for (int d = 0; fits && d < s->ndim; d++) fits = a->dims[d + 1] == s->d[d];
    char want[96], got[160];
    if (!fits)
        return tsu_diag_add(diag, TSU_E_SHAPE, NULL, NULL,
                            "%s: shape %s does not fit Input node %s: expected %s", path,
                            npy_shape_text(a, got, sizeof got), tsu_node_id(input),
                            batch_shape_text(s, want, sizeof want));
    if (a->dims[0] < 1 || a->dims[0] > INT_MAX)
        return tsu_diag_add(diag, TSU_E_SHAPE, NULL, NULL,
                            "%s: %lld samples; predict takes 1 to %d", path,
                            (long long)a->dims[0], INT_MAX);
    return TSU_OK;
}

static tsu_status check_outputs(const tsu_xplan *plan, int n_outputs, tsu_diag *diag)
{
    if (plan->n_inputs != 1)
        return tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL,
                            "predict reads one .npy file: the network has %d Input nodes",
                            plan->n_inputs);
    if (n_outputs == plan->n_outputs) return TSU_OK;
    char ids[512] = "";
    for (int o = 0, n = 0; o < plan->n_outputs && (size_t)n < sizeof ids; o++)
        n += snprintf(ids + n, sizeof ids - (size_t)n, "%s%s", o ? ", " : "",
                      tsu_node_id(plan->outputs[o]));
    return tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL,
                        "%d output file%s given for the network's %d output%s (%s, in this order)",
                        n_outputs, n_outputs == 1 ? "" : "s", plan->n_outputs,
                        plan->n_outputs == 1 ? "" : "s", ids);
}

/* An array (N, *shape) for each output. */
static tsu_status alloc_outputs(const tsu_xplan *plan, int64_t samples, tsu_npy *out,
                                tsu_diag *diag)
{
    for (int o = 0; o < plan->n_outputs; o++) {
        const tsu_shape *s = tsu_node_shape(plan->outputs[o]);
        out[o].ndim = s->ndim + 1;
        out[o].dims[0] = samples;
        for (int d = 0; d < s->ndim; d++) out[o].dims[d + 1] = s->d[d];
        size_t bytes = 0;
        if (!tsu_size_product(out[o].dims, (size_t)out[o].ndim, SIZE_MAX / sizeof(float),
                              &out[o].count) ||
            !tsu_size_mul(out[o].count, sizeof(float), &bytes))
            return tsu_diag_add(diag, TSU_E_NOMEM, tsu_node_id(plan->outputs[o]), NULL,
                                "%lld samples of this output do not fit in memory",
                                (long long)samples);
        out[o].data = tsu_xmalloc(bytes ? bytes : 1);
    }
    return TSU_OK;
}

static tsu_status run_batches(tsu_net *net, const tsu_xplan *plan, const tsu_npy *in,
                              tsu_npy *out, tsu_diag *diag)
{
    const tsu_node *input = plan->inputs[0];
    const size_t in_size = tsu_shape_size(tsu_node_shape(input));
    float *dst = tsu_net_input(net, tsu_node_param(input, "dataset")->string);
    const int samples = (int)in->dims[0];
    for (int at = 0; at < samples; at += PREDICT_BATCH) {
        const int n = samples - at < PREDICT_BATCH ? samples - at : PREDICT_BATCH;
        memcpy(dst, in->data + (size_t)at * in_size, (size_t)n * in_size * sizeof(float));
        tsu_status st = tsu_net_forward(net, n, false, diag);
        if (st != TSU_OK) return st;
        for (int o = 0; o < plan->n_outputs; o++) {
            const size_t size = tsu_shape_size(tsu_node_shape(plan->outputs[o]));
            memcpy(out[o].data + (size_t)at * size, tsu_net_output(net, tsu_node_id(plan->outputs[o])),
                   (size_t)n * size * sizeof(float));
        }
    }
    return TSU_OK;
}

tsu_status tsu_predict_npy(const tsu_project *project, const char *weights, const char *input,
                           int n_outputs, const char *const *outputs, int threads, tsu_diag *diag)
{
    tsu_graph *graph = tsu_graph_build(project, diag);
    tsu_xplan plan = {0};
    tsu_npy in = {0}, *out = NULL;
    tsu_net *net = NULL;
    tsu_status st = tsu_graph_valid(graph) ? tsu_xplan_build(graph, &plan, diag) : TSU_E_GRAPH;
    if (st == TSU_OK) st = check_outputs(&plan, n_outputs, diag);
    if (st == TSU_OK) st = tsu_npy_read(input, &in, diag);
    if (st == TSU_OK) st = check_input(&in, input, plan.inputs[0], diag);
    if (st == TSU_OK) {
        out = tsu_xcalloc((size_t)plan.n_outputs, sizeof *out);
        st = alloc_outputs(&plan, in.dims[0], out, diag);
    }
    if (st == TSU_OK) {
        int batch = in.dims[0] < PREDICT_BATCH ? (int)in.dims[0] : PREDICT_BATCH;
        tsu_net_config cfg = {.max_batch = batch, .threads = threads, .seed = 1, .training = false};
        net = tsu_net_new(graph, &cfg, diag);
        st = net ? tsu_net_load_safetensors(net, weights, diag) : tsu_diag_status(diag);
    }
    if (st == TSU_OK) st = run_batches(net, &plan, &in, out, diag);
    for (int o = 0; st == TSU_OK && o < plan.n_outputs; o++)
        st = tsu_npy_write(outputs[o], &out[o], diag);
    for (int o = 0; out && o < plan.n_outputs; o++) tsu_npy_free(&out[o]);
    free(out);
    tsu_npy_free(&in);
    tsu_net_free(net);
    tsu_xplan_free(&plan);
    tsu_graph_free(graph);
    return st;
}
