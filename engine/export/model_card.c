/* model_card.c — a Markdown model card: what the network is, what it
 * costs, how it was trained and how well it did. */
#include "export/export-internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* "1,234,567" */
static const char *grouped(uint64_t v, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static void layer_table(tsu_xbuf *b, const tsu_graph *graph)
{
    tsu_xbuf_puts(b, "| # | id | type | inputs | output | parameters | MACs |\n"
                     "|---:|---|---|---|---|---:|---:|\n");
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        char shape[96], params[32], macs[32];
        tsu_shape_format_list(tsu_node_shape(node), shape, sizeof shape);
        tsu_xbuf_printf(b, "| %d | `%s` | %s | ", i + 1, tsu_node_id(node), tsu_node_type(node));
        for (int k = 0; k < tsu_node_input_count(node); k++)
            tsu_xbuf_printf(b, "%s`%s`", k ? ", " : "", tsu_node_id(tsu_node_input(node, k)));
        uint64_t p = tsu_node_trainable_count(node) + tsu_node_state_count(node);
        tsu_xbuf_printf(b, " | %s | %s | %s |\n", tsu_layer_kind_is_loss(tsu_node_kind(node)) ? "—" : shape,
                        p ? grouped(p, params, sizeof params) : "",
                        tsu_node_macs(node) ? grouped(tsu_node_macs(node), macs, sizeof macs) : "");
    }
}

static void training_section(tsu_xbuf *b, const tsu_project *project)
{
    tsu_train_config cfg;
    tsu_diag quiet;
    tsu_diag_init(&quiet);
    if (tsu_train_config_read(project, &cfg, &quiet) == TSU_OK) {
        tsu_xbuf_printf(b,
                        "| setting | value |\n|---|---|\n"
                        "| optimizer | %s, learning rate %g |\n"
                        "| batch size | %d |\n| epochs | %d |\n| seed | %llu |\n",
                        tsu_optimizer_name(cfg.optimizer), cfg.learning_rate, cfg.batch_size,
                        cfg.epochs, (unsigned long long)cfg.seed);
    }
    tsu_diag_free(&quiet);
    struct json_object *datasets = NULL;
    if (json_object_object_get_ex(tsu_project_root(project), "dataset", &datasets) &&
        json_object_is_type(datasets, json_type_object)) {
        json_object_object_foreach(datasets, key, spec)
        {
            tsu_xbuf_printf(b, "| %s data | `%s` |\n", key,
                            json_object_to_json_string_ext(
                                spec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        }
    }
    tsu_xbuf_puts(b, "\n");
}

/* The history as a table, and the last epoch's figures as the headline. */
static bool history_section(tsu_xbuf *b, const char *csv, tsu_diag *diag)
{
    size_t length = 0;
    char *text = (char *)tsu_read_file(csv, TSU_READ_FILE_LIMIT, &length, diag);
    if (!text) return false;
    tsu_xbuf_puts(b, "## Training history\n\n");
    char *save = NULL, *last = NULL;
    int rows = 0;
    for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        tsu_xbuf_puts(b, "|");
        for (char *p = line; *p; p++) {
            if (*p == ',') tsu_xbuf_puts(b, " | ");
            else tsu_xbuf_printf(b, "%c", *p);
        }
        tsu_xbuf_puts(b, " |\n");
        if (rows++ == 0) {
            tsu_xbuf_puts(b, "|");
            for (char *p = line; *p; p++)
                if (*p == ',') tsu_xbuf_puts(b, "---:|");
            tsu_xbuf_puts(b, "---:|\n");
        } else {
            last = line;
        }
    }
    if (last) {
        /* epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,... */
        char *fields[7] = {0};
        int n = 0;
        for (char *p = last; n < 7; p++) {
            fields[n++] = p;
            p = strchr(p, ',');
            if (!p) break;
            *p = '\0';
        }
        tsu_xbuf_printf(b, "\nAfter epoch %s: training loss %s", fields[0], n > 1 ? fields[1] : "?");
        if (n > 2 && *fields[2]) tsu_xbuf_printf(b, ", training accuracy %s", fields[2]);
        if (n > 3 && *fields[3]) tsu_xbuf_printf(b, ", validation loss %s", fields[3]);
        if (n > 4 && *fields[4]) tsu_xbuf_printf(b, ", **validation accuracy %s**", fields[4]);
        tsu_xbuf_puts(b, ".\n\n");
    } else {
        tsu_xbuf_puts(b, "\n(no epochs recorded)\n\n");
    }
    free(text);
    return true;
}

static tsu_status tsu_export_model_card_body(const tsu_project *project, const tsu_graph *graph,
                                 const char *history_csv, const char *path, tsu_diag *diag)
{
    tsu_xstage_sweep_file(path); /* the file itself is written atomically */
    tsu_xplan plan;
    tsu_status st = tsu_xplan_build(graph, &plan, diag);
    if (st != TSU_OK) return st;
    tsu_graph_stats stats;
    tsu_graph_stats_compute(graph, 1, TSU_OPT_SGD, &stats);
    char a[32], b2[32], c[32];
    tsu_xbuf b = {0};
    tsu_xbuf_printf(&b, "# %s — model card\n\nGenerated by `tsumiki-cli export --format card`.\n\n",
                    tsu_project_name(project));
    tsu_xbuf_printf(&b,
                    "## Summary\n\n"
                    "- %d layers; %s trainable parameters, %s state values (BatchNormalization "
                    "statistics)\n- %s multiply-adds per sample (forward)\n",
                    tsu_graph_node_count(graph), grouped(stats.trainable, a, sizeof a),
                    grouped(stats.state, b2, sizeof b2), grouped(stats.macs, c, sizeof c));
    for (int i = 0; i < plan.n_inputs; i++) {
        char shape[96];
        tsu_shape_format_list(tsu_node_shape(plan.inputs[i]), shape, sizeof shape);
        tsu_xbuf_printf(&b, "- input `%s`: %s, dataset variable `%s`\n", tsu_node_id(plan.inputs[i]),
                        shape, tsu_node_param(plan.inputs[i], "dataset")->string);
    }
    for (int i = 0; i < plan.n_outputs; i++) {
        char shape[96];
        tsu_shape_format_list(tsu_node_shape(plan.outputs[i]), shape, sizeof shape);
        tsu_xbuf_printf(&b, "- output `%s` (%s): %s\n", tsu_node_id(plan.outputs[i]),
                        tsu_node_type(plan.outputs[i]), shape);
    }
    tsu_xbuf_puts(&b, "\n## Layers\n\n");
    layer_table(&b, graph);
    tsu_xbuf_puts(&b, "\n## Training set-up\n\n");
    training_section(&b, project);
    if (history_csv && !history_section(&b, history_csv, diag)) st = tsu_diag_status(diag);
    if (st == TSU_OK) st = tsu_xbuf_save(&b, path, diag);
    tsu_xbuf_free(&b);
    tsu_xplan_free(&plan);
    return st;
}

tsu_status tsu_export_model_card(const tsu_project *project, const tsu_graph *graph,
                                 const char *history_csv, const char *path, tsu_diag *diag)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_status result = tsu_export_model_card_body(project, graph, history_csv, path, diag);
    tsu_c_numeric_end(&scope);
    return result;
}
