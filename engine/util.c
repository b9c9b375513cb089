/* util.c — allocation that aborts on exhaustion, and programmer-error aborts. */
#include "tsu-internal.h"

#include <stdio.h>
#include <string.h>

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
