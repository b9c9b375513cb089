/* folder-dataset.c — a folder of class folders made into an NNC-style
 * dataset: every picture prepared (tsu_image_prepare) and written as PNG,
 * training.csv (and validation.csv) listing `x:image,y:label`, and
 * dataset.json recording the classes and the preparation so that predict
 * can repeat it (docs/datasets.md). */
#include "data-internal.h"
#include "../export/export-internal.h" /* tsu_xstage: the output folder is staged */
#include "tsu-i18n.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void tsu_name_list_add(tsu_name_list *l, const char *name)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->names = tsu_xrealloc(l->names, (size_t)l->cap * sizeof *l->names);
    }
    l->names[l->n++] = tsu_ds_printf("%s", name);
}

void tsu_name_list_clear(tsu_name_list *l)
{
    for (int i = 0; i < l->n; i++) free(l->names[i]);
    free(l->names);
    *l = (tsu_name_list){0};
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_image_name(const char *name)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".bmp"};
    size_t n = strlen(name);
    for (size_t i = 0; i < TSU_ARRAY_LEN(exts); i++) {
        size_t e = strlen(exts[i]);
        if (n > e && !strcasecmp(name + n - e, exts[i])) return true;
    }
    return false;
}

bool tsu_list_dir(const char *dir, bool want_dirs, tsu_name_list *out, int *skipped,
                  tsu_diag *diag)
{
    DIR *d = opendir(dir);
    if (!d) {
        tsu_diag_add(diag, TSU_E_IO, NULL, NULL, _("%s: cannot open folder: %s"), dir,
                     strerror(errno));
        return false;
    }
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *path = tsu_ds_path_join(dir, e->d_name);
        struct stat st;
        bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        bool is_file = stat(path, &st) == 0 && S_ISREG(st.st_mode);
        free(path);
        if (e->d_name[0] != '.' && (want_dirs ? is_dir : is_file && is_image_name(e->d_name)))
            tsu_name_list_add(out, e->d_name);
        else if (skipped)
            (*skipped)++;
    }
    closedir(d);
    if (out->n > 1) qsort(out->names, (size_t)out->n, sizeof *out->names, compare_names);
    return true;
}

static bool make_dir(const char *path, tsu_diag *diag)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) return true;
    tsu_diag_add(diag, TSU_E_IO, NULL, NULL, _("%s: cannot create folder: %s"), path,
                 strerror(errno));
    return false;
}

/* The PNG's name: the picture's name with .png for its extension, or the
 * whole name plus .png when another picture of the class has that stem
 * (a.jpg beside a.png). */
static char *png_name(const tsu_name_list *files, int i)
{
    const char *name = files->names[i], *dot = strrchr(name, '.');
    size_t stem = (size_t)(dot - name);
    for (int k = 0; k < files->n; k++)
        if (k != i && !strncmp(files->names[k], name, stem) &&
            (files->names[k][stem] == '.' && !strchr(files->names[k] + stem + 1, '.')))
            return tsu_ds_printf("%s.png", name);
    return tsu_ds_printf("%.*s.png", (int)stem, name);
}

void tsu_csv_put_cell(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

typedef struct {
    char *png;   /* relative to the output folder */
    int label;
    bool validation;
} sample;

static tsu_status write_csv(const char *path, const sample *s, int n, bool validation,
                            tsu_diag *diag)
{
    tsu_atomic_file file;
    if (!tsu_atomic_open(&file, path, diag)) return tsu_diag_status(diag);
    fputs("x:image,y:label\n", file.stream);
    for (int i = 0; i < n; i++)
        if (s[i].validation == validation) {
            tsu_csv_put_cell(file.stream, s[i].png);
            fprintf(file.stream, ",%d\n", s[i].label);
        }
    return tsu_atomic_commit(&file, diag);
}

static tsu_status write_info(const tsu_folder_options *o, const tsu_folder_scan *scan,
                             const char *out, const tsu_folder_report *r, tsu_diag *diag)
{
    json_object *root = json_object_new_object(), *names = json_object_new_array();
    for (int c = 0; c < scan->n_classes; c++)
        json_object_array_add(names, json_object_new_string(scan->classes[c].name));
    json_object_object_add(root, "format", json_object_new_string("tsumiki-folder-dataset"));
    json_object_object_add(root, "version", json_object_new_int(1));
    json_object_object_add(root, "classes", names);
    json_object_object_add(root, "width", json_object_new_int(o->prep.width));
    json_object_object_add(root, "height", json_object_new_int(o->prep.height));
    json_object_object_add(root, "grayscale", json_object_new_boolean(o->prep.grayscale));
    json_object_object_add(root, "fit", json_object_new_string(tsu_fit_name(o->prep.fit)));
    json_object_object_add(root, "training", json_object_new_string("training.csv"));
    json_object_object_add(root, "training_samples", json_object_new_int(r->training));
    if (r->validation) {
        json_object_object_add(root, "validation", json_object_new_string("validation.csv"));
        json_object_object_add(root, "validation_samples", json_object_new_int(r->validation));
        json_object_object_add(root, "seed", json_object_new_int64((int64_t)o->seed));
    }
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE);
    char *path = tsu_ds_path_join(out, TSU_FOLDER_INFO);
    char *with_newline = tsu_ds_printf("%s\n", text);
    tsu_status st = tsu_write_file_atomic(path, with_newline, strlen(with_newline), diag);
    tsu_c_numeric_end(&scope);
    free(with_newline);
    free(path);
    json_object_put(root);
    return st;
}

/* Marks round(fraction * n) of a class's samples as validation, chosen by
 * a seeded permutation (tsu_dataset_epoch_order, the class index as its
 * epoch); at least one sample stays for training. */
static int split_class(sample *s, int n, double fraction, uint64_t seed, int label)
{
    int want = (int)floor(fraction * n + 0.5);
    if (want > n - 1) want = n - 1;
    int *order = tsu_xmalloc((size_t)n * sizeof *order);
    tsu_dataset_epoch_order(n, seed, label, order);
    for (int k = 0; k < want; k++) s[order[k]].validation = true;
    free(order);
    return want;
}

static void add_failure(tsu_folder_report *r, const tsu_diag *d)
{
    r->failed = tsu_xrealloc(r->failed, (size_t)(r->n_failed + 1) * sizeof *r->failed);
    r->failed[r->n_failed++] = tsu_ds_printf("%s", tsu_diag_message(d, "unreadable"));
}

static bool cancelled(const tsu_folder_options *o)
{
    return o->cancel && *o->cancel;
}

/* One class: its pictures prepared and written under images/CLASS/ of out. */
static tsu_status make_class(const tsu_folder_options *o, const char *out,
                             const tsu_folder_class *cls, int label, sample **samples,
                             int *n_samples, int *done, int total, tsu_folder_report *r,
                             tsu_diag *diag)
{
    char *src_dir = tsu_ds_path_join(o->folder, cls->name);
    char *rel_dir = tsu_ds_printf("images/%s", cls->name);
    char *out_dir = tsu_ds_path_join(out, rel_dir);
    tsu_status st = make_dir(out_dir, diag) ? TSU_OK : TSU_E_IO;
    tsu_name_list files = {.names = cls->files, .n = cls->n_files};
    int first = *n_samples;
    for (int i = 0; st == TSU_OK && i < cls->n_files; i++) {
        if (cancelled(o)) {
            st = tsu_diag_add(diag, TSU_E_STOPPED, NULL, NULL, _("%s: stopped, nothing written"),
                              o->out_dir);
            break;
        }
        char *src = tsu_ds_path_join(src_dir, cls->files[i]);
        tsu_diag local;
        tsu_diag_init(&local);
        tsu_image img;
        if (tsu_image_prepare(src, &o->prep, &img, &local) != TSU_OK) add_failure(r, &local);
        else {
            char *png = png_name(&files, i);
            char *rel = tsu_ds_printf("%s/%s", rel_dir, png);
            char *dst = tsu_ds_path_join(out, rel);
            st = tsu_image_write_png(dst, &img, diag);
            *samples = tsu_xrealloc(*samples, (size_t)(*n_samples + 1) * sizeof **samples);
            (*samples)[(*n_samples)++] = (sample){.png = rel, .label = label};
            tsu_image_free(&img);
            free(dst);
            free(png);
        }
        tsu_diag_free(&local);
        free(src);
        if (o->progress) o->progress(o->user, ++*done, total);
    }
    if (st == TSU_OK && *n_samples == first)
        st = tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                          _("%s: none of its %d pictures could be read"), src_dir, cls->n_files);
    r->per_class[label] = *n_samples - first;
    free(src_dir);
    free(rel_dir);
    free(out_dir);
    return st;
}

tsu_status tsu_folder_scan_read(const char *folder, tsu_folder_scan *scan, tsu_diag *diag)
{
    *scan = (tsu_folder_scan){0};
    tsu_name_list classes = {0};
    if (!tsu_list_dir(folder, true, &classes, NULL, diag)) return tsu_diag_status(diag);
    scan->classes = tsu_xcalloc((size_t)(classes.n ? classes.n : 1), sizeof *scan->classes);
    scan->n_classes = classes.n;
    tsu_status st = TSU_OK;
    if (classes.n == 0)
        st = tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                          _("%s: no class folders (expected one subfolder of pictures per class)"),
                          folder);
    for (int c = 0; c < classes.n; c++) {
        tsu_folder_class *cls = &scan->classes[c];
        cls->name = classes.names[c];
        if (st != TSU_OK) continue;
        char *dir = tsu_ds_path_join(folder, cls->name);
        tsu_name_list files = {0};
        if (!tsu_list_dir(dir, false, &files, &scan->not_images, diag)) st = TSU_E_IO;
        else if (files.n == 0)
            st = tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                              _("%s: empty class folder (no .png, .jpg, .jpeg or .bmp files)"), dir);
        cls->files = files.names;
        cls->n_files = files.n;
        scan->total += files.n;
        free(dir);
    }
    free(classes.names); /* the names now belong to the classes */
    return st;
}

void tsu_folder_scan_clear(tsu_folder_scan *scan)
{
    for (int c = 0; c < scan->n_classes; c++) {
        tsu_name_list files = {.names = scan->classes[c].files, .n = scan->classes[c].n_files};
        tsu_name_list_clear(&files);
        free(scan->classes[c].name);
    }
    free(scan->classes);
    *scan = (tsu_folder_scan){0};
}

/* Pictures, CSVs and dataset.json written into out (the staging folder). */
static tsu_status write_dataset(const tsu_folder_options *o, const tsu_folder_scan *scan,
                                const char *out, tsu_folder_report *r, tsu_diag *diag)
{
    char *images = tsu_ds_path_join(out, "images");
    tsu_status st = make_dir(images, diag) ? TSU_OK : TSU_E_IO;
    free(images);
    sample *samples = NULL;
    int n = 0, done = 0;
    for (int c = 0; st == TSU_OK && c < scan->n_classes; c++) {
        int first = n;
        st = make_class(o, out, &scan->classes[c], c, &samples, &n, &done, scan->total, r, diag);
        if (st == TSU_OK && o->validation > 0)
            r->validation += split_class(samples + first, n - first, o->validation, o->seed, c);
    }
    r->training = n - r->validation;
    char *train = tsu_ds_path_join(out, "training.csv");
    char *valid = tsu_ds_path_join(out, "validation.csv");
    if (st == TSU_OK) st = write_csv(train, samples, n, false, diag);
    if (st == TSU_OK && r->validation) st = write_csv(valid, samples, n, true, diag);
    if (st == TSU_OK) st = write_info(o, scan, out, r, diag);
    free(train);
    free(valid);
    for (int i = 0; i < n; i++) free(samples[i].png);
    free(samples);
    return st;
}

tsu_status tsu_folder_dataset_create(const tsu_folder_options *o, tsu_folder_report *r,
                                     tsu_diag *diag)
{
    *r = (tsu_folder_report){0};
    tsu_folder_scan scan;
    tsu_status st = tsu_folder_scan_read(o->folder, &scan, diag);
    r->not_images = scan.not_images;
    r->n_classes = scan.n_classes;
    r->per_class = tsu_xcalloc((size_t)(scan.n_classes ? scan.n_classes : 1), sizeof *r->per_class);
    r->classes = tsu_xcalloc((size_t)(scan.n_classes ? scan.n_classes : 1), sizeof *r->classes);
    for (int c = 0; c < scan.n_classes; c++) r->classes[c] = tsu_ds_printf("%s", scan.classes[c].name);
    tsu_xstage stage = {.lock_fd = -1};
    if (st == TSU_OK) st = tsu_xstage_begin(&stage, o->out_dir, diag);
    if (st == TSU_OK) st = write_dataset(o, &scan, stage.path, r, diag);
    if (stage.target) st = tsu_xstage_finish(&stage, st, diag);
    tsu_folder_scan_clear(&scan);
    return st;
}

void tsu_folder_report_clear(tsu_folder_report *r)
{
    for (int c = 0; c < r->n_classes; c++) free(r->classes[c]);
    free(r->classes);
    free(r->per_class);
    for (int i = 0; i < r->n_failed; i++) free(r->failed[i]);
    free(r->failed);
    *r = (tsu_folder_report){0};
}

/* ---- reading dataset.json back */

static bool get_int(json_object *root, const char *key, int lo, int hi, int *out,
                    const char *path, tsu_diag *diag)
{
    json_object *v;
    if (!json_object_object_get_ex(root, key, &v) || !json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) < lo || json_object_get_int64(v) > hi) {
        tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("%s: \"%s\": expected an integer %d to %d"),
                     path, key, lo, hi);
        return false;
    }
    *out = (int)json_object_get_int64(v);
    return true;
}

static tsu_status parse_info(json_object *root, const char *path, tsu_folder_info *info,
                             tsu_diag *diag)
{
    json_object *v, *classes;
    if (!json_object_is_type(root, json_type_object))
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("%s: expected a JSON object"), path);
    if (!get_int(root, "width", 1, TSU_IMAGE_MAX_SIDE, &info->prep.width, path, diag) ||
        !get_int(root, "height", 1, TSU_IMAGE_MAX_SIDE, &info->prep.height, path, diag))
        return TSU_E_DATA;
    if (!json_object_object_get_ex(root, "grayscale", &v) ||
        !json_object_is_type(v, json_type_boolean))
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                            _("%s: \"grayscale\": expected true or false"), path);
    info->prep.grayscale = json_object_get_boolean(v);
    if (!json_object_object_get_ex(root, "fit", &v) || !json_object_is_type(v, json_type_string) ||
        !tsu_fit_parse(json_object_get_string(v), &info->prep.fit))
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                            _("%s: \"fit\": expected \"crop\", \"pad\" or \"stretch\""), path);
    if (!json_object_object_get_ex(root, "classes", &classes) ||
        !json_object_is_type(classes, json_type_array))
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                            _("%s: \"classes\": expected an array of names"), path);
    size_t n = json_object_array_length(classes);
    info->classes = tsu_xcalloc(n ? n : 1, sizeof *info->classes);
    for (size_t i = 0; i < n; i++) {
        json_object *name = json_object_array_get_idx(classes, i);
        if (!json_object_is_type(name, json_type_string))
            return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL,
                                _("%s: \"classes\"[%zu]: expected a string"), path, i);
        info->classes[info->n_classes++] = tsu_ds_printf("%s", json_object_get_string(name));
    }
    return TSU_OK;
}

tsu_status tsu_folder_info_load(const char *dir, tsu_folder_info *info, tsu_diag *diag)
{
    *info = (tsu_folder_info){0};
    char *path = tsu_ds_path_join(dir, TSU_FOLDER_INFO);
    size_t len;
    char *text = (char *)tsu_read_file(path, (size_t)64 << 20, &len, diag);
    tsu_status st = text ? TSU_OK : tsu_diag_status(diag);
    if (text) {
        enum json_tokener_error err = json_tokener_success;
        json_object *root = json_tokener_parse_verbose(text, &err);
        st = root ? parse_info(root, path, info, diag)
                  : tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("%s: not valid JSON: %s"), path,
                                 json_tokener_error_desc(err));
        json_object_put(root);
    }
    free(text);
    free(path);
    if (st != TSU_OK) tsu_folder_info_clear(info);
    return st;
}

void tsu_folder_info_clear(tsu_folder_info *info)
{
    for (int c = 0; c < info->n_classes; c++) free(info->classes[c]);
    free(info->classes);
    *info = (tsu_folder_info){0};
}
