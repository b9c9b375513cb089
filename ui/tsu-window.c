/* tsu-window.c — the main window's parts and how they talk: the canvas's
 * selection drives the inspector, the palette adds to the canvas, the model
 * drives the title and the problem list. */
#include "tsu-window-private.h"
#include "tsu-overflow-box.h"

#include <string.h>

G_DEFINE_FINAL_TYPE (TsuWindow, tsu_window, GTK_TYPE_APPLICATION_WINDOW)

static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();

  if (home != NULL && g_str_has_prefix (path, home) && path[strlen (home)] == '/')
    return g_strconcat ("~", path + strlen (home), NULL);
  return g_strdup (path);
}

static void
update_title (TsuWindow *self)
{
  g_autofree char *name = tsu_graph_model_dup_title (self->model);
  gboolean dirty = tsu_graph_model_get_dirty (self->model);
  const char *path = tsu_graph_model_get_path (self->model);
  g_autofree char *title = g_strdup_printf ("%s%s", name, dirty ? " •" : "");
  g_autofree char *window_title = g_strdup_printf ("%s%s — Tsumiki", dirty ? "• " : "", name);
  g_autofree char *shown_path = path ? display_path (path) : g_strdup (_("Not saved yet"));

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->subtitle_label, shown_path);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

static GtkWidget *
make_problem_row (const tsu_error *error)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  GtkWidget *label = gtk_label_new (error->message);

  gtk_widget_add_css_class (icon, "error");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_add_css_class (row, "problem-row");
  if (error->node[0] != '\0')
    gtk_widget_set_tooltip_text (row, _("Show this layer"));
  g_object_set_data_full (G_OBJECT (row), "tsu-node", g_strdup (error->node), g_free);
  return row;
}

static void
update_problems (TsuWindow *self)
{
  const tsu_diag *diag = tsu_graph_model_get_diag (self->model);
  g_autofree char *title = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_list))) != NULL)
    gtk_list_box_remove (self->problems_list, child);
  for (int i = 0; i < diag->count; i++)
    gtk_list_box_append (self->problems_list, make_problem_row (&diag->items[i]));
  title = g_strdup_printf (ngettext_ ("%d problem", "%d problems", diag->count), diag->count);
  gtk_label_set_text (self->problems_title, title);
  gtk_revealer_set_reveal_child (self->problems_revealer, diag->count > 0);
}

static void
on_model_changed (TsuWindow *self)
{
  update_title (self);
  update_problems (self);
  tsu_window_update_actions (self);
  tsu_window_on_model_changed_files (self);
}

static void
on_problem_activated (TsuWindow *self, GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "tsu-node");

  if (id != NULL && id[0] != '\0')
    tsu_canvas_reveal_node (self->canvas, id);
}

static void
on_canvas_selection_changed (TsuWindow *self)
{
  g_auto(GStrv) ids = tsu_canvas_dup_selection (self->canvas);

  tsu_inspector_show (self->inspector, tsu_canvas_get_single_selection (self->canvas), g_strv_length (ids));
}

static void
on_canvas_view_changed (TsuWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%.0f %%", tsu_canvas_get_zoom (self->canvas) * 100);

  gtk_button_set_label (self->zoom_button, text);
  tsu_window_update_actions (self);
}

static void
on_palette_layer_activated (TsuWindow *self, const char *type)
{
  tsu_canvas_add_below_selection (self->canvas, type);
}

/* GTK 4.8's dark and inverse high-contrast themes keep the light theme's
 * #cc0000 as the error colour, under 3:1 on their dark bases: style.css
 * gives errors a lighter red in a window marked .tsu-dark. The style is
 * read once it has been recomputed for the new theme. */
static gboolean
update_theme_class (gpointer user_data)
{
  TsuWindow *self = user_data;
  TsuPaletteKind kind = tsu_canvas_style_palette (GTK_WIDGET (self->canvas));

  self->theme_idle = 0;
  if (kind == TSU_PALETTE_DARK || kind == TSU_PALETTE_HIGH_CONTRAST_INVERSE)
    gtk_widget_add_css_class (GTK_WIDGET (self), "tsu-dark");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "tsu-dark");
  return G_SOURCE_REMOVE;
}

static void
on_theme_changed (TsuWindow *self)
{
  if (self->theme_idle == 0)
    self->theme_idle = g_idle_add (update_theme_class, self);
}

/* The inspector keeps one width whatever page it shows; GtkPaned would
 * follow its natural width otherwise, and the canvas would jump. That
 * width is the inspector's own request (its template's width-request). */
static gboolean
fix_inspector_width (gpointer user_data)
{
  TsuWindow *self = user_data;
  int inner = gtk_widget_get_width (GTK_WIDGET (self->inner_paned));
  int inspector, unused;

  self->inspector_idle = 0;
  gtk_widget_measure (GTK_WIDGET (self->inspector), GTK_ORIENTATION_HORIZONTAL, -1, &inspector, &unused,
                      NULL, NULL);
  if (inner > 0)
    gtk_paned_set_position (self->inner_paned, inner - inspector);
  return G_SOURCE_REMOVE;
}

static void
queue_fix_inspector_width (TsuWindow *self)
{
  if (self->inspector_idle == 0)
    self->inspector_idle = g_idle_add (fix_inspector_width, self);
}

static void
on_window_map (TsuWindow *self)
{
  queue_fix_inspector_width (self);
  on_theme_changed (self);
}

/* win.show-inspector: the toolbar's toggle hides the inspector, giving the
 * canvas its room on a small screen. */
static void
setup_inspector_toggle (TsuWindow *self)
{
  g_autoptr(GPropertyAction) action = g_property_action_new ("show-inspector", self->inspector, "visible");

  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
  g_signal_connect_swapped (self->inspector, "notify::visible", G_CALLBACK (queue_fix_inspector_width), self);
}

static void
tsu_window_dispose (GObject *object)
{
  TsuWindow *self = TSU_WINDOW (object);

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  g_clear_handle_id (&self->inspector_idle, g_source_remove);
  g_clear_handle_id (&self->theme_idle, g_source_remove);
  g_signal_handlers_disconnect_by_data (gtk_widget_get_settings (GTK_WIDGET (self)), self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  /* The header bar is not a bound child: it is the window's titlebar, which
   * GtkWindow itself unparents. */
  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_WINDOW);
  G_OBJECT_CLASS (tsu_window_parent_class)->dispose (object);
}

static void
tsu_window_finalize (GObject *object)
{
  TsuWindow *self = TSU_WINDOW (object);

  g_clear_object (&self->model);
  g_clear_object (&self->graph_actions);
  g_free (self->recovery_path_shown);
  tsu_window_finalize_training (self);
  G_OBJECT_CLASS (tsu_window_parent_class)->finalize (object);
}

static void
tsu_window_class_init (TsuWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_window_dispose;
  object_class->finalize = tsu_window_finalize;

  g_type_ensure (TSU_TYPE_PALETTE);
  g_type_ensure (TSU_TYPE_CANVAS);
  g_type_ensure (TSU_TYPE_INSPECTOR);
  g_type_ensure (TSU_TYPE_OVERFLOW_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/tsumiki/Tsumiki/ui/window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, recovery_revealer);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, views);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, palette);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, canvas_overlay);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, problems_revealer);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, problems_title);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, problems_list);
  gtk_widget_class_bind_template_child (widget_class, TsuWindow, recent_section);
  /* Not kept in the struct; bound so that tests can find them. */
  gtk_widget_class_bind_template_child_full (widget_class, "canvas_toolbar", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "toolbar_overflow", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "inspector_toggle", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, on_problem_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_view_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_palette_layer_activated);
}

static void
tsu_window_init (TsuWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->model = tsu_graph_model_new ();
  g_signal_connect_swapped (self->model, "changed", G_CALLBACK (on_model_changed), self);
  tsu_canvas_set_model (self->canvas, self->model);
  tsu_inspector_set_model (self->inspector, self->model);

  tsu_window_setup_actions (self);
  tsu_window_setup_training (self);
  tsu_window_setup_files (self);
  on_model_changed (self);
  on_canvas_view_changed (self);
  setup_inspector_toggle (self);
  g_signal_connect (self, "map", G_CALLBACK (on_window_map), NULL);
  g_signal_connect_swapped (gtk_widget_get_settings (GTK_WIDGET (self)), "notify::gtk-theme-name",
                            G_CALLBACK (on_theme_changed), self);
  g_signal_connect_swapped (gtk_widget_get_settings (GTK_WIDGET (self)), "notify::gtk-application-prefer-dark-theme",
                            G_CALLBACK (on_theme_changed), self);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

TsuWindow *
tsu_window_new (GtkApplication *application)
{
  return g_object_new (TSU_TYPE_WINDOW, "application", application, NULL);
}

TsuGraphModel *
tsu_window_get_model (TsuWindow *self)
{
  return self->model;
}

TsuCanvas *
tsu_window_get_canvas (TsuWindow *self)
{
  return self->canvas;
}

TsuInspector *
tsu_window_get_inspector (TsuWindow *self)
{
  return self->inspector;
}

TsuPalette *
tsu_window_get_palette (TsuWindow *self)
{
  return self->palette;
}

void
tsu_window_set_view_page (TsuWindow *self, const char *name, GtkWidget *page)
{
  GtkWidget *old = gtk_stack_get_child_by_name (self->views, name);
  g_autofree char *title = NULL;
  gboolean visible;

  g_return_if_fail (old != NULL && name != NULL && page != NULL);
  title = g_strdup (gtk_stack_page_get_title (gtk_stack_get_page (self->views, old)));
  visible = gtk_stack_get_visible_child (self->views) == old;
  gtk_stack_remove (self->views, old);
  gtk_stack_add_titled (self->views, page, name, title);
  /* Keep Edit | Training | Evaluation in that order. */
  if (g_strcmp0 (name, "training") == 0)
    {
      GtkWidget *evaluation = gtk_stack_get_child_by_name (self->views, "evaluation");
      if (evaluation != NULL)
        {
          g_autofree char *evaluation_title = g_strdup (gtk_stack_page_get_title (gtk_stack_get_page (self->views, evaluation)));
          g_object_ref (evaluation);
          gtk_stack_remove (self->views, evaluation);
          gtk_stack_add_titled (self->views, evaluation, "evaluation", evaluation_title);
          g_object_unref (evaluation);
        }
    }
  if (visible)
    gtk_stack_set_visible_child (self->views, page);
}
