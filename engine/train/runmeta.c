/* runmeta.c — what a person and the trainer record about a run beside its
 * files: run.json (status, reason, note, name), deleting a run, and the
 * evaluation results saved in the run directory. */
#include "rundir.h"
#include "tsu-i18n.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const status_names[] = {
    [TSU_RUN_STATUS_UNKNOWN] = "unknown",   [TSU_RUN_STATUS_RUNNING] = "running",
    [TSU_RUN_STATUS_FINISHED] = "finished", [TSU_RUN_STATUS_STOPPED] = "stopped",
    [TSU_RUN_STATUS_FAILED] = "failed",
};

const char *tsu_run_status_name(tsu_run_status status)
{
    tsu_assert(status >= 0 && status < (int)TSU_ARRAY_LEN(status_names));
    return status_names[status];
}

static tsu_run_status status_from_name(const char *name)
{
    for (size_t i = 0; i < TSU_ARRAY_LEN(status_names); i++)
        if (!strcmp(name, status_names[i])) return (tsu_run_status)i;
    return TSU_RUN_STATUS_UNKNOWN;
}

void tsu_run_meta_free(tsu_run_meta *meta)
{
    free(meta->reason);
    free(meta->note);
    free(meta->name);
    memset(meta, 0, sizeof *meta);
}

/* run.json's object, or a new empty one when the file is missing. NULL
 * (with the reason in diag) when it exists but is not a JSON object. */
static struct json_object *meta_object(const char *run_dir, tsu_diag *diag)
{
    char *path = tsu_run_path(run_dir, TSU_RUN_META);
    struct stat st;
    if (stat(path, &st) != 0) {
        free(path);
        return json_object_new_object();
    }
    size_t length = 0;
    unsigned char *text = tsu_read_file(path, 1 << 20, &length, diag);
    struct json_object *root = text ? json_tokener_parse((const char *)text) : NULL;
    if (text && !json_object_is_type(root, json_type_object)) {
        tsu_diag_add_at(diag, TSU_E_FORMAT, path, 0, 0, _("not a JSON object"));
        json_object_put(root);
        root = NULL;
    }
    free(text);
    free(path);
    return root;
}

/* A string member, or NULL when it is missing or not a string. */
static char *dup_string(struct json_object *root, const char *key)
{
    struct json_object *value = NULL;
    if (!json_object_object_get_ex(root, key, &value) || !json_object_is_type(value, json_type_string))
        return NULL;
    return tsu_xstrdup(json_object_get_string(value));
}

tsu_status tsu_run_meta_load(const char *run_dir, tsu_run_meta *meta, tsu_diag *diag)
{
    memset(meta, 0, sizeof *meta);
    struct json_object *root = meta_object(run_dir, diag);
    if (!root) return tsu_diag_status(diag);
    char *status = dup_string(root, "status");
    meta->status = status ? status_from_name(status) : TSU_RUN_STATUS_UNKNOWN;
    free(status);
    meta->reason = dup_string(root, "reason");
    meta->note = dup_string(root, "note");
    meta->name = dup_string(root, "name");
    json_object_put(root);
    return TSU_OK;
}

/* Sets (or with NULL removes) keys of run.json, keeping the others. */
static tsu_status meta_update(const char *run_dir, const char *const *keys, const char *const *values,
                              int n, tsu_diag *diag)
{
    struct json_object *root = meta_object(run_dir, diag);
    if (!root) return tsu_diag_status(diag);
    for (int i = 0; i < n; i++) {
        if (values[i]) json_object_object_add(root, keys[i], json_object_new_string(values[i]));
        else json_object_object_del(root, keys[i]);
    }
    char *text = tsu_json_to_canonical(root, 2);
    char *path = tsu_run_path(run_dir, TSU_RUN_META);
    tsu_status st = tsu_write_file_atomic(path, text, strlen(text), diag);
    free(path);
    free(text);
    json_object_put(root);
    return st;
}

tsu_status tsu_run_set_status(const char *run_dir, tsu_run_status status, const char *reason,
                              tsu_diag *diag)
{
    static const char *const keys[] = {"status", "reason"};
    const char *values[] = {tsu_run_status_name(status), reason};
    return meta_update(run_dir, keys, values, 2, diag);
}

/* An empty text removes the key: no note, the run's own name. */
static tsu_status set_text(const char *run_dir, const char *key, const char *text, tsu_diag *diag)
{
    const char *value = text && *text ? text : NULL;
    return meta_update(run_dir, &key, &value, 1, diag);
}

tsu_status tsu_run_set_note(const char *run_dir, const char *note, tsu_diag *diag)
{
    return set_text(run_dir, "note", note, diag);
}

tsu_status tsu_run_set_name(const char *run_dir, const char *name, tsu_diag *diag)
{
    return set_text(run_dir, "name", name, diag);
}

/* ------------------------------------------------------------- delete */

static char *real_dir_of(const char *path)
{
    char *real = realpath(path, NULL);
    struct stat st;
    if (real && (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))) {
        free(real);
        return NULL;
    }
    return real;
}

/* run_dir is a direct subdirectory of the project's runs directory and
 * holds a run's files. */
static bool is_run_of(const char *project_path, const char *run_dir, tsu_diag *diag)
{
    char *runs = tsu_runs_dir(project_path);
    char *real_runs = runs ? real_dir_of(runs) : NULL, *real_run = real_dir_of(run_dir);
    char *parent = real_run ? tsu_xstrdup(real_run) : NULL;
    char *slash = parent ? strrchr(parent, '/') : NULL;
    if (slash) *slash = '\0';
    bool inside = real_runs && slash && !strcmp(parent, real_runs);
    bool has_files = false;
    for (int f = 0; inside && f < TSU_RUN_FILE_COUNT && !has_files; f++) {
        char *file = tsu_run_path(real_run, (tsu_run_file)f);
        has_files = access(file, F_OK) == 0;
        free(file);
    }
    if (!inside || !has_files)
        tsu_diag_add_at(diag, TSU_E_IO, run_dir, 0, 0, _("not a run of %s: nothing was deleted"),
                        project_path ? project_path : _("an unsaved project"));
    free(parent);
    free(real_run);
    free(real_runs);
    free(runs);
    return inside && has_files;
}

tsu_status tsu_run_delete(const char *project_path, const char *run_dir, tsu_diag *diag)
{
    if (!is_run_of(project_path, run_dir, diag)) return TSU_E_IO;
    /* A run holds files only; a folder someone put inside makes rmdir fail
     * and is reported, never removed. */
    DIR *dir = opendir(run_dir);
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        size_t cap = strlen(run_dir) + strlen(e->d_name) + 2;
        char *path = tsu_xmalloc(cap);
        snprintf(path, cap, "%s/%s", run_dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode)) unlink(path);
        free(path);
    }
    if (dir) closedir(dir);
    if (rmdir(run_dir) != 0)
        return tsu_diag_add_at(diag, TSU_E_IO, run_dir, 0, 0, _("cannot delete the run: %s"),
                               strerror(errno));
    return TSU_OK;
}

/* ---------------------------------------------------- saved evaluation */

/* "RUN/evaluation-validation.json" or ".csv"; NULL for a split name that
 * is not one. malloc'd. */
static char *eval_path(const char *run_dir, const char *split, const char *ext)
{
    if (strcmp(split, "validation") && strcmp(split, "training")) return NULL;
    size_t cap = strlen(run_dir) + strlen(split) + strlen(ext) + 32;
    char *path = tsu_xmalloc(cap);
    snprintf(path, cap, "%s/evaluation-%s.%s", run_dir, split, ext);
    return path;
}

static struct json_object *confusion_json(const tsu_confusion *cm)
{
    struct json_object *rows = json_object_new_array();
    for (int l = 0; l < cm->classes; l++) {
        struct json_object *row = json_object_new_array();
        for (int p = 0; p < cm->classes; p++)
            json_object_array_add(row, json_object_new_int64(cm->counts[l * cm->classes + p]));
        json_object_array_add(rows, row);
    }
    return rows;
}

static struct json_object *summary_json(const tsu_eval_result *r, const char *split, bool best)
{
    struct json_object *root = json_object_new_object();
    json_object_object_add(root, "split", json_object_new_string(split));
    json_object_object_add(root, "weights", json_object_new_string(best ? "best" : "last"));
    json_object_object_add(root, "samples", json_object_new_int(r->samples));
    json_object_object_add(root, "classification", json_object_new_boolean(r->classification));
    json_object_object_add(root, "loss", json_object_new_double(r->loss));
    json_object_object_add(root, "images_per_second", json_object_new_double(r->images_per_second));
    json_object_object_add(root, "n_outputs", json_object_new_int(r->n_outputs));
    json_object_object_add(root, "n_targets", json_object_new_int(r->n_targets));
    if (r->classification) {
        json_object_object_add(root, "accuracy", json_object_new_double(tsu_confusion_accuracy(&r->confusion)));
        json_object_object_add(root, "classes", json_object_new_int(r->confusion.classes));
        json_object_object_add(root, "confusion", confusion_json(&r->confusion));
    } else {
        json_object_object_add(root, "mean_squared_error", json_object_new_double(r->mean_squared_error));
    }
    return root;
}

static tsu_status save_body(const char *run_dir, const char *split, bool best,
                            const tsu_eval_result *r, tsu_diag *diag)
{
    char *csv = eval_path(run_dir, split, "csv"), *json = eval_path(run_dir, split, "json");
    tsu_status st = TSU_OK;
    if (!csv || !r->outputs)
        st = tsu_diag_add_at(diag, TSU_E_UNSUPPORTED, run_dir, 0, 0,
                             _("only an evaluation of the training or validation split kept with its "
                             "outputs can be saved"));
    /* The table first: a summary on disk always has its table. */
    if (st == TSU_OK) st = tsu_eval_write_outputs(r, csv, diag);
    if (st == TSU_OK) {
        struct json_object *root = summary_json(r, split, best);
        char *text = tsu_json_to_canonical(root, 2);
        st = tsu_write_file_atomic(json, text, strlen(text), diag);
        free(text);
        json_object_put(root);
    }
    free(csv);
    free(json);
    return st;
}

tsu_status tsu_eval_save(const char *run_dir, const char *split, bool best,
                         const tsu_eval_result *result, tsu_diag *diag)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_status st = save_body(run_dir, split, best, result, diag);
    tsu_c_numeric_end(&scope);
    return st;
}

/* Reading back: every value is checked against the summary, and errors
 * name the file (and line). */
typedef struct {
    const char *path;
    tsu_diag *diag;
    int line;
} reader;

static tsu_status bad(reader *rd, const char *what)
{
    return tsu_diag_add_at(rd->diag, TSU_E_FORMAT, rd->path, rd->line, 0, "%s", what);
}

static bool get_int(struct json_object *root, const char *key, int lo, int hi, int *out)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(root, key, &v) || !json_object_is_type(v, json_type_int)) return false;
    int64_t n = json_object_get_int64(v);
    if (n < lo || n > hi) return false;
    *out = (int)n;
    return true;
}

static bool get_double(struct json_object *root, const char *key, double *out)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(root, key, &v) ||
        !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
        return false;
    *out = json_object_get_double(v);
    return true;
}

/* The most values per sample a saved table may have: far beyond any
 * network's outputs, small enough that a damaged summary asks for no
 * absurd allocation. */
enum { MAX_SAVED_COLUMNS = 1 << 20 };

static tsu_status read_summary(reader *rd, struct json_object *root, tsu_eval_result *r, bool *best)
{
    struct json_object *v = NULL;
    if (!json_object_is_type(root, json_type_object)) return bad(rd, _("not a JSON object"));
    if (!json_object_object_get_ex(root, "classification", &v) || !json_object_is_type(v, json_type_boolean))
        return bad(rd, _("\"classification\": expected true or false"));
    r->classification = json_object_get_boolean(v);
    if (!json_object_object_get_ex(root, "weights", &v) || !json_object_is_type(v, json_type_string))
        return bad(rd, _("\"weights\": expected \"best\" or \"last\""));
    *best = !strcmp(json_object_get_string(v), "best");
    if (!get_int(root, "samples", 0, INT_MAX, &r->samples)) return bad(rd, _("\"samples\": expected a count"));
    if (!get_int(root, "n_outputs", 1, MAX_SAVED_COLUMNS, &r->n_outputs))
        return bad(rd, _("\"n_outputs\": expected a count"));
    if (!get_int(root, "n_targets", 0, MAX_SAVED_COLUMNS, &r->n_targets))
        return bad(rd, _("\"n_targets\": expected a count"));
    if (!get_double(root, "loss", &r->loss) || !get_double(root, "images_per_second", &r->images_per_second))
        return bad(rd, _("\"loss\" and \"images_per_second\": expected numbers"));
    if (!r->classification && !get_double(root, "mean_squared_error", &r->mean_squared_error))
        return bad(rd, _("\"mean_squared_error\": expected a number"));
    int classes = 0;
    if (r->classification && !get_int(root, "classes", 1, 1 << 16, &classes))
        return bad(rd, _("\"classes\": expected a count from 1 to 65536"));
    if (r->classification) tsu_confusion_init(&r->confusion, classes);
    return TSU_OK;
}

static tsu_status alloc_table(reader *rd, tsu_eval_result *r)
{
    return tsu_eval_result_reserve(r, (size_t)r->samples) ? TSU_OK : bad(rd, _("too many samples and outputs"));
}

/* The next comma-separated number of a line; false at a bad or missing one. */
static bool next_number(char **p, double *out)
{
    char *end;
    *out = strtod(*p, &end);
    if (end == *p || (*end != ',' && *end != '\n' && *end != '\r' && *end != '\0')) return false;
    *p = *end == ',' ? end + 1 : end;
    return true;
}

static bool whole_in(double v, int lo, int hi)
{
    return v == (double)(int64_t)v && v >= lo && v < hi;
}

static tsu_status read_row(reader *rd, char *p, int i, tsu_eval_result *r)
{
    double v;
    if (!next_number(&p, &v) || v != i) return bad(rd, _("expected the sample's index first"));
    if (r->classification) {
        double label, prediction;
        int classes = r->confusion.classes;
        if (!next_number(&p, &label) || !next_number(&p, &prediction) || !whole_in(label, 0, classes) ||
            !whole_in(prediction, 0, classes))
            return bad(rd, _("label and prediction must be classes of the summary"));
        r->labels[i] = (int)label;
        r->predictions[i] = (int)prediction;
        tsu_confusion_add(&r->confusion, r->labels[i], r->predictions[i]);
    }
    for (int j = 0; j < r->n_targets; j++) {
        if (!next_number(&p, &v)) return bad(rd, _("expected a number for each target"));
        r->targets[(size_t)i * (size_t)r->n_targets + (size_t)j] = (float)v;
    }
    for (int j = 0; j < r->n_outputs; j++) {
        if (!next_number(&p, &v)) return bad(rd, _("expected a number for each output"));
        r->outputs[(size_t)i * (size_t)r->n_outputs + (size_t)j] = (float)v;
    }
    if (*p != '\0' && *p != '\n' && *p != '\r') return bad(rd, _("more columns than the summary says"));
    return TSU_OK;
}

/* The rows after the header; the confusion matrix is counted from them. */
static tsu_status read_table(reader *rd, char *text, tsu_eval_result *r)
{
    char *line = strchr(text, '\n');
    rd->line = 1;
    const char *header = r->classification ? "index,label,prediction" : "index";
    if (!line || strncmp(text, header, strlen(header)))
        return bad(rd, _("expected the outputs table's header"));
    for (int i = 0; i < r->samples; i++) {
        char *p = line + 1;
        rd->line++;
        if (*p == '\0') return bad(rd, _("fewer rows than the summary's samples"));
        tsu_status st = read_row(rd, p, i, r);
        if (st != TSU_OK) return st;
        line = strchr(p, '\n');
        if (!line) line = p + strlen(p) - 1;
    }
    return TSU_OK;
}

static unsigned char *read_text(const char *path, tsu_diag *diag)
{
    size_t length;
    return tsu_read_file(path, TSU_READ_FILE_LIMIT, &length, diag);
}

static tsu_status load_body(const char *run_dir, const char *split, tsu_eval_result *r, bool *best,
                            tsu_diag *diag)
{
    char *json = eval_path(run_dir, split, "json"), *csv = eval_path(run_dir, split, "csv");
    tsu_status st = TSU_OK;
    unsigned char *text = NULL;
    reader rd = {.path = json, .diag = diag};
    if (!json) st = tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL, _("no split named %s"), split);
    if (st == TSU_OK && !(text = read_text(json, diag))) st = TSU_E_IO;
    if (st == TSU_OK) {
        struct json_object *root = json_tokener_parse((const char *)text);
        st = read_summary(&rd, root, r, best);
        json_object_put(root);
        free(text);
        text = NULL;
    }
    rd.path = csv;
    if (st == TSU_OK) st = alloc_table(&rd, r);
    if (st == TSU_OK && !(text = read_text(csv, diag))) st = TSU_E_IO;
    if (st == TSU_OK) st = read_table(&rd, (char *)text, r);
    free(text);
    free(json);
    free(csv);
    return st;
}

bool tsu_eval_saved_exists(const char *run_dir, const char *split)
{
    char *json = eval_path(run_dir, split, "json");
    bool found = json && access(json, F_OK) == 0;
    free(json);
    return found;
}

tsu_status tsu_eval_load_saved(const char *run_dir, const char *split, tsu_eval_result *result,
                               bool *best, tsu_diag *diag)
{
    memset(result, 0, sizeof *result);
    bool local_best;
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_status st = load_body(run_dir, split, result, best ? best : &local_best, diag);
    tsu_c_numeric_end(&scope);
    return st;
}
