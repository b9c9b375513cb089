/* graph.c — from a project document to a validated graph: ids, types,
 * inputs, parameters, cycles, topological order and shape inference.
 * Every problem is collected, none stops the others from being found. */
#include "tsu-internal.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

bool tsu_node_fail(tsu_node *node, tsu_diag *diag, tsu_status code, const char *param,
                   const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    node->valid = false;
    tsu_diag_add(diag, code, node->id, param, "%s", message);
    return false;
}

void tsu_node_add_tensor(tsu_node *node, const char *name, const tsu_shape *shape, bool trainable)
{
    tsu_assert(node->n_tensors < TSU_MAX_TENSORS);
    tsu_tensor_info *t = &node->tensors[node->n_tensors++];
    t->name = name;
    t->shape = *shape;
    t->trainable = trainable;
}

static struct json_object *member(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

/* id and type of one node object; the node keeps a usable id for messages
 * even when the file's is missing or bad ("network.nodes[3]"). */
static void read_identity(tsu_node *node, struct json_object *obj, tsu_diag *diag)
{
    char where[40];
    snprintf(where, sizeof where, "network.nodes[%d]", node->doc_index);
    struct json_object *id = member(obj, "id");
    if (!id || !json_object_is_type(id, json_type_string)) {
        node->id = tsu_xstrdup(where);
        tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("node has no \"id\" string"));
    } else if (!tsu_id_valid(json_object_get_string(id))) {
        node->id = tsu_xstrdup(where);
        tsu_node_fail(node, diag, TSU_E_GRAPH, NULL,
                      _("id \"%s\" is not a valid name (letters, digits and _, not starting "
                        "with a digit, at most %d characters)"),
                      json_object_get_string(id), TSU_ID_MAX - 1);
    } else {
        node->id = tsu_xstrdup(json_object_get_string(id));
    }
    struct json_object *type = member(obj, "type");
    if (!type || !json_object_is_type(type, json_type_string)) {
        node->type = tsu_xstrdup("");
        tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("node has no \"type\" string"));
        return;
    }
    node->type = tsu_xstrdup(json_object_get_string(type));
    node->kind = tsu_layer_kind_find(node->type);
    if (!node->kind) {
        const char *near = tsu_layer_kind_suggest(node->type);
        if (near)
            tsu_node_fail(node, diag, TSU_E_GRAPH, NULL,
                          _("unknown layer type \"%s\" (did you mean \"%s\"?)"), node->type, near);
        else
            tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("unknown layer type \"%s\""),
                          node->type);
    }
}

static void read_input_ids(tsu_node *node, struct json_object *obj, tsu_diag *diag)
{
    struct json_object *inputs = member(obj, "inputs");
    if (!inputs) return;
    if (!json_object_is_type(inputs, json_type_array)) {
        tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("\"inputs\" must be a list of node ids"));
        return;
    }
    int n = (int)json_object_array_length(inputs);
    node->input_ids = tsu_xcalloc((size_t)n, sizeof *node->input_ids);
    node->inputs = tsu_xcalloc((size_t)n, sizeof *node->inputs);
    for (int i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(inputs, (size_t)i);
        if (!json_object_is_type(e, json_type_string)) {
            tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("inputs[%d] must be a node id string"),
                          i);
            continue;
        }
        node->input_ids[node->n_inputs++] = tsu_xstrdup(json_object_get_string(e));
    }
}

static void check_input_count(tsu_node *node, tsu_diag *diag)
{
    const tsu_layer_kind *k = node->kind;
    int n = node->n_inputs;
    if (k->max_inputs == k->min_inputs && n != k->min_inputs) {
        if (k->min_inputs == 0)
            tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("%s takes no inputs, got %d"), k->name, n);
        else
            tsu_node_fail(node, diag, TSU_E_GRAPH, NULL,
                          ngettext_("%s takes %d input, got %d", "%s takes %d inputs, got %d",
                                    (unsigned long)k->min_inputs),
                          k->name, k->min_inputs, n);
    } else if (n < k->min_inputs) {
        tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("%s takes at least %d inputs, got %d"),
                      k->name, k->min_inputs, n);
    } else if (k->max_inputs >= 0 && n > k->max_inputs) {
        tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("%s takes at most %d inputs, got %d"),
                      k->name, k->max_inputs, n);
    }
}

static tsu_node *find_by_id(tsu_graph *g, const char *id, int limit)
{
    for (int i = 0; i < limit; i++)
        if (g->nodes[i].id && strcmp(g->nodes[i].id, id) == 0) return &g->nodes[i];
    return NULL;
}

static void resolve_inputs(tsu_graph *g, tsu_diag *diag)
{
    for (int i = 0; i < g->n_nodes; i++) {
        tsu_node *node = &g->nodes[i];
        for (int j = 0; j < node->n_inputs; j++) {
            node->inputs[j] = find_by_id(g, node->input_ids[j], g->n_nodes);
            if (!node->inputs[j])
                tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("input \"%s\" names no node"),
                              node->input_ids[j]);
            else if (node->inputs[j] == node)
                tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("node lists itself as an input"));
        }
    }
}

static void check_duplicate_ids(tsu_graph *g, tsu_diag *diag)
{
    for (int i = 0; i < g->n_nodes; i++) {
        tsu_node *first = find_by_id(g, g->nodes[i].id, i);
        if (first)
            tsu_node_fail(&g->nodes[i], diag, TSU_E_GRAPH, NULL,
                          _("duplicate id: network.nodes[%d] and network.nodes[%d] are both \"%s\""),
                          first->doc_index, i, g->nodes[i].id);
    }
}

/* Names one cycle among the nodes Kahn's algorithm could not order, by
 * walking inputs until a node repeats. */
static void report_cycle(tsu_graph *g, const bool *ordered, tsu_diag *diag)
{
    tsu_node *start = NULL;
    for (int i = 0; i < g->n_nodes && !start; i++)
        if (!ordered[i]) start = &g->nodes[i];
    int *seen_at = tsu_xcalloc((size_t)g->n_nodes, sizeof *seen_at);
    tsu_node **path = tsu_xcalloc((size_t)g->n_nodes + 1, sizeof *path);
    int len = 0;
    tsu_node *cur = start;
    while (cur && !seen_at[cur - g->nodes]) {
        path[len++] = cur;
        seen_at[cur - g->nodes] = len;
        tsu_node *next = NULL;
        for (int j = 0; j < cur->n_inputs && !next; j++)
            if (cur->inputs[j] && !ordered[cur->inputs[j] - g->nodes]) next = cur->inputs[j];
        cur = next;
    }
    if (cur) {
        /* path[from .. len) is the cycle, walked against the links; name it
         * along the data flow, starting where the walk started. */
        char text[480] = "";
        size_t used = 0;
        int from = seen_at[cur - g->nodes] - 1;
        used += (size_t)snprintf(text, sizeof text, "%s", path[from]->id);
        for (int i = len - 1; i > from && used < sizeof text; i--)
            used += (size_t)snprintf(text + used, sizeof text - used, " -> %s", path[i]->id);
        if (used < sizeof text)
            snprintf(text + used, sizeof text - used, " -> %s", path[from]->id);
        for (int i = from; i < len; i++) path[i]->valid = false;
        tsu_diag_add(diag, TSU_E_GRAPH, cur->id, NULL, _("the graph has a cycle: %s"), text);
    }
    free(seen_at);
    free(path);
}

static void order_topologically(tsu_graph *g, tsu_diag *diag)
{
    int n = g->n_nodes, placed = 0;
    bool *ordered = tsu_xcalloc((size_t)n, sizeof *ordered);
    g->order = tsu_xcalloc((size_t)n, sizeof *g->order);
    /* Repeated passes in document order keep the order stable and readable;
     * graphs are small (hundreds of nodes), so O(n^2) is fine. */
    bool progress = true;
    while (placed < n && progress) {
        progress = false;
        for (int i = 0; i < n; i++) {
            if (ordered[i]) continue;
            tsu_node *node = &g->nodes[i];
            bool ready = true;
            for (int j = 0; j < node->n_inputs && ready; j++)
                if (node->inputs[j] && !ordered[node->inputs[j] - g->nodes]) ready = false;
            if (!ready) continue;
            ordered[i] = true;
            g->order[placed++] = node;
            progress = true;
        }
    }
    if (placed < n) {
        report_cycle(g, ordered, diag);
        for (int i = 0; i < n; i++)
            if (!ordered[i]) {
                g->nodes[i].valid = false;
                g->order[placed++] = &g->nodes[i];
            }
    }
    for (int i = 0; i < n; i++) g->order[i]->topo_index = i;
    free(ordered);
}

/* Every count the engine computes from a shape (buffers, loops, exported
 * int32 dimensions) fits once each output and parameter tensor holds at
 * most TSU_MAX_ELEMENTS values: checked here once, after each layer's
 * infer, rather than in every layer. */
static bool check_sizes(tsu_node *node, tsu_diag *diag)
{
    char text[96];
    bool negative = false;
    for (int d = 0; d < node->shape.ndim; d++) negative |= node->shape.d[d] < 0;
    if (negative || tsu_shape_size(&node->shape) > TSU_MAX_ELEMENTS) {
        tsu_shape_format_list(&node->shape, text, sizeof text);
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                             negative ? _("output shape %s has a negative dimension (more than "
                                          "%d values along it?)")
                                      : _("output shape %s has more than %d values per sample"),
                             text, TSU_MAX_ELEMENTS);
    }
    for (int k = 0; k < node->n_tensors; k++) {
        const tsu_tensor_info *t = &node->tensors[k];
        if (tsu_shape_size(&t->shape) <= TSU_MAX_ELEMENTS) continue;
        tsu_shape_format_list(&t->shape, text, sizeof text);
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                             _("parameter %s of shape %s has more than %d values"), t->name, text,
                             TSU_MAX_ELEMENTS);
    }
    return true;
}

static void infer_shapes(tsu_graph *g, tsu_diag *diag)
{
    for (int i = 0; i < g->n_nodes; i++) {
        tsu_node *node = g->order[i];
        if (!node->kind || !node->valid || !node->kind->infer) continue;
        bool inputs_known = true;
        for (int j = 0; j < node->n_inputs; j++)
            if (!node->inputs[j] || !node->inputs[j]->has_shape) inputs_known = false;
        if (!inputs_known) continue;
        node->n_tensors = 0;
        if (node->kind->infer(node, diag) && check_sizes(node, diag)) node->has_shape = true;
    }
}

tsu_graph *tsu_graph_build(const tsu_project *project, tsu_diag *diag)
{
    tsu_graph *g = tsu_xcalloc(1, sizeof *g);
    struct json_object *nodes = tsu_project_nodes(project);
    g->n_nodes = (int)json_object_array_length(nodes);
    g->nodes = tsu_xcalloc((size_t)g->n_nodes, sizeof *g->nodes);
    for (int i = 0; i < g->n_nodes; i++) {
        tsu_node *node = &g->nodes[i];
        struct json_object *obj = json_object_array_get_idx(nodes, (size_t)i);
        node->doc_index = i;
        node->valid = true;
        node->repeat = 1;
        if (!json_object_is_type(obj, json_type_object)) {
            char id[40];
            snprintf(id, sizeof id, "network.nodes[%d]", i);
            node->id = tsu_xstrdup(id);
            node->type = tsu_xstrdup("");
            tsu_node_fail(node, diag, TSU_E_GRAPH, NULL, _("a node must be a JSON object"));
            continue;
        }
        read_identity(node, obj, diag);
        read_input_ids(node, obj, diag);
        if (!node->kind) continue;
        check_input_count(node, diag);
        tsu_node_read_params(node, member(obj, "params"), diag);
    }
    check_duplicate_ids(g, diag);
    resolve_inputs(g, diag);
    order_topologically(g, diag);
    infer_shapes(g, diag);
    tsu_graph_blocks(g, diag);
    g->valid = true;
    for (int i = 0; i < g->n_nodes; i++)
        if (!g->nodes[i].valid) g->valid = false;
    return g;
}

void tsu_graph_free(tsu_graph *graph)
{
    if (!graph) return;
    tsu_graph_free(graph->unrolled);
    for (int i = 0; i < graph->n_nodes; i++) {
        tsu_node *node = &graph->nodes[i];
        if (node->borrowed) {
            free(node->inputs);
            free(node->id);
            continue;
        }
        for (int j = 0; j < node->n_inputs; j++) free(node->input_ids[j]);
        if (node->kind && node->value_strings)
            for (int j = 0; j < node->kind->n_params; j++) free(node->value_strings[j]);
        free(node->input_ids);
        free(node->inputs);
        free(node->values);
        free(node->value_strings);
        free(node->id);
        free(node->type);
    }
    free(graph->nodes);
    free(graph->order);
    free(graph);
}

bool tsu_graph_valid(const tsu_graph *graph) { return graph->valid; }
int tsu_graph_node_count(const tsu_graph *graph) { return graph->n_nodes; }

bool tsu_graph_has_loss(const tsu_graph *graph)
{
    for (int i = 0; i < graph->n_nodes; i++)
        if (graph->nodes[i].kind && (graph->nodes[i].kind->flags & TSU_KIND_LOSS)) return true;
    return false;
}

const tsu_node *tsu_graph_node(const tsu_graph *graph, int index)
{
    if (index < 0 || index >= graph->n_nodes) return NULL;
    return graph->order[index];
}

const tsu_node *tsu_graph_find(const tsu_graph *graph, const char *id)
{
    return find_by_id((tsu_graph *)graph, id, graph->n_nodes);
}

const char *tsu_node_id(const tsu_node *node) { return node->id; }
const char *tsu_node_type(const tsu_node *node) { return node->type; }
const tsu_layer_kind *tsu_node_kind(const tsu_node *node) { return node->kind; }
int tsu_node_doc_index(const tsu_node *node) { return node->doc_index; }
bool tsu_node_valid(const tsu_node *node) { return node->valid; }
bool tsu_node_has_shape(const tsu_node *node) { return node->has_shape; }
const tsu_shape *tsu_node_shape(const tsu_node *node) { return &node->shape; }
int tsu_node_input_count(const tsu_node *node) { return node->n_inputs; }
int tsu_node_repeat(const tsu_node *node) { return node->repeat; }

const tsu_node *tsu_node_input(const tsu_node *node, int index)
{
    if (index < 0 || index >= node->n_inputs) return NULL;
    return node->inputs[index];
}

const tsu_value *tsu_node_param(const tsu_node *node, const char *name)
{
    if (!node->kind || !node->values) return NULL;
    for (int i = 0; i < node->kind->n_params; i++)
        if (strcmp(node->kind->params[i].name, name) == 0) return &node->values[i];
    return NULL;
}

int tsu_node_tensor_count(const tsu_node *node) { return node->has_shape ? node->n_tensors : 0; }

const tsu_tensor_info *tsu_node_tensor(const tsu_node *node, int index)
{
    if (index < 0 || index >= tsu_node_tensor_count(node)) return NULL;
    return &node->tensors[index];
}
