/* safetensors.c — weights as safetensors files: an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}}, then the
 * raw little-endian data. Names and layouts are PyTorch's state_dict. */
#include "runtime/net-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c writes host floats as little-endian data"
#endif

#define METADATA_KEY "__metadata__"

static int compare_names(const void *a, const void *b)
{
    return strcmp((*(const tsu_net_tensor *const *)a)->name,
                  (*(const tsu_net_tensor *const *)b)->name);
}

/* Tensor indices in name order. */
static int *sorted_tensors(const tsu_net *net)
{
    const tsu_net_tensor **by_name = tsu_xcalloc((size_t)net->n_tensors + 1, sizeof *by_name);
    for (int i = 0; i < net->n_tensors; i++) by_name[i] = &net->tensors[i];
    qsort(by_name, (size_t)net->n_tensors, sizeof *by_name, compare_names);
    int *order = tsu_xcalloc((size_t)net->n_tensors + 1, sizeof *order);
    for (int i = 0; i < net->n_tensors; i++) order[i] = (int)(by_name[i] - net->tensors);
    free(by_name);
    return order;
}

typedef struct {
    char *text;
    size_t length, capacity;
} text_buffer;

static void append(text_buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(text_buffer *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->length + (size_t)n + 1 > b->capacity) {
        b->capacity = (b->length + (size_t)n + 1) * 2;
        b->text = tsu_xrealloc(b->text, b->capacity);
    }
    va_start(ap, fmt);
    vsnprintf(b->text + b->length, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->length += (size_t)n;
}

/* Keys sorted; "__metadata__" sorts before lower-case names ('_' < 'a') but
 * after upper-case ones, so it is placed by the same comparison. */
static char *build_header(const tsu_net *net, const int *order, size_t *length)
{
    text_buffer b = {0};
    append(&b, "{");
    bool metadata_done = false;
    size_t offset = 0;
    for (int i = 0; i <= net->n_tensors; i++) {
        const tsu_net_tensor *t = i < net->n_tensors ? &net->tensors[order[i]] : NULL;
        if (!metadata_done && (!t || strcmp(METADATA_KEY, t->name) < 0)) {
            append(&b, "%s\"" METADATA_KEY "\":{\"format\":\"pt\"}", b.length > 1 ? "," : "");
            metadata_done = true;
        }
        if (!t) break;
        append(&b, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[", t->name);
        for (int d = 0; d < t->shape.ndim; d++) append(&b, "%s%d", d ? "," : "", t->shape.d[d]);
        size_t bytes = t->size * sizeof(float);
        append(&b, "],\"data_offsets\":[%zu,%zu]}", offset, offset + bytes);
        offset += bytes;
    }
    append(&b, "}");
    /* Pad with spaces so the data starts 8-byte aligned. */
    while (b.length % 8) append(&b, " ");
    *length = b.length;
    return b.text;
}

static bool write_all(FILE *f, const void *data, size_t size)
{
    return size == 0 || fwrite(data, 1, size, f) == size;
}

tsu_status tsu_net_save_safetensors(const tsu_net *net, const char *path, tsu_diag *diag)
{
    int *order = sorted_tensors(net);
    size_t header_length;
    char *header = build_header(net, order, &header_length);
    size_t tmp_size = strlen(path) + 16;
    char *tmp = tsu_xmalloc(tmp_size);
    snprintf(tmp, tmp_size, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f != NULL;
    if (ok) {
        uint64_t n = header_length;
        ok = write_all(f, &n, sizeof n) && write_all(f, header, header_length);
        for (int i = 0; ok && i < net->n_tensors; i++) {
            const tsu_net_tensor *t = &net->tensors[order[i]];
            ok = write_all(f, t->data, t->size * sizeof(float));
        }
        ok = fflush(f) == 0 && ok;
        ok = fsync(fileno(f)) == 0 && ok;
        ok = fclose(f) == 0 && ok;
    } else if (fd >= 0) {
        close(fd);
    }
    int saved_errno = errno;
    if (ok) ok = rename(tmp, path) == 0, saved_errno = errno;
    if (!ok && fd >= 0) unlink(tmp);
    free(tmp);
    free(header);
    free(order);
    if (!ok)
        return tsu_diag_add(diag, TSU_E_IO, NULL, NULL, "%s: cannot write weights: %s", path,
                            strerror(saved_errno));
    return TSU_OK;
}

/* ------------------------------------------------------------------ load */

/* "[5, 64]" like tsu_shape_format_list, from the file's JSON array. */
static const char *json_shape_text(struct json_object *shape, char *buf, size_t size)
{
    if (!shape || !json_object_is_type(shape, json_type_array)) {
        snprintf(buf, size, "(none)");
        return buf;
    }
    size_t used = (size_t)snprintf(buf, size, "[");
    for (size_t d = 0; d < json_object_array_length(shape) && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", d ? ", " : "",
                                 (long long)json_object_get_int64(
                                     json_object_array_get_idx(shape, d)));
    if (used < size) snprintf(buf + used, size - used, "]");
    return buf;
}

static bool shape_matches(struct json_object *shape, const tsu_shape *expected)
{
    if (!json_object_is_type(shape, json_type_array)) return false;
    if ((int)json_object_array_length(shape) != expected->ndim) return false;
    for (int d = 0; d < expected->ndim; d++)
        if (json_object_get_int64(json_object_array_get_idx(shape, (size_t)d)) != expected->d[d])
            return false;
    return true;
}

static bool entry_error(tsu_diag *diag, tsu_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool entry_error(tsu_diag *diag, tsu_status code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    tsu_diag_add(diag, code, NULL, NULL, "%s", message);
    return false;
}

/* Checks one tensor's entry; on success *source points at its data. */
static bool check_entry(const char *path, struct json_object *header, const tsu_net_tensor *t,
                        const unsigned char *data, size_t data_size, const unsigned char **source,
                        tsu_diag *diag)
{
    struct json_object *entry, *dtype, *shape, *offsets;
    char expected[96], found[96];
    tsu_shape_format_list(&t->shape, expected, sizeof expected);
    if (!json_object_object_get_ex(header, t->name, &entry))
        return entry_error(diag, TSU_E_FORMAT, "%s: tensor %s is missing", path,
                            t->name);
    if (!json_object_object_get_ex(entry, "dtype", &dtype) ||
        strcmp(json_object_get_string(dtype), "F32") != 0)
        return entry_error(diag, TSU_E_FORMAT,
                            "%s: tensor %s has dtype %s, expected F32", path, t->name,
                            dtype ? json_object_get_string(dtype) : "(none)");
    if (!json_object_object_get_ex(entry, "shape", &shape) || !shape_matches(shape, &t->shape))
        return entry_error(diag, TSU_E_SHAPE,
                            "%s: tensor %s has shape %s, the network expects %s", path, t->name,
                            json_shape_text(shape, found, sizeof found), expected);
    int64_t begin = -1, end = -1;
    if (json_object_object_get_ex(entry, "data_offsets", &offsets) &&
        json_object_is_type(offsets, json_type_array) && json_object_array_length(offsets) == 2) {
        begin = json_object_get_int64(json_object_array_get_idx(offsets, 0));
        end = json_object_get_int64(json_object_array_get_idx(offsets, 1));
    }
    if (begin < 0 || end - begin != (int64_t)(t->size * sizeof(float)))
        return entry_error(diag, TSU_E_FORMAT,
                            "%s: tensor %s has bad data_offsets", path, t->name);
    if ((uint64_t)end > data_size)
        return entry_error(diag, TSU_E_FORMAT,
                            "%s: tensor %s is truncated (needs bytes %lld..%lld of %zu)", path,
                            t->name, (long long)begin, (long long)end, data_size);
    *source = data + begin;
    return true;
}

static struct json_object *parse_header(const char *path, const unsigned char *file, size_t size,
                                        size_t *data_start, tsu_diag *diag)
{
    uint64_t length = 0;
    if (size >= 8) memcpy(&length, file, sizeof length);
    if (size < 8 || length > size - 8) {
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, NULL,
                     "%s: not a safetensors file (truncated header)", path);
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new();
    struct json_object *header = json_tokener_parse_ex(tok, (const char *)file + 8, (int)length);
    json_tokener_free(tok);
    if (!header || !json_object_is_type(header, json_type_object)) {
        json_object_put(header);
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, NULL,
                     "%s: not a safetensors file (bad JSON header)", path);
        return NULL;
    }
    *data_start = 8 + (size_t)length;
    return header;
}

tsu_status tsu_net_load_safetensors(tsu_net *net, const char *path, tsu_diag *diag)
{
    size_t size = 0, data_start = 0;
    unsigned char *file = tsu_read_file(path, TSU_READ_FILE_LIMIT, &size, diag);
    if (!file) return TSU_E_IO;
    struct json_object *header = parse_header(path, file, size, &data_start, diag);
    if (!header) {
        free(file);
        return TSU_E_FORMAT;
    }
    const unsigned char **sources = tsu_xcalloc((size_t)net->n_tensors + 1, sizeof *sources);
    bool ok = true;
    for (int i = 0; i < net->n_tensors; i++)
        ok &= check_entry(path, header, &net->tensors[i], file + data_start, size - data_start,
                          &sources[i], diag);
    tsu_status status = ok ? TSU_OK : tsu_diag_status(diag);
    for (int i = 0; ok && i < net->n_tensors; i++)
        memcpy(net->tensors[i].data, sources[i], net->tensors[i].size * sizeof(float));
    free(sources);
    json_object_put(header);
    free(file);
    return ok ? TSU_OK : (status != TSU_OK ? status : TSU_E_FORMAT);
}
