/* test-helpers.h — small helpers shared by the engine tests. */
#ifndef TSU_TEST_HELPERS_H
#define TSU_TEST_HELPERS_H

#include <glib.h>
#include <string.h>

#include "tsumiki.h"

/* A project from text; the test fails if it does not load. */
static inline tsu_project *load_text(const char *text)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_parse(text, strlen(text), "test.tsumiki", &diag);
    if (!p) g_error("project did not load: %s", diag.count ? diag.items[0].message : "?");
    tsu_diag_free(&diag);
    return p;
}

/* A project whose network.nodes is the given JSON array text. */
static inline tsu_project *load_nodes(const char *nodes_json)
{
    g_autofree char *text = g_strdup_printf(
        "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"t\", "
        "\"network\": {\"nodes\": %s}}",
        nodes_json);
    return load_text(text);
}

/* true when some message in diag contains every one of the NULL-terminated needles. */
static inline bool diag_has(const tsu_diag *diag, ...)
{
    for (int i = 0; i < diag->count; i++) {
        va_list ap;
        va_start(ap, diag);
        bool all = true;
        for (const char *needle; (needle = va_arg(ap, const char *));)
            if (!strstr(diag->items[i].message, needle)) all = false;
        va_end(ap);
        if (all) return true;
    }
    return false;
}

static inline void diag_dump(const tsu_diag *diag)
{
    for (int i = 0; i < diag->count; i++) g_test_message("diag: %s", diag->items[i].message);
}

/* The graph of network.nodes given as text; diag holds its messages
 * (the caller frees both). */
static inline tsu_graph *build_graph(const char *nodes, tsu_diag *diag)
{
    tsu_project *p = load_nodes(nodes);
    tsu_diag_init(diag);
    tsu_graph *g = tsu_graph_build(p, diag);
    diag_dump(diag);
    tsu_project_free(p);
    return g;
}

static inline char *source_path(const char *relative)
{
    const char *root = g_getenv("TSU_SOURCE_DIR");
    g_assert_nonnull(root);
    return g_build_filename(root, relative, NULL);
}

/* A project file (relative to the source tree) in canonical form: loading
 * and writing it gives back its exact bytes. */
static inline void assert_canonical_file(const char *relative)
{
    g_autofree char *path = source_path(relative);
    g_autofree char *original = NULL;
    g_assert_true(g_file_get_contents(path, &original, NULL, NULL));
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *p = tsu_project_load(path, &diag);
    g_assert_nonnull(p);
    char *text = tsu_project_to_string(p);
    g_assert_cmpstr(text, ==, original);
    free(text);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

#endif
