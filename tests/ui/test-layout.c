/* test-layout.c — the window at 1024×700: every page's measured minimum
 * fits, no label is cut short, the Edit toolbar's actions stay reachable
 * and the inspector keeps its width whatever is selected. Needs a display
 * (meson runs it through run-with-display.sh). */
#include "tsu-application.h"
#include "tsu-window.h"
#include "tsu-inspector.h"
#include "tsu-dataset-view.h"
#include "tsu-training-ui.h"
#include "tsu-training-view.h"
#include "widget-helpers.h"
#include "tsu-i18n.h"

#include <locale.h>
#include <string.h>

#define SMALL_WIDTH 1024
#define SMALL_HEIGHT 700

/* A mapped label with text that no layout pass has reached yet (width 0). */
static gboolean
has_unallocated_label (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) && gtk_widget_get_width (child) == 0)
        return TRUE;
      if (has_unallocated_label (child))
        return TRUE;
    }
  return FALSE;
}

/* Shows a page and waits for what it reads in the background (the Data
 * page's report), which changes its size, and for the layout of the rows
 * that report adds: on a loaded machine one settle after the report was
 * not always enough, and the class labels were measured at width 0. A
 * label that stays at 0 is still caught, after the deadline. */
static void
show_page (GtkStack *views, const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (views, name);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 layout_deadline;

  g_assert_nonnull (page);
  gtk_stack_set_visible_child (views, page);
  settle ();
  while (TSU_IS_DATASET_VIEW (page) && tsu_dataset_view_get_busy (TSU_DATASET_VIEW (page))
         && g_get_monotonic_time () < deadline)
    settle ();
  settle ();
  layout_deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (has_unallocated_label (GTK_WIDGET (gtk_widget_get_root (page)))
         && g_get_monotonic_time () < layout_deadline)
    settle ();
}

/* The seed example in a 1024×700 window, shown and settled. */
static TsuWindow *
open_small_window (void)
{
  TsuWindow *window = test_window_new ();
  g_autofree char *path = example_path ("fashion-mnist-cnn.tsumiki");
  g_autoptr(GError) error = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), SMALL_WIDTH, SMALL_HEIGHT);
  g_assert_true (tsu_window_open_path (window, path, &error));
  g_assert_no_error (error);
  return present_settled (window);
}

static GtkStack *
views_of (TsuWindow *window)
{
  return GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), TSU_TYPE_WINDOW, "views"));
}

static GtkWidget *
template_child (TsuWindow *window, const char *name)
{
  GtkWidget *child = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), TSU_TYPE_WINDOW, name));

  g_assert_nonnull (child);
  return child;
}

static int
min_size (GtkWidget *widget, GtkOrientation orientation)
{
  int minimum, natural;

  gtk_widget_measure (widget, orientation, -1, &minimum, &natural, NULL, NULL);
  return minimum;
}

/* TSU_DUMP_SIZES=1 prints every widget's minimum width: which one makes
 * a page too wide. */
static void
dump_sizes (GtkWidget *w, int depth)
{
  g_test_message ("%*s%s %s min %d", depth * 2, "", G_OBJECT_TYPE_NAME (w), gtk_widget_get_css_name (w),
                  min_size (w, GTK_ORIENTATION_HORIZONTAL));
  if (depth < 14)
    for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
      dump_sizes (c, depth + 1);
}

static const char *const pages[] = { "edit", "data", "training", "evaluation" };

/* The window's minimum is the largest of its pages' (the stack is
 * homogeneous); each page is measured on its own too, so a failure says
 * which one is too wide. */
static void
test_minimum_size (void)
{
  TsuWindow *window = open_small_window ();
  GtkStack *views = views_of (window);
  GtkWidget *header = gtk_window_get_titlebar (GTK_WINDOW (window));

  if (g_getenv ("TSU_DUMP_SIZES"))
    dump_sizes (GTK_WIDGET (window), 0);
  g_test_message ("header bar minimum width %d", min_size (header, GTK_ORIENTATION_HORIZONTAL));
  g_test_message ("palette %d, canvas column %d, inspector %d",
                  min_size (template_child (window, "palette"), GTK_ORIENTATION_HORIZONTAL),
                  min_size (gtk_paned_get_start_child (GTK_PANED (template_child (window, "inner_paned"))),
                            GTK_ORIENTATION_HORIZONTAL),
                  min_size (template_child (window, "inspector"), GTK_ORIENTATION_HORIZONTAL));
  g_assert_cmpint (min_size (header, GTK_ORIENTATION_HORIZONTAL), <=, SMALL_WIDTH);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = gtk_stack_get_child_by_name (views, pages[i]);

      show_page (views, pages[i]);
      g_test_message ("page %s: minimum %d × %d", pages[i], min_size (page, GTK_ORIENTATION_HORIZONTAL),
                      min_size (page, GTK_ORIENTATION_VERTICAL));
      if (g_getenv ("TSU_DUMP_SIZES"))
        dump_sizes (page, 0);
      g_assert_cmpint (min_size (page, GTK_ORIENTATION_HORIZONTAL), <=, SMALL_WIDTH);
      g_assert_cmpint (min_size (page, GTK_ORIENTATION_VERTICAL), <=, SMALL_HEIGHT - 60);
    }
  g_assert_cmpint (min_size (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL), <=, SMALL_WIDTH);
  g_assert_cmpint (min_size (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL), <=, SMALL_HEIGHT);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Collects the labels drawn ellipsized (cut short with "…"), skipping
 * those that show a file path, which may be longer than any window. */
static void
collect_cut_labels (GtkWidget *root, GString *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_LABEL (child) && gtk_label_get_ellipsize (GTK_LABEL (child)) != PANGO_ELLIPSIZE_NONE
          && !gtk_widget_has_css_class (child, "subtitle")
          && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (child))))
        g_string_append_printf (out, " \"%s\"", gtk_label_get_text (GTK_LABEL (child)));
      collect_cut_labels (child, out);
    }
}

/* The width a widget was given, measured as gtk_widget_measure() does:
 * with its CSS border, padding and margins. */
static int
given_width (GtkWidget *widget)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (widget, widget, &bounds))
    return 0;
  return (int) bounds.size.width + gtk_widget_get_margin_start (widget) + gtk_widget_get_margin_end (widget);
}

/* A widget given less than its minimum is cut off at its parent's edge. */
static void
collect_squeezed (GtkWidget *root, GString *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      /* The theme draws the window's own buttons over their margins. */
      if (!gtk_widget_get_mapped (child) || GTK_IS_WINDOW_CONTROLS (child))
        continue;
      if ((GTK_IS_BUTTON (child) || GTK_IS_LABEL (child))
          && given_width (child) < min_size (child, GTK_ORIENTATION_HORIZONTAL))
        g_string_append_printf (out, " %s \"%s\" (%d < %d)", G_OBJECT_TYPE_NAME (child),
                                GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child))
                                  : gtk_widget_get_tooltip_text (child) ? gtk_widget_get_tooltip_text (child) : "",
                                given_width (child), min_size (child, GTK_ORIENTATION_HORIZONTAL));
      collect_squeezed (child, out);
    }
}

/* Whether an ancestor that clips its children hides part of the widget
 * across: a label wider than the inspector's page, say, is given its
 * minimum and cut off at the viewport's edge. Scrolled windows that
 * scroll sideways are allowed their overflow. */
static gboolean
clipped_across (GtkWidget *widget)
{
  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
    {
      GtkWidget *scroller = gtk_widget_get_parent (up);
      GtkPolicyType across = GTK_POLICY_NEVER;
      graphene_rect_t bounds;

      if (GTK_IS_SCROLLED_WINDOW (scroller))
        gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (scroller), &across, NULL);
      if ((gtk_widget_get_overflow (up) != GTK_OVERFLOW_HIDDEN && !GTK_IS_WINDOW (up)) || across != GTK_POLICY_NEVER)
        continue;
      if (gtk_widget_compute_bounds (widget, up, &bounds)
          && (bounds.origin.x < -0.5 || bounds.origin.x + bounds.size.width > gtk_widget_get_width (up) + 0.5))
        return TRUE;
    }
  return FALSE;
}

static void
collect_clipped (GtkWidget *root, GString *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child) || GTK_IS_WINDOW_CONTROLS (child))
        continue;
      if ((GTK_IS_BUTTON (child) || GTK_IS_LABEL (child)) && clipped_across (child))
        g_string_append_printf (out, " %s \"%s\" (clipped)", G_OBJECT_TYPE_NAME (child),
                                GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child)) : "");
      collect_clipped (child, out);
    }
}

static void
test_nothing_cut_at_small_size (void)
{
  TsuWindow *window = open_small_window ();
  GtkStack *views = views_of (window);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GString) cut = g_string_new (NULL);

      show_page (views, pages[i]);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, SMALL_WIDTH);
      collect_cut_labels (GTK_WIDGET (window), cut);
      collect_cut_labels (gtk_window_get_titlebar (GTK_WINDOW (window)), cut);
      collect_squeezed (GTK_WIDGET (window), cut);
      collect_clipped (GTK_WIDGET (window), cut);

      if (g_getenv ("TSU_SCREENSHOT_DIR"))
        {
          g_autofree char *name = g_strdup_printf ("layout-%s.png", pages[i]);
          g_autofree char *path = g_build_filename (g_getenv ("TSU_SCREENSHOT_DIR"), name, NULL);
          g_autoptr(GError) error = NULL;
          /* "Not drawn yet" (G_IO_ERROR) passes with another frame. */
          for (int tries = 0; !tsu_training_save_screenshot (GTK_WIDGET (window), path, &error)
                              && error->domain == G_IO_ERROR && tries < 20; tries++)
            {
              g_clear_error (&error);
              settle ();
            }
          g_assert_no_error (error);
        }
      if (cut->len > 0)
        g_test_message ("page %s, cut short:%s", pages[i], cut->str);
      g_assert_cmpuint (cut->len, ==, 0);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Whether a mapped button under root, given at least its minimum width,
 * activates action. */
static gboolean
action_shown (GtkWidget *root, const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_ACTIONABLE (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0
          && given_width (child) >= min_size (child, GTK_ORIENTATION_HORIZONTAL))
        return TRUE;
      if (action_shown (child, action))
        return TRUE;
    }
  return FALSE;
}

/* Whether the menu, its sections or submenus, has an item for action. */
static gboolean
menu_has_action (GMenuModel *menu, const char *action)
{
  for (int i = 0; menu && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SUBMENU);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_strcmp0 (name, action) == 0)
        return TRUE;
      if (menu_has_action (section, action) || menu_has_action (submenu, action))
        return TRUE;
    }
  return FALSE;
}

/* Every action of the Edit toolbar is a shown button, or an item of the
 * overflow menu when the canvas column is narrow. */
static void
test_toolbar_actions_reachable (void)
{
  static const char *const actions[] = { "graph.arrange", "win.zoom-out", "win.zoom-reset", "win.zoom-in",
                                         "win.zoom-fit", "win.statistic", "win.show-inspector" };
  TsuWindow *window = open_small_window ();
  GtkWidget *toolbar = template_child (window, "canvas_toolbar");
  GtkMenuButton *overflow = GTK_MENU_BUTTON (template_child (window, "toolbar_overflow"));
  GtkPaned *inner = GTK_PANED (template_child (window, "inner_paned"));
  gboolean narrow_hid_something = FALSE;

  /* As wide as the window gives, then the narrowest the paned allows
   * (its handle dragged to the left). */
  for (int pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        {
          gtk_paned_set_position (inner, 0);
          settle ();
        }
      for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
        {
          gboolean shown = action_shown (toolbar, actions[a]);
          gboolean in_menu = gtk_widget_get_mapped (GTK_WIDGET (overflow))
                             && menu_has_action (gtk_menu_button_get_menu_model (overflow), actions[a]);

          g_test_message ("canvas column %d px: %s %s", given_width (toolbar), actions[a],
                          shown ? "shown" : in_menu ? "in the overflow menu" : "unreachable");
          g_assert_true (shown || in_menu);
          narrow_hid_something |= pass == 1 && !shown;
        }
      g_assert_cmpint (given_width (toolbar), >=, min_size (toolbar, GTK_ORIENTATION_HORIZONTAL));
    }
  /* The narrow pass did need the menu: the test saw it used. */
  g_assert_true (narrow_hid_something);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_inspector_width_fixed (void)
{
  static const char *const selections[][3] = {
    { NULL }, { "conv1", NULL }, { "fc", NULL }, { "loss", NULL }, { "x", NULL }, { "conv1", "fc", NULL },
  };
  TsuWindow *window = open_small_window ();
  GtkWidget *inspector = GTK_WIDGET (tsu_window_get_inspector (window));
  int first = -1;

  for (guint i = 0; i < G_N_ELEMENTS (selections); i++)
    {
      tsu_canvas_select (tsu_window_get_canvas (window), (const char **) selections[i]);
      settle ();
      g_test_message ("selection %s: inspector %d px", selections[i][0] ? selections[i][0] : "(none)",
                      gtk_widget_get_width (inspector));
      if (g_getenv ("TSU_DUMP_SIZES"))
        dump_sizes (inspector, 0);
      if (first < 0)
        first = gtk_widget_get_width (inspector);
      g_assert_cmpint (gtk_widget_get_width (inspector), ==, first);
      /* Each page of the inspector shows its text whole. */
      {
        g_autoptr(GString) cut = g_string_new (NULL);

        collect_cut_labels (inspector, cut);
        collect_squeezed (inspector, cut);
        collect_clipped (inspector, cut);
        if (cut->len > 0)
          g_test_message ("selection %s, cut short:%s", selections[i][0] ? selections[i][0] : "(none)", cut->str);
        g_assert_cmpuint (cut->len, ==, 0);
      }

    }
  g_assert_cmpint (first, >, 200);

  /* Hidden with the toggle, it gives the canvas its room; shown again, it
   * has the same width. */
  {
    GtkWidget *toggle = template_child (window, "inspector_toggle");
    GtkWidget *canvas = GTK_WIDGET (tsu_window_get_canvas (window));
    int canvas_width = gtk_widget_get_width (canvas);

    g_signal_emit_by_name (toggle, "clicked");
    settle ();
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
    g_assert_false (gtk_widget_get_mapped (inspector));
    g_assert_cmpint (gtk_widget_get_width (canvas), >=, canvas_width + first);
    g_signal_emit_by_name (toggle, "clicked");
    settle ();
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
    g_assert_true (gtk_widget_get_mapped (inspector));
    g_assert_cmpint (gtk_widget_get_width (inspector), ==, first);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Under LANGUAGE=ja (meson's layout-ja) the pages are measured in
 * Japanese, as app/main.c sets up the program: a machine without the
 * ja_JP.UTF-8 locale skips (77); one without the catalogue fails. */
static int
set_up_language (void)
{
  const char *language = g_getenv ("LANGUAGE");
  const char *messages;

  tsu_i18n_init ();
  textdomain (TSU_GETTEXT_DOMAIN);
  if (language == NULL || !g_str_has_prefix (language, "ja"))
    return 0;
  /* gtk_test_init sets en_US.UTF-8: take the environment's again. */
  messages = setlocale (LC_ALL, "") ? setlocale (LC_MESSAGES, NULL) : NULL;
  if (messages == NULL || !g_str_has_prefix (messages, "ja"))
    {
      g_printerr ("SKIP: no ja_JP.UTF-8 locale (locale-gen ja_JP.UTF-8)\n");
      return 77;
    }
  g_assert_cmpstr (_("Edit"), ==, "編集");
  return 0;
}

/* At 700 px high the Training page's config panel scrolls: its last row
 * (Warm-up epochs) can be scrolled into the panel's view. */
static void
test_training_config_reachable (void)
{
  TsuWindow *window = open_small_window ();
  GtkStack *views = views_of (window);
  GtkWidget *config, *scrolled, *last;
  GtkAdjustment *v;
  graphene_rect_t bounds;

  show_page (views, "training");
  config = GTK_WIDGET (gtk_widget_get_template_child (gtk_stack_get_child_by_name (views, "training"),
                                                      TSU_TYPE_TRAINING_VIEW, "config"));
  g_assert_nonnull (config);
  scrolled = gtk_widget_get_ancestor (config, GTK_TYPE_SCROLLED_WINDOW);
  last = GTK_WIDGET (gtk_widget_get_template_child (config, g_type_from_name ("TsuTrainingConfig"), "warmup_epochs"));
  g_assert_nonnull (last);
  v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (v, gtk_adjustment_get_upper (v));
  settle ();
  g_assert_true (gtk_widget_compute_bounds (last, scrolled, &bounds));
  g_test_message ("panel %d px high, warm-up epochs at %.0f..%.0f, scroll %.0f of %.0f, config %d min %d",
                  gtk_widget_get_height (scrolled), bounds.origin.y, bounds.origin.y + bounds.size.height,
                  gtk_adjustment_get_value (v), gtk_adjustment_get_upper (v), gtk_widget_get_height (config),
                  min_size (config, GTK_ORIENTATION_VERTICAL));
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (scrolled));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;
  int skip;

  gtk_test_init (&argc, &argv, NULL);
  if ((skip = set_up_language ()) != 0)
    return skip;
  tsu_resources_ensure ();
  /* The application's style sheet: its paddings count in the sizes. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/tsumiki/Tsumiki/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_test_add_func ("/layout/minimum-size", test_minimum_size);
  g_test_add_func ("/layout/nothing-cut-at-1024x700", test_nothing_cut_at_small_size);
  g_test_add_func ("/layout/toolbar-actions-reachable", test_toolbar_actions_reachable);
  g_test_add_func ("/layout/inspector-width-fixed", test_inspector_width_fixed);
  g_test_add_func ("/layout/training-config-reachable", test_training_config_reachable);
  return g_test_run ();
}
