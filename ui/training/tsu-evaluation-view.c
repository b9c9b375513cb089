/* tsu-evaluation-view.c — the Evaluation page: shows what its worker
 * (tsu-worker.h) evaluates. */
#include "tsu-training-ui.h"
#include "tsu-evaluation-view.h"
#include "tsu-confusion-view.h"
#include "tsu-dataset-check.h"
#include "tsu-i18n.h"
#include "tsu-evaluation-table.h"
#include "tsu-plot.h"
#include "tsu-predict-view.h"
#include "tsu-run-list.h"
#include "tsu-worker.h"

#include <gio/gio.h>
#include <math.h>

struct _TsuEvaluationView
{
  GtkWidget         parent_instance;

  GtkLabel         *run_label;
  GtkDropDown      *run_choice;
  GtkStringList    *run_names;
  GtkDropDown      *split_choice;
  GtkSpinner       *spinner;
  GtkRevealer      *message_revealer;
  GtkLabel         *message_label;
  GtkLabel         *score_label;
  GtkLabel         *details_label;
  TsuPlot          *regression_plot;
  GtkWidget        *confusion_title;
  TsuConfusionView *confusion;
  GtkWidget        *metrics_title;
  GtkGrid          *metrics_grid;
  GtkLabel         *rows_label;
  GtkToggleButton  *mistakes_toggle;
  GtkWidget        *show_all_button;
  GtkColumnView    *table;

  GSimpleActionGroup *actions;
  GPtrArray        *runs;          /* TsuRunInfo behind run_choice */
  gboolean          filling_runs;  /* run_choice changes that are not the user's */
  char             *run_dir;
  TsuWorker        *worker;
  gboolean          busy;
  gboolean          loading_saved; /* busy only reading a saved evaluation */
  TsuEvaluation    *evaluation;    /* the last one shown */
  TsuEvalTable      table_model;
  TsuEvalSource    *table_source;  /* the table's class names */
  TsuPredictView   *predict_view;  /* pictures of one's own */
  char             *pictures_dir;  /* where pictures were last chosen */
  char             *error;
};

G_DEFINE_FINAL_TYPE (TsuEvaluationView, tsu_evaluation_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------ showing */

static void
set_busy (TsuEvaluationView *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "run")),
                               !busy && self->run_dir != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (TsuEvaluationView *self,
            const char        *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
}

static void
metrics_cell (TsuEvaluationView *self,
              const char        *text,
              int                column,
              int                row,
              gboolean           header)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  if (header)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (self->metrics_grid, label, column, row, 1, 1);
}

static void
show_metrics (TsuEvaluationView   *self,
              const tsu_confusion *cm,
              TsuEvalSource       *source)
{
  GtkWidget *child;
  static const char *const headers[] = { N_("Class"), N_("Precision"), N_("Recall"), "F1", N_("Samples") };
  g_autoptr(GArray) metrics = tsu_class_metrics_compute (cm);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->metrics_grid))))
    gtk_grid_remove (self->metrics_grid, child);
  for (int c = 0; c < 5; c++)
    metrics_cell (self, _(headers[c]), c, 0, TRUE);

  for (guint i = 0; i < metrics->len; i++)
    {
      const TsuClassMetrics *m = &g_array_index (metrics, TsuClassMetrics, i);
      char name[64], buf[32];
      int row = (int) i + 1;
      metrics_cell (self, m->cls < 0 ? _("Macro average")
                          : tsu_eval_source_class_name (source, m->cls, name, sizeof name), 0, row, m->cls < 0);
      g_snprintf (buf, sizeof buf, "%.3f", m->precision);
      metrics_cell (self, buf, 1, row, FALSE);
      g_snprintf (buf, sizeof buf, "%.3f", m->recall);
      metrics_cell (self, buf, 2, row, FALSE);
      g_snprintf (buf, sizeof buf, "%.3f", m->f1);
      metrics_cell (self, buf, 3, row, FALSE);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, m->support);
      metrics_cell (self, buf, 4, row, FALSE);
    }
}

static void
update_rows_label (TsuEvaluationView *self)
{
  guint shown = tsu_evaluation_view_get_n_shown (self);
  guint total = self->evaluation ? self->evaluation->outputs->rows->len : 0;
  int label, prediction;
  g_autofree char *text = shown == total ? g_strdup_printf (ngettext_ ("%u sample", "%u samples", total), total)
                                         : g_strdup_printf (ngettext_ ("%u of %u sample", "%u of %u samples", total),
                                                            shown, total);

  if (tsu_confusion_view_get_selected (self->confusion, &label, &prediction))
    {
      char a[64], b[64];
      g_autofree char *cell = g_strdup_printf (_("%s · label %s, predicted %s"), text,
                                               tsu_eval_source_class_name (self->table_source, label, a, sizeof a),
                                               tsu_eval_source_class_name (self->table_source, prediction, b, sizeof b));
      g_free (text);
      text = g_steal_pointer (&cell);
    }
  gtk_label_set_text (self->rows_label, total ? text : "");
}

/* Output against target: points on the diagonal are right. */
static void
show_regression_plot (TsuEvaluationView *self)
{
  static const GdkRGBA point_color = { 0.21, 0.52, 0.89, 1 };
  static const GdkRGBA ideal_color = { 0.47, 0.46, 0.48, 1 };
  const TsuEvalOutputs *outputs = self->evaluation->outputs;
  guint n = outputs->rows->len;
  g_autofree double *xs = g_new (double, MAX (n, 1));
  g_autofree double *ys = g_new (double, MAX (n, 1));
  double lo = INFINITY, hi = -INFINITY;

  for (guint i = 0; i < n; i++)
    {
      const TsuEvalRow *row = &g_array_index (outputs->rows, TsuEvalRow, i);
      xs[i] = row->target;
      ys[i] = row->output;
      lo = MIN (lo, MIN (xs[i], ys[i]));
      hi = MAX (hi, MAX (xs[i], ys[i]));
    }
  tsu_plot_clear (self->regression_plot);
  tsu_plot_set_title (self->regression_plot, _("Output against target"));
  tsu_plot_set_x_label (self->regression_plot, _("target"));
  tsu_plot_set_y_label (self->regression_plot, _("output"));
  if (n == 0)
    return;
  double line_x[2] = { lo, hi };
  guint ideal = tsu_plot_add_series (self->regression_plot, _("output = target"), &ideal_color,
                                     TSU_PLOT_LINE, FALSE);
  tsu_plot_set_series_data (self->regression_plot, ideal, line_x, line_x, 2);
  guint points = tsu_plot_add_series (self->regression_plot, _("samples"), &point_color,
                                      TSU_PLOT_POINTS, FALSE);
  tsu_plot_set_series_data (self->regression_plot, points, xs, ys, n);
}

/* Shows evaluation, which the page keeps; its dataset goes to the table. */
static void
show_result (TsuEvaluationView *self,
             TsuEvaluation     *evaluation)
{
  const tsu_eval_result *r = &evaluation->result;
  g_auto(GStrv) class_names = tsu_dataset_class_names_for_run (evaluation->run_dir, evaluation->split);
  const char * const *names = (const char * const *) class_names;
  g_autoptr(TsuEvalSource) source = tsu_eval_source_new (g_steal_pointer (&evaluation->dataset), names);
  const char *weights = evaluation->best_weights ? _("best weights") : _("last epoch's weights");
  const char *samples = g_strcmp0 (evaluation->split, "training") == 0 ? _("training samples") : _("validation samples");
  char buf[256];

  tsu_evaluation_free (self->evaluation);
  self->evaluation = evaluation;

  if (r->classification)
    {
      tsu_confusion cm;
      tsu_eval_outputs_confusion (evaluation->outputs, &cm);
      g_snprintf (buf, sizeof buf, "%.2f%%", 100 * tsu_confusion_accuracy (&r->confusion));
      gtk_label_set_text (self->score_label, buf);
      gint64 correct = 0;
      for (int c = 0; c < r->confusion.classes; c++)
        correct += r->confusion.counts[(gsize) c * r->confusion.classes + c];
      /* TRANSLATORS: %s are "validation samples" (or training) and "best weights" (or last epoch's). */
      g_snprintf (buf, sizeof buf, _("accuracy on %d %s, %s\n%lld mistakes · loss %.4f · %.0f images/s"),
                  r->samples, samples, weights, (long long) (r->confusion.total - correct), r->loss,
                  r->images_per_second);
      gtk_label_set_text (self->details_label, buf);
      /* The engine's matrix is authoritative; the table's agrees with it. */
      tsu_confusion_view_set_matrix (self->confusion, &r->confusion, names);
      show_metrics (self, &r->confusion, source);
      tsu_confusion_free (&cm);
    }
  else
    {
      g_snprintf (buf, sizeof buf, "%.4g", r->mean_squared_error);
      gtk_label_set_text (self->score_label, buf);
      /* TRANSLATORS: %s as in "accuracy on %d %s, %s". */
      g_snprintf (buf, sizeof buf, _("mean squared error on %d %s, %s\nloss %.4g · %.0f samples/s"),
                  r->samples, samples, weights, r->loss,
                  r->images_per_second);
      gtk_label_set_text (self->details_label, buf);
      tsu_confusion_view_set_matrix (self->confusion, NULL, NULL);
      show_regression_plot (self);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->regression_plot), !r->classification);
  gtk_button_set_label (GTK_BUTTON (self->mistakes_toggle),
                        r->classification ? _("_Mistakes only") : _("_Largest errors first"));
  gtk_widget_set_visible (self->confusion_title, r->classification);
  gtk_widget_set_visible (GTK_WIDGET (self->confusion), r->classification);
  gtk_widget_set_visible (self->metrics_title, r->classification);
  gtk_widget_set_visible (GTK_WIDGET (self->metrics_grid), r->classification);

  g_clear_pointer (&self->table_source, tsu_eval_source_unref);
  self->table_source = tsu_eval_source_ref (source);
  tsu_eval_table_setup (self->table, evaluation->outputs, source, &self->table_model);
  gtk_widget_set_visible (self->show_all_button, FALSE);
  tsu_evaluation_view_set_mistakes_only (self, gtk_toggle_button_get_active (self->mistakes_toggle));
}

static gpointer
evaluate (gpointer       input,
          GCancellable  *cancellable,
          GError       **error)
{
  const char * const *job = input; /* run directory, split */
  return tsu_evaluation_run (job[0], job[1], cancellable, error);
}

static void
on_evaluated (TsuEvaluationView *self,
              gpointer           result,
              const char        *message)
{
  self->loading_saved = FALSE;
  set_busy (self, FALSE);
  show_error (self, message);
  if (result)
    show_result (self, tsu_worker_take_result (self->worker));
}

static const char *
chosen_split (TsuEvaluationView *self)
{
  return gtk_drop_down_get_selected (self->split_choice) == 1 ? "training" : "validation";
}

/* Runs func (run directory, split) on the worker; the page is busy until
 * it finishes. */
static void
start_job (TsuEvaluationView *self,
           TsuWorkFunc        func,
           gboolean           loading_saved)
{
  char **job = g_new0 (char *, 3);

  job[0] = g_strdup (self->run_dir);
  job[1] = g_strdup (chosen_split (self));
  tsu_worker_run (self->worker, func, job, (GDestroyNotify) g_strfreev, (GDestroyNotify) tsu_evaluation_free);
  show_error (self, NULL);
  self->loading_saved = loading_saved;
  set_busy (self, TRUE);
}

void
tsu_evaluation_view_evaluate (TsuEvaluationView *self)
{
  g_return_if_fail (TSU_IS_EVALUATION_VIEW (self));

  /* Evaluating supersedes reading a saved evaluation (TsuWorker runs the
   * newer job). */
  if (!self->run_dir || (self->busy && !self->loading_saved))
    return;

  start_job (self, evaluate, FALSE);
}

/* ------------------------------------------------------------ saved results */

static gpointer
load_saved (gpointer       input,
            GCancellable  *cancellable,
            GError       **error)
{
  const char * const *job = input; /* run directory, split */
  return tsu_evaluation_load_saved (job[0], job[1], error);
}

/* A run evaluated before shows that evaluation at once, without running
 * it again (the run directory keeps it: tsu_eval_save); Evaluate runs it
 * anew. FALSE when the run has none for the chosen split. */
static gboolean
show_saved (TsuEvaluationView *self)
{
  if (!self->run_dir || !tsu_eval_saved_exists (self->run_dir, chosen_split (self)))
    return FALSE;
  start_job (self, load_saved, TRUE);
  return TRUE;
}

/* ------------------------------------------------------------ public */

static void
select_run_in_chooser (TsuEvaluationView *self)
{
  for (guint i = 0; self->runs && i < self->runs->len; i++)
    if (tsu_run_dir_equal (((TsuRunInfo *) g_ptr_array_index (self->runs, i))->dir, self->run_dir))
      {
        self->filling_runs = TRUE;
        gtk_drop_down_set_selected (self->run_choice, i);
        self->filling_runs = FALSE;
        return;
      }
}

/* The chooser's entry of run_dir, or NULL. */
static const TsuRunInfo *
listed_run (TsuEvaluationView *self,
            const char        *run_dir)
{
  for (guint i = 0; self->runs && i < self->runs->len; i++)
    if (tsu_run_dir_equal (((TsuRunInfo *) g_ptr_array_index (self->runs, i))->dir, run_dir))
      return g_ptr_array_index (self->runs, i);
  return NULL;
}

/* "Run NAME · DIR.runs": the name a person gave the run, else its folder's. */
static void
update_run_label (TsuEvaluationView *self)
{
  if (!self->run_dir)
    {
      gtk_label_set_text (self->run_label, _("No run selected"));
      return;
    }
  g_autofree char *base = g_path_get_basename (self->run_dir);
  g_autofree char *parent = g_path_get_dirname (self->run_dir);
  g_autofree char *runs = g_path_get_basename (parent);
  const TsuRunInfo *info = listed_run (self, self->run_dir);
  g_autofree char *title = g_strdup_printf (_("Run %s  ·  %s"), info ? info->title : base, runs);
  gtk_label_set_text (self->run_label, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_label), self->run_dir);
}

void
tsu_evaluation_view_set_run_dir (TsuEvaluationView *self,
                                 const char        *run_dir,
                                 gboolean           evaluate)
{
  g_return_if_fail (TSU_IS_EVALUATION_VIEW (self));

  g_free (self->run_dir);
  self->run_dir = g_strdup (run_dir);
  update_run_label (self);
  select_run_in_chooser (self);
  set_busy (self, self->busy);
  if (evaluate)
    tsu_evaluation_view_evaluate (self);
  else
    show_saved (self);
}

static void
on_run_chosen (TsuEvaluationView *self)
{
  guint i = gtk_drop_down_get_selected (self->run_choice);

  if (self->filling_runs || !self->runs || i >= self->runs->len)
    return;
  tsu_evaluation_view_set_run_dir (self, ((TsuRunInfo *) g_ptr_array_index (self->runs, i))->dir, FALSE);
}


void
tsu_evaluation_view_set_project_path (TsuEvaluationView *self,
                                      const char        *project_path)
{
  g_autofree char *runs_dir = tsu_run_list_dir_for_project (project_path);
  g_autoptr(GPtrArray) runs = tsu_run_list_scan (runs_dir);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_return_if_fail (TSU_IS_EVALUATION_VIEW (self));

  for (guint i = 0; i < runs->len; i++)
    {
      TsuRunInfo *run = g_ptr_array_index (runs, i);
      if (run->has_weights)
        g_ptr_array_add (labels, run->label);
      else
        g_ptr_array_remove_index (runs, i--); /* nothing to evaluate */
    }
  g_ptr_array_add (labels, NULL);

  self->filling_runs = TRUE;
  gtk_string_list_splice (self->run_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->run_names)),
                          (const char * const *) labels->pdata);
  self->filling_runs = FALSE;
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = g_steal_pointer (&runs);
  gtk_widget_set_visible (GTK_WIDGET (self->run_choice), self->runs->len > 0);

  if (self->run_dir && listed_run (self, self->run_dir))
    {
      select_run_in_chooser (self);
      update_run_label (self); /* renamed, perhaps */
    }
  else if (self->runs->len > 0)
    {
      /* None shown yet, or the one shown was deleted: the newest. */
      self->filling_runs = TRUE;
      gtk_drop_down_set_selected (self->run_choice, 0);
      self->filling_runs = FALSE;
      tsu_evaluation_view_set_run_dir (self, ((TsuRunInfo *) g_ptr_array_index (self->runs, 0))->dir, FALSE);
    }
  else if (self->run_dir && !g_file_test (self->run_dir, G_FILE_TEST_IS_DIR))
    tsu_evaluation_view_set_run_dir (self, NULL, FALSE);
}

const char *
tsu_evaluation_view_get_run_dir (TsuEvaluationView *self)
{
  return self->run_dir;
}

void
tsu_evaluation_view_set_split (TsuEvaluationView *self,
                               const char        *split)
{
  gtk_drop_down_set_selected (self->split_choice, g_strcmp0 (split, "training") == 0 ? 1 : 0);
}

gboolean
tsu_evaluation_view_get_busy (TsuEvaluationView *self)
{
  return self->busy;
}

const TsuEvalOutputs *
tsu_evaluation_view_get_outputs (TsuEvaluationView *self)
{
  return self->evaluation ? self->evaluation->outputs : NULL;
}

const char *
tsu_evaluation_view_get_error (TsuEvaluationView *self)
{
  return self->error;
}

guint
tsu_evaluation_view_get_n_shown (TsuEvaluationView *self)
{
  return self->table_model.filtered
    ? g_list_model_get_n_items (G_LIST_MODEL (self->table_model.filtered)) : 0;
}

static gboolean
scroll_table_to_top (gpointer data)
{
  TsuEvaluationView *self = data;
  GtkWidget *scrolled = self->table
    ? gtk_widget_get_ancestor (GTK_WIDGET (self->table), GTK_TYPE_SCROLLED_WINDOW) : NULL;

  if (scrolled)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
  return G_SOURCE_REMOVE;
}

void
tsu_evaluation_view_set_mistakes_only (TsuEvaluationView *self,
                                       gboolean           mistakes_only)
{
  if (gtk_toggle_button_get_active (self->mistakes_toggle) != mistakes_only)
    {
      gtk_toggle_button_set_active (self->mistakes_toggle, mistakes_only);
      return; /* the toggled handler comes back here */
    }
  tsu_eval_table_set_mistakes_only (&self->table_model, mistakes_only);
  /* The most confident mistakes first: those are the interesting ones. */
  if (mistakes_only && self->table_model.confidence_column)
    gtk_column_view_sort_by_column (self->table, self->table_model.confidence_column,
                                    GTK_SORT_DESCENDING);
  update_rows_label (self);

  /* Start at the top of the new list, not where the old one was; after
   * the list view has laid the new rows out, or it restores its anchor. */
  g_idle_add_full (G_PRIORITY_LOW, scroll_table_to_top, g_object_ref (self), g_object_unref);
}

static void
on_mistakes_toggled (TsuEvaluationView *self)
{
  tsu_evaluation_view_set_mistakes_only (self, gtk_toggle_button_get_active (self->mistakes_toggle));
}

/* ------------------------------------------------------------ cell filter */

/* A confusion-matrix cell clicked: the table lists only its samples. */
static void
on_cell_selected (TsuEvaluationView *self,
                  int                label,
                  int                prediction)
{
  tsu_eval_table_set_cell (&self->table_model, label, prediction);
  gtk_widget_set_visible (self->show_all_button, label >= 0);
  update_rows_label (self);
  g_idle_add_full (G_PRIORITY_LOW, scroll_table_to_top, g_object_ref (self), g_object_unref);
}

static void
on_show_all_clicked (TsuEvaluationView *self)
{
  tsu_confusion_view_select (self->confusion, -1, -1);
}

const char *
tsu_evaluation_view_class_name (TsuEvaluationView *self,
                                int                cls,
                                char              *buf,
                                gsize              size)
{
  return tsu_eval_source_class_name (self->table_source, cls, buf, size);
}

TsuConfusionView *
tsu_evaluation_view_get_confusion (TsuEvaluationView *self)
{
  return self->confusion;
}

/* ------------------------------------------------------------ own pictures */

void
tsu_evaluation_view_predict_files (TsuEvaluationView  *self,
                                   const char * const *paths)
{
  g_return_if_fail (TSU_IS_EVALUATION_VIEW (self));

  if (!self->run_dir)
    {
      show_error (self, _("Choose a trained run first: its weights predict the pictures."));
      return;
    }
  tsu_predict_view_predict (self->predict_view, self->run_dir, paths);
}

TsuPredictView *
tsu_evaluation_view_get_predict_view (TsuEvaluationView *self)
{
  return self->predict_view;
}

static void
predict_gfiles (TsuEvaluationView *self,
                GListModel        *files)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      char *path = g_file_get_path (file);
      if (path)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);
  if (paths->len > 1)
    tsu_evaluation_view_predict_files (self, (const char * const *) paths->pdata);
}

static void
on_pictures_chosen (GtkNativeDialog   *chooser,
                    int                response,
                    TsuEvaluationView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GFile) first = g_list_model_get_item (files, 0);
      g_autoptr(GFile) folder = first ? g_file_get_parent (first) : NULL;
      char *path = folder ? g_file_get_path (folder) : NULL;

      if (path)
        {
          g_free (self->pictures_dir);
          self->pictures_dir = path;
        }
      predict_gfiles (self, files);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
predict_files_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       data)
{
  TsuEvaluationView *self = data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Pictures to predict"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Predict"), _("_Cancel"));
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Pictures (PNG, JPEG, BMP)"));
  for (const char * const *p = (const char *[]) { "*.png", "*.jpg", "*.jpeg", "*.bmp",
                                                  "*.PNG", "*.JPG", "*.JPEG", "*.BMP", NULL }; *p; p++)
    gtk_file_filter_add_pattern (filter, *p);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  /* The folder pictures came from last, else the project's (its runs
   * directory's parent: docs/architecture.md), not "Recent". */
  if (self->pictures_dir || self->run_dir)
    {
      g_autofree char *runs = self->run_dir ? g_path_get_dirname (self->run_dir) : NULL;
      g_autofree char *project = runs ? g_path_get_dirname (runs) : NULL;
      g_autoptr(GFile) start = g_file_new_for_path (self->pictures_dir ? self->pictures_dir : project);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), start, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_pictures_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
on_files_dropped (GtkDropTarget     *target,
                  const GValue      *value,
                  double             x,
                  double             y,
                  TsuEvaluationView *self)
{
  GdkFileList *list = g_value_get_boxed (value);
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GSList) dropped = list ? gdk_file_list_get_files (list) : NULL; /* the list is ours */

  for (GSList *l = dropped; l; l = l->next)
    g_list_store_append (files, l->data);
  predict_gfiles (self, G_LIST_MODEL (files));
  return g_list_model_get_n_items (G_LIST_MODEL (files)) > 0;
}

/* The predictions go under the run bar; picture files dropped anywhere on
 * the page are predicted. */
static void
setup_predictions (TsuEvaluationView *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  self->predict_view = TSU_PREDICT_VIEW (tsu_predict_view_new ());
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->message_revealer))),
                              GTK_WIDGET (self->predict_view), GTK_WIDGET (self->message_revealer));
  g_signal_connect (drop, "drop", G_CALLBACK (on_files_dropped), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

static void
run_activated (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  tsu_evaluation_view_evaluate (TSU_EVALUATION_VIEW (data));
}

/* ------------------------------------------------------------ GObject */

static void
tsu_evaluation_view_dispose (GObject *object)
{
  TsuEvaluationView *self = TSU_EVALUATION_VIEW (object);

  /* A running evaluation stops within one batch; its result is dropped. */
  if (self->worker)
    {
      g_signal_handlers_disconnect_by_data (self->worker, self);
      tsu_worker_cancel (self->worker);
    }
  g_clear_object (&self->worker);
  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_EVALUATION_VIEW);
  /* The template's root has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->table_model.filtered);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (tsu_evaluation_view_parent_class)->dispose (object);
}

static void
tsu_evaluation_view_finalize (GObject *object)
{
  TsuEvaluationView *self = TSU_EVALUATION_VIEW (object);

  g_free (self->pictures_dir);
  g_free (self->run_dir);
  g_free (self->error);
  g_clear_pointer (&self->table_source, tsu_eval_source_unref);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  tsu_evaluation_free (self->evaluation);
  G_OBJECT_CLASS (tsu_evaluation_view_parent_class)->finalize (object);
}

static void
tsu_evaluation_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TsuEvaluationView *self = TSU_EVALUATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tsu_evaluation_view_class_init (TsuEvaluationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_evaluation_view_dispose;
  object_class->finalize = tsu_evaluation_view_finalize;
  object_class->get_property = tsu_evaluation_view_get_property;

  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TSU_TYPE_CONFUSION_VIEW);
  g_type_ensure (TSU_TYPE_PLOT);
  tsu_training_ui_init ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tsumiki/Tsumiki/training/ui/evaluation-view.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, TsuEvaluationView, name)
  CHILD (run_label); CHILD (run_choice); CHILD (run_names); CHILD (split_choice); CHILD (spinner); CHILD (message_revealer);
  CHILD (message_label); CHILD (score_label); CHILD (details_label); CHILD (confusion_title);
  CHILD (confusion); CHILD (regression_plot); CHILD (metrics_title); CHILD (metrics_grid); CHILD (rows_label);
  CHILD (mistakes_toggle); CHILD (show_all_button); CHILD (table);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_mistakes_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_show_all_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_run_chosen);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static const GActionEntry action_entries[] = {
  { .name = "run", .activate = run_activated },
  { .name = "predict-files", .activate = predict_files_activated },
};

static void
tsu_evaluation_view_init (TsuEvaluationView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "evaluation", G_ACTION_GROUP (self->actions));
  tsu_eval_table_setup (self->table, NULL, NULL, &self->table_model);
  setup_predictions (self);
  self->worker = tsu_worker_new ("[tsumiki] evaluate");
  g_signal_connect_swapped (self->worker, "finished", G_CALLBACK (on_evaluated), self);
  g_signal_connect_swapped (self->confusion, "cell-selected", G_CALLBACK (on_cell_selected), self);
  set_busy (self, FALSE);
}

GtkWidget *
tsu_evaluation_view_new (void)
{
  return g_object_new (TSU_TYPE_EVALUATION_VIEW, NULL);
}
