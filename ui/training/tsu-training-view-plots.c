/* tsu-training-view-plots.c — the Training page's learning curves and its
 * list of previous runs (with overlay boxes). */
#include "tsu-training-view-private.h"

#include <math.h>
#include <string.h>

/* Training in purple and validation in orange on both plots, as a pair
 * that stays apart for colour-blind readers; earlier runs in grey. */
static const GdkRGBA batch_color = { 0.21, 0.52, 0.89, 1 };
static const GdkRGBA smooth_color = { 0.11, 0.44, 0.85, 1 };
static const GdkRGBA train_color = { 0.57, 0.25, 0.67, 1 };
static const GdkRGBA valid_color = { 0.90, 0.38, 0.0, 1 };
static const GdkRGBA overlay_color = { 0.47, 0.46, 0.48, 1 };

void
tsu_training_view_setup_plots (TsuTrainingView *self)
{
  tsu_plot_set_title (self->loss_plot, "Loss");
  tsu_plot_set_x_label (self->loss_plot, "epoch");
  tsu_plot_set_y_label (self->loss_plot, "loss");
  tsu_plot_set_empty_text (self->loss_plot, "Press Run (F5) to train; the loss appears here live");
  tsu_plot_set_title (self->accuracy_plot, "Accuracy");
  tsu_plot_set_x_label (self->accuracy_plot, "epoch");
  tsu_plot_set_y_label (self->accuracy_plot, "accuracy");
  tsu_plot_set_y_percent (self->accuracy_plot, TRUE);
  tsu_plot_set_x_integer (self->accuracy_plot, TRUE);
  tsu_plot_set_empty_text (self->accuracy_plot, "Accuracy per epoch appears after the first epoch");
}

/* Per-epoch values of one column as x/y arrays, NaN kept for gaps. */
static guint
epoch_column (const TsuEpochRecord *records,
              guint                 n,
              gsize                 offset,
              gboolean              as_error,
              double               *xs,
              double               *ys)
{
  guint finite = 0;

  for (guint i = 0; i < n; i++)
    {
      double v = G_STRUCT_MEMBER (double, &records[i], offset);
      xs[i] = records[i].epoch;
      ys[i] = as_error && !isnan (v) ? 1 - v : v;
      finite += !isnan (v);
    }
  return finite;
}

static void
add_epoch_series (TsuPlot              *plot,
                  const char           *label,
                  const GdkRGBA        *color,
                  gboolean              overlay,
                  const TsuEpochRecord *records,
                  guint                 n,
                  gsize                 offset,
                  gboolean              as_error)
{
  g_autofree double *xs = g_new (double, MAX (n, 1));
  g_autofree double *ys = g_new (double, MAX (n, 1));

  if (epoch_column (records, n, offset, as_error, xs, ys) == 0)
    return;
  guint s = tsu_plot_add_series (plot, label, color, TSU_PLOT_LINE_MARKERS, overlay);
  tsu_plot_set_series_data (plot, s, xs, ys, n);
}

static void
add_overlays (TsuTrainingView *self,
              const char      *current_run,
              TsuPlot         *accuracy_plot)
{
  if (!self->runs)
    return;
  for (guint r = 0; r < self->runs->len; r++)
    {
      TsuRunInfo *run = g_ptr_array_index (self->runs, r);
      if (!g_hash_table_contains (self->overlaid, run->dir) || tsu_run_dir_equal (run->dir, current_run))
        continue;
      const TsuEpochRecord *rec = (const TsuEpochRecord *) (gpointer) run->epochs->data;
      guint n = run->epochs->len;
      g_autofree char *label = g_strdup_printf ("%s validation", run->name);
      g_autofree char *train_label = g_strdup_printf ("%s training", run->name);
      add_epoch_series (self->loss_plot, label, &overlay_color, TRUE, rec, n,
                        G_STRUCT_OFFSET (TsuEpochRecord, validation_loss), FALSE);
      add_epoch_series (self->loss_plot, train_label, &overlay_color, TRUE, rec, n,
                        G_STRUCT_OFFSET (TsuEpochRecord, train_loss), FALSE);
      if (accuracy_plot)
        add_epoch_series (accuracy_plot, label, &overlay_color, TRUE, rec, n,
                          G_STRUCT_OFFSET (TsuEpochRecord, validation_accuracy), self->show_error);
    }
}

void
tsu_training_view_update_plots (TsuTrainingView *self)
{
  TsuTrainingHistory *history = tsu_training_controller_get_history (self->controller);
  const TsuTrainingProgress *progress = tsu_training_history_get_progress (history);
  guint n_losses, n_smoothed, n_epochs;
  const TsuLossPoint *losses = tsu_training_history_get_losses (history, &n_losses);
  const double *smoothed = tsu_training_history_get_smoothed (history, &n_smoothed);
  const TsuEpochRecord *epochs = tsu_training_history_get_epochs (history, &n_epochs);
  const char *run_dir = tsu_training_history_get_run_dir (history);

  /* The accuracy plot only changes with an epoch, an overlay or the
   * error toggle: leave it (and its cached rendering) alone otherwise. */
  g_autofree char *accuracy_key = g_strdup_printf ("%u/%u/%d/%d/%d/%s", n_epochs, self->overlay_generation,
                                                   self->show_error, progress->epochs,
                                                   tsu_training_state_is_active (tsu_training_history_get_state (history)),
                                                   run_dir ? run_dir : "");
  gboolean accuracy_changed = g_strcmp0 (accuracy_key, self->accuracy_key) != 0;
  TsuPlot *accuracy_plot = accuracy_changed ? self->accuracy_plot : NULL;
  if (accuracy_changed)
    {
      g_free (self->accuracy_key);
      self->accuracy_key = g_steal_pointer (&accuracy_key);
      tsu_plot_clear (self->accuracy_plot);
    }
  tsu_plot_clear (self->loss_plot);
  add_overlays (self, run_dir, accuracy_plot);

  if (n_losses)
    {
      g_autofree double *xs = g_new (double, n_losses);
      g_autofree double *ys = g_new (double, n_losses);
      for (guint i = 0; i < n_losses; i++)
        {
          xs[i] = losses[i].x;
          ys[i] = losses[i].loss;
        }
      guint raw = tsu_plot_add_series (self->loss_plot, "batch", &batch_color, TSU_PLOT_THIN, FALSE);
      tsu_plot_set_series_data (self->loss_plot, raw, xs, ys, n_losses);
      guint smooth = tsu_plot_add_series (self->loss_plot, "batch (smoothed)", &smooth_color,
                                          TSU_PLOT_LINE, FALSE);
      tsu_plot_set_series_data (self->loss_plot, smooth, xs, smoothed, MIN (n_losses, n_smoothed));
    }
  add_epoch_series (self->loss_plot, "training", &train_color, FALSE, epochs, n_epochs,
                    G_STRUCT_OFFSET (TsuEpochRecord, train_loss), FALSE);
  add_epoch_series (self->loss_plot, "validation", &valid_color, FALSE, epochs, n_epochs,
                    G_STRUCT_OFFSET (TsuEpochRecord, validation_loss), FALSE);
  /* A fixed epoch axis while training: the curve grows across it. After
   * the run (stopped early, say) the axis fits what was done. */
  gboolean active = tsu_training_state_is_active (tsu_training_history_get_state (history));
  double extent = active && progress->epochs > 0 ? progress->epochs : 0;
  if (!active && n_losses == 0 && n_epochs == 0)
    {
      /* Nothing run yet: an axis as long as the configured run. */
      tsu_train_config config;
      tsu_training_config_get (self->config, &config);
      extent = config.epochs;
    }
  tsu_plot_set_x_extent (self->loss_plot, 0, extent);

  if (accuracy_plot)
    {
      gboolean regression = n_epochs > 0 && isnan (epochs[n_epochs - 1].train_accuracy);
      add_epoch_series (accuracy_plot, "training", &train_color, FALSE, epochs, n_epochs,
                        G_STRUCT_OFFSET (TsuEpochRecord, train_accuracy), self->show_error);
      add_epoch_series (accuracy_plot, "validation", &valid_color, FALSE, epochs, n_epochs,
                        G_STRUCT_OFFSET (TsuEpochRecord, validation_accuracy), self->show_error);
      tsu_plot_set_x_extent (accuracy_plot, extent > 0 ? 1 : 0, extent);
      tsu_plot_set_title (accuracy_plot, self->show_error ? "Error" : "Accuracy");
      tsu_plot_set_y_label (accuracy_plot, self->show_error ? "error" : "accuracy");
      tsu_plot_set_empty_text (accuracy_plot, "Accuracy per epoch appears after the first epoch");
      /* A regression has no accuracy: give the loss the whole height. */
      gtk_widget_set_visible (GTK_WIDGET (accuracy_plot), !regression);
    }

  /* One line under the toolbar with what a person looks for first. */
  g_autofree char *summary = NULL;
  if (n_epochs > 0)
    {
      const TsuEpochRecord *last = &epochs[n_epochs - 1];
      guint best = 0;
      for (guint i = 1; i < n_epochs; i++)
        if (epochs[i].validation_loss < epochs[best].validation_loss)
          best = i;
      g_autofree char *base = g_path_get_basename (run_dir ? run_dir : "");
      if (!isnan (last->validation_accuracy))
        summary = g_strdup_printf ("Run %s · epoch %d: validation loss %.4f, accuracy %.2f%% · best epoch %d",
                                   base, last->epoch, last->validation_loss,
                                   100 * last->validation_accuracy, epochs[best].epoch);
      else if (!isnan (last->validation_loss))
        summary = g_strdup_printf ("Run %s · epoch %d: validation loss %.5g · best epoch %d",
                                   base, last->epoch, last->validation_loss, epochs[best].epoch);
      else
        summary = g_strdup_printf ("Run %s · epoch %d: training loss %.5g", base, last->epoch,
                                   last->train_loss);
    }
  else if (n_losses)
    summary = g_strdup_printf ("Batch loss %.4f (smoothed %.4f)", losses[n_losses - 1].loss,
                               smoothed[n_smoothed - 1]);
  gtk_label_set_text (self->summary_label, summary ? summary : "");
}

/* ------------------------------------------------------------ run list */

static void
on_overlay_toggled (GtkCheckButton  *check,
                    TsuTrainingView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (check), "run-dir");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->overlaid, g_strdup (dir));
  else
    g_hash_table_remove (self->overlaid, dir);
  self->overlay_generation++;
  tsu_training_view_update_plots (self);
}

static GtkWidget *
make_run_row (TsuTrainingView  *self,
              const TsuRunInfo *run)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *when = g_strdup (run->label);
  char *dot = strstr (when, " · ");
  GtkWidget *title = gtk_label_new (when);
  GtkWidget *detail = gtk_label_new (dot ? dot + strlen (" · ") : "");

  if (dot)
    *dot = '\0', gtk_label_set_text (GTK_LABEL (title), when);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), detail);

  g_object_set_data_full (G_OBJECT (check), "run-dir", g_strdup (run->dir), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->overlaid, run->dir));
  gtk_widget_set_tooltip_text (check, "Overlay this run's curves");
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Overlay run", -1);
  g_signal_connect (check, "toggled", G_CALLBACK (on_overlay_toggled), self);
  gtk_widget_set_sensitive (check, run->epochs->len > 0);

  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, run->problem ? run->problem : run->dir);
  g_object_set_data_full (G_OBJECT (row), "run-dir", g_strdup (run->dir), g_free);
  return row;
}

void
tsu_training_view_scan_runs (TsuTrainingView *self)
{
  const tsu_project *project = self->project_func ? self->project_func (self->project_data) : NULL;
  g_autofree char *runs_dir = NULL;
  GtkWidget *child;

  if (project && tsu_project_path (project))
    runs_dir = tsu_run_list_dir_for_project (tsu_project_path (project));
  else if (self->run_out_dir)
    runs_dir = g_path_get_dirname (self->run_out_dir);

  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = tsu_run_list_scan (runs_dir);
  self->overlay_generation++;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->run_list))))
    gtk_list_box_remove (self->run_list, child);
  for (guint i = 0; i < self->runs->len; i++)
    gtk_list_box_append (self->run_list, make_run_row (self, g_ptr_array_index (self->runs, i)));
  if (self->runs->len == 0)
    {
      GtkWidget *empty = gtk_label_new ("No runs yet. Each run is kept in a folder\nbeside the project file.");
      gtk_widget_add_css_class (empty, "dim-label");
      gtk_widget_set_margin_top (empty, 24);
      gtk_list_box_set_placeholder (self->run_list, empty);
    }
  tsu_training_view_update_plots (self);
}

void
tsu_training_view_set_overlay (TsuTrainingView *self,
                               const char      *run_dir,
                               gboolean         overlay)
{
  GtkWidget *row;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->run_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "run-dir"), run_dir) != 0)
        continue;
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (gtk_widget_get_first_child (box)), overlay);
      return;
    }
}
