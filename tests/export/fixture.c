/* fixture.c — see fixture.h. Plain C so the fixture program needs no GLib. */
#include "fixture.h"
#include "export/export-internal.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

const char *const fx_names[] = {"cnn", "branch", "mlp", "modern", "norm", "repeat", NULL};

/* ImageAugmentation after the input (exports read through it), every layer
 * kind on two paths that meet again (Concatenate, Add2), a
 * second output that no loss reads (wide: a Softmax over the channels of an
 * image joined along the width with a max pooling padded wider than half its
 * kernel) and Dropout before the classifier. */
static const char branch_nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3, 12, 12]}},"
    "{\"id\": \"aug\", \"type\": \"ImageAugmentation\", \"inputs\": [\"x\"], \"params\": {\"flip_lr\": true, \"flip_ud\": true, \"shift\": [2, 2], \"angle\": 0.3, \"brightness\": 0.1, \"contrast\": 0.2, \"noise\": 0.05}},"
    "{\"id\": \"c1\", \"type\": \"Convolution\", \"inputs\": [\"aug\"], \"params\": {\"outmaps\": 8, \"kernel\": [3, 3], \"pad\": [1, 1]}},"
    "{\"id\": \"r1\", \"type\": \"LeakyReLU\", \"inputs\": [\"c1\"], \"params\": {\"alpha\": 0.2}},"
    "{\"id\": \"dw\", \"type\": \"DepthwiseConvolution\", \"inputs\": [\"r1\"], \"params\": {\"kernel\": [3, 3], \"pad\": [2, 1], \"dilation\": [2, 1], \"multiplier\": 2}},"
    "{\"id\": \"dws\", \"type\": \"DepthwiseConvolution\", \"inputs\": [\"dw\"], \"params\": {\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 2], \"dilation\": [1, 2], \"with_bias\": false}},"
    "{\"id\": \"c2\", \"type\": \"Convolution\", \"inputs\": [\"dw\"], \"params\": {\"outmaps\": 8, \"kernel\": [3, 3], \"pad\": [2, 2], \"dilation\": [2, 2], \"group\": 2}},"
    "{\"id\": \"e1\", \"type\": \"ELU\", \"inputs\": [\"c2\"]},"
    "{\"id\": \"cat\", \"type\": \"Concatenate\", \"inputs\": [\"r1\", \"e1\"]},"
    "{\"id\": \"c3\", \"type\": \"Convolution\", \"inputs\": [\"cat\"], \"params\": {\"outmaps\": 16, \"kernel\": [1, 1], \"with_bias\": false}},"
    "{\"id\": \"add\", \"type\": \"Add2\", \"inputs\": [\"cat\", \"c3\"]},"
    "{\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"add\"], \"params\": {\"eps\": 0.001}},"
    "{\"id\": \"t\", \"type\": \"Tanh\", \"inputs\": [\"bn\"]},"
    "{\"id\": \"ap\", \"type\": \"AveragePooling\", \"inputs\": [\"t\"], \"params\": {\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]}},"
    "{\"id\": \"apd\", \"type\": \"Add2\", \"inputs\": [\"ap\", \"dws\"]},"
    "{\"id\": \"mp\", \"type\": \"MaxPooling\", \"inputs\": [\"apd\"], \"params\": {\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]}},"
    "{\"id\": \"dc\", \"type\": \"Deconvolution\", \"inputs\": [\"mp\"], \"params\": {\"outmaps\": 4, \"kernel\": [4, 4], \"stride\": [2, 2], \"pad\": [1, 1]}},"
    "{\"id\": \"psm\", \"type\": \"Softmax\", \"inputs\": [\"dc\"]},"
    "{\"id\": \"mpad\", \"type\": \"MaxPooling\", \"inputs\": [\"dc\"], \"params\": {\"kernel\": [3, 3], \"stride\": [1, 1], \"pad\": [1, 2]}},"
    "{\"id\": \"wide\", \"type\": \"Concatenate\", \"inputs\": [\"psm\", \"mpad\"], \"params\": {\"axis\": 2}},"
    "{\"id\": \"rs\", \"type\": \"Reshape\", \"inputs\": [\"dc\"], \"params\": {\"shape\": [4, 36]}},"
    "{\"id\": \"fl\", \"type\": \"Flatten\", \"inputs\": [\"rs\"]},"
    "{\"id\": \"gap\", \"type\": \"GlobalAveragePooling\", \"inputs\": [\"t\"]},"
    "{\"id\": \"g1\", \"type\": \"Reshape\", \"inputs\": [\"gap\"], \"params\": {\"shape\": [16]}},"
    "{\"id\": \"cat2\", \"type\": \"Concatenate\", \"inputs\": [\"fl\", \"g1\"]},"
    "{\"id\": \"dr\", \"type\": \"Dropout\", \"inputs\": [\"cat2\"], \"params\": {\"p\": 0.3}},"
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"dr\"], \"params\": {\"outmaps\": 5}},"
    "{\"id\": \"sm\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"sm\"]}";

/* The kinds of modern CNNs as OpenCV 4.6 DNN runs them: a
 * squeeze-and-excitation gate (Mul2 of [8, 12, 12] by [8, 1, 1]), Sub2 of a
 * channel mean, Unpooling back to the input size, Add2, and every new
 * activation. */
static const char modern_nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3, 12, 12]}},"
    "{\"id\": \"c1\", \"type\": \"Convolution\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 8, \"kernel\": [3, 3], \"pad\": [1, 1]}},"
    "{\"id\": \"pr\", \"type\": \"PReLU\", \"inputs\": [\"c1\"]},"
    "{\"id\": \"gap\", \"type\": \"GlobalAveragePooling\", \"inputs\": [\"pr\"]},"
    "{\"id\": \"sq\", \"type\": \"Convolution\", \"inputs\": [\"gap\"], \"params\": {\"outmaps\": 4, \"kernel\": [1, 1]}},"
    "{\"id\": \"sw\", \"type\": \"Swish\", \"inputs\": [\"sq\"]},"
    "{\"id\": \"ex\", \"type\": \"Convolution\", \"inputs\": [\"sw\"], \"params\": {\"outmaps\": 8, \"kernel\": [1, 1]}},"
    "{\"id\": \"gate\", \"type\": \"Sigmoid\", \"inputs\": [\"ex\"]},"
    "{\"id\": \"se\", \"type\": \"Mul2\", \"inputs\": [\"pr\", \"gate\"]},"
    "{\"id\": \"pool\", \"type\": \"MaxPooling\", \"inputs\": [\"se\"]},"
    "{\"id\": \"ge\", \"type\": \"GELU\", \"inputs\": [\"pool\"]},"
    "{\"id\": \"up\", \"type\": \"Unpooling\", \"inputs\": [\"ge\"], \"params\": {\"kernel\": [2, 2]}},"
    "{\"id\": \"grid\", \"type\": \"Sub2\", \"inputs\": [\"se\", \"gap\"]},"
    "{\"id\": \"sp\", \"type\": \"Softplus\", \"inputs\": [\"grid\"]},"
    "{\"id\": \"mix\", \"type\": \"Add2\", \"inputs\": [\"up\", \"sp\"]},"
    "{\"id\": \"c2\", \"type\": \"Convolution\", \"inputs\": [\"mix\"], \"params\": {\"outmaps\": 4, \"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]}},"
    "{\"id\": \"se2\", \"type\": \"SELU\", \"inputs\": [\"c2\"]},"
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"se2\"], \"params\": {\"outmaps\": 5}},"
    "{\"id\": \"sm\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"sm\"]}";

/* LayerNormalization over an image and over a vector, and broadcasting
 * both ways ([6, 8, 1] against [6, 1, 8]): beyond OpenCV 4.6 DNN. */
static const char norm_nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3, 8, 8]}},"
    "{\"id\": \"c1\", \"type\": \"Convolution\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 6, \"kernel\": [3, 3], \"pad\": [1, 1]}},"
    "{\"id\": \"ln\", \"type\": \"LayerNormalization\", \"inputs\": [\"c1\"], \"params\": {\"eps\": 0.001}},"
    "{\"id\": \"rows\", \"type\": \"AveragePooling\", \"inputs\": [\"ln\"], \"params\": {\"kernel\": [1, 8]}},"
    "{\"id\": \"cols\", \"type\": \"AveragePooling\", \"inputs\": [\"ln\"], \"params\": {\"kernel\": [8, 1]}},"
    "{\"id\": \"outer\", \"type\": \"Mul2\", \"inputs\": [\"rows\", \"cols\"]},"
    "{\"id\": \"grid\", \"type\": \"Sub2\", \"inputs\": [\"cols\", \"rows\"]},"
    "{\"id\": \"sum\", \"type\": \"Add2\", \"inputs\": [\"ln\", \"outer\"]},"
    "{\"id\": \"diff\", \"type\": \"Sub2\", \"inputs\": [\"sum\", \"grid\"]},"
    "{\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"diff\"], \"params\": {\"outmaps\": 6}},"
    "{\"id\": \"ln2\", \"type\": \"LayerNormalization\", \"inputs\": [\"fc1\"]},"
    "{\"id\": \"ge\", \"type\": \"GELU\", \"inputs\": [\"ln2\"]},"
    "{\"id\": \"fc2\", \"type\": \"Affine\", \"inputs\": [\"ge\"], \"params\": {\"outmaps\": 3}},"
    "{\"id\": \"sm\", \"type\": \"Softmax\", \"inputs\": [\"fc2\"]},"
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"sm\"]}";

/* A residual block of Convolution, BatchNormalization and ReLU repeated
 * three times (RepeatStart/RepeatEnd): exports run it unrolled, with the
 * copies' weights named ca.0.weight, ca.1.weight, ca.2.weight. */
static const char repeat_nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3, 8, 8]}},"
    "{\"id\": \"c1\", \"type\": \"Convolution\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 4, \"kernel\": [3, 3], \"pad\": [1, 1]}},"
    "{\"id\": \"rs\", \"type\": \"RepeatStart\", \"inputs\": [\"c1\"], \"params\": {\"times\": 3}},"
    "{\"id\": \"ca\", \"type\": \"Convolution\", \"inputs\": [\"rs\"], \"params\": {\"outmaps\": 4, \"kernel\": [3, 3], \"pad\": [1, 1]}},"
    "{\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"ca\"]},"
    "{\"id\": \"r\", \"type\": \"ReLU\", \"inputs\": [\"bn\"]},"
    "{\"id\": \"add\", \"type\": \"Add2\", \"inputs\": [\"r\", \"rs\"]},"
    "{\"id\": \"re\", \"type\": \"RepeatEnd\", \"inputs\": [\"add\"], \"params\": {\"start\": \"rs\"}},"
    "{\"id\": \"gap\", \"type\": \"GlobalAveragePooling\", \"inputs\": [\"re\"]},"
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"gap\"], \"params\": {\"outmaps\": 3}},"
    "{\"id\": \"sm\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"sm\"]}";

/* The two-moons data of the examples, cut small for a quick DDP epoch;
 * BatchNormalization over a vector (its running statistics are buffers that
 * DDP broadcasts). */
static const char mlp_nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
    "{\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 16, \"with_bias\": false}},"
    "{\"id\": \"bn1\", \"type\": \"BatchNormalization\", \"inputs\": [\"fc1\"]},"
    "{\"id\": \"relu1\", \"type\": \"ReLU\", \"inputs\": [\"bn1\"]},"
    "{\"id\": \"fc2\", \"type\": \"Affine\", \"inputs\": [\"relu1\"], \"params\": {\"outmaps\": 1}},"
    "{\"id\": \"prob\", \"type\": \"Sigmoid\", \"inputs\": [\"fc2\"]},"
    "{\"id\": \"loss\", \"type\": \"BinaryCrossEntropy\", \"inputs\": [\"prob\"]}";

/* Square, the layer kind of tests/engine/toy-layer.c (only programs linked
 * with it know the type), on an image between a Reshape and a Convolution. */
static const char toy_nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},"
    "{\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 12}},"
    "{\"id\": \"rs\", \"type\": \"Reshape\", \"inputs\": [\"fc1\"], \"params\": {\"shape\": [3, 2, 2]}},"
    "{\"id\": \"sq\", \"type\": \"Square\", \"inputs\": [\"rs\"], \"params\": {\"gain\": 0.75}},"
    "{\"id\": \"conv\", \"type\": \"Convolution\", \"inputs\": [\"sq\"], \"params\": {\"outmaps\": 2, \"kernel\": [1, 1]}},"
    "{\"id\": \"fc2\", \"type\": \"Affine\", \"inputs\": [\"conv\"], \"params\": {\"outmaps\": 1}},"
    "{\"id\": \"prob\", \"type\": \"Sigmoid\", \"inputs\": [\"fc2\"]},"
    "{\"id\": \"loss\", \"type\": \"BinaryCrossEntropy\", \"inputs\": [\"prob\"]}";

static void die(const char *what, tsu_diag *diag)
{
    fprintf(stderr, "fixture: %s\n", what);
    if (diag) tsu_diag_print(diag, stderr);
    abort();
}

static const char *source_dir(void)
{
    const char *root = getenv("TSU_SOURCE_DIR");
    return root ? root : ".";
}

static tsu_project *load_project(const char *name, tsu_diag *diag)
{
    char path[4096];
    if (!strcmp(name, "cnn")) {
        snprintf(path, sizeof path, "%s/resources/examples/fashion-mnist-cnn.tsumiki", source_dir());
        return tsu_project_load(path, diag);
    }
    /* "example_two_class": resources/examples/two-class.tsumiki (the name is
     * also the C export's, so a C identifier). */
    if (!strncmp(name, "example_", 8)) {
        char file[256];
        snprintf(file, sizeof file, "%s", name + 8);
        for (char *c = file; *c; c++)
            if (*c == '_') *c = '-';
        snprintf(path, sizeof path, "%s/resources/examples/%s.tsumiki", source_dir(), file);
        return tsu_project_load(path, diag);
    }
    const char *nodes = !strcmp(name, "branch")   ? branch_nodes
                        : !strcmp(name, "modern") ? modern_nodes
                        : !strcmp(name, "norm")   ? norm_nodes
                        : !strcmp(name, "toy")    ? toy_nodes
                        : !strcmp(name, "repeat") ? repeat_nodes
                                                  : mlp_nodes;
    size_t cap = strlen(nodes) + 3 * sizeof path + 1024;
    char *text = malloc(cap);
    snprintf(text, cap,
             "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"export test %s\", "
             "\"network\": {\"nodes\": [%s]}, "
             "\"dataset\": {\"training\": {\"source\": \"csv\", \"path\": "
             "\"%s/resources/examples/data/two-class-train.csv\", \"limit\": 96}, "
             "\"validation\": {\"source\": \"csv\", \"path\": "
             "\"%s/resources/examples/data/two-class-valid.csv\", \"limit\": 40}}, "
             "\"training\": {\"epochs\": 1, \"batch_size\": 16, \"seed\": 3, "
             "\"optimizer\": {\"type\": \"Momentum\", \"learning_rate\": 0.05}}}",
             name, nodes, source_dir(), source_dir());
    tsu_project *p = tsu_project_parse(text, strlen(text), name, diag);
    free(text);
    return p;
}

/* xorshift: the same numbers on every machine. */
static uint32_t fx_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static float fx_uniform(uint32_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)(fx_rand(s) >> 8) / 16777216.0f;
}

static void fill_inputs(const tsu_graph *graph, tsu_net *net, const float *input, int n)
{
    size_t per_sample = 0;
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (tsu_layer_kind_is_input(tsu_node_kind(node)))
            per_sample += tsu_shape_size(tsu_node_shape(node));
    }
    size_t at = 0;
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (!tsu_layer_kind_is_input(tsu_node_kind(node))) continue;
        size_t size = tsu_shape_size(tsu_node_shape(node));
        float *dst = tsu_net_input(net, tsu_node_param(node, "dataset")->string);
        for (int s = 0; s < n; s++)
            memcpy(dst + (size_t)s * size, input + (size_t)s * per_sample + at, size * sizeof(float));
        at += size;
    }
}

static void train_a_little(fx_net *fx, tsu_diag *diag)
{
    enum { STEPS = 3, BATCH = 8 };
    uint32_t seed = 12345;
    const tsu_node *pred = tsu_net_prediction_node(fx->net);
    int classes = tsu_node_shape(pred)->d[0];
    bool labels = !strcmp(tsu_node_type(pred), "Softmax");
    float *input = malloc(BATCH * fx->in_size * sizeof(float));
    for (int step = 0; step < STEPS; step++) {
        for (size_t i = 0; i < BATCH * fx->in_size; i++) input[i] = fx_uniform(&seed, -1.0f, 1.0f);
        fill_inputs(fx->graph, fx->net, input, BATCH);
        float *y = tsu_net_target(fx->net, "y");
        size_t ty = tsu_net_target_size(fx->net, "y");
        for (size_t i = 0; i < BATCH * ty; i++)
            y[i] = labels ? (float)(fx_rand(&seed) % (uint32_t)classes) : (float)(fx_rand(&seed) & 1);
        if (tsu_net_forward(fx->net, BATCH, true, diag) != TSU_OK) die("forward", diag);
        if (tsu_net_backward(fx->net, BATCH, diag) != TSU_OK) die("backward", diag);
        for (int i = 0; i < tsu_net_tensor_count(fx->net); i++) {
            tsu_net_tensor *t = tsu_net_tensor_at(fx->net, i);
            if (t->trainable && t->grad)
                for (size_t j = 0; j < t->size; j++) t->data[j] -= 0.05f * t->grad[j];
        }
    }
    free(input);
}

void fx_build(const char *name, fx_net *fx)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    memset(fx, 0, sizeof *fx);
    fx->name = name;
    fx->project = load_project(name, &diag);
    if (!fx->project) die(name, &diag);
    fx->graph = tsu_graph_build(fx->project, &diag);
    if (!fx->graph || !tsu_graph_valid(fx->graph)) die(name, &diag);
    tsu_net_config cfg = {.max_batch = 8, .threads = 1, .seed = 7, .training = true};
    fx->net = tsu_net_new(fx->graph, &cfg, &diag);
    if (!fx->net) die(name, &diag);
    for (int i = 0; i < tsu_graph_node_count(fx->graph); i++) {
        const tsu_node *node = tsu_graph_node(fx->graph, i);
        if (tsu_layer_kind_is_input(tsu_node_kind(node)))
            fx->in_size += tsu_shape_size(tsu_node_shape(node));
    }
    train_a_little(fx, &diag);
    uint32_t seed = 777;
    fx->input = malloc(FX_BATCH * fx->in_size * sizeof(float));
    for (size_t i = 0; i < FX_BATCH * fx->in_size; i++) fx->input[i] = fx_uniform(&seed, 0.0f, 1.0f);
    tsu_diag_free(&diag);
}

void fx_free(fx_net *fx)
{
    tsu_net_free(fx->net);
    tsu_graph_free(fx->graph);
    tsu_project_free(fx->project);
    free(fx->input);
    memset(fx, 0, sizeof *fx);
}

int fx_output_count(const tsu_graph *graph)
{
    tsu_xplan plan;
    if (tsu_xplan_build(graph, &plan, NULL) != TSU_OK) return 0;
    int n = plan.n_outputs;
    tsu_xplan_free(&plan);
    return n;
}

const char *fx_output_id(const tsu_graph *graph, int index)
{
    tsu_xplan plan;
    if (tsu_xplan_build(graph, &plan, NULL) != TSU_OK) return NULL;
    const char *id = index < plan.n_outputs ? tsu_node_id(plan.outputs[index]) : NULL;
    tsu_xplan_free(&plan);
    return id;
}

float *fx_infer(tsu_net *net, const tsu_graph *graph, const float *input, int n, size_t *out_size)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    fill_inputs(graph, net, input, n);
    if (tsu_net_forward(net, n, false, &diag) != TSU_OK) die("inference forward", &diag);
    tsu_diag_free(&diag);
    int outputs = fx_output_count(graph);
    size_t per = 0;
    for (int o = 0; o < outputs; o++)
        per += tsu_shape_size(tsu_node_shape(tsu_graph_find(graph, fx_output_id(graph, o))));
    float *out = malloc((size_t)n * per * sizeof(float));
    size_t at = 0;
    for (int o = 0; o < outputs; o++) {
        const char *id = fx_output_id(graph, o);
        size_t size = tsu_shape_size(tsu_node_shape(tsu_graph_find(graph, id)));
        const float *src = tsu_net_output(net, id);
        for (int s = 0; s < n; s++)
            memcpy(out + (size_t)s * per + at, src + (size_t)s * size, size * sizeof(float));
        at += size;
    }
    *out_size = per;
    return out;
}
