/* safetensors.c — weights as safetensors files: an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}}, then the
 * raw little-endian data. Names and layouts are PyTorch's state_dict. */
#include "runtime/net-internal.h"

#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

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

/* The JSON header, built by json-c so every name is escaped as JSON wants:
 * "__metadata__" first, then the tensors in name order, exactly as
 * engine/export/python/tsumiki_io.py writes it. Padded with spaces so the
 * data starts 8-byte aligned. */
static char *build_header(const tsu_net *net, const int *order, size_t *length)
{
    struct json_object *root = json_object_new_object();
    struct json_object *metadata = json_object_new_object();
    json_object_object_add(metadata, "format", json_object_new_string("pt"));
    json_object_object_add(root, METADATA_KEY, metadata);
    size_t offset = 0;
    for (int i = 0; i < net->n_tensors; i++) {
        const tsu_net_tensor *t = &net->tensors[order[i]];
        struct json_object *entry = json_object_new_object();
        struct json_object *shape = json_object_new_array();
        struct json_object *offsets = json_object_new_array();
        for (int d = 0; d < t->shape.ndim; d++)
            json_object_array_add(shape, json_object_new_int64(t->shape.d[d]));
        /* The net's arena holds every tensor, so the sum fits in size_t. */
        size_t end = offset + t->size * sizeof(float);
        json_object_array_add(offsets, json_object_new_int64((int64_t)offset));
        json_object_array_add(offsets, json_object_new_int64((int64_t)end));
        json_object_object_add(entry, "dtype", json_object_new_string("F32"));
        json_object_object_add(entry, "shape", shape);
        json_object_object_add(entry, "data_offsets", offsets);
        json_object_object_add(root, t->name, entry);
        offset = end;
    }
    size_t n;
    const char *text = json_object_to_json_string_length(
        root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    size_t padded = (n + 7) / 8 * 8;
    char *header = tsu_xmalloc(padded + 1);
    memcpy(header, text, n);
    memset(header + n, ' ', padded - n);
    header[padded] = '\0';
    json_object_put(root);
    *length = padded;
    return header;
}

/* Streamed through the atomic writer every other output goes through (same
 * temporary name, lock, mode and fsync; errors name the file), tensor by
 * tensor, so saving never holds a second copy of the weights. */
tsu_status tsu_net_save_safetensors(const tsu_net *net, const char *path, tsu_diag *diag)
{
    tsu_atomic_file out;
    if (!tsu_atomic_open(&out, path, diag)) return TSU_E_IO;
    int *order = sorted_tensors(net);
    size_t header_length;
    char *header = build_header(net, order, &header_length);
    uint64_t n = header_length;
    fwrite(&n, sizeof n, 1, out.stream);
    fwrite(header, 1, header_length, out.stream);
    for (int i = 0; i < net->n_tensors; i++) {
        const tsu_net_tensor *t = &net->tensors[order[i]];
        if (t->size) fwrite(t->data, sizeof(float), t->size, out.stream);
    }
    free(header);
    free(order);
    /* The commit checks every write above (stdio keeps the first error). */
    return tsu_atomic_commit(&out, diag);
}

/* ------------------------------------------------------------------ load */

/* The header may not be larger than this (the safetensors format's own
 * limit); it also keeps the length within what json-c's tokenizer takes. */
#define MAX_HEADER_BYTES ((uint64_t)100 << 20)

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

/* object[key] as it appears in the file, for messages: one line, short,
 * "null" for null, "nothing" when the key is missing. */
static const char *field_text(struct json_object *object, const char *key, char *buf,
                              size_t size)
{
    struct json_object *value;
    if (!json_object_object_get_ex(object, key, &value)) return "nothing";
    const char *text = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);
    if (strlen(text) < size) snprintf(buf, size, "%s", text);
    else snprintf(buf, size, "%.*s...", (int)size - 4, text);
    return buf;
}

/* A JSON integer in [0, max]; doubles, strings, null and the rest are not. */
static bool json_uint(struct json_object *value, int64_t max, int64_t *out)
{
    if (!json_object_is_type(value, json_type_int) || json_object_get_int64(value) < 0)
        return false;
    /* json-c keeps integers above INT64_MAX as uint64, which get_int64 clamps. */
    uint64_t v = json_object_get_uint64(value);
    if (v > (uint64_t)max) return false;
    *out = (int64_t)v;
    return true;
}

/* The file's shape, when it is a list of at most TSU_MAX_DIMS dimensions. */
static bool read_shape(struct json_object *shape, tsu_shape *out)
{
    if (!json_object_is_type(shape, json_type_array)) return false;
    size_t n = json_object_array_length(shape);
    if (n > TSU_MAX_DIMS) return false;
    memset(out, 0, sizeof *out);
    out->ndim = (int)n;
    for (size_t d = 0; d < n; d++) {
        int64_t v;
        if (!json_uint(json_object_array_get_idx(shape, d), INT32_MAX, &v)) return false;
        out->d[d] = (int)v;
    }
    return true;
}

/* [begin, end] byte offsets into the data that follow the header. */
static bool read_offsets(struct json_object *offsets, uint64_t *begin, uint64_t *end)
{
    int64_t a, b;
    if (!json_object_is_type(offsets, json_type_array) ||
        json_object_array_length(offsets) != 2 ||
        !json_uint(json_object_array_get_idx(offsets, 0), INT64_MAX, &a) ||
        !json_uint(json_object_array_get_idx(offsets, 1), INT64_MAX, &b) || a > b)
        return false;
    *begin = (uint64_t)a;
    *end = (uint64_t)b;
    return true;
}

static struct json_object *member(struct json_object *object, const char *key)
{
    struct json_object *value = NULL;
    return json_object_object_get_ex(object, key, &value) ? value : NULL;
}

/* Checks one tensor's entry; on success *source points at its data. Every
 * value is type-checked: a file's "dtype": null or "shape": "64" is an
 * error naming the file and the tensor, like a wrong number. */
static bool check_entry(const char *path, struct json_object *header, const tsu_net_tensor *t,
                        const unsigned char *data, size_t data_size, const unsigned char **source,
                        tsu_diag *diag)
{
    char expected[96], found[96];
    struct json_object *entry;
    if (!json_object_object_get_ex(header, t->name, &entry))
        return entry_error(diag, TSU_E_FORMAT, _("%s: tensor %s is missing"), path, t->name);
    if (!json_object_is_type(entry, json_type_object))
        return entry_error(diag, TSU_E_FORMAT, _("%s: tensor %s: expected an object, got %s"),
                           path, t->name, field_text(header, t->name, found, sizeof found));
    struct json_object *dtype = member(entry, "dtype");
    if (!json_object_is_type(dtype, json_type_string))
        return entry_error(diag, TSU_E_FORMAT,
                           _("%s: tensor %s: \"dtype\" must be a string such as \"F32\", got %s"),
                           path, t->name, field_text(entry, "dtype", found, sizeof found));
    if (strcmp(json_object_get_string(dtype), "F32") != 0)
        return entry_error(diag, TSU_E_FORMAT, _("%s: tensor %s has dtype %s, expected F32"), path,
                           t->name, json_object_get_string(dtype));
    struct json_object *shape_json = member(entry, "shape");
    tsu_shape shape;
    if (!read_shape(shape_json, &shape))
        return entry_error(diag, TSU_E_FORMAT,
                           _("%s: tensor %s: \"shape\" must be a list of at most %d non-negative "
                             "integers, got %s"), path, t->name, TSU_MAX_DIMS,
                           field_text(entry, "shape", found, sizeof found));
    tsu_shape_format_list(&t->shape, expected, sizeof expected);
    if (!tsu_shape_equal(&shape, &t->shape)) {
        tsu_shape_format_list(&shape, found, sizeof found);
        return entry_error(diag, TSU_E_SHAPE,
                           _("%s: tensor %s has shape %s, the network expects %s"), path, t->name,
                           found, expected);
    }
    struct json_object *offsets = member(entry, "data_offsets");
    uint64_t begin, end;
    if (!read_offsets(offsets, &begin, &end))
        return entry_error(diag, TSU_E_FORMAT,
                           _("%s: tensor %s: \"data_offsets\" must be [begin, end] with "
                             "0 <= begin <= end, got %s"), path, t->name,
                           field_text(entry, "data_offsets", found, sizeof found));
    if (end - begin != t->size * sizeof(float))
        return entry_error(diag, TSU_E_FORMAT,
                           _("%s: tensor %s has data_offsets [%llu, %llu]: %llu bytes, but shape "
                             "%s is %zu bytes of F32"), path, t->name, (unsigned long long)begin,
                           (unsigned long long)end, (unsigned long long)(end - begin), expected,
                           t->size * sizeof(float));
    if (end > data_size)
        return entry_error(diag, TSU_E_FORMAT,
                           _("%s: tensor %s is truncated (needs bytes %llu..%llu of %zu)"), path,
                           t->name, (unsigned long long)begin, (unsigned long long)end,
                           data_size);
    *source = data + begin;
    return true;
}

static bool all_spaces(const unsigned char *text, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
            return false;
    return true;
}

static struct json_object *parse_header(const char *path, const unsigned char *file, size_t size,
                                        size_t *data_start, tsu_diag *diag)
{
    uint64_t length = 0;
    if (size >= 8) memcpy(&length, file, sizeof length);
    if (size < 8 || length > size - 8) {
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, NULL,
                     _("%s: not a safetensors file (truncated header)"), path);
        return NULL;
    }
    if (length > MAX_HEADER_BYTES) {
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, NULL,
                     _("%s: not a safetensors file (header of %llu bytes, at most %llu)"), path,
                     (unsigned long long)length, (unsigned long long)MAX_HEADER_BYTES);
        return NULL;
    }
    const unsigned char *text = file + 8;
    struct json_tokener *tok = json_tokener_new();
    struct json_object *header = json_tokener_parse_ex(tok, (const char *)text, (int)length);
    size_t parsed = header ? json_tokener_get_parse_end(tok) : 0;
    json_tokener_free(tok);
    if (!json_object_is_type(header, json_type_object) ||
        !all_spaces(text + parsed, (size_t)length - parsed)) {
        json_object_put(header);
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, NULL,
                     _("%s: not a safetensors file (bad JSON header)"), path);
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
