/* tsu-training-controller.c — the worker thread and its hand-off. */
#include "tsu-training-controller.h"
#include "tsu-i18n.h"

#include <gio/gio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

struct _TsuTrainingController
{
  GObject             parent_instance;

  TsuTrainingHistory *history;
  TsuEventQueue      *queue;
  GThread            *worker;

  /* Read by the trainer between batches; written from the main thread. */
  volatile int        stop_requested;
  volatile int        pause_requested;

  /* Owned by the worker while it runs. */
  tsu_project        *snapshot;
  tsu_train_options   options;
  char               *out_dir;
};

/* How much the training threads yield to the UI thread (0..19). */
#define TSU_TRAINING_NICE 5

G_DEFINE_FINAL_TYPE (TsuTrainingController, tsu_training_controller, G_TYPE_OBJECT)

enum { PROP_0, PROP_HISTORY, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
join_worker (TsuTrainingController *self)
{
  if (!self->worker)
    return;
  g_thread_join (g_steal_pointer (&self->worker));
  g_clear_pointer (&self->snapshot, tsu_project_free);
  g_clear_pointer (&self->out_dir, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Main thread, from the queue's idle: everything that arrived since. */
static void
drain_events (gpointer data)
{
  TsuTrainingController *self = data;
  g_autoptr(GPtrArray) items = tsu_event_queue_take (self->queue);
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  for (guint i = 0; i < items->len; i++)
    {
      TsuQueuedEvent *item = g_ptr_array_index (items, i);
      if (item->finished)
        join_worker (self); /* the worker pushed this as its last act */
      tsu_training_history_apply (self->history, item);
    }
}

static void
on_train_event (const tsu_train_event *event,
                void                  *user_data)
{
  TsuTrainingController *self = user_data;

  tsu_event_queue_push (self->queue, event);
}

static gpointer
worker_main (gpointer data)
{
  TsuTrainingController *self = data;
  tsu_diag diag;

  /* On Linux nice values are per thread and inherited by the threads the
   * trainer starts: a lower priority keeps the window responsive when
   * training uses every core, at no cost when a core is idle. */
#ifdef SYS_gettid
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), TSU_TRAINING_NICE);
#endif

  tsu_diag_init (&diag);
  tsu_status status = tsu_train_run (self->snapshot, &self->options, on_train_event, self, &diag);
  /* The first error names the layer, file or line; keep it. */
  const char *message = status == TSU_E_STOPPED ? _("Stopped on request")
                      : tsu_diag_message (&diag, NULL);
  tsu_event_queue_push_finished (self->queue, status, message);
  tsu_diag_free (&diag);
  return NULL;
}

gboolean
tsu_training_controller_run (TsuTrainingController   *self,
                             const tsu_project       *project,
                             const tsu_train_options *overrides,
                             GError                 **error)
{
  g_return_val_if_fail (TSU_IS_TRAINING_CONTROLLER (self), FALSE);
  g_return_val_if_fail (project != NULL, FALSE);

  if (self->worker)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("A training run is already active"));
      return FALSE;
    }
  if (!tsu_project_path (project) && !(overrides && overrides->out_dir))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           _("Save the project first: its runs are kept beside the project file"));
      return FALSE;
    }

  self->snapshot = tsu_project_dup (project);
  self->options = overrides ? *overrides : (tsu_train_options) { 0 };
  self->out_dir = overrides ? g_strdup (overrides->out_dir) : NULL;
  self->options.out_dir = self->out_dir;
  self->stop_requested = 0;
  self->pause_requested = 0;
  self->options.stop_requested = &self->stop_requested;
  self->options.pause_requested = &self->pause_requested;

  tsu_training_history_reset (self->history);
  tsu_training_history_set_state (self->history, TSU_TRAINING_STARTING, NULL);

  self->worker = g_thread_try_new ("tsumiki-train", worker_main, self, error);
  if (!self->worker)
    {
      g_clear_pointer (&self->snapshot, tsu_project_free);
      tsu_training_history_set_state (self->history, TSU_TRAINING_FAILED,
                                      _("Could not start the training thread"));
      return FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
tsu_training_controller_pause (TsuTrainingController *self)
{
  g_return_if_fail (TSU_IS_TRAINING_CONTROLLER (self));

  if (!self->worker || self->stop_requested)
    return;
  self->pause_requested = 1;
  tsu_training_history_set_state (self->history, TSU_TRAINING_PAUSED, NULL);
}

void
tsu_training_controller_resume (TsuTrainingController *self)
{
  g_return_if_fail (TSU_IS_TRAINING_CONTROLLER (self));

  if (!self->worker || self->stop_requested)
    return;
  self->pause_requested = 0;
  tsu_training_history_set_state (self->history, TSU_TRAINING_RUNNING, NULL);
}

void
tsu_training_controller_stop (TsuTrainingController *self)
{
  g_return_if_fail (TSU_IS_TRAINING_CONTROLLER (self));

  if (!self->worker)
    return;
  self->stop_requested = 1;
  self->pause_requested = 0; /* a paused trainer must wake up to stop */
  tsu_training_history_set_state (self->history, TSU_TRAINING_STOPPING, NULL);
}

TsuTrainingHistory *
tsu_training_controller_get_history (TsuTrainingController *self)
{
  return self->history;
}

TsuTrainingState
tsu_training_controller_get_state (TsuTrainingController *self)
{
  return tsu_training_history_get_state (self->history);
}

gboolean
tsu_training_controller_is_running (TsuTrainingController *self)
{
  return self->worker != NULL;
}

double
tsu_training_controller_get_latency_ms (TsuTrainingController *self,
                                        double                 p)
{
  return tsu_event_queue_latency_ms (self->queue, p);
}

guint
tsu_training_controller_get_events_received (TsuTrainingController *self)
{
  return tsu_event_queue_get_pushed (self->queue);
}

guint
tsu_training_controller_get_wakeups (TsuTrainingController *self)
{
  return tsu_event_queue_get_wakeups (self->queue);
}

static void
tsu_training_controller_dispose (GObject *object)
{
  TsuTrainingController *self = TSU_TRAINING_CONTROLLER (object);

  if (self->worker)
    {
      /* Within one batch the trainer returns, having written its files. */
      self->stop_requested = 1;
      self->pause_requested = 0;
      g_thread_join (g_steal_pointer (&self->worker));
      g_clear_pointer (&self->snapshot, tsu_project_free);
    }
  g_clear_pointer (&self->queue, tsu_event_queue_free);
  g_clear_object (&self->history);
  G_OBJECT_CLASS (tsu_training_controller_parent_class)->dispose (object);
}

static void
tsu_training_controller_finalize (GObject *object)
{
  TsuTrainingController *self = TSU_TRAINING_CONTROLLER (object);

  g_free (self->out_dir);
  G_OBJECT_CLASS (tsu_training_controller_parent_class)->finalize (object);
}

static void
tsu_training_controller_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  TsuTrainingController *self = TSU_TRAINING_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_HISTORY: g_value_set_object (value, self->history); break;
    case PROP_RUNNING: g_value_set_boolean (value, self->worker != NULL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tsu_training_controller_class_init (TsuTrainingControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tsu_training_controller_dispose;
  object_class->finalize = tsu_training_controller_finalize;
  object_class->get_property = tsu_training_controller_get_property;

  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TSU_TYPE_TRAINING_HISTORY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tsu_training_controller_init (TsuTrainingController *self)
{
  self->history = tsu_training_history_new ();
  self->queue = tsu_event_queue_new (NULL, drain_events, self);
}

TsuTrainingController *
tsu_training_controller_new (void)
{
  return g_object_new (TSU_TYPE_TRAINING_CONTROLLER, NULL);
}
