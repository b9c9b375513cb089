/* tsu-training-history.h — what a training run has produced so far: the
 * model behind the plots, the progress bar and the per-layer indicators.
 *
 * Lives on the main thread. The controller applies queued trainer events;
 * views read it on "changed", which fires at most a few times a second
 * however fast the events come. "notify::state" fires at once. */
#pragma once

#include <glib-object.h>

#include "tsu-event-queue.h"
#include "tsu-run-list.h"

G_BEGIN_DECLS

typedef enum
{
  TSU_TRAINING_IDLE,      /* nothing run yet */
  TSU_TRAINING_STARTING,  /* the worker is loading data and building the net */
  TSU_TRAINING_RUNNING,
  TSU_TRAINING_PAUSED,
  TSU_TRAINING_STOPPING,  /* stop asked, the worker finishes its batch */
  TSU_TRAINING_DONE,
  TSU_TRAINING_STOPPED,
  TSU_TRAINING_FAILED,    /* see the message */
} TsuTrainingState;

#define TSU_TYPE_TRAINING_STATE (tsu_training_state_get_type ())
GType       tsu_training_state_get_type (void);
const char *tsu_training_state_describe (TsuTrainingState state);
gboolean    tsu_training_state_is_active (TsuTrainingState state);

/* Where the run is, from the latest iteration event. */
typedef struct
{
  int     epoch, epochs;
  int     iteration, iterations;
  gint64  step;
  int     train_samples, validation_samples;
  double  images_per_second;
  double  eta_seconds;
  double  learning_rate;
  double  elapsed_seconds;
} TsuTrainingProgress;

#define TSU_LAYER_SPARKLINE 48

/* The latest statistics of one node and a short history for sparklines,
 * oldest first in the arrays below, n_history valid values. */
typedef struct
{
  TsuLayerSample latest;
  guint          n_history;
  float          activation_mean[TSU_LAYER_SPARKLINE];
  float          activation_std[TSU_LAYER_SPARKLINE];
  float          zero_fraction[TSU_LAYER_SPARKLINE];
  float          gradient_norm[TSU_LAYER_SPARKLINE];
} TsuLayerTrace;

#define TSU_TYPE_TRAINING_HISTORY (tsu_training_history_get_type ())
G_DECLARE_FINAL_TYPE (TsuTrainingHistory, tsu_training_history, TSU, TRAINING_HISTORY, GObject)

TsuTrainingHistory *tsu_training_history_new (void);

/* Forgets everything (a new run starts). */
void        tsu_training_history_reset         (TsuTrainingHistory *self);
void        tsu_training_history_apply         (TsuTrainingHistory   *self,
                                                const TsuQueuedEvent *item);
void        tsu_training_history_set_state     (TsuTrainingHistory *self,
                                                TsuTrainingState    state,
                                                const char         *message);
/* Emits a pending "changed" now (tests, the end of a run). */
void        tsu_training_history_flush         (TsuTrainingHistory *self);
/* Minimum milliseconds between two "changed" signals (default 250). */
void        tsu_training_history_set_changed_interval (TsuTrainingHistory *self,
                                                       guint               ms);

TsuTrainingState tsu_training_history_get_state   (TsuTrainingHistory *self);
const char *tsu_training_history_get_message      (TsuTrainingHistory *self);
const char *tsu_training_history_get_run_dir      (TsuTrainingHistory *self);
const TsuTrainingProgress *tsu_training_history_get_progress (TsuTrainingHistory *self);

/* Every batch's loss, and its exponentially smoothed value (the same
 * debiased EMA TensorBoard uses), both n long. */
const TsuLossPoint *tsu_training_history_get_losses   (TsuTrainingHistory *self,
                                                       guint              *n);
const double       *tsu_training_history_get_smoothed (TsuTrainingHistory *self,
                                                       guint              *n);
const TsuEpochRecord *tsu_training_history_get_epochs (TsuTrainingHistory *self,
                                                       guint              *n);
/* NULL when the engine sent no statistics for that node (yet). */
const TsuLayerTrace *tsu_training_history_get_layer   (TsuTrainingHistory *self,
                                                       const char         *node);
/* Node ids with statistics, in the engine's (topological) order. */
const char * const  *tsu_training_history_get_layer_nodes (TsuTrainingHistory *self);

/* The epochs as history.csv text (for "Export history as CSV"). */
char       *tsu_training_history_dup_csv      (TsuTrainingHistory *self);

/* Public for tests: the smoothing weight of the previous average. */
#define TSU_TRAINING_SMOOTHING 0.95

G_END_DECLS
