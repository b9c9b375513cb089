/* eval.c — a trained network over a dataset: accuracy, the confusion
 * matrix, each sample's outputs in memory and NNC's output table written
 * from them. */
#include "binding.h"
#include "rundir.h"

#include <json-c/json.h>
#include <limits.h>
#include <string.h>
#include <time.h>

enum { EVAL_BATCH = 256 };

typedef struct {
    tsu_graph *graph;
    tsu_dataset *data;
    tsu_net *net;
    tsu_binding bind;
} evaluation;

static tsu_status open_parts(evaluation *ev, const tsu_project *project, const char *weights,
                             const char *split, int threads, tsu_diag *diag)
{
    ev->graph = tsu_graph_build(project, diag);
    if (!tsu_graph_valid(ev->graph)) return TSU_E_GRAPH;
    struct json_object *datasets = NULL, *spec = NULL;
    json_object_object_get_ex(tsu_project_root(project), "dataset", &datasets);
    if (!datasets || !json_object_object_get_ex(datasets, split, &spec))
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("dataset.%s: the project names no %s data"),
                            split, split);
    char context[64], *dir = tsu_project_dir(project);
    snprintf(context, sizeof context, "dataset.%s", split);
    ev->data = tsu_dataset_open_named(spec, dir, context, diag);
    free(dir);
    if (!ev->data) return TSU_E_DATA;
    tsu_net_config nc = {.max_batch = EVAL_BATCH, .threads = threads > 0 ? threads : 1,
                         .seed = 1, .training = false};
    ev->net = tsu_net_new(ev->graph, &nc, diag);
    if (!ev->net) return tsu_diag_status(diag);
    tsu_status st = tsu_net_load_safetensors(ev->net, weights, diag);
    if (st != TSU_OK) return st;
    return tsu_binding_init(&ev->bind, ev->graph, ev->net, ev->data, context, diag);
}

bool tsu_eval_result_reserve(tsu_eval_result *r, size_t samples)
{
    size_t n = samples, outputs, targets;
    if (!tsu_size_mul(n, (size_t)r->n_outputs, &outputs) || !tsu_size_mul(outputs, sizeof(float), &outputs) ||
        !tsu_size_mul(n, (size_t)r->n_targets, &targets) || !tsu_size_mul(targets, sizeof(float), &targets))
        return false;
    r->outputs = tsu_xmalloc(outputs ? outputs : 1);
    if (r->classification) {
        r->labels = tsu_xcalloc(n ? n : 1, sizeof *r->labels);
        r->predictions = tsu_xcalloc(n ? n : 1, sizeof *r->predictions);
    } else {
        r->targets = tsu_xmalloc(targets ? targets : 1);
    }
    return true;
}

/* Room for every sample's outputs: sizes from the dataset and the graph,
 * checked. */
static tsu_status keep_room(const evaluation *ev, tsu_eval_result *r, tsu_diag *diag)
{
    const tsu_binding *b = &ev->bind;
    size_t n = (size_t)tsu_dataset_size(ev->data), n_targets = r->classification ? 0 : b->targets[0].size;
    if (b->prediction_size <= INT_MAX && n_targets <= INT_MAX) {
        r->n_outputs = (int)b->prediction_size;
        r->n_targets = (int)n_targets;
        if (tsu_eval_result_reserve(r, n)) return TSU_OK;
    }
    return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("%zu samples of %zu outputs are too many to keep"), n,
                        b->prediction_size);
}

/* Samples [first, first + n) of the last forward pass. */
static void keep_outputs(const evaluation *ev, tsu_eval_result *r, int first, int n)
{
    const tsu_binding *b = &ev->bind;
    size_t width = b->prediction_size;
    memcpy(r->outputs + (size_t)first * width, tsu_net_output(ev->net, b->prediction),
           (size_t)n * width * sizeof(float));
    if (!r->classification) {
        size_t t = (size_t)r->n_targets;
        memcpy(r->targets + (size_t)first * t, b->targets[0].buffer, (size_t)n * t * sizeof(float));
        return;
    }
    for (int i = 0; i < n; i++) {
        r->labels[first + i] = tsu_binding_label(b, i);
        r->predictions[first + i] = tsu_binding_predict(b, ev->net, i);
    }
}

static void accumulate(evaluation *ev, tsu_eval_result *r, int n)
{
    const tsu_binding *b = &ev->bind;
    if (b->task == TSU_TASK_REGRESSION) {
        const float *out = tsu_net_output(ev->net, b->prediction);
        const float *target = b->targets[0].buffer;
        size_t m = (size_t)n * b->prediction_size;
        for (size_t j = 0; j < m && b->targets[0].size == b->prediction_size; j++) {
            double d = (double)out[j] - target[j];
            r->mean_squared_error += d * d / (double)b->prediction_size;
        }
        return;
    }
    for (int i = 0; i < n; i++)
        tsu_confusion_add(&r->confusion, tsu_binding_label(b, i), tsu_binding_predict(b, ev->net, i));
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static tsu_status run_batches(evaluation *ev, const tsu_eval_options *o, tsu_eval_result *r,
                              tsu_diag *diag)
{
    int n = tsu_dataset_size(ev->data);
    double started = now_seconds();
    int indices[EVAL_BATCH];
    for (int start = 0; start < n; start += EVAL_BATCH) {
        if (o->stop_requested && *o->stop_requested)
            return tsu_diag_add(diag, TSU_E_STOPPED, NULL, NULL, _("the evaluation was stopped"));
        int b = n - start < EVAL_BATCH ? n - start : EVAL_BATCH;
        for (int i = 0; i < b; i++) indices[i] = start + i;
        tsu_binding_fill(&ev->bind, indices, b);
        tsu_status st = tsu_net_forward(ev->net, b, false, diag);
        if (st != TSU_OK) return st;
        r->loss += tsu_net_loss(ev->net) * b;
        accumulate(ev, r, b);
        if (o->keep_outputs) keep_outputs(ev, r, start, b);
    }
    r->samples = n;
    double seconds = now_seconds() - started;
    r->images_per_second = seconds > 0 ? n / seconds : 0;
    if (n > 0) {
        r->loss /= n;
        r->mean_squared_error /= n;
    }
    return TSU_OK;
}

tsu_status tsu_eval_run(const tsu_project *project, const char *weights,
                        const tsu_eval_options *options, tsu_eval_result *result, tsu_diag *diag)
{
    memset(result, 0, sizeof *result);
    const char *split = options->split ? options->split : "validation";
    evaluation ev = {0};
    tsu_status st = open_parts(&ev, project, weights, split, options->threads, diag);
    if (st == TSU_OK) {
        result->classification = ev.bind.task != TSU_TASK_REGRESSION;
        if (result->classification) tsu_confusion_init(&result->confusion, ev.bind.classes);
        if (options->keep_outputs) st = keep_room(&ev, result, diag);
    }
    if (st == TSU_OK) st = run_batches(&ev, options, result, diag);
    tsu_net_free(ev.net);
    tsu_dataset_free(ev.data);
    tsu_graph_free(ev.graph);
    return st;
}

static void write_header(const tsu_eval_result *r, FILE *csv)
{
    if (r->classification) {
        fprintf(csv, "index,label,prediction");
        for (int i = 0; i < r->n_outputs; i++) fprintf(csv, ",p_%d", i);
    } else {
        fprintf(csv, "index");
        for (int i = 0; i < r->n_targets; i++) fprintf(csv, ",target_%d", i);
        for (int i = 0; i < r->n_outputs; i++) fprintf(csv, ",output_%d", i);
    }
    fputc('\n', csv);
}

static void write_row(const tsu_eval_result *r, int i, FILE *csv)
{
    fprintf(csv, "%d", i);
    if (r->classification) {
        fprintf(csv, ",%d,%d", r->labels[i], r->predictions[i]);
    } else {
        const float *target = r->targets + (size_t)i * (size_t)r->n_targets;
        for (int j = 0; j < r->n_targets; j++) fprintf(csv, ",%.6g", target[j]);
    }
    const float *out = r->outputs + (size_t)i * (size_t)r->n_outputs;
    for (int j = 0; j < r->n_outputs; j++) fprintf(csv, ",%.6g", out[j]);
    fputc('\n', csv);
}

static tsu_status tsu_eval_write_outputs_body(const tsu_eval_result *result, const char *path, tsu_diag *diag)
{
    tsu_assert(result->outputs);
    tsu_atomic_file out;
    if (!tsu_atomic_open(&out, path, diag)) return TSU_E_IO;
    write_header(result, out.stream);
    for (int i = 0; i < result->samples; i++) {
        write_row(result, i, out.stream);
        /* A full disk stops here, not after writing the rest into nothing. */
        if (i % EVAL_BATCH == 0 && tsu_atomic_failed(&out, diag)) {
            tsu_atomic_abort(&out);
            return TSU_E_IO;
        }
    }
    return tsu_atomic_commit(&out, diag);
}

tsu_status tsu_eval_write_outputs(const tsu_eval_result *result, const char *path, tsu_diag *diag)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_status status = tsu_eval_write_outputs_body(result, path, diag);
    tsu_c_numeric_end(&scope);
    return status;
}

void tsu_eval_result_free(tsu_eval_result *result)
{
    tsu_confusion_free(&result->confusion);
    free(result->labels);
    free(result->predictions);
    free(result->outputs);
    free(result->targets);
    result->labels = result->predictions = NULL;
    result->outputs = result->targets = NULL;
}
