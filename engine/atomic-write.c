/* atomic-write.c — output files that a crash, a full disk or a file size
 * limit never leave half written, and the sweep of what a killed process
 * left behind.
 *
 * A file is written as PATH.tmp-XXXXXX beside PATH and renamed over it.
 * While it is written, the temporary holds an exclusive flock: a process
 * that dies (even by kill -9) drops its locks, so "nobody holds the lock"
 * is exactly "nobody is writing it", which an age alone cannot tell. The
 * sweep also wants the file older than TSU_STALE_SECONDS, which covers the
 * instant between creating a temporary and locking it and any writer that
 * does not lock. */
#include "tsu-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The suffix mkstemp and mkdtemp fill in: ".tmp-" and six of [A-Za-z0-9]. */
#define TMP_SUFFIX ".tmp-XXXXXX"
#define TMP_RANDOM 6

char *tsu_temp_name(const char *path)
{
    size_t cap = strlen(path) + sizeof TMP_SUFFIX;
    char *tmp = tsu_xmalloc(cap);
    snprintf(tmp, cap, "%s" TMP_SUFFIX, path);
    return tmp;
}

/* The file a symbolic link points to is the one replaced, not the link. */
static char *resolved_target(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (real) return real;
    }
    return tsu_xstrdup(path);
}

/* The stream writes through here: stdio keeps only an error flag, and the
 * message wants the reason (EFBIG, ENOSPC). */
struct tsu_atomic_sink {
    int fd;
    int error; /* the first failed write's errno */
};

static ssize_t sink_write(void *cookie, const char *data, size_t size)
{
    struct tsu_atomic_sink *sink = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(sink->fd, data + done, size - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            if (!sink->error) sink->error = errno;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)size;
}

static int sink_close(void *cookie)
{
    struct tsu_atomic_sink *sink = cookie;
    int rc = close(sink->fd);
    if (rc != 0 && !sink->error) sink->error = errno;
    return rc;
}

static bool open_stream(tsu_atomic_file *file, int fd)
{
    file->sink = tsu_xcalloc(1, sizeof *file->sink);
    file->sink->fd = fd;
    file->stream = fopencookie(file->sink, "w",
                               (cookie_io_functions_t){.write = sink_write, .close = sink_close});
    if (!file->stream) tsu_abort_at(__FILE__, __LINE__, "fopencookie");
    return true;
}

bool tsu_atomic_open(tsu_atomic_file *file, const char *path, tsu_diag *diag)
{
    memset(file, 0, sizeof *file);
    file->path = resolved_target(path);
    struct stat st;
    /* A device or pipe (/dev/stdout, a FIFO) cannot be replaced: written as it is. */
    if (stat(file->path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        int fd = open(file->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd >= 0) return open_stream(file, fd);
        tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot write: %s"), strerror(errno));
        tsu_atomic_abort(file);
        return false;
    }
    file->tmp = tsu_temp_name(file->path);
    int fd = mkostemp(file->tmp, O_CLOEXEC);
    if (fd < 0) {
        tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot create a temporary file beside it: %s"),
                        strerror(errno));
        free(file->tmp);
        file->tmp = NULL;
        tsu_atomic_abort(file);
        return false;
    }
    flock(fd, LOCK_EX);
    fchmod(fd, 0644);
    return open_stream(file, fd);
}

/* The errno of the stream's first failed write, or 0. */
static int stream_error(tsu_atomic_file *file)
{
    int flushed = fflush(file->stream);
    if (file->sink->error) return file->sink->error;
    return flushed != 0 || ferror(file->stream) ? EIO : 0;
}

bool tsu_atomic_failed(tsu_atomic_file *file, tsu_diag *diag)
{
    int err = stream_error(file);
    if (!err) return false;
    tsu_diag_add_at(diag, TSU_E_IO, file->path, 0, 0, _("cannot write: %s"), strerror(err));
    return true;
}

static void sync_parent_dir(const char *path)
{
    char *copy = tsu_xstrdup(path);
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(copy);
}

tsu_status tsu_atomic_commit(tsu_atomic_file *file, tsu_diag *diag)
{
    int err = stream_error(file);
    if (!err && file->tmp && fsync(file->sink->fd) != 0) err = errno;
    if (fclose(file->stream) != 0 && !err) err = file->sink->error ? file->sink->error : EIO;
    file->stream = NULL;
    if (!err && file->tmp && rename(file->tmp, file->path) != 0) err = errno;
    if (err) {
        tsu_diag_add_at(diag, TSU_E_IO, file->path, 0, 0, _("cannot write: %s"), strerror(err));
        tsu_atomic_abort(file);
        return TSU_E_IO;
    }
    /* Make the rename itself durable. */
    if (file->tmp) sync_parent_dir(file->path);
    free(file->sink);
    free(file->tmp);
    free(file->path);
    memset(file, 0, sizeof *file);
    return TSU_OK;
}

void tsu_atomic_abort(tsu_atomic_file *file)
{
    if (file->stream) fclose(file->stream);
    if (file->tmp) unlink(file->tmp);
    free(file->sink);
    free(file->tmp);
    free(file->path);
    memset(file, 0, sizeof *file);
}

tsu_status tsu_write_file_atomic(const char *path, const void *data, size_t length,
                                 tsu_diag *diag)
{
    tsu_atomic_file file;
    if (!tsu_atomic_open(&file, path, diag)) return TSU_E_IO;
    if (length > 0 && fwrite(data, 1, length, file.stream) != length && tsu_atomic_failed(&file, diag)) {
        tsu_atomic_abort(&file);
        return TSU_E_IO;
    }
    return tsu_atomic_commit(&file, diag);
}

/* ------------------------------------------------------------- sweeping */

/* name is base + ".tmp-" + six of mkstemp's letters; any base when base is NULL. */
static bool is_temp_name(const char *name, const char *base)
{
    size_t n = strlen(name), suffix = sizeof TMP_SUFFIX - 1;
    if (n <= suffix || memcmp(name + n - suffix, ".tmp-", 5) != 0) return false;
    if (base && (n - suffix != strlen(base) || memcmp(name, base, n - suffix) != 0)) return false;
    for (size_t i = n - TMP_RANDOM; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

bool tsu_remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

/* Removes dir/name when it is a file or folder nobody holds locked, older
 * than TSU_STALE_SECONDS. */
static bool remove_if_stale(int dir_fd, const char *dir, const char *name, time_t now)
{
    struct stat before, st;
    if (fstatat(dir_fd, name, &before, AT_SYMLINK_NOFOLLOW) != 0) return false;
    if (!S_ISREG(before.st_mode) && !S_ISDIR(before.st_mode)) return false;
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    bool removed = false;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0 &&
        st.st_ino == before.st_ino && st.st_dev == before.st_dev &&
        now - st.st_mtime >= TSU_STALE_SECONDS) {
        if (S_ISREG(st.st_mode)) {
            removed = unlinkat(dir_fd, name, 0) == 0;
        } else {
            size_t cap = strlen(dir) + strlen(name) + 2;
            char *path = tsu_xmalloc(cap);
            snprintf(path, cap, "%s/%s", dir, name);
            removed = tsu_remove_tree(path);
            free(path);
        }
    }
    close(fd);
    return removed;
}

int tsu_remove_stale_temps(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    time_t now = time(NULL);
    int removed = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (is_temp_name(e->d_name, base) && remove_if_stale(dirfd(d), dir, e->d_name, now))
            removed++;
    closedir(d);
    return removed;
}
