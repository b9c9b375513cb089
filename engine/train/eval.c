/* eval.c — a trained network over a dataset: accuracy, the confusion
 * matrix, and NNC's per-sample output table. */
#include "binding.h"

#include <json-c/json.h>
#include <string.h>
#include <time.h>

enum { EVAL_BATCH = 256 };

typedef struct {
    tsu_graph *graph;
    tsu_dataset *data;
    tsu_net *net;
    tsu_binding bind;
    tsu_atomic_file out; /* --outputs, replaced only when complete */
    FILE *csv;           /* out.stream, or NULL */
} evaluation;

static tsu_status open_parts(evaluation *ev, const tsu_project *project, const char *weights,
                             const char *split, int threads, tsu_diag *diag)
{
    ev->graph = tsu_graph_build(project, diag);
    if (!tsu_graph_valid(ev->graph)) return TSU_E_GRAPH;
    struct json_object *datasets = NULL, *spec = NULL;
    json_object_object_get_ex(tsu_project_root(project), "dataset", &datasets);
    if (!datasets || !json_object_object_get_ex(datasets, split, &spec))
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, "dataset.%s: the project names no %s data",
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

static void write_header(const evaluation *ev)
{
    const tsu_binding *b = &ev->bind;
    if (b->task == TSU_TASK_REGRESSION) {
        fprintf(ev->csv, "index");
        for (size_t i = 0; i < b->targets[0].size; i++) fprintf(ev->csv, ",target_%zu", i);
        for (size_t i = 0; i < b->prediction_size; i++) fprintf(ev->csv, ",output_%zu", i);
    } else {
        fprintf(ev->csv, "index,label,prediction");
        for (size_t i = 0; i < b->prediction_size; i++) fprintf(ev->csv, ",p_%zu", i);
    }
    fputc('\n', ev->csv);
}

static void write_rows(const evaluation *ev, int first, int n)
{
    const tsu_binding *b = &ev->bind;
    const float *out = tsu_net_output(ev->net, b->prediction);
    for (int i = 0; i < n; i++) {
        fprintf(ev->csv, "%d", first + i);
        if (b->task == TSU_TASK_REGRESSION) {
            const float *target = b->targets[0].buffer + (size_t)i * b->targets[0].size;
            for (size_t j = 0; j < b->targets[0].size; j++) fprintf(ev->csv, ",%.6g", target[j]);
        } else {
            fprintf(ev->csv, ",%d,%d", tsu_binding_label(b, i), tsu_binding_predict(b, ev->net, i));
        }
        for (size_t j = 0; j < b->prediction_size; j++)
            fprintf(ev->csv, ",%.6g", out[(size_t)i * b->prediction_size + j]);
        fputc('\n', ev->csv);
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

static tsu_status run_batches(evaluation *ev, tsu_eval_result *r, tsu_diag *diag)
{
    int n = tsu_dataset_size(ev->data);
    double started = now_seconds();
    int indices[EVAL_BATCH];
    for (int start = 0; start < n; start += EVAL_BATCH) {
        int b = n - start < EVAL_BATCH ? n - start : EVAL_BATCH;
        for (int i = 0; i < b; i++) indices[i] = start + i;
        tsu_binding_fill(&ev->bind, indices, b);
        tsu_status st = tsu_net_forward(ev->net, b, false, diag);
        if (st != TSU_OK) return st;
        r->loss += tsu_net_loss(ev->net) * b;
        accumulate(ev, r, b);
        if (ev->csv) {
            write_rows(ev, start, b);
            /* A full disk stops the run, not just the file at the end. */
            if (tsu_atomic_failed(&ev->out, diag)) return TSU_E_IO;
        }
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

tsu_status tsu_eval_run(const tsu_project *project, const char *weights, const char *split,
                        int threads, const char *outputs_csv, tsu_eval_result *result,
                        tsu_diag *diag)
{
    memset(result, 0, sizeof *result);
    evaluation ev = {0};
    tsu_status st = open_parts(&ev, project, weights, split, threads, diag);
    if (st == TSU_OK) {
        result->classification = ev.bind.task != TSU_TASK_REGRESSION;
        if (result->classification) tsu_confusion_init(&result->confusion, ev.bind.classes);
        if (outputs_csv) {
            if (tsu_atomic_open(&ev.out, outputs_csv, diag)) ev.csv = ev.out.stream;
            else st = TSU_E_IO;
        }
    }
    if (st == TSU_OK) {
        if (ev.csv) write_header(&ev);
        st = run_batches(&ev, result, diag);
    }
    if (ev.csv && st == TSU_OK) st = tsu_atomic_commit(&ev.out, diag);
    else if (ev.csv) tsu_atomic_abort(&ev.out);
    tsu_net_free(ev.net);
    tsu_dataset_free(ev.data);
    tsu_graph_free(ev.graph);
    return st;
}

void tsu_eval_result_free(tsu_eval_result *result)
{
    tsu_confusion_free(&result->confusion);
}
