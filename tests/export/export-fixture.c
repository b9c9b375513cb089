/* export-fixture.c — writes, for each test network, every export and the
 * reference answers of Tsumiki's own inference, for check-exports.py:
 *
 *   DIR/NAME/model.onnx  c/NAME.c c/NAME.h  torch/  meta.json
 *   DIR/NAME/project.tsumiki weights.safetensors  the network and its weights
 *   DIR/NAME/input.f32   FX_BATCH samples, the inputs concatenated per sample
 *   DIR/NAME/output.f32  Tsumiki's outputs for them (a batch of FX_BATCH)
 *   DIR/NAME/output1.f32 the first sample alone (a batch of 1)
 *
 * usage: export-fixture DIR [NAME...]
 *        export-fixture --import MODEL.onnx DIR
 *   imports MODEL.onnx to DIR/model.tsumiki + DIR/model.safetensors and runs
 *   Tsumiki's inference on DIR/input.f32 (n samples) into DIR/output.f32.
 *        export-fixture --load PROJECT WEIGHTS
 *   checks that Tsumiki loads WEIGHTS (e.g. written by the exported train.py)
 *   into PROJECT's network.
 *        export-fixture --steps PROJECT WEIGHTS STEPS OUT VARIABLE=FILE...
 *   from WEIGHTS, STEPS training steps with the project's optimizer and
 *   batch size (two threads) on consecutive batches of the files (raw
 *   float32, one per Input and loss variable); prints "loss K VALUE" per
 *   step and writes the weights after the last to OUT. */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void write_floats(const char *dir, const char *file, const float *v, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(v, sizeof(float), n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "export-fixture: cannot write %s\n", path);
        exit(1);
    }
}

static void check(tsu_status st, tsu_diag *diag, const char *what)
{
    if (st == TSU_OK) return;
    fprintf(stderr, "export-fixture: %s failed\n", what);
    tsu_diag_print(diag, stderr);
    exit(1);
}

static void export_one(const char *root, const char *name)
{
    fx_net fx;
    fx_build(name, &fx);
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    mkdir(dir, 0755);
    tsu_diag diag;
    tsu_diag_init(&diag);

    snprintf(path, sizeof path, "%s/model.onnx", dir);
    check(tsu_export_onnx(fx.project, fx.graph, fx.net, path, &diag), &diag, "ONNX export");
    snprintf(path, sizeof path, "%s/c", dir);
    check(tsu_export_c(fx.graph, fx.net, path, name, &diag), &diag, "C export");
    snprintf(path, sizeof path, "%s/torch", dir);
    check(tsu_export_pytorch(fx.project, fx.graph, fx.net, path, &diag), &diag, "PyTorch export");
    snprintf(path, sizeof path, "%s/project.tsumiki", dir);
    check(tsu_project_save(fx.project, path, &diag), &diag, "project");
    snprintf(path, sizeof path, "%s/weights.safetensors", dir);
    check(tsu_net_save_safetensors(fx.net, path, &diag), &diag, "weights");
    snprintf(path, sizeof path, "%s/card.md", dir);
    check(tsu_export_model_card(fx.project, fx.graph, NULL, path, &diag), &diag, "model card");

    size_t per = 0;
    float *out = fx_infer(fx.net, fx.graph, fx.input, FX_BATCH, &per);
    float *out1 = fx_infer(fx.net, fx.graph, fx.input, 1, &per);
    write_floats(dir, "input.f32", fx.input, FX_BATCH * fx.in_size);
    write_floats(dir, "output.f32", out, FX_BATCH * per);
    write_floats(dir, "output1.f32", out1, per);

    snprintf(path, sizeof path, "%s/meta.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"name\": \"%s\", \"batch\": %d, \"input_size\": %zu, \"output_size\": %zu, ",
            name, FX_BATCH, fx.in_size, per);
    /* The first Input's shape (for the checks that feed one input). */
    for (int i = 0; i < tsu_graph_node_count(fx.graph); i++) {
        const tsu_node *node = tsu_graph_node(fx.graph, i);
        if (!tsu_layer_kind_is_input(tsu_node_kind(node))) continue;
        const tsu_shape *s = tsu_node_shape(node);
        fprintf(f, "\"input_shape\": [");
        for (int d = 0; d < s->ndim; d++) fprintf(f, "%s%d", d ? ", " : "", s->d[d]);
        fprintf(f, "], ");
        break;
    }
    fprintf(f, "\"outputs\": [");
    for (int o = 0; o < fx_output_count(fx.graph); o++) {
        const char *id = fx_output_id(fx.graph, o);
        const tsu_shape *s = tsu_node_shape(tsu_graph_find(fx.graph, id));
        fprintf(f, "%s{\"id\": \"%s\", \"shape\": [", o ? ", " : "", id);
        for (int d = 0; d < s->ndim; d++) fprintf(f, "%s%d", d ? ", " : "", s->d[d]);
        fprintf(f, "]}");
    }
    fprintf(f, "]}\n");
    fclose(f);
    free(out);
    free(out1);
    tsu_diag_free(&diag);
    fx_free(&fx);
}

/* The whole of a raw float32 file; *n its floats. NULL if unreadable. */
static float *read_floats(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 20;
    float *v = malloc(cap * sizeof(float));
    *n = 0;
    for (size_t got; f && (got = fread(v + *n, sizeof(float), cap - *n, f)) > 0;) {
        *n += got;
        if (*n == cap) v = realloc(v, (cap *= 2) * sizeof(float));
    }
    if (!f) {
        free(v);
        return NULL;
    }
    fclose(f);
    return v;
}

/* Another tool's model through tsu_import_onnx and Tsumiki's inference. */
static int import_and_run(const char *model, const char *dir)
{
    char project_path[4096], weights[4096], path[4200];
    snprintf(project_path, sizeof project_path, "%s/model.tsumiki", dir);
    snprintf(weights, sizeof weights, "%s/model.safetensors", dir);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_import_onnx(model, weights, &diag);
    check(p ? tsu_project_save(p, project_path, &diag) : tsu_diag_status(&diag), &diag, "import");
    tsu_graph *g = tsu_graph_build(p, &diag);
    check(tsu_diag_status(&diag), &diag, "graph of the imported project");
    snprintf(path, sizeof path, "%s/input.f32", dir);
    size_t n_floats = 0;
    float *input = read_floats(path, &n_floats);
    if (!input) n_floats = 0, input = malloc(sizeof(float));
    size_t in_size = 0;
    for (int i = 0; i < tsu_graph_node_count(g); i++)
        if (tsu_layer_kind_is_input(tsu_node_kind(tsu_graph_node(g, i))))
            in_size += tsu_shape_size(tsu_node_shape(tsu_graph_node(g, i)));
    int n = in_size ? (int)(n_floats / in_size) : 0;
    if (n < 1) {
        fprintf(stderr, "export-fixture: %s holds no sample of %zu values\n", path, in_size);
        return 1;
    }
    tsu_net_config cfg = {.max_batch = n, .threads = 1, .seed = 1, .training = false};
    tsu_net *net = tsu_net_new(g, &cfg, &diag);
    check(net ? tsu_net_load_safetensors(net, weights, &diag) : tsu_diag_status(&diag), &diag,
          "loading the imported weights");
    size_t per = 0;
    float *out = fx_infer(net, g, input, n, &per);
    write_floats(dir, "output.f32", out, (size_t)n * per);
    free(out);
    free(input);
    tsu_net_free(net);
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
    return 0;
}

static int load_weights(const char *project_path, const char *weights)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_load(project_path, &diag);
    tsu_graph *g = p ? tsu_graph_build(p, &diag) : NULL;
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1, .training = false};
    tsu_net *net = g && tsu_graph_valid(g) ? tsu_net_new(g, &cfg, &diag) : NULL;
    check(net ? tsu_net_load_safetensors(net, weights, &diag) : TSU_E_GRAPH, &diag, "loading weights");
    printf("Tsumiki loads %s into %s\n", weights, project_path);
    tsu_net_free(net);
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
    return 0;
}

/* Batch k of a VARIABLE=FILE argument into the net's input or target
 * buffer for that variable. */
static void feed_batch(tsu_net *net, const char *arg, int k, int steps, int batch)
{
    char variable[256];
    const char *eq = strchr(arg, '=');
    if (!eq || (size_t)(eq - arg) >= sizeof variable) {
        fprintf(stderr, "export-fixture: expected VARIABLE=FILE, got %s\n", arg);
        exit(2);
    }
    memcpy(variable, arg, (size_t)(eq - arg));
    variable[eq - arg] = '\0';
    size_t n = 0;
    float *data = read_floats(eq + 1, &n);
    float *dst = tsu_net_input(net, variable);
    if (!dst) dst = tsu_net_target(net, variable);
    if (!data || !dst || n % ((size_t)steps * batch) != 0) {
        fprintf(stderr, "export-fixture: %s: no such variable, or not %d batches of %d\n", arg,
                steps, batch);
        exit(1);
    }
    const size_t per = n / ((size_t)steps * batch);
    memcpy(dst, data + (size_t)k * batch * per, sizeof(float) * batch * per);
    free(data);
}

static int train_steps(int argc, char **argv)
{
    const char *project_path = argv[2], *weights = argv[3], *out = argv[5];
    const int steps = atoi(argv[4]);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_load(project_path, &diag);
    tsu_graph *g = p ? tsu_graph_build(p, &diag) : NULL;
    check(g ? tsu_diag_status(&diag) : TSU_E_GRAPH, &diag, "the project");
    tsu_train_config config;
    check(tsu_project_get_training(p, &config, &diag), &diag, "the training settings");
    tsu_net_config cfg = {.max_batch = config.batch_size, .threads = 2, .seed = 1,
                          .training = true};
    tsu_net *net = tsu_net_new(g, &cfg, &diag);
    check(net ? tsu_net_load_safetensors(net, weights, &diag) : tsu_diag_status(&diag), &diag,
          "loading the weights");
    tsu_optimizer *opt = tsu_optimizer_new(&config);
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        if (t->trainable) tsu_optimizer_add(opt, t->data, t->grad, t->size);
    }
    for (int k = 0; k < steps; k++) {
        for (int a = 6; a < argc; a++) feed_batch(net, argv[a], k, steps, config.batch_size);
        check(tsu_net_forward(net, config.batch_size, true, &diag), &diag, "forward");
        printf("loss %d %.9g\n", k, tsu_net_loss(net));
        check(tsu_net_backward(net, config.batch_size, &diag), &diag, "backward");
        tsu_optimizer_step(opt, tsu_train_config_lr_at(&config, 0.0));
    }
    check(tsu_net_save_safetensors(net, out, &diag), &diag, "saving the weights");
    tsu_optimizer_free(opt);
    tsu_net_free(net);
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--load")) return load_weights(argv[2], argv[3]);
    if (argc >= 7 && !strcmp(argv[1], "--steps")) return train_steps(argc, argv);
    if (argc == 4 && !strcmp(argv[1], "--import")) return import_and_run(argv[2], argv[3]);
    if (argc < 2) {
        fprintf(stderr, "usage: export-fixture DIR [NAME...]\n");
        return 2;
    }
    mkdir(argv[1], 0755);
    if (argc > 2)
        for (int i = 2; i < argc; i++) export_one(argv[1], argv[i]);
    else
        for (int i = 0; fx_names[i]; i++) export_one(argv[1], fx_names[i]);
    return 0;
}
