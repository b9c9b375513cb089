/* training-fixtures.h — a tiny project the training tests write and train:
 * two Gaussian blobs in 2-D (x__0, x__1, y), a 2-layer classifier. */
#pragma once

#include <glib.h>

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

G_END_DECLS
