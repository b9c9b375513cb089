/* params.c — layer parameters: read from JSON through the descriptor table,
 * with defaults and bounds, and messages that say what was expected. */
#include "tsu-internal.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>

static bool json_is_integer(struct json_object *v)
{
    if (json_object_is_type(v, json_type_int)) return true;
    if (json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        return isfinite(d) && d == floor(d) && fabs(d) < 2e9;
    }
    return false;
}

static bool json_is_number(struct json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* "positive integers", "non-negative integer", "integers from 2 to 8" ...
 * The upper bound is only named when it was the one broken: "2 positive
 * integers" is what a person needs to read for [5]. */
static void describe_int(const tsu_param_desc *desc, bool plural, bool over_max, char *buf,
                         size_t size)
{
    bool has_max = desc->max > desc->min && desc->max < 1e15;
    if (has_max && (over_max || (desc->min != 0 && desc->min != 1)))
        snprintf(buf, size, plural ? _("integers from %.0f to %.0f") : _("an integer from %.0f to %.0f"),
                 desc->min, desc->max);
    else if (desc->min == 1)
        snprintf(buf, size, "%s", plural ? _("positive integers") : _("a positive integer"));
    else if (desc->min == 0)
        snprintf(buf, size, "%s", plural ? _("non-negative integers") : _("a non-negative integer"));
    else if (desc->min > -1e15)
        snprintf(buf, size, plural ? _("integers >= %.0f") : _("an integer >= %.0f"), desc->min);
    else
        snprintf(buf, size, "%s", plural ? _("integers") : _("an integer"));
}

static void describe_number(const tsu_param_desc *desc, char *buf, size_t size)
{
    bool has_min = desc->min > -1e15, has_max = desc->max < 1e15;
    if (has_min && has_max)
        snprintf(buf, size, _("a number from %g to %g"), desc->min, desc->max);
    else if (has_min)
        snprintf(buf, size, _("a number >= %g"), desc->min);
    else if (has_max)
        snprintf(buf, size, _("a number <= %g"), desc->max);
    else
        snprintf(buf, size, "%s", _("a number"));
}

static bool int_in_bounds(const tsu_param_desc *desc, double v)
{
    bool has_max = desc->max > desc->min && desc->max < 1e15;
    return v >= desc->min && (!has_max || v <= desc->max);
}

static bool param_error(tsu_node *node, tsu_diag *diag, const tsu_param_desc *desc,
                        const char *expected, struct json_object *got)
{
    char *text = tsu_json_to_canonical(got, -1);
    tsu_node_fail(node, diag, TSU_E_PARAM, desc->name, _("expected %s, got %s"), expected, text);
    free(text);
    return false;
}

static bool read_ints(tsu_node *node, tsu_diag *diag, const tsu_param_desc *desc,
                      struct json_object *v, tsu_value *out)
{
    char what[96], expected[128];
    bool over_max = false;
    if (json_object_is_type(v, json_type_array))
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (json_object_get_double(json_object_array_get_idx(v, i)) > desc->max)
                over_max = true;
    describe_int(desc, true, over_max, what, sizeof what);
    if (desc->count > 0)
        /* TRANSLATORS: a count and what is counted: "2 positive integers". */
        snprintf(expected, sizeof expected, _("%d %s"), desc->count, what);
    else
        snprintf(expected, sizeof expected, _("a list of 1 to %d %s"), TSU_MAX_DIMS, what);
    if (!json_object_is_type(v, json_type_array)) return param_error(node, diag, desc, expected, v);
    int n = (int)json_object_array_length(v);
    if ((desc->count > 0 && n != desc->count) || n < 1 || n > TSU_MAX_DIMS)
        return param_error(node, diag, desc, expected, v);
    out->n = n;
    int64_t dims[TSU_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, (size_t)i);
        if (!json_is_integer(e) || !int_in_bounds(desc, json_object_get_double(e)))
            return param_error(node, diag, desc, expected, v);
        out->ints[i] = (int)json_object_get_int64(e);
        dims[i] = out->ints[i] < 0 ? -(int64_t)out->ints[i] : out->ints[i];
    }
    /* A list is a shape or a window: its product is a count of values, and
     * one that wraps around size_t could otherwise look small. */
    size_t product;
    if (!tsu_size_product(dims, (size_t)n, TSU_MAX_ELEMENTS, &product)) {
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected),
                 _(" whose product is at most %d"), TSU_MAX_ELEMENTS);
        return param_error(node, diag, desc, expected, v);
    }
    return true;
}

bool tsu_param_read_value(tsu_node *node, tsu_diag *diag, const tsu_param_desc *desc,
                       struct json_object *v, tsu_value *out, char **owned_string)
{
    char expected[128];
    switch (desc->type) {
    case TSU_PARAM_INT:
        describe_int(desc, false, json_is_number(v) && json_object_get_double(v) > desc->max,
                     expected, sizeof expected);
        if (!json_is_integer(v) || !int_in_bounds(desc, json_object_get_double(v)))
            return param_error(node, diag, desc, expected, v);
        out->n = 1;
        out->ints[0] = (int)json_object_get_int64(v);
        return true;
    case TSU_PARAM_FLOAT:
        describe_number(desc, expected, sizeof expected);
        if (!json_is_number(v)) return param_error(node, diag, desc, expected, v);
        out->number = json_object_get_double(v);
        if (!isfinite(out->number) || out->number < desc->min || out->number > desc->max)
            return param_error(node, diag, desc, expected, v);
        return true;
    case TSU_PARAM_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return param_error(node, diag, desc, _("true or false"), v);
        out->boolean = json_object_get_boolean(v);
        return true;
    case TSU_PARAM_INTS:
        return read_ints(node, diag, desc, v, out);
    case TSU_PARAM_STRING:
        /* Every string parameter names a dataset variable, and the runtime
         * keeps those names in TSU_ID_MAX buffers (as dataset readers do). */
        snprintf(expected, sizeof expected, _("a non-empty string of at most %d characters"),
                 TSU_ID_MAX - 1);
        if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0 ||
            json_object_get_string_len(v) >= TSU_ID_MAX)
            return param_error(node, diag, desc, expected, v);
        *owned_string = tsu_xstrdup(json_object_get_string(v));
        out->string = *owned_string;
        return true;
    }
    return false;
}

static void warn_unknown_params(tsu_node *node, tsu_diag *diag, struct json_object *params)
{
    const tsu_layer_kind *kind = node->kind;
    const char *names[32];
    int n = 0;
    for (int i = 0; i < kind->n_params && n < 32; i++) names[n++] = kind->params[i].name;
    json_object_object_foreach(params, key, value) {
        (void)value;
        if (tsu_layer_kind_param_find(kind, key)) continue;
        const char *near = tsu_suggest_name(key, names, n);
        if (near)
            tsu_node_fail(node, diag, TSU_E_PARAM, key,
                          _("%s has no parameter \"%s\" (did you mean \"%s\"?)"), kind->name, key,
                          near);
        else if (n)
            tsu_node_fail(node, diag, TSU_E_PARAM, key, _("%s has no parameter \"%s\""), kind->name,
                          key);
        else
            tsu_node_fail(node, diag, TSU_E_PARAM, key, _("%s takes no parameters"), kind->name);
    }
}

bool tsu_node_read_params(tsu_node *node, struct json_object *params, tsu_diag *diag)
{
    const tsu_layer_kind *kind = node->kind;
    bool ok = true;
    node->values = tsu_xcalloc((size_t)kind->n_params, sizeof *node->values);
    node->value_strings = tsu_xcalloc((size_t)kind->n_params, sizeof *node->value_strings);
    if (params && !json_object_is_type(params, json_type_object)) {
        char *text = tsu_json_to_canonical(params, -1);
        tsu_node_fail(node, diag, TSU_E_PARAM, NULL, _("\"params\" must be an object, got %s"),
                      text);
        free(text);
        params = NULL;
        ok = false;
    }
    if (params) warn_unknown_params(node, diag, params);
    bool *given = tsu_xcalloc((size_t)kind->n_params, sizeof *given);
    for (int i = 0; i < kind->n_params; i++) {
        const tsu_param_desc *desc = &kind->params[i];
        struct json_object *v = NULL;
        if (params && json_object_object_get_ex(params, desc->name, &v)) {
            given[i] = true;
            if (!tsu_param_read_value(node, diag, desc, v, &node->values[i],
                                      &node->value_strings[i]))
                ok = false;
        } else if (desc->required) {
            tsu_node_fail(node, diag, TSU_E_PARAM, desc->name, _("required parameter is missing"));
            ok = false;
        } else {
            node->values[i] = desc->def;
        }
    }
    /* Defaults that copy another parameter (pooling stride = kernel). */
    for (int i = 0; i < kind->n_params; i++) {
        const tsu_param_desc *desc = &kind->params[i];
        if (given[i] || !desc->same_as) continue;
        for (int j = 0; j < kind->n_params; j++)
            if (strcmp(kind->params[j].name, desc->same_as) == 0) node->values[i] = node->values[j];
    }
    free(given);
    return ok && node->valid;
}
