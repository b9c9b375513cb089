/* dataset-section.c — the project's "dataset" object as typed specs, so
 * front ends never read or write it as JSON. Edits go into the document's
 * tree in place: unknown keys and the order of known ones survive. */
#include "tsu-internal.h"

#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <string.h>

static const char *const entry_keys[] = {"training", "validation"};

typedef struct {
    const char *key;
    size_t offset; /* of the char * in tsu_dataset_spec */
} string_field;

static const string_field string_fields[] = {
    {"source", offsetof(tsu_dataset_spec, source)},
    {"split", offsetof(tsu_dataset_spec, split)},
    {"dir", offsetof(tsu_dataset_spec, dir)},
    {"path", offsetof(tsu_dataset_spec, path)},
    {"images", offsetof(tsu_dataset_spec, images)},
    {"labels", offsetof(tsu_dataset_spec, labels)},
};

static char **string_at(tsu_dataset_spec *spec, const string_field *f)
{
    return (char **)((char *)spec + f->offset);
}

static tsu_dataset_spec *entry_at(tsu_dataset_settings *s, int i)
{
    return i == 0 ? &s->training : &s->validation;
}

void tsu_dataset_spec_clear(tsu_dataset_spec *spec)
{
    for (size_t i = 0; i < TSU_ARRAY_LEN(string_fields); i++) free(*string_at(spec, &string_fields[i]));
    *spec = (tsu_dataset_spec){0};
}

void tsu_dataset_settings_clear(tsu_dataset_settings *s)
{
    tsu_dataset_spec_clear(&s->training);
    tsu_dataset_spec_clear(&s->validation);
}

void tsu_dataset_spec_copy(tsu_dataset_spec *out, const tsu_dataset_spec *spec)
{
    *out = *spec;
    for (size_t i = 0; i < TSU_ARRAY_LEN(string_fields); i++) {
        char **s = string_at(out, &string_fields[i]);
        if (*s) *s = tsu_xstrdup(*s);
    }
}

static struct json_object *member(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    return json_object_is_type(obj, json_type_object) && json_object_object_get_ex(obj, key, &v)
               ? v : NULL;
}

static bool located_error(const char *entry, const char *key, const char *expected,
                          struct json_object *got, tsu_diag *diag)
{
    char path[96];
    snprintf(path, sizeof path, "dataset.%s%s%s", entry, key ? "." : "", key ? key : "");
    char *text = tsu_json_to_canonical(got, -1);
    tsu_diag_add(diag, TSU_E_FORMAT, NULL, path, _("expected %s, got %s"), expected, text);
    free(text);
    return false;
}

/* An integer >= min from the entry; absent keeps *out. */
static bool read_count(struct json_object *obj, const char *entry, const char *key, double min,
                       double max, double *out, tsu_diag *diag)
{
    struct json_object *v = member(obj, key);
    if (!v || json_object_is_type(v, json_type_null)) return true;
    double d = json_object_is_type(v, json_type_int)      ? (double)json_object_get_int64(v)
               : json_object_is_type(v, json_type_double) ? json_object_get_double(v)
                                                          : NAN;
    if (!(d >= min && d <= max && d == floor(d))) {
        char expected[48];
        snprintf(expected, sizeof expected, _("an integer >= %.0f"), min);
        return located_error(entry, key, expected, v, diag);
    }
    *out = d;
    return true;
}

static bool read_entry(struct json_object *obj, const char *entry, tsu_dataset_spec *spec,
                       tsu_diag *diag)
{
    *spec = (tsu_dataset_spec){.present = true};
    if (!json_object_is_type(obj, json_type_object))
        return located_error(entry, NULL, _("an object"), obj, diag);
    bool ok = true;
    for (size_t i = 0; i < TSU_ARRAY_LEN(string_fields); i++) {
        struct json_object *v = member(obj, string_fields[i].key);
        if (!v || json_object_is_type(v, json_type_null)) continue;
        if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v)) {
            ok = located_error(entry, string_fields[i].key, _("a non-empty string"), v, diag);
            continue;
        }
        *string_at(spec, &string_fields[i]) = tsu_xstrdup(json_object_get_string(v));
    }
    double skip = 0, limit = 0, seed = -1;
    ok &= read_count(obj, entry, "skip", 0, INT_MAX, &skip, diag);
    ok &= read_count(obj, entry, "limit", 1, INT_MAX, &limit, diag);
    ok &= read_count(obj, entry, "shuffle", 0, 9007199254740992.0, &seed, diag);
    spec->skip = (int)skip;
    spec->limit = (int)limit;
    spec->shuffled = seed >= 0;
    spec->shuffle_seed = spec->shuffled ? (uint64_t)seed : 0;
    return ok;
}

tsu_status tsu_project_get_dataset(const tsu_project *project, tsu_dataset_settings *s,
                                   tsu_diag *diag)
{
    *s = (tsu_dataset_settings){0};
    struct json_object *all = member(tsu_project_root(project), "dataset");
    if (!all) return TSU_OK;
    if (!json_object_is_type(all, json_type_object)) {
        char *text = tsu_json_to_canonical(all, -1);
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, "dataset", _("expected an object, got %s"), text);
        free(text);
        return TSU_E_FORMAT;
    }
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        struct json_object *obj = member(all, entry_keys[i]);
        if (obj) ok &= read_entry(obj, entry_keys[i], entry_at(s, i), diag);
    }
    return ok ? TSU_OK : TSU_E_FORMAT;
}

static void put_string(struct json_object *obj, const char *key, const char *value)
{
    struct json_object *v = member(obj, key);
    const char *current = v && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                         : NULL;
    if (!value) {
        if (v) json_object_object_del(obj, key);
    } else if (!current || strcmp(current, value) != 0) {
        json_object_object_add(obj, key, json_object_new_string(value));
    }
}

/* A count: `absent` (the value meaning "not given") removes the key. */
static void put_count(struct json_object *obj, const char *key, int64_t value, bool absent)
{
    struct json_object *v = member(obj, key);
    if (absent) {
        if (v) json_object_object_del(obj, key);
        return;
    }
    bool same = v && ((json_object_is_type(v, json_type_int) && json_object_get_int64(v) == value) ||
                      (json_object_is_type(v, json_type_double) &&
                       json_object_get_double(v) == (double)value));
    if (!same) json_object_object_add(obj, key, json_object_new_int64(value));
}

static void write_entry(struct json_object *obj, const tsu_dataset_spec *spec)
{
    for (size_t i = 0; i < TSU_ARRAY_LEN(string_fields); i++)
        put_string(obj, string_fields[i].key,
                   *string_at((tsu_dataset_spec *)spec, &string_fields[i]));
    /* An explicit "skip": 0 says what the default says: leave it. */
    struct json_object *skip = member(obj, "skip");
    if (spec->skip != 0 || !skip || !json_object_is_type(skip, json_type_int) ||
        json_object_get_int64(skip) != 0)
        put_count(obj, "skip", spec->skip, spec->skip == 0);
    put_count(obj, "limit", spec->limit, spec->limit <= 0);
    put_count(obj, "shuffle", (int64_t)spec->shuffle_seed, !spec->shuffled);
}

void tsu_project_set_dataset(tsu_project *project, const tsu_dataset_settings *s)
{
    struct json_object *root = tsu_project_root(project);
    struct json_object *all = member(root, "dataset");
    if (!all || !json_object_is_type(all, json_type_object)) {
        all = json_object_new_object();
        json_object_object_add(root, "dataset", all);
    }
    for (int i = 0; i < 2; i++) {
        const tsu_dataset_spec *spec = entry_at((tsu_dataset_settings *)s, i);
        struct json_object *obj = member(all, entry_keys[i]);
        if (!spec->present) {
            if (obj) json_object_object_del(all, entry_keys[i]);
            continue;
        }
        if (!obj || !json_object_is_type(obj, json_type_object)) {
            obj = json_object_new_object();
            json_object_object_add(all, entry_keys[i], obj);
        }
        write_entry(obj, spec);
    }
}

tsu_dataset *tsu_project_open_dataset(const tsu_project *project, const char *key,
                                      tsu_diag *diag)
{
    struct json_object *spec = member(member(tsu_project_root(project), "dataset"), key);
    if (!spec) {
        tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("dataset.%s: the project names no %s data"),
                     key, key);
        return NULL;
    }
    char context[64], *dir = tsu_project_dir(project);
    snprintf(context, sizeof context, "dataset.%s", key);
    tsu_dataset *ds = tsu_dataset_open_named(spec, dir, context, diag);
    free(dir);
    return ds;
}
