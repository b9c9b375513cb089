/* tsu-event-queue.h — hands trainer events from the worker thread to the
 * main loop without ever blocking either.
 *
 * The worker pushes every tsu_train_event; the queue copies it under a
 * short lock and, when nothing is pending yet, attaches ONE idle source to
 * the main context. Consecutive ITERATION events merge into one item that
 * keeps every batch's loss but only the latest progress and layer
 * statistics, so a fast trainer costs one idle per main-loop turn, never
 * one per batch. The idle's drain callback takes everything at once.
 *
 * Plain GLib: tests drive it with their own GMainContext, no display. */
#pragma once

#include <glib.h>

#include "tsumiki.h"

G_BEGIN_DECLS

/* One batch's loss at a fractional epoch: (epoch - 1) + iteration / iterations. */
typedef struct
{
  double x;
  double loss;
} TsuLossPoint;

/* A copy of tsu_layer_stats that owns its node id. */
typedef struct
{
  char  node[TSU_ID_MAX];
  float activation_mean;
  float activation_std;
  float zero_fraction;
  float weight_norm;
  float gradient_norm;
} TsuLayerSample;

typedef struct
{
  /* The (latest) event, with run_dir, message and layer_stats cleared:
   * the copies below own them. */
  tsu_train_event event;
  char           *run_dir;
  char           *message;
  GArray         *losses;       /* TsuLossPoint; ITERATION items only */
  GArray         *layer_stats;  /* TsuLayerSample; NULL when the event had none */
  guint           n_merged;     /* engine events folded into this item */
  /* The worker returned: status of tsu_train_run and its first message. */
  gboolean        finished;
  tsu_status      status;
} TsuQueuedEvent;

void tsu_queued_event_free (TsuQueuedEvent *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuQueuedEvent, tsu_queued_event_free)

typedef struct _TsuEventQueue TsuEventQueue;

/* Called on `context` (NULL: the default one) when items are waiting. */
typedef void (*TsuEventQueueDrainFunc) (gpointer user_data);

TsuEventQueue *tsu_event_queue_new            (GMainContext           *context,
                                               TsuEventQueueDrainFunc  drain,
                                               gpointer                user_data);
/* Destroys a pending idle; the worker must have stopped pushing. */
void           tsu_event_queue_free           (TsuEventQueue          *queue);

/* Any thread. */
void           tsu_event_queue_push           (TsuEventQueue          *queue,
                                               const tsu_train_event  *event);
void           tsu_event_queue_push_finished  (TsuEventQueue          *queue,
                                               tsu_status              status,
                                               const char             *message);

/* Main thread: every waiting item in order (TsuQueuedEvent, owned). */
GPtrArray     *tsu_event_queue_take           (TsuEventQueue          *queue);

/* Statistics for tests and the latency bench. */
guint          tsu_event_queue_get_pushed     (TsuEventQueue          *queue);
guint          tsu_event_queue_get_wakeups    (TsuEventQueue          *queue);
/* Milliseconds from attaching an idle to its dispatch, at percentile
 * p in [0, 1] over every wakeup so far; 0 before the first. */
double         tsu_event_queue_latency_ms     (TsuEventQueue          *queue,
                                               double                  p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuEventQueue, tsu_event_queue_free)

G_END_DECLS
