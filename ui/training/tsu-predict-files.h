/* tsu-predict-files.h — the Evaluation page's "Predict files…" without
 * widgets: a run's weights over pictures of one's own, through the engine
 * path `tsumiki-cli predict` takes (tsu_predict_images: each picture
 * prepared as the training dataset's dataset.json records), the three best
 * classes of each and a thumbnail. Slow: a TsuWorker job. */
#pragma once

#include <gio/gio.h>

#include "tsumiki.h"

G_BEGIN_DECLS

#define TSU_PREDICT_TOP 3

typedef struct
{
  char      *path;
  char      *error;                  /* why it has no classes, else NULL */
  int        n_top;
  int        top[TSU_PREDICT_TOP];   /* class indices, best first */
  float      probability[TSU_PREDICT_TOP];
  tsu_image  thumbnail;              /* the picture, at most 96 pixels a side; empty on error */
} TsuPrediction;

typedef struct
{
  char      *run_dir;
  GPtrArray *items;        /* TsuPrediction * */
  GStrv      class_names;  /* from dataset.json, else NULL */
} TsuPredictions;

/* Pictures and folders of them (searched as predict searches them). An
 * unreadable picture gets its message, the others their classes; a run
 * that cannot predict at all (no weights, an Input that takes no picture)
 * is the error. */
TsuPredictions *tsu_predictions_run  (const char * const *run_and_paths, /* run dir, then paths, NULL-terminated */
                                      GCancellable       *cancellable,
                                      GError            **error);
void            tsu_predictions_free (TsuPredictions *predictions);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuPredictions, tsu_predictions_free)

G_END_DECLS
