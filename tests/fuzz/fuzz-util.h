/* fuzz-util.h — what the libFuzzer harnesses share: a private scratch
 * directory per input under $TMPDIR (the engine's readers take paths), and
 * the run of a small valid network that tells "check accepts" from "train
 * works". Nothing here writes outside that directory. */
#ifndef TSU_FUZZ_UTIL_H
#define TSU_FUZZ_UTIL_H

#include "tsumiki.h"

#include <stddef.h>
#include <stdint.h>

/* libFuzzer runs the empty input first in every process and in every job of
 * -fork, so an empty-file bug would stop each campaign before it started:
 * the harnesses skip it, and empty files are for the readers' unit tests. */
static inline bool fuzz_skip(size_t size)
{
    return size == 0;
}

/* A fresh directory $TMPDIR/tsumiki-fuzz-XXXXXX (malloc'd path); aborts
 * when the system cannot make one, which is no finding of the engine's. */
char *fuzz_dir_new(void);
/* Writes data to DIR/NAME and returns the malloc'd path. */
char *fuzz_dir_write(const char *dir, const char *name, const uint8_t *data, size_t size);
/* DIR/NAME, malloc'd, for files the engine is to write. */
char *fuzz_dir_path(const char *dir, const char *name);
/* Removes every file in dir (the engine may leave temporaries), then dir,
 * and frees the path. */
void fuzz_dir_free(char *dir);

/* A reader that fails must say why: aborts when ok is false and diag holds
 * no error. */
void fuzz_check_reason(bool ok, const tsu_diag *diag, const char *what);

/* Opens the dataset spec (JSON text, paths relative to dir) and reads
 * every variable of the first samples through the public accessors, as the
 * trainer and the editor's thumbnails do. */
void fuzz_read_dataset(const char *spec_json, const char *dir);

/* Saves the net's weights to a scratch file and loads them back: what
 * Tsumiki writes it must read (aborts otherwise). */
void fuzz_check_weights_round_trip(tsu_net *net);

/* Allocates a net for a valid graph at batch 1, runs one training step on
 * zero inputs and zero targets and one evaluation forward, when the graph's
 * own statistics say that is cheap, and saves and loads its weights; skips
 * it otherwise. Errors the engine reports are fine; only a crash, or weights
 * that do not load again, is a finding. weights_path, when given, is
 * a file the engine wrote for this graph: it must load (aborts otherwise). */
void fuzz_run_graph(const tsu_graph *graph, const char *weights_path);

#endif
