/* onnx.c — the inference graph as an ONNX ModelProto (opset 13, IR 7).
 *
 * Each layer kind writes its own nodes through the emitter below
 * (export/layer-export.h); this file owns the message tree. Every value is
 * named after the node that produces it, so a model viewer shows the
 * designer's names. */
#include "export/export-internal.h"
#include "onnx.pb-c.h"

#include <string.h>

enum { ONNX_OPSET = 13, ONNX_IR_VERSION = 7 };

/* Every allocation for the message tree, freed in one go after packing. */
struct tsu_onnx_emitter {
    tsu_net *net;
    tsu_diag *diag;
    void **allocs;
    size_t n_allocs, cap_allocs;
    Onnx__NodeProto **nodes;
    size_t n_nodes, cap_nodes;
    Onnx__TensorProto **inits;
    size_t n_inits, cap_inits;
};
typedef tsu_onnx_emitter onnx_ctx;

/* The emitter's node handle is the protobuf message itself. */
static Onnx__NodeProto *proto(tsu_onnx_node *node)
{
    return (Onnx__NodeProto *)node;
}

void *tsu_onnx_alloc(onnx_ctx *c, size_t size)
{
    void *p = tsu_xcalloc(1, size);
    if (c->n_allocs == c->cap_allocs) {
        c->cap_allocs = c->cap_allocs ? 2 * c->cap_allocs : 256;
        c->allocs = tsu_xrealloc(c->allocs, c->cap_allocs * sizeof *c->allocs);
    }
    c->allocs[c->n_allocs++] = p;
    return p;
}

char *tsu_onnx_name(onnx_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = tsu_onnx_alloc(c, (size_t)n + 1);
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

tsu_onnx_node *tsu_onnx_node_add(onnx_ctx *c, const char *op, const char *name, int n_in,
                                const char *const *inputs, const char *output)
{
    Onnx__NodeProto *node = tsu_onnx_alloc(c, sizeof *node);
    onnx__node_proto__init(node);
    node->op_type = tsu_onnx_name(c, "%s", op);
    node->name = tsu_onnx_name(c, "%s", name);
    node->n_input = (size_t)n_in;
    node->input = tsu_onnx_alloc(c, (size_t)(n_in ? n_in : 1) * sizeof(char *));
    for (int i = 0; i < n_in; i++) node->input[i] = tsu_onnx_name(c, "%s", inputs[i]);
    node->n_output = 1;
    node->output = tsu_onnx_alloc(c, sizeof(char *));
    node->output[0] = tsu_onnx_name(c, "%s", output);
    /* Room for the few attributes any op here takes. */
    node->attribute = tsu_onnx_alloc(c, 8 * sizeof(Onnx__AttributeProto *));
    if (c->n_nodes == c->cap_nodes) {
        c->cap_nodes = c->cap_nodes ? 2 * c->cap_nodes : 64;
        c->nodes = tsu_xrealloc(c->nodes, c->cap_nodes * sizeof *c->nodes);
    }
    c->nodes[c->n_nodes++] = node;
    return (tsu_onnx_node *)node;
}

static Onnx__AttributeProto *ox_attr(onnx_ctx *c, tsu_onnx_node *handle, const char *name,
                                     Onnx__AttributeProto__AttributeType type)
{
    Onnx__NodeProto *node = proto(handle);
    tsu_assert(node->n_attribute < 8);
    Onnx__AttributeProto *a = tsu_onnx_alloc(c, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = tsu_onnx_name(c, "%s", name);
    a->has_type = true;
    a->type = type;
    node->attribute[node->n_attribute++] = a;
    return a;
}

void tsu_onnx_attr_int(onnx_ctx *c, tsu_onnx_node *node, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = ox_attr(c, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = true;
    a->i = v;
}

void tsu_onnx_attr_float(onnx_ctx *c, tsu_onnx_node *node, const char *name, double v)
{
    Onnx__AttributeProto *a =
        ox_attr(c, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = true;
    a->f = (float)v;
}

void tsu_onnx_attr_string(onnx_ctx *c, tsu_onnx_node *node, const char *name, const char *v)
{
    Onnx__AttributeProto *a =
        ox_attr(c, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = true;
    a->s.len = strlen(v);
    a->s.data = (uint8_t *)tsu_onnx_name(c, "%s", v);
}

void tsu_onnx_attr_ints(onnx_ctx *c, tsu_onnx_node *node, const char *name, int n,
                        const int64_t *v)
{
    Onnx__AttributeProto *a = ox_attr(c, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = (size_t)n;
    a->ints = tsu_onnx_alloc(c, (size_t)n * sizeof(int64_t));
    memcpy(a->ints, v, (size_t)n * sizeof(int64_t));
}

void tsu_onnx_attr_pair(onnx_ctx *c, tsu_onnx_node *node, const char *name, const int *v)
{
    int64_t pair[2] = {v[0], v[1]};
    tsu_onnx_attr_ints(c, node, name, 2, pair);
}

/* Pads as ONNX wants them: all begins, then all ends. */
void tsu_onnx_attr_window(onnx_ctx *c, tsu_onnx_node *node, const int *kernel, const int *stride,
                          const int *pad)
{
    tsu_onnx_attr_pair(c, node, "kernel_shape", kernel);
    tsu_onnx_attr_pair(c, node, "strides", stride);
    if (!pad) return;
    int64_t pads[4] = {pad[0], pad[1], pad[0], pad[1]};
    tsu_onnx_attr_ints(c, node, "pads", 4, pads);
}

bool tsu_onnx_conv(onnx_ctx *c, const tsu_xnode *x, const tsu_conv_spec *conv)
{
    const char *id = tsu_node_id(x->node), *args[3] = {tsu_node_id(x->inputs[0])};
    int n = tsu_onnx_weights(c, x->node, conv->bias, args + 1);
    if (n < 0) return false;
    tsu_onnx_node *o = tsu_onnx_node_add(c, "Conv", id, 1 + n, args, id);
    tsu_onnx_attr_window(c, o, conv->kernel, conv->stride, conv->pad);
    tsu_onnx_attr_pair(c, o, "dilations", conv->dilation);
    tsu_onnx_attr_int(c, o, "group", conv->group);
    return true;
}

static Onnx__TensorProto *ox_init(onnx_ctx *c, const char *name, int ndim, const int64_t *dims,
                                  int32_t type)
{
    Onnx__TensorProto *t = tsu_onnx_alloc(c, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = tsu_onnx_name(c, "%s", name);
    t->n_dims = (size_t)ndim;
    t->dims = tsu_onnx_alloc(c, (size_t)(ndim ? ndim : 1) * sizeof(int64_t));
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
static void ox_init_tensor(onnx_ctx *c, const tsu_net_tensor *src, const tsu_shape *shape)
{
    int64_t dims[TSU_MAX_DIMS];
    for (int i = 0; i < shape->ndim; i++) dims[i] = shape->d[i];
    Onnx__TensorProto *t =
        ox_init(c, src->name, shape->ndim, dims, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
    t->has_raw_data = true;
    t->raw_data.len = src->size * sizeof(float);
    t->raw_data.data = (uint8_t *)src->data;
}

void tsu_onnx_int64s(onnx_ctx *c, const char *name, int n, const int64_t *v)
{
    int64_t dims[1] = {n};
    Onnx__TensorProto *t = ox_init(c, name, 1, dims, ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
    t->n_int64_data = (size_t)n;
    t->int64_data = tsu_onnx_alloc(c, (size_t)n * sizeof(int64_t));
    memcpy(t->int64_data, v, (size_t)n * sizeof(int64_t));
}

void tsu_onnx_floats(onnx_ctx *c, const char *name, int n, const float *v)
{
    int64_t dims[1] = {n};
    Onnx__TensorProto *t = ox_init(c, name, 1, dims, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
    t->n_float_data = (size_t)n;
    t->float_data = tsu_onnx_alloc(c, (size_t)n * sizeof(float));
    memcpy(t->float_data, v, (size_t)n * sizeof(float));
}

const char *tsu_onnx_scalar(onnx_ctx *c, const char *id, const char *what, float v)
{
    const char *name = tsu_onnx_name(c, "%s/%s", id, what);
    tsu_onnx_floats(c, name, 1, &v);
    return name;
}

const char *tsu_onnx_binary(onnx_ctx *c, const char *op, const char *a, const char *b,
                            const char *output)
{
    const char *args[2] = {a, b};
    tsu_onnx_node_add(c, op, output, 2, args, output);
    return output;
}

/* A float tensor [N, shape...] with the batch axis named "N". */
static Onnx__ValueInfoProto *ox_value_info(onnx_ctx *c, const char *name, const tsu_shape *shape)
{
    Onnx__ValueInfoProto *vi = tsu_onnx_alloc(c, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = tsu_onnx_name(c, "%s", name);
    Onnx__TypeProto *type = tsu_onnx_alloc(c, sizeof *type);
    onnx__type_proto__init(type);
    Onnx__TypeProto__Tensor *tt = tsu_onnx_alloc(c, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = true;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    Onnx__TensorShapeProto *sp = tsu_onnx_alloc(c, sizeof *sp);
    onnx__tensor_shape_proto__init(sp);
    sp->n_dim = (size_t)shape->ndim + 1;
    sp->dim = tsu_onnx_alloc(c, sp->n_dim * sizeof *sp->dim);
    for (size_t i = 0; i < sp->n_dim; i++) {
        Onnx__TensorShapeProto__Dimension *d = tsu_onnx_alloc(c, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (i == 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = tsu_onnx_name(c, "N");
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

const char *tsu_onnx_tensor(onnx_ctx *c, const tsu_node *node, const char *suffix)
{
    return tsu_onnx_tensor_as(c, node, suffix, NULL);
}

const char *tsu_onnx_tensor_as(onnx_ctx *c, const tsu_node *node, const char *suffix,
                               const tsu_shape *shape)
{
    const tsu_net_tensor *t = tsu_x_tensor(c->net, node, suffix, c->diag);
    if (!t) return NULL;
    tsu_assert(!shape || tsu_shape_size(shape) == t->size);
    ox_init_tensor(c, t, shape ? shape : &t->shape);
    return t->name;
}

int tsu_onnx_weights(onnx_ctx *c, const tsu_node *node, bool bias, const char **names)
{
    int n = 0;
    const char *suffixes[2] = {"weight", "bias"};
    for (int i = 0; i < (bias ? 2 : 1); i++)
        if (!(names[n++] = tsu_onnx_tensor(c, node, suffixes[i]))) return -1;
    return n;
}

static Onnx__StringStringEntryProto *ox_entry(onnx_ctx *c, const char *key, const char *value)
{
    Onnx__StringStringEntryProto *e = tsu_onnx_alloc(c, sizeof *e);
    onnx__string_string_entry_proto__init(e);
    e->key = tsu_onnx_name(c, "%s", key);
    e->value = tsu_onnx_name(c, "%s", value);
    return e;
}

static tsu_status tsu_export_onnx_body(const tsu_project *project, const tsu_graph *graph, tsu_net *net,
                           const char *path, tsu_diag *diag)
{
    tsu_xstage_sweep_file(path); /* the file itself is written atomically */
    tsu_xplan plan;
    tsu_status st = tsu_xplan_build(graph, &plan, diag);
    if (st != TSU_OK) return st;
    st = tsu_x_check_weights(&plan, net, diag);
    if (st != TSU_OK) {
        tsu_xplan_free(&plan);
        return st;
    }

    onnx_ctx c = {.net = net, .diag = diag};
    bool ok = true;
    for (int i = 0; i < plan.n_nodes && ok; i++) {
        const tsu_xnode *x = &plan.nodes[i];
        if (tsu_layer_kind_is_input(tsu_node_kind(x->node))) continue;
        const tsu_layer_export *ex = tsu_x_exports(x->node, "ONNX", x->node->kind->exports &&
                                                   x->node->kind->exports->onnx, diag);
        ok = ex && ex->onnx(&c, x);
    }

    if (ok) {
        Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
        g.name = tsu_onnx_name(&c, "%s", project ? tsu_project_name(project) : "tsumiki");
        g.n_node = c.n_nodes;
        g.node = c.nodes;
        g.n_initializer = c.n_inits;
        g.initializer = c.inits;
        g.n_input = (size_t)plan.n_inputs;
        g.input = tsu_onnx_alloc(&c, (size_t)plan.n_inputs * sizeof *g.input);
        for (int i = 0; i < plan.n_inputs; i++)
            g.input[i] = ox_value_info(&c, tsu_node_id(plan.inputs[i]),
                                       tsu_node_shape(plan.inputs[i]));
        g.n_output = (size_t)plan.n_outputs;
        g.output = tsu_onnx_alloc(&c, (size_t)plan.n_outputs * sizeof *g.output);
        for (int i = 0; i < plan.n_outputs; i++)
            g.output[i] = ox_value_info(&c, tsu_node_id(plan.outputs[i]),
                                        tsu_node_shape(plan.outputs[i]));

        Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
        opset.domain = tsu_onnx_name(&c, "%s", "");
        opset.has_version = true;
        opset.version = ONNX_OPSET;
        Onnx__OperatorSetIdProto *opsets[1] = {&opset};

        Onnx__ModelProto model = ONNX__MODEL_PROTO__INIT;
        model.has_ir_version = true;
        model.ir_version = ONNX_IR_VERSION;
        model.n_opset_import = 1;
        model.opset_import = opsets;
        model.producer_name = tsu_onnx_name(&c, "tsumiki");
        model.producer_version = tsu_onnx_name(&c, "1");
        model.doc_string = tsu_onnx_name(&c, "Inference graph exported by Tsumiki");
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

tsu_status tsu_export_onnx(const tsu_project *project, const tsu_graph *graph, tsu_net *net,
                           const char *path, tsu_diag *diag)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_status result = tsu_export_onnx_body(project, graph, net, path, diag);
    tsu_c_numeric_end(&scope);
    return result;
}
