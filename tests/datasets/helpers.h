/* helpers.h — writing small dataset files for the dataset tests. */
#ifndef TSU_TEST_DATASET_HELPERS_H
#define TSU_TEST_DATASET_HELPERS_H

#include "tsumiki.h"

#include <glib.h>

/* A fresh temporary directory (removed with its contents by tmpdir_free). */
char *tmpdir_new(void);
/* The same in memory (/dev/shm) when possible: fuzzing rewrites files
 * thousands of times, and on a disk each truncation costs a discard. */
char *tmpdir_new_in_memory(void);
void tmpdir_free(char *dir);

/* dir/name, g_free it. */
char *path_in(const char *dir, const char *name);

void make_subdir(const char *dir, const char *name);

/* Writes bytes to path, through gzip when gz. */
void write_bytes(const char *path, const void *data, size_t size, gboolean gz);
void write_text(const char *dir, const char *name, const char *text);

/* An IDX file of type (0x08 uint8, 0x0D float, ...), dims[0..ndim), with the
 * given big-endian payload; keep <= 0 writes all of it, else only the first
 * `keep` bytes of the whole file (truncation). */
void write_idx(const char *path, gboolean gz, int type, int ndim, const guint32 *dims,
               const void *payload, size_t payload_size, gssize keep);

/* A w x h PNG with `channels` (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) from
 * interleaved 8-bit pixels; depth16 stores each value v as v*257. */
void write_png(const char *path, int w, int h, int channels, const guint8 *pixels,
               gboolean depth16, gboolean interlaced);

/* Parses json and opens it with base_dir; the diag is cleared first. */
tsu_dataset *open_json(const char *json, const char *base_dir, tsu_diag *diag);

/* Asserts opening fails and that the first message contains every one of
 * the NULL-terminated strings; returns that message (owned by diag). */
const char *expect_error(const char *json, const char *base_dir, tsu_diag *diag, ...)
    G_GNUC_NULL_TERMINATED;

/* 1 to 5 random edits: truncation, a random byte, a flipped bit, or a
 * byte from alphabet (when not NULL). g_test_rand: reproducible by seed. */
void fuzz_mutate(guint8 *bytes, gsize *size, const char *alphabet);

#endif
