/* test-layers-shape.c — shape inference, parameter counts and multiply-adds
 * of every layer kind against numbers computed by hand, and the messages of
 * shape errors. */
#include "test-helpers.h"

#define IMG(id, c, h, w)                                                                 \
    "{\"id\": \"" id "\", \"type\": \"Input\", \"params\": {\"shape\": [" #c ", " #h ", " #w "]}}"
#define VEC(id, n) "{\"id\": \"" id "\", \"type\": \"Input\", \"params\": {\"shape\": [" #n "]}}"

typedef struct {
    const char *kind;   /* the kind this case covers */
    const char *nodes;  /* network.nodes members; the node under test has id "t" */
    const char *shape;  /* "16x28x28" */
    uint64_t trainable, state, macs;
} shape_case;

static const shape_case shape_cases[] = {
    {"Input", IMG("x", 1, 28, 28), "1x28x28", 0, 0, 0},
    {"Affine", IMG("x", 32, 7, 7) ", {\"id\": \"t\", \"type\": \"Affine\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 10}}", "10", 15690, 0, 15680},
    {"Affine", IMG("x", 32, 25, 62) ", {\"id\": \"t\", \"type\": \"Affine\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 73}}", "73", 3620800 + 73, 0, 3620800},
    {"Affine", VEC("x", 5) ", {\"id\": \"t\", \"type\": \"Affine\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 3, \"with_bias\": false}}", "3", 15, 0, 15},
    /* seed conv1 and conv2 */
    {"Convolution", IMG("x", 1, 28, 28) ", {\"id\": \"t\", \"type\": \"Convolution\", "
     "\"inputs\": [\"x\"], \"params\": {\"outmaps\": 16, \"kernel\": [5, 5], \"pad\": [2, 2]}}",
     "16x28x28", 416, 0, 16 * 28 * 28 * 25},
    {"Convolution", IMG("x", 16, 14, 14) ", {\"id\": \"t\", \"type\": \"Convolution\", "
     "\"inputs\": [\"x\"], \"params\": {\"outmaps\": 32, \"kernel\": [5, 5], \"pad\": [2, 2]}}",
     "32x14x14", 12832, 0, 32 * 14 * 14 * 16 * 25},
    /* span 2*(3-1)+1 = 5 over 9+2 = 11: (11-5)/2+1 = 4; weight 6*2*3*3 */
    {"Convolution", IMG("x", 4, 9, 9) ", {\"id\": \"t\", \"type\": \"Convolution\", "
     "\"inputs\": [\"x\"], \"params\": {\"outmaps\": 6, \"kernel\": [3, 3], \"stride\": [2, 2], "
     "\"pad\": [1, 1], \"dilation\": [2, 2], \"group\": 2}}", "6x4x4", 108 + 6, 0, 96 * 2 * 9},
    {"Convolution", IMG("x", 3, 8, 6) ", {\"id\": \"t\", \"type\": \"Convolution\", "
     "\"inputs\": [\"x\"], \"params\": {\"outmaps\": 2, \"kernel\": [3, 1], \"stride\": [2, 3], "
     "\"with_bias\": false}}", "2x3x2", 2 * 3 * 3, 0, 12 * 3 * 3},
    /* 32 channels, 3x3, pad 1: weight 32*9 + bias 32; 9 MACs per output value */
    {"DepthwiseConvolution", IMG("x", 32, 14, 14) ", {\"id\": \"t\", "
     "\"type\": \"DepthwiseConvolution\", \"inputs\": [\"x\"], \"params\": {\"kernel\": [3, 3], "
     "\"pad\": [1, 1]}}", "32x14x14", 288 + 32, 0, 32 * 14 * 14 * 9},
    /* multiplier 2: 6 maps; span 2*(3-1)+1 = 5 over 9+2 = 11 rows: (11-5)/2+1 = 4;
     * 1-wide columns over 10: (10-1)/3+1 = 4; weight 6*3*1, no bias */
    {"DepthwiseConvolution", IMG("x", 3, 9, 10) ", {\"id\": \"t\", "
     "\"type\": \"DepthwiseConvolution\", \"inputs\": [\"x\"], \"params\": {\"kernel\": [3, 1], "
     "\"stride\": [2, 3], \"pad\": [1, 0], \"dilation\": [2, 1], \"multiplier\": 2, "
     "\"with_bias\": false}}", "6x4x4", 18, 0, 6 * 4 * 4 * 3},
    /* (5-1)*2 - 2*1 + 3 = 9; weight [in 3, out 4, 3, 3] */
    {"Deconvolution", IMG("x", 3, 5, 5) ", {\"id\": \"t\", \"type\": \"Deconvolution\", "
     "\"inputs\": [\"x\"], \"params\": {\"outmaps\": 4, \"kernel\": [3, 3], \"stride\": [2, 2], "
     "\"pad\": [1, 1]}}", "4x9x9", 108 + 4, 0, 75 * 4 * 9},
    {"MaxPooling", IMG("x", 16, 28, 28) ", {\"id\": \"t\", \"type\": \"MaxPooling\", "
     "\"inputs\": [\"x\"]}", "16x14x14", 0, 0, 0},
    /* stride defaults to the kernel: floor((28-3)/3)+1 = 9 */
    {"MaxPooling", IMG("x", 2, 28, 28) ", {\"id\": \"t\", \"type\": \"MaxPooling\", "
     "\"inputs\": [\"x\"], \"params\": {\"kernel\": [3, 3]}}", "2x9x9", 0, 0, 0},
    {"MaxPooling", IMG("x", 2, 5, 5) ", {\"id\": \"t\", \"type\": \"MaxPooling\", "
     "\"inputs\": [\"x\"], \"params\": {\"kernel\": [3, 3], \"stride\": [2, 2], \"pad\": [1, 1]}}",
     "2x3x3", 0, 0, 0},
    {"AveragePooling", IMG("x", 16, 28, 28) ", {\"id\": \"t\", \"type\": \"AveragePooling\", "
     "\"inputs\": [\"x\"]}", "16x14x14", 0, 0, 16 * 14 * 14 * 4},
    {"GlobalAveragePooling", IMG("x", 8, 5, 5) ", {\"id\": \"t\", "
     "\"type\": \"GlobalAveragePooling\", \"inputs\": [\"x\"]}", "8x1x1", 0, 0, 200},
    {"ReLU", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"ReLU\", \"inputs\": [\"x\"]}", "10", 0,
     0, 0},
    /* kernel 2x3 over 5x4: 10x12 */
    {"Unpooling", IMG("x", 3, 5, 4) ", {\"id\": \"t\", \"type\": \"Unpooling\", "
     "\"inputs\": [\"x\"], \"params\": {\"kernel\": [2, 3]}}", "3x10x12", 0, 0, 0},
    {"Unpooling", IMG("x", 8, 7, 7) ", {\"id\": \"t\", \"type\": \"Unpooling\", "
     "\"inputs\": [\"x\"]}", "8x14x14", 0, 0, 0},
    {"Swish", IMG("x", 2, 3, 4) ", {\"id\": \"t\", \"type\": \"Swish\", \"inputs\": [\"x\"]}",
     "2x3x4", 0, 0, 0},
    {"GELU", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"GELU\", \"inputs\": [\"x\"]}", "10", 0,
     0, 0},
    {"Softplus", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"Softplus\", \"inputs\": [\"x\"]}",
     "10", 0, 0, 0},
    {"SELU", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"SELU\", \"inputs\": [\"x\"]}", "10", 0,
     0, 0},
    /* one slope per channel: 16 for [16, 28, 28], 50 for a vector of 50 */
    {"PReLU", IMG("x", 16, 28, 28) ", {\"id\": \"t\", \"type\": \"PReLU\", "
     "\"inputs\": [\"x\"]}", "16x28x28", 16, 0, 0},
    {"PReLU", VEC("x", 50) ", {\"id\": \"t\", \"type\": \"PReLU\", \"inputs\": [\"x\"]}", "50",
     50, 0, 0},
    {"Sigmoid", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"Sigmoid\", \"inputs\": [\"x\"]}", "10",
     0, 0, 0},
    {"Tanh", IMG("x", 2, 3, 4) ", {\"id\": \"t\", \"type\": \"Tanh\", \"inputs\": [\"x\"]}",
     "2x3x4", 0, 0, 0},
    {"LeakyReLU", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"LeakyReLU\", \"inputs\": [\"x\"], "
     "\"params\": {\"alpha\": 0.2}}", "10", 0, 0, 0},
    {"ELU", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"ELU\", \"inputs\": [\"x\"]}", "10", 0, 0,
     0},
    {"Softmax", IMG("x", 10, 2, 2) ", {\"id\": \"t\", \"type\": \"Softmax\", \"inputs\": [\"x\"]}",
     "10x2x2", 0, 0, 0},
    {"BatchNormalization", IMG("x", 16, 28, 28) ", {\"id\": \"t\", "
     "\"type\": \"BatchNormalization\", \"inputs\": [\"x\"]}", "16x28x28", 32, 32, 16 * 28 * 28},
    {"BatchNormalization", VEC("x", 50) ", {\"id\": \"t\", \"type\": \"BatchNormalization\", "
     "\"inputs\": [\"x\"]}", "50", 100, 100, 50},
    /* gamma and beta of one sample's shape: 2 * 8 * 6 * 6 */
    {"LayerNormalization", IMG("x", 8, 6, 6) ", {\"id\": \"t\", "
     "\"type\": \"LayerNormalization\", \"inputs\": [\"x\"]}", "8x6x6", 576, 0, 288},
    {"LayerNormalization", VEC("x", 20) ", {\"id\": \"t\", \"type\": \"LayerNormalization\", "
     "\"inputs\": [\"x\"], \"params\": {\"eps\": 0.001}}", "20", 40, 0, 20},
    {"Dropout", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"Dropout\", \"inputs\": [\"x\"]}", "10",
     0, 0, 0},
    /* An empty block, as each end's case. */
    {"RepeatStart", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"RepeatStart\", \"inputs\": [\"x\"]}"
     ", {\"id\": \"re\", \"type\": \"RepeatEnd\", \"inputs\": [\"t\"], \"params\": {\"start\": \"t\"}}",
     "10", 0, 0, 0},
    {"RepeatEnd", VEC("x", 10) ", {\"id\": \"rs\", \"type\": \"RepeatStart\", \"inputs\": [\"x\"]}"
     ", {\"id\": \"t\", \"type\": \"RepeatEnd\", \"inputs\": [\"rs\"], \"params\": {\"start\": \"rs\"}}",
     "10", 0, 0, 0},
    {"ImageAugmentation", IMG("x", 3, 5, 4) ", {\"id\": \"t\", "
     "\"type\": \"ImageAugmentation\", \"inputs\": [\"x\"], \"params\": {\"angle\": 0.3}}",
     "3x5x4", 0, 0, 0},
    {"Flatten", IMG("x", 2, 3, 4) ", {\"id\": \"t\", \"type\": \"Flatten\", \"inputs\": [\"x\"]}",
     "24", 0, 0, 0},
    {"Reshape", IMG("x", 2, 3, 4) ", {\"id\": \"t\", \"type\": \"Reshape\", \"inputs\": [\"x\"], "
     "\"params\": {\"shape\": [4, 6]}}", "4x6", 0, 0, 0},
    {"Concatenate", IMG("a", 2, 3, 4) ", " IMG("b", 5, 3, 4) ", {\"id\": \"t\", "
     "\"type\": \"Concatenate\", \"inputs\": [\"a\", \"b\", \"a\"]}", "9x3x4", 0, 0, 0},
    {"Concatenate", IMG("a", 2, 3, 4) ", " IMG("b", 2, 3, 1) ", {\"id\": \"t\", "
     "\"type\": \"Concatenate\", \"inputs\": [\"a\", \"b\"], \"params\": {\"axis\": 2}}",
     "2x3x5", 0, 0, 0},
    {"Add2", VEC("a", 3) ", " VEC("b", 3) ", {\"id\": \"t\", \"type\": \"Add2\", "
     "\"inputs\": [\"a\", \"b\"]}", "3", 0, 0, 0},
    /* a squeeze-and-excitation gate, and axes of size 1 on both sides */
    {"Mul2", IMG("a", 8, 12, 12) ", " IMG("b", 8, 1, 1) ", {\"id\": \"t\", \"type\": \"Mul2\", "
     "\"inputs\": [\"a\", \"b\"]}", "8x12x12", 0, 0, 0},
    {"Add2", IMG("a", 1, 5, 1) ", " IMG("b", 3, 1, 4) ", {\"id\": \"t\", \"type\": \"Add2\", "
     "\"inputs\": [\"a\", \"b\"]}", "3x5x4", 0, 0, 0},
    {"Sub2", VEC("a", 6) ", " VEC("b", 1) ", {\"id\": \"t\", \"type\": \"Sub2\", "
     "\"inputs\": [\"a\", \"b\"]}", "6", 0, 0, 0},
    {"CategoricalCrossEntropy", VEC("x", 10) ", {\"id\": \"t\", "
     "\"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"x\"]}", "1", 0, 0, 0},
    {"SoftmaxCrossEntropy", VEC("x", 10) ", {\"id\": \"t\", \"type\": \"SoftmaxCrossEntropy\", "
     "\"inputs\": [\"x\"]}", "1", 0, 0, 0},
    {"BinaryCrossEntropy", VEC("x", 1) ", {\"id\": \"t\", \"type\": \"BinaryCrossEntropy\", "
     "\"inputs\": [\"x\"]}", "1", 0, 0, 0},
    {"SigmoidCrossEntropy", VEC("x", 4) ", {\"id\": \"t\", \"type\": \"SigmoidCrossEntropy\", "
     "\"inputs\": [\"x\"]}", "1", 0, 0, 0},
    {"SquaredError", IMG("x", 2, 3, 4) ", {\"id\": \"t\", \"type\": \"SquaredError\", "
     "\"inputs\": [\"x\"]}", "1", 0, 0, 0},
};

static void check_case(const shape_case *c)
{
    test_graph t;
    test_graph_build(&t, c->nodes);
    if (t.diag.count) test_diag_dump(&t.diag);
    g_assert_cmpint(t.diag.count, ==, 0);
    g_assert_true(tsu_graph_valid(t.graph));
    const tsu_node *node = tsu_graph_find(t.graph, "t");
    if (!node) node = tsu_graph_find(t.graph, "x");
    g_assert_nonnull(node);
    g_assert_cmpstr(tsu_node_type(node), ==, c->kind);
    char shape[64];
    tsu_shape_format(tsu_node_shape(node), shape, sizeof shape);
    g_assert_cmpstr(shape, ==, c->shape);
    g_assert_cmpuint(tsu_node_trainable_count(node), ==, c->trainable);
    g_assert_cmpuint(tsu_node_state_count(node), ==, c->state);
    g_assert_cmpuint(tsu_node_macs(node), ==, c->macs);
    test_graph_free(&t);
}

static void test_every_kind(void)
{
    for (int k = 0; k < tsu_layer_kind_count(); k++) {
        const char *name = tsu_layer_kind_name(tsu_layer_kind_at(k));
        int covered = 0;
        for (size_t i = 0; i < G_N_ELEMENTS(shape_cases); i++) {
            if (strcmp(shape_cases[i].kind, name) != 0) continue;
            check_case(&shape_cases[i]);
            covered++;
        }
        if (!covered) g_test_message("layer kind %s has no shape case", name);
        g_assert_cmpint(covered, >, 0);
    }
}

static void test_tensor_names(void)
{
    test_graph t;
    test_graph_build(&t, IMG("x", 3, 8, 8) ", {\"id\": \"conv\", \"type\": \"Convolution\", "
                         "\"inputs\": [\"x\"], \"params\": {\"outmaps\": 4, \"kernel\": [3, 3], "
                         "\"group\": 1}}, {\"id\": \"bn\", \"type\": \"BatchNormalization\", "
                         "\"inputs\": [\"conv\"]}");
    const tsu_node *conv = tsu_graph_find(t.graph, "conv");
    g_assert_cmpint(tsu_node_tensor_count(conv), ==, 2);
    g_assert_cmpstr(tsu_node_tensor(conv, 0)->name, ==, "weight");
    char shape[64];
    tsu_shape_format(&tsu_node_tensor(conv, 0)->shape, shape, sizeof shape);
    g_assert_cmpstr(shape, ==, "4x3x3x3");
    g_assert_cmpstr(tsu_node_tensor(conv, 1)->name, ==, "bias");
    const tsu_node *bn = tsu_graph_find(t.graph, "bn");
    const char *names[] = {"weight", "bias", "running_mean", "running_var"};
    g_assert_cmpint(tsu_node_tensor_count(bn), ==, 4);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpstr(tsu_node_tensor(bn, i)->name, ==, names[i]);
        g_assert_cmpint(tsu_node_tensor(bn, i)->trainable, ==, i < 2);
    }
    test_graph_free(&t);
}

/* PyTorch's names and initial values: nn.PReLU(C).weight [C] at 0.25,
 * nn.LayerNorm(shape).weight at 1 and .bias at 0, of one sample's shape. */
static void test_modern_tensors(void)
{
    test_graph t;
    test_graph_build(&t, IMG("x", 4, 3, 2) ", {\"id\": \"p\", \"type\": \"PReLU\", "
                         "\"inputs\": [\"x\"]}, {\"id\": \"ln\", "
                         "\"type\": \"LayerNormalization\", \"inputs\": [\"p\"]}, "
                         "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"ln\"]}");
    g_assert_true(tsu_graph_valid(t.graph));
    const tsu_node *p = tsu_graph_find(t.graph, "p"), *ln = tsu_graph_find(t.graph, "ln");
    char shape[64];
    g_assert_cmpint(tsu_node_tensor_count(p), ==, 1);
    g_assert_cmpstr(tsu_node_tensor(p, 0)->name, ==, "weight");
    tsu_shape_format(&tsu_node_tensor(p, 0)->shape, shape, sizeof shape);
    g_assert_cmpstr(shape, ==, "4");
    g_assert_cmpint(tsu_node_tensor_count(ln), ==, 2);
    g_assert_cmpstr(tsu_node_tensor(ln, 0)->name, ==, "weight");
    g_assert_cmpstr(tsu_node_tensor(ln, 1)->name, ==, "bias");
    tsu_shape_format(&tsu_node_tensor(ln, 1)->shape, shape, sizeof shape);
    g_assert_cmpstr(shape, ==, "4x3x2");
    tsu_net_config cfg = {.max_batch = 2, .threads = 1, .seed = 9, .training = true};
    tsu_net *net = tsu_net_new(t.graph, &cfg, &t.diag);
    g_assert_nonnull(net);
    const struct {
        const char *name;
        size_t size;
        float value;
    } want[] = {{"p.weight", 4, 0.25f}, {"ln.weight", 24, 1.0f}, {"ln.bias", 24, 0.0f}};
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        tsu_net_tensor *tensor = tsu_net_tensor_find(net, want[i].name);
        g_assert_nonnull(tensor);
        g_assert_cmpuint(tensor->size, ==, want[i].size);
        for (size_t j = 0; j < tensor->size; j++) g_assert_cmpfloat(tensor->data[j], ==, want[i].value);
    }
    tsu_net_free(net);
    test_graph_free(&t);
}

#define SEED_NETWORK                                                                     \
    IMG("x", 1, 28, 28) ","                                                              \
    "{\"id\": \"conv1\", \"type\": \"Convolution\", \"inputs\": [\"x\"], \"params\": "  \
    "{\"outmaps\": 16, \"kernel\": [5, 5], \"pad\": [2, 2]}},"                            \
    "{\"id\": \"bn1\", \"type\": \"BatchNormalization\", \"inputs\": [\"conv1\"]},"        \
    "{\"id\": \"relu1\", \"type\": \"ReLU\", \"inputs\": [\"bn1\"]},"                      \
    "{\"id\": \"pool1\", \"type\": \"MaxPooling\", \"inputs\": [\"relu1\"]},"              \
    "{\"id\": \"conv2\", \"type\": \"Convolution\", \"inputs\": [\"pool1\"], \"params\": " \
    "{\"outmaps\": 32, \"kernel\": [5, 5], \"pad\": [2, 2]}},"                            \
    "{\"id\": \"bn2\", \"type\": \"BatchNormalization\", \"inputs\": [\"conv2\"]},"        \
    "{\"id\": \"relu2\", \"type\": \"ReLU\", \"inputs\": [\"bn2\"]},"                      \
    "{\"id\": \"pool2\", \"type\": \"MaxPooling\", \"inputs\": [\"relu2\"]},"              \
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"pool2\"], \"params\": "         \
    "{\"outmaps\": 10}},"                                                                 \
    "{\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"                     \
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}"

/* The seed network: BN adds 2 * (16 + 32) trainable values to
 * 416 + 12,832 + 15,690 = 28,938. */
static void test_seed_network(void)
{
    test_graph t;
    test_graph_build(&t, SEED_NETWORK);
    g_assert_cmpint(t.diag.count, ==, 0);
    uint64_t trainable = 0, state = 0;
    for (int i = 0; i < tsu_graph_node_count(t.graph); i++) {
        trainable += tsu_node_trainable_count(tsu_graph_node(t.graph, i));
        state += tsu_node_state_count(tsu_graph_node(t.graph, i));
    }
    g_assert_cmpuint(trainable, ==, 29034);
    g_assert_cmpuint(state, ==, 96);
    g_assert_cmpuint(tsu_node_trainable_count(tsu_graph_find(t.graph, "fc")), ==, 15690);
    test_graph_free(&t);
}

typedef struct {
    const char *nodes;
    const char *message; /* expected complete message */
} error_case;

static const error_case error_cases[] = {
    {VEC("a", 3) ", " VEC("b", 5) ", {\"id\": \"sum7\", \"type\": \"Add2\", "
     "\"inputs\": [\"a\", \"b\"]}",
     "sum7: Add2 inputs a [3] and b [5] differ at axis 0; each axis must match or be 1 in one of "
     "them"},
    {IMG("a", 8, 12, 12) ", " VEC("g", 8) ", {\"id\": \"se\", \"type\": \"Mul2\", "
     "\"inputs\": [\"a\", \"g\"]}",
     "se: Mul2 inputs a [8, 12, 12] and g [8] differ in rank; axes of size 1 broadcast only "
     "between shapes of the same rank"},
    {IMG("a", 8, 12, 12) ", " IMG("b", 8, 6, 1) ", {\"id\": \"d\", \"type\": \"Sub2\", "
     "\"inputs\": [\"a\", \"b\"]}",
     "d: Sub2 inputs a [8, 12, 12] and b [8, 6, 1] differ at axis 1; each axis must match or be 1 "
     "in one of them"},
    {VEC("x", 10) ", {\"id\": \"aug\", \"type\": \"ImageAugmentation\", \"inputs\": [\"x\"]}",
     "aug: ImageAugmentation needs a [C, H, W] input, got [10]"},
    {VEC("x", 10) ", {\"id\": \"up\", \"type\": \"Unpooling\", \"inputs\": [\"x\"]}",
     "up: Unpooling needs a [C, H, W] input, got [10]"},
    {IMG("x", 1, 300, 4) ", {\"id\": \"up2\", \"type\": \"Unpooling\", \"inputs\": [\"x\"], "
     "\"params\": {\"kernel\": [1000, 2]}}",
     "up2.kernel: kernel 1000x2 makes [1, 300, 4] 300000x8, larger than 65536"},
    {IMG("x", 1, 5, 5) ", {\"id\": \"conv3\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 4, \"kernel\": [7, 7]}}",
     "conv3.kernel: kernel 7x7 is larger than the padded input 5x5"},
    {IMG("x", 1, 4, 4) ", {\"id\": \"conv4\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 4, \"kernel\": [3, 3], \"dilation\": [2, 2]}}",
     "conv4.kernel: kernel 3x3 with dilation 2x2 spans 5x5, larger than the padded input 4x4"},
    {IMG("x", 3, 5, 5) ", {\"id\": \"conv5\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 4, \"kernel\": [1, 1], \"group\": 2}}",
     "conv5.group: 3 input channels do not split into 2 groups"},
    {VEC("x", 784) ", {\"id\": \"conv6\", \"type\": \"Convolution\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 4, \"kernel\": [3, 3]}}",
     "conv6: Convolution needs a [C, H, W] input, got [784]"},
    {IMG("x", 1, 3, 3) ", {\"id\": \"pool9\", \"type\": \"MaxPooling\", \"inputs\": [\"x\"], "
     "\"params\": {\"kernel\": [4, 4]}}",
     "pool9.kernel: kernel 4x4 is larger than the padded input 3x3"},
    {IMG("x", 2, 3, 4) ", {\"id\": \"r\", \"type\": \"Reshape\", \"inputs\": [\"x\"], "
     "\"params\": {\"shape\": [5, 5]}}",
     "r.shape: cannot reshape [2, 3, 4] (24 values) to [5, 5] (25 values)"},
    {IMG("a", 2, 3, 4) ", " IMG("b", 2, 4, 4) ", {\"id\": \"cat\", \"type\": \"Concatenate\", "
     "\"inputs\": [\"a\", \"b\"]}",
     "cat: Concatenate inputs a [2, 3, 4] and b [2, 4, 4] differ outside axis 0"},
    {VEC("a", 3) ", " VEC("b", 3) ", {\"id\": \"cat\", \"type\": \"Concatenate\", "
     "\"inputs\": [\"a\", \"b\"], \"params\": {\"axis\": 1}}",
     "cat.axis: axis 1 does not exist in input shape [3]"},
    {IMG("x", 2, 3, 3) ", {\"id\": \"up\", \"type\": \"Deconvolution\", \"inputs\": [\"x\"], "
     "\"params\": {\"outmaps\": 1, \"kernel\": [2, 2], \"pad\": [3, 3]}}",
     "up.pad: pad 3x3 crops the whole 4x4 output"},
};

static void test_shape_errors(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        test_graph t;
        test_graph_build(&t, error_cases[i].nodes);
        g_assert_false(tsu_graph_valid(t.graph));
        if (!test_diag_has(&t.diag, error_cases[i].message)) {
            test_diag_dump(&t.diag);
            g_assert_cmpstr(t.diag.count ? t.diag.items[0].message : "", ==,
                            error_cases[i].message);
        }
        test_graph_free(&t);
    }
}

/* Downstream nodes of a failing node get no shape and no second error. */
static void test_errors_do_not_cascade(void)
{
    test_graph t;
    test_graph_build(&t, VEC("a", 3) ", " VEC("b", 5) ", {\"id\": \"sum\", \"type\": \"Add2\", "
                         "\"inputs\": [\"a\", \"b\"]}, {\"id\": \"r\", \"type\": \"ReLU\", "
                         "\"inputs\": [\"sum\"]}");
    g_assert_cmpint(t.diag.count, ==, 1);
    g_assert_false(tsu_node_has_shape(tsu_graph_find(t.graph, "r")));
    test_graph_free(&t);
}

static void test_registry_order(void)
{
    static const char *const categories[] = {"IO", "Basic", "Pooling", "Activation",
                                             "Normalization", "Others", "Loss"};
    int at = 0;
    for (int k = 0; k < tsu_layer_kind_count(); k++) {
        const char *category = tsu_layer_kind_category(tsu_layer_kind_at(k));
        while (at < (int)G_N_ELEMENTS(categories) && strcmp(categories[at], category) != 0) at++;
        g_assert_cmpint(at, <, (int)G_N_ELEMENTS(categories));
    }
    g_assert_cmpint(tsu_layer_kind_min_inputs(tsu_layer_kind_find("Concatenate")), ==, 2);
    g_assert_cmpint(tsu_layer_kind_max_inputs(tsu_layer_kind_find("Concatenate")), ==, -1);
    g_assert_cmpint(tsu_layer_kind_max_inputs(tsu_layer_kind_find("Add2")), ==, 2);
    g_assert_true(tsu_layer_kind_is_input(tsu_layer_kind_find("Input")));
    g_assert_true(tsu_layer_kind_is_loss(tsu_layer_kind_find("SquaredError")));
    g_assert_cmpint(tsu_layer_kind_count(), ==, 37);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/layers/shape/every-kind", test_every_kind);
    g_test_add_func("/layers/shape/tensor-names", test_tensor_names);
    g_test_add_func("/layers/shape/modern-tensors", test_modern_tensors);
    g_test_add_func("/layers/shape/seed-network", test_seed_network);
    g_test_add_func("/layers/shape/errors", test_shape_errors);
    g_test_add_func("/layers/shape/no-cascade", test_errors_do_not_cascade);
    g_test_add_func("/layers/shape/registry-order", test_registry_order);
    return g_test_run();
}
