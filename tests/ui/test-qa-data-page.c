/* test-qa-data-page.c — the Data page follows the network: its problems
 * compare the data with the Input layers, so editing an Input's shape (the
 * "Set x to [3, 28, 28]" offer after a folder dataset, or the inspector)
 * checks again, and a fixed shape clears the problem. Needs a display
 * (meson runs it through run-with-display.sh). */
#include "tsu-application.h"
#include "tsu-window.h"
#include "widget-helpers.h"

#include <glib/gstdio.h>
#include <string.h>

#define READY "Ready to train"
#define TWO_PROBLEMS "2 problems to fix before training"
#define WRONG_SHAPE "x: the Input layer expects [3] but the training data's \"x\" is [2]"

/* A two-feature CSV and a project whose Input takes it. */
static char *
write_project (const char *dir)
{
  GString *csv = g_string_new ("x__0,x__1,y\n");
  char *path = g_build_filename (dir, "shape.tsumiki", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "points.csv", NULL);
  const char *project =
    "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"Shape\",\n"
    " \"network\": {\"nodes\": [\n"
    "  {\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},\n"
    "  {\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 2}},\n"
    "  {\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},\n"
    "  {\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}]},\n"
    " \"dataset\": {\"training\": {\"source\": \"csv\", \"path\": \"points.csv\"},\n"
    "             \"validation\": {\"source\": \"csv\", \"path\": \"points.csv\"}}}\n";

  for (int i = 0; i < 8; i++)
    g_string_append_printf (csv, "%d,%d,%d\n", i, -i, i % 2);
  g_assert_true (g_file_set_contents (csv_path, csv->str, -1, NULL));
  g_assert_true (g_file_set_contents (path, project, -1, NULL));
  g_string_free (csv, TRUE);
  return path;
}

/* The Data page's check runs on a worker: waits for its status line. */
static gboolean
shows_within (TsuWindow *window, const char *text, int seconds)
{
  for (int i = 0; i < seconds * 20; i++)
    {
      if (find_label (GTK_WIDGET (window), text))
        return TRUE;
      wait_ms (50);
    }
  return FALSE;
}

static void
set_input_shape (TsuGraphModel *model, int n, const int *dims)
{
  tsu_value shape = { .n = n };
  g_autoptr(GError) error = NULL;

  memcpy (shape.ints, dims, (size_t) n * sizeof *dims);
  g_assert_true (tsu_graph_model_set_param (model, "x", "shape", &shape, &error));
  g_assert_no_error (error);
}

static void
test_input_shape_rechecks_data (void)
{
  g_autofree char *dir = g_dir_make_tmp ("qa-data-page-XXXXXX", NULL);
  g_autofree char *path = write_project (dir);
  g_autoptr(GError) error = NULL;
  TsuWindow *window = test_window_new ();
  TsuGraphModel *model;

  g_assert_true (tsu_window_open_path (window, path, &error));
  g_assert_no_error (error);
  present_settled (window);
  model = tsu_window_get_model (window);
  tsu_window_show_view (window, "data");
  g_assert_true (shows_within (window, READY, 20));

  /* [3] does not fit the two-feature CSV: both splits say so. */
  set_input_shape (model, 1, (const int[]){ 3 });
  g_assert_true (shows_within (window, TWO_PROBLEMS, 20));
  g_assert_nonnull (find_label (GTK_WIDGET (window), WRONG_SHAPE));

  /* Back to [2] (as the offer's button sets it): no stale problem stays. */
  set_input_shape (model, 1, (const int[]){ 2 });
  g_assert_true (shows_within (window, READY, 20));
  g_assert_null (find_label (GTK_WIDGET (window), WRONG_SHAPE));

  close_window (window);
  g_autofree char *csv = g_build_filename (dir, "points.csv", NULL);
  g_remove (csv);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_resources_ensure ();
  g_test_add_func ("/qa-data-page/input-shape-rechecks-data", test_input_shape_rechecks_data);
  return g_test_run ();
}
