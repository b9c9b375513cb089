/* tsu-training-config.c — spin buttons and drop-downs for tsu_train_config. */
#include "tsu-training-ui.h"
#include "tsu-training-config.h"
#include "tsu-training-json.h"

#include <json-c/json.h>
#include <math.h>

struct _TsuTrainingConfig
{
  GtkWidget           parent_instance;

  GtkSpinButton      *epochs, *batch_size, *seed, *threads;
  GtkDropDown        *optimizer;
  GtkSpinButton      *learning_rate, *momentum, *beta1, *beta2, *eps, *weight_decay;
  GtkDropDown        *schedule;
  GtkSpinButton      *step_epochs, *gamma, *min_lr, *warmup_epochs;
  GtkWidget          *momentum_label, *beta1_label, *beta2_label, *eps_label;
  GtkWidget          *step_epochs_label, *gamma_label, *min_lr_label;
  GtkLabel           *problem;

  struct json_object *loaded;   /* the "training" object last loaded, or NULL */
  gboolean            loading;  /* filling widgets: not a user edit */
};

G_DEFINE_FINAL_TYPE (TsuTrainingConfig, tsu_training_config, GTK_TYPE_WIDGET)

enum { EDITED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
update_visibility (TsuTrainingConfig *self)
{
  guint optimizer = gtk_drop_down_get_selected (self->optimizer);
  guint schedule = gtk_drop_down_get_selected (self->schedule);
  gboolean momentum = optimizer == TSU_OPT_MOMENTUM;
  gboolean adam = optimizer == TSU_OPT_ADAM || optimizer == TSU_OPT_ADAMW;
  struct { GtkWidget *label, *field; gboolean show; } rows[] = {
    { self->momentum_label, GTK_WIDGET (self->momentum), momentum },
    { self->beta1_label, GTK_WIDGET (self->beta1), adam },
    { self->beta2_label, GTK_WIDGET (self->beta2), adam },
    { self->eps_label, GTK_WIDGET (self->eps), adam },
    { self->step_epochs_label, GTK_WIDGET (self->step_epochs), schedule == TSU_SCHEDULE_STEP },
    { self->gamma_label, GTK_WIDGET (self->gamma), schedule == TSU_SCHEDULE_STEP },
    { self->min_lr_label, GTK_WIDGET (self->min_lr), schedule == TSU_SCHEDULE_COSINE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gtk_widget_set_visible (rows[i].label, rows[i].show);
      gtk_widget_set_visible (rows[i].field, rows[i].show);
    }
}

static void
on_field_changed (TsuTrainingConfig *self)
{
  update_visibility (self);
  if (!self->loading)
    g_signal_emit (self, signals[EDITED], 0);
}

/* Floats read as people write them: "1e-8", "0.001". */
static int
on_float_input (GtkSpinButton *spin,
                double        *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (end == text)
    return GTK_INPUT_ERROR;
  *value = v;
  return TRUE;
}

static gboolean
on_float_output (GtkSpinButton *spin)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double v = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));

  g_ascii_formatd (buf, sizeof buf, "%.6g", v);
  if (g_strcmp0 (buf, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), buf);
  return TRUE;
}

void
tsu_training_config_load (TsuTrainingConfig *self,
                          const tsu_project *project)
{
  tsu_train_config c;
  tsu_diag diag;
  struct json_object *training = NULL;

  g_return_if_fail (TSU_IS_TRAINING_CONFIG (self));

  tsu_diag_init (&diag);
  if (project)
    tsu_train_config_read (project, &c, &diag);
  else
    tsu_training_config_defaults (&c);

  g_clear_pointer (&self->loaded, json_object_put);
  /* A private copy: the document may change under us. */
  if (project && json_object_object_get_ex (tsu_project_root (project), "training", &training)
      && json_object_is_type (training, json_type_object))
    json_object_deep_copy (training, &self->loaded, NULL);

  self->loading = TRUE;
  gtk_spin_button_set_value (self->epochs, c.epochs);
  gtk_spin_button_set_value (self->batch_size, c.batch_size);
  gtk_spin_button_set_value (self->seed, (double) c.seed);
  gtk_spin_button_set_value (self->threads, c.threads);
  gtk_drop_down_set_selected (self->optimizer, c.optimizer);
  gtk_spin_button_set_value (self->learning_rate, c.learning_rate);
  gtk_spin_button_set_value (self->momentum, c.momentum);
  gtk_spin_button_set_value (self->beta1, c.beta1);
  gtk_spin_button_set_value (self->beta2, c.beta2);
  gtk_spin_button_set_value (self->eps, c.eps);
  gtk_spin_button_set_value (self->weight_decay, c.weight_decay);
  gtk_drop_down_set_selected (self->schedule, c.schedule);
  gtk_spin_button_set_value (self->step_epochs, c.step_epochs);
  gtk_spin_button_set_value (self->gamma, c.gamma);
  gtk_spin_button_set_value (self->min_lr, c.min_lr);
  gtk_spin_button_set_value (self->warmup_epochs, c.warmup_epochs);
  self->loading = FALSE;
  update_visibility (self);

  gtk_label_set_text (self->problem, diag.count ? diag.items[0].message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem), diag.count > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self), project != NULL);
  tsu_diag_free (&diag);
}

void
tsu_training_config_get (TsuTrainingConfig *self,
                         tsu_train_config  *c)
{
  tsu_training_config_defaults (c);
  c->epochs = gtk_spin_button_get_value_as_int (self->epochs);
  c->batch_size = gtk_spin_button_get_value_as_int (self->batch_size);
  c->seed = (uint64_t) gtk_spin_button_get_value (self->seed);
  c->threads = gtk_spin_button_get_value_as_int (self->threads);
  c->optimizer = (tsu_optimizer_kind) gtk_drop_down_get_selected (self->optimizer);
  c->learning_rate = gtk_spin_button_get_value (self->learning_rate);
  c->momentum = gtk_spin_button_get_value (self->momentum);
  c->beta1 = gtk_spin_button_get_value (self->beta1);
  c->beta2 = gtk_spin_button_get_value (self->beta2);
  c->eps = gtk_spin_button_get_value (self->eps);
  c->weight_decay = gtk_spin_button_get_value (self->weight_decay);
  c->schedule = (tsu_schedule_kind) gtk_drop_down_get_selected (self->schedule);
  c->step_epochs = gtk_spin_button_get_value_as_int (self->step_epochs);
  c->gamma = gtk_spin_button_get_value (self->gamma);
  c->min_lr = gtk_spin_button_get_value (self->min_lr);
  c->warmup_epochs = gtk_spin_button_get_value_as_int (self->warmup_epochs);
}

char *
tsu_training_config_dup_json (TsuTrainingConfig *self)
{
  tsu_train_config c;

  tsu_training_config_get (self, &c);
  struct json_object *training = tsu_training_json_from_config (&c, self->loaded);
  char *text = g_strdup (json_object_to_json_string_ext (training, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (training);
  return text;
}

static void
tsu_training_config_dispose (GObject *object)
{
  TsuTrainingConfig *self = TSU_TRAINING_CONFIG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_TRAINING_CONFIG);
  /* The template's root has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->loaded, json_object_put);
  G_OBJECT_CLASS (tsu_training_config_parent_class)->dispose (object);
}

static void
tsu_training_config_class_init (TsuTrainingConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_training_config_dispose;

  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  tsu_training_ui_init ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tsumiki/Tsumiki/training/ui/training-config.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, TsuTrainingConfig, name)
  CHILD (epochs); CHILD (batch_size); CHILD (seed); CHILD (threads);
  CHILD (optimizer); CHILD (learning_rate); CHILD (momentum); CHILD (beta1); CHILD (beta2);
  CHILD (eps); CHILD (weight_decay); CHILD (schedule); CHILD (step_epochs); CHILD (gamma);
  CHILD (min_lr); CHILD (warmup_epochs); CHILD (momentum_label); CHILD (beta1_label);
  CHILD (beta2_label); CHILD (eps_label); CHILD (step_epochs_label); CHILD (gamma_label);
  CHILD (min_lr_label); CHILD (problem);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_float_input);
  gtk_widget_class_bind_template_callback (widget_class, on_float_output);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tsu_training_config_init (TsuTrainingConfig *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_visibility (self);
}

GtkWidget *
tsu_training_config_new (void)
{
  return g_object_new (TSU_TYPE_TRAINING_CONFIG, NULL);
}
