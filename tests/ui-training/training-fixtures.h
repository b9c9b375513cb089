/* training-fixtures.h — a tiny project the training tests write and train:
 * two Gaussian blobs in 2-D (x__0, x__1, y), a 2-layer classifier. */
#pragma once

#include <glib.h>

#include "tsu-training-controller.h"

G_BEGIN_DECLS

/* Writes DIR/blobs.tsumiki, DIR/train.csv (n_train rows) and DIR/valid.csv
 * and returns the project path (g_free it). */
char *tsu_fixture_write_blobs (const char *dir,
                               int         n_train,
                               int         epochs,
                               int         batch_size);

/* A fresh temporary directory, removed by tsu_fixture_remove_tree. */
char *tsu_fixture_temp_dir    (void);
void  tsu_fixture_remove_tree (const char *dir);

/* Runs the default main context until cond (data) holds or seconds pass;
 * FALSE on time-out. */
gboolean tsu_fixture_wait_until (gboolean (*cond) (gpointer),
                                 gpointer  data,
                                 double    seconds);
/* Conditions on a TsuTrainingController for tsu_fixture_wait_until. */
gboolean tsu_fixture_not_running (gpointer controller);
/* At least one epoch is in the history, or the run already ended. */
gboolean tsu_fixture_has_an_epoch (gpointer controller);

G_END_DECLS
