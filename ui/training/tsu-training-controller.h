/* tsu-training-controller.h — runs tsu_train_run in a worker thread.
 *
 * The controller trains a private copy of the project (editing the
 * document during a run never affects it), forwards the trainer's events
 * to the main loop through a TsuEventQueue, and keeps what they say in a
 * TsuTrainingHistory. No widgets: the Training page, the canvas overlays
 * and tests all observe the same history.
 *
 *     g_autoptr(TsuTrainingController) c = tsu_training_controller_new ();
 *     g_signal_connect (tsu_training_controller_get_history (c), "changed", ...);
 *     tsu_training_controller_run (c, project, NULL, &error);
 *
 * Disposing the controller during a run stops the worker and joins it; the
 * trainer finishes its batch and leaves a complete run directory. */
#pragma once

#include <glib-object.h>

#include "tsu-training-history.h"

G_BEGIN_DECLS

#define TSU_TYPE_TRAINING_CONTROLLER (tsu_training_controller_get_type ())
G_DECLARE_FINAL_TYPE (TsuTrainingController, tsu_training_controller, TSU, TRAINING_CONTROLLER, GObject)

TsuTrainingController *tsu_training_controller_new (void);

TsuTrainingHistory *tsu_training_controller_get_history (TsuTrainingController *self);
TsuTrainingState    tsu_training_controller_get_state   (TsuTrainingController *self);
gboolean            tsu_training_controller_is_running  (TsuTrainingController *self);

/* Starts training a copy of project. overrides may be NULL; its epochs,
 * batch_size, threads, limit, seed and out_dir are used, its stop and
 * pause flags are the controller's own. Fails (G_IO_ERROR_BUSY) while a
 * run is active, or when the project has no file yet and no out_dir is
 * given (G_IO_ERROR_INVALID_FILENAME: runs live beside the project). */
gboolean tsu_training_controller_run    (TsuTrainingController   *self,
                                         const tsu_project       *project,
                                         const tsu_train_options *overrides,
                                         GError                 **error);
void     tsu_training_controller_pause  (TsuTrainingController *self);
void     tsu_training_controller_resume (TsuTrainingController *self);
/* Asks the worker to stop after its current batch; returns at once. */
void     tsu_training_controller_stop   (TsuTrainingController *self);

/* Main-loop latency (ms from queuing an idle to its run) at percentile p,
 * over this controller's lifetime; 0 before any event. */
double   tsu_training_controller_get_latency_ms (TsuTrainingController *self,
                                                 double                 p);
/* Engine events received / idles run, for the coalescing check. */
guint    tsu_training_controller_get_events_received (TsuTrainingController *self);
guint    tsu_training_controller_get_wakeups         (TsuTrainingController *self);

G_END_DECLS
