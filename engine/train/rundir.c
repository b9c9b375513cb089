/* rundir.c — the run directory: NAME.runs/<date-time>/ beside the project,
 * the project as trained, and history.csv. */
#include "rundir.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
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

static const char *const run_file_names[TSU_RUN_FILE_COUNT] = {
    [TSU_RUN_WEIGHTS] = "weights.safetensors",
    [TSU_RUN_BEST] = "best.safetensors",
    [TSU_RUN_HISTORY] = "history.csv",
    [TSU_RUN_PROJECT] = "project.tsumiki",
    [TSU_RUN_META] = "run.json",
};

const char *tsu_run_file_name(tsu_run_file file)
{
    tsu_assert(file >= 0 && file < TSU_RUN_FILE_COUNT);
    return run_file_names[file];
}

static char *join(const char *dir, const char *name)
{
    size_t cap = strlen(dir) + strlen(name) + 2;
    char *path = tsu_xmalloc(cap);
    snprintf(path, cap, "%s/%s", dir, name);
    return path;
}

char *tsu_run_path(const char *run_dir, tsu_run_file file)
{
    return join(run_dir, tsu_run_file_name(file));
}

char *tsu_runs_dir(const char *project_path)
{
    if (!project_path) return NULL;
    const char *slash = strrchr(project_path, '/');
    const char *base = slash ? slash + 1 : project_path;
    size_t stem = strlen(base);
    if (stem > 8 && !strcmp(base + stem - 8, ".tsumiki")) stem -= 8;
    size_t cap = (size_t)(base - project_path) + stem + sizeof ".runs";
    char *runs = tsu_xmalloc(cap);
    snprintf(runs, cap, "%.*s%.*s.runs", (int)(base - project_path), project_path, (int)stem, base);
    return runs;
}

/* The project's runs directory; an unsaved project's is untitled.runs. */
static char *runs_root(const tsu_project *project)
{
    const char *path = tsu_project_path(project);
    return tsu_runs_dir(path ? path : "untitled");
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A run when it holds weights or a history; fills run when it is. */
static bool read_run(const char *runs_dir, const char *name, tsu_run *run)
{
    char *path = join(runs_dir, name);
    bool any = false;
    for (int f = 0; f < TSU_RUN_FILE_COUNT && is_dir(path); f++) {
        char *file = tsu_run_path(path, (tsu_run_file)f);
        run->has[f] = is_file(file);
        free(file);
    }
    any = run->has[TSU_RUN_WEIGHTS] || run->has[TSU_RUN_HISTORY] || run->has[TSU_RUN_META];
    if (!any) {
        free(path);
        return false;
    }
    /* A damaged run.json leaves the run listed, its status unknown. */
    tsu_diag ignored;
    tsu_diag_init(&ignored);
    if (run->has[TSU_RUN_META] && tsu_run_meta_load(path, &run->meta, &ignored) != TSU_OK)
        tsu_run_meta_free(&run->meta);
    tsu_diag_free(&ignored);
    run->name = tsu_xstrdup(name);
    run->path = path;
    return true;
}

static int newest_first(const void *a, const void *b)
{
    return strcmp(((const tsu_run *)b)->name, ((const tsu_run *)a)->name);
}

void tsu_run_list_read(const char *runs_dir, tsu_run_list *list)
{
    memset(list, 0, sizeof *list);
    DIR *dir = runs_dir ? opendir(runs_dir) : NULL;
    int capacity = 0;
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        tsu_run run = {0};
        if (!read_run(runs_dir, e->d_name, &run)) continue;
        if (list->count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            list->items = tsu_xrealloc(list->items, (size_t)capacity * sizeof *list->items);
        }
        list->items[list->count++] = run;
    }
    if (dir) closedir(dir);
    if (list->count) qsort(list->items, (size_t)list->count, sizeof *list->items, newest_first);
}

void tsu_run_list_free(tsu_run_list *list)
{
    for (int i = 0; i < list->count; i++) {
        free(list->items[i].name);
        free(list->items[i].path);
        tsu_run_meta_free(&list->items[i].meta);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

char *tsu_runs_newest_weights(const char *project_path)
{
    char *runs_dir = tsu_runs_dir(project_path), *weights = NULL;
    tsu_run_list list;
    tsu_run_list_read(runs_dir, &list);
    for (int i = 0; i < list.count && !weights; i++)
        if (list.items[i].has[TSU_RUN_WEIGHTS])
            weights = tsu_run_path(list.items[i].path, TSU_RUN_WEIGHTS);
    tsu_run_list_free(&list);
    free(runs_dir);
    return weights;
}

/* "<dir>/<stem>.runs/20261127-221530". */
static char *default_run_dir(const tsu_project *project)
{
    char *root = runs_root(project);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    size_t cap = strlen(root) + 48;
    char *run = tsu_xmalloc(cap);
    snprintf(run, cap, "%s/%s", root, stamp);
    /* Two runs started in the same second get their own directories. */
    struct stat st;
    for (int n = 2; stat(run, &st) == 0; n++) snprintf(run, cap, "%s/%s-%d", root, stamp, n);
    free(root);
    return run;
}

/* A run killed mid-write (kill -9, a crash, power loss) leaves its
 * temporaries: those of every run directory of the project, and the
 * project file's own beside it, go before a new run starts. Only names
 * Tsumiki makes, only ones no live process is writing (atomic-write.c);
 * NAME.runs holds only run directories, so any name there. */
static void remove_stale_temps(const tsu_project *project, const char *out_dir)
{
    const char *path = tsu_project_path(project);
    if (path) {
        char *dir = tsu_project_dir(project);
        const char *base = strrchr(path, '/');
        tsu_remove_stale_temps(dir, base ? base + 1 : path);
        free(dir);
    }
    char *root = runs_root(project);
    DIR *runs = opendir(root);
    for (struct dirent *e; runs && (e = readdir(runs)) != NULL;) {
        if (e->d_name[0] == '.') continue;
            char *run = join(root, e->d_name);
        tsu_remove_stale_temps(run, NULL);
        free(run);
    }
    if (runs) closedir(runs);
    free(root);
    /* --out may name any folder: there, only the run's own files. */
    for (int f = 0; out_dir && f < TSU_RUN_FILE_COUNT; f++)
        tsu_remove_stale_temps(out_dir, run_file_names[f]);
}

char *tsu_run_dir_create(const tsu_project *project, const char *out_dir, tsu_diag *diag)
{
    remove_stale_temps(project, out_dir);
    char *run = out_dir ? tsu_xstrdup(out_dir) : default_run_dir(project);
    if (!make_dirs(run)) {
        tsu_diag_add_at(diag, TSU_E_IO, run, 0, 0, _("cannot create the run directory: %s"),
                        strerror(errno));
        free(run);
        return NULL;
    }
    return run;
}

/* Dataset paths are relative to the project file; the copy lives elsewhere,
 * so they become absolute there. */
static void absolutize(char **path, const char *abs_dir)
{
    if (!*path || (*path)[0] == '/') return;
    size_t cap = strlen(abs_dir) + strlen(*path) + 2;
    char *joined = tsu_xmalloc(cap);
    snprintf(joined, cap, "%s/%s", abs_dir, *path);
    free(*path);
    *path = joined;
}

static void absolutize_spec(tsu_dataset_spec *spec, const char *abs_dir)
{
    absolutize(&spec->path, abs_dir);
    absolutize(&spec->images, abs_dir);
    absolutize(&spec->labels, abs_dir);
    absolutize(&spec->dir, abs_dir);
}

tsu_status tsu_run_dir_write_project(const char *run_dir, const tsu_project *project,
                                     const tsu_train_config *config, int limit, tsu_diag *diag)
{
    tsu_project *copy = tsu_project_dup(project);
    /* The run's own settings: the command line may have overridden these. */
    static const tsu_train_setting overridable[] = {
        TSU_SETTING_EPOCHS, TSU_SETTING_BATCH_SIZE, TSU_SETTING_SEED,
    };
    for (size_t i = 0; i < TSU_ARRAY_LEN(overridable); i++)
        tsu_project_set_training_setting(copy, config, overridable[i]);
    tsu_dataset_settings data;
    /* The run read the dataset section already: it is valid. */
    tsu_project_get_dataset(copy, &data, NULL);
    char *dir = tsu_project_dir(project), *abs_dir = realpath(dir, NULL);
    absolutize_spec(&data.training, abs_dir ? abs_dir : dir);
    absolutize_spec(&data.validation, abs_dir ? abs_dir : dir);
    if (limit > 0) data.training.limit = limit;
    tsu_project_set_dataset(copy, &data);
    tsu_dataset_settings_clear(&data);
    free(abs_dir);
    free(dir);
    char *path = tsu_run_path(run_dir, TSU_RUN_PROJECT);
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

static void tsu_history_append_body(char **csv, size_t *len, const tsu_train_event *e)
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

void tsu_history_append(char **csv, size_t *len, const tsu_train_event *e)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_history_append_body(csv, len, e);
    tsu_c_numeric_end(&scope);
}

tsu_status tsu_run_dir_write(const char *run_dir, tsu_run_file file, const char *text,
                             tsu_diag *diag)
{
    char *path = tsu_run_path(run_dir, file);
    tsu_status st = tsu_write_file_atomic(path, text, strlen(text), diag);
    free(path);
    return st;
}
