/* util.c — allocation that aborts on exhaustion, programmer-error aborts,
 * checked size arithmetic and the one whole-file reader. */
#include "tsu-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Noreturn void tsu_abort_at(const char *file, int line, const char *what)
{
    fprintf(stderr, "tsumiki: internal error at %s:%d: %s\n", file, line, what);
    abort();
}

void *tsu_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) tsu_abort_at(__FILE__, __LINE__, "out of memory");
    return p;
}

void *tsu_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) tsu_abort_at(__FILE__, __LINE__, "out of memory");
    return p;
}

void *tsu_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) tsu_abort_at(__FILE__, __LINE__, "out of memory");
    return p;
}

char *tsu_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(tsu_xmalloc(n), s, n);
}

bool tsu_size_product(const int64_t *dims, size_t n, size_t limit, size_t *out)
{
    size_t product = 1;
    for (size_t i = 0; i < n; i++) {
        if (dims[i] < 0 || (uint64_t)dims[i] > SIZE_MAX) return false;
        if (!tsu_size_mul(product, (size_t)dims[i], &product)) return false;
    }
    if (product > limit) return false;
    *out = product;
    return true;
}

int tsu_open_read(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

unsigned char *tsu_read_file(const char *path, size_t max_bytes, size_t *length, tsu_diag *diag)
{
    int fd = tsu_open_read(path);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot open: %s"), strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot read: %s"), strerror(EISDIR));
        return NULL;
    }
    /* A regular file's size is known: one allocation. Anything else grows
     * by doubling up to max_bytes. */
    size_t capacity = 1 << 16;
    if (!S_ISREG(st.st_mode) && max_bytes > TSU_READ_STREAM_LIMIT) max_bytes = TSU_READ_STREAM_LIMIT;
    if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < max_bytes)
        capacity = (size_t)st.st_size + 2; /* +2: EOF is seen without growing */
    unsigned char *data = tsu_xmalloc(capacity);
    size_t used = 0;
    bool too_large = false;
    for (;;) {
        if (used + 1 >= capacity) {
            if (capacity > max_bytes) {
                too_large = true;
                break;
            }
            capacity = capacity > max_bytes / 2 ? max_bytes + 2 : capacity * 2;
            data = tsu_xrealloc(data, capacity);
        }
        size_t got = fread(data + used, 1, capacity - used - 1, f);
        used += got;
        if (got == 0) break;
    }
    if (used > max_bytes) too_large = true;
    int failed = ferror(f) ? errno : 0;
    fclose(f);
    if (too_large || failed) {
        free(data);
        if (too_large)
            tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0,
                            _("cannot read: larger than %zu bytes (not a file Tsumiki reads)"),
                            max_bytes);
        else
            tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot read: %s"),
                            strerror(failed ? failed : EIO));
        return NULL;
    }
    data[used] = '\0';
    *length = used;
    return data;
}

void tsu_c_numeric_begin(tsu_c_numeric *scope)
{
    scope->previous = uselocale((locale_t)0);
    locale_t copy = duplocale(scope->previous);
    scope->c_numeric = copy ? newlocale(LC_NUMERIC_MASK, "C", copy) : (locale_t)0;
    if (!scope->c_numeric) {
        if (copy) freelocale(copy); /* newlocale frees its base only on success */
        return;
    }
    uselocale(scope->c_numeric);
}

void tsu_c_numeric_end(tsu_c_numeric *scope)
{
    if (!scope->c_numeric) return;
    uselocale(scope->previous);
    freelocale(scope->c_numeric);
}
