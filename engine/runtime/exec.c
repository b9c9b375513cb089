/* exec.c — forward and backward passes over the thread pool, the loss, and
 * the deterministic reduction of per-thread parameter gradients. */
#include "runtime/net-internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tsu_exec_fail(tsu_exec *ex, const tsu_node *node, const char *fmt, ...)
{
    if (ex->error != TSU_OK) return;
    ex->error = TSU_E_DATA;
    snprintf(ex->error_node, sizeof ex->error_node, "%s", node->id);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ex->error_message, sizeof ex->error_message, fmt, ap);
    va_end(ap);
}

static int stage_count(int stages)
{
    return stages > 1 ? stages : 1;
}

static bool runs_backward(const tsu_layer_run *run)
{
    return run->backward_needed && !run->fused_into_loss && !run->fused_into_producer &&
           run->node->kind->ops->backward && !tsu_layer_kind_is_input(run->node->kind);
}

static void add_steps(tsu_step *steps, int *count, int run, const tsu_layer_ops *ops,
                      int first_stage, int stages)
{
    for (int s = first_stage; s < stage_count(stages); s++)
        steps[(*count)++] = (tsu_step){.run = run, .stage = s,
                                       .barrier_before = s > first_stage,
                                       .whole_range = ops->whole_range};
}

void tsu_net_schedule(tsu_net *net)
{
    int total = 0;
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_layer_ops *ops = net->runs[i].node->kind->ops;
        total += stage_count(ops->forward_stages) + stage_count(ops->backward_stages);
    }
    free(net->forward_steps);
    free(net->backward_steps);
    free(net->infer_steps);
    net->forward_steps = tsu_xcalloc((size_t)total + 1, sizeof *net->forward_steps);
    net->backward_steps = tsu_xcalloc((size_t)total + 1, sizeof *net->backward_steps);
    net->infer_steps = tsu_xcalloc((size_t)total + 1, sizeof *net->infer_steps);
    net->n_forward_steps = net->n_backward_steps = net->n_infer_steps = 0;
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_layer_ops *ops = net->runs[i].node->kind->ops;
        if (!ops->forward || net->runs[i].fused_into_producer) continue;
        add_steps(net->forward_steps, &net->n_forward_steps, i, ops, 0, ops->forward_stages);
        int last = stage_count(ops->forward_stages) - 1;
        add_steps(net->infer_steps, &net->n_infer_steps, i, ops,
                  ops->stages_train_only ? last : 0, ops->forward_stages);
    }
    for (int i = net->n_runs - 1; i >= 0; i--)
        if (runs_backward(&net->runs[i]))
            add_steps(net->backward_steps, &net->n_backward_steps, i, net->runs[i].node->kind->ops,
                      0, net->runs[i].node->kind->ops->backward_stages);
}

static void prepare_exec(tsu_net *net, int batch, bool training, uint64_t step)
{
    for (int t = 0; t < net->n_threads; t++) {
        tsu_exec *ex = &net->exec[t];
        ex->thread = t;
        ex->n_threads = net->n_threads;
        ex->batch = batch;
        ex->range_n0 = ex->n0 = (int)((int64_t)batch * t / net->n_threads);
        ex->range_n1 = ex->n1 = (int)((int64_t)batch * (t + 1) / net->n_threads);
        ex->training = training;
        ex->seed = net->cfg.seed;
        ex->step = step;
        ex->work = net->thread_work[t];
        ex->error = TSU_OK;
        ex->error_node[0] = ex->error_message[0] = '\0';
    }
}

static tsu_status collect_errors(const tsu_net *net, tsu_diag *diag)
{
    for (int t = 0; t < net->n_threads; t++) {
        const tsu_exec *ex = &net->exec[t];
        if (ex->error != TSU_OK)
            return tsu_diag_add(diag, ex->error, ex->error_node, NULL, "%s", ex->error_message);
    }
    return TSU_OK;
}

/* Runs steps [first, end) of a schedule over the thread's samples, chunk by
 * chunk (see tsu_exec). */
static void run_segment(tsu_net *net, tsu_exec *ex, const tsu_step *steps, int first, int end,
                        bool backward)
{
    const bool whole = end - first == 1 && steps[first].whole_range;
    const int chunk = whole ? ex->range_n1 - ex->range_n0 : net->chunk_samples;
    for (int a = ex->range_n0;; a += chunk) {
        ex->n0 = a;
        ex->n1 = a + chunk < ex->range_n1 ? a + chunk : ex->range_n1;
        ex->first_chunk = a == ex->range_n0;
        for (int k = first; k < end; k++) {
            tsu_layer_run *run = &net->runs[steps[k].run];
            const tsu_layer_ops *ops = run->node->kind->ops;
            (backward ? ops->backward : ops->forward)(run, ex, steps[k].stage);
        }
        if (ex->n1 >= ex->range_n1) break;
    }
    ex->n0 = ex->range_n0;
    ex->n1 = ex->range_n1;
}

/* A segment ends where a step needs a barrier before it; whole-range steps
 * form segments of their own. */
static bool segment_ends_before(const tsu_step *steps, int first, int k)
{
    return k > first && (steps[k].barrier_before || steps[k].whole_range ||
                         steps[k - 1].whole_range);
}

static void run_schedule(tsu_net *net, tsu_exec *ex, const tsu_step *steps, int count,
                         bool backward)
{
    int first = 0;
    for (int k = 0; k <= count; k++) {
        if (k < count && !segment_ends_before(steps, first, k)) continue;
        run_segment(net, ex, steps, first, k, backward);
        if (k < count && steps[k].barrier_before) tsu_pool_barrier(net->pool);
        first = k;
    }
}

static void forward_thread(void *arg, int thread)
{
    tsu_net *net = arg;
    tsu_exec *ex = &net->exec[thread];
    if (ex->training)
        run_schedule(net, ex, net->forward_steps, net->n_forward_steps, false);
    else
        run_schedule(net, ex, net->infer_steps, net->n_infer_steps, false);
}

static double batch_mean_loss(const tsu_net *net, int batch)
{
    double total = 0.0;
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_layer_run *run = &net->runs[i];
        if (!tsu_layer_kind_is_loss(run->node->kind)) continue;
        double sum = 0.0;
        for (int s = 0; s < batch; s++) sum += run->out[s];
        total += sum / batch;
    }
    return total;
}

tsu_status tsu_net_forward(tsu_net *net, int batch, bool training, tsu_diag *diag)
{
    if (batch < 1 || batch > net->cfg.max_batch)
        return tsu_diag_add(diag, TSU_E_PARAM, NULL, NULL,
                            _("batch of %d samples does not fit the network's 1..%d"), batch,
                            net->cfg.max_batch);
    prepare_exec(net, batch, training, net->step);
    tsu_pool_run(net->pool, forward_thread, net);
    net->batch = batch;
    net->forward_training = training;
    net->forward_step = net->step;
    net->backward_ready = true;
    tsu_status status = collect_errors(net, diag);
    net->loss = status == TSU_OK ? batch_mean_loss(net, batch) : NAN;
    return status;
}

double tsu_net_loss(const tsu_net *net)
{
    return net->loss;
}

static void zero_thread_gradients(tsu_net *net, int thread)
{
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_layer_run *run = &net->runs[i];
        for (int k = 0; k < run->node->n_tensors; k++) {
            float *grad = run->thread_grad[thread * TSU_MAX_TENSORS + k];
            if (grad) memset(grad, 0, run->tensor_size[k] * sizeof *grad);
        }
    }
}

/* grad = ((g0 + g1) + g2) + ...: a fixed order for a fixed thread count.
 * Each thread sums its own share of the elements. */
static void reduce_gradients(tsu_net *net, int thread)
{
    const size_t total = net->trainable_floats;
    const size_t lo = total * (size_t)thread / (size_t)net->n_threads;
    const size_t hi = total * (size_t)(thread + 1) / (size_t)net->n_threads;
    size_t offset = 0;
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_layer_run *run = &net->runs[i];
        for (int k = 0; k < run->node->n_tensors; k++) {
            if (!run->grad[k]) continue;
            size_t n = run->tensor_size[k];
            size_t a = lo > offset ? lo - offset : 0;
            size_t b = hi <= offset ? 0 : hi < offset + n ? hi - offset : n;
            for (int t = 1; t < net->n_threads && a < b; t++) {
                const float *part = run->thread_grad[t * TSU_MAX_TENSORS + k];
                for (size_t j = a; j < b; j++) run->grad[k][j] += part[j];
            }
            offset += n;
        }
    }
}

static void backward_thread(void *arg, int thread)
{
    tsu_net *net = arg;
    tsu_exec *ex = &net->exec[thread];
    zero_thread_gradients(net, thread);
    run_schedule(net, ex, net->backward_steps, net->n_backward_steps, true);
    if (net->n_threads > 1) {
        tsu_pool_barrier(net->pool);
        reduce_gradients(net, thread);
    }
}

tsu_status tsu_net_backward(tsu_net *net, int batch, tsu_diag *diag)
{
    if (!net->cfg.training)
        return tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL,
                            _("this network was made for inference only"));
    if (!net->backward_ready || batch != net->batch)
        return tsu_diag_add(diag, TSU_E_PARAM, NULL, NULL,
                            _("backward of %d samples needs a forward of the same batch first"),
                            batch);
    prepare_exec(net, batch, net->forward_training, net->forward_step);
    tsu_pool_run(net->pool, backward_thread, net);
    net->step++;
    return collect_errors(net, diag);
}

void tsu_net_set_step(tsu_net *net, uint64_t step)
{
    net->step = step;
}

uint64_t tsu_net_step(const tsu_net *net)
{
    return net->step;
}

const char *tsu_net_first_nonfinite(const tsu_net *net)
{
    for (int i = 0; i < net->n_runs; i++) {
        const tsu_layer_run *run = &net->runs[i];
        size_t n = (size_t)net->batch * run->out_size;
        for (size_t j = 0; j < n; j++)
            if (!isfinite(run->out[j])) return run->node->id;
    }
    return NULL;
}
