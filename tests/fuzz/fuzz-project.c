/* fuzz-project.c — a project file: parse, canonical text round trip, train
 * configuration, graph build, statistics, and one training step of a valid
 * graph at batch 1 (where "check accepts but train crashes" lives). */
#include "fuzz-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The canonical text of a project must parse again to the same text: a
 * file Tsumiki writes is a file Tsumiki reads (docs/architecture.md). */
static void check_round_trip(const tsu_project *project)
{
    char *text = tsu_project_to_string(project);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *again = tsu_project_parse(text, strlen(text), "<saved>", &diag);
    if (!again) {
        tsu_diag_print(&diag, stderr);
        fprintf(stderr, "fuzz-project: the canonical text does not load again:\n%s", text);
        abort();
    }
    char *text2 = tsu_project_to_string(again);
    if (strcmp(text, text2) != 0) {
        fprintf(stderr, "fuzz-project: saving changed the text:\n%s\n----\n%s", text, text2);
        abort();
    }
    free(text2);
    tsu_project_free(again);
    tsu_diag_free(&diag);
    free(text);
}

/* Every accessor a front end calls for its table (tsumiki-cli check). */
static void describe(const tsu_graph *graph)
{
    char shape[256];
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        tsu_shape_format(tsu_node_shape(node), shape, sizeof shape);
        tsu_shape_format_list(tsu_node_shape(node), shape, sizeof shape);
        (void)tsu_node_trainable_count(node);
        (void)tsu_node_macs(node);
        for (int t = 0; t < tsu_node_tensor_count(node); t++) (void)tsu_node_tensor(node, t);
        for (int k = 0; k < tsu_node_input_count(node); k++) (void)tsu_node_input(node, k);
    }
}

/* The design checks, and every fix they offer applied to a copy: a fix
 * never crashes and leaves a project that reads back. A made-up summary
 * ("y": 10 classes, "t": real values) lets the checks about targets run. */
static void advise_and_fix(const tsu_project *project, const tsu_graph *graph)
{
    tsu_variable_summary vars[] = {
        {.name = "y", .width = 1, .n_classes = 10, .integers = true, .min = 0, .max = 9},
        {.name = "t", .width = 1, .min = -3, .max = 3},
    };
    const tsu_data_summary data = {2, vars};
    tsu_warnings warnings;
    tsu_warnings_init(&warnings);
    tsu_graph_advise(graph, &data, &warnings);
    for (int i = 0; i < warnings.count; i++) {
        tsu_project *copy = tsu_project_dup(project);
        tsu_diag diag;
        tsu_diag_init(&diag);
        (void)tsu_fix_apply(copy, &warnings.items[i].fix, &diag);
        check_round_trip(copy);
        tsu_graph_free(tsu_graph_build(copy, &diag));
        tsu_diag_free(&diag);
        tsu_project_free(copy);
    }
    tsu_warnings_free(&warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip(size)) return 0;
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_parse((const char *)data, size, "<fuzz>", &diag);
    if (project) {
        check_round_trip(project);
        tsu_train_config config;
        tsu_train_config_read(project, &config, &diag);
        tsu_graph *graph = tsu_graph_build(project, &diag);
        tsu_graph_stats stats;
        tsu_graph_stats_compute(graph, config.batch_size > 0 ? config.batch_size : 1,
                                config.optimizer, &stats);
        describe(graph);
        advise_and_fix(project, graph);
        fuzz_run_graph(graph, NULL);
        tsu_graph_free(graph);
        tsu_project_free(project);
    }
    fuzz_check_reason(project != NULL, &diag, "tsu_project_parse");
    tsu_diag_free(&diag);
    return 0;
}
