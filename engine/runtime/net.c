/* net.c — a network ready to run: one arena for every buffer, planned from
 * the graph at creation so nothing allocates while training. */
#include "runtime/net-internal.h"


#include <cblas.h>
#include <string.h>

#define ALIGN_BYTES 64
/* A few samples' activations fit in a core's L2 cache (measured on the seed
 * network: see docs/runtime.md). */
#define TSU_CHUNK_SAMPLES 3

typedef struct {
    unsigned char *base;       /* NULL while measuring */
    size_t used;
    const tsu_node *node;      /* whose buffers are being placed, for messages */
    bool overflowed;           /* a size did not fit in size_t */
    const tsu_node *overflow;  /* cursor->node when it happened (NULL: the net's own) */
} arena_cursor;

static void *overflow(arena_cursor *cursor)
{
    if (!cursor->overflowed) cursor->overflow = cursor->node;
    cursor->overflowed = true;
    return NULL;
}

/* count items of size bytes, 64-byte aligned. Counts come from the batch
 * size and the graph's shapes, so every step is checked: a wrapped size
 * would give a small arena that later writes run past. */
static void *take(arena_cursor *cursor, size_t count, size_t size)
{
    size_t bytes, padded, end;
    if (!tsu_size_mul(count, size, &bytes) || !tsu_size_add(bytes, ALIGN_BYTES - 1, &padded) ||
        !tsu_size_add(cursor->used, padded / ALIGN_BYTES * ALIGN_BYTES, &end))
        return overflow(cursor);
    size_t at = cursor->used;
    cursor->used = end;
    return cursor->base && bytes ? cursor->base + at : NULL;
}

/* count1 * count2 floats (a batch times a per-sample size, say). */
static float *take_floats(arena_cursor *cursor, size_t count1, size_t count2)
{
    size_t count;
    if (!tsu_size_mul(count1, count2, &count)) return overflow(cursor);
    return take(cursor, count, sizeof(float));
}

static int consumer_count(const tsu_net *net, const tsu_node *node)
{
    int count = 0;
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_node *m = net->runs[i].node;
        for (int j = 0; j < m->n_inputs; j++) count += m->inputs[j] == node;
    }
    return count;
}

/* Which nodes take part in backward: those on a path from a trainable
 * tensor (or, for gradient checks, an Input) to a loss. */
static void mark_backward(tsu_net *net)
{
    int n = net->n_runs;
    bool *from_params = tsu_xcalloc((size_t)n, sizeof *from_params);
    bool *to_loss = tsu_xcalloc((size_t)n, sizeof *to_loss);
    for (int i = 0; i < n; i++) {
        const tsu_node *node = net->runs[i].node;
        for (int k = 0; k < node->n_tensors; k++) from_params[i] |= node->tensors[k].trainable;
        if (net->input_gradients && tsu_layer_kind_is_input(node->kind)) from_params[i] = true;
        for (int j = 0; j < node->n_inputs; j++) from_params[i] |= from_params[node->inputs[j]->topo_index];
    }
    for (int i = n - 1; i >= 0; i--) {
        const tsu_node *node = net->runs[i].node;
        if (tsu_layer_kind_is_loss(node->kind)) to_loss[i] = true;
        if (!to_loss[i]) continue;
        for (int j = 0; j < node->n_inputs; j++) to_loss[node->inputs[j]->topo_index] = true;
    }
    for (int i = 0; i < n; i++) net->runs[i].backward_needed = from_params[i] && to_loss[i];
    free(from_params);
    free(to_loss);
}

/* The fusions the kinds declare (tsu_layer_kind.fusion): a loss that
 * differentiates straight through the layer before it (stable and cheaper),
 * and a layer that computes its only reader's output in its own pass. Each
 * applies only when the producer's output is read by nothing else. */
static void find_fusions(tsu_net *net)
{
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        const tsu_node *node = run->node;
        if (node->n_inputs < 1) continue;
        const tsu_node *producer = node->inputs[0];
        if (consumer_count(net, producer) != 1) continue;
        tsu_layer_run *fused = &net->runs[producer->topo_index];
        if (tsu_layer_kind_is_loss(node->kind) && node->kind->fusion.through &&
            producer->kind == node->kind->fusion.through) {
            run->fused = fused;
            fused->fused_into_loss = true;
        } else if (producer->kind->fusion.absorbs && node->kind == producer->kind->fusion.absorbs) {
            fused->relu_after = run;
            run->fused_into_producer = true;
        }
    }
}

/* Backward visits runs in reverse order; the first to reach an input writes
 * its gradient and later ones add to it. Inputs outside backward get none. */
static void plan_gradient_writes(tsu_net *net)
{
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        for (int j = 0; j < run->n_inputs; j++) {
            const tsu_layer_run *producer = &net->runs[run->node->inputs[j]->topo_index];
            run->din[j] = producer->backward_needed ? producer->dout : NULL;
            run->din_accumulate[j] = false;
        }
    }
    bool *written = tsu_xcalloc((size_t)net->n_runs, sizeof *written);
    for (int i = net->n_runs - 1; i >= 0; i--) {
        tsu_layer_run *run = &net->runs[i];
        if (!run->backward_needed) continue;
        for (int j = 0; j < run->n_inputs; j++) {
            int producer = run->node->inputs[j]->topo_index;
            if (!net->runs[producer].backward_needed) continue;
            run->din_accumulate[j] = written[producer];
            written[producer] = true;
        }
    }
    free(written);
}

static tsu_net_feed *find_feed(tsu_net_feed *feeds, int count, const char *variable)
{
    for (int i = 0; i < count; i++)
        if (strcmp(feeds[i].variable, variable) == 0) return &feeds[i];
    return NULL;
}

/* Collects Input and target variables; several nodes reading one variable
 * share its buffer, so they must agree on its size. */
static bool collect_feeds(tsu_net *net, tsu_diag *diag)
{
    net->inputs = tsu_xcalloc((size_t)net->n_runs, sizeof *net->inputs);
    net->targets = tsu_xcalloc((size_t)net->n_runs, sizeof *net->targets);
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        const tsu_node *node = run->node;
        bool input = tsu_layer_kind_is_input(node->kind);
        if (!input && !tsu_layer_kind_is_loss(node->kind)) continue;
        const tsu_value *v = tsu_node_param(node, "dataset");
        tsu_assert(v && v->string);
        size_t size = input ? run->out_size : node->kind->ops->target_floats(node);
        if (!input) run->target_size = size;
        tsu_net_feed *feeds = input ? net->inputs : net->targets;
        int *count = input ? &net->n_inputs : &net->n_targets;
        tsu_net_feed *feed = find_feed(feeds, *count, v->string);
        if (!feed) {
            feed = &feeds[(*count)++];
            snprintf(feed->variable, sizeof feed->variable, "%s", v->string);
            feed->size = size;
        } else if (feed->size != size) {
            tsu_diag_add(diag, TSU_E_SHAPE, node->id, "dataset",
                         _("variable %s has %zu values per sample here but %zu elsewhere"),
                         v->string, size, feed->size);
            return false;
        }
    }
    return true;
}

static void link_runs(tsu_net *net)
{
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        const tsu_node *node = run->node;
        run->node = node;
        run->index = i;
        run->n_inputs = node->n_inputs;
        size_t n = (size_t)(node->n_inputs ? node->n_inputs : 1);
        run->in = tsu_xcalloc(n, sizeof *run->in);
        run->in_size = tsu_xcalloc(n, sizeof *run->in_size);
        run->din = tsu_xcalloc(n, sizeof *run->din);
        run->din_accumulate = tsu_xcalloc(n, sizeof *run->din_accumulate);
        run->thread_grad = tsu_xcalloc((size_t)net->n_threads * TSU_MAX_TENSORS,
                                       sizeof *run->thread_grad);
        run->out_size = tsu_shape_size(&node->shape);
        for (int j = 0; j < node->n_inputs; j++)
            run->in_size[j] = tsu_shape_size(&node->inputs[j]->shape);
        for (int k = 0; k < node->n_tensors; k++)
            run->tensor_size[k] = tsu_shape_size(&node->tensors[k].shape);
    }
}

/* The first node reading a dataset variable, to name in messages. */
static const tsu_node *feed_reader(const tsu_net *net, const char *variable)
{
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_value *v = tsu_node_param(net->runs[i].node, "dataset");
        if (v && v->string && strcmp(v->string, variable) == 0) return net->runs[i].node;
    }
    return NULL;
}

/* Places every buffer; with cursor->base NULL it only measures. */
static void place_buffers(tsu_net *net, arena_cursor *cursor)
{
    const size_t batch = (size_t)net->cfg.max_batch;
    const bool training = net->cfg.training;
    for (int f = 0; f < net->n_inputs; f++) {
        cursor->node = feed_reader(net, net->inputs[f].variable);
        net->inputs[f].data = take_floats(cursor, batch, net->inputs[f].size);
    }
    for (int f = 0; f < net->n_targets; f++) {
        cursor->node = feed_reader(net, net->targets[f].variable);
        net->targets[f].data = take_floats(cursor, batch, net->targets[f].size);
    }
    cursor->node = NULL;
    size_t work = 0;
    float *grad_base = NULL;
    size_t grad_offset = 0;
    if (training && net->n_threads > 1)
        grad_base = take_floats(cursor, (size_t)(net->n_threads - 1), net->trainable_floats);
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        const tsu_node *node = run->node;
        const tsu_layer_ops *ops = node->kind->ops;
        cursor->node = node;
        const tsu_value *dataset = tsu_node_param(node, "dataset");
        if (tsu_layer_kind_is_input(node->kind))
            run->out = find_feed(net->inputs, net->n_inputs, dataset->string)->data;
        else
            run->out = take_floats(cursor, batch, run->out_size);
        if (tsu_layer_kind_is_loss(node->kind))
            run->target = find_feed(net->targets, net->n_targets, dataset->string)->data;
        bool loss = tsu_layer_kind_is_loss(node->kind);
        /* Even nodes outside backward (Inputs, layers before any parameter)
         * get one, so gradient checks can switch their gradients on. */
        run->dout = training && !loss ? take_floats(cursor, batch, run->out_size) : NULL;
        run->aux_bytes = ops->aux_bytes ? ops->aux_bytes(node, training) : 0;
        run->aux = take(cursor, batch, run->aux_bytes);
        run->shared = take(cursor, 1, ops->shared_bytes ? ops->shared_bytes(node, net->n_threads) : 0);
        if (ops->work_floats && ops->work_floats(node) > work) work = ops->work_floats(node);
        for (int k = 0; k < node->n_tensors; k++) {
            run->data[k] = take_floats(cursor, 1, run->tensor_size[k]);
            bool trainable = node->tensors[k].trainable && training;
            run->grad[k] = trainable ? take_floats(cursor, 1, run->tensor_size[k]) : NULL;
            if (!trainable) continue;
            run->thread_grad[k] = run->grad[k];
            for (int t = 1; t < net->n_threads; t++)
                run->thread_grad[t * TSU_MAX_TENSORS + k] =
                    grad_base ? grad_base + (size_t)(t - 1) * net->trainable_floats + grad_offset
                              : NULL;
            grad_offset += run->tensor_size[k];
        }
    }
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        for (int j = 0; j < run->n_inputs; j++)
            run->in[j] = net->runs[run->node->inputs[j]->topo_index].out;
    }
    cursor->node = NULL;
    for (int t = 0; t < net->n_threads; t++) net->thread_work[t] = take_floats(cursor, 1, work);
}

static void list_tensors(tsu_net *net)
{
    int count = 0;
    for (int i = 0; i < net->n_runs; i++) count += net->runs[i].node->n_tensors;
    net->n_tensors = count;
    net->tensors = tsu_xcalloc((size_t)(count ? count : 1), sizeof *net->tensors);
    int at = 0;
    net->trainable_floats = 0;
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        for (int k = 0; k < run->node->n_tensors; k++) {
            const tsu_tensor_info *info = &run->node->tensors[k];
            tsu_net_tensor *t = &net->tensors[at++];
            snprintf(t->name, sizeof t->name, "%s.%s", run->node->id, info->name);
            t->shape = info->shape;
            t->size = run->tensor_size[k];
            t->trainable = info->trainable;
            if (info->trainable) net->trainable_floats += t->size;
        }
    }
}

static void bind_tensors(tsu_net *net)
{
    int at = 0;
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        for (int k = 0; k < run->node->n_tensors; k++, at++) {
            net->tensors[at].data = run->data[k];
            net->tensors[at].grad = run->grad[k];
        }
    }
}

static bool check_supported(const tsu_net *net, tsu_diag *diag)
{
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_node *node = net->runs[i].node;
        if (node->kind->ops) continue;
        tsu_diag_add(diag, TSU_E_UNSUPPORTED, node->id, NULL,
                     _("the runtime cannot run %s layers yet"), node->kind->name);
        return false;
    }
    return true;
}

bool tsu_net_plan(tsu_net *net, tsu_diag *diag)
{
    link_runs(net);
    if (!check_supported(net, diag)) return false;
    mark_backward(net);
    find_fusions(net);
    if (!collect_feeds(net, diag)) return false;
    list_tensors(net);
    arena_cursor cursor = {0};
    place_buffers(net, &cursor);
    if (cursor.overflowed) {
        tsu_diag_add(diag, TSU_E_NOMEM, cursor.overflow ? cursor.overflow->id : NULL, NULL,
                     _("at batch size %d the network's buffers exceed the address space"),
                     net->cfg.max_batch);
        return false;
    }
    net->arena_bytes = cursor.used;
    net->arena = aligned_alloc(ALIGN_BYTES, cursor.used ? cursor.used : ALIGN_BYTES);
    if (!net->arena) {
        tsu_diag_add(diag, TSU_E_NOMEM, NULL, NULL, _("cannot allocate %zu MiB for the network"),
                     cursor.used >> 20);
        return false;
    }
    memset(net->arena, 0, cursor.used);
    cursor = (arena_cursor){.base = net->arena};
    place_buffers(net, &cursor);
    bind_tensors(net);
    plan_gradient_writes(net);
    tsu_net_schedule(net);
    net->first_loss = -1;
    for (int i = 0; i < net->n_runs && net->first_loss < 0; i++)
        if (tsu_layer_kind_is_loss(net->runs[i].node->kind)) net->first_loss = i;
    return true;
}

void tsu_net_set_input_gradients(tsu_net *net, bool enabled)
{
    net->input_gradients = enabled;
    mark_backward(net);
    plan_gradient_writes(net);
    tsu_net_schedule(net);
}

tsu_net *tsu_net_new(const tsu_graph *graph, const tsu_net_config *cfg, tsu_diag *diag)
{
    tsu_assert(graph && cfg);
    if (!tsu_graph_valid(graph)) {
        tsu_diag_add(diag, TSU_E_GRAPH, NULL, NULL, _("the network has errors; fix them first"));
        return NULL;
    }
    if (cfg->max_batch < 1) {
        tsu_diag_add(diag, TSU_E_PARAM, NULL, NULL, _("batch size must be at least 1, got %d"),
                     cfg->max_batch);
        return NULL;
    }
    graph = tsu_graph_runnable(graph); /* repeat blocks unrolled */
    tsu_net *net = tsu_xcalloc(1, sizeof *net);
    net->graph = graph;
    net->cfg = *cfg;
    net->n_threads = cfg->threads < 1 ? 1 : cfg->threads > TSU_MAX_THREADS ? TSU_MAX_THREADS
                                                                           : cfg->threads;
    net->n_runs = graph->n_nodes;
    net->runs = tsu_xcalloc((size_t)(net->n_runs ? net->n_runs : 1), sizeof *net->runs);
    for (int i = 0; i < net->n_runs; i++) net->runs[i].node = graph->order[i];
    net->thread_work = tsu_xcalloc((size_t)net->n_threads, sizeof *net->thread_work);
    net->exec = tsu_xcalloc((size_t)net->n_threads, sizeof *net->exec);
    net->chunk_samples = TSU_CHUNK_SAMPLES;
    if (!tsu_net_plan(net, diag)) {
        tsu_net_free(net);
        return NULL;
    }
    tsu_net_init_weights(net);
    /* Parallelism is across the batch: each worker runs single-threaded sgemm. */
    openblas_set_num_threads(1);
    net->pool = tsu_pool_new(net->n_threads);
    return net;
}

void tsu_net_free(tsu_net *net)
{
    if (!net) return;
    tsu_pool_free(net->pool);
    for (int i = 0; i < net->n_runs; i++) {
        tsu_layer_run *run = &net->runs[i];
        free(run->in);
        free(run->in_size);
        free(run->din);
        free(run->din_accumulate);
        free(run->thread_grad);
    }
    free(net->runs);
    free(net->forward_steps);
    free(net->backward_steps);
    free(net->infer_steps);
    free(net->arena);
    free(net->tensors);
    free(net->thread_work);
    free(net->exec);
    free(net->inputs);
    free(net->targets);
    free(net);
}
