/* tsu-worker.h — one piece of slow work at a time in a worker thread, its
 * result delivered on the main loop: the Evaluation page's evaluation and
 * the Data page's dataset check. No widgets, so the pages only show what
 * arrives and tests drive it without a display.
 *
 *     g_autoptr(TsuWorker) w = tsu_worker_new ("[tsumiki] evaluate");
 *     g_signal_connect (w, "finished", G_CALLBACK (on_finished), page);
 *     tsu_worker_run (w, evaluate, job, job_free, result_free);
 *
 * A new run supersedes the one in progress: that one is cancelled and its
 * result dropped. The application is held while a job runs, so the process
 * never exits (running the libraries' exit handlers) under a worker thread
 * still reading a dataset. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TSU_TYPE_WORKER (tsu_worker_get_type ())
G_DECLARE_FINAL_TYPE (TsuWorker, tsu_worker, TSU, WORKER, GObject)

/* Runs in the worker thread: a result (NULL is a valid one) or an error.
 * cancellable is cancelled when the job is superseded or cancelled. */
typedef gpointer (*TsuWorkFunc) (gpointer       input,
                                 GCancellable  *cancellable,
                                 GError       **error);

TsuWorker *tsu_worker_new    (const char *name);
/* Starts func (input) in a thread; input_free frees input when the job is
 * done, result_free a result nobody took. */
void       tsu_worker_run    (TsuWorker      *self,
                              TsuWorkFunc     func,
                              gpointer        input,
                              GDestroyNotify  input_free,
                              GDestroyNotify  result_free);
/* Cancels the job in progress: no "finished" for it. */
void       tsu_worker_cancel (TsuWorker      *self);
gboolean   tsu_worker_get_busy (TsuWorker    *self);

/* Signal "finished" (gpointer result, const char *error_message), on the
 * main loop, for a job that was neither superseded nor cancelled: exactly
 * one of the two is set (result may be NULL on success too, when the
 * function returns NULL). The result is the handler's to keep; with no
 * handler taking it (tsu_worker_take_result), it is freed after the
 * emission. */
gpointer   tsu_worker_take_result (TsuWorker *self);

G_END_DECLS
