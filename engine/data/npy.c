/* npy.c — float32 NumPy arrays (.npy) in and out, for `tsumiki-cli predict`.
 *
 * The format (numpy.lib.format): the magic "\x93NUMPY", a major and minor
 * version byte, the header length (2 bytes little-endian in version 1, 4 in
 * versions 2 and 3), then a Python dict literal padded with spaces and ended
 * by '\n', then the values. Only what numpy writes for a C-order float32
 * array is accepted: {'descr': '<f4', 'fortran_order': False, 'shape': (...)},
 * every key once, and exactly the bytes the shape needs. */
#include "tsu-internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* Headers are padded so the data starts on this boundary (numpy's own). */
#define NPY_ALIGN 64

typedef struct {
    const char *at, *end;
    const char *path;
    tsu_diag *diag;
} npy_cursor;

static bool npy_fail(const char *path, tsu_diag *diag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool npy_fail(const char *path, tsu_diag *diag, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, "%s: %s", path, message);
    return false;
}

static void npy_skip_space(npy_cursor *c)
{
    while (c->at < c->end && (*c->at == ' ' || *c->at == '\t')) c->at++;
}

/* Consumes `token` (after spaces) when it comes next. */
static bool npy_accept(npy_cursor *c, const char *token)
{
    npy_skip_space(c);
    size_t n = strlen(token);
    if ((size_t)(c->end - c->at) < n || memcmp(c->at, token, n) != 0) return false;
    c->at += n;
    return true;
}

/* A quoted key or string: 'descr' (numpy writes single quotes). */
static bool npy_string(npy_cursor *c, char *out, size_t size)
{
    npy_skip_space(c);
    if (c->at >= c->end || (*c->at != '\'' && *c->at != '"')) return false;
    char quote = *c->at++;
    size_t n = 0;
    while (c->at < c->end && *c->at != quote) {
        if (n + 1 >= size) return false;
        out[n++] = *c->at++;
    }
    if (c->at >= c->end) return false;
    c->at++;
    out[n] = '\0';
    return true;
}

/* (), (5,), (2, 3) or (2, 3,): non-negative integers. */
static bool npy_shape(npy_cursor *c, tsu_npy *a)
{
    if (!npy_accept(c, "(")) return npy_fail(c->path, c->diag, _("'shape' is not a tuple"));
    a->ndim = 0;
    while (!npy_accept(c, ")")) {
        npy_skip_space(c);
        if (c->at >= c->end || !isdigit((unsigned char)*c->at))
            return npy_fail(c->path, c->diag, _("'shape' holds something other than sizes"));
        int64_t v = 0;
        while (c->at < c->end && isdigit((unsigned char)*c->at)) {
            if (v > (INT64_MAX - 9) / 10)
                return npy_fail(c->path, c->diag, _("a size in 'shape' is too large"));
            v = v * 10 + (*c->at++ - '0');
        }
        if (a->ndim == TSU_NPY_MAX_DIMS)
            return npy_fail(c->path, c->diag, _("'shape' has more than %d dimensions"),
                            TSU_NPY_MAX_DIMS);
        a->dims[a->ndim++] = v;
        if (!npy_accept(c, ",")) {
            if (!npy_accept(c, ")")) return npy_fail(c->path, c->diag, _("'shape' is not a tuple"));
            /* (5) is the number 5 in Python, not a tuple. */
            if (a->ndim == 1) return npy_fail(c->path, c->diag, _("'shape' is not a tuple"));
            break;
        }
    }
    return true;
}

/* The header dict; sets a->ndim and a->dims. */
static bool npy_parse_header(npy_cursor *c, tsu_npy *a)
{
    bool seen_descr = false, seen_order = false, seen_shape = false;
    if (!npy_accept(c, "{")) return npy_fail(c->path, c->diag, _("the header is not a dict"));
    while (!npy_accept(c, "}")) {
        char key[32], value[32];
        if (!npy_string(c, key, sizeof key) || !npy_accept(c, ":"))
            return npy_fail(c->path, c->diag, _("the header is not a dict of quoted keys"));
        bool *seen = !strcmp(key, "descr")           ? &seen_descr
                     : !strcmp(key, "fortran_order") ? &seen_order
                     : !strcmp(key, "shape")         ? &seen_shape
                                                     : NULL;
        if (!seen) return npy_fail(c->path, c->diag, _("unknown header key '%s'"), key);
        if (*seen) return npy_fail(c->path, c->diag, _("header key '%s' appears twice"), key);
        *seen = true;
        if (seen == &seen_descr) {
            if (!npy_string(c, value, sizeof value))
                return npy_fail(c->path, c->diag, _("'descr' is not a string"));
            if (strcmp(value, "<f4") != 0)
                return npy_fail(c->path, c->diag,
                                _("dtype '%s' is not float32 ('<f4'): convert with "
                                  "a.astype('<f4')"), value);
        } else if (seen == &seen_order) {
            if (npy_accept(c, "True"))
                return npy_fail(c->path, c->diag,
                                _("fortran_order is True: save a C-order array "
                                  "(numpy.ascontiguousarray)"));
            if (!npy_accept(c, "False"))
                return npy_fail(c->path, c->diag, _("'fortran_order' is not False or True"));
        } else if (!npy_shape(c, a)) {
            return false;
        }
        if (!npy_accept(c, ",")) {
            if (!npy_accept(c, "}")) return npy_fail(c->path, c->diag, _("the header dict is not closed"));
            break;
        }
    }
    if (!seen_descr || !seen_order || !seen_shape)
        return npy_fail(c->path, c->diag, _("the header lacks '%s'"),
                        !seen_descr ? "descr" : !seen_order ? "fortran_order" : "shape");
    npy_skip_space(c);
    if (c->at + 1 != c->end || *c->at != '\n')
        return npy_fail(c->path, c->diag, _("the header does not end with spaces and a newline"));
    return true;
}

static uint32_t npy_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Where the header text starts and how long it is, after the magic and version. */
static bool npy_preamble(const unsigned char *bytes, size_t len, const char *path,
                         tsu_diag *diag, size_t *start, size_t *header_len)
{
    if (len < NPY_MAGIC_LEN + 2 || memcmp(bytes, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
        return npy_fail(path, diag, _("not a NumPy .npy file (no \\x93NUMPY magic)"));
    const int major = bytes[6], minor = bytes[7];
    if (major < 1 || major > 3 || minor != 0)
        return npy_fail(path, diag, _(".npy version %d.%d is not 1.0, 2.0 or 3.0"), major, minor);
    const size_t width = major == 1 ? 2 : 4;
    *start = NPY_MAGIC_LEN + 2 + width;
    if (len < *start) return npy_fail(path, diag, _("the file ends inside the header length"));
    *header_len = major == 1 ? (size_t)bytes[8] | (size_t)bytes[9] << 8 : npy_le32(bytes + 8);
    if (*header_len > len - *start)
        return npy_fail(path, diag, _("the header claims %zu bytes; the file has %zu after it"),
                        *header_len, len - *start);
    return true;
}

tsu_status tsu_npy_read(const char *path, tsu_npy *out, tsu_diag *diag)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    unsigned char *bytes = tsu_read_file(path, TSU_READ_FILE_LIMIT, &len, diag);
    if (!bytes) return TSU_E_IO;
    size_t start = 0, header_len = 0, count = 0, data_bytes = 0;
    npy_cursor c = {.path = path, .diag = diag};
    bool ok = npy_preamble(bytes, len, path, diag, &start, &header_len);
    if (ok) {
        c.at = (const char *)bytes + start;
        c.end = c.at + header_len;
        ok = npy_parse_header(&c, out);
    }
    if (ok && (!tsu_size_product(out->dims, (size_t)out->ndim, SIZE_MAX, &count) ||
               !tsu_size_mul(count, sizeof(float), &data_bytes)))
        ok = npy_fail(path, diag, _("the shape's size overflows"));
    const size_t data_at = start + header_len;
    if (ok && len - data_at != data_bytes)
        ok = npy_fail(path, diag, _("the shape needs %zu bytes of float32 values; the file has %zu"),
                      data_bytes, len - data_at);
    if (ok) {
        out->count = count;
        out->data = tsu_xmalloc(data_bytes ? data_bytes : 1);
        for (size_t i = 0; i < count; i++) {
            uint32_t bits = npy_le32(bytes + data_at + 4 * i);
            memcpy(&out->data[i], &bits, sizeof bits);
        }
    }
    free(bytes);
    if (!ok) memset(out, 0, sizeof *out);
    return ok ? TSU_OK : TSU_E_DATA;
}

void tsu_npy_free(tsu_npy *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

tsu_status tsu_npy_write(const char *path, const tsu_npy *a, tsu_diag *diag)
{
    char dict[64 + 24 * TSU_NPY_MAX_DIMS];
    tsu_assert(a->ndim >= 0 && a->ndim <= TSU_NPY_MAX_DIMS);
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int d = 0; d < a->ndim; d++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%s%lld", d ? ", " : "",
                      (long long)a->dims[d]);
    /* As Python writes tuples: (4,) for one element. */
    n += snprintf(dict + n, sizeof dict - (size_t)n, a->ndim == 1 ? ",), }" : "), }");
    /* Version 1.0: magic, version, 2-byte length, the dict, spaces, '\n'. */
    const size_t pre = NPY_MAGIC_LEN + 4;
    const size_t header = ((pre + (size_t)n + 1 + NPY_ALIGN - 1) / NPY_ALIGN) * NPY_ALIGN - pre;
    size_t data_bytes = 0, total = 0;
    if (!tsu_size_mul(a->count, sizeof(float), &data_bytes) ||
        !tsu_size_add(pre + header, data_bytes, &total))
        return tsu_diag_add(diag, TSU_E_DATA, NULL, NULL, _("%s: the array is too large"), path);
    unsigned char *buf = tsu_xmalloc(total);
    memcpy(buf, NPY_MAGIC, NPY_MAGIC_LEN);
    buf[6] = 1, buf[7] = 0, buf[8] = (unsigned char)(header & 0xff), buf[9] = (unsigned char)(header >> 8);
    memcpy(buf + pre, dict, (size_t)n);
    memset(buf + pre + n, ' ', header - (size_t)n - 1);
    buf[pre + header - 1] = '\n';
    for (size_t i = 0; i < a->count; i++) {
        uint32_t bits;
        memcpy(&bits, &a->data[i], sizeof bits);
        unsigned char *p = buf + pre + header + 4 * i;
        p[0] = (unsigned char)bits, p[1] = (unsigned char)(bits >> 8);
        p[2] = (unsigned char)(bits >> 16), p[3] = (unsigned char)(bits >> 24);
    }
    tsu_status st = tsu_write_file_atomic(path, buf, total, diag);
    free(buf);
    return st;
}
