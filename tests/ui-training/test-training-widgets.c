/* test-training-widgets.c — the Training, Evaluation and Data pages under a
 * display (Xvfb via run-with-display.sh): the plot's picking, zoom and
 * export; the confusion map's cells; a whole run from the Training page's
 * Run action to the curves and the run directory, Stop within a second,
 * configuration edits, evaluating the run, the data summary and its
 * problems. Every page is rendered to a PNG for a person to look at:
 * $TSU_SCREENSHOT_DIR, or tests/ui-training/screenshots in the build tree.
 *
 * With TSU_SEED_EXAMPLE=1 (suite 'slow') it also trains the Fashion-MNIST
 * seed example in the Training page and records the main-loop latency. */
#include <gtk/gtk.h>
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <math.h>
#include <string.h>

#include "training-fixtures.h"
#include "page-helpers.h"
#include "tsu-confusion-view.h"
#include "tsu-dataset-view.h"
#include "tsu-evaluation-view.h"
#include "tsu-layer-stats-view.h"
#include "tsu-mini-loss-view.h"
#include "tsu-plot.h"
#include "tsu-run-list.h"
#include "tsu-training-config.h"
#include "tsu-training-ui.h"
#include "tsu-training-view.h"

/* ------------------------------------------------------------ helpers */

/* More series than the current run's own four: an overlay is drawn. */
static gboolean
plot_has_overlay (gpointer plot)
{
  return tsu_plot_get_n_series (plot) > 4;
}

static gboolean
png_has_size (const char *path,
              int         width,
              int         height)
{
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, NULL);
  return texture && gdk_texture_get_width (texture) == width && gdk_texture_get_height (texture) == height;
}

/* ------------------------------------------------------------ plot */

static void
test_plot (void)
{
  GtkWidget *plot = tsu_plot_new ();
  GdkRGBA blue = { 0.2, 0.4, 0.9, 1 };
  double xs[] = { 0, 1, 2, 3, 4 }, ys[] = { 1.0, 0.5, 0.25, 0.2, 0.1 };
  guint series, index;

  tsu_plot_set_title (TSU_PLOT (plot), "Loss");
  tsu_plot_set_x_label (TSU_PLOT (plot), "epoch");
  tsu_plot_set_y_label (TSU_PLOT (plot), "loss");
  guint s = tsu_plot_add_series (TSU_PLOT (plot), "validation", &blue, TSU_PLOT_LINE_MARKERS, FALSE);
  tsu_plot_set_series_data (TSU_PLOT (plot), s, xs, ys, G_N_ELEMENTS (xs));
  g_assert_cmpuint (tsu_plot_get_n_points (TSU_PLOT (plot), s), ==, 5);

  GtkWindow *window = show_in_window (plot, 600, 320);
  g_assert_true (gtk_widget_get_width (plot) > 100);

  /* The frame is where the last draw put it: find the first point by
   * scanning for it, then check picking and the read-out. */
  gboolean found = FALSE;
  for (int x = 0; x < gtk_widget_get_width (plot) && !found; x += 2)
    for (int y = 0; y < gtk_widget_get_height (plot) && !found; y += 2)
      if (tsu_plot_pick (TSU_PLOT (plot), x, y, &series, &index) && index == 4)
        found = TRUE;
  g_assert_true (found);
  g_assert_cmpuint (series, ==, s);
  g_assert_false (tsu_plot_pick (TSU_PLOT (plot), 2, 2, &series, &index));
  tsu_plot_set_hover (TSU_PLOT (plot), gtk_widget_get_width (plot) - 20, gtk_widget_get_height (plot) - 50);

  tsu_plot_zoom_at (TSU_PLOT (plot), 300, 150, 2);
  g_assert_true (tsu_plot_is_zoomed (TSU_PLOT (plot)));
  tsu_plot_reset_zoom (TSU_PLOT (plot));
  g_assert_false (tsu_plot_is_zoomed (TSU_PLOT (plot)));

  tsu_plot_set_log_scale (TSU_PLOT (plot), TRUE);
  g_assert_true (tsu_plot_get_log_scale (TSU_PLOT (plot)));
  settle (100);
  save_screenshot (GTK_WIDGET (window), "plot-log.png");

  g_autofree char *png = screenshot_path ("plot-export.png");
  g_autofree char *svg = screenshot_path ("plot-export.svg");
  g_autoptr(GError) error = NULL;
  g_assert_true (tsu_plot_export_png (TSU_PLOT (plot), png, 800, 400, &error));
  g_assert_no_error (error);
  g_assert_true (png_has_size (png, 800, 400));
  g_assert_true (tsu_plot_export_svg (TSU_PLOT (plot), svg, 800, 400, &error));
  g_autofree char *svg_text = NULL;
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_assert_false (tsu_plot_export_png (TSU_PLOT (plot), "/nonexistent/dir/x.png", 10, 10, &error));
  g_assert_nonnull (error);

  gtk_window_destroy (window);
}

/* ------------------------------------------------------------ layer stats */

static void
test_layer_warnings (void)
{
  TsuLayerSample healthy = { .node = "fc1", .activation_std = 1, .weight_norm = 3, .gradient_norm = 0.1f };
  TsuLayerSample dead = { .node = "relu1", .zero_fraction = 0.97f };
  TsuLayerSample vanishing = { .node = "fc9", .weight_norm = 2, .gradient_norm = 1e-9f };
  TsuLayerSample exploding = { .node = "fc2", .weight_norm = 2, .gradient_norm = 5e4f };
  TsuLayerSample nan = { .node = "fc3", .activation_mean = NAN };

  g_assert_null (tsu_layer_stats_warning (&healthy));
  g_assert_cmpstr (tsu_layer_stats_warning (&dead), ==, "dead");
  g_assert_cmpstr (tsu_layer_stats_warning (&vanishing), ==, "vanishing");
  g_assert_cmpstr (tsu_layer_stats_warning (&exploding), ==, "exploding");
  g_assert_cmpstr (tsu_layer_stats_warning (&nan), ==, "exploding");
}

/* ------------------------------------------------------------ confusion */

static void
test_confusion_view (void)
{
  GtkWidget *view = tsu_confusion_view_new ();
  tsu_confusion cm;
  int label, prediction;
  const char *names[] = { "cat", "dog", "bird", NULL };

  tsu_confusion_init (&cm, 3);
  int pairs[][2] = { { 0, 0 }, { 0, 0 }, { 0, 1 }, { 1, 1 }, { 2, 2 }, { 2, 0 } };
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    tsu_confusion_add (&cm, pairs[i][0], pairs[i][1]);
  tsu_confusion_view_set_matrix (TSU_CONFUSION_VIEW (view), &cm, names);
  tsu_confusion_free (&cm);

  GtkWindow *window = show_in_window (view, 420, 360);
  /* Walk a diagonal line: every cell met maps back consistently. */
  int seen = 0;
  for (int p = 0; p < 420; p += 3)
    if (tsu_confusion_view_cell_at (TSU_CONFUSION_VIEW (view), p, p * 360.0 / 420, &label, &prediction))
      {
        g_assert_cmpint (label, >=, 0);
        g_assert_cmpint (label, <, 3);
        g_assert_cmpint (prediction, <, 3);
        seen++;
      }
  g_assert_cmpint (seen, >, 0);
  g_assert_false (tsu_confusion_view_cell_at (TSU_CONFUSION_VIEW (view), 1, 1, &label, &prediction));
  save_screenshot (GTK_WIDGET (window), "confusion.png");
  gtk_window_destroy (window);
}

/* ------------------------------------------------------------ training page */

typedef struct
{
  tsu_project *project;
  char        *dir;
  int          edits;        /* training settings written by the pages */
} Doc;

static const tsu_project *
doc_project (gpointer data)
{
  return ((Doc *) data)->project;
}

/* As the window does: the one setting edited goes into the document. */
static void
on_edited (TsuTrainingView        *view,
           int                     setting,
           const tsu_train_config *config,
           Doc                    *doc)
{
  tsu_project_set_training_setting (doc->project, config, setting);
  doc->edits++;
}

static Doc *
doc_new (int n_train,
         int epochs,
         int batch_size)
{
  Doc *doc = g_new0 (Doc, 1);
  tsu_diag diag;

  doc->dir = tsu_fixture_temp_dir ();
  g_autofree char *path = tsu_fixture_write_blobs (doc->dir, n_train, epochs, batch_size);
  tsu_diag_init (&diag);
  doc->project = tsu_project_load (path, &diag);
  g_assert_nonnull (doc->project);
  tsu_diag_free (&diag);
  return doc;
}

static void
doc_free (Doc *doc)
{
  tsu_project_free (doc->project);
  tsu_fixture_remove_tree (doc->dir);
  g_free (doc->dir);
  g_free (doc);
}

static void
test_training_page (void)
{
  Doc *doc = doc_new (1500, 6, 16);
  TsuTrainingView *view = TSU_TRAINING_VIEW (tsu_training_view_new ());
  TsuTrainingController *controller = tsu_training_view_get_controller (view);
  GActionGroup *actions = tsu_training_view_get_actions (view);

  tsu_training_view_set_project_func (view, doc_project, doc, NULL);
  g_signal_connect (view, "training-edited", G_CALLBACK (on_edited), doc);
  GtkWindow *window = show_in_window (GTK_WIDGET (view), 1280, 800);
  save_screenshot (GTK_WIDGET (window), "training-empty.png");

  g_assert_true (g_action_group_get_action_enabled (actions, "run"));
  g_assert_false (g_action_group_get_action_enabled (actions, "stop"));

  /* Run, as F5 does. */
  g_action_group_activate_action (actions, "run", NULL);
  g_assert_true (tsu_training_controller_is_running (controller));
  g_assert_false (g_action_group_get_action_enabled (actions, "run"));
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 120));
  settle (400);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_DONE);

  /* The curves have the run's points, the run directory and its row exist. */
  TsuPlot *loss = tsu_training_view_get_loss_plot (view);
  TsuPlot *accuracy = tsu_training_view_get_accuracy_plot (view);
  g_assert_cmpuint (tsu_plot_get_n_series (loss), ==, 4);
  g_assert_cmpuint (tsu_plot_get_n_points (loss, 0), ==, 6 * ((1500 + 15) / 16));
  g_assert_cmpuint (tsu_plot_get_n_points (loss, 3), ==, 6);
  g_assert_cmpuint (tsu_plot_get_n_points (accuracy, 1), ==, 6);
  const char *run_dir = tsu_training_history_get_run_dir (tsu_training_controller_get_history (controller));
  g_assert_true (g_file_test (run_dir, G_FILE_TEST_IS_DIR));
  g_test_message ("main-loop latency with the page drawing: p50 %.2f ms, p99 %.2f ms",
                  tsu_training_controller_get_latency_ms (controller, 0.5),
                  tsu_training_controller_get_latency_ms (controller, 0.99));
  save_screenshot (GTK_WIDGET (window), "training.png");
  tsu_training_view_show_sidebar (view, "layers");
  save_screenshot (GTK_WIDGET (window), "training-layers.png");
  tsu_training_view_show_sidebar (view, "config");

  /* The corner curve for the Edit view follows the same history. */
  {
    GtkWidget *overlay = gtk_overlay_new ();
    GtkWidget *canvas_stand_in = gtk_label_new ("(the canvas)");
    GtkWidget *mini = tsu_mini_loss_view_new ();
    tsu_mini_loss_view_set_history (TSU_MINI_LOSS_VIEW (mini), tsu_training_controller_get_history (controller));
    gtk_widget_set_halign (mini, GTK_ALIGN_END);
    gtk_widget_set_valign (mini, GTK_ALIGN_END);
    gtk_overlay_set_child (GTK_OVERLAY (overlay), canvas_stand_in);
    gtk_overlay_add_overlay (GTK_OVERLAY (overlay), mini);
    GtkWindow *edit = show_in_window (overlay, 700, 400);
    save_screenshot (GTK_WIDGET (edit), "edit-corner-loss.png");
    gtk_window_destroy (edit);
  }

  /* History export matches the trainer's history.csv. */
  g_autofree char *exported = screenshot_path ("history-export.csv");
  g_autofree char *original = g_build_filename (run_dir, "history.csv", NULL);
  g_assert_true (tsu_training_view_export (view, "history.csv", exported, NULL));
  g_autoptr(GArray) a = tsu_history_csv_load (exported, NULL);
  g_autoptr(GArray) b = tsu_history_csv_load (original, NULL);
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpfloat_with_epsilon (g_array_index (a, TsuEpochRecord, 5).validation_loss,
                                  g_array_index (b, TsuEpochRecord, 5).validation_loss, 1e-6);
  g_autofree char *png = screenshot_path ("loss-export.png");
  g_assert_true (tsu_training_view_export (view, "loss.png", png, NULL));
  g_assert_true (png_has_size (png, 1200, 700));

  /* A configuration edit goes to the owner as the new "training" object. */
  g_action_group_change_action_state (actions, "log-scale", g_variant_new_boolean (TRUE));
  g_assert_true (tsu_plot_get_log_scale (loss));
  GtkWidget *config = gtk_widget_get_first_child (GTK_WIDGET (view));
  (void) config;

  /* Second run, overlaying the first, stopped in the middle. */
  tsu_training_view_set_overlay (view, run_dir, TRUE);
  g_autofree char *first_run = g_strdup (run_dir);
  tsu_project_free (doc->project);
  /* Long enough never to end by itself: only Stop ends it. */
  g_autofree char *slow = tsu_fixture_write_blobs (doc->dir, 4000, 100000, 4);
  doc->project = tsu_project_load (slow, NULL);
  tsu_training_view_reload (view);
  tsu_training_view_set_overlay (view, first_run, TRUE);
  g_action_group_activate_action (actions, "run", NULL);
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_has_an_epoch, controller, 60));
  /* The overlay adds the earlier run's dimmed curves: read and drawn on the
   * main loop, which a loaded machine can hold up past a fixed wait. */
  tsu_fixture_wait_until (plot_has_overlay, loss, 30);
  g_assert_cmpuint (tsu_plot_get_n_series (loss), >, 4);
  save_screenshot (GTK_WIDGET (window), "training-running.png");

  gint64 start = g_get_monotonic_time ();
  g_action_group_activate_action (actions, "stop", NULL);
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 5));
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("Stop took %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, 1.0);
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_STOPPED);
  settle (200);
  save_screenshot (GTK_WIDGET (window), "training-stopped.png");

  gtk_window_destroy (window);
  doc_free (doc);
}

static gboolean
is_spin_with_value (GtkWidget     *w,
                    gconstpointer  value)
{
  return GTK_IS_SPIN_BUTTON (w) && gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (w)) == GPOINTER_TO_INT (value);
}

static void
test_config_edit (void)
{
  Doc *doc = doc_new (100, 3, 16);
  TsuTrainingView *view = TSU_TRAINING_VIEW (tsu_training_view_new ());

  tsu_training_view_set_project_func (view, doc_project, doc, NULL);
  g_signal_connect (view, "training-edited", G_CALLBACK (on_edited), doc);
  GtkWindow *window = show_in_window (GTK_WIDGET (view), 1000, 700);

  /* The Epochs spin button is the one showing the project's 3 epochs. */
  GtkWidget *epochs = find_widget (GTK_WIDGET (view), is_spin_with_value, GINT_TO_POINTER (3));
  g_assert_nonnull (epochs);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (epochs), 12);
  g_assert_cmpint (doc->edits, ==, 1);
  tsu_train_config c;
  g_assert_cmpint (tsu_project_get_training (doc->project, &c, NULL), ==, TSU_OK);
  g_assert_cmpint (c.epochs, ==, 12);
  g_assert_cmpint (c.batch_size, ==, 16);

  gtk_window_destroy (window);
  doc_free (doc);
}

static TsuTrainingConfig *
config_showing (const char *training_json,
                tsu_project **project)
{
  g_autofree char *text = g_strdup_printf ("{\"format\": \"tsumiki-project\", \"version\": 1, "
                                           "\"training\": %s}", training_json);
  TsuTrainingConfig *config = TSU_TRAINING_CONFIG (tsu_training_config_new ());

  *project = tsu_project_parse (text, strlen (text), "t.tsumiki", NULL);
  g_assert_nonnull (*project);
  g_object_ref_sink (config);
  tsu_training_config_load (config, *project);
  return config;
}

static void
on_config_edited (TsuTrainingConfig *config,
                  int                setting,
                  tsu_project       *project)
{
  tsu_train_config c;

  tsu_training_config_get (config, &c);
  tsu_project_set_training_setting (project, &c, setting);
}

/* Every field's range and choices are the settings table's; a value the
 * table allows is shown as it is (seeds beyond 2^31). */
static void
test_config_ranges_from_table (void)
{
  tsu_project *project = NULL;
  TsuTrainingConfig *config = config_showing ("{\"seed\": 3000000000, \"optimizer\": "
                                              "{\"type\": \"SGD\", \"learning_rate\": 0.25}}", &project);

  g_assert_null (tsu_training_config_get_problem (config));
  for (int s = 0; s < TSU_SETTING_COUNT; s++)
    {
      const tsu_setting_desc *d = tsu_train_setting_desc (s);
      GtkWidget *field = tsu_training_config_get_field (config, s);
      g_test_message ("%s", d->key);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (field), ==, d->help);
      if (d->type == TSU_SETTING_CHOICE)
        {
          GListModel *names = gtk_drop_down_get_model (GTK_DROP_DOWN (field));
          g_assert_cmpuint (g_list_model_get_n_items (names), ==, d->n_choices);
          continue;
        }
      double lower, upper;
      gtk_spin_button_get_range (GTK_SPIN_BUTTON (field), &lower, &upper);
      g_assert_cmpfloat (lower, ==, d->min);
      g_assert_cmpfloat (upper, ==, d->max);
    }
  GtkWidget *seed = tsu_training_config_get_field (config, TSU_SETTING_SEED);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (seed)), ==, 3000000000.0);
  GtkWidget *optimizer = tsu_training_config_get_field (config, TSU_SETTING_OPTIMIZER);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (optimizer)), ==, TSU_OPT_SGD);
  /* SGD has no momentum or betas to show. */
  g_assert_false (gtk_widget_get_visible (tsu_training_config_get_field (config, TSU_SETTING_MOMENTUM)));
  g_assert_false (gtk_widget_get_visible (tsu_training_config_get_field (config, TSU_SETTING_BETA1)));
  g_assert_true (gtk_widget_get_visible (tsu_training_config_get_field (config, TSU_SETTING_WEIGHT_DECAY)));

  /* Loading then editing nothing writes nothing: the text stays. */
  char *before = tsu_project_to_string (project);
  tsu_train_config c;
  tsu_training_config_get (config, &c);
  tsu_project_set_training (project, &c);
  char *after = tsu_project_to_string (project);
  g_assert_cmpstr (before, ==, after);
  free (before);
  free (after);
  g_object_unref (config);
  tsu_project_free (project);
}

/* A value out of range in the file is reported, and an edit of another
 * field does not replace it with the spin button's clamped value. */
static void
test_config_out_of_range_is_reported (void)
{
  tsu_project *project = NULL;
  TsuTrainingConfig *config = config_showing ("{\"epochs\": 0, \"batch_size\": 16}", &project);
  GtkWidget *epochs = tsu_training_config_get_field (config, TSU_SETTING_EPOCHS);
  GtkWidget *batch = tsu_training_config_get_field (config, TSU_SETTING_BATCH_SIZE);

  g_assert_cmpstr (tsu_training_config_get_problem (config), ==,
                   "training.epochs: expected an integer from 1 to 100000, got 0");
  g_assert_true (gtk_widget_has_css_class (epochs, "error"));
  g_assert_false (gtk_widget_has_css_class (batch, "error"));

  g_signal_connect (config, "edited", G_CALLBACK (on_config_edited), project);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (batch), 32);
  char *text = tsu_project_to_string (project);
  g_assert_nonnull (strstr (text, "\"epochs\": 0,\n    \"batch_size\": 32\n"));
  free (text);
  tsu_training_config_load (config, project);
  g_assert_nonnull (tsu_training_config_get_problem (config));

  /* Fixing it is an edit of that field. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (epochs), 4);
  tsu_training_config_load (config, project);
  g_assert_null (tsu_training_config_get_problem (config));
  g_assert_false (gtk_widget_has_css_class (epochs, "error"));
  tsu_train_config c;
  g_assert_cmpint (tsu_project_get_training (project, &c, NULL), ==, TSU_OK);
  g_assert_cmpint (c.epochs, ==, 4);
  g_assert_cmpint (c.batch_size, ==, 32);
  g_object_unref (config);
  tsu_project_free (project);
}

/* ------------------------------------------------------------ evaluation */

static void
test_evaluation_page (void)
{
  Doc *doc = doc_new (1000, 4, 16);
  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();

  g_assert_true (tsu_training_controller_run (controller, doc->project, NULL, NULL));
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 60));
  const char *run_dir = tsu_training_history_get_run_dir (tsu_training_controller_get_history (controller));

  TsuEvaluationView *view = TSU_EVALUATION_VIEW (tsu_evaluation_view_new ());
  GtkWindow *window = show_in_window (GTK_WIDGET (view), 1280, 800);
  /* The run chooser lists the project's runs and picks the newest. */
  tsu_evaluation_view_set_project_path (view, tsu_project_path (doc->project));
  g_assert_cmpstr (tsu_evaluation_view_get_run_dir (view), ==, run_dir);
  tsu_evaluation_view_set_run_dir (view, run_dir, TRUE);
  g_assert_true (tsu_evaluation_view_get_busy (view));
  g_assert_true (tsu_fixture_wait_until (not_busy_eval, view, 60));
  g_assert_null (tsu_evaluation_view_get_error (view));

  const TsuEvalOutputs *outputs = tsu_evaluation_view_get_outputs (view);
  g_assert_nonnull (outputs);
  g_assert_true (outputs->classification);
  g_assert_cmpuint (outputs->rows->len, ==, 250); /* the validation blobs */
  g_assert_cmpuint (tsu_evaluation_view_get_n_shown (view), ==, 250);
  guint mistakes = 0;
  for (guint i = 0; i < outputs->rows->len; i++)
    {
      const TsuEvalRow *row = &g_array_index (outputs->rows, TsuEvalRow, i);
      mistakes += row->label != row->prediction;
    }
  save_screenshot (GTK_WIDGET (window), "evaluation.png");
  tsu_evaluation_view_set_mistakes_only (view, TRUE);
  g_assert_cmpuint (tsu_evaluation_view_get_n_shown (view), ==, mistakes);
  tsu_evaluation_view_set_mistakes_only (view, FALSE);
  g_assert_cmpuint (tsu_evaluation_view_get_n_shown (view), ==, 250);

  /* A run directory without weights fails with a message, not silently. */
  tsu_evaluation_view_set_run_dir (view, doc->dir, TRUE);
  g_assert_true (tsu_fixture_wait_until (not_busy_eval, view, 30));
  g_assert_nonnull (tsu_evaluation_view_get_error (view));
  g_test_message ("%s", tsu_evaluation_view_get_error (view));

  gtk_window_destroy (window);
  doc_free (doc);
}

/* ------------------------------------------------------------ data */

static gboolean
is_source_choice (GtkWidget     *w,
                  gconstpointer  key)
{
  return GTK_IS_DROP_DOWN (w) && g_strcmp0 (g_object_get_data (G_OBJECT (w), "split-key"), key) == 0
         && g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (w))) == 5;
}

static void
on_dataset_edited (TsuDatasetView             *view,
                   const tsu_dataset_settings *data,
                   tsu_project                *project)
{
  tsu_project_set_dataset (project, data);
}

static void
test_dataset_page (void)
{
  Doc *doc = doc_new (300, 1, 16);
  TsuDatasetView *view = TSU_DATASET_VIEW (tsu_dataset_view_new ());
  GtkWindow *window = show_in_window (GTK_WIDGET (view), 1200, 760);

  tsu_dataset_view_set_project (view, doc->project);
  g_assert_true (tsu_fixture_wait_until (not_busy_data, view, 30));
  const TsuDatasetReport *report = tsu_dataset_view_get_report (view);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->problems->len, ==, 0);
  save_screenshot (GTK_WIDGET (window), "data.png");

  /* Problems are listed before training. */
  struct json_object *nodes = tsu_project_nodes (doc->project);
  struct json_object *params = json_object_object_get (json_object_array_get_idx (nodes, 0), "params");
  struct json_object *shape = json_object_new_array ();
  json_object_array_add (shape, json_object_new_int (3));
  json_object_object_add (params, "shape", shape);
  tsu_dataset_view_set_project (view, doc->project);
  g_assert_true (tsu_fixture_wait_until (not_busy_data, view, 30));
  report = tsu_dataset_view_get_report (view);
  g_assert_cmpuint (report->problems->len, ==, 2); /* training and validation */
  save_screenshot (GTK_WIDGET (window), "data-problems.png");

  /* Picking a built-in source for the validation data goes to the owner. */
  g_signal_connect (view, "dataset-edited", G_CALLBACK (on_dataset_edited), doc->project);
  GtkWidget *source = find_widget (GTK_WIDGET (view), is_source_choice, "validation");
  g_assert_nonnull (source);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (source)), ==, 4); /* CSV */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (source), 1);
  tsu_dataset_settings data;
  g_assert_cmpint (tsu_project_get_dataset (doc->project, &data, NULL), ==, TSU_OK);
  g_assert_cmpstr (data.validation.source, ==, "fashion-mnist");
  g_assert_cmpstr (data.validation.split, ==, "test");
  g_assert_null (data.validation.path);
  g_assert_cmpstr (data.training.source, ==, "csv");
  tsu_dataset_settings_clear (&data);

  gtk_window_destroy (window);
  doc_free (doc);
}

/* ------------------------------------------------------------ seed example */

static void
test_seed_example_latency (void)
{
  const char *source = g_getenv ("TSU_SOURCE_DIR");
  g_autofree char *example = g_build_filename (source ? source : ".", "resources", "examples",
                                               "fashion-mnist-cnn.tsumiki", NULL);
  g_autofree char *dir = tsu_fixture_temp_dir ();
  g_autofree char *copy = g_build_filename (dir, "seed.tsumiki", NULL);
  g_autofree char *text = NULL;

  if (!g_getenv ("TSU_SEED_EXAMPLE") || !g_file_test ("/usr/share/datasets/fashion-mnist", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("set TSU_SEED_EXAMPLE=1 with Fashion-MNIST installed (suite slow)");
      return;
    }
  g_assert_true (g_file_get_contents (example, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  Doc doc = { .project = tsu_project_load (copy, NULL) };
  g_assert_nonnull (doc.project);

  TsuTrainingView *view = TSU_TRAINING_VIEW (tsu_training_view_new ());
  tsu_training_view_set_project_func (view, doc_project, &doc, NULL);
  tsu_training_view_set_run_options (view, &(tsu_train_options) { .epochs = 1, .limit = 6000 });
  GtkWindow *window = show_in_window (GTK_WIDGET (view), 1280, 800);
  TsuTrainingController *controller = tsu_training_view_get_controller (view);

  gint64 start = g_get_monotonic_time ();
  g_action_group_activate_action (tsu_training_view_get_actions (view), "run", NULL);
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 600));
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpint (tsu_training_controller_get_state (controller), ==, TSU_TRAINING_DONE);
  double p50 = tsu_training_controller_get_latency_ms (controller, 0.5);
  double p99 = tsu_training_controller_get_latency_ms (controller, 0.99);
  double max = tsu_training_controller_get_latency_ms (controller, 1.0);
  g_test_message ("seed example, 6000 images, 1 epoch in the Training page: %.1f s, %u events in "
                  "%u wakeups, main-loop latency p50 %.2f ms, p99 %.2f ms, max %.2f ms", seconds,
                  tsu_training_controller_get_events_received (controller),
                  tsu_training_controller_get_wakeups (controller), p50, p99, max);
  g_assert_cmpfloat (p99, <, 50);
  save_screenshot (GTK_WIDGET (window), "training-seed.png");

  gtk_window_destroy (window);
  tsu_project_free (doc.project);
  tsu_fixture_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_training_ui_init ();

  g_test_add_func ("/training-ui/plot", test_plot);
  g_test_add_func ("/training-ui/confusion", test_confusion_view);
  g_test_add_func ("/training-ui/layer-warnings", test_layer_warnings);
  g_test_add_func ("/training-ui/training-page", test_training_page);
  g_test_add_func ("/training-ui/config-edit", test_config_edit);
  g_test_add_func ("/training-ui/config-ranges-from-table", test_config_ranges_from_table);
  g_test_add_func ("/training-ui/config-out-of-range-is-reported", test_config_out_of_range_is_reported);
  g_test_add_func ("/training-ui/evaluation-page", test_evaluation_page);
  g_test_add_func ("/training-ui/dataset-page", test_dataset_page);
  g_test_add_func ("/training-ui/seed-example-latency", test_seed_example_latency);
  return g_test_run ();
}
