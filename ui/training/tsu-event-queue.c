/* tsu-event-queue.c — a mutex-protected list of copied trainer events and
 * one idle source per batch of them. */
#include "tsu-event-queue.h"

#include <stdlib.h>
#include <string.h>

struct _TsuEventQueue
{
  GMutex                 lock;
  GPtrArray             *items;        /* under lock */
  GSource               *idle;         /* under lock: the pending wakeup, or NULL */
  gint64                 idle_queued;  /* under lock: when it was attached */
  guint                  pushed;       /* under lock */
  guint                  wakeups;      /* main thread */
  GArray                *latencies;    /* main thread: double ms per wakeup */
  GMainContext          *context;
  TsuEventQueueDrainFunc drain;
  gpointer               user_data;
};

void
tsu_queued_event_free (TsuQueuedEvent *item)
{
  if (!item)
    return;
  g_free (item->run_dir);
  g_free (item->message);
  g_clear_pointer (&item->losses, g_array_unref);
  g_clear_pointer (&item->layer_stats, g_array_unref);
  g_free (item);
}

TsuEventQueue *
tsu_event_queue_new (GMainContext           *context,
                     TsuEventQueueDrainFunc  drain,
                     gpointer                user_data)
{
  TsuEventQueue *queue = g_new0 (TsuEventQueue, 1);

  g_mutex_init (&queue->lock);
  queue->items = g_ptr_array_new_with_free_func ((GDestroyNotify) tsu_queued_event_free);
  queue->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  queue->context = context ? g_main_context_ref (context) : NULL;
  queue->drain = drain;
  queue->user_data = user_data;
  return queue;
}

void
tsu_event_queue_free (TsuEventQueue *queue)
{
  if (!queue)
    return;
  g_mutex_lock (&queue->lock);
  if (queue->idle)
    {
      g_source_destroy (queue->idle);
      g_clear_pointer (&queue->idle, g_source_unref);
    }
  g_mutex_unlock (&queue->lock);
  g_ptr_array_unref (queue->items);
  g_array_unref (queue->latencies);
  g_clear_pointer (&queue->context, g_main_context_unref);
  g_mutex_clear (&queue->lock);
  g_free (queue);
}

static gboolean
on_idle (gpointer data)
{
  TsuEventQueue *queue = data;
  gint64 queued;

  g_mutex_lock (&queue->lock);
  queued = queue->idle_queued;
  g_clear_pointer (&queue->idle, g_source_unref);
  g_mutex_unlock (&queue->lock);

  double ms = (g_get_monotonic_time () - queued) / 1000.0;
  g_array_append_val (queue->latencies, ms);
  queue->wakeups++;

  if (queue->drain)
    queue->drain (queue->user_data);
  return G_SOURCE_REMOVE;
}

/* Under lock: wake the main loop unless a wakeup is already pending. */
static void
schedule_locked (TsuEventQueue *queue)
{
  if (queue->idle)
    return;
  queue->idle = g_idle_source_new ();
  /* Before redraws (GDK_PRIORITY_REDRAW): applying events is cheap, and
   * views redraw from the history's rate-limited "changed" anyway. */
  g_source_set_priority (queue->idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (queue->idle, on_idle, queue, NULL);
  g_source_set_static_name (queue->idle, "[tsumiki] training events");
  queue->idle_queued = g_get_monotonic_time ();
  g_source_attach (queue->idle, queue->context);
}

static void
copy_layer_stats (TsuQueuedEvent        *item,
                  const tsu_train_event *event)
{
  if (!event->layer_stats || event->n_layer_stats <= 0)
    return;
  if (!item->layer_stats)
    item->layer_stats = g_array_sized_new (FALSE, TRUE, sizeof (TsuLayerSample),
                                           event->n_layer_stats);
  g_array_set_size (item->layer_stats, event->n_layer_stats);
  for (int i = 0; i < event->n_layer_stats; i++)
    {
      const tsu_layer_stats *s = &event->layer_stats[i];
      TsuLayerSample *out = &g_array_index (item->layer_stats, TsuLayerSample, i);
      g_strlcpy (out->node, s->node ? s->node : "", sizeof out->node);
      out->activation_mean = s->activation_mean;
      out->activation_std = s->activation_std;
      out->zero_fraction = s->zero_fraction;
      out->weight_norm = s->weight_norm;
      out->gradient_norm = s->gradient_norm;
    }
}

static void
store_event (TsuQueuedEvent        *item,
             const tsu_train_event *event)
{
  item->event = *event;
  item->event.run_dir = NULL;
  item->event.message = NULL;
  item->event.layer_stats = NULL;
  item->event.n_layer_stats = 0;
  if (event->run_dir && g_strcmp0 (event->run_dir, item->run_dir) != 0)
    {
      g_free (item->run_dir);
      item->run_dir = g_strdup (event->run_dir);
    }
  if (event->message)
    {
      g_free (item->message);
      item->message = g_strdup (event->message);
    }
  copy_layer_stats (item, event);
  item->n_merged++;
}

void
tsu_event_queue_push (TsuEventQueue         *queue,
                      const tsu_train_event *event)
{
  g_return_if_fail (queue && event);

  g_mutex_lock (&queue->lock);
  queue->pushed++;

  TsuQueuedEvent *tail = queue->items->len
    ? g_ptr_array_index (queue->items, queue->items->len - 1) : NULL;
  TsuQueuedEvent *item = tail;
  if (!(event->kind == TSU_EVENT_ITERATION && tail && !tail->finished
        && tail->event.kind == TSU_EVENT_ITERATION))
    {
      item = g_new0 (TsuQueuedEvent, 1);
      if (event->kind == TSU_EVENT_ITERATION)
        item->losses = g_array_new (FALSE, FALSE, sizeof (TsuLossPoint));
      g_ptr_array_add (queue->items, item);
    }

  if (event->kind == TSU_EVENT_ITERATION)
    {
      int iterations = MAX (1, event->iterations);
      TsuLossPoint point = {
        .x = (event->epoch - 1) + (double) event->iteration / iterations,
        .loss = event->loss,
      };
      g_array_append_val (item->losses, point);
    }
  store_event (item, event);
  schedule_locked (queue);
  g_mutex_unlock (&queue->lock);
}

void
tsu_event_queue_push_finished (TsuEventQueue *queue,
                               tsu_status     status,
                               const char    *message)
{
  TsuQueuedEvent *item = g_new0 (TsuQueuedEvent, 1);

  item->finished = TRUE;
  item->status = status;
  item->message = g_strdup (message);
  item->event.kind = status == TSU_OK ? TSU_EVENT_DONE
                   : status == TSU_E_STOPPED ? TSU_EVENT_STOPPED : TSU_EVENT_FAILED;

  g_mutex_lock (&queue->lock);
  g_ptr_array_add (queue->items, item);
  schedule_locked (queue);
  g_mutex_unlock (&queue->lock);
}

GPtrArray *
tsu_event_queue_take (TsuEventQueue *queue)
{
  GPtrArray *fresh = g_ptr_array_new_with_free_func ((GDestroyNotify) tsu_queued_event_free);
  GPtrArray *taken;

  g_mutex_lock (&queue->lock);
  taken = queue->items;
  queue->items = fresh;
  g_mutex_unlock (&queue->lock);
  return taken;
}

guint
tsu_event_queue_get_pushed (TsuEventQueue *queue)
{
  guint n;

  g_mutex_lock (&queue->lock);
  n = queue->pushed;
  g_mutex_unlock (&queue->lock);
  return n;
}

guint
tsu_event_queue_get_wakeups (TsuEventQueue *queue)
{
  return queue->wakeups;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
tsu_event_queue_latency_ms (TsuEventQueue *queue,
                            double         p)
{
  guint n = queue->latencies->len;

  if (n == 0)
    return 0;
  g_autofree double *sorted = g_memdup2 (queue->latencies->data, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  guint index = (guint) (CLAMP (p, 0, 1) * (n - 1) + 0.5);
  return sorted[index];
}
