/* tsu-training-view-plots.c — the Training page's learning curves and its
 * list of previous runs (with overlay boxes). */
#include "tsu-training-view-private.h"

#include "tsu-i18n.h"

#include <math.h>
#include <string.h>

/* Training in purple and validation in orange on both plots, as a pair
 * that stays apart for colour-blind readers; ticked earlier runs in the
 * colours of tsu_training_view_overlay_color. */
static const GdkRGBA batch_color = { 0.21, 0.52, 0.89, 1 };
static const GdkRGBA smooth_color = { 0.11, 0.44, 0.85, 1 };
static const GdkRGBA train_color = { 0.57, 0.25, 0.67, 1 };
static const GdkRGBA valid_color = { 0.90, 0.38, 0.0, 1 };

void
tsu_training_view_setup_plots (TsuTrainingView *self)
{
  tsu_plot_set_title (self->loss_plot, _("Loss"));
  tsu_plot_set_x_label (self->loss_plot, _("epoch"));
  tsu_plot_set_y_label (self->loss_plot, _("loss"));
  tsu_plot_set_empty_text (self->loss_plot, _("Press Run (F5) to train; the loss appears here live"));
  tsu_plot_set_title (self->accuracy_plot, _("Accuracy"));
  tsu_plot_set_x_label (self->accuracy_plot, _("epoch"));
  tsu_plot_set_y_label (self->accuracy_plot, _("accuracy"));
  tsu_plot_set_y_percent (self->accuracy_plot, TRUE);
  tsu_plot_set_x_integer (self->accuracy_plot, TRUE);
  tsu_plot_set_empty_text (self->accuracy_plot, _("Accuracy per epoch appears after the first epoch"));
  tsu_plot_align_left (self->loss_plot, self->accuracy_plot);
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

static guint
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
    return G_MAXUINT;
  guint s = tsu_plot_add_series (plot, label, color, TSU_PLOT_LINE_MARKERS, overlay);
  tsu_plot_set_series_data (plot, s, xs, ys, n);
  return s;
}

/* An earlier run's curve in its colour, listed once in the legend under
 * its title (legend_shown says whether this plot lists it already). */
static void
add_overlay_series (TsuPlot          *plot,
                    const TsuRunInfo *run,
                    const GdkRGBA    *color,
                    const char       *what,
                    gsize             offset,
                    gboolean          as_error,
                    gboolean         *legend_shown)
{
  g_autofree char *label = g_strdup_printf ("%s %s", run->title, what);
  const TsuEpochRecord *rec = (const TsuEpochRecord *) (gpointer) run->epochs->data;
  guint s = add_epoch_series (plot, label, color, TRUE, rec, run->epochs->len, offset, as_error);

  if (s == G_MAXUINT)
    return;
  tsu_plot_set_series_legend (plot, s, *legend_shown ? "" : run->title);
  *legend_shown = TRUE;
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
      GdkRGBA color;
      gboolean loss_listed = FALSE, accuracy_listed = FALSE;
      if (!tsu_training_view_overlay_color (self, run->dir, &color) || tsu_run_dir_equal (run->dir, current_run))
        continue;
      add_overlay_series (self->loss_plot, run, &color, _("validation"),
                          G_STRUCT_OFFSET (TsuEpochRecord, validation_loss), FALSE, &loss_listed);
      add_overlay_series (self->loss_plot, run, &color, _("training"),
                          G_STRUCT_OFFSET (TsuEpochRecord, train_loss), FALSE, &loss_listed);
      if (accuracy_plot)
        add_overlay_series (accuracy_plot, run, &color, _("validation"),
                            G_STRUCT_OFFSET (TsuEpochRecord, validation_accuracy), self->show_error,
                            &accuracy_listed);
    }
}

/* The run whose curves the plots show: the live one, or while nothing
 * trains the run selected in the results list. */
static const TsuRunInfo *
shown_run (TsuTrainingView *self,
           const char      *live_run,
           gboolean         active)
{
  if (active || !self->selected_run || tsu_run_dir_equal (self->selected_run, live_run))
    return NULL;
  for (guint r = 0; self->runs && r < self->runs->len; r++)
    {
      const TsuRunInfo *run = g_ptr_array_index (self->runs, r);
      if (tsu_run_dir_equal (run->dir, self->selected_run))
        return run;
    }
  return NULL;
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
  gboolean active = tsu_training_state_is_active (tsu_training_history_get_state (history));
  const TsuRunInfo *selected = shown_run (self, run_dir, active);

  if (selected)
    {
      epochs = (const TsuEpochRecord *) (gpointer) selected->epochs->data;
      n_epochs = selected->epochs->len;
      n_losses = 0; /* batch losses are kept only for the live run */
      run_dir = selected->dir;
    }

  /* The accuracy plot only changes with an epoch, an overlay or the
   * error toggle: leave it (and its cached rendering) alone otherwise. */
  g_autofree char *accuracy_key = g_strdup_printf ("%u/%u/%d/%d/%d/%s", n_epochs, self->overlay_generation,
                                                   self->show_error, progress->epochs, active,
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
      guint raw = tsu_plot_add_series (self->loss_plot, _("batch"), &batch_color, TSU_PLOT_THIN, FALSE);
      tsu_plot_set_series_data (self->loss_plot, raw, xs, ys, n_losses);
      guint smooth = tsu_plot_add_series (self->loss_plot, _("batch (smoothed)"), &smooth_color,
                                          TSU_PLOT_LINE, FALSE);
      tsu_plot_set_series_data (self->loss_plot, smooth, xs, smoothed, MIN (n_losses, n_smoothed));
    }
  add_epoch_series (self->loss_plot, _("training"), &train_color, FALSE, epochs, n_epochs,
                    G_STRUCT_OFFSET (TsuEpochRecord, train_loss), FALSE);
  add_epoch_series (self->loss_plot, _("validation"), &valid_color, FALSE, epochs, n_epochs,
                    G_STRUCT_OFFSET (TsuEpochRecord, validation_loss), FALSE);
  /* A fixed epoch axis while training: the curve grows across it. After
   * the run (stopped early, say) the axis fits what was done. */
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
      add_epoch_series (accuracy_plot, _("training"), &train_color, FALSE, epochs, n_epochs,
                        G_STRUCT_OFFSET (TsuEpochRecord, train_accuracy), self->show_error);
      add_epoch_series (accuracy_plot, _("validation"), &valid_color, FALSE, epochs, n_epochs,
                        G_STRUCT_OFFSET (TsuEpochRecord, validation_accuracy), self->show_error);
      tsu_plot_set_x_extent (accuracy_plot, extent > 0 ? 1 : 0, extent);
      tsu_plot_set_title (accuracy_plot, self->show_error ? _("Error") : _("Accuracy"));
      /* "error" as 1 − accuracy, not a message's severity. */
      tsu_plot_set_y_label (accuracy_plot, self->show_error ? g_dpgettext2 (TSU_GETTEXT_DOMAIN, "plot axis", "error")
                                                            : _("accuracy"));
      tsu_plot_set_empty_text (accuracy_plot, _("Accuracy per epoch appears after the first epoch"));
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
      g_autofree char *folder = g_path_get_basename (run_dir ? run_dir : "");
      g_autofree char *base = selected ? g_strdup (selected->title) : tsu_run_describe_name (folder);
      if (!isnan (last->validation_accuracy))
        summary = g_strdup_printf (_("Run %s · epoch %d: validation loss %.4f, accuracy %.2f%% · best epoch %d"),
                                   base, last->epoch, last->validation_loss,
                                   100 * last->validation_accuracy, epochs[best].epoch);
      else if (!isnan (last->validation_loss))
        summary = g_strdup_printf (_("Run %s · epoch %d: validation loss %.5g · best epoch %d"),
                                   base, last->epoch, last->validation_loss, epochs[best].epoch);
      else
        summary = g_strdup_printf (_("Run %s · epoch %d: training loss %.5g"), base, last->epoch,
                                   last->train_loss);
    }
  else if (n_losses)
    summary = g_strdup_printf (_("Batch loss %.4f (smoothed %.4f)"), losses[n_losses - 1].loss,
                               smoothed[n_smoothed - 1]);
  gtk_label_set_text (self->summary_label, summary ? summary : "");
}
