/* json-writer.c — the canonical text of a project.
 *
 * json-c's own pretty printer puts every array element on a line of its own
 * and re-formats doubles; a project file is read by people and diffed by
 * tools, so we write it ourselves: two-space indentation, arrays of scalars
 * containers inside arrays (a node per line) and flat objects below the top
 * level on one line, numbers in
 * their shortest exact form. The output is a fixed point: parsing and
 * writing it again gives the same bytes. */
#include "tsu-internal.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char *data;
    size_t length, capacity;
} text_buffer;

static void buf_append(text_buffer *b, const char *s, size_t n)
{
    if (b->length + n + 1 > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 256;
        while (cap < b->length + n + 1) cap *= 2;
        b->data = tsu_xrealloc(b->data, cap);
        b->capacity = cap;
    }
    memcpy(b->data + b->length, s, n);
    b->length += n;
    b->data[b->length] = '\0';
}

static void buf_puts(text_buffer *b, const char *s) { buf_append(b, s, strlen(s)); }

static void buf_indent(text_buffer *b, int indent)
{
    for (int i = 0; i < indent; i++) buf_append(b, "  ", 2);
}

static void write_string(text_buffer *b, const char *s, size_t n)
{
    buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '"': buf_append(b, "\\\"", 2); break;
        case '\\': buf_append(b, "\\\\", 2); break;
        case '\n': buf_append(b, "\\n", 2); break;
        case '\r': buf_append(b, "\\r", 2); break;
        case '\t': buf_append(b, "\\t", 2); break;
        case '\b': buf_append(b, "\\b", 2); break;
        case '\f': buf_append(b, "\\f", 2); break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                buf_puts(b, esc);
            } else {
                buf_append(b, (const char *)&s[i], 1);
            }
        }
    }
    buf_append(b, "\"", 1);
}

/* The shortest decimal that reads back as the same double, always with a
 * fraction or exponent so a float stays a float after a round trip. */
static void write_double(text_buffer *b, double v)
{
    char text[40];
    if (!isfinite(v)) { /* JSON has no NaN or infinity */
        buf_puts(b, "null");
        return;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, v);
        if (strtod(text, NULL) == v) break;
    }
    if (!strpbrk(text, ".eE")) strcat(text, ".0");
    buf_puts(b, text);
}

static bool is_container(struct json_object *v)
{
    json_type t = json_object_get_type(v);
    return t == json_type_object || t == json_type_array;
}

static void write_value(text_buffer *b, struct json_object *v, int indent, bool inline_mode);

/* Only scalars and arrays of scalars: such an object reads best on one line
 * ({"source": "csv", "path": "train.csv"}). */
static bool is_flat_object(struct json_object *v)
{
    if (!json_object_is_type(v, json_type_object)) return false;
    json_object_object_foreach(v, key, child) {
        (void)key;
        if (json_object_is_type(child, json_type_object)) return false;
        if (json_object_is_type(child, json_type_array))
            for (size_t i = 0; i < json_object_array_length(child); i++)
                if (is_container(json_object_array_get_idx(child, i))) return false;
    }
    return true;
}

static void write_array(text_buffer *b, struct json_object *v, int indent, bool inline_mode)
{
    size_t n = json_object_array_length(v);
    if (n == 0) {
        buf_puts(b, "[]");
        return;
    }
    bool all_scalars = true;
    for (size_t i = 0; i < n; i++)
        if (is_container(json_object_array_get_idx(v, i))) all_scalars = false;
    bool one_line = inline_mode || all_scalars;
    buf_puts(b, one_line ? "[" : "[\n");
    for (size_t i = 0; i < n; i++) {
        if (!one_line) buf_indent(b, indent + 1);
        /* Containers inside an array go on one line each: a node per line. */
        write_value(b, json_object_array_get_idx(v, i), indent + 1, true);
        if (i + 1 < n) buf_puts(b, one_line ? ", " : ",\n");
    }
    if (!one_line) {
        buf_puts(b, "\n");
        buf_indent(b, indent);
    }
    buf_puts(b, "]");
}

static void write_object(text_buffer *b, struct json_object *v, int indent, bool inline_mode)
{
    if (json_object_object_length(v) == 0) {
        buf_puts(b, "{}");
        return;
    }
    buf_puts(b, inline_mode ? "{" : "{\n");
    bool first = true;
    json_object_object_foreach(v, key, child) {
        if (!first) buf_puts(b, inline_mode ? ", " : ",\n");
        first = false;
        if (!inline_mode) buf_indent(b, indent + 1);
        write_string(b, key, strlen(key));
        buf_puts(b, ": ");
        /* Below the top level, flat objects go on one line. */
        write_value(b, child, indent + 1, inline_mode || (indent > 0 && is_flat_object(child)));
    }
    if (!inline_mode) {
        buf_puts(b, "\n");
        buf_indent(b, indent);
    }
    buf_puts(b, "}");
}

static void write_value(text_buffer *b, struct json_object *v, int indent, bool inline_mode)
{
    char text[32];
    switch (json_object_get_type(v)) {
    case json_type_null: buf_puts(b, "null"); break;
    case json_type_boolean: buf_puts(b, json_object_get_boolean(v) ? "true" : "false"); break;
    case json_type_int:
        snprintf(text, sizeof text, "%lld", (long long)json_object_get_int64(v));
        buf_puts(b, text);
        break;
    case json_type_double: write_double(b, json_object_get_double(v)); break;
    case json_type_string:
        write_string(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        break;
    case json_type_array: write_array(b, v, indent, inline_mode); break;
    case json_type_object: write_object(b, v, indent, inline_mode); break;
    }
}

static char *tsu_json_to_canonical_body(struct json_object *value, int indent)
{
    text_buffer b = {0};
    write_value(&b, value, indent, indent < 0);
    if (!b.data) buf_puts(&b, "");
    return b.data;
}

char *tsu_json_to_canonical(struct json_object *value, int indent)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    char * result = tsu_json_to_canonical_body(value, indent);
    tsu_c_numeric_end(&scope);
    return result;
}
