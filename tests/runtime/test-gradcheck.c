/* test-gradcheck.c — analytic gradients of every layer kind against central
 * differences, in training mode. Driven by the registry: a kind without a
 * recipe here fails the test, so a new layer cannot skip it. */
#include "test-helpers.h"

#include "runtime/runtime.h"

#include <math.h>

#define BATCH 4
#define SAMPLES_PER_TENSOR 24
#define EPS 1e-2f

typedef enum {
    VALUES_SIGNED,   /* uniform in [-1, -0.1] U [0.1, 1]: away from kinks at 0 */
    VALUES_DISTINCT, /* a shuffle of well-spaced values: max pooling keeps its winners */
    VALUES_PROB,     /* in [0.1, 0.9]: probabilities for the cross entropies */
} value_domain;

typedef struct {
    const char *kind;
    const char *nodes; /* Inputs x (a, b), the layer "t", a loss reading "y" */
    value_domain domain;
    int threads;
} grad_recipe;

#define IN(id, shape)                                                                    \
    "{\"id\": \"" id "\", \"type\": \"Input\", \"params\": {\"shape\": " shape ", "       \
    "\"dataset\": \"" id "\"}}, "
#define T(type, inputs, params)                                                          \
    "{\"id\": \"t\", \"type\": \"" type "\", \"inputs\": " inputs ", \"params\": {" params "}}, "
#define SQ(from) "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"" from "\"]}"
#define LOSS(type, from) "{\"id\": \"loss\", \"type\": \"" type "\", \"inputs\": [\"" from "\"]}"

static const grad_recipe recipes[] = {
    {"Input", IN("x", "[2, 3]") SQ("x"), VALUES_SIGNED, 1},
    {"Affine", IN("x", "[2, 3, 2]") T("Affine", "[\"x\"]", "\"outmaps\": 5") SQ("t"),
     VALUES_SIGNED, 2},
    {"Affine", IN("x", "[4]") T("Affine", "[\"x\"]", "\"outmaps\": 3, \"with_bias\": false")
     SQ("t"), VALUES_SIGNED, 1},
    {"Convolution", IN("x", "[2, 6, 5]") T("Convolution", "[\"x\"]",
     "\"outmaps\": 3, \"kernel\": [3, 2], \"pad\": [1, 1]") SQ("t"), VALUES_SIGNED, 2},
    {"Convolution", IN("x", "[4, 7, 7]") T("Convolution", "[\"x\"]",
     "\"outmaps\": 4, \"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 2], "
     "\"dilation\": [2, 1], \"group\": 2") SQ("t"), VALUES_SIGNED, 2},
    {"Convolution", IN("x", "[4, 3, 3]") T("Convolution", "[\"x\"]",
     "\"outmaps\": 2, \"kernel\": [1, 1], \"group\": 2, \"with_bias\": false") SQ("t"),
     VALUES_SIGNED, 1},
    {"DepthwiseConvolution", IN("x", "[3, 6, 5]") T("DepthwiseConvolution", "[\"x\"]",
     "\"kernel\": [3, 2], \"pad\": [1, 1], \"dilation\": [1, 2]") SQ("t"), VALUES_SIGNED, 2},
    /* Strides, dilation, uneven pads and two kernels per channel. */
    {"DepthwiseConvolution", IN("x", "[2, 7, 8]") T("DepthwiseConvolution", "[\"x\"]",
     "\"kernel\": [3, 3], \"stride\": [2, 3], \"pad\": [1, 2], \"dilation\": [2, 1], "
     "\"multiplier\": 2") SQ("t"), VALUES_SIGNED, 2},
    {"DepthwiseConvolution", IN("x", "[2, 3, 3]") T("DepthwiseConvolution", "[\"x\"]",
     "\"kernel\": [1, 1], \"multiplier\": 3, \"with_bias\": false") SQ("t"),
     VALUES_SIGNED, 1},
    {"Deconvolution", IN("x", "[2, 3, 4]") T("Deconvolution", "[\"x\"]",
     "\"outmaps\": 3, \"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 0]") SQ("t"),
     VALUES_SIGNED, 2},
    {"MaxPooling", IN("x", "[2, 5, 5]") T("MaxPooling", "[\"x\"]", "") SQ("t"),
     VALUES_DISTINCT, 2},
    /* Even sizes: the backward that stores whole windows. */
    {"MaxPooling", IN("x", "[2, 4, 6]") T("MaxPooling", "[\"x\"]", "") SQ("t"),
     VALUES_DISTINCT, 2},
    {"MaxPooling", IN("x", "[2, 5, 5]") T("MaxPooling", "[\"x\"]",
     "\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]") SQ("t"), VALUES_DISTINCT, 1},
    {"Unpooling", IN("x", "[2, 2, 3]") T("Unpooling", "[\"x\"]", "\"kernel\": [2, 3]") SQ("t"),
     VALUES_SIGNED, 2},
    {"AveragePooling", IN("x", "[2, 5, 5]") T("AveragePooling", "[\"x\"]",
     "\"kernel\": [3, 2], \"stride\": [2, 1], \"pad\": [1, 1]") SQ("t"), VALUES_SIGNED, 2},
    {"GlobalAveragePooling", IN("x", "[3, 2, 3]") T("GlobalAveragePooling", "[\"x\"]", "")
     SQ("t"), VALUES_SIGNED, 1},
    {"ReLU", IN("x", "[7]") T("ReLU", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"Sigmoid", IN("x", "[7]") T("Sigmoid", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"Tanh", IN("x", "[7]") T("Tanh", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"LeakyReLU", IN("x", "[7]") T("LeakyReLU", "[\"x\"]", "\"alpha\": 0.2") SQ("t"),
     VALUES_SIGNED, 1},
    {"ELU", IN("x", "[7]") T("ELU", "[\"x\"]", "\"alpha\": 0.7") SQ("t"), VALUES_SIGNED, 1},
    {"Swish", IN("x", "[7]") T("Swish", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"GELU", IN("x", "[7]") T("GELU", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"Softplus", IN("x", "[7]") T("Softplus", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"SELU", IN("x", "[7]") T("SELU", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"PReLU", IN("x", "[3, 2, 2]") T("PReLU", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"PReLU", IN("x", "[5]") T("PReLU", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"Softmax", IN("x", "[4, 2, 1]") T("Softmax", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"BatchNormalization", IN("x", "[3, 2, 2]") T("BatchNormalization", "[\"x\"]", "")
     SQ("t"), VALUES_SIGNED, 2},
    {"BatchNormalization", IN("x", "[5]") T("BatchNormalization", "[\"x\"]",
     "\"eps\": 0.01") SQ("t"), VALUES_SIGNED, 1},
    /* BatchNormalization -> ReLU run fused (one pass each way). With these
     * values no output sits within EPS of the ReLU kink ([3, 2, 3] has one). */
    {"BatchNormalization", IN("x", "[2, 3, 2]")
     "{\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"x\"]}, "
     T("ReLU", "[\"bn\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"LayerNormalization", IN("x", "[3, 2, 2]") T("LayerNormalization", "[\"x\"]", "")
     SQ("t"), VALUES_SIGNED, 2},
    {"LayerNormalization", IN("x", "[6]") T("LayerNormalization", "[\"x\"]",
     "\"eps\": 0.01") SQ("t"), VALUES_SIGNED, 1},
    {"Dropout", IN("x", "[12]") T("Dropout", "[\"x\"]", "\"p\": 0.4") SQ("t"), VALUES_SIGNED,
     2},
    /* A block unrolled three times, each copy with its own weights, its
     * input also read by a Mul2 inside: the chain through every copy. */
    {"RepeatStart", IN("x", "[4]")
     "{\"id\": \"rs\", \"type\": \"RepeatStart\", \"inputs\": [\"x\"], \"params\": {\"times\": 3}}, "
     "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"rs\"], \"params\": {\"outmaps\": 4}}, "
     "{\"id\": \"th\", \"type\": \"Tanh\", \"inputs\": [\"fc\"]}, "
     "{\"id\": \"m\", \"type\": \"Mul2\", \"inputs\": [\"th\", \"rs\"]}, "
     T("RepeatEnd", "[\"m\"]", "\"start\": \"rs\"") SQ("t"), VALUES_SIGNED, 2},
    /* An empty block: the identity. */
    {"RepeatEnd", IN("x", "[2, 3]")
     "{\"id\": \"rs\", \"type\": \"RepeatStart\", \"inputs\": [\"x\"], \"params\": {\"times\": 2}}, "
     T("RepeatEnd", "[\"rs\"]", "\"start\": \"rs\"") SQ("t"), VALUES_SIGNED, 1},
    /* Every option at once: for fixed draws (the step is pinned) the
     * transform is linear in x, so the gradient is exact. */
    {"ImageAugmentation", IN("x", "[2, 5, 6]") T("ImageAugmentation", "[\"x\"]",
     "\"flip_lr\": true, \"flip_ud\": true, \"shift\": [1, 2], \"angle\": 0.5, "
     "\"brightness\": 0.3, \"contrast\": 0.4, \"noise\": 0.1") SQ("t"), VALUES_SIGNED, 2},
    {"Flatten", IN("x", "[2, 2, 2]") T("Flatten", "[\"x\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"Reshape", IN("x", "[2, 3]") T("Reshape", "[\"x\"]", "\"shape\": [3, 2]") SQ("t"),
     VALUES_SIGNED, 1},
    {"Concatenate", IN("a", "[2, 2, 3]") IN("b", "[2, 1, 3]") T("Concatenate",
     "[\"a\", \"b\", \"a\"]", "\"axis\": 1") SQ("t"), VALUES_SIGNED, 2},
    {"Add2", IN("a", "[5]") IN("b", "[5]") T("Add2", "[\"a\", \"b\"]", "") SQ("t"),
     VALUES_SIGNED, 1},
    {"Add2", IN("a", "[5]") T("Add2", "[\"a\", \"a\"]", "") SQ("t"), VALUES_SIGNED, 2},
    /* Broadcasting either way, with both gradients summed over the repeats. */
    {"Add2", IN("a", "[2, 3, 4]") IN("b", "[2, 1, 4]") T("Add2", "[\"a\", \"b\"]", "") SQ("t"),
     VALUES_SIGNED, 2},
    /* Add2 -> ReLU run fused (one pass each way): plain, one input twice,
     * broadcasting. With these values no sum sits within EPS of the kink
     * ([2, 3] has one). */
    {"Add2", IN("a", "[7]") IN("b", "[7]")
     "{\"id\": \"s\", \"type\": \"Add2\", \"inputs\": [\"a\", \"b\"]}, "
     T("ReLU", "[\"s\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"Add2", IN("a", "[5]")
     "{\"id\": \"s\", \"type\": \"Add2\", \"inputs\": [\"a\", \"a\"]}, "
     T("ReLU", "[\"s\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"Add2", IN("a", "[2, 3]") IN("b", "[2, 1]")
     "{\"id\": \"s\", \"type\": \"Add2\", \"inputs\": [\"a\", \"b\"]}, "
     T("ReLU", "[\"s\"]", "") SQ("t"), VALUES_SIGNED, 2},
    {"Mul2", IN("a", "[4, 3, 3]") IN("b", "[4, 1, 1]") T("Mul2", "[\"a\", \"b\"]", "") SQ("t"),
     VALUES_SIGNED, 2},
    {"Mul2", IN("a", "[1, 3]") IN("b", "[2, 1]") T("Mul2", "[\"a\", \"b\"]", "") SQ("t"),
     VALUES_SIGNED, 1},
    {"Mul2", IN("a", "[5]") T("Mul2", "[\"a\", \"a\"]", "") SQ("t"), VALUES_SIGNED, 1},
    {"Sub2", IN("a", "[5]") IN("b", "[5]") T("Sub2", "[\"a\", \"b\"]", "") SQ("t"),
     VALUES_SIGNED, 1},
    {"Sub2", IN("a", "[2, 1, 3]") IN("b", "[2, 4, 1]") T("Sub2", "[\"a\", \"b\"]", "")
     SQ("t"), VALUES_SIGNED, 2},
    {"CategoricalCrossEntropy", IN("x", "[4]") LOSS("CategoricalCrossEntropy", "x"),
     VALUES_PROB, 1},
    {"CategoricalCrossEntropy", IN("x", "[4, 3]") T("Softmax", "[\"x\"]", "")
     LOSS("CategoricalCrossEntropy", "t"), VALUES_SIGNED, 2},
    {"SoftmaxCrossEntropy", IN("x", "[5, 2]") LOSS("SoftmaxCrossEntropy", "x"), VALUES_SIGNED,
     2},
    {"BinaryCrossEntropy", IN("x", "[3]") LOSS("BinaryCrossEntropy", "x"), VALUES_PROB, 1},
    {"BinaryCrossEntropy", IN("x", "[3]") T("Sigmoid", "[\"x\"]", "")
     LOSS("BinaryCrossEntropy", "t"), VALUES_SIGNED, 2},
    {"SigmoidCrossEntropy", IN("x", "[3]") LOSS("SigmoidCrossEntropy", "x"), VALUES_SIGNED, 1},
    {"SquaredError", IN("x", "[2, 2]") SQ("x"), VALUES_SIGNED, 2},
};

static void fill_values(float *data, size_t n, value_domain domain, GRand *rand)
{
    for (size_t i = 0; i < n; i++) {
        double u = g_rand_double(rand);
        if (domain == VALUES_PROB)
            data[i] = (float)(0.1 + 0.8 * u);
        else
            data[i] = (float)((0.1 + 0.9 * u) * (g_rand_boolean(rand) ? 1 : -1));
    }
    if (domain != VALUES_DISTINCT) return;
    /* Spacing 0.1 > 2 * EPS: a perturbation never changes which value wins. */
    for (size_t i = 0; i < n; i++) data[i] = (float)(0.1 * ((double)i - (double)n / 2));
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)g_rand_int_range(rand, 0, (gint32)i);
        float tmp = data[i - 1];
        data[i - 1] = data[j];
        data[j] = tmp;
    }
}

static void fill_targets(tsu_net *net, const tsu_node *loss, GRand *rand)
{
    float *target = tsu_net_target(net, "y");
    size_t n = BATCH * tsu_net_target_size(net, "y");
    const char *type = tsu_node_type(loss);
    int classes = tsu_node_shape(tsu_node_input(loss, 0))->d[0];
    bool by_class = strstr(type, "CategoricalCross") || strstr(type, "SoftmaxCross");
    for (size_t i = 0; i < n; i++) {
        if (by_class)
            target[i] = (float)g_rand_int_range(rand, 0, classes);
        else if (strcmp(type, "SquaredError") == 0)
            target[i] = (float)g_rand_double_range(rand, -1, 1);
        else /* soft targets exercise both terms of the binary entropies */
            target[i] = (float)g_rand_double(rand);
    }
}

static double loss_at(tsu_net *net)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_net_set_step(net, 7);
    g_assert_cmpint(tsu_net_forward(net, BATCH, true, &diag), ==, TSU_OK);
    tsu_diag_free(&diag);
    return tsu_net_loss(net);
}

/* Compares a sample of entries of one tensor; `grad` is a copy of the
 * analytic gradient. Returns the number of entries that disagree. */
static int check_tensor(tsu_net *net, const char *what, float *data, const float *grad, size_t n,
                        GRand *rand)
{
    double scale = 0.0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(grad[i]));
    int bad = 0;
    int checks = n < SAMPLES_PER_TENSOR ? (int)n : SAMPLES_PER_TENSOR;
    for (int c = 0; c < checks; c++) {
        size_t i = n <= SAMPLES_PER_TENSOR ? (size_t)c : (size_t)g_rand_int_range(rand, 0, (gint32)n);
        float saved = data[i];
        data[i] = saved + EPS;
        double plus = loss_at(net);
        data[i] = saved - EPS;
        double minus = loss_at(net);
        data[i] = saved;
        double numeric = (plus - minus) / (2.0 * EPS);
        double error = fabs(numeric - grad[i]) / fmax(fmax(fabs(numeric), fabs(grad[i])),
                                                       1e-2 * scale + 1e-6);
        if (error > 0.03) {
            g_printerr("  %s[%zu]: analytic %.6g numeric %.6g\n", what, i, grad[i], numeric);
            bad++;
        }
    }
    return bad;
}

static const tsu_node *find_loss(const tsu_graph *graph)
{
    for (int i = 0; i < tsu_graph_node_count(graph); i++)
        if (tsu_layer_kind_is_loss(tsu_node_kind(tsu_graph_node(graph, i))))
            return tsu_graph_node(graph, i);
    return NULL;
}

static void randomize_parameters(tsu_net *net, GRand *rand)
{
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        if (!t->trainable) continue;
        for (size_t j = 0; j < t->size; j++) t->data[j] = (float)g_rand_double_range(rand, -1, 1);
    }
}

static int run_recipe(const grad_recipe *r)
{
    test_graph t;
    test_graph_build(&t, r->nodes);
    if (t.diag.count) test_diag_dump(&t.diag);
    g_assert_true(tsu_graph_valid(t.graph));
    tsu_net_config cfg = {.max_batch = BATCH, .threads = r->threads, .seed = 3, .training = true};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    g_assert_nonnull(net);
    tsu_net_set_input_gradients(net, true);
    GRand *rand = g_rand_new_with_seed(42);
    const tsu_graph *graph = t.graph;
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (!tsu_layer_kind_is_input(tsu_node_kind(node))) continue;
        fill_values(tsu_net_input(net, tsu_node_id(node)),
                    BATCH * tsu_shape_size(tsu_node_shape(node)), r->domain, rand);
    }
    fill_targets(net, find_loss(graph), rand);
    randomize_parameters(net, rand);
    /* Twice: the second pass finds the buffers the first one wrote, so a
     * gradient that adds to stale values instead of starting afresh shows. */
    for (int pass = 0; pass < 2; pass++) {
        loss_at(net);
        g_assert_cmpint(tsu_net_backward(net, BATCH, &t.diag), ==, TSU_OK);
    }

    int bad = 0;
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        tsu_net_tensor *tensor = tsu_net_tensor_at(net, i);
        if (!tensor->trainable) continue;
        float *grad = g_memdup2(tensor->grad, tensor->size * sizeof(float));
        bad += check_tensor(net, tensor->name, tensor->data, grad, tensor->size, rand);
        g_free(grad);
    }
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (!tsu_layer_kind_is_input(tsu_node_kind(node))) continue;
        size_t n = BATCH * tsu_shape_size(tsu_node_shape(node));
        float *grad = g_memdup2(tsu_net_output_grad(net, tsu_node_id(node)), n * sizeof(float));
        bad += check_tensor(net, tsu_node_id(node), tsu_net_input(net, tsu_node_id(node)), grad,
                            n, rand);
        g_free(grad);
    }
    g_rand_free(rand);
    tsu_net_free(net);
    test_graph_free(&t);
    return bad;
}

static void test_every_kind(void)
{
    int failures = 0;
    for (int k = 0; k < tsu_layer_kind_count(); k++) {
        const char *name = tsu_layer_kind_name(tsu_layer_kind_at(k));
        int covered = 0;
        for (size_t i = 0; i < G_N_ELEMENTS(recipes); i++) {
            if (strcmp(recipes[i].kind, name) != 0) continue;
            covered++;
            int bad = run_recipe(&recipes[i]);
            if (bad) g_printerr("%s (recipe %zu): %d gradients disagree\n", name, i, bad);
            failures += bad;
        }
        if (!covered) {
            g_printerr("layer kind %s has no gradient-check recipe\n", name);
            failures++;
        }
    }
    g_assert_cmpint(failures, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runtime/gradcheck/every-kind", test_every_kind);
    return g_test_run();
}
