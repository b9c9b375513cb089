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
    "Reshape", "Concat", "Add", "Dropout", "Identity", "Constant", "Mul", "Sub", "PRelu",
    "Softplus", "Selu", "Resize (nearest, integer scales)", "Upsample (nearest, integer scales)",
    "Div (with Erf, Add, Mul: GELU)", "Erf (in GELU)",
    "ReduceMean (with Sub, Pow, Add, Sqrt, Div, Mul, Add: LayerNorm over all non-batch axes)",
    "Pow (in LayerNorm)", "Sqrt (in LayerNorm)",
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

/* Values are found by name through an open-addressing table of indices
 * into c->values (-1 for a free slot), so a graph with many initializers
 * imports in linear time. A name added again takes over its slot. */
static size_t name_hash(const char *s) /* FNV-1a */
{
    size_t h = 14695981039346656037u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void index_put(ictx *c, int value)
{
    size_t mask = c->index_cap - 1, at = name_hash(c->values[value].name) & mask;
    while (c->index[at] >= 0 && strcmp(c->values[c->index[at]].name, c->values[value].name))
        at = (at + 1) & mask;
    c->index[at] = value;
}

ivalue *tsu_imp_find_value(ictx *c, const char *name)
{
    if (!c->index_cap) return NULL;
    size_t mask = c->index_cap - 1;
    for (size_t at = name_hash(name) & mask; c->index[at] >= 0; at = (at + 1) & mask)
        if (!strcmp(c->values[c->index[at]].name, name)) return &c->values[c->index[at]];
    return NULL;
}

ivalue *tsu_imp_add_value(ictx *c, const char *name)
{
    if (c->n_values == c->cap_values) {
        c->cap_values = c->cap_values ? 2 * c->cap_values : 64;
        c->values = tsu_xrealloc(c->values, (size_t)c->cap_values * sizeof *c->values);
        /* At most half full: rebuilt, in order, whenever the values grow. */
        c->index_cap = 2 * (size_t)c->cap_values;
        c->index = tsu_xrealloc(c->index, c->index_cap * sizeof *c->index);
        memset(c->index, 0xff, c->index_cap * sizeof *c->index);
        for (int i = 0; i < c->n_values; i++) index_put(c, i);
    }
    ivalue *v = &c->values[c->n_values++];
    memset(v, 0, sizeof *v);
    v->name = tsu_imp_keep(c, name);
    index_put(c, c->n_values - 1);
    return v;
}

static void vfail(ictx *c, tsu_status code, const char *what, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void vfail(ictx *c, tsu_status code, const char *what, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (c->node && *what)
        tsu_diag_add_at(c->diag, code, c->path, 0, 0, _("node %zu \"%s\" (%s): %s"), c->node_index,
                        what, c->node->op_type, msg);
    else if (c->node)
        tsu_diag_add_at(c->diag, code, c->path, 0, 0, _("node %zu (%s): %s"), c->node_index,
                        c->node->op_type, msg);
    else
        tsu_diag_add_at(c->diag, code, c->path, 0, 0, "%s: %s", what, msg);
    c->failed = true;
}

bool tsu_imp_fail(ictx *c, const char *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, TSU_E_UNSUPPORTED, node, fmt, ap);
    va_end(ap);
    return false;
}

bool tsu_imp_malformed(ictx *c, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, TSU_E_FORMAT, what, fmt, ap);
    va_end(ap);
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

static bool is_number(struct json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* A string member of a JSON object from the embedded project, or NULL. */
static const char *string_member(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
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
    /* Our own exports carry the editor positions along: two numbers. */
    struct json_object *old = c->stored ? tsu_project_find_node(c->stored, id) : NULL, *pos;
    if (old && json_object_object_get_ex(old, "position", &pos) &&
        json_object_is_type(pos, json_type_array) && json_object_array_length(pos) == 2 &&
        is_number(json_object_array_get_idx(pos, 0)) && is_number(json_object_array_get_idx(pos, 1)))
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
    tsu_graph_free(g);
    if (!ok) {
        const char *why = tsu_diag_message(&quiet, _("no shape"));
        tsu_imp_fail(c, c->node ? c->node_name : id, "%s", why);
    }
    tsu_diag_free(&quiet);
    return ok;
}

/* The Tsumiki node holding ONNX value `name`, making a pending Flatten real. */
const char *tsu_imp_input_node(ictx *c, const Onnx__NodeProto *n, size_t k)
{
    ivalue *v = k < n->n_input ? tsu_imp_find_value(c, n->input[k]) : NULL;
    if (!v || (!v->node && !v->flat_of)) {
        tsu_imp_fail(c, n->name, _("input %s is not produced by a supported node or a graph input"),
             k < n->n_input ? n->input[k] : "(missing)");
        return NULL;
    }
    if (v->pad_of) {
        tsu_imp_fail(c, n->name, _("input %s comes from a Pad; Pad is imported only right before "
                           "AveragePool or Conv"), v->name);
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

/* Entries may carry a remark after a space ("Pad (zeros, ...)"): only the
 * word before it is the operator's name. */
static bool is_supported(const char *op)
{
    size_t n = strlen(op);
    for (int i = 0; supported_ops[i]; i++)
        if (strcspn(supported_ops[i], " ") == n && !strncmp(op, supported_ops[i], n)) return true;
    return false;
}

/* ------------------------------------------------------------ checks
 *
 * What the ONNX format promises and a file may still break, checked once
 * before any operator is imported, so the importers can trust it: every
 * node has an op_type and an output, the inputs its operator needs, and
 * the attributes the importers read with the right type and a sane value;
 * every name is defined once; every constant's data matches its dims. */

/* Inputs the ONNX operator needs, for those that need more than one. */
static const struct {
    const char *op;
    size_t inputs;
} min_inputs[] = {
    {"Conv", 2}, {"ConvTranspose", 2}, {"Gemm", 2}, {"MatMul", 2}, {"BatchNormalization", 5},
    {"Add", 2}, {"Reshape", 2}, {"Constant", 0}, {"Mul", 2}, {"Sub", 2}, {"Div", 2},
    {"Pow", 2}, {"PRelu", 2}, {"Upsample", 2},
};

#define ATTR(t) ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__##t

/* The attributes the importers read; each INT (and each of INTS) within
 * [min, max]. Attributes not listed are not read, so not checked. */
static const struct {
    const char *op; /* NULL: any operator */
    const char *name;
    Onnx__AttributeProto__AttributeType type;
    int64_t min, max;
} attr_rules[] = {
    {"Constant", "value", ATTR(TENSOR), 0, 0},
    {"Pad", "value", ATTR(FLOAT), 0, 0},
    {NULL, "group", ATTR(INT), 1, TSU_IMP_MAX_ATTR},
    {NULL, "axis", ATTR(INT), -(TSU_MAX_DIMS + 1), TSU_MAX_DIMS},
    {NULL, "transA", ATTR(INT), 0, 1},
    {NULL, "transB", ATTR(INT), 0, 1},
    {NULL, "ceil_mode", ATTR(INT), 0, 1},
    {NULL, "count_include_pad", ATTR(INT), 0, 1},
    {NULL, "training_mode", ATTR(INT), 0, 1},
    {NULL, "kernel_shape", ATTR(INTS), 1, TSU_IMP_MAX_ATTR},
    {NULL, "strides", ATTR(INTS), 1, TSU_IMP_MAX_ATTR},
    {NULL, "dilations", ATTR(INTS), 1, TSU_IMP_MAX_ATTR},
    {NULL, "pads", ATTR(INTS), 0, TSU_IMP_MAX_ATTR},
    {NULL, "output_padding", ATTR(INTS), 0, TSU_IMP_MAX_ATTR},
    {NULL, "output_shape", ATTR(INTS), 1, TSU_IMP_MAX_ATTR},
    {NULL, "alpha", ATTR(FLOAT), 0, 0},
    {NULL, "beta", ATTR(FLOAT), 0, 0},
    {NULL, "epsilon", ATTR(FLOAT), 0, 0},
    {NULL, "momentum", ATTR(FLOAT), 0, 0},
    {NULL, "ratio", ATTR(FLOAT), 0, 0},
    {NULL, "auto_pad", ATTR(STRING), 0, 0},
    {NULL, "mode", ATTR(STRING), 0, 0},
    {NULL, "axes", ATTR(INTS), -(TSU_MAX_DIMS + 1), TSU_MAX_DIMS},
    {NULL, "keepdims", ATTR(INT), 0, 1},
    {NULL, "gamma", ATTR(FLOAT), 0, 0},
    {NULL, "coordinate_transformation_mode", ATTR(STRING), 0, 0},
    {NULL, "nearest_mode", ATTR(STRING), 0, 0},
};

static const char *attr_type_name(int type)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&onnx__attribute_proto__attribute_type__descriptor, type);
    return v ? v->name : _("an unknown type");
}

/* The type an attribute says it has, or (files before IR 2 leave it out)
 * the one its value shows. */
static int attr_type(const Onnx__AttributeProto *a)
{
    if (a->has_type) return a->type;
    if (a->has_i) return ATTR(INT);
    if (a->has_f) return ATTR(FLOAT);
    if (a->has_s) return ATTR(STRING);
    if (a->t) return ATTR(TENSOR);
    if (a->n_ints) return ATTR(INTS);
    if (a->n_floats) return ATTR(FLOATS);
    return ATTR(UNDEFINED);
}

static bool check_attribute(ictx *c, const char *node, const Onnx__AttributeProto *a)
{
    for (size_t r = 0; r < TSU_ARRAY_LEN(attr_rules); r++) {
        if (strcmp(a->name, attr_rules[r].name) ||
            (attr_rules[r].op && strcmp(c->node->op_type, attr_rules[r].op)))
            continue;
        int want = attr_rules[r].type, type = attr_type(a);
        bool present = want == ATTR(INT)      ? a->has_i
                       : want == ATTR(FLOAT)  ? a->has_f
                       : want == ATTR(STRING) ? a->has_s
                       : want == ATTR(TENSOR) ? a->t != NULL
                                              : true;
        if (type != want)
            return tsu_imp_malformed(c, node, _("attribute %s must be %s, the file has %s"), a->name,
                                     attr_type_name(want), attr_type_name(type));
        if (!present) return tsu_imp_malformed(c, node, _("attribute %s has no value"), a->name);
        if (want == ATTR(FLOAT) && !isfinite(a->f))
            return tsu_imp_malformed(c, node, _("attribute %s is %g"), a->name, (double)a->f);
        const int64_t *v = want == ATTR(INTS) ? a->ints : &a->i;
        size_t n = want == ATTR(INTS) ? a->n_ints : want == ATTR(INT);
        for (size_t i = 0; i < n; i++)
            if (v[i] < attr_rules[r].min || v[i] > attr_rules[r].max)
                return tsu_imp_malformed(c, node, _("attribute %s: %lld is outside [%lld, %lld]"), a->name,
                                         (long long)v[i], (long long)attr_rules[r].min,
                                         (long long)attr_rules[r].max);
    }
    return true;
}

enum { MAX_ATTRIBUTES = 64 };

/* One node's own fields; c->node is set, so messages name it. */
static bool check_node(ictx *c, const Onnx__NodeProto *n)
{
    const char *name = n->name && *n->name ? n->name : n->n_output ? n->output[0] : "";
    if (!n->n_output || !*n->output[0]) return tsu_imp_malformed(c, name, _("the node has no output"));
    size_t need = 1;
    for (size_t i = 0; i < TSU_ARRAY_LEN(min_inputs); i++)
        if (!strcmp(n->op_type, min_inputs[i].op)) need = min_inputs[i].inputs;
    if (n->n_input < need)
        return tsu_imp_malformed(c, name,
                                 ngettext_("%s needs %zu input, the node has %zu",
                                           "%s needs %zu inputs, the node has %zu", need),
                                 n->op_type, need, n->n_input);
    /* Far more than any operator has; names are compared pairwise below. */
    if (n->n_attribute > MAX_ATTRIBUTES)
        return tsu_imp_malformed(c, name, _("%zu attributes; no operator has more than %d"), n->n_attribute,
                                 MAX_ATTRIBUTES);
    for (size_t i = 0; i < n->n_attribute; i++) {
        const Onnx__AttributeProto *a = n->attribute[i];
        if (!a->name || !*a->name) return tsu_imp_malformed(c, name, _("attribute %zu has no name"), i);
        for (size_t k = 0; k < i; k++)
            if (n->attribute[k]->name && !strcmp(n->attribute[k]->name, a->name))
                return tsu_imp_malformed(c, name, _("attribute %s is given twice"), a->name);
        if (!check_attribute(c, name, a)) return false;
    }
    return true;
}

/* A name the graph defines: an initializer, a graph input or a node output. */
typedef struct {
    const char *name;
    int kind; /* 0 initializer, 1 graph input, 2 node output */
    size_t index;
} defined_name;

static int by_name(const void *a, const void *b)
{
    const defined_name *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    return d ? d : x->kind - y->kind;
}

static void describe(char *buf, size_t size, const defined_name *d)
{
    if (d->kind == 0) snprintf(buf, size, _("initializer %zu"), d->index);
    else if (d->kind == 1) snprintf(buf, size, _("graph input %zu"), d->index);
    else snprintf(buf, size, _("the output of node %zu"), d->index);
}

/* Each value is defined once; only an initializer may also be listed as a
 * graph input (IR < 4 lists them all there). Sorted, not searched pairwise,
 * so a large graph stays quick. */
static bool check_names_unique(ictx *c, const Onnx__GraphProto *g)
{
    size_t count = g->n_initializer + g->n_input, n = 0;
    for (size_t i = 0; i < g->n_node; i++) count += g->node[i]->n_output;
    defined_name *all = tsu_xcalloc(count + 1, sizeof *all);
    for (size_t i = 0; i < g->n_initializer; i++) all[n++] = (defined_name){g->initializer[i]->name, 0, i};
    for (size_t i = 0; i < g->n_input; i++) all[n++] = (defined_name){g->input[i]->name, 1, i};
    for (size_t i = 0; i < g->n_node; i++)
        for (size_t k = 0; k < g->node[i]->n_output; k++)
            if (*g->node[i]->output[k]) all[n++] = (defined_name){g->node[i]->output[k], 2, i};
    qsort(all, n, sizeof *all, by_name);
    bool ok = true;
    for (size_t i = 0; ok && i + 1 < n; i++) {
        if (strcmp(all[i].name, all[i + 1].name)) continue;
        bool listed_input = all[i].kind == 0 && all[i + 1].kind == 1 &&
                            (i + 2 == n || strcmp(all[i + 2].name, all[i].name));
        if (listed_input) {
            i++;
            continue;
        }
        char a[64], b[64];
        describe(a, sizeof a, &all[i]);
        describe(b, sizeof b, &all[i + 1]);
        ok = tsu_imp_malformed(c, "graph", _("the name \"%s\" is defined twice, by %s and by %s"),
                               all[i].name, a, b);
    }
    free(all);
    return ok;
}

/* Each shape question during import builds the graph so far, so the time
 * grows faster than the square of the node count: 2048 nodes (graph inputs
 * and outputs, which become Input and loss nodes, count), more than any
 * network drawn in the designer, still import within seconds. An Add
 * after MatMul counts the readers of a value over every node input, so
 * those are bounded too. */
enum { MAX_NODES = 2048, MAX_NODE_INPUTS = 16 * MAX_NODES };

static bool check_graph(ictx *c, const Onnx__GraphProto *g)
{
    char what[64];
    if (g->n_node + g->n_input + g->n_output > MAX_NODES)
        return tsu_imp_fail(c, "graph", _("%zu nodes, %zu inputs and %zu outputs; Tsumiki imports at most "
                              "%d in all"), g->n_node, g->n_input, g->n_output, MAX_NODES);
    size_t inputs = 0;
    for (size_t i = 0; i < g->n_node; i++) inputs += g->node[i]->n_input;
    if (inputs > MAX_NODE_INPUTS)
        return tsu_imp_fail(c, "graph", _("the nodes read %zu values in all; Tsumiki imports at most %d"),
                            inputs, MAX_NODE_INPUTS);
    for (size_t i = 0; i < g->n_initializer; i++) {
        snprintf(what, sizeof what, "initializer %zu", i);
        if (!g->initializer[i]->name || !*g->initializer[i]->name)
            return tsu_imp_malformed(c, what, _("the initializer has no name"));
        if (!tsu_imp_check_tensor(c, what, g->initializer[i])) return false;
    }
    for (size_t i = 0; i < g->n_input; i++)
        if (!g->input[i]->name || !*g->input[i]->name)
            return tsu_imp_malformed(c, "graph", _("input %zu has no name"), i);
    for (size_t i = 0; i < g->n_output; i++)
        if (!g->output[i]->name || !*g->output[i]->name)
            return tsu_imp_malformed(c, "graph", _("output %zu has no name"), i);
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        if (!n->op_type || !*n->op_type) {
            snprintf(what, sizeof what, "node %zu", i);
            return tsu_imp_malformed(c, what, _("the node has no op_type"));
        }
        c->node = n;
        c->node_index = i;
        bool ok = check_node(c, n);
        c->node = NULL;
        if (!ok) return false;
    }
    return check_names_unique(c, g);
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
            t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && t->tensor_type
                ? t->tensor_type->shape
                : NULL;
        char what[TSU_ID_MAX + 16];
        snprintf(what, sizeof what, _("graph input \"%s\""), vi->name);
        if (!s || s->n_dim < 2 || s->n_dim > TSU_MAX_DIMS + 1)
            return tsu_imp_fail(c, what, _("needs a known shape [N, ...] of 2 to %d axes"), TSU_MAX_DIMS + 1);
        if (t->tensor_type->has_elem_type && t->tensor_type->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
            return tsu_imp_fail(c, what, _("has elements of data type %d; Tsumiki's inputs are float (1)"),
                                (int)t->tensor_type->elem_type);
        struct json_object *shape = json_object_new_array();
        for (size_t d = 1; d < s->n_dim; d++) {
            const Onnx__TensorShapeProto__Dimension *dim = s->dim[d];
            if (dim->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
                dim->dim_value <= 0 || dim->dim_value > TSU_IMP_MAX_ATTR) {
                json_object_put(shape);
                return tsu_imp_fail(c, what, _("axis %zu has no fixed size from 1 to %d"), d, TSU_IMP_MAX_ATTR);
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
    return count > 0 || tsu_imp_fail(c, "graph", _("the model has no inputs"));
}

/* The losses: those our own export stored, else the seed's rule of thumb.
 * A stored node that is not a loss reading one imported node is ignored;
 * the params of one that is are the graph build's to check. */
static void add_losses(ictx *c, const Onnx__GraphProto *g)
{
    struct json_object *nodes = c->stored ? tsu_project_nodes(c->stored) : NULL;
    bool restored = false;
    for (size_t i = 0; nodes && i < json_object_array_length(nodes); i++) {
        struct json_object *o = json_object_array_get_idx(nodes, i), *inputs;
        const char *type = string_member(o, "type"), *id = string_member(o, "id");
        const tsu_layer_kind *kind = type ? tsu_layer_kind_find(type) : NULL;
        if (!kind || !tsu_layer_kind_is_loss(kind) || !id ||
            !json_object_object_get_ex(o, "inputs", &inputs) ||
            !json_object_is_type(inputs, json_type_array) || json_object_array_length(inputs) != 1)
            continue;
        struct json_object *in = json_object_array_get_idx(inputs, 0);
        const char *src = json_object_is_type(in, json_type_string) ? json_object_get_string(in) : NULL;
        if (!src || !tsu_project_find_node(c->project, src) || tsu_project_find_node(c->project, id))
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
            st = tsu_diag_add_at(c->diag, TSU_E_FORMAT, c->path, 0, 0, _("no values for %s"), t->name);
        else if (w->size != t->size)
            st = tsu_diag_add_at(c->diag, TSU_E_SHAPE, c->path, 0, 0,
                                 _("%s has %zu values, the layer needs %zu"), t->name, w->size, t->size);
        else
            memcpy(t->data, w->data, t->size * sizeof(float));
    }
    if (st == TSU_OK) st = tsu_net_save_safetensors(net, path, c->diag);
    tsu_net_free(net);
    return st;
}

/* protobuf-c unpacks nested messages by recursion without a depth limit,
 * so a few megabytes of subgraphs nested in attributes overflow the stack.
 * This walk over the same descriptors, bounded, runs first. Where the wire
 * format is broken it stops and leaves the error to the unpacker. */
enum { MAX_NESTING = 64 };

static bool read_varint(const uint8_t *p, size_t len, size_t *at, uint64_t *out)
{
    *out = 0;
    for (int shift = 0; shift < 64 && *at < len; shift += 7) {
        uint8_t b = p[(*at)++];
        *out |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

static bool nesting_ok(const uint8_t *p, size_t len, const ProtobufCMessageDescriptor *d, int depth)
{
    if (depth > MAX_NESTING) return false;
    for (size_t at = 0; at < len;) {
        uint64_t key, size;
        if (!read_varint(p, len, &at, &key)) return true;
        switch (key & 7) {
        case 0:
            if (!read_varint(p, len, &at, &size)) return true;
            break;
        case 1: at += 8; break;
        case 5: at += 4; break;
        case 2: {
            if (!read_varint(p, len, &at, &size) || size > len - at) return true;
            const ProtobufCFieldDescriptor *f =
                key >> 3 <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3)) : NULL;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
                !nesting_ok(p + at, (size_t)size, f->descriptor, depth + 1))
                return false;
            at += (size_t)size;
            break;
        }
        default: return true; /* groups and invalid wire types: the unpacker refuses them */
        }
    }
    return true;
}

static Onnx__ModelProto *read_model(const char *path, tsu_diag *diag)
{
    size_t length = 0;
    unsigned char *data = tsu_read_file(path, TSU_READ_FILE_LIMIT, &length, diag);
    if (!data) return NULL;
    Onnx__ModelProto *m = NULL;
    if (length == 0)
        tsu_diag_add_at(diag, TSU_E_FORMAT, path, 0, 0, _("not an ONNX model: the file is empty"));
    else if (!nesting_ok(data, length, &onnx__model_proto__descriptor, 0))
        tsu_diag_add_at(diag, TSU_E_FORMAT, path, 0, 0,
                        _("not an ONNX model Tsumiki reads: messages nested more than %d deep"),
                        MAX_NESTING);
    else if (!(m = onnx__model_proto__unpack(NULL, length, data)))
        tsu_diag_add_at(diag, TSU_E_FORMAT, path, 0, 0, _("not an ONNX model (protobuf did not parse)"));
    else if (!m->graph) {
        tsu_diag_add_at(diag, TSU_E_FORMAT, path, 0, 0, _("not an ONNX model: it has no graph"));
        onnx__model_proto__free_unpacked(m, NULL);
        m = NULL;
    }
    free(data);
    return m;
}

/* The project our own export embedded. Only its name, dataset and training
 * objects, losses, positions and dataset variables are used, each checked
 * for its type: the file may come from anywhere. */
static void restore_settings(ictx *c, const Onnx__ModelProto *m)
{
    for (size_t i = 0; i < m->n_metadata_props; i++) {
        const Onnx__StringStringEntryProto *e = m->metadata_props[i];
        if (!e->key || strcmp(e->key, "tsumiki.project") || !e->value) continue;
        tsu_diag quiet;
        tsu_diag_init(&quiet);
        tsu_project_free(c->stored); /* the last one counts, as in a protobuf map */
        c->stored = tsu_project_parse(e->value, strlen(e->value), "tsumiki.project", &quiet);
        tsu_diag_free(&quiet);
    }
    if (!c->stored) return;
    static const struct {
        const char *key;
        json_type type;
    } keys[] = {{"name", json_type_string}, {"dataset", json_type_object}, {"training", json_type_object}};
    for (size_t k = 0; k < TSU_ARRAY_LEN(keys); k++) {
        struct json_object *v, *copy = NULL;
        if (!json_object_object_get_ex(tsu_project_root(c->stored), keys[k].key, &v)) continue;
        if (!json_object_is_type(v, keys[k].type))
            tsu_imp_malformed(c, "metadata tsumiki.project", _("\"%s\" must be a JSON %s"), keys[k].key,
                              json_type_to_name(keys[k].type));
        else if (json_object_deep_copy(v, &copy, NULL) == 0)
            json_object_object_add(tsu_project_root(c->project), keys[k].key, copy);
    }
}

/* The project as the file will hold it must read back: the text parses,
 * the graph builds clean, the training settings read. Checked before any
 * weights are written. */
static bool reads_back(ictx *c)
{
    char *text = tsu_project_to_string(c->project);
    tsu_project *back = tsu_project_parse(text, strlen(text), c->path, c->diag);
    free(text);
    if (!back) return false;
    tsu_diag found;
    tsu_diag_init(&found);
    tsu_graph *graph = tsu_graph_build(back, &found);
    tsu_train_config config;
    tsu_train_config_read(back, &config, &found);
    /* These messages name a node or key of the project: say where it came from. */
    for (int i = 0; i < found.count; i++)
        tsu_diag_add_at(c->diag, found.items[i].code, c->path, 0, 0, _("the imported project: %s"),
                        found.items[i].message);
    bool ok = found.count == 0 && tsu_graph_valid(graph);
    tsu_diag_free(&found);
    tsu_graph_free(graph);
    tsu_project_free(back);
    return ok;
}

/* Every operator we cannot take, so the user sees the whole list at once. */
static void list_unsupported(ictx *c, const Onnx__GraphProto *g)
{
    const char **ops = tsu_xcalloc(g->n_node + 1, sizeof *ops);
    int *counts = tsu_xcalloc(g->n_node + 1, sizeof *counts), n_ops = 0;
    for (size_t i = 0; i < g->n_node; i++)
        if (!is_supported(g->node[i]->op_type) ||
            (g->node[i]->domain && *g->node[i]->domain && strcmp(g->node[i]->domain, "ai.onnx")))
            note_unsupported(c, g->node[i]->op_type, counts, ops, &n_ops);
    if (n_ops) {
        tsu_xbuf list = {0};
        for (int i = 0; i < n_ops; i++) tsu_xbuf_printf(&list, "%s%s (%d)", i ? ", " : "", ops[i], counts[i]);
        tsu_xbuf known = {0};
        for (int i = 0; supported_ops[i]; i++) tsu_xbuf_printf(&known, "%s%s", i ? ", " : "", supported_ops[i]);
        tsu_diag_add_at(c->diag, TSU_E_UNSUPPORTED, c->path, 0, 0,
                        _("unsupported ONNX operators: %s. Tsumiki imports: %s"), list.data, known.data);
        tsu_xbuf_free(&list);
        tsu_xbuf_free(&known);
        c->failed = true;
    }
    free(ops);
    free(counts);
}

static bool import_constant(ictx *c, const Onnx__NodeProto *n)
{
    const Onnx__AttributeProto *a = tsu_imp_attr(n, "value");
    if (!a || !a->t)
        return tsu_imp_fail(c, c->node_name, _("Constant is imported from a tensor \"value\" only"));
    if (!tsu_imp_check_tensor(c, c->node_name, a->t)) return false;
    tsu_imp_add_value(c, n->output[0])->constant = a->t;
    return true;
}

/* Outputs must be real nodes (a graph ending in Flatten keeps it). */
static void check_outputs(ictx *c, const Onnx__GraphProto *g)
{
    for (size_t i = 0; !c->failed && i < g->n_output; i++) {
        ivalue *v = tsu_imp_find_value(c, g->output[i]->name);
        if (v && v->flat_of) {
            Onnx__NodeProto fake = ONNX__NODE_PROTO__INIT;
            fake.name = g->output[i]->name;
            fake.n_input = 1;
            char *in = g->output[i]->name;
            fake.input = &in;
            tsu_imp_input_node(c, &fake, 0);
        } else if (!v || !v->node) {
            char what[TSU_ID_MAX + 16];
            snprintf(what, sizeof what, _("graph output \"%s\""), g->output[i]->name);
            tsu_imp_fail(c, what, _("not computed by a supported node"));
        }
    }
}

static tsu_project *tsu_import_onnx_body(const char *path, const char *weights_path, tsu_diag *diag)
{
    Onnx__ModelProto *m = read_model(path, diag);
    if (!m) return NULL;
    ictx c = {.path = path, .diag = diag, .opset = 13};
    for (size_t i = 0; i < m->n_opset_import; i++)
        if (!m->opset_import[i]->domain || !*m->opset_import[i]->domain)
            c.opset = (int)(m->opset_import[i]->version < 0      ? 0
                            : m->opset_import[i]->version > 1000 ? 1000
                                                                 : m->opset_import[i]->version);
    const Onnx__GraphProto *g = m->graph;
    c.graph = g;
    c.project = tsu_project_new(g->name && *g->name ? g->name : "Imported ONNX model");

    check_graph(&c, g);
    if (!c.failed) restore_settings(&c, m);
    if (!c.failed) list_unsupported(&c, g);
    for (size_t i = 0; !c.failed && i < g->n_initializer; i++)
        tsu_imp_add_value(&c, g->initializer[i]->name)->constant = g->initializer[i];
    if (!c.failed) import_inputs(&c, g);
    for (size_t i = 0; !c.failed && i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        c.node = n;
        c.node_index = i;
        c.node_name = n->name && *n->name ? n->name : n->output[0];
        if (!strcmp(n->op_type, "Constant")) import_constant(&c, n);
        else tsu_imp_import_node(&c, n);
    }
    c.node = NULL;
    check_outputs(&c, g);
    if (!c.failed) add_losses(&c, g);

    tsu_project *result = NULL;
    if (!c.failed && reads_back(&c)) {
        tsu_graph *graph = tsu_graph_build(c.project, diag);
        if (graph && tsu_graph_valid(graph) &&
            (!weights_path || save_weights(&c, graph, weights_path) == TSU_OK))
            result = c.project;
        tsu_graph_free(graph);
    }
    if (!result) tsu_project_free(c.project);
    tsu_project_free(c.stored);
    for (int i = 0; i < c.n_weights; i++) free(c.weights[i].data);
    for (int i = 0; i < c.n_strings; i++) free(c.strings[i]);
    free(c.weights);
    free(c.values);
    free(c.index);
    free(c.strings);
    onnx__model_proto__free_unpacked(m, NULL);
    return result;
}

tsu_project *tsu_import_onnx(const char *path, const char *weights_path, tsu_diag *diag)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_project * result = tsu_import_onnx_body(path, weights_path, diag);
    tsu_c_numeric_end(&scope);
    return result;
}
