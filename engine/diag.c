/* diag.c — errors as values: a growing list of located messages. */
#include "tsu-internal.h"

#include <stdarg.h>
#include <string.h>

void tsu_diag_init(tsu_diag *diag)
{
    memset(diag, 0, sizeof *diag);
}

void tsu_diag_clear(tsu_diag *diag)
{
    if (diag) diag->count = 0;
}

void tsu_diag_free(tsu_diag *diag)
{
    if (!diag) return;
    free(diag->items);
    tsu_diag_init(diag);
}

static tsu_error *diag_push(tsu_diag *diag, tsu_status code)
{
    if (diag->count == diag->capacity) {
        diag->capacity = diag->capacity ? diag->capacity * 2 : 8;
        diag->items = tsu_xrealloc(diag->items, (size_t)diag->capacity * sizeof *diag->items);
    }
    tsu_error *e = &diag->items[diag->count++];
    memset(e, 0, sizeof *e);
    e->code = code;
    return e;
}

static void copy_id(char *dst, const char *src)
{
    snprintf(dst, TSU_ID_MAX, "%s", src ? src : "");
}

/* Appends the formatted message after a location prefix of `used` bytes. */
static void finish_message(tsu_error *e, int used, const char *fmt, va_list ap)
{
    if (used < 0 || (size_t)used >= sizeof e->message) used = 0;
    vsnprintf(e->message + used, sizeof e->message - (size_t)used, fmt, ap);
}

tsu_status tsu_diag_add(tsu_diag *diag, tsu_status code, const char *node,
                        const char *param, const char *fmt, ...)
{
    if (!diag) return code;
    tsu_error *e = diag_push(diag, code);
    copy_id(e->node, node);
    copy_id(e->param, param);
    int used = 0;
    if (node && *node && param && *param)
        used = snprintf(e->message, sizeof e->message, "%s.%s: ", node, param);
    else if (node && *node)
        used = snprintf(e->message, sizeof e->message, "%s: ", node);
    else if (param && *param)
        used = snprintf(e->message, sizeof e->message, "%s: ", param);
    va_list ap;
    va_start(ap, fmt);
    finish_message(e, used, fmt, ap);
    va_end(ap);
    return code;
}

tsu_status tsu_diag_add_at(tsu_diag *diag, tsu_status code, const char *file, int line,
                           int column, const char *fmt, ...)
{
    if (!diag) return code;
    tsu_error *e = diag_push(diag, code);
    e->line = line;
    e->column = column;
    int used;
    if (line > 0 && column > 0)
        used = snprintf(e->message, sizeof e->message, "%s:%d:%d: ", file, line, column);
    else if (line > 0)
        used = snprintf(e->message, sizeof e->message, "%s:%d: ", file, line);
    else
        used = snprintf(e->message, sizeof e->message, "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    finish_message(e, used, fmt, ap);
    va_end(ap);
    return code;
}

tsu_status tsu_diag_status(const tsu_diag *diag)
{
    return diag && diag->count ? diag->items[0].code : TSU_OK;
}

const char *tsu_diag_message(const tsu_diag *diag, const char *fallback)
{
    return diag && diag->count ? diag->items[0].message : fallback;
}

void tsu_diag_print(const tsu_diag *diag, FILE *out)
{
    for (int i = 0; diag && i < diag->count; i++)
        fprintf(out, _("error: %s\n"), diag->items[i].message);
}

const char *tsu_status_name(tsu_status code)
{
    static const char *const names[] = {
        [TSU_OK] = N_("ok"),
        [TSU_E_IO] = N_("i/o error"),
        [TSU_E_SYNTAX] = N_("syntax error"),
        [TSU_E_VERSION] = N_("unsupported version"),
        [TSU_E_FORMAT] = N_("not a project"),
        [TSU_E_GRAPH] = N_("graph error"),
        [TSU_E_PARAM] = N_("parameter error"),
        [TSU_E_SHAPE] = N_("shape error"),
        [TSU_E_DATA] = N_("data error"),
        [TSU_E_NOMEM] = N_("out of memory"),
        [TSU_E_STOPPED] = N_("stopped"),
        [TSU_E_NONFINITE] = N_("non-finite value"),
        [TSU_E_UNSUPPORTED] = N_("unsupported"),
    };
    if ((unsigned)code < TSU_ARRAY_LEN(names) && names[code]) return _(names[code]);
    return _("error");
}
