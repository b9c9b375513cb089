/* history.c — reading a run's history.csv back as typed rows (the trainer
 * writes it: rundir.c). */
#include "tsu-internal.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { COL_EPOCH, COL_TRAIN_LOSS, COL_TRAIN_ACC, COL_VALID_LOSS, COL_VALID_ACC, COL_SECONDS,
       COL_SPEED, N_COLS };

static const char *const column_names[N_COLS] = {
    "epoch", "train_loss", "train_accuracy", "validation_loss",
    "validation_accuracy", "seconds", "images_per_second",
};

/* A file this size holds millions of epochs: anything larger is not one. */
#define HISTORY_MAX_BYTES ((size_t)1 << 28)

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

static int count_cells(const char *line)
{
    int n = 1;
    for (const char *p = line; (p = strchr(p, ',')) != NULL; p++) n++;
    return n;
}

/* Splits line in place at commas; returns the cell count (cells[] holds at
 * most max, counting goes on). */
static int split_cells(char *line, char **cells, int max)
{
    int n = 0;
    for (char *p = line;; p++) {
        char *comma = strchr(p, ',');
        if (n < max) cells[n] = p;
        n++;
        if (!comma) break;
        *comma = '\0';
        p = comma;
    }
    for (int i = 0; i < n && i < max; i++) cells[i] = trim(cells[i]);
    return n;
}

/* An empty cell or "nan" is NaN; numbers are read in the C locale, since
 * the GUI runs under the user's, where "0.5" may not parse. */
static bool parse_cell(const char *cell, locale_t c_locale, double *value)
{
    if (!*cell || !strcasecmp(cell, "nan")) {
        *value = NAN;
        return true;
    }
    char *end;
    *value = c_locale ? strtod_l(cell, &end, c_locale) : strtod(cell, &end);
    return end != cell && *end == '\0';
}

typedef struct {
    const char *name;
    int column_of[N_COLS];
    int n_header;
    char **cells;
    locale_t c_locale;
} reader;

static tsu_status read_header(reader *r, char *line, tsu_diag *diag)
{
    r->n_header = count_cells(line);
    r->cells = tsu_xcalloc((size_t)r->n_header, sizeof *r->cells);
    split_cells(line, r->cells, r->n_header);
    for (int c = 0; c < N_COLS; c++) {
        r->column_of[c] = -1;
        for (int h = 0; h < r->n_header; h++)
            if (!strcmp(r->cells[h], column_names[c])) r->column_of[c] = h;
    }
    if (r->column_of[COL_EPOCH] < 0 || r->column_of[COL_TRAIN_LOSS] < 0)
        return tsu_diag_add_at(diag, TSU_E_FORMAT, r->name, 1, 0,
                               _("not a training history (expected a header starting "
                                 "\"epoch,train_loss\")"));
    return TSU_OK;
}

static tsu_status read_row(reader *r, char *line, int line_no, tsu_history_row *row,
                           tsu_diag *diag)
{
    int n = split_cells(line, r->cells, r->n_header);
    if (n != r->n_header)
        return tsu_diag_add_at(diag, TSU_E_FORMAT, r->name, line_no, 0,
                               _("expected %d columns, got %d"), r->n_header, n);
    double v[N_COLS];
    for (int c = 0; c < N_COLS; c++) {
        v[c] = NAN;
        if (r->column_of[c] >= 0 && !parse_cell(r->cells[r->column_of[c]], r->c_locale, &v[c]))
            return tsu_diag_add_at(diag, TSU_E_FORMAT, r->name, line_no, 0,
                                   _("%s: not a number: \"%.40s\""), column_names[c],
                                   r->cells[r->column_of[c]]);
    }
    if (isnan(v[COL_EPOCH]) || v[COL_EPOCH] < 0 || v[COL_EPOCH] > 1e9)
        return tsu_diag_add_at(diag, TSU_E_FORMAT, r->name, line_no, 0,
                               _("epoch: expected a positive integer"));
    *row = (tsu_history_row){
        .epoch = (int)v[COL_EPOCH],
        .train_loss = v[COL_TRAIN_LOSS],
        .train_accuracy = v[COL_TRAIN_ACC],
        .validation_loss = v[COL_VALID_LOSS],
        .validation_accuracy = v[COL_VALID_ACC],
        .seconds = v[COL_SECONDS],
        .images_per_second = v[COL_SPEED],
    };
    return TSU_OK;
}

static tsu_status read_lines(reader *r, char *text, tsu_run_history *h, tsu_diag *diag)
{
    char *next = text;
    int line_no = 0, capacity = 0;
    bool header = true;
    while (next) {
        char *line = next;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        line_no++;
        line = trim(line);
        if (header) {
            if (!*line) return tsu_diag_add_at(diag, TSU_E_FORMAT, r->name, 0, 0, _("empty file"));
            tsu_status st = read_header(r, line, diag);
            if (st != TSU_OK) return st;
            header = false;
            continue;
        }
        if (!*line) continue;
        if (h->count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            h->rows = tsu_xrealloc(h->rows, (size_t)capacity * sizeof *h->rows);
        }
        tsu_status st = read_row(r, line, line_no, &h->rows[h->count], diag);
        if (st != TSU_OK) return st;
        h->count++;
    }
    return TSU_OK;
}

tsu_status tsu_run_history_parse(const char *text, size_t length, const char *name,
                                 tsu_run_history *history, tsu_diag *diag)
{
    memset(history, 0, sizeof *history);
    size_t size;
    if (!tsu_size_add(length, 1, &size))
        return tsu_diag_add_at(diag, TSU_E_FORMAT, name, 0, 0, _("too large for a history"));
    char *copy = tsu_xmalloc(size);
    memcpy(copy, text, length);
    copy[length] = '\0';
    reader r = {.name = name, .c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)};
    tsu_status st = read_lines(&r, copy, history, diag);
    if (r.c_locale) freelocale(r.c_locale);
    free(r.cells);
    free(copy);
    if (st != TSU_OK) tsu_run_history_free(history);
    return st;
}

tsu_status tsu_run_history_load(const char *path, tsu_run_history *history, tsu_diag *diag)
{
    memset(history, 0, sizeof *history);
    size_t length;
    unsigned char *text = tsu_read_file(path, HISTORY_MAX_BYTES, &length, diag);
    if (!text) return tsu_diag_status(diag) != TSU_OK ? tsu_diag_status(diag) : TSU_E_IO;
    tsu_status st = tsu_run_history_parse((const char *)text, length, path, history, diag);
    free(text);
    return st;
}

void tsu_run_history_free(tsu_run_history *history)
{
    free(history->rows);
    memset(history, 0, sizeof *history);
}
