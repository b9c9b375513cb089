/* tsu-window-actions.c — the window's actions. "win." acts on files and
 * the view, "graph." on the document; accelerators are set by the
 * application (tsu-application.c) and listed in the shortcuts window. Keys
 * that mean something else in text fields (Delete, Ctrl+C, ...) are canvas
 * bindings instead, see tsu-canvas-input.c. */
#include "tsu-window-private.h"

static void
on_undo (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;
  tsu_graph_model_undo (self->model);
}

static void
on_redo (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;
  tsu_graph_model_redo (self->model);
}

static void
on_arrange (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;

  tsu_graph_model_arrange (self->model);
  tsu_canvas_zoom_to_fit (self->canvas);
}

static void
on_open (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_open_dialog (user_data);
}

static void
open_recent_now (TsuWindow *self, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!tsu_window_open_path (self, data, &error))
    g_warning ("%s", error->message);
}

static void
on_open_recent (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_confirm_discard (user_data, open_recent_now, g_variant_dup_string (parameter, NULL), g_free);
}

static void
new_from_template_now (TsuWindow *self, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!tsu_window_new_from_template (self, data, &error))
    g_warning ("%s", error->message);
}

static void
on_new_from_template (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_confirm_discard (user_data, new_from_template_now, g_variant_dup_string (parameter, NULL), g_free);
}

static void
on_new (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;

  /* Ctrl+N opens the template menu in the header bar. */
  gtk_menu_button_popup (self->new_button);
}

static void
on_save (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_save (user_data);
}

static void
on_save_as (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_save_as_dialog (user_data);
}

static void
on_export (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_export_dialog (user_data);
}

static void
on_export_model (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_export_model_dialog (user_data);
}

static void
on_recover (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_recover (user_data);
}

static void
on_discard_recovery (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_window_discard_recovery (user_data);
}

static void
on_zoom_in (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_canvas_zoom_by (TSU_WINDOW (user_data)->canvas, 1.25);
}

static void
on_zoom_out (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_canvas_zoom_by (TSU_WINDOW (user_data)->canvas, 0.8);
}

static void
on_zoom_reset (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_canvas_zoom_reset (TSU_WINDOW (user_data)->canvas);
}

static void
on_zoom_fit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tsu_canvas_zoom_to_fit (TSU_WINDOW (user_data)->canvas);
}

static void
on_statistic (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;
  const char *mode = g_variant_get_string (parameter, NULL);

  g_simple_action_set_state (action, parameter);
  tsu_canvas_set_stat_mode (self->canvas, g_str_equal (mode, "macs") ? TSU_STAT_MACS : TSU_STAT_PARAMS);
}

static void
on_search (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;

  gtk_stack_set_visible_child_name (self->views, "edit");
  tsu_palette_focus_search (self->palette);
}

static void
on_view (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;
  gtk_stack_set_visible_child_name (self->views, g_variant_get_string (parameter, NULL));
}

static void
on_insert_layer (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;
  const char *type = tsu_palette_get_selected_type (self->palette);

  if (type == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  tsu_canvas_insert_above_selection (self->canvas, type);
}

static void
on_add_layer (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;
  tsu_canvas_add_below_selection (self->canvas, g_variant_get_string (parameter, NULL));
}

static void
on_edit_layer (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TsuWindow *self = user_data;
  tsu_inspector_focus_editor (self->inspector);
}

static const GActionEntry window_entries[] = {
  { "new", on_new, NULL, NULL, NULL },
  { "new-from-template", on_new_from_template, "s", NULL, NULL },
  { "open", on_open, NULL, NULL, NULL },
  { "open-recent", on_open_recent, "s", NULL, NULL },
  { "save", on_save, NULL, NULL, NULL },
  { "save-as", on_save_as, NULL, NULL, NULL },
  { "export", on_export, NULL, NULL, NULL },
  { "export-model", on_export_model, NULL, NULL, NULL },
  { "recover", on_recover, NULL, NULL, NULL },
  { "discard-recovery", on_discard_recovery, NULL, NULL, NULL },
  { "zoom-in", on_zoom_in, NULL, NULL, NULL },
  { "zoom-out", on_zoom_out, NULL, NULL, NULL },
  { "zoom-reset", on_zoom_reset, NULL, NULL, NULL },
  { "zoom-fit", on_zoom_fit, NULL, NULL, NULL },
  { "statistic", on_statistic, "s", "'params'", NULL },
  { "search", on_search, NULL, NULL, NULL },
  { "view", on_view, "s", NULL, NULL },
  { "insert-layer", on_insert_layer, NULL, NULL, NULL },
  { "add-layer", on_add_layer, "s", NULL, NULL },
  { "edit-layer", on_edit_layer, NULL, NULL, NULL },
};

static const GActionEntry graph_entries[] = {
  { "undo", on_undo, NULL, NULL, NULL },
  { "redo", on_redo, NULL, NULL, NULL },
  { "arrange", on_arrange, NULL, NULL, NULL },
};

void
tsu_window_setup_actions (TsuWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_entries, G_N_ELEMENTS (window_entries), self);
  self->graph_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->graph_actions), graph_entries,
                                   G_N_ELEMENTS (graph_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "graph", G_ACTION_GROUP (self->graph_actions));
}

static void
set_enabled (GActionMap *map, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (map, name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
tsu_window_update_actions (TsuWindow *self)
{
  if (self->graph_actions == NULL)
    return;
  set_enabled (G_ACTION_MAP (self->graph_actions), "undo", tsu_graph_model_can_undo (self->model));
  set_enabled (G_ACTION_MAP (self->graph_actions), "redo", tsu_graph_model_can_redo (self->model));

  /* Say what would be undone: "Undo Change outmaps (Ctrl+Z)". */
  {
    const char *undo = tsu_graph_model_get_undo_label (self->model);
    const char *redo = tsu_graph_model_get_redo_label (self->model);
    /* TRANSLATORS: %s is what would be undone or redone, e.g. "Change outmaps". */
    g_autofree char *undo_text = undo ? g_strdup_printf (_("Undo %s (Ctrl+Z)"), undo) : g_strdup (_("Undo (Ctrl+Z)"));
    g_autofree char *redo_text = redo ? g_strdup_printf (_("Redo %s (Ctrl+Shift+Z)"), redo)
                                      : g_strdup (_("Redo (Ctrl+Shift+Z)"));

    if (self->undo_button != NULL)
      gtk_widget_set_tooltip_text (self->undo_button, undo_text);
    if (self->redo_button != NULL)
      gtk_widget_set_tooltip_text (self->redo_button, redo_text);
  }
}
