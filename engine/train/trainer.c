/* trainer.c — tsu_train_run: epochs of shuffled batches, validation, files,
 * and events. Synchronous and thread-agnostic: the caller picks the thread. */
#include "binding.h"
#include "layer-stats.h"
#include "rundir.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const tsu_train_options *options;
    tsu_train_callback callback;
    void *user_data;
    tsu_diag *diag;
    tsu_train_config config;
    int limit;
    tsu_graph *graph;
    tsu_dataset *train_data, *valid_data;
    tsu_net *net;
    tsu_binding train_bind, valid_bind;
    tsu_optimizer *optimizer;
    int *order;
    int n_train, n_valid;
    char *run_dir;
    char *history;
    size_t history_length;
    double best_loss;
    int64_t step;
    tsu_stats_sampler sampler;
    double last_sample;   /* when layer statistics were last sampled */
} trainer;

/* Layer statistics go out at most this often (seconds). */
#define STATS_INTERVAL 0.25

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void emit(trainer *t, tsu_train_event *e)
{
    e->epochs = t->config.epochs;
    e->train_samples = t->n_train;
    e->validation_samples = t->n_valid;
    e->run_dir = t->run_dir;
    if (t->callback) t->callback(e, t->user_data);
}

static bool stop_requested(const trainer *t)
{
    const volatile int *stop = t->options ? t->options->stop_requested : NULL;
    const volatile int *pause = t->options ? t->options->pause_requested : NULL;
    while (pause && *pause && !(stop && *stop)) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return stop && *stop;
}

/* An override replaces a setting only within the setting's own bounds: the
 * run's project.tsumiki records it, and must read back. */
static bool override_setting(trainer *t, tsu_train_setting setting, double value)
{
    const tsu_setting_desc *desc = tsu_train_setting_desc(setting);
    if (value < desc->min || value > desc->max) {
        char path[96];
        tsu_train_setting_path(setting, path, sizeof path);
        tsu_diag_add(t->diag, TSU_E_PARAM, NULL, NULL,
                     _("%s: the run asks for %.17g, outside %.17g to %.17g"), path, value,
                     desc->min, desc->max);
        return false;
    }
    tsu_train_config_set(&t->config, setting, value);
    return true;
}

static bool apply_overrides(trainer *t)
{
    const tsu_train_options *o = t->options;
    if (!o) return true;
    if (o->epochs > 0 && !override_setting(t, TSU_SETTING_EPOCHS, o->epochs)) return false;
    if (o->batch_size > 0 && !override_setting(t, TSU_SETTING_BATCH_SIZE, o->batch_size))
        return false;
    if (o->threads > 0 && !override_setting(t, TSU_SETTING_THREADS, o->threads)) return false;
    if (o->seed_set && !override_setting(t, TSU_SETTING_SEED, (double)o->seed)) return false;
    t->limit = o->limit;
    if (t->config.threads <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        t->config.threads = cores > 0 ? (int)cores : 1;
    }
    return true;
}

static tsu_dataset *open_dataset(const tsu_project *project, const char *key, bool required,
                                 int limit, tsu_diag *diag)
{
    struct json_object *datasets = NULL, *spec = NULL;
    json_object_object_get_ex(tsu_project_root(project), "dataset", &datasets);
    if (!datasets || !json_object_object_get_ex(datasets, key, &spec)) {
        if (required)
            tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                         _("dataset.%s: the project names no %s data"), key, key);
        return NULL;
    }
    struct json_object *copy = NULL;
    json_object_deep_copy(spec, &copy, NULL);
    if (limit > 0 && json_object_is_type(copy, json_type_object))
        json_object_object_add(copy, "limit", json_object_new_int(limit));
    char context[64], *dir = tsu_project_dir(project);
    snprintf(context, sizeof context, "dataset.%s", key);
    tsu_dataset *ds = tsu_dataset_open_named(copy, dir, context, diag);
    free(dir);
    json_object_put(copy);
    return ds;
}

static tsu_status prepare(trainer *t, const tsu_project *project)
{
    tsu_diag *diag = t->diag;
    if (tsu_train_config_read(project, &t->config, diag) != TSU_OK) return TSU_E_FORMAT;
    if (!apply_overrides(t)) return TSU_E_PARAM;
    t->graph = tsu_graph_build(project, diag);
    if (!tsu_graph_valid(t->graph)) return TSU_E_GRAPH;
    t->train_data = open_dataset(project, "training", true, t->limit, diag);
    if (!t->train_data) return TSU_E_DATA;
    t->valid_data = open_dataset(project, "validation", false, 0, diag);
    if (diag->count) return TSU_E_DATA;
    tsu_net_config nc = {.max_batch = t->config.batch_size, .threads = t->config.threads,
                         .seed = t->config.seed, .training = true};
    t->net = tsu_net_new(t->graph, &nc, diag);
    if (!t->net) return tsu_diag_status(diag);
    if (tsu_binding_init(&t->train_bind, t->graph, t->net, t->train_data, "dataset.training",
                         diag) != TSU_OK)
        return TSU_E_DATA;
    if (t->valid_data && tsu_binding_init(&t->valid_bind, t->graph, t->net, t->valid_data,
                                          "dataset.validation", diag) != TSU_OK)
        return TSU_E_DATA;
    t->n_train = tsu_dataset_size(t->train_data);
    t->n_valid = t->valid_data ? tsu_dataset_size(t->valid_data) : 0;
    if (t->n_train == 0)
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("dataset.training: no samples"));
    t->order = tsu_xcalloc((size_t)(t->n_train > t->n_valid ? t->n_train : t->n_valid), sizeof(int));
    t->optimizer = tsu_optimizer_new(&t->config);
    for (int i = 0; i < tsu_net_tensor_count(t->net); i++) {
        tsu_net_tensor *tensor = tsu_net_tensor_at(t->net, i);
        if (tensor->trainable) tsu_optimizer_add(t->optimizer, tensor->data, tensor->grad, tensor->size);
    }
    tsu_stats_sampler_init(&t->sampler, t->graph, t->net);
    t->run_dir = tsu_run_dir_create(project, t->options ? t->options->out_dir : NULL, diag);
    if (!t->run_dir) return TSU_E_IO;
    t->best_loss = INFINITY;
    tsu_status st = tsu_run_dir_write_project(t->run_dir, project, &t->config, t->limit, diag);
    if (st == TSU_OK) st = tsu_run_set_status(t->run_dir, TSU_RUN_STATUS_RUNNING, NULL, diag);
    return st;
}

static tsu_status diverged(trainer *t, int epoch, int iteration)
{
    const char *node = tsu_net_first_nonfinite(t->net);
    if (node)
        return tsu_diag_add(t->diag, TSU_E_NONFINITE, node, NULL,
                            _("output became NaN or infinite at epoch %d, batch %d: training "
                              "diverged (try a lower learning rate)"),
                            epoch, iteration);
    return tsu_diag_add(t->diag, TSU_E_NONFINITE, NULL, NULL,
                        _("the loss became NaN or infinite at epoch %d, batch %d: training "
                          "diverged (try a lower learning rate)"),
                        epoch, iteration);
}

typedef struct {
    double loss_sum;   /* sum over samples */
    int64_t correct, samples;
} pass_totals;

/* One epoch of training batches. */
static tsu_status train_epoch(trainer *t, int epoch, pass_totals *totals, double *images_per_s)
{
    const int batch = t->config.batch_size, n = t->n_train;
    const int iterations = (n + batch - 1) / batch;
    tsu_dataset_epoch_order(n, t->config.seed, epoch - 1, t->order);
    double start = now_seconds();
    for (int it = 0; it < iterations; it++) {
        if (stop_requested(t)) return TSU_E_STOPPED;
        int b = n - it * batch < batch ? n - it * batch : batch;
        tsu_binding_fill(&t->train_bind, t->order + it * batch, b);
        tsu_status st = tsu_net_forward(t->net, b, true, t->diag);
        if (st != TSU_OK) return st;
        double loss = tsu_net_loss(t->net);
        if (!isfinite(loss)) return diverged(t, epoch, it + 1);
        totals->loss_sum += loss * b;
        totals->correct += tsu_binding_correct(&t->train_bind, t->net, b);
        totals->samples += b;
        if ((st = tsu_net_backward(t->net, b, t->diag)) != TSU_OK) return st;
        double lr = tsu_train_config_lr_at(&t->config, epoch - 1 + (double)it / iterations);
        tsu_optimizer_step(t->optimizer, lr);
        t->step++;
        double elapsed = now_seconds() - start;
        *images_per_s = elapsed > 0 ? totals->samples / elapsed : 0;
        double remaining = (double)(t->config.epochs - epoch) * n + (n - totals->samples);
        tsu_train_event e = {.kind = TSU_EVENT_ITERATION, .epoch = epoch, .iteration = it + 1,
                             .iterations = iterations, .step = t->step, .loss = loss,
                             .learning_rate = lr, .images_per_second = *images_per_s,
                             .eta_seconds = *images_per_s > 0 ? remaining / *images_per_s : 0};
        double now = now_seconds();
        if (now - t->last_sample >= STATS_INTERVAL || it + 1 == iterations) {
            /* After the step: the weights are updated, the gradients are
             * still this batch's. */
            t->last_sample = now;
            tsu_stats_sampler_sample(&t->sampler, t->net, b);
            e.layer_stats = t->sampler.stats;
            e.n_layer_stats = t->sampler.n_nodes;
        }
        emit(t, &e);
    }
    return TSU_OK;
}

/* Inference over the validation set; loss as the mean over samples. */
static tsu_status validate(trainer *t, pass_totals *totals)
{
    const int batch = t->config.batch_size, n = t->n_valid;
    for (int i = 0; i < n; i++) t->order[i] = i;
    for (int start = 0; start < n; start += batch) {
        if (stop_requested(t)) return TSU_E_STOPPED;
        int b = n - start < batch ? n - start : batch;
        tsu_binding_fill(&t->valid_bind, t->order + start, b);
        tsu_status st = tsu_net_forward(t->net, b, false, t->diag);
        if (st != TSU_OK) return st;
        totals->loss_sum += tsu_net_loss(t->net) * b;
        totals->correct += tsu_binding_correct(&t->valid_bind, t->net, b);
        totals->samples += b;
    }
    return TSU_OK;
}

static tsu_status save_weights(trainer *t, tsu_run_file file)
{
    char *path = tsu_run_path(t->run_dir, file);
    tsu_status st = tsu_net_save_safetensors(t->net, path, t->diag);
    free(path);
    return st;
}

static tsu_status finish_epoch(trainer *t, tsu_train_event *e)
{
    double score = isnan(e->validation_loss) ? e->train_loss : e->validation_loss;
    e->best = score < t->best_loss;
    tsu_status st = save_weights(t, TSU_RUN_WEIGHTS);
    if (st == TSU_OK && e->best) {
        t->best_loss = score;
        st = save_weights(t, TSU_RUN_BEST);
    }
    tsu_history_append(&t->history, &t->history_length, e);
    if (st == TSU_OK) st = tsu_run_dir_write(t->run_dir, TSU_RUN_HISTORY, t->history, t->diag);
    return st;
}

static tsu_status run_epochs(trainer *t)
{
    bool classify = t->train_bind.task != TSU_TASK_REGRESSION;
    for (int epoch = 1; epoch <= t->config.epochs; epoch++) {
        double start = now_seconds(), speed = 0;
        pass_totals train = {0}, valid = {0};
        tsu_status st = train_epoch(t, epoch, &train, &speed);
        if (st == TSU_OK && t->valid_data) st = validate(t, &valid);
        if (st != TSU_OK) return st;
        tsu_train_event e = {
            .kind = TSU_EVENT_EPOCH, .epoch = epoch, .step = t->step,
            .train_loss = train.loss_sum / (double)train.samples,
            .train_accuracy = classify ? (double)train.correct / (double)train.samples : NAN,
            .validation_loss = valid.samples ? valid.loss_sum / (double)valid.samples : NAN,
            .validation_accuracy = valid.samples && classify
                                       ? (double)valid.correct / (double)valid.samples : NAN,
            .seconds = now_seconds() - start, .images_per_second = speed,
            .learning_rate = tsu_train_config_lr_at(&t->config, epoch - 1),
        };
        if ((st = finish_epoch(t, &e)) != TSU_OK) return st;
        emit(t, &e);
    }
    return TSU_OK;
}

/* How the run ended goes into run.json, so the run lists say it later; a
 * failure to write it is reported but does not hide the run's own end. */
static void record_status(trainer *t, tsu_status st, const char *message)
{
    if (!t->run_dir) return;
    tsu_run_status status = st == TSU_OK ? TSU_RUN_STATUS_FINISHED
                          : st == TSU_E_STOPPED ? TSU_RUN_STATUS_STOPPED : TSU_RUN_STATUS_FAILED;
    char *reason = message ? tsu_xstrdup(message) : NULL; /* the diag may grow under it */
    tsu_run_set_status(t->run_dir, status, reason, t->diag);
    free(reason);
}

static void cleanup(trainer *t)
{
    tsu_stats_sampler_free(&t->sampler);
    tsu_optimizer_free(t->optimizer);
    tsu_net_free(t->net);
    tsu_dataset_free(t->train_data);
    tsu_dataset_free(t->valid_data);
    tsu_graph_free(t->graph);
    free(t->order);
    free(t->run_dir);
    free(t->history);
}

tsu_status tsu_train_run(const tsu_project *project, const tsu_train_options *options,
                         tsu_train_callback callback, void *user_data, tsu_diag *diag)
{
    tsu_diag local;
    tsu_diag_init(&local);
    trainer t = {.options = options, .callback = callback, .user_data = user_data,
                 .diag = diag ? diag : &local};
    tsu_status st = prepare(&t, project);
    if (st == TSU_OK) {
        tsu_train_event e = {.kind = TSU_EVENT_STARTED,
                             .iterations = (t.n_train + t.config.batch_size - 1) / t.config.batch_size};
        emit(&t, &e);
        st = run_epochs(&t);
    }
    tsu_train_event end = {.kind = st == TSU_OK ? TSU_EVENT_DONE
                                   : st == TSU_E_STOPPED ? TSU_EVENT_STOPPED : TSU_EVENT_FAILED,
                           .step = t.step};
    if (st == TSU_E_STOPPED) end.message = _("stopped on request");
    else if (st != TSU_OK && t.diag->count) end.message = t.diag->items[0].message;
    record_status(&t, st, end.message);
    emit(&t, &end);
    cleanup(&t);
    tsu_diag_free(&local);
    return st;
}
