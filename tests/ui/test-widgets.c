/* test-widgets.c — the window's widgets under gtk_test_init: open an
 * example, select a layer, edit a param through the inspector, and check
 * the model and the shape the inspector and canvas show. Needs a display
 * (meson runs it through run-with-display.sh). */
#include "tsu-application.h"
#include "tsu-window.h"
#include "tsu-canvas-private.h"
#include "model-helpers.h"
#include "widget-helpers.h"

#include <glib/gstdio.h>
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <string.h>

static const char *
shape_of (TsuGraphModel *model, const char *id)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  return layout->nodes[tsu_layout_find (layout, id)].shape;
}

static void
test_inspector_edits_param (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  TsuGraphModel *model = tsu_window_get_model (window);
  TsuInspector *inspector = tsu_window_get_inspector (window);
  const char *select[] = { "conv1", NULL };
  GtkWidget *outmaps, *kernel;

  tsu_canvas_select (tsu_window_get_canvas (window), select);
  settle ();
  g_assert_cmpstr (tsu_inspector_get_node_id (inspector), ==, "conv1");
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), "16×28×28"));

  outmaps = tsu_inspector_get_param_editor (inspector, "outmaps");
  g_assert_true (GTK_IS_SPIN_BUTTON (outmaps));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (outmaps)), ==, 16);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (outmaps), 32);
  settle ();
  g_assert_cmpint (param_int (model, "conv1", "outmaps"), ==, 32);
  g_assert_cmpstr (shape_of (model, "conv1"), ==, "32×28×28");
  g_assert_cmpstr (shape_of (model, "bn1"), ==, "32×28×28");
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), "32×28×28"));
  g_assert_true (tsu_graph_model_get_dirty (model));

  /* A pair editor: the kernel's two spin buttons write one array. */
  kernel = tsu_inspector_get_param_editor (inspector, "kernel");
  g_assert_true (GTK_IS_BOX (kernel));
  {
    GtkWidget *first = gtk_widget_get_first_child (kernel);
    GtkWidget *last = gtk_widget_get_last_child (kernel);

    gtk_spin_button_set_value (GTK_SPIN_BUTTON (first), 3);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (last), 3);
    settle ();
    /* 5×5 pad 2 → 3×3 pad 2 grows the map by 2. */
    g_assert_cmpstr (shape_of (model, "conv1"), ==, "32×30×30");
  }

  /* Renaming through the id field keeps the layer selected and linked. */
  {
    GtkWidget *id_entry = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (inspector), TSU_TYPE_INSPECTOR, "id_entry"));

    gtk_editable_set_text (GTK_EDITABLE (id_entry), "features");
    g_signal_emit_by_name (id_entry, "activate");
    settle ();
    g_assert_cmpstr (tsu_canvas_get_single_selection (tsu_window_get_canvas (window)), ==, "features");
    g_assert_cmpstr (tsu_inspector_get_node_id (inspector), ==, "features");
    g_assert_cmpstr (shape_of (model, "bn1"), ==, "32×30×30");
    gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo", NULL);
    settle ();
    g_assert_cmpint (tsu_project_node_find (tsu_graph_model_get_project (model), "conv1"), >=, 0);
  }

  /* Undo through the window's action, as Ctrl+Z does. */
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo", NULL);
  settle ();
  g_assert_cmpint (param_int (model, "conv1", "outmaps"), ==, 16);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (outmaps)), ==, 16);
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), "16×28×28"));
  g_assert_false (tsu_graph_model_get_dirty (model));

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
test_invalid_value_shows_message (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  TsuGraphModel *model = tsu_window_get_model (window);
  TsuInspector *inspector = tsu_window_get_inspector (window);
  const char *select[] = { "pool2", NULL };
  const TsuLayout *layout;
  int pool;

  /* A 9×9 window does not fit a 7×7 map: the box turns red and the
   * problem is listed. */
  tsu_canvas_select (tsu_window_get_canvas (window), select);
  settle ();
  {
    GtkWidget *kernel = tsu_inspector_get_param_editor (inspector, "kernel");
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (gtk_widget_get_first_child (kernel)), 30);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (gtk_widget_get_last_child (kernel)), 30);
  }
  settle ();
  layout = tsu_graph_model_get_layout (model);
  pool = tsu_layout_find (layout, "pool2");
  g_assert_nonnull (layout->nodes[pool].error);
  g_assert_cmpint (tsu_graph_model_get_diag (model)->count, >, 0);
  g_assert_nonnull (find_label (GTK_WIDGET (window), layout->nodes[pool].error));

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
test_palette_adds_below_selection (void)
{
  TsuWindow *window = open_window ("two-class.tsumiki");
  TsuGraphModel *model = tsu_window_get_model (window);
  TsuCanvas *canvas = tsu_window_get_canvas (window);
  const char *select[] = { "fc1", NULL };
  const char *selected;
  const tsu_project *project;

  tsu_canvas_select (canvas, select);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-layer", "s", "Dropout");
  settle ();
  selected = tsu_canvas_get_single_selection (canvas);
  g_assert_nonnull (selected);
  project = tsu_graph_model_get_project (model);
  g_assert_cmpstr (tsu_project_node_input (project, tsu_project_node_find (project, selected), 0), ==, "fc1");
  g_assert_true (tsu_graph_valid (tsu_graph_model_get_graph (model)));
  g_assert_cmpstr (tsu_inspector_get_node_id (tsu_window_get_inspector (window)), ==, selected);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
canvas_to_widget (TsuCanvas *canvas, double cx, double cy, double *wx, double *wy)
{
  double zoom = tsu_canvas_get_zoom (canvas), c0x, c0y;
  tsu_canvas_widget_to_canvas (canvas, 0, 0, &c0x, &c0y);
  *wx = (cx - c0x) * zoom;
  *wy = (cy - c0y) * zoom;
}

/* A link dragged from an output port to an input port reads the output:
 * it used to be made backwards (the drag's mode was reset before the link
 * was made, so every link was treated as dragged from an input). */
static GtkEventController *
find_controller (GtkWidget *widget, GType type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return GTK_EVENT_CONTROLLER (c); /* the widget keeps it alive */
    }
  g_assert_not_reached ();
}

static int
layout_index (const TsuLayout *layout, const char *id)
{
  for (int i = 0; i < layout->n_nodes; i++)
    if (g_strcmp0 (layout->nodes[i].id, id) == 0)
      return i;
  g_assert_not_reached ();
}

/* A link dragged from an output port to an input port reads the output:
 * it used to be made backwards (the drag's mode was reset before the link
 * was made, so every link was treated as dragged from an input). The press
 * and release go to the canvas's drag gesture, the pointer's way to its
 * motion controller, as GTK delivers them. */
static void
test_drag_output_to_input_links_forward (void)
{
  TsuWindow *window = open_window ("two-class.tsumiki");
  TsuGraphModel *model = tsu_window_get_model (window);
  TsuCanvas *canvas = tsu_window_get_canvas (window);
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  const TsuLayoutNode *tanh1 = &layout->nodes[layout_index (layout, "tanh1")];
  g_autofree char *dropout = tsu_graph_model_add_node (model, "Dropout", tanh1->x + 260, tanh1->y);
  settle ();
  layout = tsu_graph_model_get_layout (model);
  double ox, oy, ix, iy, wx0, wy0, wx1, wy1;
  tsu_layout_output_port (layout, layout_index (layout, "tanh1"), &ox, &oy);
  tsu_layout_input_port (layout, layout_index (layout, dropout), 0, &ix, &iy);
  canvas_to_widget (canvas, ox, oy, &wx0, &wy0);
  canvas_to_widget (canvas, ix, iy, &wx1, &wy1);
  g_assert_cmpfloat (wx1, <, gtk_widget_get_width (GTK_WIDGET (canvas)));

  GtkGesture *drag = find_gesture (GTK_WIDGET (canvas), GTK_TYPE_GESTURE_DRAG, GDK_BUTTON_PRIMARY);
  GtkEventController *motion = find_controller (GTK_WIDGET (canvas), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_signal_emit_by_name (drag, "drag-begin", wx0, wy0);
  for (int step = 1; step <= 4; step++)
    g_signal_emit_by_name (motion, "motion", wx0 + (wx1 - wx0) * step / 4, wy0 + (wy1 - wy0) * step / 4);
  g_signal_emit_by_name (drag, "drag-end", wx1 - wx0, wy1 - wy0);
  settle ();

  const tsu_project *project = tsu_graph_model_get_project (model);
  int d = tsu_project_node_find (project, dropout);
  g_assert_cmpint (tsu_project_node_input_count (project, d), ==, 1);
  g_assert_cmpstr (tsu_project_node_input (project, d, 0), ==, "tanh1");
  /* tanh1 keeps its own input, and fc2 still reads tanh1. */
  g_assert_cmpstr (tsu_project_node_input (project, tsu_project_node_find (project, "tanh1"), 0), ==, "fc1");
  g_assert_cmpstr (tsu_project_node_input (project, tsu_project_node_find (project, "fc2"), 0), ==, "tanh1");

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
test_save_writes_file (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  g_autofree char *dir = g_dir_make_tmp ("tsu-widgets-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "saved.tsumiki", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (set_outmaps (tsu_window_get_model (window), "fc", 12));
  g_assert_true (tsu_window_save_to_path (window, path, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"outmaps\": 12"));
  g_assert_false (tsu_graph_model_get_dirty (tsu_window_get_model (window)));
  g_unlink (path);
  g_rmdir (dir);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
test_export_diagram (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  g_autofree char *dir = g_dir_make_tmp ("tsu-export-XXXXXX", NULL);
  const char *names[] = { "net.png", "net.svg", "net.pdf" };
  const char *magic[] = { "\x89PNG", "<?xml", "%PDF" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *data = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;

      g_assert_true (tsu_paint_export (tsu_graph_model_get_layout (tsu_window_get_model (window)),
                                       TSU_STAT_PARAMS, path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      g_assert_cmpuint (length, >, 1000);
      g_assert_true (memcmp (data, magic[i], strlen (magic[i])) == 0);
      g_unlink (path);
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (tsu_paint_export (tsu_graph_model_get_layout (tsu_window_get_model (window)),
                                      TSU_STAT_MACS, "/nonexistent/net.gif", &error));
    g_assert_nonnull (error);
  }
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
test_view_pages_replaceable (void)
{
  TsuWindow *window = open_window ("two-class.tsumiki");
  GtkWidget *training = gtk_label_new ("training page");
  GtkWidget *stack;

  tsu_window_set_view_page (window, "training", training);
  stack = gtk_widget_get_ancestor (training, GTK_TYPE_STACK);
  g_assert_nonnull (stack);
  g_assert_true (gtk_stack_get_child_by_name (GTK_STACK (stack), "training") == training);
  g_assert_cmpstr (gtk_stack_page_get_title (gtk_stack_get_page (GTK_STACK (stack), training)), ==, "Training");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "training");
  settle ();
  g_assert_true (gtk_stack_get_visible_child (GTK_STACK (stack)) == training);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* Unsaved work survives a crash: the autosave writes the recovery file,
 * the next start offers it, and Recover brings the edit back, unsaved. */
static void
test_recovery_after_crash (void)
{
  g_autofree char *path = example_path ("fashion-mnist-cnn.tsumiki");
  g_autofree char *recovery = NULL;
  TsuWindow *crashed, *next;
  GtkRevealer *banner;

  /* Only run with private state directories (run-with-display.sh). */
  if (g_getenv ("TSU_TEST_SCRATCH") == NULL)
    {
      g_test_skip ("needs the scratch XDG directories of run-with-display.sh");
      return;
    }
  g_setenv ("TSUMIKI_AUTOSAVE_SECONDS", "1", TRUE);

  crashed = g_object_new (TSU_TYPE_WINDOW, NULL);
  g_assert_true (tsu_window_open_path (crashed, path, NULL));
  g_assert_true (set_outmaps (tsu_window_get_model (crashed), "fc", 7));
  /* g_timeout_add_seconds fires within a second of its period. */
  wait_ms (2600);
  recovery = g_build_filename (g_get_user_cache_dir (), "tsumiki", "recovery.tsumiki", NULL);
  g_assert_true (g_file_test (recovery, G_FILE_TEST_EXISTS));
  /* A crash: the window goes without its close handler. */
  gtk_window_destroy (GTK_WINDOW (crashed));
  settle ();
  g_assert_true (g_file_test (recovery, G_FILE_TEST_EXISTS));

  next = g_object_new (TSU_TYPE_WINDOW, NULL);
  tsu_window_open_startup (next);
  gtk_window_present (GTK_WINDOW (next));
  settle ();
  banner = GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (next), TSU_TYPE_WINDOW, "recovery_revealer"));
  g_assert_true (gtk_revealer_get_reveal_child (banner));
  gtk_widget_activate_action (GTK_WIDGET (next), "win.recover", NULL);
  settle ();
  g_assert_false (gtk_revealer_get_reveal_child (banner));
  g_assert_cmpint (param_int (tsu_window_get_model (next), "fc", "outmaps"), ==, 7);
  g_assert_true (tsu_graph_model_get_dirty (tsu_window_get_model (next)));
  g_assert_cmpstr (tsu_graph_model_get_path (tsu_window_get_model (next)), ==, path);

  tsu_window_set_ephemeral (next, TRUE);
  gtk_window_destroy (GTK_WINDOW (next));
  settle ();
  g_unsetenv ("TSUMIKI_AUTOSAVE_SECONDS");
}

/* A template is unsaved: its data must still be found, wherever the
 * program is started from. */
static void
test_template_data_paths_resolve (void)
{
  TsuWindow *window = g_object_new (TSU_TYPE_WINDOW, NULL);
  g_autoptr(GError) error = NULL;
  struct json_object *datasets = NULL, *training = NULL, *path = NULL;
  const tsu_project *project;

  tsu_window_set_ephemeral (window, TRUE);
  g_assert_true (tsu_window_new_from_template (window, "two-class", &error));
  g_assert_no_error (error);
  project = tsu_graph_model_get_project (tsu_window_get_model (window));
  g_assert_true (json_object_object_get_ex (tsu_project_root (project), "dataset", &datasets));
  g_assert_true (json_object_object_get_ex (datasets, "training", &training));
  g_assert_true (json_object_object_get_ex (training, "path", &path));
  g_assert_true (g_path_is_absolute (json_object_get_string (path)));
  g_assert_true (g_file_test (json_object_get_string (path), G_FILE_TEST_IS_REGULAR));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* Depth-first search for a menu button whose menu's first section
 * starts with an item of `action`; that section, or NULL. */
static GMenuModel *
find_menu_section (GtkWidget *root, const char *action)
{
  if (GTK_IS_MENU_BUTTON (root))
    {
      GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (root));
      GMenuModel *section = menu && g_menu_model_get_n_items (menu) > 0
                              ? g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION) : NULL;
      g_autofree char *first = NULL;

      if (section && g_menu_model_get_n_items (section) > 0
          && g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_ACTION, "s", &first)
          && strcmp (first, action) == 0)
        return section;
      g_clear_object (&section);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GMenuModel *found = find_menu_section (child, action);
      if (found)
        return found;
    }
  return NULL;
}

/* Every entry of the New menu opens a template that checks clean, the
 * ResNet and MobileNet examples among them; the ResNet's boxes carry the
 * repeat block the canvas frames as "×3". */
static void
test_template_menu_opens_every_example (void)
{
  TsuWindow *window = g_object_new (TSU_TYPE_WINDOW, NULL);
  GMenuModel *section = find_menu_section (GTK_WIDGET (window), "win.new-from-template");
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);

  tsu_window_set_ephemeral (window, TRUE);
  g_assert_nonnull (section);
  for (int i = 0; i < g_menu_model_get_n_items (section); i++)
    {
      char *target = NULL;
      g_assert_true (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_TARGET, "s", &target));
      g_ptr_array_add (targets, target);
    }
  g_object_unref (section);
  g_assert_true (g_ptr_array_find_with_equal_func (targets, "fashion-mnist-resnet", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (targets, "fashion-mnist-mobilenet", g_str_equal, NULL));

  for (guint i = 0; i < targets->len; i++)
    {
      const char *name = g_ptr_array_index (targets, i);
      g_autoptr(GError) error = NULL;
      TsuGraphModel *model = tsu_window_get_model (window);

      g_test_message ("template %s", name);
      g_assert_true (tsu_window_new_from_template (window, name, &error));
      g_assert_no_error (error);
      g_assert_cmpint (tsu_graph_model_get_diag (model)->count, ==, 0);
      g_assert_true (tsu_graph_valid (tsu_graph_model_get_graph (model)));
      if (strcmp (name, "fashion-mnist-resnet") == 0)
        {
          const TsuLayout *layout = tsu_graph_model_get_layout (model);
          int start = tsu_layout_find (layout, "block");
          int inner = tsu_layout_find (layout, "conv_b");
          g_assert_cmpint (start, >=, 0);
          g_assert_cmpint (layout->nodes[inner].block, ==, start);
          g_assert_cmpint (layout->nodes[inner].block_times, ==, 3);
          g_assert_cmpint (layout->nodes[tsu_layout_find (layout, "gap")].block, ==, -1);
        }
    }
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* File → Export Trained Model takes the newest run's weights. */
static void
test_export_trained_model (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tsumiki-export-XXXXXX", NULL);
  g_autofree char *source = example_path ("two-class.tsumiki");
  g_autofree char *project_path = g_build_filename (dir, "moons.tsumiki", NULL);
  g_autofree char *onnx = g_build_filename (dir, "moons.onnx", NULL);
  g_autofree char *c_dir = g_build_filename (dir, "moons-c", NULL);
  g_autofree char *c_file = g_build_filename (c_dir, "moons_c.c", NULL);
  g_autoptr(GError) error = NULL;
  tsu_diag diag;
  tsu_project *project;
  TsuWindow *window;
  tsu_train_options options = { .epochs = 2 };

  /* A project beside its runs: trained by the engine, as the CLI would. */
  tsu_diag_init (&diag);
  project = tsu_project_load (source, &diag);
  g_assert_nonnull (project);
  {
    struct json_object *datasets = NULL;
    json_object_object_get_ex (tsu_project_root (project), "dataset", &datasets);
    json_object_object_foreach (datasets, key, spec)
      {
        struct json_object *path = NULL;
        json_object_object_get_ex (spec, "path", &path);
        g_autofree char *absolute = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "resources", "examples",
                                                      json_object_get_string (path), NULL);
        (void) key;
        json_object_object_add (spec, "path", json_object_new_string (absolute));
      }
  }
  g_assert_cmpint (tsu_project_save (project, project_path, &diag), ==, TSU_OK);

  window = g_object_new (TSU_TYPE_WINDOW, NULL);
  tsu_window_set_ephemeral (window, TRUE);
  g_assert_false (tsu_window_export_model (window, "onnx", onnx, &error));
  g_clear_error (&error);
  g_assert_cmpint (tsu_train_run (project, &options, NULL, NULL, &diag), ==, TSU_OK);
  g_assert_true (tsu_window_open_path (window, project_path, &error));
  g_assert_true (tsu_window_export_model (window, "onnx", onnx, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (onnx, G_FILE_TEST_IS_REGULAR));
  g_assert_true (tsu_window_export_model (window, "c", c_dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (c_file, G_FILE_TEST_IS_REGULAR));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  tsu_project_free (project);
  tsu_diag_free (&diag);
}

/* A design warning in the inspector: its fix button changes the document
 * as one undoable edit (tests/data/checks/softmax-one-output-bce). */
/* A window on a project of tests/data/checks, shown and settled. */
static TsuWindow *
open_checks_window (const char *name)
{
  TsuWindow *window = test_window_new ();
  g_autofree char *file = g_strdup_printf ("%s.tsumiki", name);
  g_autofree char *path = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "tests", "data", "checks", file, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (tsu_window_open_path (window, path, &error));
  g_assert_no_error (error);
  return present_settled (window);
}

static void
test_fix_button_applies_fix (void)
{
  TsuWindow *window = open_checks_window ("softmax-one-output-bce");
  TsuGraphModel *model;
  TsuInspector *inspector;
  const char *select[] = { "prob", NULL };
  GtkWidget *fix;
  const tsu_project *project;

  model = tsu_window_get_model (window);
  inspector = tsu_window_get_inspector (window);
  g_assert_nonnull (tsu_graph_model_find_warning (model, "prob"));
  g_assert_nonnull (find_label (GTK_WIDGET (inspector),
                                "Valid, with 1 design warning: select the layer marked ⚠ to see why and fix it"));

  tsu_canvas_select (tsu_window_get_canvas (window), select);
  settle ();
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), "A Softmax over one value is always 1, so the loss cannot fall."));
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), "About this layer"));
  fix = tsu_inspector_get_fix_button (inspector, 0);
  g_assert_nonnull (fix);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (fix)), ==, "Use Sigmoid");
  g_assert_null (tsu_inspector_get_fix_button (inspector, 1));

  g_signal_emit_by_name (fix, "clicked");
  settle ();
  project = tsu_graph_model_get_project (model);
  g_assert_cmpstr (tsu_project_node_type (project, tsu_project_node_find (project, "prob")), ==, "Sigmoid");
  g_assert_cmpint (tsu_graph_model_get_warnings (model)->count, ==, 0);
  g_assert_null (tsu_inspector_get_fix_button (inspector, 0));
  g_assert_cmpstr (tsu_graph_model_get_undo_label (model), ==, "Use Sigmoid");

  /* One undo step brings the Softmax and its warning back. */
  g_assert_true (tsu_graph_model_undo (model));
  settle ();
  project = tsu_graph_model_get_project (model);
  g_assert_cmpstr (tsu_project_node_type (project, tsu_project_node_find (project, "prob")), ==, "Softmax");
  g_assert_nonnull (tsu_graph_model_find_warning (model, "prob"));
  g_assert_nonnull (tsu_inspector_get_fix_button (inspector, 0));
  close_window (window);
}

/* The open GtkMessageDialog transient for window, or NULL. */
static GtkWidget *
find_dialog (TsuWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (window))
        return GTK_WIDGET (w);
    }
  return NULL;
}

/* F5 on a network with a design warning asks; "Show Warnings" trains
 * nothing and shows the warned layer in the inspector. */
static void
test_run_with_warnings_asks (void)
{
  TsuWindow *window = open_checks_window ("softmax-one-output-bce");
  GtkWidget *dialog;

  g_assert_null (find_dialog (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "training.run", NULL);
  settle ();
  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (find_label (dialog, "The network has a design warning"));
  gtk_dialog_response (GTK_DIALOG (dialog), 2 /* Show Warnings */);
  settle ();
  g_assert_null (find_dialog (window));
  g_assert_cmpstr (tsu_inspector_get_node_id (tsu_window_get_inspector (window)), ==, "prob");
  g_assert_nonnull (tsu_inspector_get_fix_button (tsu_window_get_inspector (window), 0));
  close_window (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_resources_ensure ();

  g_test_add_func ("/widgets/inspector-edits-param", test_inspector_edits_param);
  g_test_add_func ("/widgets/invalid-value-shows-message", test_invalid_value_shows_message);
  g_test_add_func ("/widgets/palette-adds-below-selection", test_palette_adds_below_selection);
  g_test_add_func ("/widgets/drag-output-to-input-links-forward",
                   test_drag_output_to_input_links_forward);
  g_test_add_func ("/widgets/save-writes-file", test_save_writes_file);
  g_test_add_func ("/widgets/export-diagram", test_export_diagram);
  g_test_add_func ("/widgets/view-pages-replaceable", test_view_pages_replaceable);
  g_test_add_func ("/widgets/recovery-after-crash", test_recovery_after_crash);
  g_test_add_func ("/widgets/template-data-paths-resolve", test_template_data_paths_resolve);
  g_test_add_func ("/widgets/template-menu-opens-every-example", test_template_menu_opens_every_example);
  g_test_add_func ("/widgets/export-trained-model", test_export_trained_model);
  g_test_add_func ("/widgets/fix-button-applies-fix", test_fix_button_applies_fix);
  g_test_add_func ("/widgets/run-with-warnings-asks", test_run_with_warnings_asks);
  return g_test_run ();
}
