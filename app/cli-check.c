/* cli-check.c — `tsumiki-cli check`: validate a project and print each
 * layer's output shape, parameters and cost, then the totals, then the
 * design warnings (tsumiki-advice.h). */
#include "cli.h"
#include "tsu-i18n.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    int batch_size; /* 0: the project's */
    bool json;
    bool werror; /* warnings fail the check */
} check_options;

#define CHECK_USAGE N_("usage: tsumiki-cli check FILE [--batch-size N] [--json] [--werror]\n")

static bool parse_options(int argc, char **argv, check_options *o)
{
    *o = (check_options){0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            o->json = true;
        } else if (!strcmp(argv[i], "--werror")) {
            o->werror = true;
        } else if (!strcmp(argv[i], "--batch-size")) {
            if (!cli_parse_positive("--batch-size", i + 1 < argc ? argv[i + 1] : NULL,
                                    &o->batch_size))
                return false;
            i++;
        } else if (argv[i][0] == '-' || o->path) {
            fputs(_(CHECK_USAGE), stderr);
            return false;
        } else {
            o->path = argv[i];
        }
    }
    if (!o->path) fputs(_(CHECK_USAGE), stderr);
    return o->path != NULL;
}

static void print_table(const tsu_graph *graph)
{
    const char *id = _("id"), *type = _("type");
    int id_w = cli_columns(id), type_w = cli_columns(type);
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *n = tsu_graph_node(graph, i);
        int a = (int)strlen(tsu_node_id(n)), b = (int)strlen(tsu_node_type(n));
        if (a > id_w) id_w = a;
        if (b > type_w) type_w = b;
    }
    char h[5][96];
    printf("%s  %s  %s %s %s\n", cli_pad(id, id_w, false, h[0], sizeof h[0]),
           cli_pad(type, type_w, false, h[1], sizeof h[1]),
           cli_pad(_("output"), 14, false, h[2], sizeof h[2]),
           cli_pad(_("parameters"), 12, true, h[3], sizeof h[3]),
           cli_pad(_("multiply-adds"), 14, true, h[4], sizeof h[4]));
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *n = tsu_graph_node(graph, i);
        char shape[64] = "?", params[32] = "-", macs[32] = "-", times[24] = "";
        /* A repeat block's node: its counts cover every copy. */
        if (tsu_node_repeat(n) > 1) snprintf(times, sizeof times, "  \u00d7%d", tsu_node_repeat(n));
        if (tsu_node_has_shape(n)) {
            tsu_shape_format(tsu_node_shape(n), shape, sizeof shape);
            cli_group_digits(tsu_node_trainable_count(n), params, sizeof params);
            cli_group_digits(tsu_node_macs(n), macs, sizeof macs);
        }
        printf("%-*s  %-*s  %-14s %12s %14s%s%s\n", id_w, tsu_node_id(n), type_w, tsu_node_type(n),
               shape, params, macs, times, tsu_node_valid(n) ? "" : _("  (error)"));
    }
}

static void print_totals(const tsu_graph_stats *s, int batch, tsu_optimizer_kind opt)
{
    char a[32], b[32], c[32], d[32], e[32], f[32];
    printf(_("\nTrainable parameters: %s\n"), cli_group_digits(s->trainable, a, sizeof a));
    if (s->state)
        printf(_("State (not trained, e.g. BatchNormalization running statistics): %s\n"),
               cli_group_digits(s->state, a, sizeof a));
    printf(_("Multiply-adds per sample: %s\n"), cli_group_digits(s->macs, a, sizeof a));
    printf(_("Training memory at batch size %d with %s: %s (weights %s, gradients %s, "
             "optimizer state %s, activations %s)\n"),
           batch, tsu_optimizer_name(opt), cli_format_bytes(s->total_bytes, b, sizeof b),
           cli_format_bytes(s->weight_bytes, c, sizeof c),
           cli_format_bytes(s->gradient_bytes, d, sizeof d),
           cli_format_bytes(s->optimizer_bytes, e, sizeof e),
           cli_format_bytes(s->activation_bytes, f, sizeof f));
}

static struct json_object *shape_json(const tsu_shape *shape)
{
    struct json_object *a = json_object_new_array();
    for (int i = 0; i < shape->ndim; i++) json_object_array_add(a, json_object_new_int(shape->d[i]));
    return a;
}

static struct json_object *errors_json(const tsu_diag *diag)
{
    struct json_object *errors = json_object_new_array();
    for (int i = 0; i < diag->count; i++) {
        const tsu_error *e = &diag->items[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "message", json_object_new_string(e->message));
        if (*e->node) json_object_object_add(o, "node", json_object_new_string(e->node));
        if (*e->param) json_object_object_add(o, "param", json_object_new_string(e->param));
        if (e->line) json_object_object_add(o, "line", json_object_new_int(e->line));
        if (e->column) json_object_object_add(o, "column", json_object_new_int(e->column));
        json_object_array_add(errors, o);
    }
    return errors;
}

static const char *const fix_kinds[] = {
    [TSU_FIX_NONE] = "none",
    [TSU_FIX_SET_TYPE] = "set-type",
    [TSU_FIX_SET_PARAM] = "set-param",
    [TSU_FIX_REMOVE_NODE] = "remove-node",
    [TSU_FIX_REMOVE_BRANCH] = "remove-branch",
    [TSU_FIX_INSERT_BEFORE] = "insert-before",
};

static struct json_object *fix_json(const tsu_fix *fix)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(fix_kinds[fix->kind]));
    if (fix->kind == TSU_FIX_NONE) return o;
    json_object_object_add(o, "label", json_object_new_string(fix->label));
    json_object_object_add(o, "node", json_object_new_string(fix->node));
    if (*fix->type) json_object_object_add(o, "type", json_object_new_string(fix->type));
    if (fix->kind == TSU_FIX_SET_PARAM) {
        json_object_object_add(o, "param", json_object_new_string(fix->param));
        json_object_object_add(o, "value", json_object_new_int(fix->value));
    }
    return o;
}

static struct json_object *warnings_json(const tsu_warnings *warnings)
{
    struct json_object *array = json_object_new_array();
    for (int i = 0; i < warnings->count; i++) {
        const tsu_warning *w = &warnings->items[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "check", json_object_new_string(w->check));
        json_object_object_add(o, "node", json_object_new_string(w->node));
        json_object_object_add(o, "message", json_object_new_string(w->message));
        json_object_object_add(o, "why", json_object_new_string(w->why));
        json_object_object_add(o, "fix", fix_json(&w->fix));
        json_object_array_add(array, o);
    }
    return array;
}

/* FILE: NODE: warning: MESSAGE, the why indented below, as compilers do. */
static void print_warnings(const char *path, const tsu_warnings *warnings)
{
    for (int i = 0; i < warnings->count; i++) {
        const tsu_warning *w = &warnings->items[i];
        fprintf(stderr, _("%s: %s: warning: %s [%s]\n"), path, w->node, w->message, w->check);
        fprintf(stderr, "    %s\n", w->why);
        if (w->fix.kind != TSU_FIX_NONE) fprintf(stderr, _("    fix: %s\n"), w->fix.label);
    }
}

static void print_json(const char *path, const tsu_graph *graph, const tsu_graph_stats *s,
                       int batch, const tsu_diag *diag, const tsu_warnings *warnings)
{
    struct json_object *root = json_object_new_object();
    json_object_object_add(root, "file", json_object_new_string(path));
    json_object_object_add(root, "valid", json_object_new_boolean(diag->count == 0));
    struct json_object *nodes = json_object_new_array();
    for (int i = 0; graph && i < tsu_graph_node_count(graph); i++) {
        const tsu_node *n = tsu_graph_node(graph, i);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(tsu_node_id(n)));
        json_object_object_add(o, "type", json_object_new_string(tsu_node_type(n)));
        json_object_object_add(o, "valid", json_object_new_boolean(tsu_node_valid(n)));
        if (tsu_node_has_shape(n)) {
            json_object_object_add(o, "shape", shape_json(tsu_node_shape(n)));
            json_object_object_add(o, "parameters",
                                   json_object_new_int64((int64_t)tsu_node_trainable_count(n)));
            json_object_object_add(o, "state",
                                   json_object_new_int64((int64_t)tsu_node_state_count(n)));
            json_object_object_add(o, "macs", json_object_new_int64((int64_t)tsu_node_macs(n)));
            if (tsu_node_repeat(n) > 1)
                json_object_object_add(o, "repeat", json_object_new_int(tsu_node_repeat(n)));
        }
        json_object_array_add(nodes, o);
    }
    json_object_object_add(root, "nodes", nodes);
    if (graph) {
        struct json_object *t = json_object_new_object();
        json_object_object_add(t, "parameters", json_object_new_int64((int64_t)s->trainable));
        json_object_object_add(t, "state", json_object_new_int64((int64_t)s->state));
        json_object_object_add(t, "macs", json_object_new_int64((int64_t)s->macs));
        json_object_object_add(t, "batch_size", json_object_new_int(batch));
        json_object_object_add(t, "training_memory_bytes",
                               json_object_new_int64((int64_t)s->total_bytes));
        json_object_object_add(root, "totals", t);
    }
    json_object_object_add(root, "errors", errors_json(diag));
    json_object_object_add(root, "warnings", warnings_json(warnings));
    printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

int cli_check(int argc, char **argv)
{
    check_options o;
    if (!parse_options(argc, argv, &o)) return 2;
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_load(o.path, &diag);
    tsu_graph *graph = project ? tsu_graph_build(project, &diag) : NULL;
    tsu_train_config config;
    /* Without a project (it failed to load) the defaults still size --json's totals. */
    tsu_project *defaults = project ? NULL : tsu_project_new(NULL);
    tsu_project_get_training(project ? project : defaults, &config, project ? &diag : NULL);
    tsu_project_free(defaults);
    int batch = o.batch_size ? o.batch_size : config.batch_size;
    tsu_graph_stats stats = {0};
    if (graph) tsu_graph_stats_compute(graph, batch, config.optimizer, &stats);
    tsu_warnings warnings;
    tsu_warnings_init(&warnings);
    if (graph && tsu_graph_valid(graph)) {
        /* Checks that need the targets run only when the data can be read;
         * data that cannot is for `train` to report, not for the design. */
        tsu_data_summary data;
        bool have_data = tsu_project_data_summary(project, &data, NULL) == TSU_OK;
        tsu_graph_advise(graph, have_data ? &data : NULL, &warnings);
        tsu_data_summary_clear(&data);
    }

    if (o.json) {
        print_json(o.path, graph, &stats, batch, &diag, &warnings);
    } else if (graph) {
        printf("%s (%s)\n\n", tsu_project_name(project), o.path);
        print_table(graph);
        print_totals(&stats, batch, config.optimizer);
        printf("\n");
        cli_print_training(&config, &diag);
    }
    if (!o.json && diag.count) {
        fprintf(stderr, ngettext_("\n%d error in %s:\n", "\n%d errors in %s:\n", (unsigned long)diag.count),
                diag.count, o.path);
        tsu_diag_print(&diag, stderr);
    }
    if (!o.json && warnings.count) {
        fprintf(stderr, "\n");
        print_warnings(o.path, &warnings);
    }
    /* A note, not a warning: an imported model is complete without a loss. */
    if (!o.json && graph && tsu_graph_valid(graph) && !tsu_graph_has_loss(graph))
        fprintf(stderr, _("\n%s: note: no loss layer: this network can predict, evaluate and be "
                          "exported, but not train (add a loss such as CategoricalCrossEntropy "
                          "to train it)\n"),
                o.path);
    int status = diag.count || (o.werror && warnings.count) ? 1 : 0;
    tsu_warnings_free(&warnings);
    tsu_graph_free(graph);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    return status;
}
