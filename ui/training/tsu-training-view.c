/* tsu-training-view.c — the Training page: actions, the run bar and the
 * link between the configuration panel and the owner's document. */
#include "tsu-training-ui.h"
#include "tsu-i18n.h"
#include "tsu-training-view-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (TsuTrainingView, tsu_training_view, GTK_TYPE_WIDGET)

enum { TRAINING_EDITED, RUN_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const tsu_project *
current_project (TsuTrainingView *self)
{
  return self->project_func ? self->project_func (self->project_data) : NULL;
}

static void
set_action_enabled (TsuTrainingView *self,
                    const char      *name,
                    gboolean         enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
show_message (TsuTrainingView *self,
              const char      *icon,
              const char      *text,
              const char      *css_class)
{
  GtkWidget *bar = gtk_revealer_get_child (self->message_revealer);

  gtk_widget_remove_css_class (bar, "error");
  gtk_widget_remove_css_class (bar, "info");
  gtk_widget_set_visible (self->message_save_button, FALSE);
  if (text)
    {
      gtk_image_set_from_icon_name (self->message_icon, icon);
      gtk_label_set_text (self->message_label, text);
      gtk_widget_add_css_class (bar, css_class);
    }
  gtk_revealer_set_reveal_child (self->message_revealer, text != NULL);
}

static void
format_duration (double seconds,
                 char  *buf,
                 gsize  size)
{
  long s = seconds > 0 && seconds < 1e8 ? (long) (seconds + 0.5) : 0;

  if (s >= 3600)
    g_snprintf (buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    g_snprintf (buf, size, "%ld:%02ld", s / 60, s % 60);
}

/* 553992 -> "553 992": big speeds stay readable whatever the locale. */
static void
format_grouped (double value,
                char  *buf,
                gsize  size)
{
  char plain[32];
  int n = g_snprintf (plain, sizeof plain, "%.0f", MAX (0, value));
  gsize out = 0;

  for (int i = 0; i < n && out + 4 < size; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        {
          memcpy (buf + out, "\xe2\x80\x89", 3); /* U+2009 thin space */
          out += 3;
        }
      buf[out++] = plain[i];
    }
  buf[out] = '\0';
}

static void
update_progress (TsuTrainingView *self)
{
  TsuTrainingHistory *history = tsu_training_controller_get_history (self->controller);
  const TsuTrainingProgress *p = tsu_training_history_get_progress (history);
  TsuTrainingState state = tsu_training_history_get_state (history);
  char buf[128], duration[32];

  if (p->epochs > 0 && p->iterations > 0)
    {
      double done = ((double) MAX (0, p->epoch - 1) * p->iterations + p->iteration)
                  / ((double) p->epochs * p->iterations);
      if (state == TSU_TRAINING_DONE)
        done = 1;
      gtk_progress_bar_set_fraction (self->progress, CLAMP (done, 0, 1));
      g_snprintf (buf, sizeof buf, _("Epoch %d of %d · batch %d of %d"), MAX (1, p->epoch), p->epochs,
                  p->iteration, p->iterations);
      gtk_label_set_text (self->progress_label, buf);
    }
  else
    {
      gtk_progress_bar_set_fraction (self->progress, 0);
      gtk_label_set_text (self->progress_label, state == TSU_TRAINING_STARTING ? _("Loading the data…")
                                                : self->runs && self->runs->len > 0 ? "" : _("No run yet"));
    }

  if (p->images_per_second > 0)
    {
      char digits[32];
      format_grouped (p->images_per_second, digits, sizeof digits);
      g_snprintf (buf, sizeof buf, _("%s img/s"), digits);
      gtk_label_set_text (self->speed_label, buf);
    }
  else
    gtk_label_set_text (self->speed_label, "");

  if (tsu_training_state_is_active (state) && p->eta_seconds > 0)
    {
      format_duration (p->eta_seconds, duration, sizeof duration);
      g_snprintf (buf, sizeof buf, _("ETA %s"), duration);
    }
  else if (state == TSU_TRAINING_DONE || state == TSU_TRAINING_STOPPED)
    {
      format_duration (p->elapsed_seconds, duration, sizeof duration);
      g_snprintf (buf, sizeof buf, _("took %s"), duration);
    }
  else
    buf[0] = '\0';
  gtk_label_set_text (self->eta_label, buf);
}

static void
update_state (TsuTrainingView *self)
{
  TsuTrainingHistory *history = tsu_training_controller_get_history (self->controller);
  TsuTrainingState state = tsu_training_history_get_state (history);
  gboolean active = tsu_training_controller_is_running (self->controller);
  gboolean paused = state == TSU_TRAINING_PAUSED;

  set_action_enabled (self, "run", !active && current_project (self) != NULL);
  set_action_enabled (self, "pause", active && state != TSU_TRAINING_STOPPING);
  set_action_enabled (self, "stop", active && state != TSU_TRAINING_STOPPING);
  g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "pause",
                                      g_variant_new_boolean (paused));
  gtk_label_set_text (self->pause_label, paused ? _("Resume") : _("Pause"));
  gtk_image_set_from_icon_name (self->pause_icon, paused ? "media-playback-start-symbolic"
                                                         : "media-playback-pause-symbolic");
  gtk_label_set_text (self->state_label, tsu_training_state_describe (state));
  gtk_widget_set_sensitive (GTK_WIDGET (self->config), !active);

  const char *message = tsu_training_history_get_message (history);
  if (state == TSU_TRAINING_FAILED)
    show_message (self, "dialog-error-symbolic", message ? message : _("Training failed"), "error");
  else if (state == TSU_TRAINING_STOPPED)
    {
      g_autofree char *text = g_strdup_printf (_("Stopped. Completed epochs are saved in %s"),
                                               tsu_training_history_get_run_dir (history)
                                                 ? tsu_training_history_get_run_dir (history) : _("the run directory"));
      show_message (self, "dialog-information-symbolic", text, "info");
    }
  else
    show_message (self, NULL, NULL, NULL);

  update_progress (self);
}

static void
on_history_changed (TsuTrainingView *self)
{
  update_progress (self);
  tsu_training_view_update_plots (self);
}

static void
on_state_changed (TsuTrainingView *self)
{
  TsuTrainingState state = tsu_training_controller_get_state (self->controller);

  update_state (self);
  if (state == TSU_TRAINING_DONE || state == TSU_TRAINING_STOPPED || state == TSU_TRAINING_FAILED)
    tsu_training_view_run_ended (self); /* the new run joins the lists, whatever its end */
}

static void
on_running_changed (TsuTrainingView *self)
{
  update_state (self);
}

/* ------------------------------------------------------------ actions */

void
tsu_training_view_run (TsuTrainingView *self)
{
  const tsu_project *project = current_project (self);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TSU_IS_TRAINING_VIEW (self));
  if (!project || tsu_training_controller_is_running (self->controller))
    return;
  if (!tsu_training_controller_run (self->controller, project, &self->run_options, &error))
    {
      show_message (self, "dialog-error-symbolic", error->message, "error");
      /* An unsaved project has nowhere to keep its runs: saving is the fix. */
      gtk_widget_set_visible (self->message_save_button,
                              g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME));
      return;
    }
  update_state (self);
}

void
tsu_training_view_set_confirm_func (TsuTrainingView *self, TsuRunConfirmFunc func, gpointer user_data)
{
  g_return_if_fail (TSU_IS_TRAINING_VIEW (self));
  self->confirm_func = func;
  self->confirm_data = user_data;
}

static void
run_activated (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  TsuTrainingView *self = data;

  if (!current_project (self) || tsu_training_controller_is_running (self->controller))
    return;
  if (self->confirm_func == NULL || self->confirm_func (self, self->confirm_data))
    tsu_training_view_run (self);
}

static void
pause_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       data)
{
  TsuTrainingView *self = data;

  if (tsu_training_controller_get_state (self->controller) == TSU_TRAINING_PAUSED)
    tsu_training_controller_resume (self->controller);
  else
    tsu_training_controller_pause (self->controller);
}

static void
stop_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       data)
{
  tsu_training_controller_stop (TSU_TRAINING_VIEW (data)->controller);
}

static void
log_scale_changed (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       data)
{
  TsuTrainingView *self = data;

  g_simple_action_set_state (action, value);
  tsu_plot_set_log_scale (self->loss_plot, g_variant_get_boolean (value));
}

static void
show_error_changed (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       data)
{
  TsuTrainingView *self = data;

  g_simple_action_set_state (action, value);
  self->show_error = g_variant_get_boolean (value);
  tsu_training_view_update_plots (self); /* the key includes show_error */
}

static void
reset_zoom_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       data)
{
  TsuTrainingView *self = data;

  tsu_plot_reset_zoom (self->loss_plot);
  tsu_plot_reset_zoom (self->accuracy_plot);
}

gboolean
tsu_training_view_export (TsuTrainingView  *self,
                          const char       *what,
                          const char       *path,
                          GError          **error)
{
  TsuPlot *plot = g_str_has_prefix (what, "loss") ? self->loss_plot : self->accuracy_plot;

  if (g_str_has_suffix (what, ".png"))
    return tsu_plot_export_png (plot, path, 1200, 700, error);
  if (g_str_has_suffix (what, ".svg"))
    return tsu_plot_export_svg (plot, path, 1200, 700, error);

  g_autofree char *csv = tsu_training_history_dup_csv (tsu_training_controller_get_history (self->controller));
  return g_file_set_contents (path, csv, -1, error);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    TsuTrainingView *self)
{
  const char *what = g_object_get_data (G_OBJECT (dialog), "what");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      if (path && !tsu_training_view_export (self, what, path, &error))
        show_message (self, "dialog-error-symbolic", error->message, "error");
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
export_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       data)
{
  TsuTrainingView *self = data;
  const char *what = g_variant_get_string (parameter, NULL);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Export"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  const char *run_dir = tsu_training_history_get_run_dir (tsu_training_controller_get_history (self->controller));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), what);
  if (run_dir)
    {
      g_autoptr(GFile) folder = g_file_new_for_path (run_dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
    }
  g_object_set_data_full (G_OBJECT (dialog), "what", g_strdup (what), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static const GActionEntry action_entries[] = {
  { .name = "run", .activate = run_activated },
  { .name = "pause", .activate = pause_activated, .state = "false" },
  { .name = "stop", .activate = stop_activated },
  { .name = "log-scale", .state = "false", .change_state = log_scale_changed },
  { .name = "show-error", .state = "false", .change_state = show_error_changed },
  { .name = "reset-zoom", .activate = reset_zoom_activated },
  { .name = "export", .activate = export_activated, .parameter_type = "s" },
};

/* ------------------------------------------------------------ config */

static void
on_config_edited (TsuTrainingView *self,
                  int              setting)
{
  tsu_train_config config;

  tsu_training_config_get (self->config, &config);
  g_signal_emit (self, signals[TRAINING_EDITED], 0, setting, &config);
}

static void
on_run_activated (TsuTrainingView *self,
                  GtkListBoxRow   *row)
{
  const char *dir = g_object_get_data (G_OBJECT (row), "run-dir");

  if (dir)
    g_signal_emit (self, signals[RUN_ACTIVATED], 0, dir);
}

/* ------------------------------------------------------------ public */

void
tsu_training_view_set_project_func (TsuTrainingView *self,
                                    TsuProjectFunc   func,
                                    gpointer         user_data,
                                    GDestroyNotify   destroy)
{
  g_return_if_fail (TSU_IS_TRAINING_VIEW (self));

  if (self->project_destroy)
    self->project_destroy (self->project_data);
  self->project_func = func;
  self->project_data = user_data;
  self->project_destroy = destroy;
  tsu_training_view_reload (self);
}

void
tsu_training_view_reload (TsuTrainingView *self)
{
  g_return_if_fail (TSU_IS_TRAINING_VIEW (self));

  tsu_training_config_load (self->config, current_project (self));
  tsu_training_view_scan_runs (self);
  update_state (self);
}

void
tsu_training_view_show_sidebar (TsuTrainingView *self,
                                const char      *page)
{
  gtk_stack_set_visible_child_name (self->side_stack, page);
}

GActionGroup *
tsu_training_view_get_actions (TsuTrainingView *self)
{
  return G_ACTION_GROUP (self->actions);
}

TsuTrainingController *
tsu_training_view_get_controller (TsuTrainingView *self)
{
  return self->controller;
}

TsuPlot *
tsu_training_view_get_loss_plot (TsuTrainingView *self)
{
  return self->loss_plot;
}

TsuPlot *
tsu_training_view_get_accuracy_plot (TsuTrainingView *self)
{
  return self->accuracy_plot;
}

void
tsu_training_view_set_run_options (TsuTrainingView         *self,
                                   const tsu_train_options *options)
{
  g_clear_pointer (&self->run_out_dir, g_free);
  self->run_options = options ? *options : (tsu_train_options) { 0 };
  self->run_out_dir = options ? g_strdup (options->out_dir) : NULL;
  self->run_options.out_dir = self->run_out_dir;
}

/* ------------------------------------------------------------ GObject */

static void
tsu_training_view_dispose (GObject *object)
{
  TsuTrainingView *self = TSU_TRAINING_VIEW (object);

  if (self->controller)
    g_signal_handlers_disconnect_by_data (tsu_training_controller_get_history (self->controller), self);
  /* Stops and joins a running worker: closing never leaves a thread behind. */
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_TRAINING_VIEW);
  /* The template's root has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->overlaid, g_hash_table_unref);
  if (self->project_destroy)
    self->project_destroy (self->project_data);
  self->project_destroy = NULL;
  self->project_func = NULL;
  G_OBJECT_CLASS (tsu_training_view_parent_class)->dispose (object);
}

static void
tsu_training_view_finalize (GObject *object)
{
  TsuTrainingView *self = TSU_TRAINING_VIEW (object);

  g_free (self->run_out_dir);
  g_free (self->accuracy_key);
  g_free (self->selected_run);
  G_OBJECT_CLASS (tsu_training_view_parent_class)->finalize (object);
}

static void
tsu_training_view_class_init (TsuTrainingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_training_view_dispose;
  object_class->finalize = tsu_training_view_finalize;

  /* A person changed one setting (tsu_train_setting, const tsu_train_config *):
   * the owner writes it with tsu_project_set_training_setting() (as an
   * undoable edit) and may call tsu_training_view_reload(). */
  signals[TRAINING_EDITED] = g_signal_new ("training-edited", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_POINTER);
  /* A run in the list was double-clicked: open it in the Evaluation page. */
  signals[RUN_ACTIVATED] = g_signal_new ("run-activated", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);
  tsu_training_view_runs_class_init (object_class);

  g_type_ensure (TSU_TYPE_PLOT);
  g_type_ensure (TSU_TYPE_TRAINING_CONFIG);
  g_type_ensure (TSU_TYPE_LAYER_STATS_VIEW);
  tsu_training_ui_init ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tsumiki/Tsumiki/training/ui/training-view.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, TsuTrainingView, name)
  CHILD (run_button); CHILD (pause_button); CHILD (stop_button); CHILD (pause_icon);
  CHILD (pause_label); CHILD (state_label); CHILD (progress); CHILD (progress_label); CHILD (speed_label);
  CHILD (eta_label); CHILD (message_revealer); CHILD (message_icon); CHILD (message_label);
  CHILD (message_save_button);
  CHILD (side_stack); CHILD (config); CHILD (run_list); CHILD (layer_stats); CHILD (summary_label);
  CHILD (loss_plot); CHILD (accuracy_plot);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_run_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
add_shortcut (GtkShortcutController *controller,
              guint                  key,
              GdkModifierType        mods,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (key, mods),
                                                          gtk_named_action_new (action)));
}

static void
tsu_training_view_init (TsuTrainingView *self)
{
  GtkEventController *shortcuts;
  TsuTrainingHistory *history;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->overlaid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->controller = tsu_training_controller_new ();
  history = tsu_training_controller_get_history (self->controller);
  g_signal_connect_swapped (history, "changed", G_CALLBACK (on_history_changed), self);
  g_signal_connect_swapped (history, "notify::state", G_CALLBACK (on_state_changed), self);
  g_signal_connect_swapped (history, "notify::message", G_CALLBACK (on_running_changed), self);
  g_signal_connect_swapped (self->controller, "notify::running", G_CALLBACK (on_running_changed), self);
  g_signal_connect_swapped (self->config, "edited", G_CALLBACK (on_config_edited), self);
  tsu_layer_stats_view_set_history (self->layer_stats, history);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  tsu_training_view_add_run_actions (self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "training", G_ACTION_GROUP (self->actions));

  /* Global scope: F5 works wherever the focus is in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_F5, 0, "training.run");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_F5, GDK_SHIFT_MASK, "training.stop");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  tsu_training_view_setup_plots (self);
  tsu_training_config_load (self->config, NULL);
  tsu_training_view_scan_runs (self);
  update_state (self);
}

GtkWidget *
tsu_training_view_new (void)
{
  return g_object_new (TSU_TYPE_TRAINING_VIEW, NULL);
}
