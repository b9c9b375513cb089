/* tsu-window-training.c — the Data, Training and Evaluation pages of the
 * window (ui/training/) fed from the window's document. The pages never own
 * the document: they ask for it, and hand edits back as undoable commands. */
#include "tsu-window-private.h"
#include "tsu-i18n.h"

#include "tsu-dataset-view.h"
#include "tsu-evaluation-view.h"
#include "tsu-layer-stats-view.h"
#include "tsu-mini-loss-view.h"
#include "tsu-training-ui.h"
#include "tsu-training-view.h"

static const tsu_project *
get_project (gpointer data)
{
  return tsu_graph_model_get_project (TSU_GRAPH_MODEL (data));
}

/* The document, to edit between tsu_graph_model_begin() and _end(). */
static tsu_project *
edited_project (TsuWindow *self)
{
  return (tsu_project *) tsu_graph_model_get_project (self->model);
}

static void
on_training_edited (TsuWindow *self, int setting, const tsu_train_config *config)
{
  tsu_graph_model_begin (self->model, _("Change training settings"));
  tsu_project_set_training_setting (edited_project (self), config, setting);
  tsu_graph_model_end (self->model);
}

static void
on_dataset_edited (TsuWindow *self, const tsu_dataset_settings *data)
{
  tsu_graph_model_begin (self->model, _("Change dataset"));
  tsu_project_set_dataset (edited_project (self), data);
  tsu_graph_model_end (self->model);
}

static void
on_input_shape_edited (TsuWindow *self, const char *node_id, const tsu_value *shape)
{
  tsu_diag diag;

  tsu_diag_init (&diag);
  tsu_graph_model_begin (self->model, "Set Input shape");
  tsu_project_set_node_param (edited_project (self), node_id, "shape", shape, &diag);
  tsu_graph_model_end (self->model);
  tsu_diag_free (&diag);
}

static void
on_run_activated (TsuWindow *self, const char *run_dir)
{
  tsu_evaluation_view_set_run_dir (TSU_EVALUATION_VIEW (self->evaluation_view), run_dir, TRUE);
  gtk_stack_set_visible_child_name (self->views, "evaluation");
}

/* The corner card belongs to the run it shows: a finished run's card goes
 * when another document is loaded, a failed run's once the network is valid
 * again (its reason no longer holds). A running one stays. */
static void
hide_finished_mini_loss (TsuWindow *self)
{
  TsuTrainingController *controller =
    tsu_training_view_get_controller (TSU_TRAINING_VIEW (self->training_view));

  if (tsu_training_controller_is_running (controller))
    return;
  self->mini_loss_shown = FALSE;
  gtk_widget_set_visible (self->mini_loss, FALSE);
}

static void
on_model_reset (TsuWindow *self)
{
  hide_finished_mini_loss (self);
}

static void
hide_mini_loss_once_fixed (TsuWindow *self)
{
  TsuTrainingController *controller =
    tsu_training_view_get_controller (TSU_TRAINING_VIEW (self->training_view));
  const tsu_graph *graph = tsu_graph_model_get_graph (self->model);

  if (self->mini_loss_shown
      && tsu_training_history_get_state (tsu_training_controller_get_history (controller)) == TSU_TRAINING_FAILED
      && graph != NULL && tsu_graph_valid (graph))
    hide_finished_mini_loss (self);
}

/* A run ended (finished, stopped or failed), was renamed or deleted: the
 * Evaluation page's chooser lists the runs as they are now. */
static void
on_runs_changed (TsuWindow *self)
{
  tsu_evaluation_view_set_project_path (TSU_EVALUATION_VIEW (self->evaluation_view),
                                        tsu_graph_model_get_path (self->model));
}

/* "Open this run's network": the run's project.tsumiki in a window of its
 * own, as the application opens any file. */
static void
on_open_project (TsuWindow *self, const char *path)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GFile) file = g_file_new_for_path (path);

  if (app != NULL)
    g_application_open (G_APPLICATION (app), &file, 1, "");
}

void
tsu_window_show_view (TsuWindow *self, const char *view)
{
  g_auto(GStrv) parts = g_strsplit (view, "/", 2);

  if (gtk_stack_get_child_by_name (self->views, parts[0]) != NULL)
    gtk_stack_set_visible_child_name (self->views, parts[0]);
  if (g_str_equal (parts[0], "training") && parts[1] != NULL)
    tsu_training_view_show_sidebar (TSU_TRAINING_VIEW (self->training_view), parts[1]);
}

/* Keeps the pages in step with the document, doing the expensive part
 * (re-reading runs, re-checking data) only when the graph model says its
 * section changed (or the document is another file, or on the first call). */
static void
on_model_changed (TsuWindow *self)
{
  const tsu_project *project = tsu_graph_model_get_project (self->model);
  const char *path = tsu_graph_model_get_path (self->model);
  gboolean all = !self->pages_shown || g_strcmp0 (path, self->shown_path) != 0;

  self->pages_shown = TRUE;
  hide_mini_loss_once_fixed (self);
  if (all)
    {
      g_free (self->shown_path);
      self->shown_path = g_strdup (path);
      tsu_evaluation_view_set_project_path (TSU_EVALUATION_VIEW (self->evaluation_view), path);
    }
  if (all || tsu_graph_model_changed_section (self->model, "training"))
    tsu_training_view_reload (TSU_TRAINING_VIEW (self->training_view));
  if (all || tsu_graph_model_changed_section (self->model, "dataset"))
    tsu_dataset_view_set_project (TSU_DATASET_VIEW (self->data_view), project);
  else if (tsu_graph_model_changed_network (self->model))
    tsu_dataset_view_network_changed (TSU_DATASET_VIEW (self->data_view), project,
                                      tsu_graph_model_get_graph (self->model));
}

/* The canvas's live indicator of one layer: the spread of its activations
 * over the last samples, orange with a word when the layer needs a look. */
static gboolean
live_indicator (const char *id, TsuLiveIndicator *out, gpointer data)
{
  static char note[32];
  TsuTrainingHistory *history = data;
  const TsuLayerTrace *trace = tsu_training_history_get_layer (history, id);
  const char *warning;

  if (trace == NULL || trace->n_history == 0)
    return FALSE;
  warning = tsu_layer_stats_warning (&trace->latest);
  out->n = (int) trace->n_history;
  out->values = trace->activation_std;
  out->level = warning != NULL ? TSU_LIVE_WARNING : TSU_LIVE_OK;
  if (warning != NULL)
    g_strlcpy (note, warning, sizeof note);
  else
    g_snprintf (note, sizeof note, "σ %.2g", trace->latest.activation_std);
  out->note = note;
  return TRUE;
}

static void
on_training_state (TsuWindow *self)
{
  TsuTrainingController *controller =
    tsu_training_view_get_controller (TSU_TRAINING_VIEW (self->training_view));
  gboolean running = tsu_training_controller_is_running (controller);

  gtk_widget_set_visible (self->mini_loss, running || self->mini_loss_shown);
  self->mini_loss_shown |= running;
  /* The boxes show their layers live during a run, their parameters again
   * after it. */
  if (running)
    tsu_canvas_set_live_indicators (self->canvas, live_indicator,
                                    g_object_ref (tsu_training_controller_get_history (controller)),
                                    g_object_unref);
  else
    tsu_canvas_set_live_indicators (self->canvas, NULL, NULL, NULL);
}

/* A finished run is a new entry in the Evaluation page's run list, and the
 * one a person wants to see evaluated next. */
static void
on_history_changed (TsuWindow *self, TsuTrainingHistory *history)
{
  const char *run_dir = tsu_training_history_get_run_dir (history);

  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
  if (tsu_training_history_get_state (history) != TSU_TRAINING_DONE || run_dir == NULL ||
      g_strcmp0 (run_dir, self->evaluated_run) == 0)
    return;
  g_free (self->evaluated_run);
  self->evaluated_run = g_strdup (run_dir);
  tsu_evaluation_view_set_project_path (TSU_EVALUATION_VIEW (self->evaluation_view),
                                        tsu_graph_model_get_path (self->model));
  tsu_evaluation_view_set_run_dir (TSU_EVALUATION_VIEW (self->evaluation_view), run_dir, TRUE);
}

/* Data goes between Edit and Training, in the order NNC's tabs have. */
static void
move_page_to_end (GtkStack *stack, const char *name)
{
  GtkWidget *child = gtk_stack_get_child_by_name (stack, name);
  g_autofree char *title = g_strdup (gtk_stack_page_get_title (gtk_stack_get_page (stack, child)));

  g_object_ref (child);
  gtk_stack_remove (stack, child);
  gtk_stack_add_titled (stack, child, name, title);
  g_object_unref (child);
}

/* The compact loss curve over the canvas, so a person can keep designing
 * while a run goes on. */
static void
add_mini_loss (TsuWindow *self, TsuTrainingHistory *history)
{
  self->mini_loss = tsu_mini_loss_view_new ();
  tsu_mini_loss_view_set_history (TSU_MINI_LOSS_VIEW (self->mini_loss), history);
  gtk_widget_set_halign (self->mini_loss, GTK_ALIGN_END);
  gtk_widget_set_valign (self->mini_loss, GTK_ALIGN_END);
  gtk_widget_set_margin_end (self->mini_loss, 12);
  gtk_widget_set_margin_bottom (self->mini_loss, 12);
  gtk_widget_set_visible (self->mini_loss, FALSE);
  gtk_widget_set_can_target (self->mini_loss, FALSE);
  gtk_overlay_add_overlay (self->canvas_overlay, self->mini_loss);
}

enum { RESPONSE_STOP_AND_CLOSE = 1 };

static void
on_stop_and_close (GtkDialog *dialog, int response, gpointer user_data)
{
  TsuWindow *self = user_data;

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != RESPONSE_STOP_AND_CLOSE)
    return;
  tsu_training_controller_stop (tsu_training_view_get_controller (TSU_TRAINING_VIEW (self->training_view)));
  self->run_close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Runs before the unsaved-changes prompt: a run is work too. */
static gboolean
on_close_request (TsuWindow *self)
{
  TsuTrainingController *controller =
    tsu_training_view_get_controller (TSU_TRAINING_VIEW (self->training_view));
  GtkWidget *dialog;

  if (self->run_close_confirmed || !tsu_training_controller_is_running (controller))
    return FALSE;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "%s", _("A training run is in progress"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("Closing stops it. The epochs that finished stay "
                                              "saved in the run directory."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Keep Training"), GTK_RESPONSE_CANCEL,
                          _("_Stop and Close"), RESPONSE_STOP_AND_CLOSE, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect (dialog, "response", G_CALLBACK (on_stop_and_close), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

enum { RESPONSE_TRAIN_ANYWAY = 1, RESPONSE_SHOW_WARNINGS };

static void
on_warnings_answered (GtkDialog *dialog, int response, gpointer user_data)
{
  TsuWindow *self = user_data;
  const tsu_warnings *warnings = tsu_graph_model_get_warnings (self->model);

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == RESPONSE_TRAIN_ANYWAY)
    tsu_training_view_run (TSU_TRAINING_VIEW (self->training_view));
  else if (response == RESPONSE_SHOW_WARNINGS && warnings->count > 0)
    {
      /* The first warned layer in the inspector, with its why and fix. */
      const char *ids[] = { warnings->items[0].node, NULL };

      gtk_stack_set_visible_child_name (self->views, "edit");
      tsu_canvas_select (tsu_window_get_canvas (self), ids);
    }
}

/* F5 on a network with design warnings asks first. */
static gboolean
confirm_run (TsuTrainingView *view, gpointer user_data)
{
  TsuWindow *self = user_data;
  const tsu_warnings *warnings = tsu_graph_model_get_warnings (self->model);
  GtkWidget *dialog;

  if (warnings->count == 0)
    return TRUE;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE, "%s",
                                   ngettext_ ("The network has a design warning",
                                              "The network has design warnings",
                                              (unsigned long) warnings->count));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s: %s", warnings->items[0].node,
                                            warnings->items[0].message);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Show Warnings"), RESPONSE_SHOW_WARNINGS,
                          _("_Train Anyway"), RESPONSE_TRAIN_ANYWAY, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), RESPONSE_SHOW_WARNINGS);
  g_signal_connect (dialog, "response", G_CALLBACK (on_warnings_answered), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

/* The design checks about the targets need the data: the Data page's check
 * has read it, on its worker, so its summary costs the editor nothing. */
static void
on_data_checked (TsuWindow *self)
{
  TsuDatasetView *view = TSU_DATASET_VIEW (self->data_view);
  const TsuDatasetReport *report;

  if (tsu_dataset_view_get_busy (view))
    return;
  report = tsu_dataset_view_get_report (view);
  tsu_graph_model_set_data_summary (self->model, report && report->summary.count ? &report->summary : NULL);
}

void
tsu_window_setup_training (TsuWindow *self)
{
  TsuTrainingController *controller;

  tsu_training_ui_init ();
  self->data_view = tsu_dataset_view_new ();
  self->training_view = tsu_training_view_new ();
  self->evaluation_view = tsu_evaluation_view_new ();

  gtk_stack_add_titled (self->views, self->data_view, "data", _("Data"));
  move_page_to_end (self->views, "training");
  move_page_to_end (self->views, "evaluation");
  tsu_window_set_view_page (self, "training", self->training_view);
  tsu_window_set_view_page (self, "evaluation", self->evaluation_view);

  tsu_training_view_set_project_func (TSU_TRAINING_VIEW (self->training_view), get_project,
                                      g_object_ref (self->model), g_object_unref);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "training",
                                  tsu_training_view_get_actions (TSU_TRAINING_VIEW (self->training_view)));
  g_signal_connect_swapped (self->training_view, "training-edited", G_CALLBACK (on_training_edited), self);
  g_signal_connect_swapped (self->training_view, "run-activated", G_CALLBACK (on_run_activated), self);
  g_signal_connect_swapped (self->training_view, "runs-changed", G_CALLBACK (on_runs_changed), self);
  g_signal_connect_swapped (self->training_view, "open-project", G_CALLBACK (on_open_project), self);
  g_signal_connect_swapped (self->data_view, "dataset-edited", G_CALLBACK (on_dataset_edited), self);
  g_signal_connect_swapped (self->data_view, "input-shape-edited", G_CALLBACK (on_input_shape_edited), self);
  g_signal_connect_swapped (self->data_view, "notify::busy", G_CALLBACK (on_data_checked), self);
  tsu_training_view_set_confirm_func (TSU_TRAINING_VIEW (self->training_view), confirm_run, self);
  g_signal_connect_swapped (self->model, "changed", G_CALLBACK (on_model_changed), self);
  g_signal_connect_swapped (self->model, "reset", G_CALLBACK (on_model_reset), self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);

  controller = tsu_training_view_get_controller (TSU_TRAINING_VIEW (self->training_view));
  add_mini_loss (self, tsu_training_controller_get_history (controller));
  g_signal_connect_swapped (controller, "notify::running", G_CALLBACK (on_training_state), self);
  g_signal_connect_swapped (tsu_training_controller_get_history (controller), "changed",
                            G_CALLBACK (on_history_changed), self);
  on_model_changed (self);
}

void
tsu_window_finalize_training (TsuWindow *self)
{
  g_clear_pointer (&self->shown_path, g_free);
  g_clear_pointer (&self->evaluated_run, g_free);
}
