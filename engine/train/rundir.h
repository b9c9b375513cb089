/* rundir.h — files of a training run. */
#ifndef TSU_RUNDIR_H
#define TSU_RUNDIR_H

#include "tsu-internal.h"

/* Creates out_dir, or NAME.runs/<date-time> beside the project. malloc'd. */
char *tsu_run_dir_create(const tsu_project *project, const char *out_dir, tsu_diag *diag);
/* project.tsumiki: the project with the config actually used. */
tsu_status tsu_run_dir_write_project(const char *run_dir, const tsu_project *project,
                                     const tsu_train_config *config, int limit, tsu_diag *diag);
/* Writes the run's file atomically. */
tsu_status tsu_run_dir_write(const char *run_dir, tsu_run_file file, const char *text,
                             tsu_diag *diag);
/* Appends an epoch's row (and the header first) to a growing CSV text. */
void tsu_history_append(char **csv, size_t *len, const tsu_train_event *epoch);

/* Room for the per-sample fields of a result whose classification,
 * n_outputs and n_targets are set; false when the sizes overflow. Shared by
 * evaluation and reading a saved evaluation back (runmeta.c). */
bool tsu_eval_result_reserve(tsu_eval_result *r, size_t samples);

#endif
