/* tsu-training-config.c — one field per training setting. The engine's
 * settings table gives each field its label, tooltip, range and choices;
 * the .ui file only lays the rows out. */
#include "tsu-training-ui.h"
#include "tsu-training-config.h"
#include "tsu-i18n.h"

#include <math.h>

struct _TsuTrainingConfig
{
  GtkWidget  parent_instance;

  GtkWidget *fields[TSU_SETTING_COUNT]; /* GtkSpinButton or GtkDropDown */
  GtkWidget *labels[TSU_SETTING_COUNT];
  GtkLabel  *problem;
  gboolean   loading;                   /* filling fields: not a user edit */
};

G_DEFINE_FINAL_TYPE (TsuTrainingConfig, tsu_training_config, GTK_TYPE_WIDGET)

enum { EDITED, N_SIGNALS };
static guint signals[N_SIGNALS];

static double
field_value (TsuTrainingConfig *self,
             tsu_train_setting  s)
{
  GtkWidget *field = self->fields[s];

  if (GTK_IS_DROP_DOWN (field))
    return gtk_drop_down_get_selected (GTK_DROP_DOWN (field));
  double v = gtk_spin_button_get_value (GTK_SPIN_BUTTON (field));
  return tsu_train_setting_desc (s)->type == TSU_SETTING_INT ? round (v) : v;
}

static void
set_field_value (TsuTrainingConfig *self,
                 tsu_train_setting  s,
                 double             v)
{
  GtkWidget *field = self->fields[s];

  if (GTK_IS_DROP_DOWN (field))
    gtk_drop_down_set_selected (GTK_DROP_DOWN (field), (guint) v);
  else
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (field), v);
}

static void
update_visibility (TsuTrainingConfig *self)
{
  tsu_train_config c;

  tsu_training_config_get (self, &c);
  for (int s = 0; s < TSU_SETTING_COUNT; s++)
    {
      gboolean show = tsu_train_setting_applies (&c, s);
      gtk_widget_set_visible (self->labels[s], show);
      gtk_widget_set_visible (self->fields[s], show);
    }
}

static tsu_train_setting
setting_of (TsuTrainingConfig *self,
            GtkWidget         *field)
{
  for (int s = 0; s < TSU_SETTING_COUNT; s++)
    if (self->fields[s] == field)
      return s;
  g_return_val_if_reached (TSU_SETTING_COUNT);
}

static void
on_field_changed (GtkWidget         *field,
                  GParamSpec        *pspec,
                  TsuTrainingConfig *self)
{
  update_visibility (self);
  gtk_widget_remove_css_class (field, "error");
  if (!self->loading)
    g_signal_emit (self, signals[EDITED], 0, (int) setting_of (self, field));
}

static void
on_spin_changed (GtkWidget         *field,
                 TsuTrainingConfig *self)
{
  on_field_changed (field, NULL, self);
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

/* Labels, tooltips, ranges and choices from the settings table. */
static void
describe_fields (TsuTrainingConfig *self)
{
  for (int s = 0; s < TSU_SETTING_COUNT; s++)
    {
      const tsu_setting_desc *d = tsu_train_setting_desc (s);
      g_autofree char *label_id = g_strconcat (d->name, "_label", NULL);

      self->fields[s] = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), TSU_TYPE_TRAINING_CONFIG, d->name));
      self->labels[s] = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), TSU_TYPE_TRAINING_CONFIG, label_id));
      g_assert (self->fields[s] != NULL && self->labels[s] != NULL);
      gtk_label_set_text (GTK_LABEL (self->labels[s]), _(d->label));
      gtk_widget_set_tooltip_text (self->fields[s], _(d->help));
      if (d->type == TSU_SETTING_CHOICE)
        {
          GtkStringList *names = gtk_string_list_new (NULL);
          for (int i = 0; i < d->n_choices; i++)
            {
              /* "constant" reads as "Constant" in a menu. */
              g_autofree char *shown = g_strdup (d->choices[i]);
              shown[0] = g_ascii_toupper (shown[0]);
              gtk_string_list_append (names, shown);
            }
          gtk_drop_down_set_model (GTK_DROP_DOWN (self->fields[s]), G_LIST_MODEL (names));
          g_object_unref (names);
          g_signal_connect (self->fields[s], "notify::selected", G_CALLBACK (on_field_changed), self);
        }
      else
        {
          gtk_spin_button_set_range (GTK_SPIN_BUTTON (self->fields[s]), d->min, d->max);
          g_signal_connect (self->fields[s], "value-changed", G_CALLBACK (on_spin_changed), self);
        }
    }
}

/* Fills the fields; a setting diag names is marked as wrong. A wrong value
 * in the file shows its default here; only an edit of that field writes it
 * back, so the problem stays until it is fixed. */
static void
show_values (TsuTrainingConfig      *self,
             const tsu_train_config *c,
             const tsu_diag         *diag)
{
  g_autoptr(GString) problems = g_string_new (NULL);

  self->loading = TRUE;
  for (int s = 0; s < TSU_SETTING_COUNT; s++)
    {
      char path[96];
      gboolean wrong = FALSE;

      set_field_value (self, s, tsu_train_config_get (c, s));
      tsu_train_setting_path (s, path, sizeof path);
      for (int i = 0; i < diag->count; i++)
        wrong |= g_strcmp0 (diag->items[i].param, path) == 0;
      if (wrong)
        gtk_widget_add_css_class (self->fields[s], "error");
      else
        gtk_widget_remove_css_class (self->fields[s], "error");
    }
  self->loading = FALSE;
  update_visibility (self);

  for (int i = 0; i < diag->count; i++)
    g_string_append_printf (problems, "%s%s", i ? "\n" : "", diag->items[i].message);
  gtk_label_set_text (self->problem, problems->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problem), diag->count > 0);
}

void
tsu_training_config_load (TsuTrainingConfig *self,
                          const tsu_project *project)
{
  tsu_train_config c;
  tsu_diag diag;

  g_return_if_fail (TSU_IS_TRAINING_CONFIG (self));

  tsu_diag_init (&diag);
  if (project)
    tsu_project_get_training (project, &c, &diag);
  else
    tsu_train_config_defaults (&c);
  show_values (self, &c, &diag);
  gtk_widget_set_sensitive (GTK_WIDGET (self), project != NULL);
  tsu_diag_free (&diag);
}

void
tsu_training_config_get (TsuTrainingConfig *self,
                         tsu_train_config  *c)
{
  tsu_train_config_defaults (c);
  for (int s = 0; s < TSU_SETTING_COUNT; s++)
    tsu_train_config_set (c, s, field_value (self, s));
}

GtkWidget *
tsu_training_config_get_field (TsuTrainingConfig *self,
                               tsu_train_setting  setting)
{
  g_return_val_if_fail ((unsigned) setting < TSU_SETTING_COUNT, NULL);
  return self->fields[setting];
}

const char *
tsu_training_config_get_problem (TsuTrainingConfig *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->problem)) ? gtk_label_get_text (self->problem) : NULL;
}

static void
tsu_training_config_dispose (GObject *object)
{
  TsuTrainingConfig *self = TSU_TRAINING_CONFIG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_TRAINING_CONFIG);
  /* The template's root has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tsu_training_config_parent_class)->dispose (object);
}

static void
tsu_training_config_class_init (TsuTrainingConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_training_config_dispose;

  /* A person changed one setting (a tsu_train_setting). */
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  tsu_training_ui_init ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tsumiki/Tsumiki/training/ui/training-config.ui");
  gtk_widget_class_bind_template_child (widget_class, TsuTrainingConfig, problem);
  /* The fields by the table's names, looked up in describe_fields(). */
  for (int s = 0; s < TSU_SETTING_COUNT; s++)
    {
      const char *name = tsu_train_setting_desc (s)->name;
      g_autofree char *label_id = g_strconcat (name, "_label", NULL);
      gtk_widget_class_bind_template_child_full (widget_class, name, FALSE, 0);
      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (label_id), FALSE, 0);
    }
  gtk_widget_class_bind_template_callback (widget_class, on_float_input);
  gtk_widget_class_bind_template_callback (widget_class, on_float_output);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tsu_training_config_init (TsuTrainingConfig *self)
{
  tsu_train_config c;
  tsu_diag none;

  gtk_widget_init_template (GTK_WIDGET (self));
  describe_fields (self);
  tsu_train_config_defaults (&c);
  tsu_diag_init (&none);
  show_values (self, &c, &none);
}

GtkWidget *
tsu_training_config_new (void)
{
  return g_object_new (TSU_TYPE_TRAINING_CONFIG, NULL);
}
