/* rundir.c — the run directory: NAME.runs/<date-time>/ beside the project,
 * the project as trained, and history.csv. */
#include "rundir.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static bool make_dirs(const char *path)
{
    char *copy = tsu_xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            free(copy);
            return false;
        }
        *p = '/';
    }
    bool ok = mkdir(copy, 0755) == 0 || errno == EEXIST;
    free(copy);
    return ok;
}

/* "<dir>/<stem>.runs/20261127-221530" for "<dir>/<stem>.tsumiki". */
static char *default_run_dir(const tsu_project *project)
{
    const char *path = tsu_project_path(project);
    char *dir = tsu_project_dir(project);
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : (path ? path : "untitled");
    size_t stem = strlen(base);
    if (stem > 8 && !strcmp(base + stem - 8, ".tsumiki")) stem -= 8;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    size_t cap = strlen(dir) + stem + 64;
    char *run = tsu_xmalloc(cap);
    snprintf(run, cap, "%s/%.*s.runs/%s", dir, (int)stem, base, stamp);
    /* Two runs started in the same second get their own directories. */
    struct stat st;
    for (int n = 2; stat(run, &st) == 0; n++)
        snprintf(run, cap, "%s/%.*s.runs/%s-%d", dir, (int)stem, base, stamp, n);
    free(dir);
    return run;
}

char *tsu_run_dir_create(const tsu_project *project, const char *out_dir, tsu_diag *diag)
{
    char *run = out_dir ? tsu_xstrdup(out_dir) : default_run_dir(project);
    if (!make_dirs(run)) {
        tsu_diag_add_at(diag, TSU_E_IO, run, 0, 0, "cannot create the run directory: %s",
                        strerror(errno));
        free(run);
        return NULL;
    }
    return run;
}

static void set_int(struct json_object *obj, const char *key, int64_t value)
{
    json_object_object_add(obj, key, json_object_new_int64(value));
}

static struct json_object *child_object(struct json_object *parent, const char *key)
{
    struct json_object *child = NULL;
    if (!json_object_object_get_ex(parent, key, &child) ||
        !json_object_is_type(child, json_type_object)) {
        child = json_object_new_object();
        json_object_object_add(parent, key, child);
    }
    return child;
}

/* Dataset paths are relative to the project file; the copy lives elsewhere,
 * so they become absolute there. */
static void absolutize_paths(struct json_object *spec, const char *project_dir)
{
    static const char *const keys[] = {"path", "images", "labels", "dir"};
    if (!json_object_is_type(spec, json_type_object)) return;
    for (size_t i = 0; i < TSU_ARRAY_LEN(keys); i++) {
        struct json_object *v = NULL;
        if (!json_object_object_get_ex(spec, keys[i], &v) || !json_object_is_type(v, json_type_string))
            continue;
        const char *p = json_object_get_string(v);
        if (p[0] == '/') continue;
        char *abs_dir = realpath(project_dir, NULL);
        size_t cap = strlen(abs_dir ? abs_dir : project_dir) + strlen(p) + 2;
        char *joined = tsu_xmalloc(cap);
        snprintf(joined, cap, "%s/%s", abs_dir ? abs_dir : project_dir, p);
        json_object_object_add(spec, keys[i], json_object_new_string(joined));
        free(joined);
        free(abs_dir);
    }
}

tsu_status tsu_run_dir_write_project(const char *run_dir, const tsu_project *project,
                                     const tsu_train_config *config, int limit, tsu_diag *diag)
{
    tsu_project *copy = tsu_project_dup(project);
    struct json_object *root = tsu_project_root(copy);
    struct json_object *training = child_object(root, "training");
    set_int(training, "epochs", config->epochs);
    set_int(training, "batch_size", config->batch_size);
    set_int(training, "seed", (int64_t)config->seed);
    struct json_object *dataset = child_object(root, "dataset");
    char *dir = tsu_project_dir(project);
    json_object_object_foreach(dataset, key, spec) {
        absolutize_paths(spec, dir);
        if (limit > 0 && !strcmp(key, "training")) set_int(spec, "limit", limit);
    }
    free(dir);
    size_t cap = strlen(run_dir) + 32;
    char *path = tsu_xmalloc(cap);
    snprintf(path, cap, "%s/project.tsumiki", run_dir);
    char *text = tsu_project_to_string(copy);
    tsu_status st = tsu_write_file_atomic(path, text, strlen(text), diag);
    free(text);
    free(path);
    tsu_project_free(copy);
    return st;
}

static void append(char **buf, size_t *len, const char *text)
{
    size_t n = strlen(text);
    *buf = tsu_xrealloc(*buf, *len + n + 1);
    memcpy(*buf + *len, text, n + 1);
    *len += n;
}

/* A number for the CSV, empty when undefined (accuracy of a regression). */
static void csv_number(char *out, size_t size, double v)
{
    if (v != v) out[0] = '\0';
    else snprintf(out, size, "%.6f", v);
}

void tsu_history_append(char **csv, size_t *len, const tsu_train_event *e)
{
    if (*len == 0) append(csv, len, TSU_HISTORY_HEADER "\n");
    char tl[32], ta[32], vl[32], va[32], line[256];
    csv_number(tl, sizeof tl, e->train_loss);
    csv_number(ta, sizeof ta, e->train_accuracy);
    csv_number(vl, sizeof vl, e->validation_loss);
    csv_number(va, sizeof va, e->validation_accuracy);
    snprintf(line, sizeof line, "%d,%s,%s,%s,%s,%.3f,%.1f\n", e->epoch, tl, ta, vl, va, e->seconds,
             e->images_per_second);
    append(csv, len, line);
}

tsu_status tsu_run_dir_write(const char *run_dir, const char *name, const char *text,
                             tsu_diag *diag)
{
    size_t cap = strlen(run_dir) + strlen(name) + 2;
    char *path = tsu_xmalloc(cap);
    snprintf(path, cap, "%s/%s", run_dir, name);
    tsu_status st = tsu_write_file_atomic(path, text, strlen(text), diag);
    free(path);
    return st;
}
