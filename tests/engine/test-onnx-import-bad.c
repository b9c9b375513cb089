/* test-onnx-import-bad.c — hostile ONNX files built here with protobuf-c:
 * each is refused with a message naming the file and the culprit, nothing
 * is written, and nothing crashes (the engine suite also runs under
 * ASan+UBSan). A well-formed model built the same way still imports. */
#include "test-helpers.h"
#include "export/onnx.pb-c.h"

#include <glib/gstdio.h>
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <math.h>
#include <stdint.h>

/* ------------------------------------------------------------ building models */

enum { CAP = 16 };

/* A model under construction; everything it points to is freed by mb_free. */
typedef struct {
    GPtrArray *mem;
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    Onnx__OperatorSetIdProto opset;
    Onnx__OperatorSetIdProto *opsets[1];
    Onnx__StringStringEntryProto *meta[CAP];
    char *dir, *path, *weights;
} mb;

static void *mb_alloc(mb *b, size_t size)
{
    void *p = g_malloc0(size);
    g_ptr_array_add(b->mem, p);
    return p;
}

static char *mb_str(mb *b, const char *s)
{
    char *copy = g_strdup(s);
    g_ptr_array_add(b->mem, copy);
    return copy;
}

static void mb_init(mb *b)
{
    memset(b, 0, sizeof *b);
    b->mem = g_ptr_array_new_with_free_func(g_free);
    onnx__model_proto__init(&b->model);
    onnx__graph_proto__init(&b->graph);
    onnx__operator_set_id_proto__init(&b->opset);
    b->opset.domain = mb_str(b, "");
    b->opset.has_version = true;
    b->opset.version = 13;
    b->opsets[0] = &b->opset;
    b->model.has_ir_version = true;
    b->model.ir_version = 7;
    b->model.n_opset_import = 1;
    b->model.opset_import = b->opsets;
    b->model.graph = &b->graph;
    b->model.metadata_props = b->meta;
    b->graph.name = mb_str(b, "hostile");
    b->graph.node = mb_alloc(b, CAP * sizeof(void *));
    b->graph.input = mb_alloc(b, CAP * sizeof(void *));
    b->graph.output = mb_alloc(b, CAP * sizeof(void *));
    b->graph.initializer = mb_alloc(b, CAP * sizeof(void *));
    b->dir = g_dir_make_tmp("tsumiki-onnx-bad-XXXXXX", NULL);
    b->path = g_build_filename(b->dir, "model.onnx", NULL);
    b->weights = g_build_filename(b->dir, "model.safetensors", NULL);
}

static void mb_free(mb *b)
{
    g_remove(b->path);
    g_remove(b->weights);
    g_rmdir(b->dir);
    g_free(b->dir);
    g_free(b->path);
    g_free(b->weights);
    g_ptr_array_free(b->mem, true);
}

/* A float graph input [N, dims...]; n_dims counts N. */
static Onnx__ValueInfoProto *mb_input(mb *b, const char *name, size_t n_dims, const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = mb_alloc(b, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = name ? mb_str(b, name) : NULL;
    Onnx__TypeProto *t = mb_alloc(b, sizeof *t);
    onnx__type_proto__init(t);
    Onnx__TypeProto__Tensor *tt = mb_alloc(b, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = true;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    Onnx__TensorShapeProto *s = mb_alloc(b, sizeof *s);
    onnx__tensor_shape_proto__init(s);
    s->n_dim = n_dims;
    s->dim = mb_alloc(b, (n_dims + 1) * sizeof(void *));
    for (size_t i = 0; i < n_dims; i++) {
        Onnx__TensorShapeProto__Dimension *d = mb_alloc(b, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (i == 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = mb_str(b, "N");
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i - 1];
        }
        s->dim[i] = d;
    }
    tt->shape = s;
    t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    t->tensor_type = tt;
    vi->type = t;
    b->graph.input[b->graph.n_input++] = vi;
    return vi;
}

static Onnx__ValueInfoProto *mb_output(mb *b, const char *name)
{
    Onnx__ValueInfoProto *vi = mb_alloc(b, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = name ? mb_str(b, name) : NULL;
    b->graph.output[b->graph.n_output++] = vi;
    return vi;
}

/* Names separated by commas; "" is an empty list, "a,,b" has an empty name. */
static char **mb_names(mb *b, const char *list, size_t *n)
{
    char **parts = g_strsplit(list, ",", -1);
    *n = *list ? g_strv_length(parts) : 0;
    char **out = mb_alloc(b, (*n + 1) * sizeof *out);
    for (size_t i = 0; i < *n; i++) out[i] = mb_str(b, parts[i]);
    g_strfreev(parts);
    return out;
}

/* name and op may be NULL (left out of the file). */
static Onnx__NodeProto *mb_node(mb *b, const char *op, const char *name, const char *inputs,
                                const char *outputs)
{
    Onnx__NodeProto *n = mb_alloc(b, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = op ? mb_str(b, op) : NULL;
    n->name = name ? mb_str(b, name) : NULL;
    n->input = mb_names(b, inputs, &n->n_input);
    n->output = mb_names(b, outputs, &n->n_output);
    n->attribute = mb_alloc(b, CAP * sizeof(void *));
    b->graph.node[b->graph.n_node++] = n;
    return n;
}

static Onnx__AttributeProto *mb_attr(mb *b, Onnx__NodeProto *n, const char *name,
                                     Onnx__AttributeProto__AttributeType type)
{
    Onnx__AttributeProto *a = mb_alloc(b, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = name ? mb_str(b, name) : NULL;
    a->has_type = true;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

static void mb_attr_int(mb *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = mb_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = true;
    a->i = v;
}

static void mb_attr_float(mb *b, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = mb_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = true;
    a->f = v;
}

static void mb_attr_ints(mb *b, Onnx__NodeProto *n, const char *name, size_t count, const int64_t *v)
{
    Onnx__AttributeProto *a = mb_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = count;
    a->ints = mb_alloc(b, (count + 1) * sizeof *a->ints);
    memcpy(a->ints, v, count * sizeof *v);
}

/* A FLOAT tensor; data (n_data values) goes to float_data. */
static Onnx__TensorProto *mb_tensor(mb *b, const char *name, size_t n_dims, const int64_t *dims,
                                    size_t n_data, const float *data)
{
    Onnx__TensorProto *t = mb_alloc(b, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = name ? mb_str(b, name) : NULL;
    t->has_data_type = true;
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    t->n_dims = n_dims;
    t->dims = mb_alloc(b, (n_dims + 1) * sizeof *t->dims);
    memcpy(t->dims, dims, n_dims * sizeof *dims);
    t->n_float_data = n_data;
    t->float_data = mb_alloc(b, (n_data + 1) * sizeof *t->float_data);
    if (n_data) memcpy(t->float_data, data, n_data * sizeof *data);
    return t;
}

/* An INT64 tensor of one axis (Reshape's shape, Pad's pads). */
static Onnx__TensorProto *mb_tensor_ints(mb *b, const char *name, size_t n, const int64_t *v)
{
    Onnx__TensorProto *t = mb_alloc(b, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = mb_str(b, name);
    t->has_data_type = true;
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    t->n_dims = 1;
    t->dims = mb_alloc(b, sizeof *t->dims);
    t->dims[0] = (int64_t)n;
    t->n_int64_data = n;
    t->int64_data = mb_alloc(b, (n + 1) * sizeof *t->int64_data);
    memcpy(t->int64_data, v, n * sizeof *v);
    return t;
}

static Onnx__TensorProto *mb_initializer(mb *b, Onnx__TensorProto *t)
{
    b->graph.initializer[b->graph.n_initializer++] = t;
    return t;
}

static void mb_meta(mb *b, const char *key, const char *value)
{
    Onnx__StringStringEntryProto *e = mb_alloc(b, sizeof *e);
    onnx__string_string_entry_proto__init(e);
    e->key = mb_str(b, key);
    e->value = mb_str(b, value);
    b->meta[b->model.n_metadata_props++] = e;
}

static void mb_write_bytes(mb *b, const void *data, size_t len)
{
    g_assert_true(g_file_set_contents(b->path, data, (gssize)len, NULL));
}

static void mb_write(mb *b)
{
    size_t size = onnx__model_proto__get_packed_size(&b->model);
    uint8_t *out = g_malloc(size + 1);
    onnx__model_proto__pack(&b->model, out);
    mb_write_bytes(b, out, size);
    g_free(out);
}

/* x [N, 4] -> Gemm (W [3, 4], B [3], transB=1) "fc" -> Softmax "prob". The
 * node pointers let a test break one part. */
typedef struct {
    Onnx__NodeProto *gemm, *softmax;
    Onnx__TensorProto *w, *bias;
    Onnx__ValueInfoProto *input;
} mlp;

static const float w_values[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
static const float b_values[3] = {0.5f, -0.5f, 0.25f};

static void mb_mlp(mb *b, mlp *m)
{
    m->input = mb_input(b, "x", 2, (const int64_t[]){4});
    m->w = mb_initializer(b, mb_tensor(b, "W", 2, (const int64_t[]){3, 4}, 12, w_values));
    m->bias = mb_initializer(b, mb_tensor(b, "B", 1, (const int64_t[]){3}, 3, b_values));
    m->gemm = mb_node(b, "Gemm", "fc", "x,W,B", "h");
    mb_attr_int(b, m->gemm, "transB", 1);
    m->softmax = mb_node(b, "Softmax", "prob", "h", "p");
    mb_output(b, "p");
}

/* ------------------------------------------------------------ checking */

/* Imports the written model: it must fail with every needle in one
 * message, that message must name the file, and no weights may exist. */
static void expect_refused(mb *b, ...)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_import_onnx(b->path, b->weights, &diag);
    diag_dump(&diag);
    g_assert_null(p);
    g_assert_cmpint(diag.count, >, 0);
    va_list ap;
    va_start(ap, b);
    const char *needles[8];
    int n = 0;
    for (const char *s; n < 7 && (s = va_arg(ap, const char *));) needles[n++] = s;
    va_end(ap);
    needles[n] = NULL;
    bool found = false;
    for (int i = 0; i < diag.count && !found; i++) {
        found = strstr(diag.items[i].message, b->path) != NULL;
        for (int k = 0; found && k < n; k++) found = strstr(diag.items[i].message, needles[k]) != NULL;
    }
    if (!found) g_error("no message names %s and contains \"%s\"%s", b->path, needles[0], n > 1 ? " ..." : "");
    g_assert_false(g_file_test(b->weights, G_FILE_TEST_EXISTS));
    tsu_diag_free(&diag);
}

#define REFUSED(b, ...) expect_refused(b, __VA_ARGS__, NULL)

/* Imports the written model successfully; the caller frees the project. */
static tsu_project *expect_imported(mb *b)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_import_onnx(b->path, b->weights, &diag);
    diag_dump(&diag);
    g_assert_nonnull(p);
    g_assert_cmpint(diag.count, ==, 0);
    g_assert_true(g_file_test(b->weights, G_FILE_TEST_EXISTS));
    tsu_diag_free(&diag);
    return p;
}

/* Builds the MLP, lets `breaker` break it (its variant-th way), writes it,
 * and expects the message the breaker returns. */
typedef const char *(*mlp_breaker)(mb *b, mlp *m, int variant);

static void refuse_mlp_variants(int count, mlp_breaker breaker)
{
    for (int variant = 0; variant < count; variant++) {
        mb b;
        mlp m;
        mb_init(&b);
        mb_mlp(&b, &m);
        const char *needle = breaker(&b, &m, variant);
        mb_write(&b);
        REFUSED(&b, needle);
        mb_free(&b);
    }
}

/* ------------------------------------------------------------ the file */

static void test_valid_mlp(void)
{
    mb b;
    mlp m;
    mb_init(&b);
    mb_mlp(&b, &m);
    mb_write(&b);
    tsu_project *p = expect_imported(&b);
    /* It reads back as a project and its weights load into a net. */
    g_autofree char *project_path = g_build_filename(b.dir, "back.tsumiki", NULL);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_project_save(p, project_path, &diag), ==, TSU_OK);
    tsu_project *back = tsu_project_load(project_path, &diag);
    g_assert_nonnull(back);
    tsu_graph *g = tsu_graph_build(back, &diag);
    g_assert_true(tsu_graph_valid(g));
    g_assert_cmpstr(tsu_node_type(tsu_graph_find(g, "fc")), ==, "Affine");
    const tsu_node *loss = tsu_graph_node(g, tsu_graph_node_count(g) - 1);
    g_assert_cmpstr(tsu_node_type(loss), ==, "CategoricalCrossEntropy");
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1};
    tsu_net *net = tsu_net_new(g, &cfg, &diag);
    g_assert_nonnull(net);
    g_assert_cmpint(tsu_net_load_safetensors(net, b.weights, &diag), ==, TSU_OK);
    /* Gemm's B with transB=1 is already [out, in], Affine's layout. */
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        const tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        const float *want = !strcmp(t->name, "fc.weight") ? w_values
                            : !strcmp(t->name, "fc.bias") ? b_values
                                                          : NULL;
        g_assert_nonnull(want);
        for (size_t k = 0; k < t->size; k++) g_assert_cmpfloat(t->data[k], ==, want[k]);
    }
    tsu_net_free(net);
    tsu_graph_free(g);
    tsu_project_free(back);
    tsu_project_free(p);
    tsu_diag_free(&diag);
    g_remove(project_path);
    mb_free(&b);
}

static void test_empty_file(void)
{
    mb b;
    mb_init(&b);
    mb_write_bytes(&b, "", 0);
    REFUSED(&b, "the file is empty");
    mb_free(&b);
}

static void test_garbage(void)
{
    mb b;
    mb_init(&b);
    mb_write_bytes(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
    REFUSED(&b, "protobuf did not parse");
    mb_free(&b);
}

static void test_no_graph(void)
{
    mb b;
    mb_init(&b);
    b.model.graph = NULL;
    mb_write(&b);
    REFUSED(&b, "it has no graph");
    mb_free(&b);
}

/* Subgraphs nested in attributes, 100000 deep: protobuf-c would recurse
 * once per level and overflow the stack. Each level holds only the next,
 * so the bytes are the levels' headers, outermost first. */
static size_t varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        out[n++] = (uint8_t)(v & 0x7f) | (v > 0x7f ? 0x80 : 0);
        v >>= 7;
    } while (v);
    return n;
}

static void test_deep_nesting(void)
{
    enum { LEVELS = 3 * 100000 + 1 };
    /* graph (7) > node (1) > attribute (5) > g (6) > node (1) > ... */
    static const unsigned cycle[3] = {1, 5, 6};
    size_t *inner = g_new(size_t, LEVELS + 1); /* bytes inside level k (0 outermost) */
    inner[LEVELS] = 0;
    uint8_t tmp[10];
    for (int k = LEVELS - 1; k >= 0; k--) inner[k] = 1 + varint(tmp, inner[k + 1]) + inner[k + 1];
    uint8_t *bytes = g_malloc(inner[0]), *p = bytes;
    for (int k = 0; k < LEVELS; k++) {
        unsigned field = k == 0 ? 7 : cycle[(k - 1) % 3];
        *p++ = (uint8_t)(field << 3 | 2);
        p += varint(p, inner[k + 1]);
    }
    g_assert_cmpuint((size_t)(p - bytes), ==, inner[0]);
    mb b;
    mb_init(&b);
    mb_write_bytes(&b, bytes, inner[0]);
    REFUSED(&b, "nested more than 64 deep");
    g_free(bytes);
    g_free(inner);
    mb_free(&b);
}

/* ------------------------------------------------------------ nodes and names */

static const char *break_node_without_op_type(mb *b, mlp *m, int variant)
{
    m->softmax->op_type = variant ? mb_str(b, "") : NULL;
    return "node 1: the node has no op_type";
}

static void test_node_without_op_type(void)
{
    refuse_mlp_variants(2, break_node_without_op_type);
}

static const char *break_node_without_output(mb *b, mlp *m, int variant)
{
    Onnx__NodeProto *n = variant == 2 ? mb_node(b, "Constant", NULL, "", "") : m->gemm;
    if (variant == 0) n->n_output = 0;
    if (variant == 1) n->output[0] = mb_str(b, "");
    return variant == 2 ? "node 2 (Constant): the node has no output"
                        : "node 0 \"fc\" (Gemm): the node has no output";
}

static void test_node_without_output(void)
{
    refuse_mlp_variants(3, break_node_without_output);
}

static void test_constant_without_value(void)
{
    mb b;
    mlp m;
    mb_init(&b);
    mb_mlp(&b, &m);
    /* The Constant comes first, so it is imported before anything fails. */
    Onnx__NodeProto *c = mb_node(&b, "Constant", NULL, "", "k");
    mb_attr_float(&b, c, "value_float", 1.0f);
    b.graph.node[b.graph.n_node - 1] = b.graph.node[0];
    b.graph.node[0] = c;
    mb_write(&b);
    REFUSED(&b, "node 0 \"k\" (Constant)", "tensor \"value\" only");
    mb_free(&b);
}

static const char *break_missing_names(mb *b, mlp *m, int variant)
{
    const char *needle = NULL;
    if (variant == 0) m->w->name = NULL, needle = "initializer 0: the initializer has no name";
    if (variant == 1) m->input->name = NULL, needle = "graph: input 0 has no name";
    if (variant == 2) b->graph.output[0]->name = mb_str(b, ""), needle = "graph: output 0 has no name";
    return needle;
}

static void test_missing_names(void)
{
    refuse_mlp_variants(3, break_missing_names);
}

static const char *break_duplicate_names(mb *b, mlp *m, int variant)
{
    const char *needle = NULL;
    if (variant == 0) {
        m->softmax->output[0] = mb_str(b, "h");
        b->graph.output[0]->name = mb_str(b, "h");
        needle = "\"h\" is defined twice, by the output of node 0 and by the output of node 1";
    }
    if (variant == 1) {
        m->bias->name = mb_str(b, "W");
        needle = "\"W\" is defined twice, by initializer 0 and by initializer 1";
    }
    if (variant == 2) {
        m->gemm->output[0] = mb_str(b, "x");
        needle = "\"x\" is defined twice, by graph input 0 and by the output of node 0";
    }
    return needle;
}

static void test_duplicate_names(void)
{
    refuse_mlp_variants(3, break_duplicate_names);
}

/* An initializer listed as a graph input too (IR < 4) is not a duplicate. */
static void test_initializer_listed_as_input(void)
{
    mb b;
    mlp m;
    mb_init(&b);
    mb_mlp(&b, &m);
    mb_input(&b, "W", 2, (const int64_t[]){4});
    mb_write(&b);
    tsu_project *p = expect_imported(&b);
    tsu_project_free(p);
    mb_free(&b);
}

static const char *break_too_few_inputs(mb *b, mlp *m, int variant)
{
    const char *needle = NULL;
    if (variant == 0) m->softmax->n_input = 0, needle = "Softmax needs 1 input, the node has 0";
    if (variant == 1) m->gemm->n_input = 1, needle = "Gemm needs 2 inputs, the node has 1";
    if (variant == 2) {
        Onnx__NodeProto *d = mb_node(b, "Dropout", "drop", "", "d");
        (void)d;
        needle = "node 2 \"drop\" (Dropout): Dropout needs 1 input,";
    }
    return needle;
}

static void test_too_few_inputs(void)
{
    refuse_mlp_variants(3, break_too_few_inputs);
}

/* Operator names are compared whole: a remark in the supported list is
 * not an operator (it used to reach the dispatcher and abort). */
static void test_op_type_like_a_remark(void)
{
    mb b;
    mlp m;
    mb_init(&b);
    mb_mlp(&b, &m);
    m.softmax->op_type = mb_str(&b, "Pad (zeros, before AveragePool or Conv)");
    mb_write(&b);
    REFUSED(&b, "unsupported ONNX operators: Pad (zeros, before AveragePool or Conv) (1)");
    mb_free(&b);
}

static void test_too_many_nodes(void)
{
    mb b;
    mb_init(&b);
    mb_input(&b, "x", 2, (const int64_t[]){4});
    b.graph.node = mb_alloc(&b, 3000 * sizeof(void *));
    for (int i = 0; i < 3000; i++) {
        char in[16], out[16];
        snprintf(in, sizeof in, i ? "v%d" : "x", i - 1);
        snprintf(out, sizeof out, "v%d", i);
        mb_node(&b, "Relu", NULL, in, out);
    }
    mb_output(&b, "v2999");
    mb_write(&b);
    REFUSED(&b, "3000 nodes, 1 inputs and 1 outputs; Tsumiki imports at most 2048");
    mb_free(&b);
}

static void test_too_many_node_inputs(void)
{
    mb b;
    mb_init(&b);
    mb_input(&b, "x", 2, (const int64_t[]){4});
    GString *inputs = g_string_new("x");
    for (int i = 1; i < 40000; i++) g_string_append(inputs, ",x");
    mb_node(&b, "Concat", "cat", inputs->str, "y");
    g_string_free(inputs, true);
    mb_output(&b, "y");
    mb_write(&b);
    REFUSED(&b, "the nodes read 40000 values in all; Tsumiki imports at most 32768");
    mb_free(&b);
}

/* Names are bytes to protobuf-c: invalid UTF-8 becomes an id made of
 * underscores, and the project, named after the graph, still reads back. */
static void test_invalid_utf8_names(void)
{
    mb b;
    mlp m;
    mb_init(&b);
    mb_mlp(&b, &m);
    b.graph.name = mb_str(&b, "bad \xff\xfe name");
    m.gemm->name = mb_str(&b, "\xff\xfe");
    mb_write(&b);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_import_onnx(b.path, b.weights, &diag);
    diag_dump(&diag);
    g_assert_nonnull(p);
    g_autofree char *saved = g_build_filename(b.dir, "back.tsumiki", NULL);
    g_assert_cmpint(tsu_project_save(p, saved, &diag), ==, TSU_OK);
    tsu_project *back = tsu_project_load(saved, &diag);
    g_assert_nonnull(back);
    g_assert_nonnull(tsu_project_find_node(back, "__"));
    g_assert_cmpstr(tsu_project_name(back), ==, "bad \xff\xfe name");
    tsu_project_free(back);
    tsu_project_free(p);
    g_remove(saved);
    tsu_diag_free(&diag);
    mb_free(&b);
}

/* ------------------------------------------------------------ graph inputs */

static const char *break_bad_graph_inputs(mb *b, mlp *m, int variant)
{
    Onnx__TensorShapeProto *s = m->input->type->tensor_type->shape;
    const char *needle = NULL;
    switch (variant) {
    case 0: /* no type at all */
        m->input->type = NULL;
        needle = "graph input \"x\": needs a known shape";
        break;
    case 1: /* no shape */
        m->input->type->tensor_type->shape = NULL;
        needle = "graph input \"x\": needs a known shape";
        break;
    case 2: /* a named (symbolic) size */
        s->dim[1]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
        s->dim[1]->dim_param = mb_str(b, "features");
        needle = "axis 1 has no fixed size";
        break;
    case 3: /* a size that does not fit an int */
        s->dim[1]->dim_value = INT64_C(1) << 40;
        needle = "axis 1 has no fixed size from 1 to 16777216";
        break;
    case 4: /* more axes than Tsumiki has */
        b->graph.input[0] = mb_input(b, "x", 9, (const int64_t[]){1, 1, 1, 1, 1, 1, 1, 4});
        b->graph.n_input = 1;
        needle = "of 2 to 7 axes";
        break;
    case 5: /* integer elements */
        m->input->type->tensor_type->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
        needle = "data type 7";
        break;
    }
    return needle;
}

static void test_bad_graph_inputs(void)
{
    refuse_mlp_variants(6, break_bad_graph_inputs);
}

/* ------------------------------------------------------------ tensors */

static const char *break_tensor_dims(mb *b, mlp *m, int variant)
{
    const char *needle = NULL;
    switch (variant) {
    case 0: /* negative */
        m->w->dims[0] = -3;
        needle = "tensor W: dimension 0 is -3";
        break;
    case 1: /* beyond int: the product would wrap to 0 */
        m->w->dims[0] = INT64_C(1) << 62;
        m->w->dims[1] = 4;
        needle = "tensor W: dimension 0 is 4611686018427387904";
        break;
    case 2: /* each fits, the product does not fit size_t */
        m->w->n_dims = 4;
        m->w->dims = mb_alloc(b, 4 * sizeof *m->w->dims);
        for (int i = 0; i < 4; i++) m->w->dims[i] = INT32_MAX;
        needle = "tensor W: its 4 dimensions make more than 2147483647 values";
        break;
    case 3: /* the product fits but is absurd, and no data backs it: refused
               before anything is allocated */
        m->w->dims[0] = 100000;
        m->w->dims[1] = 10000;
        needle = "tensor W: dimensions give 1000000000 values, the file has 12";
        break;
    case 4: /* too few values for the dims */
        m->bias->n_float_data = 2;
        needle = "initializer 1: tensor B: dimensions give 3 values, the file has 2";
        break;
    }
    return needle;
}

static void test_tensor_dims(void)
{
    refuse_mlp_variants(5, break_tensor_dims);
}

static const char *break_tensor_raw_data(mb *b, mlp *m, int variant)
{
    const char *needle = NULL;
    m->bias->n_float_data = 0;
    m->bias->has_raw_data = true;
    static uint8_t raw[32];
    m->bias->raw_data.data = raw;
    if (variant == 0) m->bias->raw_data.len = 7, needle = "raw_data has 7 bytes of 4 each";
    if (variant == 1) m->bias->raw_data.len = 16, needle = "raw_data has 16 bytes of 4 each";
    if (variant == 2) { /* external data is not read */
        m->bias->raw_data.len = 12;
        m->bias->has_data_location = true;
        m->bias->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
        needle = "tensor B is stored outside the model file";
    }
    return needle;
}

static void test_tensor_raw_data(void)
{
    refuse_mlp_variants(3, break_tensor_raw_data);
}

/* Empty tensors: no memcpy from NULL, and the layer's own check speaks. */
static const char *break_empty_tensors(mb *b, mlp *m, int variant)
{
    const char *needle = NULL;
    if (variant == 0) { /* an empty bias */
        m->bias->dims[0] = 0;
        m->bias->n_float_data = 0;
        needle = "C must be an initializer of 3 values";
    } else { /* an empty weight: Affine with 0 outputs */
        m->w->dims[0] = 0;
        m->w->n_float_data = 0;
        m->gemm->n_input = 2;
        needle = "outmaps";
    }
    return needle;
}

static void test_empty_tensors(void)
{
    refuse_mlp_variants(2, break_empty_tensors);
}

/* Reshape's shape goes into a fixed array: its length and values are bounded. */
static void test_reshape_shape(void)
{
    static const struct {
        size_t n;
        int64_t v[10];
        const char *needle;
    } cases[] = {
        {9, {1, 1, 1, 1, 1, 1, 1, 1, 3}, "the shape must be an initializer of 2 to 7 integers"},
        {2, {1, INT64_C(1) << 40}, "shape value 1099511627776 is not supported"},
        {5, {1, 65536, 65536, 65536, 65536}, "shape value 65536 is not supported"},
        {6, {1, -1, 16777216, 16777216, 16777216, 16777216}, "shape value 16777216 is not supported"},
        {4, {1, -1, 16777216, 16777216}, "shape value -1 stands for 0 values"},
        {3, {1, -1, -1}, "shape value -1 is not supported"},
        {3, {1, -7, 3}, "shape value -7 is not supported"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        mb b;
        mb_init(&b);
        mb_input(&b, "x", 2, (const int64_t[]){6});
        mb_initializer(&b, mb_tensor_ints(&b, "shape", cases[i].n, cases[i].v));
        mb_node(&b, "Reshape", "r", "x,shape", "y");
        mb_output(&b, "y");
        mb_write(&b);
        REFUSED(&b, "node 0 \"r\" (Reshape)", cases[i].needle);
        mb_free(&b);
    }
}

/* A Reshape within bounds still imports: [N, 6] -> [N, 2, 3]. */
static void test_reshape_valid(void)
{
    mb b;
    mb_init(&b);
    mb_input(&b, "x", 2, (const int64_t[]){6});
    mb_initializer(&b, mb_tensor_ints(&b, "shape", 3, (const int64_t[]){0, 2, -1}));
    mb_node(&b, "Reshape", "r", "x,shape", "y");
    mb_output(&b, "y");
    mb_write(&b);
    tsu_project *p = expect_imported(&b);
    struct json_object *node = tsu_project_find_node(p, "r"), *params, *shape;
    g_assert_true(json_object_object_get_ex(node, "params", &params));
    g_assert_true(json_object_object_get_ex(params, "shape", &shape));
    g_assert_cmpstr(json_object_to_json_string_ext(shape, JSON_C_TO_STRING_PLAIN), ==, "[2,3]");
    tsu_project_free(p);
    mb_free(&b);
}

static void test_pad_pads(void)
{
    static const struct {
        size_t n;
        int64_t v[9];
    } cases[] = {
        {9, {0, 0, 1, 1, 0, 0, 1, 1, 1}},
        {8, {0, 0, INT64_C(1) << 40, 1, 0, 0, INT64_C(1) << 40, 1}},
        {8, {0, 0, -1, 0, 0, 0, -1, 0}},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        mb b;
        mb_init(&b);
        mb_input(&b, "x", 4, (const int64_t[]){1, 4, 4});
        mb_initializer(&b, mb_tensor_ints(&b, "pads", cases[i].n, cases[i].v));
        mb_node(&b, "Pad", "pad", "x,pads", "xp");
        Onnx__NodeProto *pool = mb_node(&b, "AveragePool", "pool", "xp", "y");
        mb_attr_ints(&b, pool, "kernel_shape", 2, (const int64_t[]){2, 2});
        mb_output(&b, "y");
        mb_write(&b);
        REFUSED(&b, "node 0 \"pad\" (Pad)", "the same on both sides");
        mb_free(&b);
    }
}

/* ------------------------------------------------------------ attributes */

static const char *break_attribute_types(mb *b, mlp *m, int variant)
{
    const char *needle = NULL;
    Onnx__AttributeProto *a = m->gemm->attribute[0]; /* transB */
    switch (variant) {
    case 0: /* a float where an int belongs */
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
        a->has_i = false;
        a->has_f = true;
        a->f = 1.0f;
        needle = "node 0 \"fc\" (Gemm): attribute transB must be INT, the file has FLOAT";
        break;
    case 1: /* ints where an int belongs */
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
        a->has_i = false;
        a->n_ints = 1;
        a->ints = mb_alloc(b, sizeof *a->ints);
        needle = "node 0 \"fc\" (Gemm): attribute transB must be INT, the file has INTS";
        break;
    case 2: /* the right type without a value */
        a->has_i = false;
        needle = "node 0 \"fc\" (Gemm): attribute transB has no value";
        break;
    case 3: /* no name */
        a->name = NULL;
        needle = "node 0 \"fc\" (Gemm): attribute 0 has no name";
        break;
    case 4: /* twice */
        mb_attr_int(b, m->gemm, "transB", 0);
        needle = "node 0 \"fc\" (Gemm): attribute transB is given twice";
        break;
    case 5: /* so many that comparing their names pairwise would take hours */
        m->gemm->attribute = mb_alloc(b, 100000 * sizeof *m->gemm->attribute);
        m->gemm->n_attribute = 0;
        for (int i = 0; i < 100000; i++) mb_attr_int(b, m->gemm, "transB", 1);
        needle = "node 0 \"fc\" (Gemm): 100000 attributes; no operator has more than 64";
        break;
    }
    return needle;
}

static void test_attribute_types(void)
{
    refuse_mlp_variants(6, break_attribute_types);
}

static void test_attribute_values(void)
{
    for (int variant = 0; variant < 7; variant++) {
        mb b;
        mb_init(&b);
        mb_input(&b, "x", 4, (const int64_t[]){1, 8, 8});
        Onnx__NodeProto *n = mb_node(&b, "MaxPool", "pool", "x", "y");
        const char *needle = NULL;
        switch (variant) {
        case 0:
            mb_attr_ints(&b, n, "kernel_shape", 2, (const int64_t[]){-3, 2});
            needle = "attribute kernel_shape: -3 is outside [1, 16777216]";
            break;
        case 1: /* would be 1 after a cast to int */
            mb_attr_ints(&b, n, "kernel_shape", 2, (const int64_t[]){2, (INT64_C(1) << 32) + 1});
            needle = "attribute kernel_shape: 4294967297 is outside";
            break;
        case 2:
            mb_attr_ints(&b, n, "kernel_shape", 2, (const int64_t[]){2, 2});
            mb_attr_ints(&b, n, "strides", 2, (const int64_t[]){0, 1});
            needle = "attribute strides: 0 is outside";
            break;
        case 3:
            mb_attr_ints(&b, n, "kernel_shape", 2, (const int64_t[]){2, 2});
            mb_attr_ints(&b, n, "pads", 4, (const int64_t[]){INT64_MAX, 0, INT64_MAX, 0});
            needle = "attribute pads: 9223372036854775807 is outside";
            break;
        case 4:
            mb_attr_ints(&b, n, "kernel_shape", 3, (const int64_t[]){2, 2, 2});
            needle = "kernel_shape has 3 values; only 2-D is supported";
            break;
        case 5:
            n->op_type = mb_str(&b, "LeakyRelu");
            mb_attr_float(&b, n, "alpha", NAN);
            needle = "attribute alpha is nan";
            break;
        case 6:
            n->op_type = mb_str(&b, "Softmax");
            mb_attr_int(&b, n, "axis", 100);
            needle = "attribute axis: 100 is outside [-7, 6]";
            break;
        }
        mb_output(&b, "y");
        mb_write(&b);
        REFUSED(&b, "node 0 \"pool\"", needle);
        mb_free(&b);
    }
}

/* ConvTranspose multiplied its channels by group before refusing groups:
 * a huge group overflowed an int. */
static void test_conv_transpose_group(void)
{
    mb b;
    mb_init(&b);
    mb_input(&b, "x", 4, (const int64_t[]){2, 4, 4});
    float w[2 * 3 * 1 * 1] = {0};
    mb_initializer(&b, mb_tensor(&b, "w", 4, (const int64_t[]){2, 3, 1, 1}, 6, w));
    Onnx__NodeProto *n = mb_node(&b, "ConvTranspose", "up", "x,w", "y");
    mb_attr_int(&b, n, "group", 16777216);
    mb_output(&b, "y");
    mb_write(&b);
    REFUSED(&b, "node 0 \"up\" (ConvTranspose)", "with groups");
    mb_free(&b);
}

/* ------------------------------------------------------------ the embedded project */

/* Our own export's metadata: the network's loss and settings. */
static const char *stored_project(const char *training, const char *loss)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"stored\", "
             "\"training\": %s, \"network\": {\"nodes\": [%s]}}",
             training, loss);
    return text;
}

static void test_metadata_refused(void)
{
    static const struct {
        const char *training, *loss, *needle;
    } cases[] = {
        {"7", "", "metadata tsumiki.project: \"training\" must be a JSON object"},
        {"{\"epochs\": \"many\"}", "", "training.epochs"},
        /* A restored loss with params of the wrong type: the graph build says so. */
        {"{}", "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"], "
               "\"params\": {\"dataset\": 5}}", "dataset"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        mb b;
        mlp m;
        mb_init(&b);
        mb_mlp(&b, &m);
        mb_meta(&b, "tsumiki.project", stored_project(cases[i].training, cases[i].loss));
        mb_write(&b);
        REFUSED(&b, cases[i].needle);
        mb_free(&b);
    }
}

/* Stored nodes that are not a loss reading an imported node are ignored:
 * the rule of thumb gives the loss, and the import succeeds. */
static void test_metadata_ignored(void)
{
    static const char *const losses[] = {
        "{\"id\": \"loss\", \"type\": null, \"inputs\": [\"prob\"]}",
        "{\"id\": 5, \"type\": \"SquaredError\", \"inputs\": [\"prob\"]}",
        "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": \"prob\"}",
        "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [7]}",
        "{\"id\": \"loss\", \"type\": \"NoSuchLayer\", \"inputs\": [\"prob\"]}",
        "{\"id\": \"prob\", \"type\": \"Affine\", \"position\": \"here\"}",
        "42",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(losses) + 1; i++) {
        mb b;
        mlp m;
        mb_init(&b);
        mb_mlp(&b, &m);
        /* The last case: metadata that is not JSON at all. */
        mb_meta(&b, "tsumiki.project", i < G_N_ELEMENTS(losses) ? stored_project("{}", losses[i]) : "{{");
        mb_write(&b);
        tsu_project *p = expect_imported(&b);
        tsu_diag diag;
        tsu_diag_init(&diag);
        tsu_graph *g = tsu_graph_build(p, &diag);
        g_assert_true(tsu_graph_valid(g));
        const tsu_node *loss = tsu_graph_node(g, tsu_graph_node_count(g) - 1);
        g_assert_cmpstr(tsu_node_type(loss), ==, "CategoricalCrossEntropy");
        g_assert_null(json_object_object_get(tsu_project_find_node(p, "prob"), "position"));
        tsu_graph_free(g);
        tsu_project_free(p);
        tsu_diag_free(&diag);
        mb_free(&b);
    }
}

/* A stored loss that is well formed is restored, with its id. */
static void test_metadata_restored(void)
{
    mb b;
    mlp m;
    mb_init(&b);
    mb_mlp(&b, &m);
    mb_meta(&b, "tsumiki.project",
            stored_project("{\"epochs\": 3}", "{\"id\": \"err\", \"type\": \"SquaredError\", "
                                              "\"inputs\": [\"prob\"], \"position\": [10, 20]}"));
    mb_write(&b);
    tsu_project *p = expect_imported(&b);
    struct json_object *err = tsu_project_find_node(p, "err"), *training, *epochs;
    g_assert_nonnull(err);
    g_assert_true(json_object_object_get_ex(tsu_project_root(p), "training", &training));
    g_assert_true(json_object_object_get_ex(training, "epochs", &epochs));
    g_assert_cmpint(json_object_get_int(epochs), ==, 3);
    tsu_project_free(p);
    mb_free(&b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/onnx-import-bad/valid-mlp", test_valid_mlp);
    g_test_add_func("/onnx-import-bad/file/empty", test_empty_file);
    g_test_add_func("/onnx-import-bad/file/garbage", test_garbage);
    g_test_add_func("/onnx-import-bad/file/no-graph", test_no_graph);
    g_test_add_func("/onnx-import-bad/file/deep-nesting", test_deep_nesting);
    g_test_add_func("/onnx-import-bad/node/no-op-type", test_node_without_op_type);
    g_test_add_func("/onnx-import-bad/node/no-output", test_node_without_output);
    g_test_add_func("/onnx-import-bad/node/constant-without-value", test_constant_without_value);
    g_test_add_func("/onnx-import-bad/node/too-few-inputs", test_too_few_inputs);
    g_test_add_func("/onnx-import-bad/node/op-type-like-a-remark", test_op_type_like_a_remark);
    g_test_add_func("/onnx-import-bad/node/too-many", test_too_many_nodes);
    g_test_add_func("/onnx-import-bad/node/too-many-inputs", test_too_many_node_inputs);
    g_test_add_func("/onnx-import-bad/names/missing", test_missing_names);
    g_test_add_func("/onnx-import-bad/names/duplicate", test_duplicate_names);
    g_test_add_func("/onnx-import-bad/names/initializer-as-input", test_initializer_listed_as_input);
    g_test_add_func("/onnx-import-bad/names/invalid-utf8", test_invalid_utf8_names);
    g_test_add_func("/onnx-import-bad/input/shape-and-type", test_bad_graph_inputs);
    g_test_add_func("/onnx-import-bad/tensor/dims", test_tensor_dims);
    g_test_add_func("/onnx-import-bad/tensor/raw-data", test_tensor_raw_data);
    g_test_add_func("/onnx-import-bad/tensor/empty", test_empty_tensors);
    g_test_add_func("/onnx-import-bad/reshape/shape", test_reshape_shape);
    g_test_add_func("/onnx-import-bad/reshape/valid", test_reshape_valid);
    g_test_add_func("/onnx-import-bad/pad/pads", test_pad_pads);
    g_test_add_func("/onnx-import-bad/attribute/types", test_attribute_types);
    g_test_add_func("/onnx-import-bad/attribute/values", test_attribute_values);
    g_test_add_func("/onnx-import-bad/attribute/conv-transpose-group", test_conv_transpose_group);
    g_test_add_func("/onnx-import-bad/metadata/refused", test_metadata_refused);
    g_test_add_func("/onnx-import-bad/metadata/ignored", test_metadata_ignored);
    g_test_add_func("/onnx-import-bad/metadata/restored", test_metadata_restored);
    return g_test_run();
}
