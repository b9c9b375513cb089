/* document.c — typed edits of the project's network (tsumiki-document.h).
 *
 * The project stays the json-c tree it was read from, so keys this version
 * does not know survive; this file is the one place that turns typed edits
 * into changes of that tree, in the node key order the file format shows
 * (id, type, inputs, params, position, then anything else), and tells the
 * observer what changed. */
#include "tsu-internal.h"
#include "tsu-i18n.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>

static const char *const canonical_keys[] = {"id", "type", "inputs", "params", "position"};

/* ------------------------------------------------------------ helpers */

static struct json_object *member(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    return json_object_is_type(obj, json_type_object) && json_object_object_get_ex(obj, key, &v)
               ? v
               : NULL;
}

static const char *string_member(struct json_object *obj, const char *key)
{
    struct json_object *v = member(obj, key);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static struct json_object *node_at(const tsu_project *project, int index)
{
    struct json_object *nodes = tsu_project_nodes(project);
    if (index < 0 || (size_t)index >= json_object_array_length(nodes)) return NULL;
    struct json_object *node = json_object_array_get_idx(nodes, (size_t)index);
    return json_object_is_type(node, json_type_object) ? node : NULL;
}

static struct json_object *inputs_of(struct json_object *node)
{
    struct json_object *inputs = member(node, "inputs");
    return json_object_is_type(inputs, json_type_array) ? inputs : NULL;
}

static void notify(tsu_project *project, tsu_change_kind kind, const char *node,
                   const char *old_node, const char *section)
{
    tsu_change change = {kind, node, old_node, section};
    tsu_project_notify(project, &change);
}

static bool is_canonical_key(const char *key)
{
    for (size_t i = 0; i < TSU_ARRAY_LEN(canonical_keys); i++)
        if (strcmp(key, canonical_keys[i]) == 0) return true;
    return false;
}

/* Sets node[key] = value (taking it). json-c replaces an existing member in
 * place; a new known key makes the node be rebuilt in the canonical order
 * whatever order the edits came in. Returns the node object now in place. */
static struct json_object *set_member(tsu_project *project, int index, const char *key,
                                      struct json_object *value)
{
    struct json_object *nodes = tsu_project_nodes(project);
    struct json_object *node = json_object_array_get_idx(nodes, (size_t)index);
    if (json_object_object_get_ex(node, key, NULL) || !is_canonical_key(key)) {
        json_object_object_add(node, key, value);
        return node;
    }
    struct json_object *rebuilt = json_object_new_object();
    for (size_t i = 0; i < TSU_ARRAY_LEN(canonical_keys); i++) {
        struct json_object *existing = NULL;
        if (strcmp(canonical_keys[i], key) == 0)
            json_object_object_add(rebuilt, key, value);
        else if (json_object_object_get_ex(node, canonical_keys[i], &existing))
            json_object_object_add(rebuilt, canonical_keys[i], json_object_get(existing));
    }
    json_object_object_foreach(node, other_key, other_value) {
        if (!is_canonical_key(other_key))
            json_object_object_add(rebuilt, other_key, json_object_get(other_value));
    }
    json_object_array_put_idx(nodes, (size_t)index, rebuilt);
    return rebuilt;
}

/* The node an edit names: its index, or -1 with a message. */
static int edited_node(const tsu_project *project, const char *id, tsu_diag *diag)
{
    int index = id ? tsu_project_node_find(project, id) : -1;
    if (index < 0 || !node_at(project, index))
        tsu_diag_add(diag, TSU_E_GRAPH, NULL, NULL, _("no node is called \"%s\""), id ? id : "");
    return node_at(project, index) ? index : -1;
}

static tsu_status invalid_id(tsu_diag *diag, const char *id)
{
    return tsu_diag_add(diag, TSU_E_GRAPH, NULL, NULL,
                        _("id \"%s\" is not a valid name (letters, digits and _, not starting "
                          "with a digit, at most %d characters)"),
                        id ? id : "", TSU_ID_MAX - 1);
}

/* ---------------------------------------------------------------- ids */

bool tsu_id_valid(const char *id)
{
    if (!id || !((id[0] >= 'A' && id[0] <= 'Z') || (id[0] >= 'a' && id[0] <= 'z') || id[0] == '_'))
        return false;
    size_t n = 0;
    for (const char *c = id; *c; c++, n++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            return false;
    return n < TSU_ID_MAX;
}

tsu_status tsu_project_check_id(const tsu_project *project, const char *old_id,
                                const char *new_id, tsu_diag *diag)
{
    if (!tsu_id_valid(new_id)) return invalid_id(diag, new_id);
    if ((!old_id || strcmp(old_id, new_id) != 0) && tsu_project_node_find(project, new_id) >= 0)
        return tsu_diag_add(diag, TSU_E_GRAPH, NULL, NULL, _("another node is already called \"%s\""),
                            new_id);
    return TSU_OK;
}

/* ------------------------------------------------------------ reading */

int tsu_project_node_count(const tsu_project *project)
{
    return (int)json_object_array_length(tsu_project_nodes(project));
}

int tsu_project_node_find(const tsu_project *project, const char *id)
{
    int n = tsu_project_node_count(project);
    for (int i = 0; id && i < n; i++) {
        const char *nid = string_member(node_at(project, i), "id");
        if (nid && strcmp(nid, id) == 0) return i;
    }
    return -1;
}

const char *tsu_project_node_id(const tsu_project *project, int index)
{
    return string_member(node_at(project, index), "id");
}

const char *tsu_project_node_type(const tsu_project *project, int index)
{
    return string_member(node_at(project, index), "type");
}

int tsu_project_node_input_count(const tsu_project *project, int index)
{
    struct json_object *inputs = inputs_of(node_at(project, index));
    return inputs ? (int)json_object_array_length(inputs) : 0;
}

const char *tsu_project_node_input(const tsu_project *project, int index, int k)
{
    struct json_object *inputs = inputs_of(node_at(project, index));
    if (!inputs || k < 0 || (size_t)k >= json_object_array_length(inputs)) return NULL;
    struct json_object *e = json_object_array_get_idx(inputs, (size_t)k);
    return json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
}

static bool is_number(struct json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

bool tsu_project_node_position(const tsu_project *project, int index, double *x, double *y)
{
    struct json_object *position = member(node_at(project, index), "position");
    if (!json_object_is_type(position, json_type_array) || json_object_array_length(position) < 2)
        return false;
    struct json_object *jx = json_object_array_get_idx(position, 0);
    struct json_object *jy = json_object_array_get_idx(position, 1);
    if (!is_number(jx) || !is_number(jy)) return false;
    double vx = json_object_get_double(jx), vy = json_object_get_double(jy);
    if (!isfinite(vx) || !isfinite(vy)) return false;
    *x = vx;
    *y = vy;
    return true;
}

static bool read_int(struct json_object *v, int *out)
{
    if (!is_number(v)) return false;
    double d = json_object_get_double(v);
    if (!(d == floor(d) && fabs(d) < 2e9)) return false;
    *out = (int)d;
    return true;
}

/* The value by its JSON type only: bounds and counts are the graph check's. */
static bool read_lenient(const tsu_param_desc *desc, struct json_object *v, tsu_value *out)
{
    switch (desc->type) {
    case TSU_PARAM_INT:
        out->n = 1;
        return read_int(v, &out->ints[0]);
    case TSU_PARAM_FLOAT:
        if (!is_number(v)) return false;
        out->number = json_object_get_double(v);
        return true;
    case TSU_PARAM_BOOL:
        if (!json_object_is_type(v, json_type_boolean)) return false;
        out->boolean = json_object_get_boolean(v);
        return true;
    case TSU_PARAM_INTS:
        if (!json_object_is_type(v, json_type_array)) {
            out->n = 1;
            return read_int(v, &out->ints[0]);
        }
        out->n = (int)json_object_array_length(v);
        if (out->n < 1 || out->n > TSU_MAX_DIMS) return false;
        for (int i = 0; i < out->n; i++)
            if (!read_int(json_object_array_get_idx(v, (size_t)i), &out->ints[i])) return false;
        return true;
    case TSU_PARAM_STRING:
        if (!json_object_is_type(v, json_type_string)) return false;
        out->string = json_object_get_string(v);
        return true;
    }
    return false;
}

static const tsu_param_desc *twin_of(const tsu_project *project, int index,
                                     const tsu_param_desc *desc)
{
    const char *type = tsu_project_node_type(project, index);
    const tsu_layer_kind *kind = type ? tsu_layer_kind_find(type) : NULL;
    return desc->same_as && kind ? tsu_layer_kind_param_find(kind, desc->same_as) : NULL;
}

tsu_param_source tsu_project_node_param(const tsu_project *project, int index,
                                        const tsu_param_desc *desc, tsu_value *out)
{
    struct json_object *v = member(member(node_at(project, index), "params"), desc->name);
    *out = desc->def;
    if (!v) {
        const tsu_param_desc *twin = twin_of(project, index, desc);
        if (twin && tsu_project_node_param(project, index, twin, out) == TSU_VALUE_MISTYPED)
            *out = desc->def;
        return TSU_VALUE_DEFAULT;
    }
    tsu_value read = desc->def;
    if (!read_lenient(desc, v, &read)) return TSU_VALUE_MISTYPED;
    *out = read;
    return TSU_VALUE_GIVEN;
}

bool tsu_value_equal(const tsu_param_desc *desc, const tsu_value *a, const tsu_value *b)
{
    switch (desc->type) {
    case TSU_PARAM_INT: return a->ints[0] == b->ints[0];
    case TSU_PARAM_FLOAT: return a->number == b->number;
    case TSU_PARAM_BOOL: return a->boolean == b->boolean;
    case TSU_PARAM_STRING: return a->string && b->string && strcmp(a->string, b->string) == 0;
    case TSU_PARAM_INTS:
        if (a->n != b->n) return false;
        for (int i = 0; i < a->n && i < TSU_MAX_DIMS; i++)
            if (a->ints[i] != b->ints[i]) return false;
        return true;
    }
    return false;
}

char *tsu_project_node_param_text(const tsu_project *project, int index, const char *name)
{
    struct json_object *v = member(member(node_at(project, index), "params"), name);
    return v ? tsu_json_to_canonical(v, -1) : NULL;
}

/* ------------------------------------------------------------- edits */

tsu_status tsu_project_add_node(tsu_project *project, const char *id, const char *type,
                                tsu_diag *diag)
{
    tsu_status st = tsu_project_check_id(project, NULL, id, diag);
    if (st != TSU_OK) return st;
    if (!type || !*type)
        return tsu_diag_add(diag, TSU_E_GRAPH, id, NULL, _("a node needs a layer type"));
    struct json_object *node = json_object_new_object();
    json_object_object_add(node, "id", json_object_new_string(id));
    json_object_object_add(node, "type", json_object_new_string(type));
    json_object_array_add(tsu_project_nodes(project), node);
    notify(project, TSU_CHANGE_NODE_ADDED, id, NULL, NULL);
    return TSU_OK;
}

static bool inputs_contain(struct json_object *inputs, const char *id)
{
    for (size_t k = 0; id && inputs && k < json_object_array_length(inputs); k++) {
        struct json_object *e = json_object_array_get_idx(inputs, k);
        if (json_object_is_type(e, json_type_string) && strcmp(json_object_get_string(e), id) == 0)
            return true;
    }
    return false;
}

static bool entry_is(struct json_object *inputs, size_t k, const char *id)
{
    struct json_object *e = json_object_array_get_idx(inputs, k);
    return json_object_is_type(e, json_type_string) && strcmp(json_object_get_string(e), id) == 0;
}

/* A consumer's links to `id` go, or become links from `feeder` (once). */
static bool unlink_consumer(struct json_object *other, const char *id, const char *feeder)
{
    struct json_object *inputs = inputs_of(other);
    bool feeder_present = inputs_contain(inputs, feeder), changed = false;
    for (size_t k = inputs ? json_object_array_length(inputs) : 0; k-- > 0;) {
        if (!entry_is(inputs, k, id)) continue;
        changed = true;
        if (feeder && !feeder_present) {
            json_object_array_put_idx(inputs, k, json_object_new_string(feeder));
            feeder_present = true;
        } else {
            json_object_array_del_idx(inputs, k, 1);
        }
    }
    if (inputs && json_object_array_length(inputs) == 0) json_object_object_del(other, "inputs");
    return changed;
}

tsu_status tsu_project_remove_node(tsu_project *project, const char *id, bool relink,
                                   tsu_diag *diag)
{
    int index = edited_node(project, id, diag);
    if (index < 0) return TSU_E_GRAPH;
    char *removed = tsu_xstrdup(id);
    const char *first = tsu_project_node_input(project, index, 0);
    char *feeder = relink && first ? tsu_xstrdup(first) : NULL;
    int n = tsu_project_node_count(project);
    for (int i = 0; i < n; i++) {
        struct json_object *other = node_at(project, i);
        if (i != index && other && unlink_consumer(other, removed, feeder))
            notify(project, TSU_CHANGE_INPUTS, string_member(other, "id"), NULL, NULL);
    }
    json_object_array_del_idx(tsu_project_nodes(project), (size_t)index, 1);
    notify(project, TSU_CHANGE_NODE_REMOVED, removed, NULL, NULL);
    free(feeder);
    free(removed);
    return TSU_OK;
}

tsu_status tsu_project_rename_node(tsu_project *project, const char *old_id,
                                   const char *new_id, tsu_diag *diag)
{
    int index = edited_node(project, old_id, diag);
    if (index < 0) return TSU_E_GRAPH;
    tsu_status st = tsu_project_check_id(project, old_id, new_id, diag);
    if (st != TSU_OK || strcmp(old_id, new_id) == 0) return st;
    char *old_copy = tsu_xstrdup(old_id);
    json_object_object_add(node_at(project, index), "id", json_object_new_string(new_id));
    notify(project, TSU_CHANGE_NODE_RENAMED, new_id, old_copy, NULL);
    int n = tsu_project_node_count(project);
    for (int i = 0; i < n; i++) {
        struct json_object *inputs = inputs_of(node_at(project, i));
        bool changed = false;
        for (size_t k = 0; inputs && k < json_object_array_length(inputs); k++)
            if (entry_is(inputs, k, old_copy)) {
                json_object_array_put_idx(inputs, k, json_object_new_string(new_id));
                changed = true;
            }
        if (changed) notify(project, TSU_CHANGE_INPUTS, tsu_project_node_id(project, i), NULL, NULL);
    }
    free(old_copy);
    return TSU_OK;
}

/* Replaces or removes a member of the node, telling the observer only when
 * the document really changed. Takes value (NULL removes). */
static void change_member(tsu_project *project, int index, const char *key,
                          struct json_object *value, tsu_change_kind kind)
{
    struct json_object *node = node_at(project, index);
    struct json_object *old = member(node, key);
    if (value ? (old && json_object_equal(old, value)) : !old) {
        json_object_put(value);
        return;
    }
    if (value)
        set_member(project, index, key, value);
    else
        json_object_object_del(node, key);
    notify(project, kind, tsu_project_node_id(project, index), NULL, NULL);
}

tsu_status tsu_project_set_node_inputs(tsu_project *project, const char *id,
                                       const char *const *inputs, int n, tsu_diag *diag)
{
    int index = edited_node(project, id, diag);
    if (index < 0) return TSU_E_GRAPH;
    for (int k = 0; k < n; k++)
        if (!tsu_id_valid(inputs[k])) return invalid_id(diag, inputs[k]);
    struct json_object *array = NULL;
    if (n > 0) {
        array = json_object_new_array();
        for (int k = 0; k < n; k++) json_object_array_add(array, json_object_new_string(inputs[k]));
    }
    change_member(project, index, "inputs", array, TSU_CHANGE_INPUTS);
    return TSU_OK;
}

/* A copy of the node's inputs array to edit, or a new empty one. */
static struct json_object *inputs_copy(tsu_project *project, int index)
{
    struct json_object *copy = NULL, *inputs = inputs_of(node_at(project, index));
    if (!inputs || json_object_deep_copy(inputs, &copy, NULL) != 0) copy = json_object_new_array();
    return copy;
}

tsu_status tsu_project_set_node_input(tsu_project *project, const char *id, int slot,
                                      const char *from, tsu_diag *diag)
{
    int index = edited_node(project, id, diag);
    if (index < 0) return TSU_E_GRAPH;
    if (!tsu_id_valid(from)) return invalid_id(diag, from);
    struct json_object *inputs = inputs_copy(project, index);
    if (slot >= 0 && (size_t)slot < json_object_array_length(inputs))
        json_object_array_put_idx(inputs, (size_t)slot, json_object_new_string(from));
    else
        json_object_array_add(inputs, json_object_new_string(from));
    change_member(project, index, "inputs", inputs, TSU_CHANGE_INPUTS);
    return TSU_OK;
}

tsu_status tsu_project_remove_node_input(tsu_project *project, const char *id, int slot,
                                         tsu_diag *diag)
{
    int index = edited_node(project, id, diag);
    if (index < 0) return TSU_E_GRAPH;
    if (slot < 0 || slot >= tsu_project_node_input_count(project, index))
        return tsu_diag_add(diag, TSU_E_GRAPH, id, NULL, _("has no input %d"), slot + 1);
    struct json_object *inputs = inputs_copy(project, index);
    json_object_array_del_idx(inputs, (size_t)slot, 1);
    if (json_object_array_length(inputs) == 0) {
        json_object_put(inputs);
        inputs = NULL;
    }
    change_member(project, index, "inputs", inputs, TSU_CHANGE_INPUTS);
    return TSU_OK;
}

static struct json_object *value_to_json(const tsu_param_desc *desc, const tsu_value *value)
{
    switch (desc->type) {
    case TSU_PARAM_INT: return json_object_new_int(value->ints[0]);
    case TSU_PARAM_FLOAT: return json_object_new_double(value->number);
    case TSU_PARAM_BOOL: return json_object_new_boolean(value->boolean);
    case TSU_PARAM_STRING: return json_object_new_string(value->string ? value->string : "");
    case TSU_PARAM_INTS: {
        struct json_object *array = json_object_new_array();
        for (int i = 0; i < value->n && i < TSU_MAX_DIMS; i++)
            json_object_array_add(array, json_object_new_int(value->ints[i]));
        return array;
    }
    }
    return NULL;
}

/* The value as the graph check reads it, with the same message when it
 * does not fit. */
static bool check_value(const char *id, const tsu_param_desc *desc, struct json_object *v,
                        tsu_diag *diag)
{
    tsu_node node = {.id = (char *)id, .valid = true};
    tsu_value out;
    char *owned = NULL;
    bool ok = tsu_param_read_value(&node, diag, desc, v, &out, &owned);
    free(owned);
    return ok;
}

tsu_status tsu_project_set_node_param(tsu_project *project, const char *id, const char *name,
                                      const tsu_value *value, tsu_diag *diag)
{
    int index = edited_node(project, id, diag);
    if (index < 0) return TSU_E_GRAPH;
    const char *type = tsu_project_node_type(project, index);
    const tsu_layer_kind *kind = type ? tsu_layer_kind_find(type) : NULL;
    if (!kind)
        return tsu_diag_add(diag, TSU_E_PARAM, id, name, _("unknown layer type \"%s\""),
                            type ? type : "");
    const tsu_param_desc *desc = tsu_layer_kind_param_find(kind, name);
    if (!desc)
        return tsu_diag_add(diag, TSU_E_PARAM, id, name, _("%s has no parameter \"%s\""),
                            kind->name, name);
    struct json_object *json = value ? value_to_json(desc, value) : NULL;
    if (json && !check_value(id, desc, json, diag)) {
        json_object_put(json);
        return TSU_E_PARAM;
    }
    struct json_object *params = member(node_at(project, index), "params");
    struct json_object *old = member(params, name);
    if (json ? (old && json_object_equal(old, json)) : !old) {
        json_object_put(json);
        return TSU_OK;
    }
    if (!json_object_is_type(params, json_type_object)) {
        params = json_object_new_object();
        set_member(project, index, "params", params);
    }
    if (json)
        json_object_object_add(params, name, json);
    else
        json_object_object_del(params, name);
    if (json_object_object_length(params) == 0)
        json_object_object_del(node_at(project, index), "params");
    notify(project, TSU_CHANGE_PARAMS, id, NULL, NULL);
    return TSU_OK;
}

tsu_status tsu_project_set_node_type(tsu_project *project, const char *id, const char *type,
                                     tsu_diag *diag)
{
    int index = edited_node(project, id, diag);
    if (index < 0) return TSU_E_GRAPH;
    const tsu_layer_kind *kind = tsu_layer_kind_find(type);
    if (!kind) return tsu_diag_add(diag, TSU_E_GRAPH, id, NULL, _("unknown layer type \"%s\""), type);
    /* Parameters the new kind does not have would fail the graph check. */
    struct json_object *params = member(node_at(project, index), "params");
    if (json_object_is_type(params, json_type_object)) {
        json_object_object_foreach(params, name, value) {
            (void)value;
            if (!tsu_layer_kind_param_find(kind, name))
                return tsu_diag_add(diag, TSU_E_PARAM, id, name, "%s has no parameter \"%s\"",
                                    kind->name, name);
        }
    }
    const char *old = tsu_project_node_type(project, index);
    if (old && strcmp(old, type) == 0) return TSU_OK;
    /* Told as the node going and a new one coming, as tsu_project_diff
     * tells a changed type: the box is a different kind of layer now. */
    set_member(project, index, "type", json_object_new_string(type));
    notify(project, TSU_CHANGE_NODE_REMOVED, id, NULL, NULL);
    notify(project, TSU_CHANGE_NODE_ADDED, id, NULL, NULL);
    return TSU_OK;
}

tsu_status tsu_project_set_node_position(tsu_project *project, const char *id, double x,
                                         double y, tsu_diag *diag)
{
    int index = edited_node(project, id, diag);
    if (index < 0) return TSU_E_GRAPH;
    if (!(fabs(x) < 1e9 && fabs(y) < 1e9))
        return tsu_diag_add(diag, TSU_E_GRAPH, id, NULL,
                            _("a position is two numbers of magnitude below 1e9, got [%g, %g]"), x, y);
    struct json_object *position = json_object_new_array();
    json_object_array_add(position, json_object_new_int((int)lround(x)));
    json_object_array_add(position, json_object_new_int((int)lround(y)));
    change_member(project, index, "position", position, TSU_CHANGE_POSITION);
    return TSU_OK;
}

void tsu_project_set_name(tsu_project *project, const char *name)
{
    struct json_object *root = tsu_project_root(project);
    const char *old = string_member(root, "name");
    if (!name || (old && strcmp(old, name) == 0)) return;
    json_object_object_add(root, "name", json_object_new_string(name));
    notify(project, TSU_CHANGE_SECTION, NULL, NULL, "name");
}

/* --------------------------------------------------- copy, undo, paste */

static bool in_list(const char *const *ids, const char *id)
{
    for (size_t i = 0; id && ids && ids[i]; i++)
        if (strcmp(ids[i], id) == 0) return true;
    return false;
}

/* Keeps the inputs that name one of `from` (renamed to the same index of
 * `to`), drops the rest: a link to a node outside the copy means nothing. */
static void filter_inputs(struct json_object *node, const char *const *from,
                          const char *const *to)
{
    struct json_object *inputs = inputs_of(node);
    for (size_t k = inputs ? json_object_array_length(inputs) : 0; k-- > 0;) {
        struct json_object *e = json_object_array_get_idx(inputs, k);
        const char *name = json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
        size_t i = 0;
        while (name && from[i] && strcmp(from[i], name) != 0) i++;
        if (!name || !from[i])
            json_object_array_del_idx(inputs, k, 1);
        else if (to != from)
            json_object_array_put_idx(inputs, k, json_object_new_string(to[i]));
    }
    if (inputs && json_object_array_length(inputs) == 0) json_object_object_del(node, "inputs");
}

char *tsu_project_copy_nodes(const tsu_project *project, const char *const *ids)
{
    tsu_project *clip = tsu_project_new(tsu_project_name(project));
    struct json_object *clip_nodes = tsu_project_nodes(clip);
    int n = tsu_project_node_count(project);
    for (int i = 0; i < n; i++) {
        struct json_object *copy = NULL;
        if (!in_list(ids, tsu_project_node_id(project, i)) ||
            json_object_deep_copy(node_at(project, i), &copy, NULL) != 0)
            continue;
        filter_inputs(copy, ids, ids);
        json_object_array_add(clip_nodes, copy);
    }
    char *text = tsu_project_to_string(clip);
    tsu_project_free(clip);
    return text;
}

int tsu_project_add_nodes_from(tsu_project *project, const tsu_project *from)
{
    int n = tsu_project_node_count(from), added = 0;
    const char **old_ids = tsu_xcalloc((size_t)n + 1, sizeof *old_ids);
    char **new_ids = tsu_xcalloc((size_t)n + 1, sizeof *new_ids);
    int first = tsu_project_node_count(project);
    for (int i = 0; i < n; i++) {
        struct json_object *copy = NULL;
        if (!node_at(from, i) || json_object_deep_copy(node_at(from, i), &copy, NULL) != 0) continue;
        const char *old_id = string_member(copy, "id");
        const char *type = string_member(copy, "type");
        char *new_id = tsu_id_valid(old_id) && tsu_project_node_find(project, old_id) < 0
                           ? tsu_xstrdup(old_id)
                           : tsu_project_unique_id(project, type ? type : "Layer");
        /* A copy without an id string is renamed but no link can name it. */
        old_ids[added] = old_id ? tsu_project_node_id(from, i) : "";
        new_ids[added++] = new_id;
        json_object_object_add(copy, "id", json_object_new_string(new_id));
        json_object_array_add(tsu_project_nodes(project), copy);
    }
    for (int i = 0; i < added; i++)
        filter_inputs(node_at(project, first + i), old_ids, (const char *const *)new_ids);
    for (int i = 0; i < added; i++) {
        notify(project, TSU_CHANGE_NODE_ADDED, new_ids[i], NULL, NULL);
        free(new_ids[i]);
    }
    free(new_ids);
    free(old_ids);
    return added;
}

static void notify_observer(const tsu_change *change, void *project)
{
    tsu_project_notify(project, change);
}

tsu_status tsu_project_restore(tsu_project *project, const char *text, size_t length,
                               tsu_diag *diag)
{
    tsu_project *parsed = tsu_project_parse(text, length, "<snapshot>", diag);
    if (!parsed) return tsu_diag_status(diag) ? tsu_diag_status(diag) : TSU_E_SYNTAX;
    struct json_object *new_root = tsu_project_swap_root(parsed, NULL);
    struct json_object *old_root = tsu_project_swap_root(project, new_root);
    tsu_project_swap_root(parsed, old_root); /* the old tree, to compare with */
    tsu_project_diff(parsed, project, notify_observer, project);
    tsu_project_free(parsed);
    return TSU_OK;
}

/* ---------------------------------------------------------- comparing */

static bool members_equal(struct json_object *a, struct json_object *b, const char *key)
{
    struct json_object *va = member(a, key), *vb = member(b, key);
    return va == vb || (va && vb && json_object_equal(va, vb));
}

/* Nodes can be matched by id only when every node has one of its own. */
static bool ids_usable(const tsu_project *project)
{
    int n = tsu_project_node_count(project);
    for (int i = 0; i < n; i++) {
        const char *id = tsu_project_node_id(project, i);
        if (!id || tsu_project_node_find(project, id) != i) return false;
    }
    return true;
}

static void diff_node(struct json_object *a, struct json_object *b, const char *id,
                      tsu_change_fn fn, void *data)
{
    tsu_change change = {TSU_CHANGE_INPUTS, id, NULL, NULL};
    if (!members_equal(a, b, "type")) {
        change.kind = TSU_CHANGE_NODE_REMOVED;
        fn(&change, data);
        change.kind = TSU_CHANGE_NODE_ADDED;
        fn(&change, data);
        return;
    }
    if (!members_equal(a, b, "inputs")) fn(&change, data);
    change.kind = TSU_CHANGE_POSITION;
    if (!members_equal(a, b, "position")) fn(&change, data);
    change.kind = TSU_CHANGE_PARAMS;
    bool others_equal = true;
    json_object_object_foreach(a, key, value) {
        (void)value;
        if (strcmp(key, "inputs") != 0 && strcmp(key, "position") != 0 && !members_equal(a, b, key))
            others_equal = false;
    }
    json_object_object_foreach(b, key2, value2) {
        (void)value2;
        if (!member(a, key2)) others_equal = false;
    }
    if (!others_equal) fn(&change, data);
}

static void diff_nodes(const tsu_project *before, const tsu_project *after, tsu_change_fn fn,
                       void *data)
{
    tsu_change change = {TSU_CHANGE_SECTION, NULL, NULL, "network"};
    if (!ids_usable(before) || !ids_usable(after)) {
        if (!json_object_equal(tsu_project_nodes(before), tsu_project_nodes(after)))
            fn(&change, data);
        return;
    }
    int n_before = tsu_project_node_count(before), n_after = tsu_project_node_count(after);
    for (int i = 0; i < n_before; i++) {
        const char *id = tsu_project_node_id(before, i);
        int j = tsu_project_node_find(after, id);
        change = (tsu_change){TSU_CHANGE_NODE_REMOVED, id, NULL, NULL};
        if (j < 0)
            fn(&change, data);
        else
            diff_node(node_at(before, i), node_at(after, j), id, fn, data);
    }
    for (int j = 0; j < n_after; j++) {
        const char *id = tsu_project_node_id(after, j);
        change = (tsu_change){TSU_CHANGE_NODE_ADDED, id, NULL, NULL};
        if (tsu_project_node_find(before, id) < 0) fn(&change, data);
    }
}

/* Every key of a or b but `skip` whose values differ: each as a section of
 * its own, or all as one `section`. */
static void diff_keys(struct json_object *a, struct json_object *b, const char *skip,
                      const char *section, tsu_change_fn fn, void *data)
{
    tsu_change change = {TSU_CHANGE_SECTION, NULL, NULL, section ? section : "network"};
    bool differs = false;
    if (!json_object_is_type(a, json_type_object) || !json_object_is_type(b, json_type_object)) {
        if (a != b && !(a && b && json_object_equal(a, b))) fn(&change, data);
        return;
    }
    json_object_object_foreach(a, key, value) {
        (void)value;
        if (strcmp(key, skip) == 0 || members_equal(a, b, key)) continue;
        differs = true;
        change.section = section ? section : key;
        if (!section) fn(&change, data);
    }
    json_object_object_foreach(b, key2, value2) {
        (void)value2;
        if (strcmp(key2, skip) == 0 || member(a, key2)) continue;
        differs = true;
        change.section = section ? section : key2;
        if (!section) fn(&change, data);
    }
    if (section && differs) fn(&change, data);
}

void tsu_project_diff(const tsu_project *before, const tsu_project *after, tsu_change_fn fn,
                      void *data)
{
    struct json_object *a = tsu_project_root(before), *b = tsu_project_root(after);
    /* tsu_project_nodes adds a missing network; compare the trees first. */
    diff_keys(member(a, "network"), member(b, "network"), "nodes", "network", fn, data);
    diff_keys(a, b, "network", NULL, fn, data);
    diff_nodes(before, after, fn, data);
}
