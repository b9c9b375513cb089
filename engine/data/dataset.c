/* dataset.c — opening a dataset from its spec (which calls the readers,
 * idx.c and csv.c), and the accessors of an open dataset. What the readers
 * share is in samples.c, so the readers never call back into this file. */
#include "data-internal.h"

#include <ctype.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ the spec */

typedef struct {
    const char *name;
    const char *title;       /* in describe() */
    const char *default_dir; /* built-ins only */
} source_info;

static const source_info sources[] = {
    {"fashion-mnist", "Fashion-MNIST", "/usr/share/datasets/fashion-mnist"},
    {"mnist", "MNIST", "/usr/share/datasets/mnist"},
    {"idx", "IDX", NULL},
    {"csv", "CSV", NULL},
};

static const char *suggest_source(const char *name)
{
    const char *names[TSU_ARRAY_LEN(sources)];
    for (size_t i = 0; i < TSU_ARRAY_LEN(sources); i++) names[i] = sources[i].name;
    return tsu_suggest_name(name, names, (int)TSU_ARRAY_LEN(sources));
}

/* A count from the spec: absent leaves *out alone. */
static bool get_count(struct json_object *spec, const char *key, int min, int *out,
                      const char *context, tsu_diag *diag)
{
    struct json_object *v;
    if (!json_object_object_get_ex(spec, key, &v) || json_object_is_type(v, json_type_null))
        return true;
    double d;
    if (json_object_is_type(v, json_type_int))
        d = (double)json_object_get_int64(v);
    else if (json_object_is_type(v, json_type_double))
        d = json_object_get_double(v);
    else
        d = -1.0; /* below every min: a string or a list is never a count */
    if (!(d >= min && d <= INT_MAX && d == floor(d))) {
        tsu_diag_add(diag, TSU_E_FORMAT, context, key, _("expected an integer >= %d, got %s"), min,
                     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        return false;
    }
    *out = (int)d;
    return true;
}

/* A string from the spec; NULL (and a message when required) if absent. */
static const char *get_string(struct json_object *spec, const char *key, bool required,
                              bool *ok, const char *context, tsu_diag *diag)
{
    struct json_object *v;
    if (!json_object_object_get_ex(spec, key, &v) || json_object_is_type(v, json_type_null)) {
        if (required) {
            tsu_diag_add(diag, TSU_E_FORMAT, context, key, _("missing (required)"));
            *ok = false;
        }
        return NULL;
    }
    if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v)) {
        tsu_diag_add(diag, TSU_E_FORMAT, context, key, _("expected a non-empty string, got %s"),
                     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        *ok = false;
        return NULL;
    }
    return json_object_get_string(v);
}

/* stat, not open: opening a FIFO would wait for a writer. What it names is
 * read (and refused with its reason) by the reader. */
static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The first of dir/stem.gz, dir/stem, dir/alt that exists (malloc'd), or NULL. */
static char *find_idx(const char *dir, const char *stem, const char *alt)
{
    char *names[3] = {tsu_ds_printf("%s.gz", stem), tsu_xstrdup(stem), tsu_xstrdup(alt)};
    char *found = NULL;
    for (int i = 0; i < 3 && !found; i++) {
        char *path = tsu_ds_path_join(dir, names[i]);
        if (file_exists(path)) found = path;
        else free(path);
    }
    for (int i = 0; i < 3; i++) free(names[i]);
    return found;
}

static bool open_builtin(tsu_dataset *ds, struct json_object *spec, const source_info *src,
                         const char *base_dir, const tsu_ds_range *range,
                         const char *context, tsu_diag *diag, char **title)
{
    bool ok = true;
    const char *split = get_string(spec, "split", true, &ok, context, diag);
    const char *dir_spec = get_string(spec, "dir", false, &ok, context, diag);
    if (!ok) return false;
    const char *prefix;
    if (!strcmp(split, "train")) prefix = "train";
    else if (!strcmp(split, "test")) prefix = "t10k";
    else {
        tsu_diag_add(diag, TSU_E_FORMAT, context, "split",
                     _("expected \"train\" or \"test\", got \"%s\"%s"), split,
                     strncmp(split, "val", 3) ? ""
                     : _(" (for a validation split, use \"skip\" and \"limit\" on \"train\")"));
        return false;
    }
    char *dir = dir_spec ? tsu_ds_path_join(base_dir, dir_spec) : tsu_xstrdup(src->default_dir);
    char *stem_x = tsu_ds_printf("%s-images-idx3-ubyte", prefix);
    char *stem_y = tsu_ds_printf("%s-labels-idx1-ubyte", prefix);
    char *alt_x = tsu_ds_printf("%s-images.idx3-ubyte", prefix);
    char *alt_y = tsu_ds_printf("%s-labels.idx1-ubyte", prefix);
    char *images = find_idx(dir, stem_x, alt_x);
    char *labels = find_idx(dir, stem_y, alt_y);
    if (!images || !labels) {
        tsu_diag_add(diag, TSU_E_IO, context, NULL,
                     _("%s %s %s not found in %s (looked for %s.gz and %s)%s"), src->title, split,
                     images ? "labels" : "images", dir, images ? stem_y : stem_x,
                     images ? stem_y : stem_x,
                     dir_spec ? ""
                     : !strcmp(src->name, "fashion-mnist")
                         ? _("; install the dataset-fashion-mnist package or set \"dir\"")
                         : _("; set \"dir\" to a directory holding the MNIST IDX files"));
        ok = false;
    } else {
        ok = tsu_ds_idx_load(ds, images, labels, range, context, diag);
    }
    *title = tsu_ds_printf("%s %s", src->title, split);
    free(images), free(labels), free(stem_x), free(stem_y), free(alt_x), free(alt_y), free(dir);
    return ok;
}

static bool open_idx(tsu_dataset *ds, struct json_object *spec, const char *base_dir,
                     const tsu_ds_range *range, const char *context, tsu_diag *diag,
                     char **title)
{
    bool ok = true;
    const char *images = get_string(spec, "images", true, &ok, context, diag);
    const char *labels = get_string(spec, "labels", false, &ok, context, diag);
    if (!ok) return false;
    char *x = tsu_ds_path_join(base_dir, images);
    char *y = labels ? tsu_ds_path_join(base_dir, labels) : NULL;
    ok = tsu_ds_idx_load(ds, x, y, range, context, diag);
    *title = tsu_ds_printf("IDX %s", tsu_ds_basename(x));
    free(x), free(y);
    return ok;
}

static bool open_csv(tsu_dataset *ds, struct json_object *spec, const char *base_dir,
                     const tsu_ds_range *range, const char *context, tsu_diag *diag,
                     char **title)
{
    bool ok = true;
    const char *path = get_string(spec, "path", true, &ok, context, diag);
    if (!ok) return false;
    char *full = tsu_ds_path_join(base_dir, path);
    ok = tsu_ds_csv_load(ds, full, range, context, diag);
    *title = tsu_ds_printf("CSV %s", tsu_ds_basename(full));
    free(full);
    return ok;
}

tsu_dataset *tsu_dataset_open_named(struct json_object *spec, const char *base_dir,
                                    const char *context, tsu_diag *diag)
{
    if (!context || !*context) context = "dataset";
    if (!base_dir || !*base_dir) base_dir = ".";
    if (!spec || !json_object_is_type(spec, json_type_object)) {
        tsu_diag_add(diag, TSU_E_FORMAT, context, NULL,
                     _("expected an object with a \"source\", got %s"),
                     spec ? json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PLAIN)
                          : "nothing");
        return NULL;
    }
    bool ok = true;
    const char *name = get_string(spec, "source", true, &ok, context, diag);
    if (!ok) return NULL;
    const source_info *src = NULL;
    for (size_t i = 0; i < TSU_ARRAY_LEN(sources); i++)
        if (!strcmp(name, sources[i].name)) src = &sources[i];
    if (!src) {
        const char *hint = suggest_source(name);
        if (hint)
            tsu_diag_add(diag, TSU_E_FORMAT, context, "source",
                         _("unknown source \"%s\" (did you mean \"%s\"?)"), name, hint);
        else
            tsu_diag_add(diag, TSU_E_FORMAT, context, "source",
                         _("unknown source \"%s\" (expected \"fashion-mnist\", \"mnist\", "
                           "\"idx\" or \"csv\")"), name);
        return NULL;
    }
    tsu_ds_range range = {0, -1};
    ok = get_count(spec, "skip", 0, &range.skip, context, diag);
    ok = get_count(spec, "limit", 1, &range.limit, context, diag) && ok;
    range.seed = -1;
    ok = get_count(spec, "shuffle", 0, &range.seed, context, diag) && ok;
    range.shuffle = range.seed >= 0;
    if (!ok) return NULL;

    tsu_dataset *ds = tsu_xcalloc(1, sizeof *ds);
    char *title = NULL;
    if (src->default_dir)
        ok = open_builtin(ds, spec, src, base_dir, &range, context, diag, &title);
    else if (!strcmp(src->name, "idx"))
        ok = open_idx(ds, spec, base_dir, &range, context, diag, &title);
    else
        ok = open_csv(ds, spec, base_dir, &range, context, diag, &title);
    if (!ok) {
        free(title);
        tsu_dataset_free(ds);
        return NULL;
    }
    char order[64] = "";
    if (ds->shuffled) snprintf(order, sizeof order, _(", shuffled with seed %d"), ds->seed);
    if (ds->n == ds->total)
        ds->describe = tsu_ds_printf(_("%s (%d samples%s)"), title, ds->n, order);
    else if (ds->skip == 0)
        ds->describe = tsu_ds_printf(_("%s (%d of %d samples%s)"), title, ds->n, ds->total,
                                     order);
    else
        ds->describe = tsu_ds_printf(_("%s (%d of %d samples%s, from #%d)"), title, ds->n,
                                     ds->total, order, ds->skip);
    free(title);
    return ds;
}

tsu_dataset *tsu_dataset_open(struct json_object *spec, const char *base_dir, tsu_diag *diag)
{
    return tsu_dataset_open_named(spec, base_dir, NULL, diag);
}

void tsu_dataset_free(tsu_dataset *ds)
{
    if (!ds) return;
    for (int i = 0; i < ds->n_vars; i++) {
        free(ds->vars[i].data);
        free(ds->vars[i].file);
    }
    free(ds->describe);
    free(ds->origin);
    free(ds->lines);
    free(ds->source);
    free(ds);
}

/* ------------------------------------------------------------ accessors */

static const tsu_ds_var *var_at(const tsu_dataset *ds, int var)
{
    tsu_assert(ds && var >= 0 && var < ds->n_vars);
    return &ds->vars[var];
}

int tsu_dataset_size(const tsu_dataset *ds)
{
    return ds->n;
}

const char *tsu_dataset_describe(const tsu_dataset *ds)
{
    return ds->describe;
}

int tsu_dataset_variable_count(const tsu_dataset *ds)
{
    return ds->n_vars;
}

const char *tsu_dataset_variable_name(const tsu_dataset *ds, int var)
{
    return var_at(ds, var)->name;
}

int tsu_dataset_variable_find(const tsu_dataset *ds, const char *name)
{
    for (int i = 0; name && i < ds->n_vars; i++)
        if (!strcmp(ds->vars[i].name, name)) return i;
    return -1;
}

tsu_shape tsu_dataset_variable_shape(const tsu_dataset *ds, int var)
{
    return var_at(ds, var)->shape;
}

bool tsu_dataset_variable_is_label(const tsu_dataset *ds, int var)
{
    return var_at(ds, var)->store == TSU_STORE_LABEL;
}

int tsu_dataset_class_count(const tsu_dataset *ds, int var)
{
    const tsu_ds_var *v = var_at(ds, var);
    return v->store == TSU_STORE_LABEL ? v->n_classes : 0;
}

void tsu_dataset_fill(const tsu_dataset *ds, int var, const int *indices, int n, float *out)
{
    const tsu_ds_var *v = var_at(ds, var);
    const size_t size = v->sample_size;
    for (int b = 0; b < n; b++) {
        int index = indices[b];
        tsu_assert(index >= 0 && index < ds->n);
        float *dst = out + (size_t)b * size;
        if (v->store == TSU_STORE_U8) {
            const uint8_t *src = (const uint8_t *)v->data + (size_t)index * size;
            for (size_t k = 0; k < size; k++) dst[k] = (float)src[k] * (1.0f / 255.0f);
        } else if (v->store == TSU_STORE_F32) {
            memcpy(dst, (const float *)v->data + (size_t)index * size, size * sizeof(float));
        } else {
            const int32_t *src = (const int32_t *)v->data + (size_t)index * size;
            for (size_t k = 0; k < size; k++) dst[k] = (float)src[k];
        }
    }
}

const uint8_t *tsu_dataset_image(const tsu_dataset *ds, int var, int index)
{
    const tsu_ds_var *v = var_at(ds, var);
    tsu_assert(index >= 0 && index < ds->n);
    if (v->store != TSU_STORE_U8 || v->shape.ndim != 3) return NULL;
    return (const uint8_t *)v->data + (size_t)index * v->sample_size;
}

int tsu_dataset_label(const tsu_dataset *ds, int var, int index)
{
    const tsu_ds_var *v = var_at(ds, var);
    tsu_assert(index >= 0 && index < ds->n);
    if (v->store != TSU_STORE_LABEL) return -1;
    return ((const int32_t *)v->data)[index];
}

const char *tsu_dataset_sample_file(const tsu_dataset *ds, int index)
{
    tsu_assert(index >= 0 && index < ds->n);
    return ds->origin;
}

int tsu_dataset_source_index(const tsu_dataset *ds, int index)
{
    tsu_assert(index >= 0 && index < ds->n);
    return tsu_ds_source(ds, index);
}

int tsu_dataset_sample_line(const tsu_dataset *ds, int index)
{
    tsu_assert(index >= 0 && index < ds->n);
    return ds->lines ? ds->lines[index] : 0;
}

tsu_status tsu_dataset_check_labels(const tsu_dataset *ds, int var, int n_classes,
                                    const char *what, tsu_diag *diag)
{
    const tsu_ds_var *v = var_at(ds, var);
    if (v->store != TSU_STORE_LABEL) return TSU_OK;
    const int32_t *labels = v->data;
    for (int i = 0; i < ds->n; i++) {
        if (labels[i] < n_classes) continue;
        const char *file = v->file ? v->file : ds->origin;
        if (ds->lines)
            return tsu_diag_add_at(diag, TSU_E_DATA, file, ds->lines[i], 0,
                                   _("label %d of \"%s\" is out of range for %s (classes 0..%d)"),
                                   labels[i], v->name, what ? what : _("the network"),
                                   n_classes - 1);
        return tsu_diag_add_at(diag, TSU_E_DATA, file, 0, 0,
                               _("sample %d: label %d of \"%s\" is out of range for %s "
                                 "(classes 0..%d)"), tsu_ds_source(ds, i), labels[i], v->name,
                               what ? what : _("the network"), n_classes - 1);
    }
    return TSU_OK;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void tsu_dataset_epoch_order(int n, uint64_t seed, int epoch, int *order)
{
    uint64_t state = seed;
    /* Mix the epoch in through one step so nearby seeds and epochs
     * do not give shifted copies of one stream. */
    state ^= splitmix64(&(uint64_t){(uint64_t)epoch * 0xD1B54A32D192ED03ull + 1});
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        /* Modulo bias is below n / 2^64: immaterial for any dataset size. */
        int j = (int)(splitmix64(&state) % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}
