/* test-helpers.h — building small graphs from JSON node lists in tests. */
#ifndef TSU_TEST_HELPERS_H
#define TSU_TEST_HELPERS_H

#include "tsumiki.h"
#include "tsumiki-net.h"

#include <glib.h>
#include <string.h>

typedef struct {
    tsu_project *project;
    tsu_graph *graph;
    tsu_diag diag;
} test_graph;

/* nodes_json: the members of network.nodes, without the brackets. */
static inline void test_graph_build(test_graph *t, const char *nodes_json)
{
    char *text = g_strdup_printf("{\"format\": \"tsumiki-project\", \"version\": 1, "
                                 "\"name\": \"test\", \"network\": {\"nodes\": [%s]}}",
                                 nodes_json);
    tsu_diag_init(&t->diag);
    t->project = tsu_project_parse(text, strlen(text), "<test>", &t->diag);
    g_free(text);
    if (!t->project) tsu_diag_print(&t->diag, stderr);
    g_assert_nonnull(t->project);
    t->graph = tsu_graph_build(t->project, &t->diag);
    g_assert_nonnull(t->graph);
}

static inline void test_graph_free(test_graph *t)
{
    tsu_graph_free(t->graph);
    tsu_project_free(t->project);
    tsu_diag_free(&t->diag);
}

/* true when some error message contains `text`. */
static inline bool test_diag_has(const tsu_diag *diag, const char *text)
{
    for (int i = 0; i < diag->count; i++)
        if (strstr(diag->items[i].message, text)) return true;
    return false;
}

static inline void test_diag_dump(const tsu_diag *diag)
{
    for (int i = 0; i < diag->count; i++) g_printerr("  diag: %s\n", diag->items[i].message);
}

#endif
