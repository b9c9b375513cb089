/* tsu-worker.c — a GTask per job; the worker's own cancellable tells the
 * current job from superseded ones. */
#include "tsu-worker.h"

struct _TsuWorker
{
  GObject        parent_instance;
  char          *name;
  GCancellable  *cancellable; /* the current job's; NULL when idle */
  gpointer       result;      /* during "finished" */
  GDestroyNotify result_free;
};

G_DEFINE_FINAL_TYPE (TsuWorker, tsu_worker, G_TYPE_OBJECT)

enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  TsuWorkFunc    func;
  gpointer       input;
  GDestroyNotify input_free;
  GDestroyNotify result_free;
} Job;

static void
job_free (Job *job)
{
  if (job->input_free)
    job->input_free (job->input);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gpointer result = job->func (job->input, cancellable, &error);

  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, job->result_free);
}

static void
release_application (GTask      *task,
                     GParamSpec *pspec,
                     gpointer    application)
{
  g_application_release (application);
  g_object_unref (application);
}

static void
hold_application (GTask *task)
{
  GApplication *application = g_application_get_default ();

  if (application == NULL)
    return;
  g_application_hold (application);
  /* "completed" is notified on the main context, after the callback ran. */
  g_signal_connect (task, "notify::completed", G_CALLBACK (release_application),
                    g_object_ref (application));
}

static void
set_idle (TsuWorker *self)
{
  g_clear_object (&self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
job_done (GObject      *source,
          GAsyncResult *res,
          gpointer      data)
{
  TsuWorker *self = TSU_WORKER (source);
  GTask *task = G_TASK (res);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  /* Cancelled, the result is freed here and an error returned. */
  gpointer result = g_task_propagate_pointer (task, &error);

  if (g_task_get_cancellable (task) != self->cancellable)
    {
      if (result && job->result_free)
        job->result_free (result);
      return; /* superseded: its successor reports */
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_idle (self);
      return;
    }
  set_idle (self);
  self->result = result;
  self->result_free = job->result_free;
  g_signal_emit (self, signals[FINISHED], 0, result, error ? error->message : NULL);
  if (self->result && self->result_free)
    self->result_free (self->result);
  self->result = NULL;
}

void
tsu_worker_run (TsuWorker      *self,
                TsuWorkFunc     func,
                gpointer        input,
                GDestroyNotify  input_free,
                GDestroyNotify  result_free)
{
  g_return_if_fail (TSU_IS_WORKER (self));

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  Job *job = g_new0 (Job, 1);
  *job = (Job) { func, input, input_free, result_free };
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, job_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_set_name (task, self->name);
  hold_application (task);
  g_task_run_in_thread (task, job_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
tsu_worker_cancel (TsuWorker *self)
{
  g_return_if_fail (TSU_IS_WORKER (self));

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

gboolean
tsu_worker_get_busy (TsuWorker *self)
{
  return self->cancellable != NULL;
}

gpointer
tsu_worker_take_result (TsuWorker *self)
{
  return g_steal_pointer (&self->result);
}

static void
tsu_worker_dispose (GObject *object)
{
  TsuWorker *self = TSU_WORKER (object);

  /* A running job holds a reference, so this is after the last one, or
   * an explicit dispose: either way nobody wants its result. */
  tsu_worker_cancel (self);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tsu_worker_parent_class)->dispose (object);
}

static void
tsu_worker_finalize (GObject *object)
{
  g_free (TSU_WORKER (object)->name);
  G_OBJECT_CLASS (tsu_worker_parent_class)->finalize (object);
}

static void
tsu_worker_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, tsu_worker_get_busy (TSU_WORKER (object))); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tsu_worker_class_init (TsuWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tsu_worker_dispose;
  object_class->finalize = tsu_worker_finalize;
  object_class->get_property = tsu_worker_get_property;
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_STRING);
}

static void
tsu_worker_init (TsuWorker *self)
{
}

TsuWorker *
tsu_worker_new (const char *name)
{
  TsuWorker *self = g_object_new (TSU_TYPE_WORKER, NULL);
  self->name = g_strdup (name);
  return self;
}
