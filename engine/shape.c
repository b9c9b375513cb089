/* shape.c — shapes without the batch axis. */
#include "tsu-internal.h"

#include <stdint.h>
#include <string.h>

size_t tsu_shape_size(const tsu_shape *shape)
{
    int64_t dims[TSU_MAX_DIMS];
    for (int i = 0; i < shape->ndim; i++) dims[i] = shape->d[i];
    size_t n;
    return tsu_size_product(dims, (size_t)shape->ndim, SIZE_MAX, &n) ? n : SIZE_MAX;
}

bool tsu_shape_equal(const tsu_shape *a, const tsu_shape *b)
{
    if (a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->d[i] != b->d[i]) return false;
    return true;
}

static int format_joined(const tsu_shape *shape, const char *open, const char *sep,
                         const char *close, char *buf, size_t size)
{
    size_t used = 0;
    int n = snprintf(buf, size, "%s", open);
    used += (size_t)n;
    for (int i = 0; i < shape->ndim; i++) {
        n = snprintf(buf + (used < size ? used : size), used < size ? size - used : 0,
                     "%s%d", i ? sep : "", shape->d[i]);
        used += (size_t)n;
    }
    n = snprintf(buf + (used < size ? used : size), used < size ? size - used : 0, "%s", close);
    used += (size_t)n;
    return (int)used;
}

int tsu_shape_format_sep(const tsu_shape *shape, const char *sep, char *buf, size_t size)
{
    if (shape->ndim == 0) return snprintf(buf, size, "scalar");
    return format_joined(shape, "", sep, "", buf, size);
}

int tsu_shape_format(const tsu_shape *shape, char *buf, size_t size)
{
    return tsu_shape_format_sep(shape, "x", buf, size);
}

int tsu_shape_format_list(const tsu_shape *shape, char *buf, size_t size)
{
    return format_joined(shape, "[", ", ", "]", buf, size);
}

tsu_shape tsu_shape_make(int ndim, const int *dims)
{
    tsu_shape s;
    memset(&s, 0, sizeof s);
    tsu_assert(ndim >= 0 && ndim <= TSU_MAX_DIMS);
    s.ndim = ndim;
    for (int i = 0; i < ndim; i++) s.d[i] = dims[i];
    return s;
}

tsu_shape tsu_shape_1(int a) { return tsu_shape_make(1, (int[]){a}); }
tsu_shape tsu_shape_2(int a, int b) { return tsu_shape_make(2, (int[]){a, b}); }
tsu_shape tsu_shape_3(int a, int b, int c) { return tsu_shape_make(3, (int[]){a, b, c}); }
tsu_shape tsu_shape_4(int a, int b, int c, int d) { return tsu_shape_make(4, (int[]){a, b, c, d}); }
