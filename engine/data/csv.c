/* csv.c — NNC-style index.csv datasets.
 *
 * The first row names the variables: `name[__index][:label]`. `x:image`
 * is variable x (the ":image" part is NNC's human-readable label and
 * changes nothing); `x__0, x__1, ...` spread one vector variable over
 * columns. A one-column variable whose cells are image paths (PNG, JPEG or BMP, read by image.c; relative to the
 * CSV) is an image variable; otherwise its cells are numbers, and a
 * one-column variable of integers >= 0 is a class label. Types are decided
 * from every row of the file, not only the selected ones, so that a
 * training and a validation slice of one file agree.
 *
 * Cells follow RFC 4180 (quotes, doubled quotes, CRLF or LF) leniently:
 * spaces around unquoted cells are trimmed, blank lines are skipped.
 */
#include "data-internal.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CSV_MAX_ERRORS 20
#define CSV_MAX_INDEX (1 << 24)

typedef struct {
    const char *text;
    int line, col;
    bool quoted;
} csv_cell;

typedef struct {
    int line;
    int first, n; /* cells[first .. first + n) */
} csv_row;

typedef struct {
    char name[TSU_ID_MAX];
    int header_col;   /* first column, for messages */
    int n_cols;       /* vector length, 1 for a plain column */
    int *cols;        /* column of element k */
    bool indexed;
    bool image;
} csv_var;

typedef struct {
    const char *path;
    char *dir;        /* image paths are relative to it */
    char *src;
    size_t len;
    char *arena;      /* unquoted cell texts, NUL-terminated */
    csv_cell *cells;
    int n_cells, cap_cells;
    csv_row *rows;
    int n_rows, cap_rows;
    csv_var vars[TSU_DS_MAX_VARS];
    int n_vars;
    int errors;
    tsu_diag *diag;
} csv_doc;

static void csv_error(csv_doc *d, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Stops listing after CSV_MAX_ERRORS: one broken column would otherwise
 * bury the first, most useful message under thousands. */
static void csv_error(csv_doc *d, int line, int col, const char *fmt, ...)
{
    d->errors++;
    if (d->errors > CSV_MAX_ERRORS + 1) return;
    if (d->errors == CSV_MAX_ERRORS + 1) {
        tsu_diag_add_at(d->diag, TSU_E_DATA, d->path, 0, 0, _("too many errors; stopped here"));
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tsu_diag_add_at(d->diag, TSU_E_DATA, d->path, line, col, "%s", msg);
}

static bool read_file(csv_doc *d)
{
    d->src = (char *)tsu_read_file(d->path, TSU_READ_FILE_LIMIT, &d->len, d->diag);
    return d->src != NULL;
}

static void push_cell(csv_doc *d, const char *text, int line, int col, bool quoted)
{
    if (d->n_cells == d->cap_cells) {
        d->cap_cells = d->cap_cells ? d->cap_cells * 2 : 256;
        d->cells = tsu_xrealloc(d->cells, (size_t)d->cap_cells * sizeof *d->cells);
    }
    d->cells[d->n_cells++] = (csv_cell){text, line, col, quoted};
}

static void push_row(csv_doc *d, int line, int first)
{
    if (d->n_rows == d->cap_rows) {
        d->cap_rows = d->cap_rows ? d->cap_rows * 2 : 64;
        d->rows = tsu_xrealloc(d->rows, (size_t)d->cap_rows * sizeof *d->rows);
    }
    d->rows[d->n_rows++] = (csv_row){line, first, d->n_cells - first};
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool tokenize(csv_doc *d)
{
    const char *s = d->src;
    const size_t len = d->len;
    /* Each cell's text is no longer than its source, plus one NUL. */
    d->arena = tsu_xmalloc(2 * len + 2);
    char *out = d->arena;
    size_t i = 0, line_start = 0;
    int line = 1;
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) i = line_start = 3;
    while (i < len) {
        int row_line = line, first = d->n_cells;
        for (;;) {
            while (i < len && is_blank(s[i])) i++;
            int cell_line = line, col = (int)(i - line_start) + 1;
            char *text = out;
            bool quoted = i < len && s[i] == '"';
            if (quoted) {
                i++;
                for (;;) {
                    if (i >= len) {
                        csv_error(d, cell_line, col, _("quoted cell is never closed"));
                        return false;
                    }
                    char c = s[i++];
                    if (c == '"') {
                        if (i < len && s[i] == '"') i++;
                        else break;
                    } else if (c == '\n') {
                        line++;
                        line_start = i;
                    }
                    *out++ = c;
                }
                while (i < len && is_blank(s[i])) i++;
                if (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    csv_error(d, line, (int)(i - line_start) + 1,
                              _("unexpected text after a closing quote"));
                    return false;
                }
            } else {
                while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') *out++ = s[i++];
                while (out > text && is_blank(out[-1])) out--;
            }
            *out++ = '\0';
            push_cell(d, text, cell_line, col, quoted);
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            if (i < len && s[i] == '\r') i++;
            if (i < len && s[i] == '\n') i++;
            line++;
            line_start = i;
            break;
        }
        const csv_cell *c = &d->cells[first];
        if (d->n_cells - first == 1 && !c->quoted && !*c->text) d->n_cells = first;
        else push_row(d, row_line, first);
    }
    return true;
}

/* ------------------------------------------------------------ the header */

/* Splits "x__3:label" into name "x" and index 3 (-1 when not indexed). */
static bool parse_header_cell(const char *text, char *name, int *index)
{
    size_t n = strcspn(text, ":");
    while (n > 0 && is_blank(text[n - 1])) n--;
    if (n == 0 || n >= TSU_ID_MAX) return false;
    memcpy(name, text, n);
    name[n] = '\0';
    *index = -1;
    char *sep = NULL;
    for (char *p = strstr(name, "__"); p; p = strstr(p + 1, "__")) sep = p;
    if (!sep || sep == name || !sep[2]) return true;
    long value = 0;
    for (const char *p = sep + 2; *p; p++) {
        if (*p < '0' || *p > '9') return true; /* "a__b": a plain name */
        value = value * 10 + (*p - '0');
        if (value >= CSV_MAX_INDEX) return false;
    }
    *sep = '\0';
    *index = (int)value;
    return true;
}

static bool parse_header(csv_doc *d)
{
    const csv_row *h = &d->rows[0];
    int *index_of = tsu_xmalloc((size_t)h->n * sizeof(int));
    int *var_of = tsu_xmalloc((size_t)h->n * sizeof(int));
    int errors = d->errors;
    for (int k = 0; k < h->n; k++) {
        const csv_cell *c = &d->cells[h->first + k];
        char name[TSU_ID_MAX];
        var_of[k] = -1;
        if (!parse_header_cell(c->text, name, &index_of[k])) {
            csv_error(d, c->line, c->col,
                      _("bad column name \"%s\" (expected name, name__INDEX or name:label)"),
                      c->text);
            continue;
        }
        int v = 0;
        while (v < d->n_vars && strcmp(d->vars[v].name, name)) v++;
        if (v == d->n_vars) {
            if (v == TSU_DS_MAX_VARS) {
                csv_error(d, c->line, c->col, _("too many variables (at most %d)"),
                          TSU_DS_MAX_VARS);
                continue;
            }
            d->n_vars++;
            snprintf(d->vars[v].name, TSU_ID_MAX, "%s", name);
            d->vars[v].header_col = c->col;
            d->vars[v].indexed = index_of[k] >= 0;
        } else if (d->vars[v].indexed != (index_of[k] >= 0) || !d->vars[v].indexed) {
            csv_error(d, c->line, c->col, _("column \"%s\" repeats variable \"%s\""), c->text,
                      name);
            continue;
        }
        var_of[k] = v;
        if (index_of[k] + 1 > d->vars[v].n_cols) d->vars[v].n_cols = index_of[k] + 1;
    }
    for (int v = 0; v < d->n_vars; v++) {
        csv_var *var = &d->vars[v];
        if (!var->indexed) var->n_cols = 1;
        var->cols = tsu_xmalloc((size_t)var->n_cols * sizeof(int));
        for (int e = 0; e < var->n_cols; e++) var->cols[e] = -1;
    }
    for (int k = 0; k < h->n; k++) {
        if (var_of[k] < 0) continue;
        csv_var *var = &d->vars[var_of[k]];
        int e = var->indexed ? index_of[k] : 0;
        const csv_cell *c = &d->cells[h->first + k];
        if (var->cols[e] >= 0)
            csv_error(d, c->line, c->col, _("column \"%s\" appears twice"), c->text);
        var->cols[e] = k;
    }
    for (int v = 0; v < d->n_vars; v++) {
        csv_var *var = &d->vars[v];
        for (int e = 0; e < var->n_cols; e++)
            if (var->cols[e] < 0) {
                csv_error(d, h->line, var->header_col,
                          _("variable \"%s\" has no column %s__%d (its columns must be "
                            "%s__0 to %s__%d)"), var->name, var->name, e, var->name,
                          var->name, var->n_cols - 1);
                break;
            }
    }
    free(index_of);
    free(var_of);
    return d->errors == errors;
}

/* ------------------------------------------------------------ cells */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

typedef enum {
    CELL_NUMBER,     /* a finite value a 32-bit float holds */
    CELL_TEXT,       /* not a number at all (a path, a word, empty) */
    CELL_NONFINITE,  /* "nan", "inf", or beyond even a double's range */
    CELL_TOO_LARGE,  /* finite, but an infinity once stored as a float */
} cell_kind;

/* Numbers are read in the C locale: a GUI runs under the user's locale,
 * where "0.5" may not parse, but data files use the dot. Values are stored
 * as 32-bit floats, so NaN and anything past FLT_MAX is refused here rather
 * than found later as a loss gone NaN. */
static cell_kind parse_number(const char *text, double *out)
{
    pthread_once(&c_locale_once, make_c_locale);
    if (!*text) return CELL_TEXT;
    char *end;
    double v = c_locale ? strtod_l(text, &end, c_locale) : strtod(text, &end);
    if (*end) return CELL_TEXT;
    if (!isfinite(v)) return CELL_NONFINITE;
    if (fabs(v) > FLT_MAX) return CELL_TOO_LARGE;
    *out = v;
    return CELL_NUMBER;
}

static bool has_suffix(const char *text, const char *suffix)
{
    size_t a = strlen(text), b = strlen(suffix);
    return a >= b && !strcasecmp(text + a - b, suffix);
}

/* What a cell that is not a number looks like, for column typing. */
static bool looks_like_image(const char *text)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".bmp", ".gif",
                                       ".tif", ".tiff", ".webp", ".csv", ".npy"};
    for (size_t i = 0; i < TSU_ARRAY_LEN(exts); i++)
        if (has_suffix(text, exts[i])) return true;
    return false;
}

static const csv_cell *cell_at(const csv_doc *d, int row, int col)
{
    return &d->cells[d->rows[row].first + col];
}

static const char *column_name(const csv_doc *d, int col)
{
    return cell_at(d, 0, col)->text;
}

/* A one-column variable is an image when its first non-empty cell names a
 * file (PNG or another image format, reported later). */
static void decide_kind(csv_doc *d, csv_var *var)
{
    if (var->indexed) return;
    for (int r = 1; r < d->n_rows; r++) {
        const char *text = cell_at(d, r, var->cols[0])->text;
        double ignored;
        if (!*text) continue;
        var->image = parse_number(text, &ignored) == CELL_TEXT && looks_like_image(text);
        return;
    }
}

/* ------------------------------------------------------------ variables */

static bool load_numeric(csv_doc *d, csv_var *var, tsu_dataset *ds)
{
    int errors = d->errors;
    bool integral = !var->indexed;
    double max = -1;
    for (int r = 1; r < d->n_rows; r++) {
        for (int e = 0; e < var->n_cols; e++) {
            const csv_cell *c = cell_at(d, r, var->cols[e]);
            double v;
            cell_kind kind = parse_number(c->text, &v);
            const char *name = column_name(d, var->cols[e]);
            if (kind == CELL_TEXT && !*c->text)
                csv_error(d, c->line, c->col, _("column \"%s\": empty cell"), name);
            else if (kind == CELL_TEXT)
                csv_error(d, c->line, c->col, _("column \"%s\": not a number: \"%s\""), name,
                          c->text);
            else if (kind == CELL_NONFINITE)
                csv_error(d, c->line, c->col,
                          _("column \"%s\": \"%s\" is not finite: data must be finite numbers"),
                          name, c->text);
            else if (kind == CELL_TOO_LARGE)
                csv_error(d, c->line, c->col,
                          _("column \"%s\": %s is beyond the range of 32-bit floats"), name,
                          c->text);
            if (kind != CELL_NUMBER) continue;
            if (v != floor(v) || v < 0 || v >= CSV_MAX_INDEX) integral = false;
            if (v > max) max = v;
        }
    }
    if (d->errors != errors) return false;
    tsu_shape shape = tsu_shape_1(var->n_cols);
    tsu_ds_var *out = tsu_ds_add_var(ds, var->name, &shape,
                                     integral ? TSU_STORE_LABEL : TSU_STORE_F32, NULL,
                                     d->path, d->diag);
    if (!out) return false;
    for (int i = 0; i < ds->n; i++) {
        int r = 1 + tsu_ds_source(ds, i);
        for (int e = 0; e < var->n_cols; e++) {
            double v = 0;
            parse_number(cell_at(d, r, var->cols[e])->text, &v);
            size_t k = (size_t)i * (size_t)var->n_cols + (size_t)e;
            if (integral) ((int32_t *)out->data)[k] = (int32_t)v;
            else ((float *)out->data)[k] = (float)v;
        }
    }
    if (integral) out->n_classes = (int)max + 1;
    return true;
}

static bool load_images(csv_doc *d, csv_var *var, tsu_dataset *ds)
{
    int errors = d->errors;
    tsu_ds_var *out = NULL;
    const csv_cell *first = NULL;
    for (int i = 0; i < ds->n && d->errors <= CSV_MAX_ERRORS; i++) {
        const csv_cell *c = cell_at(d, 1 + tsu_ds_source(ds, i), var->cols[0]);
        if (!*c->text) {
            csv_error(d, c->line, c->col, _("column \"%s\": empty cell, expected an image path"),
                      column_name(d, var->cols[0]));
            continue;
        }
        double ignored;
        if (parse_number(c->text, &ignored) != CELL_TEXT || !looks_like_image(c->text)) {
            csv_error(d, c->line, c->col, _("column \"%s\": expected an image path, got \"%s\""),
                      column_name(d, var->cols[0]), c->text);
            continue;
        }
        if (has_suffix(c->text, ".csv") || has_suffix(c->text, ".npy")) {
            csv_error(d, c->line, c->col,
                      _("\"%s\": cells naming data files are not supported; spread the "
                        "values over columns %s__0, %s__1, ..."), c->text, var->name, var->name);
            continue;
        }
        char *path = tsu_ds_path_join(d->dir, c->text);
        tsu_image img;
        char why[256];
        if (!tsu_image_read(path, &img, why, sizeof why)) {
            struct stat st;
            if (stat(path, &st) != 0)
                csv_error(d, c->line, c->col, _("image file not found: \"%s\" (looked at %s)"),
                          c->text, path);
            else
                csv_error(d, c->line, c->col, _("cannot read image \"%s\": %s"), c->text, why);
            free(path);
            continue;
        }
        free(path);
        tsu_shape shape = tsu_shape_3(img.channels, img.height, img.width);
        if (!out) {
            out = tsu_ds_add_var(ds, var->name, &shape, TSU_STORE_U8, NULL, d->path, d->diag);
            if (!out) {
                free(img.pixels);
                return false;
            }
            first = c;
        } else if (!tsu_shape_equal(&shape, &out->shape)) {
            char a[64], b[64];
            tsu_shape_format(&shape, a, sizeof a);
            tsu_shape_format(&out->shape, b, sizeof b);
            csv_error(d, c->line, c->col,
                      _("image \"%s\" is %s (CxHxW) but \"%s\" on line %d is %s; all images "
                        "of \"%s\" must have one shape"),
                      c->text, a, first->text, first->line, b, var->name);
            free(img.pixels);
            continue;
        }
        memcpy((uint8_t *)out->data + (size_t)i * out->sample_size, img.pixels,
               out->sample_size);
        free(img.pixels);
    }
    return d->errors == errors;
}

static void csv_doc_free(csv_doc *d)
{
    for (int v = 0; v < d->n_vars; v++) free(d->vars[v].cols);
    free(d->dir);
    free(d->src);
    free(d->arena);
    free(d->cells);
    free(d->rows);
}

bool tsu_ds_csv_load(tsu_dataset *ds, const char *path, const tsu_ds_range *range,
                     const char *context, tsu_diag *diag)
{
    csv_doc d = {.path = path, .diag = diag};
    bool ok = read_file(&d) && tokenize(&d);
    if (ok && d.n_rows == 0) {
        tsu_diag_add_at(diag, TSU_E_DATA, path, 0, 0,
                        _("empty file (expected a header such as x:image,y:label)"));
        ok = false;
    }
    ok = ok && parse_header(&d);
    if (ok) {
        const csv_row *h = &d.rows[0];
        for (int r = 1; r < d.n_rows; r++)
            if (d.rows[r].n != h->n)
                csv_error(&d, d.rows[r].line, 0, _("%d cells, but the header has %d"),
                          d.rows[r].n, h->n);
        if (d.errors == 0 && d.n_rows == 1)
            csv_error(&d, d.rows[0].line, 0, _("no samples: a header but no data rows"));
        ok = d.errors == 0 && tsu_ds_apply_range(ds, range, d.n_rows - 1, context, diag);
    }
    if (ok) {
        d.dir = tsu_ds_dirname(path);
        for (int v = 0; v < d.n_vars; v++) decide_kind(&d, &d.vars[v]);
        for (int v = 0; v < d.n_vars && d.errors <= CSV_MAX_ERRORS; v++)
            ok = (d.vars[v].image ? load_images(&d, &d.vars[v], ds)
                                  : load_numeric(&d, &d.vars[v], ds)) && ok;
        ok = ok && d.errors == 0;
    }
    if (ok) {
        ds->origin = tsu_xstrdup(path);
        ds->lines = tsu_xmalloc((size_t)ds->n * sizeof(int));
        for (int i = 0; i < ds->n; i++) ds->lines[i] = d.rows[1 + tsu_ds_source(ds, i)].line;
    }
    csv_doc_free(&d);
    return ok;
}
