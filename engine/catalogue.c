/* catalogue.c — the layer catalogue as the front ends see it. */
#include "tsu-internal.h"

#include <ctype.h>
#include <string.h>

/* tsu_layer_kind_count and tsu_layer_kind_at are the registry's:
 * engine/layers/registry.c. */

const tsu_layer_kind *tsu_layer_kind_find(const char *name)
{
    for (int i = 0; i < tsu_layer_kind_count(); i++)
        if (strcmp(tsu_layer_kind_at(i)->name, name) == 0) return tsu_layer_kind_at(i);
    return NULL;
}

/* Case-insensitive Levenshtein distance, bounded to short names. */
static int edit_distance(const char *a, const char *b)
{
    enum { MAX = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if (la >= MAX || lb >= MAX) return MAX;
    int prev[MAX + 1], cur[MAX + 1];
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + !same;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

const char *tsu_suggest_name(const char *name, const char *const *candidates, int count)
{
    const char *best = NULL;
    int best_distance = 1 << 30;
    for (int i = 0; i < count; i++) {
        int d = edit_distance(name, candidates[i]);
        if (d < best_distance) {
            best_distance = d;
            best = candidates[i];
        }
    }
    int len = (int)strlen(name);
    int limit = len / 3 > 2 ? len / 3 : 2;
    return best && best_distance <= limit ? best : NULL;
}

const char *tsu_layer_kind_suggest(const char *name)
{
    const char *names[128];
    int n = 0;
    for (int i = 0; i < tsu_layer_kind_count() && n < 128; i++)
        names[n++] = tsu_layer_kind_at(i)->name;
    return tsu_suggest_name(name, names, n);
}

const char *tsu_layer_kind_name(const tsu_layer_kind *kind) { return kind->name; }
const char *tsu_layer_kind_category(const tsu_layer_kind *kind) { return kind->category; }
const char *tsu_layer_kind_help(const tsu_layer_kind *kind) { return kind->help; }
int tsu_layer_kind_min_inputs(const tsu_layer_kind *kind) { return kind->min_inputs; }
int tsu_layer_kind_max_inputs(const tsu_layer_kind *kind) { return kind->max_inputs; }
bool tsu_layer_kind_is_loss(const tsu_layer_kind *kind) { return kind->flags & TSU_KIND_LOSS; }
bool tsu_layer_kind_is_input(const tsu_layer_kind *kind) { return kind->flags & TSU_KIND_INPUT; }
int tsu_layer_kind_param_count(const tsu_layer_kind *kind) { return kind->n_params; }
const tsu_layer_about *tsu_layer_kind_about(const tsu_layer_kind *kind) { return &kind->about; }

const tsu_param_desc *tsu_layer_kind_param(const tsu_layer_kind *kind, int index)
{
    if (index < 0 || index >= kind->n_params) return NULL;
    return &kind->params[index];
}

const tsu_param_desc *tsu_layer_kind_param_find(const tsu_layer_kind *kind, const char *name)
{
    for (int i = 0; i < kind->n_params; i++)
        if (strcmp(kind->params[i].name, name) == 0) return &kind->params[i];
    return NULL;
}
