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

/* true when two nets of one graph hold bit-identical tensors. */
static inline bool test_same_tensors(tsu_net *a, tsu_net *b)
{
    g_assert_cmpint(tsu_net_tensor_count(a), ==, tsu_net_tensor_count(b));
    for (int i = 0; i < tsu_net_tensor_count(a); i++) {
        tsu_net_tensor *ta = tsu_net_tensor_at(a, i), *tb = tsu_net_tensor_at(b, i);
        if (memcmp(ta->data, tb->data, ta->size * sizeof(float)) != 0) return false;
    }
    return true;
}

static inline void test_diag_dump(const tsu_diag *diag)
{
    for (int i = 0; i < diag->count; i++) g_printerr("  diag: %s\n", diag->items[i].message);
}

/* Whether this CPU runs the AVX-512 builds of the kernels; when not, the
 * test is marked skipped, saying why. */
static inline bool test_have_avx512(void)
{
#if defined(__GNUC__) && defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) return true;
    g_test_skip("this CPU has no AVX-512: only the C build runs here");
#else
    g_test_skip("AVX-512 is an x86-64 build");
#endif
    return false;
}

#endif
