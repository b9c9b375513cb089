/* test-editor-ux.c — the editor's rough edges, each checked in the real
 * window under gtk_test_init: stale inspector messages, the mini loss card,
 * saving an untitled project, the shortcuts window and the opening zoom.
 * Needs a display (meson runs it through run-with-display.sh). */
#include "tsu-application.h"
#include "tsu-canvas-private.h"
#include "tsu-window.h"
#include "tsu-mini-loss-view.h"
#include "tsu-training-ui.h"
#include "tsu-training-view.h"
#include "tsu-window-private.h"
#include "widget-helpers.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static gboolean
focus_within (TsuWindow *window, GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus == widget || (focus != NULL && gtk_widget_is_ancestor (focus, widget));
}

/* Kernel 40, Tab to the kernel's second field, Ctrl+Z: the engine's
 * complaint goes with the value, though the focus is still in the editor. */
static void
test_undo_clears_inspector_message (void)
{
  TsuWindow *window = open_window ("fashion-mnist-cnn.tsumiki");
  TsuGraphModel *model = tsu_window_get_model (window);
  TsuInspector *inspector = tsu_window_get_inspector (window);
  const char *select[] = { "conv1", NULL };
  GtkWidget *kernel, *first, *last;
  const TsuLayout *layout;
  g_autofree char *message = NULL;

  tsu_canvas_select (tsu_window_get_canvas (window), select);
  settle ();
  kernel = tsu_inspector_get_param_editor (inspector, "kernel");
  first = gtk_widget_get_first_child (kernel);
  last = gtk_widget_get_last_child (kernel);
  gtk_widget_grab_focus (first);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (first), 40);
  gtk_widget_grab_focus (last);
  settle ();
  layout = tsu_graph_model_get_layout (model);
  message = g_strdup (layout->nodes[tsu_layout_find (layout, "conv1")].error);
  g_assert_nonnull (message);
  g_assert_nonnull (find_label (GTK_WIDGET (inspector), message));

  gtk_widget_activate_action (GTK_WIDGET (window), "graph.undo", NULL);
  settle ();
  g_assert_true (focus_within (window, last));
  layout = tsu_graph_model_get_layout (model);
  g_assert_null (layout->nodes[tsu_layout_find (layout, "conv1")].error);
  g_assert_null (find_label (GTK_WIDGET (inspector), message));
  g_assert_false (gtk_widget_has_css_class (kernel, "error"));
  close_window (window);
}

/* Each accelerator in the shortcuts window, as "keyval:mods" strings. */
static GHashTable *
listed_accelerators (GPtrArray *titles)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/tsumiki/Tsumiki/gtk/help-overlay.ui");
  GHashTable *listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GSList *objects = gtk_builder_get_objects (builder);

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accelerator = NULL, *title = NULL;
      g_auto(GStrv) keys = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &accelerator, "title", &title, NULL);
      g_ptr_array_add (titles, g_strdup (title));
      keys = g_strsplit (accelerator ? accelerator : "", " ", -1);
      for (guint i = 0; keys[i] != NULL; i++)
        {
          guint key = 0;
          GdkModifierType mods = 0;

          if (keys[i][0] != '\0' && gtk_accelerator_parse (keys[i], &key, &mods))
            g_hash_table_add (listed, g_strdup_printf ("%u:%u", key, mods));
        }
    }
  g_slist_free (objects);
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
  return listed;
}

/* The shortcuts window shows no raw "<Control>" and lists an accelerator of
 * every action the application binds one to (F5, Shift+F5 and Pause among
 * them). */
static void
test_shortcuts_window_lists_accelerators (void)
{
  g_autoptr(TsuApplication) app = tsu_application_new ();
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) listed = listed_accelerators (titles);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) actions = NULL;
  const char *wanted[] = { "F5", "<Shift>F5", "Pause" };

  for (guint i = 0; i < titles->len; i++)
    g_assert_null (strchr (g_ptr_array_index (titles, i), '<'));
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    {
      guint key = 0;
      GdkModifierType mods = 0;
      g_autofree char *text = NULL;

      g_assert_true (gtk_accelerator_parse (wanted[i], &key, &mods));
      text = g_strdup_printf ("%u:%u", key, mods);
      g_assert_true (g_hash_table_contains (listed, text));
    }

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  g_assert_cmpuint (g_strv_length (actions), >, 10);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);
      gboolean found = FALSE;

      for (guint k = 0; accels[k] != NULL && !found; k++)
        {
          guint key = 0;
          GdkModifierType mods = 0;
          g_autofree char *text = NULL;

          gtk_accelerator_parse (accels[k], &key, &mods);
          text = g_strdup_printf ("%u:%u", key, mods);
          found = g_hash_table_contains (listed, text);
        }
      if (!found)
        g_error ("%s (%s) is not in the shortcuts window", actions[i], accels[0]);
    }
}

static TsuWindow *
new_window_from_template (const char *name)
{
  TsuWindow *window = test_window_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (tsu_window_new_from_template (window, name, &error));
  g_assert_no_error (error);
  return present_settled (window);
}

static GtkWidget *
view_page (TsuWindow *window, const char *name)
{
  GtkStack *views = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), TSU_TYPE_WINDOW, "views"));
  return gtk_stack_get_child_by_name (views, name);
}

/* An untitled project saved as mynet.tsumiki is called mynet. */
static void
test_save_as_names_untitled_project (void)
{
  TsuWindow *window = new_window_from_template ("empty");
  g_autofree char *dir = g_dir_make_tmp ("tsu-ux-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mynet.tsumiki", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled — Tsumiki");
  g_assert_true (tsu_window_save_to_path (window, path, &error));
  g_assert_no_error (error);
  settle ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "mynet — Tsumiki");
  g_assert_nonnull (find_label (GTK_WIDGET (window), "mynet"));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"name\": \"mynet\""));
  g_assert_false (tsu_graph_model_get_dirty (tsu_window_get_model (window)));
  close_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* Training an unsaved project says to save it first, with a Save button
 * beside the message; once saved, the message goes. */
static void
test_save_first_banner_has_save_button (void)
{
  TsuWindow *window = new_window_from_template ("two-class");
  GtkWidget *training = view_page (window, "training");
  GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (training, TSU_TYPE_TRAINING_VIEW,
                                                                  "message_save_button"));
  GtkRevealer *banner = GTK_REVEALER (gtk_widget_get_template_child (training, TSU_TYPE_TRAINING_VIEW,
                                                                      "message_revealer"));
  g_autofree char *dir = g_dir_make_tmp ("tsu-ux-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "moons.tsumiki", NULL);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "training");
  gtk_widget_activate_action (GTK_WIDGET (window), "training.run", NULL);
  settle ();
  g_assert_true (gtk_revealer_get_reveal_child (banner));
  g_assert_nonnull (find_label (training, "Save the project first: its runs are kept beside the project file"));
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.save");
  g_assert_true (gtk_widget_is_sensitive (button));

  g_assert_true (tsu_window_save_to_path (window, path, NULL));
  settle ();
  g_assert_false (gtk_revealer_get_reveal_child (banner));
  close_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* A saved copy of the two-class template in a scratch directory, for runs
 * (they are kept beside the project). */
static TsuWindow *
saved_two_class (char **dir)
{
  TsuWindow *window = new_window_from_template ("two-class");
  g_autofree char *path = NULL;

  *dir = g_dir_make_tmp ("tsu-ux-XXXXXX", NULL);
  path = g_build_filename (*dir, "moons.tsumiki", NULL);
  g_assert_true (tsu_window_save_to_path (window, path, NULL));
  settle ();
  return window;
}

static TsuTrainingHistory *
history_of (TsuWindow *window)
{
  TsuTrainingView *training = TSU_TRAINING_VIEW (view_page (window, "training"));
  return tsu_training_controller_get_history (tsu_training_view_get_controller (training));
}

/* F5 with fc2 unlinked: the run fails, and the card on the Edit page says
 * why. Returns the card. */
static GtkWidget *
run_invalid_network (TsuWindow *window)
{
  TsuGraphModel *model = tsu_window_get_model (window);
  TsuTrainingHistory *history = history_of (window);
  GtkWidget *card = ((struct _TsuWindow *) window)->mini_loss;
  g_autofree char *text = NULL;
  const char *message;

  tsu_graph_model_unlink (model, "fc2", 0);
  settle ();
  g_assert_false (tsu_graph_valid (tsu_graph_model_get_graph (model)));
  gtk_widget_activate_action (GTK_WIDGET (window), "training.run", NULL);
  for (int i = 0; i < 200 && tsu_training_history_get_state (history) != TSU_TRAINING_FAILED; i++)
    wait_ms (50);
  settle ();
  g_assert_cmpint (tsu_training_history_get_state (history), ==, TSU_TRAINING_FAILED);
  g_assert_true (gtk_widget_get_visible (card));
  message = tsu_training_history_get_message (history);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "fc2"));
  text = tsu_mini_loss_view_dup_text (TSU_MINI_LOSS_VIEW (card));
  g_assert_nonnull (strstr (text, message));
  return card;
}

static void
remove_scratch (char *dir)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_nonnull (strstr (dir, "tsu-ux-"));
  g_assert_cmpint (system (command), ==, 0);
  g_free (dir);
}

/* The failed card goes once the network is fixed. */
static void
test_failed_card_cleared_after_fix (void)
{
  char *dir = NULL;
  TsuWindow *window = saved_two_class (&dir);
  GtkWidget *card = run_invalid_network (window);

  g_assert_true (tsu_graph_model_undo (tsu_window_get_model (window)));
  settle ();
  g_assert_true (tsu_graph_valid (tsu_graph_model_get_graph (tsu_window_get_model (window))));
  g_assert_false (gtk_widget_get_visible (card));
  close_window (window);
  remove_scratch (dir);
}

/* Another document starts without the last one's card. */
static void
test_card_reset_on_new_document (void)
{
  char *dir = NULL;
  TsuWindow *window = saved_two_class (&dir);
  GtkWidget *card = run_invalid_network (window);

  g_assert_true (tsu_window_new_from_template (window, "empty", NULL));
  settle ();
  g_assert_false (gtk_widget_get_visible (card));
  close_window (window);
  remove_scratch (dir);
}

/* The card's text keeps off its border: the style gives it padding, and
 * the text is wrapped to the width inside it. */
static void
test_card_text_inside_padding (void)
{
  GtkWidget *card = tsu_mini_loss_view_new ();
  GtkWidget *window = gtk_window_new ();
  GtkBorder padding;

  tsu_training_ui_init ();
  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_padding (gtk_widget_get_style_context (card), &padding);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_cmpint (padding.left, >=, 6);
  g_assert_cmpint (padding.right, >=, 6);
  g_assert_cmpint (padding.top, >=, 6);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static GtkWidget *
find_popover (GtkWidget *parent)
{
  for (GtkWidget *child = gtk_widget_get_first_child (parent); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      return child;
  return NULL;
}

/* No box tooltip while the right-click menu is open; they come back after. */
static void
test_no_tooltip_over_context_menu (void)
{
  TsuWindow *window = open_window ("two-class.tsumiki");
  TsuCanvas *canvas = tsu_window_get_canvas (window);
  const TsuLayout *layout = tsu_graph_model_get_layout (tsu_window_get_model (window));
  const TsuLayoutNode *box = &layout->nodes[tsu_layout_find (layout, "fc1")];
  double wx = (box->x + 40) * canvas->zoom + canvas->offset_x, wy = (box->y + 30) * canvas->zoom + canvas->offset_y;
  GtkWidget *menu;

  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (canvas)));
  g_signal_emit_by_name (find_gesture (GTK_WIDGET (canvas), GTK_TYPE_GESTURE_CLICK, GDK_BUTTON_SECONDARY),
                         "pressed", 1, wx, wy);
  settle ();
  menu = find_popover (GTK_WIDGET (canvas));
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));
  g_assert_cmpstr (tsu_canvas_get_single_selection (canvas), ==, "fc1");
  g_assert_false (gtk_widget_get_has_tooltip (GTK_WIDGET (canvas)));
  gtk_popover_popdown (GTK_POPOVER (menu));
  settle ();
  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (canvas)));
  close_window (window);
}

/* Every example opens at a zoom where the smallest box text is 11 px. */
static void
test_examples_open_legible (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "resources", "examples", NULL);
  g_autoptr(GDir) examples = g_dir_open (dir, 0, NULL);
  const char *name;
  int opened = 0;

  g_assert_nonnull (examples);
  while ((name = g_dir_read_name (examples)) != NULL)
    {
      TsuWindow *window;
      double zoom;

      if (!g_str_has_suffix (name, ".tsumiki"))
        continue;
      window = open_window (name);
      zoom = tsu_canvas_get_zoom (tsu_window_get_canvas (window));
      g_test_message ("%s opens at %.0f %%", name, zoom * 100);
      g_assert_cmpfloat (zoom * TSU_PAINT_SMALLEST_TEXT_PX, >=, TSU_PAINT_LEGIBLE_TEXT_PX - 1e-9);
      close_window (window);
      opened++;
    }
  g_assert_cmpint (opened, >=, 4);
}

static double
relative_luminance (const GdkRGBA *c)
{
  double rgb[3] = { c->red, c->green, c->blue }, lin[3];

  for (int i = 0; i < 3; i++)
    lin[i] = rgb[i] <= 0.04045 ? rgb[i] / 12.92 : pow ((rgb[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

/* With the dark theme asked for, the canvas takes the dark palette and
 * error text (the evaluation table's ✗) keeps 4.5:1 on the dark base. */
static void
test_dark_theme (void)
{
  TsuWindow *window = open_window ("two-class.tsumiki");
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (window));
  GtkWidget *label = gtk_label_new ("✗ 3");
  GdkRGBA color, base;
  double ratio;

  gtk_widget_add_css_class (label, "error");
  gtk_overlay_add_overlay (((struct _TsuWindow *) window)->canvas_overlay, label);
  g_assert_cmpint (tsu_canvas_style_palette (GTK_WIDGET (tsu_window_get_canvas (window))), ==, TSU_PALETTE_LIGHT);
  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  settle ();
  g_assert_cmpint (tsu_canvas_style_palette (GTK_WIDGET (tsu_window_get_canvas (window))), ==, TSU_PALETTE_DARK);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "tsu-dark"));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (label), &color);
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (label), "theme_base_color", &base));
  G_GNUC_END_IGNORE_DEPRECATIONS
  ratio = (relative_luminance (&color) + 0.05) / (relative_luminance (&base) + 0.05);
  g_test_message ("error text on the dark base: %.2f:1", ratio);
  g_assert_cmpfloat (ratio, >=, 4.5);

  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  settle ();
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "tsu-dark"));
  close_window (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  tsu_resources_ensure ();

  g_test_add_func ("/editor-ux/undo-clears-inspector-message", test_undo_clears_inspector_message);
  g_test_add_func ("/editor-ux/shortcuts-window-lists-accelerators", test_shortcuts_window_lists_accelerators);
  g_test_add_func ("/editor-ux/save-as-names-untitled-project", test_save_as_names_untitled_project);
  g_test_add_func ("/editor-ux/save-first-banner-has-save-button", test_save_first_banner_has_save_button);
  g_test_add_func ("/editor-ux/failed-card-cleared-after-fix", test_failed_card_cleared_after_fix);
  g_test_add_func ("/editor-ux/card-reset-on-new-document", test_card_reset_on_new_document);
  g_test_add_func ("/editor-ux/card-text-inside-padding", test_card_text_inside_padding);
  g_test_add_func ("/editor-ux/no-tooltip-over-context-menu", test_no_tooltip_over_context_menu);
  g_test_add_func ("/editor-ux/examples-open-legible", test_examples_open_legible);
  g_test_add_func ("/editor-ux/dark-theme", test_dark_theme);
  return g_test_run ();
}
