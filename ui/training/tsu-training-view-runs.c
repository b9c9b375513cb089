/* tsu-training-view-runs.c — the Training page's results list: every run
 * of the project with its date or name, epochs, best validation loss and
 * accuracy, how it ended and a note; select to see its curves, tick to
 * overlay it in a colour of its own; open its network, rename, delete. */
#include "tsu-training-view-private.h"
#include "tsu-i18n.h"

#include <string.h>

enum { RUNS_CHANGED, OPEN_PROJECT, N_RUN_SIGNALS };
static guint run_signals[N_RUN_SIGNALS];

/* Ticked runs take these in list order. Mid-luminance hues apart from the
 * live curves' purple and orange, readable on light and dark backgrounds;
 * a seventh ticked run repeats the first colour. */
static const GdkRGBA overlay_palette[] = {
  { 0.00, 0.62, 0.45, 1 }, /* green */
  { 0.34, 0.71, 0.91, 1 }, /* sky blue */
  { 0.80, 0.47, 0.65, 1 }, /* pink */
  { 0.85, 0.65, 0.13, 1 }, /* gold */
  { 0.09, 0.75, 0.81, 1 }, /* cyan */
  { 0.84, 0.15, 0.16, 1 }, /* red */
};

gboolean
tsu_training_view_overlay_color (TsuTrainingView *self,
                                 const char      *run_dir,
                                 GdkRGBA         *color)
{
  guint k = 0;

  for (guint r = 0; self->runs && r < self->runs->len; r++)
    {
      const TsuRunInfo *run = g_ptr_array_index (self->runs, r);
      if (!g_hash_table_contains (self->overlaid, run->dir))
        continue;
      if (g_strcmp0 (run->dir, run_dir) == 0)
        {
          *color = overlay_palette[k % G_N_ELEMENTS (overlay_palette)];
          return TRUE;
        }
      k++;
    }
  return FALSE;
}

static void
runs_changed (TsuTrainingView *self)
{
  tsu_training_view_scan_runs (self);
  g_signal_emit (self, run_signals[RUNS_CHANGED], 0);
}

/* ------------------------------------------------------------ rows */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  TsuTrainingView *self = data;
  GdkRGBA color;

  if (!tsu_training_view_overlay_color (self, g_object_get_data (G_OBJECT (area), "run-dir"), &color))
    return;
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 3);
  cairo_move_to (cr, 1, height / 2.0);
  cairo_line_to (cr, width - 1, height / 2.0);
  cairo_stroke (cr);
}

static void
queue_swatches (TsuTrainingView *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->run_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *swatch = g_object_get_data (G_OBJECT (row), "swatch");
      if (swatch)
        gtk_widget_queue_draw (swatch);
    }
}

static void
on_overlay_toggled (GtkCheckButton  *check,
                    TsuTrainingView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (check), "run-dir");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->overlaid, g_strdup (dir));
  else
    g_hash_table_remove (self->overlaid, dir);
  self->overlay_generation++;
  queue_swatches (self);
  tsu_training_view_update_plots (self);
}

static void
commit_note (GtkEntry        *entry,
             TsuTrainingView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (entry), "run-dir");
  const char *saved = g_object_get_data (G_OBJECT (entry), "saved-note");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  tsu_diag diag;

  if (g_strcmp0 (text, saved ? saved : "") == 0)
    return;
  tsu_diag_init (&diag);
  if (tsu_run_set_note (dir, text, &diag) == TSU_OK)
    g_object_set_data_full (G_OBJECT (entry), "saved-note", g_strdup (text), g_free);
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (entry), tsu_diag_message (&diag, _("cannot save the note")));
  tsu_diag_free (&diag);
}

static void
on_note_focus_leave (GtkEventControllerFocus *focus,
                     TsuTrainingView         *self)
{
  commit_note (GTK_ENTRY (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (focus))), self);
}

static GtkWidget *
make_note_entry (TsuTrainingView  *self,
                 const TsuRunInfo *run)
{
  GtkWidget *entry = gtk_entry_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Add a note…"));
  gtk_entry_set_has_frame (GTK_ENTRY (entry), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (entry), run->note ? run->note : "");
  gtk_widget_add_css_class (entry, "caption");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note"), -1);
  g_object_set_data_full (G_OBJECT (entry), "run-dir", g_strdup (run->dir), g_free);
  g_object_set_data_full (G_OBJECT (entry), "saved-note", g_strdup (run->note), g_free);
  g_signal_connect (entry, "activate", G_CALLBACK (commit_note), self);
  g_signal_connect (focus, "leave", G_CALLBACK (on_note_focus_leave), self);
  gtk_widget_add_controller (entry, focus);
  return entry;
}

static GtkWidget *
make_run_menu (const TsuRunInfo *run)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  static const struct { const char *label, *action; } items[] = {
    { N_("_Open This Run's Network"), "training.open-run" },
    { N_("_Rename…"), "training.rename-run" },
    { N_("_Delete…"), "training.delete-run" },
  };
  GtkWidget *button = gtk_menu_button_new ();

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), NULL);
      g_menu_item_set_action_and_target_value (item, items[i].action, g_variant_new_string (run->dir));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, _("Open, rename or delete this run"));
  return button;
}

/* A right click on a row opens the same menu as its ⋮ button. */
static void
on_row_secondary_click (GtkGestureClick *gesture,
                        int              n_press,
                        double           x,
                        double           y,
                        GtkMenuButton   *menu)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (menu);
}

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
make_run_row (TsuTrainingView  *self,
              const TsuRunInfo *run,
              gboolean          active)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *tick = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 1);
  g_autofree char *detail = tsu_run_info_describe (run, active);
  g_autofree char *best = tsu_run_info_describe_best (run);

  g_object_set_data_full (G_OBJECT (check), "run-dir", g_strdup (run->dir), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->overlaid, run->dir));
  gtk_widget_set_tooltip_text (check, _("Overlay this run's curves"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Overlay run"), -1);
  g_signal_connect (check, "toggled", G_CALLBACK (on_overlay_toggled), self);
  gtk_widget_set_sensitive (check, run->epochs->len > 0);
  g_object_set_data_full (G_OBJECT (swatch), "run-dir", g_strdup (run->dir), g_free);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 18);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 6);
  gtk_widget_set_halign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, self, NULL);
  gtk_box_append (GTK_BOX (tick), check);
  gtk_box_append (GTK_BOX (tick), swatch);

  gtk_box_append (GTK_BOX (text), make_label (run->title, "heading"));
  gtk_box_append (GTK_BOX (text), make_label (detail, "caption"));
  if (*best)
    gtk_box_append (GTK_BOX (text), make_label (best, "caption"));
  gtk_box_append (GTK_BOX (text), make_note_entry (self, run));
  gtk_widget_set_hexpand (text, TRUE);

  gtk_box_append (GTK_BOX (box), tick);
  gtk_box_append (GTK_BOX (box), text);
  GtkWidget *menu = make_run_menu (run);
  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_row_secondary_click), menu);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));
  gtk_box_append (GTK_BOX (box), menu);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, run->problem ? run->problem : run->reason ? run->reason : run->dir);
  g_object_set_data_full (G_OBJECT (row), "run-dir", g_strdup (run->dir), g_free);
  g_object_set_data (G_OBJECT (row), "swatch", swatch);
  return row;
}

static void
select_row_of (TsuTrainingView *self,
               const char      *run_dir)
{
  self->filling_runs = TRUE;
  gtk_list_box_unselect_all (self->run_list);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->run_list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && tsu_run_dir_equal (g_object_get_data (G_OBJECT (row), "run-dir"), run_dir))
      gtk_list_box_select_row (self->run_list, GTK_LIST_BOX_ROW (row));
  self->filling_runs = FALSE;
}

static void
on_row_selected (GtkListBox      *list,
                 GtkListBoxRow   *row,
                 TsuTrainingView *self)
{
  if (self->filling_runs || !row)
    return;
  g_free (self->selected_run);
  self->selected_run = g_strdup (g_object_get_data (G_OBJECT (row), "run-dir"));
  self->overlay_generation++;
  tsu_training_view_update_plots (self);
}

/* The selection survives a rescan; a new project, or a selection whose run
 * is gone, starts at the newest run, so a reopened project shows its last
 * curves at once. */
static void
keep_selection (TsuTrainingView *self)
{
  gboolean found = FALSE;

  for (guint i = 0; self->selected_run && i < self->runs->len; i++)
    found |= tsu_run_dir_equal (((TsuRunInfo *) g_ptr_array_index (self->runs, i))->dir, self->selected_run);
  if (!found)
    {
      g_free (self->selected_run);
      self->selected_run = self->runs->len > 0
        ? g_strdup (((TsuRunInfo *) g_ptr_array_index (self->runs, 0))->dir) : NULL;
    }
  select_row_of (self, self->selected_run);
}

void
tsu_training_view_scan_runs (TsuTrainingView *self)
{
  const tsu_project *project = self->project_func ? self->project_func (self->project_data) : NULL;
  TsuTrainingHistory *history = tsu_training_controller_get_history (self->controller);
  const char *live = tsu_training_history_get_run_dir (history);
  gboolean active = tsu_training_controller_is_running (self->controller);
  g_autofree char *runs_dir = NULL;
  GtkWidget *child;

  if (project && tsu_project_path (project))
    runs_dir = tsu_run_list_dir_for_project (tsu_project_path (project));
  else if (self->run_out_dir)
    runs_dir = g_path_get_dirname (self->run_out_dir);

  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = tsu_run_list_scan (runs_dir);
  self->overlay_generation++;

  self->filling_runs = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->run_list))))
    gtk_list_box_remove (self->run_list, child);
  self->filling_runs = FALSE;
  for (guint i = 0; i < self->runs->len; i++)
    {
      const TsuRunInfo *run = g_ptr_array_index (self->runs, i);
      gtk_list_box_append (self->run_list, make_run_row (self, run, active && tsu_run_dir_equal (run->dir, live)));
    }
  if (self->runs->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No runs yet. Each run is kept in a folder\nbeside the project file."));
      gtk_widget_add_css_class (empty, "dim-label");
      gtk_widget_set_margin_top (empty, 24);
      gtk_list_box_set_placeholder (self->run_list, empty);
    }
  keep_selection (self);
  tsu_training_view_update_plots (self);
}

void
tsu_training_view_set_overlay (TsuTrainingView *self,
                               const char      *run_dir,
                               gboolean         overlay)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->run_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "run-dir"), run_dir) != 0)
        continue;
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      GtkWidget *tick = gtk_widget_get_first_child (box);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (gtk_widget_get_first_child (tick)), overlay);
      return;
    }
}

void
tsu_training_view_select_run (TsuTrainingView *self,
                              const char      *run_dir)
{
  g_free (self->selected_run);
  self->selected_run = g_strdup (run_dir);
  select_row_of (self, run_dir);
  self->overlay_generation++;
  tsu_training_view_update_plots (self);
}

const char *
tsu_training_view_get_selected_run (TsuTrainingView *self)
{
  return self->selected_run;
}

/* ------------------------------------------------------------ edits */

static gboolean
diag_to_error (tsu_status  status,
               tsu_diag   *diag,
               GError    **error)
{
  if (status != TSU_OK)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, tsu_diag_message (diag, _("failed")));
  tsu_diag_free (diag);
  return status == TSU_OK;
}

gboolean
tsu_training_view_rename_run (TsuTrainingView  *self,
                              const char       *run_dir,
                              const char       *name,
                              GError          **error)
{
  tsu_diag diag;

  tsu_diag_init (&diag);
  if (!diag_to_error (tsu_run_set_name (run_dir, name, &diag), &diag, error))
    return FALSE;
  runs_changed (self);
  return TRUE;
}

gboolean
tsu_training_view_delete_run (TsuTrainingView  *self,
                              const char       *run_dir,
                              GError          **error)
{
  const tsu_project *project = self->project_func ? self->project_func (self->project_data) : NULL;
  TsuTrainingHistory *history = tsu_training_controller_get_history (self->controller);
  tsu_diag diag;

  if (tsu_training_controller_is_running (self->controller)
      && tsu_run_dir_equal (run_dir, tsu_training_history_get_run_dir (history)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("this run is training: stop it first"));
      return FALSE;
    }
  tsu_diag_init (&diag);
  g_autofree char *project_path = project && tsu_project_path (project)
    ? g_canonicalize_filename (tsu_project_path (project), NULL) : NULL;
  if (!diag_to_error (tsu_run_delete (project_path, run_dir, &diag), &diag, error))
    return FALSE;
  g_hash_table_remove (self->overlaid, run_dir);
  runs_changed (self);
  return TRUE;
}

static void
show_error (TsuTrainingView *self,
            const char      *primary,
            const char      *secondary)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const TsuRunInfo *
find_run (TsuTrainingView *self,
          const char      *run_dir)
{
  for (guint r = 0; self->runs && r < self->runs->len; r++)
    if (g_strcmp0 (((TsuRunInfo *) g_ptr_array_index (self->runs, r))->dir, run_dir) == 0)
      return g_ptr_array_index (self->runs, r);
  return NULL;
}

static void
open_run_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       data)
{
  TsuTrainingView *self = data;
  g_autofree char *project = tsu_run_path (g_variant_get_string (parameter, NULL), TSU_RUN_PROJECT);

  if (!g_file_test (project, G_FILE_TEST_IS_REGULAR))
    show_error (self, _("This run kept no copy of its network"), project);
  else
    g_signal_emit (self, run_signals[OPEN_PROJECT], 0, project);
}

static void
on_delete_response (GtkDialog       *dialog,
                    int              response,
                    TsuTrainingView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (dialog), "run-dir");
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && !tsu_training_view_delete_run (self, dir, &error))
    show_error (self, _("The run could not be deleted"), error->message);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
delete_run_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       data)
{
  TsuTrainingView *self = data;
  const TsuRunInfo *run = find_run (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (!run)
    return;
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, _("Delete the run “%s”?"), run->title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("Its weights, history and saved evaluations in %s are "
                                            "removed. This cannot be undone."), run->dir);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_widget_add_css_class (gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete"), GTK_RESPONSE_ACCEPT),
                            "destructive-action");
  g_object_set_data_full (G_OBJECT (dialog), "run-dir", g_strdup (run->dir), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_rename_response (GtkDialog       *dialog,
                    int              response,
                    TsuTrainingView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (dialog), "run-dir");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT
      && !tsu_training_view_rename_run (self, dir, gtk_editable_get_text (entry), &error))
    show_error (self, _("The run could not be renamed"), error->message);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
rename_run_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       data)
{
  TsuTrainingView *self = data;
  const TsuRunInfo *run = find_run (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog, *entry;

  if (!run)
    return;
  dialog = gtk_dialog_new_with_buttons (_("Rename Run"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                        _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Rename"), GTK_RESPONSE_ACCEPT, NULL);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), run->title);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("empty: the run's date"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_widget_set_margin_start (entry, 12);
  gtk_widget_set_margin_end (entry, 12);
  gtk_widget_set_margin_top (entry, 12);
  gtk_widget_set_margin_bottom (entry, 12);
  gtk_box_append (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), entry);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_object_set_data_full (G_OBJECT (dialog), "run-dir", g_strdup (run->dir), g_free);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect (dialog, "response", G_CALLBACK (on_rename_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry run_action_entries[] = {
  { .name = "open-run", .activate = open_run_activated, .parameter_type = "s" },
  { .name = "rename-run", .activate = rename_run_activated, .parameter_type = "s" },
  { .name = "delete-run", .activate = delete_run_activated, .parameter_type = "s" },
};

void
tsu_training_view_add_run_actions (TsuTrainingView *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), run_action_entries,
                                   G_N_ELEMENTS (run_action_entries), self);
  g_signal_connect (self->run_list, "row-selected", G_CALLBACK (on_row_selected), self);
}

/* Called when a run ends for any reason (finished, stopped, failed). */
void
tsu_training_view_run_ended (TsuTrainingView *self)
{
  g_free (self->selected_run);
  self->selected_run = g_strdup (tsu_training_history_get_run_dir (tsu_training_controller_get_history (self->controller)));
  runs_changed (self);
}

void
tsu_training_view_runs_class_init (GObjectClass *klass)
{
  /* The runs on disk changed: one ended (finished, stopped or failed),
   * was renamed or deleted. Pages listing runs re-read them. */
  run_signals[RUNS_CHANGED] = g_signal_new ("runs-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* "Open this run's network": the path of the run's project.tsumiki, to
   * be opened the way the application opens files. */
  run_signals[OPEN_PROJECT] = g_signal_new ("open-project", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}
