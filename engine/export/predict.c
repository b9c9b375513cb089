/* predict.c — trained weights over the samples of a .npy file, the outputs
 * the exports have (the inference plan's) written as .npy files. */
#include "export/export-internal.h"
#include "data/data-internal.h"

#include <limits.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
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
                            _("%s: shape %s does not fit Input node %s: expected %s"), path,
                            npy_shape_text(a, got, sizeof got), tsu_node_id(input),
                            batch_shape_text(s, want, sizeof want));
    if (a->dims[0] < 1 || a->dims[0] > INT_MAX)
        return tsu_diag_add(diag, TSU_E_SHAPE, NULL, NULL,
                            _("%s: %lld samples; predict takes 1 to %d"), path,
                            (long long)a->dims[0], INT_MAX);
    return TSU_OK;
}

static tsu_status check_outputs(const tsu_xplan *plan, int n_outputs, tsu_diag *diag)
{
    if (plan->n_inputs != 1)
        return tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL,
                            _("predict reads one .npy file: the network has %d Input nodes"),
                            plan->n_inputs);
    if (n_outputs == plan->n_outputs) return TSU_OK;
    char ids[512] = "";
    for (int o = 0, n = 0; o < plan->n_outputs && (size_t)n < sizeof ids; o++)
        n += snprintf(ids + n, sizeof ids - (size_t)n, "%s%s", o ? ", " : "",
                      tsu_node_id(plan->outputs[o]));
    if (plan->n_outputs == 1)
        return tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL,
                            ngettext_("%d output file given for the network's %d output (%s, in "
                                      "this order)",
                                      "%d output files given for the network's %d output (%s, in "
                                      "this order)",
                                      (unsigned long)n_outputs),
                            n_outputs, plan->n_outputs, ids);
    return tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL,
                        ngettext_("%d output file given for the network's %d outputs (%s, in this "
                                  "order)",
                                  "%d output files given for the network's %d outputs (%s, in this "
                                  "order)",
                                  (unsigned long)n_outputs),
                        n_outputs, plan->n_outputs, ids);
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
                                _("%lld samples of this output do not fit in memory"),
                                (long long)samples);
        out[o].data = tsu_xmalloc(bytes ? bytes : 1);
    }
    return TSU_OK;
}

/* The network for up to `samples` samples at a time, weights loaded. */
static tsu_net *open_net(tsu_graph *graph, int64_t samples, const char *weights, int threads,
                         tsu_diag *diag)
{
    int batch = samples < PREDICT_BATCH ? (int)samples : PREDICT_BATCH;
    tsu_net_config cfg = {.max_batch = batch, .threads = threads, .seed = 1, .training = false};
    tsu_net *net = tsu_net_new(graph, &cfg, diag);
    if (net && tsu_net_load_safetensors(net, weights, diag) != TSU_OK) {
        tsu_net_free(net);
        return NULL;
    }
    return net;
}

/* Runs samples (each the Input node's size) through net, writing each
 * output's values to out[o].data. */
static tsu_status run_batches(tsu_net *net, const tsu_xplan *plan, const float *in, int samples,
                              tsu_npy *out, tsu_diag *diag)
{
    const tsu_node *input = plan->inputs[0];
    const size_t in_size = tsu_shape_size(tsu_node_shape(input));
    float *dst = tsu_net_input(net, tsu_node_param(input, "dataset")->string);
    for (int at = 0; at < samples; at += PREDICT_BATCH) {
        const int n = samples - at < PREDICT_BATCH ? samples - at : PREDICT_BATCH;
        memcpy(dst, in + (size_t)at * in_size, (size_t)n * in_size * sizeof(float));
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
        net = open_net(graph, in.dims[0], weights, threads, diag);
        st = net ? TSU_OK : tsu_diag_status(diag);
    }
    if (st == TSU_OK) st = run_batches(net, &plan, in.data, (int)in.dims[0], out, diag);
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

/* ---- pictures */

/* How pictures become the Input's tensor: the training dataset's
 * dataset.json when there is one, else the Input shape, stretched. */
static tsu_status find_prep(const tsu_project *project, const tsu_node *input,
                            tsu_image_prep *prep, tsu_image_predictions *out, tsu_diag *diag)
{
    const tsu_shape *s = tsu_node_shape(input);
    if (s->ndim != 3 || (s->d[0] != 1 && s->d[0] != 3))
        return tsu_diag_add(diag, TSU_E_SHAPE, tsu_node_id(input), NULL,
                            _("predicting pictures needs an Input of shape [1 or 3, H, W]"));
    *prep = (tsu_image_prep){.width = s->d[2], .height = s->d[1], .grayscale = s->d[0] == 1,
                             .fit = TSU_FIT_STRETCH};
    tsu_dataset_settings settings = {0};
    tsu_diag quiet;
    tsu_diag_init(&quiet);
    tsu_status st = TSU_OK;
    if (tsu_project_get_dataset(project, &settings, &quiet) == TSU_OK &&
        settings.training.present && settings.training.source && settings.training.path &&
        !strcmp(settings.training.source, "csv")) {
        char *project_dir = tsu_project_dir(project);
        char *csv = tsu_ds_path_join(project_dir, settings.training.path);
        char *dir = tsu_ds_dirname(csv);
        free(project_dir);
        char *json = tsu_ds_path_join(dir, TSU_FOLDER_INFO);
        tsu_folder_info info;
        if (access(json, F_OK) == 0 && (st = tsu_folder_info_load(dir, &info, diag)) == TSU_OK) {
            if (info.prep.width != prep->width || info.prep.height != prep->height ||
                info.prep.grayscale != prep->grayscale)
                st = tsu_diag_add(diag, TSU_E_SHAPE, tsu_node_id(input), NULL,
                                  _("%s records %s %dx%d pictures but the Input takes [%d, %d, %d]"),
                                  json, info.prep.grayscale ? "grayscale" : "RGB",
                                  info.prep.width, info.prep.height, s->d[0], s->d[1], s->d[2]);
            *prep = info.prep;
            out->class_names = info.classes;
            out->n_classes = info.n_classes;
        }
        free(json);
        free(dir);
        free(csv);
    }
    tsu_dataset_settings_clear(&settings);
    tsu_diag_free(&quiet);
    return st;
}

/* Depth of folders within folders searched for pictures: enough for a
 * folder of class folders, and an end to symbolic link loops. */
#define PREDICT_MAX_DEPTH 8

/* The pictures in dir and its subfolders, each level sorted by name. */
static tsu_status add_folder(const char *dir, int depth, tsu_name_list *paths, tsu_diag *diag)
{
    tsu_name_list files = {0}, subdirs = {0};
    tsu_status st = tsu_list_dir(dir, false, &files, NULL, diag) &&
                            (depth >= PREDICT_MAX_DEPTH || tsu_list_dir(dir, true, &subdirs, NULL, diag))
                        ? TSU_OK : TSU_E_IO;
    for (int i = 0; st == TSU_OK && i < files.n; i++) {
        char *path = tsu_ds_path_join(dir, files.names[i]);
        tsu_name_list_add(paths, path);
        free(path);
    }
    for (int i = 0; st == TSU_OK && i < subdirs.n; i++) {
        char *path = tsu_ds_path_join(dir, subdirs.names[i]);
        st = add_folder(path, depth + 1, paths, diag);
        free(path);
    }
    tsu_name_list_clear(&files);
    tsu_name_list_clear(&subdirs);
    return st;
}

/* Folders become their pictures; files are taken as given. */
static tsu_status expand_args(const char *const *args, int n_args, tsu_name_list *paths,
                              tsu_diag *diag)
{
    tsu_status st = TSU_OK;
    for (int a = 0; st == TSU_OK && a < n_args; a++) {
        struct stat info;
        if (stat(args[a], &info) == 0 && S_ISDIR(info.st_mode)) st = add_folder(args[a], 0, paths, diag);
        else tsu_name_list_add(paths, args[a]);
    }
    if (st == TSU_OK && paths->n == 0)
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("no pictures (.png, .jpg, .jpeg, .bmp) in %s%s"),
                            args[0], n_args > 1 ? _(" and the other folders") : "");
    return st;
}

/* The pictures as the Input tensor: uint8 scaled by 1/255, as datasets are. */
static tsu_status load_pictures(const tsu_name_list *paths, const tsu_image_prep *prep,
                                float **tensor, tsu_diag *diag)
{
    const size_t size = (size_t)(prep->grayscale ? 1 : 3) * prep->width * prep->height;
    size_t count;
    if (!tsu_size_mul(size, (size_t)paths->n, &count) || count > SIZE_MAX / sizeof(float))
        return tsu_diag_add(diag, TSU_E_NOMEM, NULL, NULL, _("%d pictures do not fit in memory"),
                            paths->n);
    *tensor = tsu_xmalloc(count * sizeof(float));
    for (int i = 0; i < paths->n; i++) {
        tsu_image img;
        tsu_status st = tsu_image_prepare(paths->names[i], prep, &img, diag);
        if (st != TSU_OK) return st;
        for (size_t k = 0; k < size; k++) (*tensor)[(size_t)i * size + k] = img.pixels[k] / 255.0f;
        tsu_image_free(&img);
    }
    return TSU_OK;
}

static void softmax_rows(float *p, int rows, int cols)
{
    for (int r = 0; r < rows; r++, p += cols) {
        float max = p[0], sum = 0;
        for (int c = 1; c < cols; c++) max = p[c] > max ? p[c] : max;
        for (int c = 0; c < cols; c++) sum += p[c] = expf(p[c] - max);
        for (int c = 0; c < cols; c++) p[c] /= sum;
    }
}

tsu_status tsu_predict_images(const tsu_project *project, const char *weights,
                              const char *const *args, int n_args, int threads,
                              tsu_image_predictions *out, tsu_diag *diag)
{
    *out = (tsu_image_predictions){0};
    tsu_graph *graph = tsu_graph_build(project, diag);
    tsu_xplan plan = {0};
    tsu_name_list paths = {0};
    tsu_image_prep prep;
    float *tensor = NULL;
    tsu_npy result = {0};
    tsu_net *net = NULL;
    tsu_status st = tsu_graph_valid(graph) ? tsu_xplan_build(graph, &plan, diag) : TSU_E_GRAPH;
    if (st == TSU_OK) st = check_outputs(&plan, 1, diag);
    if (st == TSU_OK) st = find_prep(project, plan.inputs[0], &prep, out, diag);
    if (st == TSU_OK) st = expand_args(args, n_args, &paths, diag);
    if (st == TSU_OK) st = load_pictures(&paths, &prep, &tensor, diag);
    const int n_out = st == TSU_OK ? (int)tsu_shape_size(tsu_node_shape(plan.outputs[0])) : 0;
    if (st == TSU_OK && out->class_names && out->n_classes != n_out)
        st = tsu_diag_add(diag, TSU_E_SHAPE, tsu_node_id(plan.outputs[0]), NULL,
                          _("the network has %d outputs but the dataset has %d classes"), n_out,
                          out->n_classes);
    if (st == TSU_OK) st = alloc_outputs(&plan, paths.n, &result, diag);
    if (st == TSU_OK) {
        net = open_net(graph, paths.n, weights, threads, diag);
        st = net ? run_batches(net, &plan, tensor, paths.n, &result, diag) : tsu_diag_status(diag);
    }
    if (st == TSU_OK) {
        if (strcmp(tsu_node_type(plan.outputs[0]), "Softmax")) softmax_rows(result.data, paths.n, n_out);
        out->n_images = paths.n;
        out->n_classes = n_out;
        out->paths = paths.names;
        out->probs = result.data;
        paths = (tsu_name_list){0};
        result.data = NULL;
    }
    tsu_name_list_clear(&paths);
    tsu_npy_free(&result);
    free(tensor);
    tsu_net_free(net);
    tsu_xplan_free(&plan);
    tsu_graph_free(graph);
    return st;
}

void tsu_image_predictions_clear(tsu_image_predictions *p)
{
    for (int i = 0; p->paths && i < p->n_images; i++) free(p->paths[i]);
    free(p->paths);
    free(p->probs);
    for (int c = 0; p->class_names && c < p->n_classes; c++) free(p->class_names[c]);
    free(p->class_names);
    *p = (tsu_image_predictions){0};
}

/* The k most likely classes of row p (n classes), best first. */
static void top_classes(const float *p, int n, int k, int *best)
{
    for (int j = 0; j < k; j++) {
        best[j] = -1;
        for (int c = 0; c < n; c++) {
            bool taken = false;
            for (int t = 0; t < j; t++) taken = taken || best[t] == c;
            if (!taken && (best[j] < 0 || p[c] > p[best[j]])) best[j] = c;
        }
    }
}

void tsu_image_predictions_print(const tsu_image_predictions *p, int top, FILE *f)
{
    if (top > p->n_classes) top = p->n_classes;
    int *best = tsu_xcalloc((size_t)(top > 0 ? top : 1), sizeof *best);
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    for (int i = 0; i < p->n_images; i++) {
        const float *row = p->probs + (size_t)i * p->n_classes;
        top_classes(row, p->n_classes, top, best);
        tsu_csv_put_cell(f, p->paths[i]);
        for (int j = 0; j < top; j++) {
            fputc(',', f);
            if (p->class_names) tsu_csv_put_cell(f, p->class_names[best[j]]);
            else fprintf(f, "%d", best[j]);
            fprintf(f, ",%.4f", row[best[j]]);
        }
        fputc('\n', f);
    }
    tsu_c_numeric_end(&scope);
    free(best);
}

tsu_status tsu_image_predictions_write_csv(const tsu_image_predictions *p, int top,
                                           const char *path, tsu_diag *diag)
{
    tsu_atomic_file file;
    if (!tsu_atomic_open(&file, path, diag)) return tsu_diag_status(diag);
    fputs("path", file.stream);
    for (int j = 1; j <= top && j <= p->n_classes; j++)
        fprintf(file.stream, ",class%d,probability%d", j, j);
    fputc('\n', file.stream);
    tsu_image_predictions_print(p, top, file.stream);
    return tsu_atomic_commit(&file, diag);
}
