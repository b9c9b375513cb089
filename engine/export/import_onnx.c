/* import_onnx.c — an ONNX model as a Tsumiki project plus its weights.
 *
 * Each ONNX node maps to one Tsumiki layer (Flatten before Gemm disappears:
 * Affine flattens by itself). Shapes come from Tsumiki's own shape
 * inference, run on the project built so far, so the importer never keeps a
 * second copy of the layer rules. Every operator without a Tsumiki layer is
 * collected and reported once, with counts, instead of stopping at the
 * first. */
#include "export/import-onnx.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>

static const char *const supported_ops[] = {
    "Conv", "ConvTranspose", "Gemm", "MaxPool", "AveragePool", "GlobalAveragePool",
    "BatchNormalization", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Softmax", "Flatten",
    "Reshape", "Concat", "Add", "Dropout", "Identity", "Constant",
    "MatMul (constant 2-D B; a following Add of a constant is its bias)",
    "Pad (zeros, before AveragePool or Conv)", NULL,
};

const char *const *tsu_import_onnx_operators(void)
{
    return supported_ops;
}

const char *tsu_imp_keep(ictx *c, const char *s)
{
    if (c->n_strings == c->cap_strings) {
        c->cap_strings = c->cap_strings ? 2 * c->cap_strings : 64;
        c->strings = tsu_xrealloc(c->strings, (size_t)c->cap_strings * sizeof *c->strings);
    }
    return c->strings[c->n_strings++] = tsu_xstrdup(s);
}

ivalue *tsu_imp_find_value(ictx *c, const char *name)
{
    for (int i = c->n_values - 1; i >= 0; i--)
        if (!strcmp(c->values[i].name, name)) return &c->values[i];
    return NULL;
}

ivalue *tsu_imp_add_value(ictx *c, const char *name)
{
    if (c->n_values == c->cap_values) {
        c->cap_values = c->cap_values ? 2 * c->cap_values : 64;
        c->values = tsu_xrealloc(c->values, (size_t)c->cap_values * sizeof *c->values);
    }
    ivalue *v = &c->values[c->n_values++];
    memset(v, 0, sizeof *v);
    v->name = tsu_imp_keep(c, name);
    return v;
}

bool tsu_imp_fail(ictx *c, const char *node, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tsu_diag_add_at(c->diag, TSU_E_UNSUPPORTED, c->path, 0, 0, "node \"%s\": %s", node, msg);
    c->failed = true;
    return false;
}

/* The shortest decimal that reads back as the same float: ONNX stores
 * floats, Tsumiki doubles, and 1e-5 should stay 1e-05, not 9.99999975e-06. */
double tsu_imp_shortest(float f)
{
    char buf[32];
    for (int p = 1; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double)f);
        if ((float)strtod(buf, NULL) == f) return strtod(buf, NULL);
    }
    return f;
}

/* ------------------------------------------------------------ project */

/* A fresh, valid, unused id from the ONNX node name (or output name). */
const char *tsu_imp_make_id(ictx *c, const Onnx__NodeProto *n, const char *type)
{
    const char *sources[2] = {n ? n->name : NULL, n && n->n_output ? n->output[0] : NULL};
    for (int s = 0; s < 2; s++) {
        const char *src = sources[s];
        if (!src || !*src) continue;
        char id[TSU_ID_MAX];
        size_t o = 0;
        if (*src >= '0' && *src <= '9') id[o++] = '_';
        for (const char *p = src; *p && o + 1 < sizeof id; p++)
            id[o++] = (char)(((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                              (*p >= '0' && *p <= '9') || *p == '_')
                                 ? *p
                                 : '_');
        id[o] = '\0';
        if (o && tsu_x_is_identifier(id) && !tsu_project_find_node(c->project, id)) return tsu_imp_keep(c, id);
    }
    char *fresh = tsu_project_unique_id(c->project, type);
    const char *id = tsu_imp_keep(c, fresh);
    free(fresh);
    return id;
}

/* true when `v` equals the value the project file would get anyway: the
 * kind's default, or the param it copies ("stride" = "kernel"). */
static bool is_default(const tsu_param_desc *d, struct json_object *v, struct json_object *params)
{
    if (d->required) return false;
    if (d->same_as) {
        struct json_object *other;
        return json_object_object_get_ex(params, d->same_as, &other) &&
               json_object_equal(v, other);
    }
    switch (d->type) {
    case TSU_PARAM_INT: return json_object_get_int(v) == d->def.ints[0];
    case TSU_PARAM_FLOAT: return json_object_get_double(v) == d->def.number;
    case TSU_PARAM_BOOL: return json_object_get_boolean(v) == d->def.boolean;
    case TSU_PARAM_STRING: return d->def.string && !strcmp(json_object_get_string(v), d->def.string);
    case TSU_PARAM_INTS:
        if ((int)json_object_array_length(v) != d->def.n) return false;
        for (int i = 0; i < d->def.n; i++)
            if (json_object_get_int(json_object_array_get_idx(v, (size_t)i)) != d->def.ints[i])
                return false;
        return true;
    }
    return false;
}

/* Leaves out params at their defaults, as a hand-written project would. */
static void drop_defaults(const char *type, struct json_object *params)
{
    const tsu_layer_kind *kind = tsu_layer_kind_find(type);
    if (!kind || !params) return;
    char *drop[16];
    int n = 0;
    json_object_object_foreach(params, key, value)
    {
        const tsu_param_desc *d = tsu_layer_kind_param_find(kind, key);
        if (d && n < 16 && is_default(d, value, params)) drop[n++] = key;
    }
    for (int i = 0; i < n; i++) json_object_object_del(params, drop[i]);
}

/* Appends {"id", "type", "inputs", "params"} to the project; params is taken. */
struct json_object *tsu_imp_add_node(ictx *c, const char *id, const char *type, int n_in,
                                    const char *const *inputs, struct json_object *params)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "type", json_object_new_string(type));
    if (n_in > 0) {
        struct json_object *arr = json_object_new_array();
        for (int i = 0; i < n_in; i++) json_object_array_add(arr, json_object_new_string(inputs[i]));
        json_object_object_add(o, "inputs", arr);
    }
    drop_defaults(type, params);
    if (params && json_object_object_length(params) > 0) json_object_object_add(o, "params", params);
    else json_object_put(params);
    /* Our own exports carry the editor positions along. */
    struct json_object *old = c->stored ? tsu_project_find_node(c->stored, id) : NULL, *pos;
    if (old && json_object_object_get_ex(old, "position", &pos))
        json_object_object_add(o, "position", json_object_get(pos));
    json_object_array_add(tsu_project_nodes(c->project), o);
    return o;
}

struct json_object *tsu_imp_pair_json(const int v[2])
{
    struct json_object *a = json_object_new_array();
    json_object_array_add(a, json_object_new_int(v[0]));
    json_object_array_add(a, json_object_new_int(v[1]));
    return a;
}

/* The output shape of a node of the project so far, from Tsumiki's own
 * shape inference. */
bool tsu_imp_shape_of(ictx *c, const char *id, tsu_shape *out)
{
    tsu_diag quiet;
    tsu_diag_init(&quiet);
    tsu_graph *g = tsu_graph_build(c->project, &quiet);
    const tsu_node *node = g ? tsu_graph_find(g, id) : NULL;
    bool ok = node && tsu_node_has_shape(node);
    if (ok) *out = *tsu_node_shape(node);
    if (!ok && quiet.count)
        tsu_diag_add_at(c->diag, TSU_E_SHAPE, c->path, 0, 0, "%s", quiet.items[0].message);
    tsu_graph_free(g);
    tsu_diag_free(&quiet);
    return ok;
}

/* The Tsumiki node holding ONNX value `name`, making a pending Flatten real. */
const char *tsu_imp_input_node(ictx *c, const Onnx__NodeProto *n, size_t k)
{
    ivalue *v = k < n->n_input ? tsu_imp_find_value(c, n->input[k]) : NULL;
    if (!v || (!v->node && !v->flat_of)) {
        tsu_imp_fail(c, n->name, "input %s is not produced by a supported node or a graph input",
             k < n->n_input ? n->input[k] : "(missing)");
        return NULL;
    }
    if (v->pad_of) {
        tsu_imp_fail(c, n->name, "input %s comes from a Pad; Pad is imported only right before "
                         "AveragePool or Conv", v->name);
        return NULL;
    }
    if (v->flat_of) {
        Onnx__NodeProto fake = ONNX__NODE_PROTO__INIT;
        fake.name = (char *)v->flat_name;
        const char *id = tsu_imp_make_id(c, &fake, "Flatten");
        tsu_imp_add_node(c, id, "Flatten", 1, &v->flat_of, NULL);
        v->node = id;
        v->flat_of = NULL;
    }
    return v->node;
}

void tsu_imp_produce(ictx *c, const Onnx__NodeProto *n, const char *id)
{
    tsu_imp_add_value(c, n->output[0])->node = id;
}

static void note_unsupported(ictx *c, const char *op, int *counts, const char **ops, int *n_ops)
{
    for (int i = 0; i < *n_ops; i++)
        if (!strcmp(ops[i], op)) {
            counts[i]++;
            return;
        }
    ops[*n_ops] = op;
    counts[(*n_ops)++] = 1;
}

/* Entries may carry a remark after a space ("Pad (zeros, ...)"). */
static bool is_supported(const char *op)
{
    size_t n = strlen(op);
    for (int i = 0; supported_ops[i]; i++)
        if (!strncmp(op, supported_ops[i], n) && (!supported_ops[i][n] || supported_ops[i][n] == ' '))
            return true;
    return false;
}

/* Graph inputs that are not initializers become Input nodes. */
static bool import_inputs(ictx *c, const Onnx__GraphProto *g)
{
    int count = 0;
    for (size_t i = 0; i < g->n_input; i++) {
        const Onnx__ValueInfoProto *vi = g->input[i];
        if (tsu_imp_find_value(c, vi->name)) continue; /* an initializer listed as input (IR < 4) */
        const Onnx__TypeProto *t = vi->type;
        const Onnx__TensorShapeProto *s =
            t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ? t->tensor_type->shape : NULL;
        if (!s || s->n_dim < 2 || s->n_dim > TSU_MAX_DIMS + 1)
            return tsu_imp_fail(c, vi->name, "graph input needs a known shape [N, ...] of 2 to %d axes",
                        TSU_MAX_DIMS + 1);
        struct json_object *shape = json_object_new_array();
        for (size_t d = 1; d < s->n_dim; d++) {
            const Onnx__TensorShapeProto__Dimension *dim = s->dim[d];
            if (dim->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
                dim->dim_value <= 0) {
                json_object_put(shape);
                return tsu_imp_fail(c, vi->name, "axis %zu of the input has no fixed size", d);
            }
            json_object_array_add(shape, json_object_new_int((int)dim->dim_value));
        }
        Onnx__NodeProto fake = ONNX__NODE_PROTO__INIT;
        fake.name = vi->name;
        const char *id = tsu_imp_make_id(c, &fake, "Input");
        /* The dataset variable: the stored project's, else x, x2, x3... */
        char variable[TSU_ID_MAX];
        snprintf(variable, sizeof variable, count ? "x%d" : "x", count + 1);
        struct json_object *old = c->stored ? tsu_project_find_node(c->stored, id) : NULL, *op, *ds;
        if (old && json_object_object_get_ex(old, "params", &op) &&
            json_object_object_get_ex(op, "dataset", &ds) && json_object_is_type(ds, json_type_string))
            snprintf(variable, sizeof variable, "%s", json_object_get_string(ds));
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "shape", shape);
        json_object_object_add(p, "dataset", json_object_new_string(variable));
        tsu_imp_add_node(c, id, "Input", 0, NULL, p);
        tsu_imp_add_value(c, vi->name)->node = id;
        count++;
    }
    return count > 0 || tsu_imp_fail(c, "graph", "the model has no inputs");
}

/* The losses: those our own export stored, else the seed's rule of thumb. */
static void add_losses(ictx *c, const Onnx__GraphProto *g)
{
    struct json_object *nodes = c->stored ? tsu_project_nodes(c->stored) : NULL;
    bool restored = false;
    for (size_t i = 0; nodes && i < json_object_array_length(nodes); i++) {
        struct json_object *o = json_object_array_get_idx(nodes, i), *type, *inputs, *id;
        if (!json_object_object_get_ex(o, "type", &type) ||
            !tsu_layer_kind_is_loss(tsu_layer_kind_find(json_object_get_string(type))) ||
            !json_object_object_get_ex(o, "inputs", &inputs) ||
            !json_object_object_get_ex(o, "id", &id) || json_object_array_length(inputs) != 1)
            continue;
        const char *src = json_object_get_string(json_object_array_get_idx(inputs, 0));
        if (!tsu_project_find_node(c->project, src) ||
            tsu_project_find_node(c->project, json_object_get_string(id)))
            continue;
        struct json_object *copy = NULL;
        json_object_deep_copy(o, &copy, NULL);
        json_object_array_add(tsu_project_nodes(c->project), copy);
        restored = true;
    }
    if (restored) return;
    for (size_t i = 0; i < g->n_output; i++) {
        ivalue *v = tsu_imp_find_value(c, g->output[i]->name);
        if (!v || !v->node) continue;
        struct json_object *o = tsu_project_find_node(c->project, v->node), *type;
        const char *t = json_object_object_get_ex(o, "type", &type) ? json_object_get_string(type) : "";
        const char *loss = !strcmp(t, "Softmax")   ? "CategoricalCrossEntropy"
                           : !strcmp(t, "Sigmoid") ? "BinaryCrossEntropy"
                                                   : "SquaredError";
        char *id = tsu_project_unique_id(c->project, loss);
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "dataset", json_object_new_string(i ? "y2" : "y"));
        tsu_imp_add_node(c, id, loss, 1, (const char *const *)&v->node, p);
        free(id);
    }
}

/* The weights through a net, so that names and shapes are checked by the
 * same code that loads them later. */
static tsu_status save_weights(ictx *c, const tsu_graph *graph, const char *path)
{
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1, .training = false};
    tsu_net *net = tsu_net_new(graph, &cfg, c->diag);
    if (!net) return tsu_diag_status(c->diag);
    tsu_status st = TSU_OK;
    for (int i = 0; i < tsu_net_tensor_count(net) && st == TSU_OK; i++) {
        tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        const iweight *w = NULL;
        for (int k = 0; k < c->n_weights; k++)
            if (!strcmp(c->weights[k].name, t->name)) w = &c->weights[k];
        if (!w)
            st = tsu_diag_add_at(c->diag, TSU_E_FORMAT, c->path, 0, 0, "no values for %s", t->name);
        else if (w->size != t->size)
            st = tsu_diag_add_at(c->diag, TSU_E_SHAPE, c->path, 0, 0,
                                 "%s has %zu values, the layer needs %zu", t->name, w->size, t->size);
        else
            memcpy(t->data, w->data, t->size * sizeof(float));
    }
    if (st == TSU_OK) st = tsu_net_save_safetensors(net, path, c->diag);
    tsu_net_free(net);
    return st;
}

static Onnx__ModelProto *read_model(const char *path, tsu_diag *diag)
{
    size_t length = 0;
    unsigned char *data = tsu_read_file(path, TSU_READ_FILE_LIMIT, &length, diag);
    if (!data) return NULL;
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, length, data);
    free(data);
    if (!m || !m->graph)
        tsu_diag_add_at(diag, TSU_E_FORMAT, path, 0, 0, "not an ONNX model (protobuf did not parse)");
    return m;
}

static void restore_settings(ictx *c, const Onnx__ModelProto *m)
{
    for (size_t i = 0; i < m->n_metadata_props; i++) {
        const Onnx__StringStringEntryProto *e = m->metadata_props[i];
        if (!e->key || strcmp(e->key, "tsumiki.project") || !e->value) continue;
        tsu_diag quiet;
        tsu_diag_init(&quiet);
        c->stored = tsu_project_parse(e->value, strlen(e->value), "tsumiki.project", &quiet);
        tsu_diag_free(&quiet);
    }
    if (!c->stored) return;
    const char *keys[] = {"name", "dataset", "training"};
    for (size_t k = 0; k < TSU_ARRAY_LEN(keys); k++) {
        struct json_object *v, *copy = NULL;
        if (json_object_object_get_ex(tsu_project_root(c->stored), keys[k], &v) &&
            json_object_deep_copy(v, &copy, NULL) == 0)
            json_object_object_add(tsu_project_root(c->project), keys[k], copy);
    }
}

tsu_project *tsu_import_onnx(const char *path, const char *weights_path, tsu_diag *diag)
{
    Onnx__ModelProto *m = read_model(path, diag);
    if (!m) return NULL;
    ictx c = {.path = path, .diag = diag, .opset = 13};
    for (size_t i = 0; i < m->n_opset_import; i++)
        if (!m->opset_import[i]->domain || !*m->opset_import[i]->domain)
            c.opset = (int)m->opset_import[i]->version;
    const Onnx__GraphProto *g = m->graph;
    c.graph = g;
    c.project = tsu_project_new(g->name && *g->name ? g->name : "Imported ONNX model");
    restore_settings(&c, m);

    /* First every operator we cannot take, so the user sees the whole list. */
    const char **ops = tsu_xcalloc(g->n_node + 1, sizeof *ops);
    int *counts = tsu_xcalloc(g->n_node + 1, sizeof *counts), n_ops = 0;
    for (size_t i = 0; i < g->n_node; i++)
        if (!is_supported(g->node[i]->op_type) ||
            (g->node[i]->domain && *g->node[i]->domain && strcmp(g->node[i]->domain, "ai.onnx")))
            note_unsupported(&c, g->node[i]->op_type, counts, ops, &n_ops);
    if (n_ops) {
        tsu_xbuf list = {0};
        for (int i = 0; i < n_ops; i++) tsu_xbuf_printf(&list, "%s%s (%d)", i ? ", " : "", ops[i], counts[i]);
        tsu_xbuf known = {0};
        for (int i = 0; supported_ops[i]; i++) tsu_xbuf_printf(&known, "%s%s", i ? ", " : "", supported_ops[i]);
        tsu_diag_add_at(diag, TSU_E_UNSUPPORTED, path, 0, 0,
                        "unsupported ONNX operators: %s. Tsumiki imports: %s", list.data, known.data);
        tsu_xbuf_free(&list);
        tsu_xbuf_free(&known);
        c.failed = true;
    }
    free(ops);
    free(counts);

    for (size_t i = 0; !c.failed && i < g->n_initializer; i++)
        tsu_imp_add_value(&c, g->initializer[i]->name)->constant = g->initializer[i];
    if (!c.failed) import_inputs(&c, g);
    for (size_t i = 0; !c.failed && i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        if (!strcmp(n->op_type, "Constant")) {
            const Onnx__AttributeProto *a = tsu_imp_attr(n, "value");
            if (!a || !a->t) tsu_imp_fail(&c, n->name ? n->name : n->output[0], "Constant without a tensor value");
            else tsu_imp_add_value(&c, n->output[0])->constant = a->t;
            continue;
        }
        if (n->n_output < 1) tsu_imp_fail(&c, n->name ? n->name : n->op_type, "node without outputs");
        else tsu_imp_import_node(&c, n);
    }
    /* Outputs must be real nodes (a graph ending in Flatten keeps it). */
    for (size_t i = 0; !c.failed && i < g->n_output; i++) {
        ivalue *v = tsu_imp_find_value(&c, g->output[i]->name);
        if (v && v->flat_of) {
            Onnx__NodeProto fake = ONNX__NODE_PROTO__INIT;
            fake.name = g->output[i]->name;
            fake.n_input = 1;
            char *in = g->output[i]->name;
            fake.input = &in;
            tsu_imp_input_node(&c, &fake, 0);
        } else if (!v || !v->node) {
            tsu_imp_fail(&c, g->output[i]->name, "graph output is not computed by a supported node");
        }
    }
    if (!c.failed) add_losses(&c, g);

    tsu_project *result = NULL;
    if (!c.failed) {
        tsu_graph *graph = tsu_graph_build(c.project, diag);
        if (graph && tsu_graph_valid(graph) &&
            (!weights_path || save_weights(&c, graph, weights_path) == TSU_OK))
            result = c.project;
        tsu_graph_free(graph);
    }
    if (!result) tsu_project_free(c.project);
    if (c.stored) tsu_project_free(c.stored);
    for (int i = 0; i < c.n_weights; i++) free(c.weights[i].data);
    for (int i = 0; i < c.n_strings; i++) free(c.strings[i]);
    free(c.weights);
    free(c.values);
    free(c.strings);
    onnx__model_proto__free_unpacked(m, NULL);
    return result;
}
