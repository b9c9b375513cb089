/* test-own-pictures.c — pictures of one's own in the pages, under a display:
 * the Data page's "Create dataset from folder…" dialog on a generated
 * folder (preview as written, CSVs, the project's dataset section, the
 * Input shape offer, a cancel that leaves no folder), a new project's
 * histogram and class names before the network has a loss, the Evaluation
 * page's predictions for the example's new pictures, and the confusion
 * cell filter. Screenshots as test-training-widgets.c takes them. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "training-fixtures.h"
#include "page-helpers.h"
#include "tsu-confusion-view.h"
#include "tsu-dataset-view.h"
#include "tsu-evaluation-view.h"
#include "tsu-folder-dataset-dialog.h"
#include "tsu-predict-view.h"
#include "tsu-training-ui.h"

/* ------------------------------------------------------------ helpers */

static gboolean
button_labelled (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
dialog_idle (gpointer dialog)
{
  return !tsu_folder_dataset_dialog_get_busy (dialog);
}

static gboolean
predict_idle (gpointer view)
{
  return !tsu_predict_view_get_busy (view);
}

/* A w x h RGB picture of one colour with a lighter square in it: classes
 * differ by colour, pictures of a class by where the square is. */
static void
write_picture (const char *path,
               int         w,
               int         h,
               const guint8 rgb[3],
               int         at)
{
  tsu_image img = { .channels = 3, .height = h, .width = w, .pixels = g_malloc ((gsize) 3 * w * h) };
  tsu_diag diag;

  for (int c = 0; c < 3; c++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          gboolean square = x >= at && x < at + w / 4 && y >= at && y < at + h / 4;
          img.pixels[((gsize) c * h + y) * w + x] = square ? 255 : rgb[c];
        }
  tsu_diag_init (&diag);
  g_assert_cmpint (tsu_image_write_png (path, &img, &diag), ==, TSU_OK);
  tsu_diag_free (&diag);
  tsu_image_free (&img);
}

/* root/pics/cat (n_cat pictures), root/pics/dog (n_dog) and a broken file. */
static char *
write_pictures (const char *root,
                int         n_cat,
                int         n_dog)
{
  static const guint8 colours[2][3] = { { 200, 80, 40 }, { 40, 90, 200 } };
  const char *classes[2] = { "cat", "dog" };
  int counts[2] = { n_cat, n_dog };
  char *pics = g_build_filename (root, "pics", NULL);

  for (int c = 0; c < 2; c++)
    {
      g_autofree char *dir = g_build_filename (pics, classes[c], NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      for (int i = 0; i < counts[c]; i++)
        {
          g_autofree char *name = g_strdup_printf ("%s%02d.png", classes[c], i);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          write_picture (path, 48, 40, colours[c], i % 20);
        }
    }
  g_autofree char *broken = g_build_filename (pics, "dog", "broken.jpg", NULL);
  g_assert_true (g_file_set_contents (broken, "not a picture", -1, NULL));
  return pics;
}

/* A saved project with an Input of shape [1, 28, 28] and no other node. */
static tsu_project *
input_only_project (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "mine.tsumiki", NULL);
  tsu_project *project = tsu_project_new ("Mine");
  tsu_value shape = { .n = 3, .ints = { 1, 28, 28 } };
  tsu_diag diag;

  tsu_diag_init (&diag);
  g_assert_cmpint (tsu_project_add_node (project, "x", "Input", &diag), ==, TSU_OK);
  g_assert_cmpint (tsu_project_set_node_param (project, "x", "shape", &shape, &diag), ==, TSU_OK);
  g_assert_cmpint (tsu_project_save (project, path, &diag), ==, TSU_OK);
  tsu_project_free (project);
  project = tsu_project_load (path, &diag);
  g_assert_nonnull (project);
  tsu_diag_free (&diag);
  return project;
}

/* As the window does (tsu-window-training.c): edits go into the document,
 * and the page is given it again. */
typedef struct
{
  tsu_project    *project;
  TsuDatasetView *view;
  int             dataset_edits, shape_edits;
} Owner;

static void
on_dataset_edited (TsuDatasetView             *view,
                   const tsu_dataset_settings *data,
                   Owner                      *owner)
{
  tsu_project_set_dataset (owner->project, data);
  owner->dataset_edits++;
  tsu_dataset_view_set_project (view, owner->project);
}

static void
on_shape_edited (TsuDatasetView  *view,
                 const char      *node_id,
                 const tsu_value *shape,
                 Owner           *owner)
{
  tsu_diag diag;

  tsu_diag_init (&diag);
  g_assert_cmpint (tsu_project_set_node_param (owner->project, node_id, "shape", shape, &diag), ==, TSU_OK);
  tsu_diag_free (&diag);
  owner->shape_edits++;
}

static void
input_shape (const tsu_project *project,
             tsu_value         *out)
{
  const tsu_param_desc *desc = tsu_layer_kind_param_find (tsu_layer_kind_find ("Input"), "shape");
  tsu_project_node_param (project, tsu_project_node_find (project, "x"), desc, out);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Names in dir, one per line, sorted. */
static char *
listing (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (const char *n; d && (n = g_dir_read_name (d));)
    g_ptr_array_add (names, g_strdup (n));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **) names->pdata);
}

/* ------------------------------------------------------------ the dialog */

static void
test_folder_dialog (void)
{
  g_autofree char *root = tsu_fixture_temp_dir ();
  g_autofree char *pics = write_pictures (root, 5, 4);
  Owner owner = { .project = input_only_project (root) };
  TsuDatasetView *view = TSU_DATASET_VIEW (tsu_dataset_view_new ());
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  tsu_diag diag;

  owner.view = view;
  gtk_window_set_default_size (window, 1200, 760);
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  g_signal_connect (view, "dataset-edited", G_CALLBACK (on_dataset_edited), &owner);
  g_signal_connect (view, "input-shape-edited", G_CALLBACK (on_shape_edited), &owner);
  tsu_dataset_view_set_project (view, owner.project);
  g_assert_true (tsu_fixture_wait_until (not_busy_data, view, 60));

  /* The dialog proposes a folder beside the project, and previews. */
  TsuFolderDatasetDialog *dialog = TSU_FOLDER_DATASET_DIALOG (tsu_dataset_view_open_folder_dialog (view));
  g_object_ref (dialog);
  tsu_folder_dataset_dialog_set_folder (dialog, pics);
  g_assert_true (tsu_fixture_wait_until (dialog_idle, dialog, 60));
  const TsuFolderPreview *preview = tsu_folder_dataset_dialog_get_preview (dialog);
  g_assert_nonnull (preview);
  g_assert_cmpint (preview->scan.n_classes, ==, 2);
  g_assert_cmpstr (preview->scan.classes[1].name, ==, "dog");
  g_assert_cmpint (preview->readable[0], ==, 5);
  g_assert_cmpint (preview->readable[1], ==, 4);
  g_assert_cmpuint (preview->skipped->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (preview->skipped, 0), "broken.jpg: not a PNG, JPEG or BMP file"));
  g_assert_cmpuint (preview->samples[0]->len, ==, 5);
  const tsu_image *first = g_ptr_array_index (preview->samples[0], 0);
  g_assert_cmpint (first->width, ==, 32);
  g_assert_cmpint (first->height, ==, 32);
  g_assert_cmpint (first->channels, ==, 3);
  g_assert_nonnull (strstr (tsu_folder_dataset_dialog_get_status (dialog), "2 classes, 9 pictures"));
  save_screenshot (GTK_WIDGET (dialog), "folder-dataset-dialog.png");

  /* Written in the background; the preview is what was written. */
  guint8 *previewed = g_memdup2 (first->pixels, 3 * 32 * 32);
  tsu_folder_dataset_dialog_create (dialog);
  g_assert_true (tsu_folder_dataset_dialog_get_busy (dialog));
  g_assert_true (tsu_fixture_wait_until (dialog_idle, dialog, 60));
  g_test_message ("%s", tsu_folder_dataset_dialog_get_status (dialog));
  g_assert_nonnull (strstr (tsu_folder_dataset_dialog_get_status (dialog),
                            "Wrote 7 training and 2 validation samples")); /* round(0.2 x 5), round(0.2 x 4) */
  /* Written: Create is spent, the dialog's other button says Done. */
  g_assert_false (gtk_widget_get_sensitive (find_widget (GTK_WIDGET (dialog), button_labelled, "C_reate")));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), button_labelled, "_Done"));
  g_assert_null (find_widget (GTK_WIDGET (dialog), button_labelled, "_Close"));
  g_autofree char *out = g_build_filename (root, "pics-dataset", NULL);
  g_autofree char *png = g_build_filename (out, "images", "cat", "cat00.png", NULL);
  tsu_image written;
  tsu_diag_init (&diag);
  g_assert_cmpint (tsu_image_load (png, &written, &diag), ==, TSU_OK);
  g_assert_cmpmem (written.pixels, 3 * 32 * 32, previewed, 3 * 32 * 32);
  tsu_image_free (&written);
  g_free (previewed);
  for (const char * const *f = (const char *[]) { "training.csv", "validation.csv", "dataset.json", NULL }; *f; f++)
    {
      g_autofree char *path = g_build_filename (out, *f, NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }

  /* The project's dataset section names the CSVs, relative to it. */
  g_assert_cmpint (owner.dataset_edits, ==, 1);
  tsu_dataset_settings data;
  g_assert_cmpint (tsu_project_get_dataset (owner.project, &data, &diag), ==, TSU_OK);
  g_assert_cmpstr (data.training.source, ==, "csv");
  g_assert_cmpstr (data.training.path, ==, "pics-dataset/training.csv");
  g_assert_cmpstr (data.validation.path, ==, "pics-dataset/validation.csv");
  tsu_dataset_settings_clear (&data);

  /* The Input offer: [3, 32, 32] for [1, 28, 28], applied with one click. */
  g_assert_cmpstr (tsu_dataset_view_get_input_offer (view), ==, "x");
  g_assert_true (tsu_fixture_wait_until (not_busy_data, view, 60));
  const TsuDatasetReport *report = tsu_dataset_view_get_report (view);
  g_assert_cmpuint (report->problems->len, >, 0); /* the Input takes another shape */
  save_screenshot (GTK_WIDGET (window), "data-own-pictures-offer.png");
  /* Another dataset edit keeps the offer; the click applies it. */
  tsu_dataset_view_set_project (view, owner.project);
  g_assert_cmpstr (tsu_dataset_view_get_input_offer (view), ==, "x");
  tsu_dataset_view_apply_input_offer (view);
  g_assert_cmpint (owner.shape_edits, ==, 1);
  g_assert_null (tsu_dataset_view_get_input_offer (view));
  tsu_value shape;
  input_shape (owner.project, &shape);
  g_assert_cmpint (shape.n, ==, 3);
  g_assert_cmpint (shape.ints[0], ==, 3);
  g_assert_cmpint (shape.ints[1], ==, 32);
  g_assert_cmpint (shape.ints[2], ==, 32);
  tsu_dataset_view_set_project (view, owner.project);
  g_assert_true (tsu_fixture_wait_until (not_busy_data, view, 60));
  report = tsu_dataset_view_get_report (view);
  for (guint i = 0; i < report->problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (report->problems, i));
  g_assert_cmpuint (report->problems->len, ==, 0);
  /* The class names came with the data. */
  g_assert_nonnull (report->splits[0].class_names);
  g_assert_cmpstr (report->splits[0].class_names[1], ==, "dog");
  save_screenshot (GTK_WIDGET (window), "data-own-pictures.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);

  /* Cancelled at once into a new folder: no folder, nothing beside it. */
  g_autofree char *before = listing (root);
  dialog = TSU_FOLDER_DATASET_DIALOG (tsu_dataset_view_open_folder_dialog (view));
  g_object_ref (dialog);
  g_autofree char *cancelled = g_build_filename (root, "cancelled", NULL);
  tsu_folder_dataset_dialog_set_out_dir (dialog, cancelled);
  /* A folder without class folders: the engine's message, nothing to create. */
  g_autofree char *flat = g_build_filename (pics, "cat", NULL);
  tsu_folder_dataset_dialog_set_folder (dialog, flat);
  g_assert_true (tsu_fixture_wait_until (dialog_idle, dialog, 60));
  g_assert_null (tsu_folder_dataset_dialog_get_preview (dialog));
  g_assert_nonnull (strstr (tsu_folder_dataset_dialog_get_status (dialog), "cat: no class folders"));
  tsu_folder_dataset_dialog_set_folder (dialog, pics);
  g_assert_true (tsu_fixture_wait_until (dialog_idle, dialog, 60));
  tsu_folder_dataset_dialog_create (dialog);
  tsu_folder_dataset_dialog_cancel (dialog);
  g_assert_true (tsu_fixture_wait_until (dialog_idle, dialog, 60));
  g_assert_cmpstr (tsu_folder_dataset_dialog_get_status (dialog), ==, "Cancelled: the output folder is as it was");
  g_assert_false (g_file_test (cancelled, G_FILE_TEST_EXISTS));
  g_autofree char *after = listing (root);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (owner.dataset_edits, ==, 1); /* the project is untouched */
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);

  tsu_diag_free (&diag);
  gtk_window_destroy (window);
  tsu_project_free (owner.project);
  tsu_fixture_remove_tree (root);
}

/* ------------------------------------------------------------ a new project */

/* A network still being drawn (no loss node yet) still has the data's
 * labels: the histogram and the class names show at once. */
static void
test_histogram_without_loss (void)
{
  g_autofree char *root = tsu_fixture_temp_dir ();
  g_autofree char *pics = write_pictures (root, 3, 2);
  g_autofree char *out = g_build_filename (root, "data", NULL);
  tsu_folder_options options = { .folder = pics, .out_dir = out, .prep = { .width = 8, .height = 8 } };
  tsu_folder_report written;
  tsu_diag diag;

  tsu_diag_init (&diag);
  g_assert_cmpint (tsu_folder_dataset_create (&options, &written, &diag), ==, TSU_OK);
  tsu_folder_report_clear (&written);
  tsu_project *project = input_only_project (root);
  tsu_dataset_settings data;
  tsu_folder_dataset_settings (root, out, FALSE, &data);
  tsu_project_set_dataset (project, &data);
  tsu_dataset_settings_clear (&data);

  g_autoptr(TsuDatasetReport) report = tsu_dataset_report_build (project);
  const TsuDatasetSplit *split = &report->splits[0];
  g_assert_nonnull (split->dataset);
  g_assert_cmpint (split->label_var, >=, 0);
  g_assert_cmpuint (split->label_counts->len, ==, 2);
  g_assert_cmpint (g_array_index (split->label_counts, gint64, 0), ==, 3);
  g_assert_cmpint (g_array_index (split->label_counts, gint64, 1), ==, 2);
  g_assert_cmpstr (split->class_names[0], ==, "cat");

  /* The same for a new project's Fashion-MNIST, when it is installed. */
  tsu_project *fresh = tsu_project_new ("Untitled");
  g_autoptr(TsuDatasetReport) fashion = tsu_dataset_report_build (fresh);
  if (fashion->splits[1].dataset)
    {
      g_assert_cmpuint (fashion->splits[1].label_counts->len, ==, 10);
      g_assert_cmpint (g_array_index (fashion->splits[1].label_counts, gint64, 4), ==, 1000);
      g_assert_cmpstr (fashion->splits[1].class_names[4], ==, "Coat");
    }
  else
    g_test_message ("Fashion-MNIST is not installed: only the CSV case ran");
  tsu_project_free (fresh);
  tsu_project_free (project);
  tsu_diag_free (&diag);
  tsu_fixture_remove_tree (root);
}

/* ------------------------------------------------------------ predictions */

/* The example's pictures made into an 8x8 dataset in dir, and a small
 * classifier trained on it for a few epochs; returns the run directory. */
static char *
train_on_example (const char   *dir,
                  tsu_project **project_out)
{
  g_autofree char *pictures = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "resources", "examples",
                                                "own-pictures", "pictures", NULL);
  g_autofree char *out = g_build_filename (dir, "data", NULL);
  tsu_folder_options options = { .folder = pictures, .out_dir = out, .validation = 0.25, .seed = 1,
                                 .prep = { .width = 8, .height = 8, .fit = TSU_FIT_CROP } };
  tsu_folder_report written;
  tsu_diag diag;

  tsu_diag_init (&diag);
  g_assert_cmpint (tsu_folder_dataset_create (&options, &written, &diag), ==, TSU_OK);
  tsu_folder_report_clear (&written);
  g_autofree char *path = g_build_filename (dir, "shapes.tsumiki", NULL);
  g_assert_true (g_file_set_contents (path,
    "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"shapes\",\n"
    " \"network\": {\"nodes\": [\n"
    "  {\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3, 8, 8]}},\n"
    "  {\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 32}},\n"
    "  {\"id\": \"relu\", \"type\": \"ReLU\", \"inputs\": [\"fc1\"]},\n"
    "  {\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"relu\"], \"params\": {\"outmaps\": 3}},\n"
    "  {\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},\n"
    "  {\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}]},\n"
    " \"dataset\": {\"training\": {\"source\": \"csv\", \"path\": \"data/training.csv\"},\n"
    "             \"validation\": {\"source\": \"csv\", \"path\": \"data/validation.csv\"}},\n"
    " \"training\": {\"epochs\": 15, \"batch_size\": 8, \"seed\": 1,\n"
    "              \"optimizer\": {\"type\": \"Adam\", \"learning_rate\": 0.01}}}\n", -1, NULL));
  tsu_project *project = tsu_project_load (path, &diag);
  g_assert_nonnull (project);
  tsu_diag_free (&diag);

  g_autoptr(TsuTrainingController) controller = tsu_training_controller_new ();
  g_assert_true (tsu_training_controller_run (controller, project, NULL, NULL));
  g_assert_true (tsu_fixture_wait_until (tsu_fixture_not_running, controller, 120));
  *project_out = project;
  return g_strdup (tsu_training_history_get_run_dir (tsu_training_controller_get_history (controller)));
}

/* The rows the table should show for a (label, prediction) cell. */
static guint
rows_in_cell (const TsuEvalOutputs *outputs,
              int                   label,
              int                   prediction)
{
  guint n = 0;

  for (guint i = 0; i < outputs->rows->len; i++)
    {
      const TsuEvalRow *row = &g_array_index (outputs->rows, TsuEvalRow, i);
      n += row->label == label && row->prediction == prediction;
    }
  return n;
}

/* A point inside cell (label, prediction), found by asking the view. */
static gboolean
point_in_cell (TsuConfusionView *view,
               int               label,
               int               prediction,
               double           *px,
               double           *py)
{
  int width = gtk_widget_get_width (GTK_WIDGET (view)), height = gtk_widget_get_height (GTK_WIDGET (view));

  for (int y = 0; y < height; y += 2)
    for (int x = 0; x < width; x += 2)
      {
        int r, c;
        if (tsu_confusion_view_cell_at (view, x, y, &r, &c) && r == label && c == prediction)
          {
            *px = x + 6; /* inside, off the border */
            *py = y + 6;
            return TRUE;
          }
      }
  return FALSE;
}

static void
test_predict_and_filter (void)
{
  g_autofree char *root = tsu_fixture_temp_dir ();
  tsu_project *project = NULL;
  g_autofree char *run_dir = train_on_example (root, &project);
  g_autofree char *new_dir = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "resources", "examples",
                                               "own-pictures", "new", NULL);
  g_autofree char *broken = g_build_filename (root, "broken.jpg", NULL);
  g_assert_true (g_file_set_contents (broken, "\xff\xd8\xff", 3, NULL)); /* a JPEG that ends at once */

  TsuEvaluationView *view = TSU_EVALUATION_VIEW (tsu_evaluation_view_new ());
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1500, 950);
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  tsu_evaluation_view_set_project_path (view, tsu_project_path (project));
  tsu_evaluation_view_set_run_dir (view, run_dir, TRUE);
  g_assert_true (tsu_fixture_wait_until (not_busy_eval, view, 60));
  g_assert_null (tsu_evaluation_view_get_error (view));

  /* The folder of new pictures (searched as predict searches) and a
   * broken file: classes for the six, a message naming the seventh. */
  const char *paths[] = { new_dir, broken, NULL };
  TsuPredictView *predict = tsu_evaluation_view_get_predict_view (view);
  tsu_evaluation_view_predict_files (view, paths);
  g_assert_true (tsu_predict_view_get_busy (predict));
  g_assert_true (tsu_fixture_wait_until (predict_idle, predict, 60));
  const TsuPredictions *r = tsu_predict_view_get_predictions (predict);
  g_assert_null (tsu_predict_view_get_error (predict));
  g_assert_nonnull (r);
  g_assert_cmpuint (r->items->len, ==, 7);
  g_assert_nonnull (r->class_names);
  g_assert_cmpstr (r->class_names[2], ==, "triangle");

  /* The same numbers as `tsumiki-cli predict` (tsu_predict_images). */
  g_autofree char *run_project_path = tsu_run_path (run_dir, TSU_RUN_PROJECT);
  g_autofree char *weights = tsu_run_path (run_dir, TSU_RUN_BEST);
  if (!g_file_test (weights, G_FILE_TEST_EXISTS))
    {
      g_free (weights);
      weights = tsu_run_path (run_dir, TSU_RUN_WEIGHTS);
    }
  tsu_diag diag;
  tsu_diag_init (&diag);
  tsu_project *run_project = tsu_project_load (run_project_path, &diag);
  tsu_image_predictions cli;
  g_assert_cmpint (tsu_predict_images (run_project, weights, paths, 1, 0, &cli, &diag), ==, TSU_OK);
  g_assert_cmpint (cli.n_images, ==, 6);
  int right = 0;
  for (int i = 0; i < 6; i++)
    {
      const TsuPrediction *p = g_ptr_array_index (r->items, i);
      const float *row = cli.probs + (gsize) i * cli.n_classes;
      g_assert_cmpstr (p->path, ==, cli.paths[i]);
      g_assert_null (p->error);
      g_assert_cmpint (p->n_top, ==, 3);
      float sum = 0;
      for (int j = 0; j < 3; j++)
        {
          g_assert_cmpfloat (p->probability[j], ==, row[p->top[j]]);
          if (j > 0)
            g_assert_cmpfloat (p->probability[j], <=, p->probability[j - 1]);
          sum += p->probability[j];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);
      g_assert_cmpint (MAX (p->thumbnail.width, p->thumbnail.height), ==, 96);
      g_autofree char *base = g_path_get_basename (p->path);
      right += g_str_has_prefix (base, r->class_names[p->top[0]]);
    }
  g_test_message ("%d of 6 new pictures classified right", right);
  const TsuPrediction *bad = g_ptr_array_index (r->items, 6);
  g_assert_nonnull (bad->error);
  g_assert_nonnull (strstr (bad->error, "broken.jpg"));
  g_assert_cmpint (bad->n_top, ==, 0);
  tsu_image_predictions_clear (&cli);
  tsu_project_free (run_project);
  tsu_diag_free (&diag);
  save_screenshot (GTK_WIDGET (window), "evaluation-predictions.png");

  /* The matrix and the table name the classes. */
  char name[64];
  g_assert_cmpstr (tsu_evaluation_view_class_name (view, 1, name, sizeof name), ==, "1 square");

  /* Clicking a confusion cell lists only its samples; again, all. */
  const TsuEvalOutputs *outputs = tsu_evaluation_view_get_outputs (view);
  TsuConfusionView *confusion = tsu_evaluation_view_get_confusion (view);
  guint total = outputs->rows->len;
  int label = -1, prediction = -1;
  for (int i = 0; i < (int) total && label < 0; i++)
    {
      const TsuEvalRow *row = &g_array_index (outputs->rows, TsuEvalRow, i);
      label = row->label;
      prediction = row->prediction;
    }
  guint in_cell = rows_in_cell (outputs, label, prediction);
  g_assert_cmpuint (in_cell, >, 0);
  g_assert_cmpuint (in_cell, <, total);
  double x = 0, y = 0;
  g_assert_true (point_in_cell (confusion, label, prediction, &x, &y));
  tsu_confusion_view_click (confusion, x, y);
  g_assert_cmpuint (tsu_evaluation_view_get_n_shown (view), ==, in_cell);
  save_screenshot (GTK_WIDGET (window), "evaluation-cell-filter.png");
  tsu_confusion_view_click (confusion, x, y);
  g_assert_cmpuint (tsu_evaluation_view_get_n_shown (view), ==, total);
  /* With mistakes only: the cell's samples that are mistakes. */
  tsu_confusion_view_click (confusion, x, y);
  tsu_evaluation_view_set_mistakes_only (view, TRUE);
  g_assert_cmpuint (tsu_evaluation_view_get_n_shown (view), ==, label == prediction ? 0 : in_cell);
  tsu_evaluation_view_set_mistakes_only (view, FALSE);
  /* Show all clears the cell. */
  tsu_confusion_view_select (confusion, -1, -1);
  g_assert_cmpuint (tsu_evaluation_view_get_n_shown (view), ==, total);

  /* Picture files dropped on the page are predicted the same way. */
  GtkDropTarget *drop = NULL;
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !drop; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (c))
        drop = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (drop);
  g_autofree char *square0 = g_build_filename (new_dir, "square", "square-00.jpg", NULL);
  g_autofree char *square1 = g_build_filename (new_dir, "square", "square-01.jpg", NULL);
  GFile *files[2] = { g_file_new_for_path (square0), g_file_new_for_path (square1) };
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, 2));
  g_signal_emit_by_name (drop, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_object_unref (files[0]);
  g_object_unref (files[1]);
  g_assert_true (accepted);
  g_assert_true (tsu_fixture_wait_until (predict_idle, predict, 60));
  r = tsu_predict_view_get_predictions (predict);
  g_assert_cmpuint (r->items->len, ==, 2);
  g_assert_cmpstr (((TsuPrediction *) g_ptr_array_index (r->items, 1))->path, ==, square1);

  gtk_window_destroy (window);
  tsu_project_free (project);
  tsu_fixture_remove_tree (root);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_training_ui_init ();

  g_test_add_func ("/own-pictures/folder-dialog", test_folder_dialog);
  g_test_add_func ("/own-pictures/histogram-without-loss", test_histogram_without_loss);
  g_test_add_func ("/own-pictures/predict-and-cell-filter", test_predict_and_filter);
  return g_test_run ();
}
