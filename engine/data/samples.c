/* samples.c — what the dataset readers share: a dataset's variables and
 * its selected range, and path and text helpers. dataset.c calls the
 * readers; the readers and dataset.c call this file, which calls neither. */
#include "data-internal.h"

#include <stdarg.h>
#include <string.h>

char *tsu_ds_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    tsu_assert(n >= 0);
    char *s = tsu_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *tsu_ds_path_join(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !*dir) return tsu_xstrdup(name);
    size_t len = strlen(dir);
    return tsu_ds_printf("%s%s%s", dir, dir[len - 1] == '/' ? "" : "/", name);
}

char *tsu_ds_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return tsu_xstrdup(".");
    if (slash == path) return tsu_xstrdup("/");
    return tsu_ds_printf("%.*s", (int)(slash - path), path);
}

const char *tsu_ds_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

tsu_ds_var *tsu_ds_add_var(tsu_dataset *ds, const char *name, const tsu_shape *shape,
                           tsu_store store, void *data, const char *file, tsu_diag *diag)
{
    tsu_assert(ds->n_vars < TSU_DS_MAX_VARS && ds->n > 0);
    size_t sample_size = tsu_shape_size(shape);
    if (!data) {
        size_t elem = store == TSU_STORE_U8 ? 1 : 4;
        /* Big images times many rows can exceed memory: that is bad input,
         * not a reason to abort, so no tsu_xcalloc here. */
        size_t count, bytes;
        bool fits = tsu_size_mul(sample_size, (size_t)ds->n, &count) &&
                    tsu_size_mul(count, elem, &bytes) && bytes <= ((size_t)1 << 40);
        data = fits ? calloc(count, elem) : NULL;
        if (!data) {
            char dims[96];
            tsu_shape_format(shape, dims, sizeof dims);
            tsu_diag_add_at(diag, TSU_E_NOMEM, file, 0, 0,
                            _("not enough memory for %d samples of %s"), ds->n, dims);
            return NULL;
        }
    }
    tsu_ds_var *v = &ds->vars[ds->n_vars++];
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "%s", name);
    v->shape = *shape;
    v->sample_size = sample_size;
    v->store = store;
    v->data = data;
    return v;
}

bool tsu_ds_apply_range(tsu_dataset *ds, const tsu_ds_range *range, int total,
                        const char *context, tsu_diag *diag)
{
    ds->total = total;
    if (total <= 0) {
        tsu_diag_add(diag, TSU_E_DATA, context, NULL, _("the dataset has no samples"));
        return false;
    }
    if (range->skip >= total) {
        tsu_diag_add(diag, TSU_E_DATA, context, "skip",
                     _("skipping %d samples leaves none (the dataset has %d)"), range->skip,
                     total);
        return false;
    }
    ds->skip = range->skip;
    int left = total - range->skip;
    ds->n = range->limit < 0 || range->limit > left ? left : range->limit;
    if (range->shuffle) {
        /* Epoch -1: trainers number epochs from 0, so a split's permutation
         * is never also an epoch's sample order. */
        int *perm = tsu_xmalloc((size_t)total * sizeof(int));
        tsu_dataset_epoch_order(total, (uint64_t)range->seed, -1, perm);
        ds->source = tsu_xmalloc((size_t)ds->n * sizeof(int));
        memcpy(ds->source, perm + ds->skip, (size_t)ds->n * sizeof(int));
        free(perm);
        ds->shuffled = true;
        ds->seed = range->seed;
    }
    return true;
}

