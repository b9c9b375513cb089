/* onnx.c — the inference graph as an ONNX ModelProto (opset 13, IR 7).
 *
 * The receiving tools decide the shapes of what we write: OpenCV 4.6's DNN
 * importer only maps Gemm with a constant B, transB=1 and alpha=beta=1 to its
 * fully connected layer, so Affine is Flatten + Gemm; Softmax always gets an
 * explicit axis (opset 13 semantics: one axis, not "everything after").
 * Every value is named after the node that produces it, so a model viewer
 * shows the designer's names. */
#include "export/export-internal.h"
#include "onnx.pb-c.h"

#include <string.h>

enum { ONNX_OPSET = 13, ONNX_IR_VERSION = 7 };

/* Every allocation for the message tree, freed in one go after packing. */
typedef struct {
    void **allocs;
    size_t n_allocs, cap_allocs;
    Onnx__NodeProto **nodes;
    size_t n_nodes, cap_nodes;
    Onnx__TensorProto **inits;
    size_t n_inits, cap_inits;
} onnx_ctx;

static void *ox_new(onnx_ctx *c, size_t size)
{
    void *p = tsu_xcalloc(1, size);
    if (c->n_allocs == c->cap_allocs) {
        c->cap_allocs = c->cap_allocs ? 2 * c->cap_allocs : 256;
        c->allocs = tsu_xrealloc(c->allocs, c->cap_allocs * sizeof *c->allocs);
    }
    c->allocs[c->n_allocs++] = p;
    return p;
}

static char *ox_str(onnx_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *ox_str(onnx_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = ox_new(c, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static void ox_free(onnx_ctx *c)
{
    for (size_t i = 0; i < c->n_allocs; i++) free(c->allocs[i]);
    free(c->allocs);
    free(c->nodes);
    free(c->inits);
}

/* A node reading n_in named values and writing `output`. */
static Onnx__NodeProto *ox_node(onnx_ctx *c, const char *op, const char *name, int n_in,
                                const char *const *inputs, const char *output)
{
    Onnx__NodeProto *node = ox_new(c, sizeof *node);
    onnx__node_proto__init(node);
    node->op_type = ox_str(c, "%s", op);
    node->name = ox_str(c, "%s", name);
    node->n_input = (size_t)n_in;
    node->input = ox_new(c, (size_t)(n_in ? n_in : 1) * sizeof(char *));
    for (int i = 0; i < n_in; i++) node->input[i] = ox_str(c, "%s", inputs[i]);
    node->n_output = 1;
    node->output = ox_new(c, sizeof(char *));
    node->output[0] = ox_str(c, "%s", output);
    /* Room for the few attributes any op here takes. */
    node->attribute = ox_new(c, 8 * sizeof(Onnx__AttributeProto *));
    if (c->n_nodes == c->cap_nodes) {
        c->cap_nodes = c->cap_nodes ? 2 * c->cap_nodes : 64;
        c->nodes = tsu_xrealloc(c->nodes, c->cap_nodes * sizeof *c->nodes);
    }
    c->nodes[c->n_nodes++] = node;
    return node;
}

static Onnx__AttributeProto *ox_attr(onnx_ctx *c, Onnx__NodeProto *node, const char *name,
                                     Onnx__AttributeProto__AttributeType type)
{
    tsu_assert(node->n_attribute < 8);
    Onnx__AttributeProto *a = ox_new(c, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = ox_str(c, "%s", name);
    a->has_type = true;
    a->type = type;
    node->attribute[node->n_attribute++] = a;
    return a;
}

static void ox_attr_int(onnx_ctx *c, Onnx__NodeProto *node, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = ox_attr(c, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = true;
    a->i = v;
}

static void ox_attr_float(onnx_ctx *c, Onnx__NodeProto *node, const char *name, double v)
{
    Onnx__AttributeProto *a =
        ox_attr(c, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = true;
    a->f = (float)v;
}

static void ox_attr_ints(onnx_ctx *c, Onnx__NodeProto *node, const char *name, int n,
                         const int64_t *v)
{
    Onnx__AttributeProto *a = ox_attr(c, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = (size_t)n;
    a->ints = ox_new(c, (size_t)n * sizeof(int64_t));
    memcpy(a->ints, v, (size_t)n * sizeof(int64_t));
}

/* A pair of ints (height, width), and pads as ONNX wants them: begins, ends. */
static void ox_attr_pair(onnx_ctx *c, Onnx__NodeProto *node, const char *name, const int *v)
{
    int64_t pair[2] = {v[0], v[1]};
    ox_attr_ints(c, node, name, 2, pair);
}

static void ox_attr_pads(onnx_ctx *c, Onnx__NodeProto *node, const int *pad)
{
    int64_t pads[4] = {pad[0], pad[1], pad[0], pad[1]};
    ox_attr_ints(c, node, "pads", 4, pads);
}

static Onnx__TensorProto *ox_init(onnx_ctx *c, const char *name, int ndim, const int64_t *dims,
                                  int32_t type)
{
    Onnx__TensorProto *t = ox_new(c, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = ox_str(c, "%s", name);
    t->n_dims = (size_t)ndim;
    t->dims = ox_new(c, (size_t)(ndim ? ndim : 1) * sizeof(int64_t));
    memcpy(t->dims, dims, (size_t)ndim * sizeof(int64_t));
    t->has_data_type = true;
    t->data_type = type;
    if (c->n_inits == c->cap_inits) {
        c->cap_inits = c->cap_inits ? 2 * c->cap_inits : 64;
        c->inits = tsu_xrealloc(c->inits, c->cap_inits * sizeof *c->inits);
    }
    c->inits[c->n_inits++] = t;
    return t;
}

/* raw_data borrows the net's floats: ONNX wants little-endian IEEE 754,
 * which is what every machine Tsumiki runs on holds in memory. */
static void ox_init_tensor(onnx_ctx *c, const tsu_net_tensor *src)
{
    int64_t dims[TSU_MAX_DIMS];
    for (int i = 0; i < src->shape.ndim; i++) dims[i] = src->shape.d[i];
    Onnx__TensorProto *t =
        ox_init(c, src->name, src->shape.ndim, dims, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
    t->has_raw_data = true;
    t->raw_data.len = src->size * sizeof(float);
    t->raw_data.data = (uint8_t *)src->data;
}

static void ox_init_int64s(onnx_ctx *c, const char *name, int n, const int64_t *v)
{
    int64_t dims[1] = {n};
    Onnx__TensorProto *t = ox_init(c, name, 1, dims, ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
    t->n_int64_data = (size_t)n;
    t->int64_data = ox_new(c, (size_t)n * sizeof(int64_t));
    memcpy(t->int64_data, v, (size_t)n * sizeof(int64_t));
}

/* A float tensor [N, shape...] with the batch axis named "N". */
static Onnx__ValueInfoProto *ox_value_info(onnx_ctx *c, const char *name, const tsu_shape *shape)
{
    Onnx__ValueInfoProto *vi = ox_new(c, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = ox_str(c, "%s", name);
    Onnx__TypeProto *type = ox_new(c, sizeof *type);
    onnx__type_proto__init(type);
    Onnx__TypeProto__Tensor *tt = ox_new(c, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = true;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    Onnx__TensorShapeProto *sp = ox_new(c, sizeof *sp);
    onnx__tensor_shape_proto__init(sp);
    sp->n_dim = (size_t)shape->ndim + 1;
    sp->dim = ox_new(c, sp->n_dim * sizeof *sp->dim);
    for (size_t i = 0; i < sp->n_dim; i++) {
        Onnx__TensorShapeProto__Dimension *d = ox_new(c, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (i == 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = ox_str(c, "N");
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = shape->d[i - 1];
        }
        sp->dim[i] = d;
    }
    tt->shape = sp;
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tt;
    vi->type = type;
    return vi;
}

/* Adds the node's weight (and bias) as initializers; returns the count of
 * names written to names[]. */
static int ox_params(onnx_ctx *c, tsu_net *net, const tsu_node *node, bool bias,
                     const char **names, tsu_diag *diag)
{
    int n = 0;
    const char *suffixes[2] = {"weight", "bias"};
    for (int i = 0; i < (bias ? 2 : 1); i++) {
        const tsu_net_tensor *t = tsu_x_tensor(net, node, suffixes[i], diag);
        if (!t) return -1;
        ox_init_tensor(c, t);
        names[n++] = t->name;
    }
    return n;
}

static bool emit_node(onnx_ctx *c, tsu_net *net, const tsu_xnode *x, tsu_diag *diag)
{
    const tsu_node *node = x->node;
    const char *id = tsu_node_id(node);
    const char *in[8] = {0};
    if (x->n_inputs > 0) in[0] = tsu_node_id(x->inputs[0]);
    Onnx__NodeProto *o;

    if (tsu_x_is(node, "Affine")) {
        const char *src = in[0];
        if (tsu_node_shape(x->inputs[0])->ndim != 1) {
            char *flat = ox_str(c, "%s/flatten", id);
            ox_attr_int(c, ox_node(c, "Flatten", flat, 1, &src, flat), "axis", 1);
            src = flat;
        }
        const char *args[3] = {src};
        int n = ox_params(c, net, node, tsu_x_bool(node, "with_bias"), args + 1, diag);
        if (n < 0) return false;
        o = ox_node(c, "Gemm", id, 1 + n, args, id);
        ox_attr_float(c, o, "alpha", 1.0);
        ox_attr_float(c, o, "beta", 1.0);
        ox_attr_int(c, o, "transB", 1);
    } else if (tsu_x_is(node, "Convolution") || tsu_x_is(node, "Deconvolution")) {
        bool conv = tsu_x_is(node, "Convolution");
        int n = ox_params(c, net, node, tsu_x_bool(node, "with_bias"), in + 1, diag);
        if (n < 0) return false;
        o = ox_node(c, conv ? "Conv" : "ConvTranspose", id, 1 + n, in, id);
        ox_attr_pair(c, o, "kernel_shape", tsu_x_ints(node, "kernel"));
        ox_attr_pair(c, o, "strides", tsu_x_ints(node, "stride"));
        ox_attr_pads(c, o, tsu_x_ints(node, "pad"));
        if (conv) {
            ox_attr_pair(c, o, "dilations", tsu_x_ints(node, "dilation"));
            ox_attr_int(c, o, "group", tsu_x_int(node, "group"));
        }
    } else if (tsu_x_is(node, "MaxPooling")) {
        o = ox_node(c, "MaxPool", id, 1, in, id);
        ox_attr_pair(c, o, "kernel_shape", tsu_x_ints(node, "kernel"));
        ox_attr_pair(c, o, "strides", tsu_x_ints(node, "stride"));
        ox_attr_pads(c, o, tsu_x_ints(node, "pad"));
    } else if (tsu_x_is(node, "AveragePooling")) {
        /* OpenCV 4.6 ignores count_include_pad and leaves padding out of the
         * mean; an explicit zero Pad first means the same to every reader. */
        const int *pad = tsu_x_ints(node, "pad");
        if (pad[0] || pad[1]) {
            char *pads_name = ox_str(c, "%s/pads", id), *padded = ox_str(c, "%s/pad", id);
            int64_t pads[8] = {0, 0, pad[0], pad[1], 0, 0, pad[0], pad[1]};
            ox_init_int64s(c, pads_name, 8, pads);
            const char *args[2] = {in[0], pads_name};
            ox_node(c, "Pad", padded, 2, args, padded);
            in[0] = padded;
        }
        o = ox_node(c, "AveragePool", id, 1, in, id);
        ox_attr_pair(c, o, "kernel_shape", tsu_x_ints(node, "kernel"));
        ox_attr_pair(c, o, "strides", tsu_x_ints(node, "stride"));
    } else if (tsu_x_is(node, "GlobalAveragePooling")) {
        ox_node(c, "GlobalAveragePool", id, 1, in, id);
    } else if (tsu_x_is(node, "BatchNormalization")) {
        const char *suffixes[4] = {"weight", "bias", "running_mean", "running_var"};
        for (int i = 0; i < 4; i++) {
            const tsu_net_tensor *t = tsu_x_tensor(net, node, suffixes[i], diag);
            if (!t) return false;
            ox_init_tensor(c, t);
            in[1 + i] = t->name;
        }
        o = ox_node(c, "BatchNormalization", id, 5, in, id);
        ox_attr_float(c, o, "epsilon", tsu_x_float(node, "eps"));
        ox_attr_float(c, o, "momentum", tsu_x_float(node, "momentum"));
    } else if (tsu_x_is(node, "ReLU")) {
        ox_node(c, "Relu", id, 1, in, id);
    } else if (tsu_x_is(node, "Sigmoid")) {
        ox_node(c, "Sigmoid", id, 1, in, id);
    } else if (tsu_x_is(node, "Tanh")) {
        ox_node(c, "Tanh", id, 1, in, id);
    } else if (tsu_x_is(node, "LeakyReLU")) {
        ox_attr_float(c, ox_node(c, "LeakyRelu", id, 1, in, id), "alpha",
                      tsu_x_float(node, "alpha"));
    } else if (tsu_x_is(node, "ELU")) {
        ox_attr_float(c, ox_node(c, "Elu", id, 1, in, id), "alpha", tsu_x_float(node, "alpha"));
    } else if (tsu_x_is(node, "Softmax")) {
        ox_attr_int(c, ox_node(c, "Softmax", id, 1, in, id), "axis", 1);
    } else if (tsu_x_is(node, "Flatten")) {
        ox_attr_int(c, ox_node(c, "Flatten", id, 1, in, id), "axis", 1);
    } else if (tsu_x_is(node, "Reshape")) {
        /* -1 keeps the batch axis dynamic; the other dims are known. */
        const tsu_shape *s = tsu_node_shape(node);
        int64_t dims[TSU_MAX_DIMS + 1] = {-1};
        for (int i = 0; i < s->ndim; i++) dims[i + 1] = s->d[i];
        char *shape_name = ox_str(c, "%s/shape", id);
        ox_init_int64s(c, shape_name, s->ndim + 1, dims);
        in[1] = shape_name;
        ox_node(c, "Reshape", id, 2, in, id);
    } else if (tsu_x_is(node, "Concatenate")) {
        const char **args = ox_new(c, (size_t)x->n_inputs * sizeof *args);
        for (int i = 0; i < x->n_inputs; i++) args[i] = tsu_node_id(x->inputs[i]);
        o = ox_node(c, "Concat", id, x->n_inputs, args, id);
        ox_attr_int(c, o, "axis", tsu_x_int(node, "axis") + 1);
    } else if (tsu_x_is(node, "Add2")) {
        in[1] = tsu_node_id(x->inputs[1]);
        ox_node(c, "Add", id, 2, in, id);
    } else {
        tsu_diag_add(diag, TSU_E_UNSUPPORTED, id, NULL,
                     "ONNX export does not know the layer type %s", tsu_node_type(node));
        return false;
    }
    return true;
}

static Onnx__StringStringEntryProto *ox_entry(onnx_ctx *c, const char *key, const char *value)
{
    Onnx__StringStringEntryProto *e = ox_new(c, sizeof *e);
    onnx__string_string_entry_proto__init(e);
    e->key = ox_str(c, "%s", key);
    e->value = ox_str(c, "%s", value);
    return e;
}

tsu_status tsu_export_onnx(const tsu_project *project, const tsu_graph *graph, tsu_net *net,
                           const char *path, tsu_diag *diag)
{
    tsu_xplan plan;
    tsu_status st = tsu_xplan_build(graph, &plan, diag);
    if (st != TSU_OK) return st;
    st = tsu_x_check_weights(&plan, net, diag);
    if (st != TSU_OK) {
        tsu_xplan_free(&plan);
        return st;
    }

    onnx_ctx c = {0};
    bool ok = true;
    for (int i = 0; i < plan.n_nodes && ok; i++)
        if (!tsu_layer_kind_is_input(tsu_node_kind(plan.nodes[i].node)))
            ok = emit_node(&c, net, &plan.nodes[i], diag);

    if (ok) {
        Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
        g.name = ox_str(&c, "%s", project ? tsu_project_name(project) : "tsumiki");
        g.n_node = c.n_nodes;
        g.node = c.nodes;
        g.n_initializer = c.n_inits;
        g.initializer = c.inits;
        g.n_input = (size_t)plan.n_inputs;
        g.input = ox_new(&c, (size_t)plan.n_inputs * sizeof *g.input);
        for (int i = 0; i < plan.n_inputs; i++)
            g.input[i] = ox_value_info(&c, tsu_node_id(plan.inputs[i]),
                                       tsu_node_shape(plan.inputs[i]));
        g.n_output = (size_t)plan.n_outputs;
        g.output = ox_new(&c, (size_t)plan.n_outputs * sizeof *g.output);
        for (int i = 0; i < plan.n_outputs; i++)
            g.output[i] = ox_value_info(&c, tsu_node_id(plan.outputs[i]),
                                        tsu_node_shape(plan.outputs[i]));

        Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
        opset.domain = ox_str(&c, "%s", "");
        opset.has_version = true;
        opset.version = ONNX_OPSET;
        Onnx__OperatorSetIdProto *opsets[1] = {&opset};

        Onnx__ModelProto model = ONNX__MODEL_PROTO__INIT;
        model.has_ir_version = true;
        model.ir_version = ONNX_IR_VERSION;
        model.n_opset_import = 1;
        model.opset_import = opsets;
        model.producer_name = ox_str(&c, "tsumiki");
        model.producer_version = ox_str(&c, "1");
        model.doc_string = ox_str(&c, "Inference graph exported by Tsumiki");
        model.graph = &g;
        /* The project rides along so that importing our own export restores
         * the losses, the dataset and the training settings. */
        Onnx__StringStringEntryProto *meta[1];
        if (project) {
            char *text = tsu_project_to_string(project);
            meta[0] = ox_entry(&c, "tsumiki.project", text);
            free(text);
            model.n_metadata_props = 1;
            model.metadata_props = meta;
        }

        size_t size = onnx__model_proto__get_packed_size(&model);
        uint8_t *bytes = tsu_xmalloc(size ? size : 1);
        onnx__model_proto__pack(&model, bytes);
        st = tsu_write_file_atomic(path, bytes, size, diag);
        free(bytes);
    } else {
        st = tsu_diag_status(diag) != TSU_OK ? tsu_diag_status(diag) : TSU_E_UNSUPPORTED;
    }
    ox_free(&c);
    tsu_xplan_free(&plan);
    return st;
}
