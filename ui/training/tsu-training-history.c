/* tsu-training-history.c — accumulates queued trainer events on the main
 * thread and tells views about it at a bounded rate. */
#include "tsu-training-history.h"
#include "tsu-i18n.h"

#include <math.h>
#include <string.h>

struct _TsuTrainingHistory
{
  GObject             parent_instance;

  TsuTrainingState    state;
  char               *message;
  char               *run_dir;
  TsuTrainingProgress progress;
  gint64              started_us;

  GArray             *losses;     /* TsuLossPoint */
  GArray             *smoothed;   /* double */
  double              ema;        /* undebiased running average */
  GArray             *epochs;     /* TsuEpochRecord */

  GHashTable         *layers;     /* node id -> TsuLayerTrace */
  GPtrArray          *layer_nodes;/* node ids, NULL-terminated */

  guint               changed_interval_ms;
  gint64              last_changed_us;
  guint               changed_source;
  gboolean            changed_pending;
};

G_DEFINE_FINAL_TYPE (TsuTrainingHistory, tsu_training_history, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, PROP_MESSAGE, PROP_RUN_DIR, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

GType
tsu_training_state_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { TSU_TRAINING_IDLE, "TSU_TRAINING_IDLE", "idle" },
    { TSU_TRAINING_STARTING, "TSU_TRAINING_STARTING", "starting" },
    { TSU_TRAINING_RUNNING, "TSU_TRAINING_RUNNING", "running" },
    { TSU_TRAINING_PAUSED, "TSU_TRAINING_PAUSED", "paused" },
    { TSU_TRAINING_STOPPING, "TSU_TRAINING_STOPPING", "stopping" },
    { TSU_TRAINING_DONE, "TSU_TRAINING_DONE", "done" },
    { TSU_TRAINING_STOPPED, "TSU_TRAINING_STOPPED", "stopped" },
    { TSU_TRAINING_FAILED, "TSU_TRAINING_FAILED", "failed" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("TsuTrainingState", values));
  return type_id;
}

const char *
tsu_training_state_describe (TsuTrainingState state)
{
  switch (state)
    {
    case TSU_TRAINING_IDLE: return _("Ready");
    case TSU_TRAINING_STARTING: return _("Loading data…");
    /* A state, not the page's name: languages may word the two apart. */
    case TSU_TRAINING_RUNNING: return g_dpgettext2 (TSU_GETTEXT_DOMAIN, "training state", "Training");
    case TSU_TRAINING_PAUSED: return _("Paused");
    case TSU_TRAINING_STOPPING: return _("Stopping…");
    case TSU_TRAINING_DONE: return _("Finished");
    case TSU_TRAINING_STOPPED: return _("Stopped");
    case TSU_TRAINING_FAILED: return _("Failed");
    default: return "?";
    }
}

gboolean
tsu_training_state_is_active (TsuTrainingState state)
{
  return state == TSU_TRAINING_STARTING || state == TSU_TRAINING_RUNNING
      || state == TSU_TRAINING_PAUSED || state == TSU_TRAINING_STOPPING;
}

static void
emit_changed_now (TsuTrainingHistory *self)
{
  self->changed_pending = FALSE;
  self->last_changed_us = g_get_monotonic_time ();
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
on_changed_timeout (gpointer data)
{
  TsuTrainingHistory *self = data;

  self->changed_source = 0;
  if (self->changed_pending)
    emit_changed_now (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces bursts: the first change after a quiet period is reported at
 * once, later ones wait for the interval to elapse. */
static void
queue_changed (TsuTrainingHistory *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 due = self->last_changed_us + (gint64) self->changed_interval_ms * 1000;

  self->changed_pending = TRUE;
  if (self->changed_source)
    return;
  if (now >= due)
    {
      emit_changed_now (self);
      return;
    }
  self->changed_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((due - now) / 1000) + 1,
                                             on_changed_timeout, self, NULL);
}

void
tsu_training_history_flush (TsuTrainingHistory *self)
{
  g_return_if_fail (TSU_IS_TRAINING_HISTORY (self));

  g_clear_handle_id (&self->changed_source, g_source_remove);
  if (self->changed_pending)
    emit_changed_now (self);
}

void
tsu_training_history_set_changed_interval (TsuTrainingHistory *self,
                                           guint               ms)
{
  self->changed_interval_ms = ms;
}

static void
tsu_training_history_finalize (GObject *object)
{
  TsuTrainingHistory *self = TSU_TRAINING_HISTORY (object);

  g_clear_handle_id (&self->changed_source, g_source_remove);
  g_free (self->message);
  g_free (self->run_dir);
  g_array_unref (self->losses);
  g_array_unref (self->smoothed);
  g_array_unref (self->epochs);
  g_hash_table_unref (self->layers);
  g_ptr_array_unref (self->layer_nodes);
  G_OBJECT_CLASS (tsu_training_history_parent_class)->finalize (object);
}

static void
tsu_training_history_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TsuTrainingHistory *self = TSU_TRAINING_HISTORY (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case PROP_RUN_DIR: g_value_set_string (value, self->run_dir); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tsu_training_history_class_init (TsuTrainingHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tsu_training_history_finalize;
  object_class->get_property = tsu_training_history_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TSU_TYPE_TRAINING_STATE, TSU_TRAINING_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN_DIR] =
    g_param_spec_string ("run-dir", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tsu_training_history_init (TsuTrainingHistory *self)
{
  self->losses = g_array_new (FALSE, FALSE, sizeof (TsuLossPoint));
  self->smoothed = g_array_new (FALSE, FALSE, sizeof (double));
  self->epochs = g_array_new (FALSE, TRUE, sizeof (TsuEpochRecord));
  self->layers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->layer_nodes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->layer_nodes, NULL);
  self->changed_interval_ms = 250;
}

TsuTrainingHistory *
tsu_training_history_new (void)
{
  return g_object_new (TSU_TYPE_TRAINING_HISTORY, NULL);
}

static void
set_string (char      **field,
            const char *value,
            gpointer    object,
            GParamSpec *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (object, pspec);
}

void
tsu_training_history_reset (TsuTrainingHistory *self)
{
  g_return_if_fail (TSU_IS_TRAINING_HISTORY (self));

  g_array_set_size (self->losses, 0);
  g_array_set_size (self->smoothed, 0);
  g_array_set_size (self->epochs, 0);
  self->ema = 0;
  memset (&self->progress, 0, sizeof self->progress);
  self->started_us = g_get_monotonic_time ();
  g_hash_table_remove_all (self->layers);
  g_ptr_array_set_size (self->layer_nodes, 0);
  g_ptr_array_add (self->layer_nodes, NULL);
  set_string (&self->run_dir, NULL, self, properties[PROP_RUN_DIR]);
  set_string (&self->message, NULL, self, properties[PROP_MESSAGE]);
  tsu_training_history_set_state (self, TSU_TRAINING_IDLE, NULL);
  queue_changed (self);
}

void
tsu_training_history_set_state (TsuTrainingHistory *self,
                                TsuTrainingState    state,
                                const char         *message)
{
  g_return_if_fail (TSU_IS_TRAINING_HISTORY (self));

  if (message)
    set_string (&self->message, message, self, properties[PROP_MESSAGE]);
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
add_losses (TsuTrainingHistory *self,
            GArray             *points)
{
  for (guint i = 0; i < points->len; i++)
    {
      TsuLossPoint p = g_array_index (points, TsuLossPoint, i);
      g_array_append_val (self->losses, p);
      /* A NaN batch must not poison the whole smoothed curve. */
      double loss = isfinite (p.loss) ? p.loss : self->ema;
      self->ema = TSU_TRAINING_SMOOTHING * self->ema + (1 - TSU_TRAINING_SMOOTHING) * loss;
      double debias = 1 - pow (TSU_TRAINING_SMOOTHING, self->losses->len);
      double smooth = self->ema / debias;
      g_array_append_val (self->smoothed, smooth);
    }
}

static void
add_layer_stats (TsuTrainingHistory *self,
                 GArray             *samples)
{
  for (guint i = 0; i < samples->len; i++)
    {
      const TsuLayerSample *s = &g_array_index (samples, TsuLayerSample, i);
      TsuLayerTrace *trace = g_hash_table_lookup (self->layers, s->node);

      if (!trace)
        {
          trace = g_new0 (TsuLayerTrace, 1);
          g_hash_table_insert (self->layers, g_strdup (s->node), trace);
          g_ptr_array_insert (self->layer_nodes, (int) self->layer_nodes->len - 1,
                              g_strdup (s->node));
        }
      trace->latest = *s;
      if (trace->n_history == TSU_LAYER_SPARKLINE)
        {
          /* Shift: 48 floats four times a few times a second is nothing. */
          gsize keep = (TSU_LAYER_SPARKLINE - 1) * sizeof (float);
          memmove (trace->activation_mean, trace->activation_mean + 1, keep);
          memmove (trace->activation_std, trace->activation_std + 1, keep);
          memmove (trace->zero_fraction, trace->zero_fraction + 1, keep);
          memmove (trace->gradient_norm, trace->gradient_norm + 1, keep);
          trace->n_history--;
        }
      guint k = trace->n_history++;
      trace->activation_mean[k] = s->activation_mean;
      trace->activation_std[k] = s->activation_std;
      trace->zero_fraction[k] = s->zero_fraction;
      trace->gradient_norm[k] = s->gradient_norm;
    }
}

static void
record_epoch (TsuTrainingHistory    *self,
              const tsu_train_event *e)
{
  TsuEpochRecord r = {
    .epoch = e->epoch,
    .train_loss = e->train_loss,
    .train_accuracy = e->train_accuracy,
    .validation_loss = e->validation_loss,
    .validation_accuracy = e->validation_accuracy,
    .seconds = e->seconds,
    .images_per_second = e->images_per_second,
  };
  g_array_append_val (self->epochs, r);
}

void
tsu_training_history_apply (TsuTrainingHistory   *self,
                            const TsuQueuedEvent *item)
{
  const tsu_train_event *e = &item->event;

  g_return_if_fail (TSU_IS_TRAINING_HISTORY (self));

  if (item->run_dir)
    set_string (&self->run_dir, item->run_dir, self, properties[PROP_RUN_DIR]);

  if (item->finished)
    {
      TsuTrainingState end = item->status == TSU_OK ? TSU_TRAINING_DONE
                           : item->status == TSU_E_STOPPED ? TSU_TRAINING_STOPPED
                           : TSU_TRAINING_FAILED;
      const char *message = item->message;
      if (end == TSU_TRAINING_FAILED && !message)
        message = tsu_status_name (item->status);
      if (end == TSU_TRAINING_DONE)
        message = NULL;
      tsu_training_history_set_state (self, end, message);
      self->progress.eta_seconds = 0;
      queue_changed (self);
      tsu_training_history_flush (self);
      return;
    }

  switch (e->kind)
    {
    case TSU_EVENT_STARTED:
      self->progress.epochs = e->epochs;
      self->progress.iterations = e->iterations;
      self->progress.train_samples = e->train_samples;
      self->progress.validation_samples = e->validation_samples;
      if (self->state == TSU_TRAINING_STARTING)
        tsu_training_history_set_state (self, TSU_TRAINING_RUNNING, NULL);
      break;

    case TSU_EVENT_ITERATION:
      self->progress.epoch = e->epoch;
      self->progress.epochs = e->epochs;
      self->progress.iteration = e->iteration;
      self->progress.iterations = e->iterations;
      self->progress.step = e->step;
      self->progress.images_per_second = e->images_per_second;
      self->progress.eta_seconds = e->eta_seconds;
      self->progress.learning_rate = e->learning_rate;
      if (e->train_samples)
        self->progress.train_samples = e->train_samples;
      if (item->losses)
        add_losses (self, item->losses);
      if (self->state == TSU_TRAINING_STARTING)
        tsu_training_history_set_state (self, TSU_TRAINING_RUNNING, NULL);
      break;

    case TSU_EVENT_EPOCH:
      record_epoch (self, e);
      self->progress.epoch = e->epoch;
      self->progress.epochs = e->epochs;
      break;

    case TSU_EVENT_DONE:
    case TSU_EVENT_STOPPED:
    case TSU_EVENT_FAILED:
      /* The worker's "finished" item follows with the final status; keep
       * the engine's message, which names the layer or file. */
      if (item->message)
        set_string (&self->message, item->message, self, properties[PROP_MESSAGE]);
      break;

    default:
      break;
    }

  if (item->layer_stats)
    add_layer_stats (self, item->layer_stats);
  self->progress.elapsed_seconds = (g_get_monotonic_time () - self->started_us) / 1e6;
  queue_changed (self);
}

TsuTrainingState
tsu_training_history_get_state (TsuTrainingHistory *self)
{
  return self->state;
}

const char *
tsu_training_history_get_message (TsuTrainingHistory *self)
{
  return self->message;
}

const char *
tsu_training_history_get_run_dir (TsuTrainingHistory *self)
{
  return self->run_dir;
}

const TsuTrainingProgress *
tsu_training_history_get_progress (TsuTrainingHistory *self)
{
  return &self->progress;
}

const TsuLossPoint *
tsu_training_history_get_losses (TsuTrainingHistory *self,
                                 guint              *n)
{
  *n = self->losses->len;
  return (const TsuLossPoint *) (gpointer) self->losses->data;
}

const double *
tsu_training_history_get_smoothed (TsuTrainingHistory *self,
                                   guint              *n)
{
  *n = self->smoothed->len;
  return (const double *) (gpointer) self->smoothed->data;
}

const TsuEpochRecord *
tsu_training_history_get_epochs (TsuTrainingHistory *self,
                                 guint              *n)
{
  *n = self->epochs->len;
  return (const TsuEpochRecord *) (gpointer) self->epochs->data;
}

const TsuLayerTrace *
tsu_training_history_get_layer (TsuTrainingHistory *self,
                                const char         *node)
{
  return g_hash_table_lookup (self->layers, node);
}

const char * const *
tsu_training_history_get_layer_nodes (TsuTrainingHistory *self)
{
  return (const char * const *) self->layer_nodes->pdata;
}

char *
tsu_training_history_dup_csv (TsuTrainingHistory *self)
{
  return tsu_history_csv_format ((const TsuEpochRecord *) (gpointer) self->epochs->data,
                                 self->epochs->len);
}
