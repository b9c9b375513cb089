/* staging.c — an export folder appears complete or not at all.
 *
 * The exporter writes into a fresh staging folder; only when every file is
 * written do they move into place, by renames, which need no disk space.
 * A new folder is the staging folder renamed (TARGET.tmp-XXXXXX beside
 * it): one step. An existing folder may hold files that are not ours (the
 * C export goes into a project's source folder, train.py writes run/ into
 * the PyTorch one), so it is never replaced as a whole: staging is a hidden
 * folder inside it, whose files are renamed over their namesakes one by
 * one, each old or new and never half written. A failure removes the
 * staging folder and leaves the target as it was. */
#include "export-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The staging folder's name inside an existing target. */
#define INNER_BASE ".tsumiki-export"

static char *without_trailing_slashes(const char *path)
{
    char *copy = tsu_xstrdup(path);
    for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--) copy[n - 1] = '\0';
    return copy;
}

/* mkdir -p of the folder that will hold the target, and the leftovers of
 * a killed export to the same target swept from where they would be. */
static tsu_status prepare(tsu_xstage *stage, tsu_diag *diag)
{
    char *copy = tsu_xstrdup(stage->target);
    tsu_status st = stage->merge ? TSU_OK : tsu_x_mkdir(dirname(copy), diag);
    free(copy);
    if (st != TSU_OK) return st;
    tsu_xstage_sweep_file(stage->target);
    if (stage->merge) tsu_remove_stale_temps(stage->target, INNER_BASE);
    return TSU_OK;
}

tsu_status tsu_xstage_begin(tsu_xstage *stage, const char *dir, tsu_diag *diag)
{
    memset(stage, 0, sizeof *stage);
    stage->lock_fd = -1;
    stage->first_error = diag ? diag->count : 0;
    if (!*dir) return tsu_diag_add(diag, TSU_E_IO, NULL, NULL, _("empty directory name"));
    stage->target = without_trailing_slashes(dir);
    struct stat st;
    if (stat(stage->target, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return tsu_diag_add_at(diag, TSU_E_IO, stage->target, 0, 0,
                                   _("exists and is not a folder"));
        stage->merge = true;
    }
    tsu_status status = prepare(stage, diag);
    if (status != TSU_OK) return status;
    if (stage->merge) {
        char *inner = tsu_x_join(stage->target, INNER_BASE);
        stage->path = tsu_temp_name(inner);
        free(inner);
    } else {
        stage->path = tsu_temp_name(stage->target);
    }
    if (!mkdtemp(stage->path)) {
        status = tsu_diag_add_at(diag, TSU_E_IO, stage->target, 0, 0,
                                 _("cannot create a staging folder beside it: %s"), strerror(errno));
        free(stage->path);
        stage->path = NULL;
        return status;
    }
    /* Locked while it exists: the sweep leaves a live export's folder alone. */
    stage->lock_fd = open(stage->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (stage->lock_fd >= 0) {
        flock(stage->lock_fd, LOCK_EX);
        if (!stage->merge) fchmod(stage->lock_fd, 0755);
    }
    return TSU_OK;
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Every staged entry of from_fd renamed over its namesake in to_fd; a
 * folder the target already has is merged the same way (a dataset's
 * images/CLASS/), so files stay old or new one by one. */
static tsu_status move_entries(int from_fd, int to_fd, const char *target, tsu_diag *diag)
{
    DIR *d = fdopendir(from_fd);
    if (!d) {
        close(from_fd);
        return tsu_diag_add_at(diag, TSU_E_IO, target, 0, 0, _("cannot open: %s"), strerror(errno));
    }
    tsu_status status = TSU_OK;
    for (struct dirent *e; status == TSU_OK && (e = readdir(d)) != NULL;) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (renameat(dirfd(d), e->d_name, to_fd, e->d_name) == 0) continue;
        char *path = tsu_x_join(target, e->d_name);
        struct stat st;
        int err = errno;
        if ((err == ENOTEMPTY || err == EEXIST || err == EISDIR) &&
            fstatat(to_fd, e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
            int sub_from = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            int sub_to = openat(to_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub_from >= 0 && sub_to >= 0) /* move_entries closes sub_from */
                status = move_entries(sub_from, sub_to, path, diag);
            else {
                status = tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot open: %s"),
                                         strerror(errno));
                if (sub_from >= 0) close(sub_from);
            }
            if (sub_to >= 0) {
                if (status == TSU_OK) fsync(sub_to);
                close(sub_to);
            }
        } else {
            status = tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot move into place: %s"),
                                     strerror(err));
        }
        free(path);
    }
    closedir(d);
    return status;
}

static tsu_status move_files_in(tsu_xstage *stage, tsu_diag *diag)
{
    int from_fd = open(stage->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int target_fd = open(stage->target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    tsu_status status = TSU_OK;
    if (from_fd < 0 || target_fd < 0) {
        status = tsu_diag_add_at(diag, TSU_E_IO, stage->target, 0, 0, _("cannot open: %s"),
                                 strerror(errno));
        if (from_fd >= 0) close(from_fd);
    } else
        status = move_entries(from_fd, target_fd, stage->target, diag);
    if (target_fd >= 0) {
        if (status == TSU_OK) fsync(target_fd);
        close(target_fd);
    }
    return status;
}

static tsu_status commit(tsu_xstage *stage, tsu_diag *diag)
{
    if (stage->merge) return move_files_in(stage, diag);
    if (rename(stage->path, stage->target) != 0)
        return tsu_diag_add_at(diag, TSU_E_IO, stage->target, 0, 0, _("cannot move into place: %s"),
                               strerror(errno));
    char *copy = tsu_xstrdup(stage->target);
    sync_dir(dirname(copy));
    free(copy);
    return TSU_OK;
}

/* Messages name the files the user asked for, not their staging copies. */
static void name_target(const tsu_xstage *stage, tsu_diag *diag)
{
    size_t from = strlen(stage->path);
    for (int i = stage->first_error; diag && i < diag->count; i++) {
        char *message = diag->items[i].message;
        char *at = strstr(message, stage->path);
        if (!at) continue;
        char rest[sizeof diag->items[i].message];
        snprintf(rest, sizeof rest, "%s", at + from);
        snprintf(at, sizeof diag->items[i].message - (size_t)(at - message), "%s%s",
                 stage->target, rest);
    }
}

tsu_status tsu_xstage_finish(tsu_xstage *stage, tsu_status status, tsu_diag *diag)
{
    if (status == TSU_OK && stage->path) status = commit(stage, diag);
    if (stage->path) {
        /* After a commit: the empty staging folder of a merge. */
        if (status != TSU_OK || stage->merge) tsu_remove_tree(stage->path);
        name_target(stage, diag);
    }
    if (stage->lock_fd >= 0) close(stage->lock_fd);
    free(stage->path);
    free(stage->target);
    memset(stage, 0, sizeof *stage);
    return status;
}

void tsu_xstage_sweep_file(const char *path)
{
    char *dir_copy = tsu_xstrdup(path), *base_copy = tsu_xstrdup(path);
    tsu_remove_stale_temps(dirname(dir_copy), basename(base_copy));
    free(dir_copy);
    free(base_copy);
}
