/* tsu-window-files.c — open, save, templates, recent projects, dropping a
 * file on the window, the unsaved-changes prompt, autosave to a recovery
 * file and the offer to recover it, and diagram export.
 *
 * State lives in two small files: $XDG_STATE_HOME/tsumiki/state.ini (last
 * project, recent list, where the recovery file came from) and
 * $XDG_CACHE_HOME/tsumiki/recovery.tsumiki (the unsaved document). */
#include "tsu-window-private.h"
#include "tsu-canvas-paint.h"

#include <glib/gstdio.h>
#include <string.h>

#define AUTOSAVE_SECONDS 30
#define RECENT_LIMIT 8

static char *
state_file_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "tsumiki", "state.ini", NULL);
}

char *
tsu_window_dup_recovery_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "tsumiki", "recovery.tsumiki", NULL);
}

/* A crashed session's recovery file, set aside so this session's autosave
 * cannot overwrite it before the person decides. */
static char *
previous_recovery_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "tsumiki", "recovery-previous.tsumiki", NULL);
}

static GKeyFile *
load_state (void)
{
  g_autofree char *path = state_file_path ();
  GKeyFile *state = g_key_file_new ();

  g_key_file_load_from_file (state, path, G_KEY_FILE_NONE, NULL);
  return state;
}

static void
store_state (GKeyFile *state)
{
  g_autofree char *path = state_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_key_file_save_to_file (state, path, NULL);
}

static void
remember_project (TsuWindow *self, const char *path)
{
  g_autoptr(GKeyFile) state = NULL;
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) recent = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  guint kept = 1;

  if (self->ephemeral || path == NULL)
    return;
  state = load_state ();
  old = g_key_file_get_string_list (state, "state", "recent", NULL, NULL);
  g_strv_builder_add (recent, path);
  for (guint i = 0; old != NULL && old[i] != NULL && kept < RECENT_LIMIT; i++)
    if (g_strcmp0 (old[i], path) != 0 && g_file_test (old[i], G_FILE_TEST_EXISTS))
      {
        g_strv_builder_add (recent, old[i]);
        kept++;
      }
  list = g_strv_builder_end (recent);
  g_key_file_set_string (state, "state", "last-project", path);
  g_key_file_set_string_list (state, "state", "recent", (const char *const *) list, g_strv_length (list));
  store_state (state);
  tsu_window_update_recent (self);
}

void
tsu_window_update_recent (TsuWindow *self)
{
  g_autoptr(GKeyFile) state = load_state ();
  g_auto(GStrv) recent = g_key_file_get_string_list (state, "state", "recent", NULL, NULL);

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; recent != NULL && recent[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s", recent[i]);
      g_menu_append_item (self->recent_section, item);
    }
  /* An action that does not exist shows the placeholder greyed out. */
  if (recent == NULL || recent[0] == NULL)
    g_menu_append (self->recent_section, _("No recent projects"), "win.no-recent-projects");
}

static void
show_error (TsuWindow *self, const char *primary, const char *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Only this window's own recovery file: another session's is still
 * waiting for its owner's decision. */
static void
delete_recovery (TsuWindow *self)
{
  g_autofree char *recovery = tsu_window_dup_recovery_path ();

  if (!self->ephemeral && self->wrote_recovery)
    {
      g_unlink (recovery);
      self->wrote_recovery = FALSE;
    }
}

gboolean
tsu_window_open_path (TsuWindow *self, const char *path, GError **error)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);

  if (!tsu_graph_model_load_file (self->model, absolute, error))
    return FALSE;
  remember_project (self, absolute);
  return TRUE;
}

/* Where the examples' data lives: installed, or beside the sources when
 * running from a build directory. */
static const char *
examples_dir (void)
{
  return g_file_test (TSU_EXAMPLES_INSTALLED_DIR, G_FILE_TEST_IS_DIR) ? TSU_EXAMPLES_INSTALLED_DIR
                                                                      : TSU_EXAMPLES_SOURCE_DIR;
}

/* A template is a new, unsaved project: its dataset paths, relative to the
 * example it came from, become absolute so it trains before it is saved. */
static void
make_absolute (char **path)
{
  if (*path == NULL || g_path_is_absolute (*path))
    return;
  char *absolute = g_build_filename (examples_dir (), *path, NULL);
  free (*path);
  *path = strdup (absolute);
  g_free (absolute);
}

static char *
dup_template_with_data_paths (const char *text, const char *name)
{
  tsu_diag diag;
  tsu_dataset_settings settings = { 0 };
  tsu_diag_init (&diag);
  tsu_project *project = tsu_project_parse (text, strlen (text), name, &diag);
  if (project == NULL || tsu_project_get_dataset (project, &settings, &diag) != TSU_OK)
    {
      tsu_dataset_settings_clear (&settings);
      tsu_project_free (project);
      tsu_diag_free (&diag);
      return g_strdup (text);
    }
  tsu_diag_free (&diag);
  tsu_dataset_spec *specs[] = { &settings.training, &settings.validation };
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      make_absolute (&specs[i]->path);
      make_absolute (&specs[i]->images);
      make_absolute (&specs[i]->labels);
      make_absolute (&specs[i]->dir);
    }
  tsu_project_set_dataset (project, &settings);
  tsu_dataset_settings_clear (&settings);
  char *result = tsu_project_to_string (project);
  tsu_project_free (project);
  return result;
}

gboolean
tsu_window_new_from_template (TsuWindow *self, const char *name, GError **error)
{
  g_autofree char *resource = g_strdup_printf ("/org/tsumiki/Tsumiki/templates/%s.tsumiki", name);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autofree char *text = NULL;
  g_autofree char *resolved = NULL;

  if (bytes == NULL)
    return FALSE;
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  resolved = dup_template_with_data_paths (text, name);
  return tsu_graph_model_load_text (self->model, resolved, name, error);
}

static void
offer_recovery (TsuWindow *self)
{
  g_autofree char *recovery = tsu_window_dup_recovery_path ();
  g_autofree char *previous = previous_recovery_path ();
  g_autoptr(GKeyFile) state = NULL;
  g_autofree char *original = NULL;
  g_autofree char *text = NULL;

  state = load_state ();
  if (g_file_test (recovery, G_FILE_TEST_EXISTS) && g_rename (recovery, previous) == 0)
    {
      /* This session's autosave will reuse "original-path". */
      g_autofree char *path = g_key_file_get_string (state, "recovery", "original-path", NULL);
      g_key_file_set_string (state, "recovery", "previous-path", path ? path : "");
      store_state (state);
    }
  if (!g_file_test (previous, G_FILE_TEST_EXISTS))
    return;
  original = g_key_file_get_string (state, "recovery", "previous-path", NULL);
  if (original != NULL && original[0] != '\0')
    {
      g_autofree char *name = g_path_get_basename (original);
      text = g_strdup_printf (_("Tsumiki closed with unsaved changes to “%s”. Recover them?"), name);
    }
  else
    text = g_strdup (_("Tsumiki closed with an unsaved project. Recover it?"));
  gtk_label_set_text (self->recovery_label, text);
  gtk_revealer_set_reveal_child (self->recovery_revealer, TRUE);
}

void
tsu_window_open_startup (TsuWindow *self)
{
  g_autoptr(GKeyFile) state = load_state ();
  g_autofree char *last = g_key_file_get_string (state, "state", "last-project", NULL);
  g_autoptr(GError) error = NULL;

  if (!self->ephemeral)
    offer_recovery (self);
  if (last != NULL && g_file_test (last, G_FILE_TEST_EXISTS) && tsu_window_open_path (self, last, &error))
    return;
  g_clear_error (&error);
  if (!tsu_window_new_from_template (self, "fashion-mnist-cnn", &error))
    g_warning ("The seed example does not load: %s", error->message);
}

void
tsu_window_recover (TsuWindow *self)
{
  g_autofree char *previous = previous_recovery_path ();
  g_autofree char *text = NULL;
  g_autoptr(GKeyFile) state = load_state ();
  g_autofree char *original = g_key_file_get_string (state, "recovery", "previous-path", NULL);
  g_autoptr(GError) error = NULL;

  gtk_revealer_set_reveal_child (self->recovery_revealer, FALSE);
  if (!g_file_get_contents (previous, &text, NULL, &error)
      || !tsu_graph_model_load_text (self->model, text, _("recovered project"), &error))
    {
      show_error (self, _("The recovered project could not be read"), error->message);
      return;
    }
  if (original != NULL && original[0] != '\0')
    tsu_graph_model_set_path (self->model, original);
  tsu_graph_model_mark_unsaved (self->model);
  g_unlink (previous);
}

void
tsu_window_discard_recovery (TsuWindow *self)
{
  g_autofree char *previous = previous_recovery_path ();

  gtk_revealer_set_reveal_child (self->recovery_revealer, FALSE);
  g_unlink (previous);
}

static gboolean
autosave_tick (gpointer user_data)
{
  TsuWindow *self = user_data;
  g_autofree char *recovery = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GKeyFile) state = NULL;
  const char *path;

  if (self->ephemeral || !tsu_graph_model_get_dirty (self->model))
    return G_SOURCE_CONTINUE;
  recovery = tsu_window_dup_recovery_path ();
  dir = g_path_get_dirname (recovery);
  g_mkdir_with_parents (dir, 0700);
  text = tsu_graph_model_dup_text (self->model);
  /* g_file_set_contents writes a temporary file and renames it, so a crash
   * in the middle leaves the previous recovery file intact. */
  if (!g_file_set_contents (recovery, text, -1, NULL))
    return G_SOURCE_CONTINUE;
  self->wrote_recovery = TRUE;
  path = tsu_graph_model_get_path (self->model);
  state = load_state ();
  g_key_file_set_string (state, "recovery", "original-path", path ? path : "");
  store_state (state);
  return G_SOURCE_CONTINUE;
}

void
tsu_window_on_model_changed_files (TsuWindow *self)
{
  /* Undoing back to the saved state leaves nothing to recover. */
  if (!tsu_graph_model_get_dirty (self->model))
    delete_recovery (self);
}

static gboolean
save_to (TsuWindow *self, const char *path)
{
  g_autoptr(GError) error = NULL;

  if (!tsu_window_save_to_path (self, path, &error))
    {
      show_error (self, _("The project could not be saved"), error->message);
      return FALSE;
    }
  return TRUE;
}

/* Saved under a new file name, a project nobody has named takes that name
 * ("mynet.tsumiki" is "mynet"), so the title says what was typed. */
static void
name_after_file (TsuWindow *self, const char *path)
{
  const tsu_project *project = tsu_graph_model_get_project (self->model);
  const char *name = tsu_project_name (project);
  g_autofree char *base = NULL;

  if ((name != NULL && name[0] != '\0' && strcmp (name, TSU_GRAPH_MODEL_PLACEHOLDER_NAME) != 0)
      || g_strcmp0 (tsu_project_path (project), path) == 0)
    return;
  base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".tsumiki"))
    base[strlen (base) - strlen (".tsumiki")] = '\0';
  if (base[0] != '\0')
    tsu_graph_model_set_name (self->model, base);
}

gboolean
tsu_window_save_to_path (TsuWindow *self, const char *path_in, GError **error)
{
  /* Often the model's own path, which saving replaces: keep a copy. */
  g_autofree char *path = g_strdup (path_in);

  name_after_file (self, path);
  if (!tsu_graph_model_save (self->model, path, error))
    return FALSE;
  delete_recovery (self);
  remember_project (self, path);
  return TRUE;
}

typedef struct {
  TsuWindow *window;
  void (*then) (TsuWindow *self, gpointer data);
  gpointer data;
  GDestroyNotify destroy;
} Continuation;

static void
continuation_free (Continuation *next)
{
  if (next->destroy != NULL)
    next->destroy (next->data);
  g_object_unref (next->window);
  g_free (next);
}

static void
continuation_run (Continuation *next)
{
  if (next->then != NULL)
    next->then (next->window, next->data);
  continuation_free (next);
}

static char *
suggested_file_name (TsuWindow *self, const char *extension)
{
  g_autofree char *title = tsu_graph_model_dup_title (self->model);
  g_strdelimit (title, "/\\:", '-');
  return g_strconcat (title, extension, NULL);
}

static void
on_save_as_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  Continuation *next = user_data;
  TsuWindow *self = next->window;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    {
      path = g_file_get_path (file);
      if (!g_str_has_suffix (path, ".tsumiki"))
        {
          char *with_extension = g_strconcat (path, ".tsumiki", NULL);
          g_free (path);
          path = with_extension;
        }
      if (save_to (self, path))
        {
          continuation_run (next);
          g_object_unref (dialog);
          return;
        }
    }
  continuation_free (next);
  g_object_unref (dialog);
}

static GtkFileFilter *
project_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Tsumiki projects"));
  gtk_file_filter_add_pattern (filter, "*.tsumiki");
  return filter;
}

static void
save_as_then (TsuWindow *self, Continuation *next)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Save Project"), GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = project_filter ();
  g_autofree char *name = suggested_file_name (self, ".tsumiki");

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_as_response), next);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static Continuation *
continuation_new (TsuWindow *self, void (*then) (TsuWindow *, gpointer), gpointer data, GDestroyNotify destroy)
{
  Continuation *next = g_new0 (Continuation, 1);

  next->window = g_object_ref (self);
  next->then = then;
  next->data = data;
  next->destroy = destroy;
  return next;
}

void
tsu_window_save_as_dialog (TsuWindow *self)
{
  save_as_then (self, continuation_new (self, NULL, NULL, NULL));
}

void
tsu_window_save (TsuWindow *self)
{
  g_autofree char *path = g_strdup (tsu_graph_model_get_path (self->model));

  if (path == NULL)
    tsu_window_save_as_dialog (self);
  else
    save_to (self, path);
}

static void
on_open_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  TsuWindow *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (!tsu_window_open_path (self, path, &error))
        show_error (self, _("The project could not be opened"), error->message);
    }
  g_object_unref (dialog);
}

static void
open_dialog_now (TsuWindow *self, gpointer data)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = project_filter ();

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
tsu_window_open_dialog (TsuWindow *self)
{
  tsu_window_confirm_discard (self, open_dialog_now, NULL, NULL);
}

static void
on_export_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  TsuWindow *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (!tsu_paint_export (tsu_graph_model_get_layout (self->model), tsu_canvas_get_stat_mode (self->canvas),
                             path, &error))
        show_error (self, _("The diagram could not be exported"), error->message);
    }
  g_object_unref (dialog);
}

void
tsu_window_export_dialog (TsuWindow *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Export Diagram"), GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  g_autofree char *name = suggested_file_name (self, ".png");
  static const char *const kinds[][2] = {
    { N_("PNG image (*.png)"), "*.png" }, { N_("SVG drawing (*.svg)"), "*.svg" }, { N_("PDF document (*.pdf)"), "*.pdf" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _(kinds[i][0]));
      gtk_file_filter_add_pattern (filter, kinds[i][1]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
continuation_run_idle (gpointer data)
{
  continuation_run (data);
  return G_SOURCE_REMOVE;
}

static void
on_discard_response (GtkDialog *dialog, int response, gpointer user_data)
{
  Continuation *next = user_data;
  TsuWindow *self = next->window;

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_REJECT)
    {
      /* Discarding on purpose: nothing should be offered for recovery.
       * The continuation may close the window: let the dialog go first. */
      delete_recovery (self);
      g_idle_add (continuation_run_idle, next);
    }
  else if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = g_strdup (tsu_graph_model_get_path (self->model));

      if (path == NULL)
        save_as_then (self, next);
      else if (save_to (self, path))
        g_idle_add (continuation_run_idle, next);
      else
        continuation_free (next);
    }
  else
    continuation_free (next);
}

void
tsu_window_confirm_discard (TsuWindow *self, void (*then) (TsuWindow *, gpointer), gpointer data,
                            GDestroyNotify destroy)
{
  Continuation *next = continuation_new (self, then, data, destroy);
  g_autofree char *title = NULL;
  GtkWidget *dialog, *discard;

  if (!tsu_graph_model_get_dirty (self->model))
    {
      continuation_run (next);
      return;
    }
  title = tsu_graph_model_dup_title (self->model);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Save changes to “%s”?"), title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("Your changes will be lost if you don’t save them."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  discard = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Discard"), GTK_RESPONSE_REJECT);
  gtk_widget_add_css_class (discard, "destructive-action");
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Save"), GTK_RESPONSE_ACCEPT);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (on_discard_response), next);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_now (TsuWindow *self, gpointer data)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
on_close_request (TsuWindow *self)
{
  if (self->close_confirmed || !tsu_graph_model_get_dirty (self->model))
    {
      delete_recovery (self);
      return FALSE;
    }
  tsu_window_confirm_discard (self, close_now, NULL, NULL);
  return TRUE;
}

static void
open_dropped_now (TsuWindow *self, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!tsu_window_open_path (self, data, &error))
    show_error (self, _("The project could not be opened"), error->message);
}

static gboolean
on_file_drop (GtkDropTarget *target, const GValue *value, double x, double y, TsuWindow *self)
{
  GSList *files = g_value_get_boxed (value);

  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path != NULL && g_str_has_suffix (path, ".tsumiki"))
        {
          tsu_window_confirm_discard (self, open_dropped_now, g_strdup (path), g_free);
          return TRUE;
        }
    }
  return FALSE;
}

void
tsu_window_setup_files (TsuWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (drop, "drop", G_CALLBACK (on_file_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  /* Tests shorten the interval instead of waiting half a minute. */
  {
    const char *override = g_getenv ("TSUMIKI_AUTOSAVE_SECONDS");
    guint seconds = override ? (guint) g_ascii_strtoull (override, NULL, 10) : AUTOSAVE_SECONDS;
    self->autosave_source = g_timeout_add_seconds (MAX (seconds, 1), autosave_tick, self);
  }
  tsu_window_update_recent (self);
}

void
tsu_window_set_ephemeral (TsuWindow *self, gboolean ephemeral)
{
  self->ephemeral = ephemeral;
}
