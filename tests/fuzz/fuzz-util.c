/* fuzz-util.c — scratch directories and a one-step run for the harnesses. */
#include "fuzz-util.h"
#include "tsumiki-json.h"

#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fuzz_fail(const char *what, const char *path)
{
    perror(path ? path : what);
    fprintf(stderr, "fuzz harness: %s failed\n", what);
    abort();
}

char *fuzz_dir_new(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    size_t size = strlen(tmp) + sizeof "/tsumiki-fuzz-XXXXXX";
    char *dir = malloc(size);
    if (!dir) fuzz_fail("malloc", NULL);
    snprintf(dir, size, "%s/tsumiki-fuzz-XXXXXX", tmp);
    if (!mkdtemp(dir)) fuzz_fail("mkdtemp", dir);
    return dir;
}

char *fuzz_dir_path(const char *dir, const char *name)
{
    size_t size = strlen(dir) + strlen(name) + 2;
    char *path = malloc(size);
    if (!path) fuzz_fail("malloc", NULL);
    snprintf(path, size, "%s/%s", dir, name);
    return path;
}

char *fuzz_dir_write(const char *dir, const char *name, const uint8_t *data, size_t size)
{
    char *path = fuzz_dir_path(dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) fuzz_fail("fopen", path);
    if ((size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) fuzz_fail("write", path);
    return path;
}

void fuzz_dir_free(char *dir)
{
    DIR *d = opendir(dir);
    if (!d) fuzz_fail("opendir", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *path = fuzz_dir_path(dir, e->d_name);
        if (unlink(path) != 0) fuzz_fail("unlink", path);
        free(path);
    }
    closedir(d);
    if (rmdir(dir) != 0) fuzz_fail("rmdir", dir);
    free(dir);
}

void fuzz_check_reason(bool ok, const tsu_diag *diag, const char *what)
{
    if (ok || diag->count > 0) return;
    fprintf(stderr, "fuzz harness: %s failed without an error message\n", what);
    abort();
}

/* A fuzzed graph may be valid and still ask for gigabytes or hours: such a
 * graph is sized by tsu_graph_stats_compute (itself under test) and skipped,
 * so that the harness stays fast and under libFuzzer's memory limit. */
#define FUZZ_NET_MAX_BYTES ((uint64_t)64 << 20)
#define FUZZ_NET_MAX_MACS ((uint64_t)20 << 20)

void fuzz_check_weights_round_trip(tsu_net *net)
{
    char *dir = fuzz_dir_new();
    char *path = fuzz_dir_path(dir, "saved.safetensors");
    tsu_diag diag;
    tsu_diag_init(&diag);
    if (tsu_net_save_safetensors(net, path, &diag) != TSU_OK ||
        tsu_net_load_safetensors(net, path, &diag) != TSU_OK) {
        tsu_diag_print(&diag, stderr);
        fprintf(stderr, "fuzz harness: the weights this net saved do not load again\n");
        abort();
    }
    tsu_diag_free(&diag);
    free(path);
    fuzz_dir_free(dir);
}

void fuzz_run_graph(const tsu_graph *graph, const char *weights_path)
{
    if (!graph || !tsu_graph_valid(graph)) return;
    tsu_graph_stats stats;
    tsu_graph_stats_compute(graph, 1, TSU_OPT_ADAM, &stats);
    if (stats.total_bytes > FUZZ_NET_MAX_BYTES || stats.macs > FUZZ_NET_MAX_MACS) return;

    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1, .training = true};
    tsu_net *net = tsu_net_new(graph, &cfg, &diag);
    fuzz_check_reason(net != NULL, &diag, "tsu_net_new");
    if (net && weights_path && tsu_net_load_safetensors(net, weights_path, &diag) != TSU_OK) {
        tsu_diag_print(&diag, stderr);
        fprintf(stderr, "fuzz harness: the weights written for this graph do not load\n");
        abort();
    }
    /* Zeros are a valid input and a valid target for every loss (class 0). */
    for (int i = 0; net && i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        const tsu_value *var = tsu_node_param(node, "dataset");
        if (!var || !var->string) continue;
        float *in = tsu_net_input(net, var->string);
        if (in && tsu_node_has_shape(node))
            memset(in, 0, tsu_shape_size(tsu_node_shape(node)) * sizeof *in);
        float *target = tsu_net_target(net, var->string);
        if (target) memset(target, 0, tsu_net_target_size(net, var->string) * sizeof *target);
    }
    if (net && tsu_net_forward(net, 1, true, &diag) == TSU_OK) tsu_net_backward(net, 1, &diag);
    /* Evaluation takes other paths: running statistics, no Dropout. */
    if (net) tsu_net_forward(net, 1, false, &diag);
    if (net) fuzz_check_weights_round_trip(net);
    tsu_net_free(net);
    tsu_diag_free(&diag);
}

/* Enough samples to reach every reader branch; few enough to stay fast. */
#define FUZZ_DATASET_SAMPLES 16

static void read_variable(const tsu_dataset *ds, int var, int n)
{
    (void)tsu_dataset_variable_name(ds, var);
    tsu_shape shape = tsu_dataset_variable_shape(ds, var);
    size_t values = tsu_shape_size(&shape);
    float *out = calloc(values ? values * (size_t)n : 1, sizeof *out);
    if (!out) fuzz_fail("calloc", NULL);
    int indices[FUZZ_DATASET_SAMPLES];
    for (int i = 0; i < n; i++) indices[i] = i;
    tsu_dataset_fill(ds, var, indices, n, out);
    free(out);
    for (int i = 0; i < n; i++) {
        (void)tsu_dataset_image(ds, var, i);
        (void)tsu_dataset_label(ds, var, i);
    }
    tsu_diag diag;
    tsu_diag_init(&diag);
    int classes = tsu_dataset_class_count(ds, var);
    tsu_dataset_check_labels(ds, var, classes > 1 ? classes - 1 : 1, "fuzz: outputs", &diag);
    tsu_diag_free(&diag);
}

void fuzz_read_dataset(const char *spec_json, const char *dir)
{
    struct json_object *spec = json_tokener_parse(spec_json);
    if (!spec) fuzz_fail("json_tokener_parse", spec_json);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_dataset *ds = tsu_dataset_open(spec, dir, &diag);
    fuzz_check_reason(ds != NULL, &diag, "tsu_dataset_open");
    if (ds) {
        int n = tsu_dataset_size(ds);
        if (n > FUZZ_DATASET_SAMPLES) n = FUZZ_DATASET_SAMPLES;
        (void)tsu_dataset_describe(ds);
        for (int var = 0; var < tsu_dataset_variable_count(ds); var++) read_variable(ds, var, n);
        for (int i = 0; i < n; i++) {
            (void)tsu_dataset_source_index(ds, i);
            (void)tsu_dataset_sample_file(ds, i);
            (void)tsu_dataset_sample_line(ds, i);
        }
        tsu_dataset_free(ds);
    }
    tsu_diag_free(&diag);
    json_object_put(spec);
}
