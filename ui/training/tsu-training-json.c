/* tsu-training-json.c — tsu_train_config -> "training" JSON. */
#include "tsu-training-json.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>

void
tsu_training_config_defaults (tsu_train_config *config)
{
  tsu_project *empty = tsu_project_new ("defaults");
  tsu_diag diag;

  tsu_diag_init (&diag);
  json_object_object_del (tsu_project_root (empty), "training");
  tsu_train_config_read (empty, config, &diag);
  tsu_diag_free (&diag);
  tsu_project_free (empty);
}

static gboolean
has_key (struct json_object *obj,
         const char         *key)
{
  return obj && json_object_is_type (obj, json_type_object) && json_object_object_get_ex (obj, key, NULL);
}

static void
put_int (struct json_object *obj,
         struct json_object *previous,
         const char         *key,
         gint64              value,
         gint64              fallback,
         gboolean            always)
{
  if (always || value != fallback || has_key (previous, key))
    json_object_object_add (obj, key, json_object_new_int64 (value));
  else
    json_object_object_del (obj, key);
}

static void
put_double (struct json_object *obj,
            struct json_object *previous,
            const char         *key,
            double              value,
            double              fallback,
            gboolean            always)
{
  if (always || fabs (value - fallback) > 1e-15 * MAX (1, fabs (fallback)) || has_key (previous, key))
    json_object_object_add (obj, key, json_object_new_double (value));
  else
    json_object_object_del (obj, key);
}

static struct json_object *
copy_child (struct json_object *parent,
            const char         *key)
{
  struct json_object *child = NULL, *copy = NULL;

  if (parent && json_object_object_get_ex (parent, key, &child)
      && json_object_is_type (child, json_type_object))
    json_object_deep_copy (child, &copy, NULL);
  return copy ? copy : json_object_new_object ();
}

struct json_object *
tsu_training_json_from_config (const tsu_train_config *c,
                               struct json_object     *previous)
{
  static const char *const schedules[] = { "constant", "step", "cosine" };
  tsu_train_config d;
  struct json_object *training = NULL;

  tsu_training_config_defaults (&d);
  if (previous && json_object_is_type (previous, json_type_object))
    json_object_deep_copy (previous, &training, NULL);
  if (!training)
    training = json_object_new_object ();

  put_int (training, previous, "epochs", c->epochs, d.epochs, TRUE);
  put_int (training, previous, "batch_size", c->batch_size, d.batch_size, TRUE);
  put_int (training, previous, "seed", (gint64) c->seed, (gint64) d.seed, TRUE);
  put_int (training, previous, "threads", c->threads, d.threads, FALSE);

  struct json_object *prev_opt = NULL;
  if (previous)
    json_object_object_get_ex (previous, "optimizer", &prev_opt);
  struct json_object *opt = copy_child (previous, "optimizer");
  json_object_object_add (opt, "type", json_object_new_string (tsu_optimizer_name (c->optimizer)));
  put_double (opt, prev_opt, "learning_rate", c->learning_rate, d.learning_rate, TRUE);

  /* Only the optimizer's own parameters: an Adam beta means nothing to SGD. */
  gboolean momentum = c->optimizer == TSU_OPT_MOMENTUM;
  gboolean adam = c->optimizer == TSU_OPT_ADAM || c->optimizer == TSU_OPT_ADAMW;
  if (momentum)
    put_double (opt, prev_opt, "momentum", c->momentum, 0.9, FALSE);
  else
    json_object_object_del (opt, "momentum");
  const char *adam_keys[] = { "beta1", "beta2", "eps" };
  double adam_values[] = { c->beta1, c->beta2, c->eps };
  double adam_defaults[] = { 0.9, 0.999, 1e-8 };
  for (int i = 0; i < 3; i++)
    if (adam)
      put_double (opt, prev_opt, adam_keys[i], adam_values[i], adam_defaults[i], FALSE);
    else
      json_object_object_del (opt, adam_keys[i]);
  put_double (opt, prev_opt, "weight_decay", c->weight_decay,
              c->optimizer == TSU_OPT_ADAMW ? 0.01 : 0, FALSE);

  if (c->schedule != TSU_SCHEDULE_CONSTANT || c->warmup_epochs > 0 || has_key (prev_opt, "lr_schedule"))
    {
      struct json_object *prev_sched = NULL;
      if (prev_opt)
        json_object_object_get_ex (prev_opt, "lr_schedule", &prev_sched);
      struct json_object *sched = copy_child (prev_opt, "lr_schedule");
      json_object_object_add (sched, "type", json_object_new_string (schedules[c->schedule]));
      if (c->schedule == TSU_SCHEDULE_STEP)
        {
          put_int (sched, prev_sched, "step_epochs", c->step_epochs, 1, TRUE);
          put_double (sched, prev_sched, "gamma", c->gamma, 0.1, TRUE);
        }
      if (c->schedule == TSU_SCHEDULE_COSINE)
        put_double (sched, prev_sched, "min_lr", c->min_lr, 0, FALSE);
      put_int (sched, prev_sched, "warmup_epochs", c->warmup_epochs, 0, FALSE);
      json_object_object_add (opt, "lr_schedule", sched);
    }
  json_object_object_add (training, "optimizer", opt);
  return training;
}
