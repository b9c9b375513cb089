/* tsu-window-export.c — File → Export Trained Model: the best or last
 * weights of a run chosen in the dialog out to ONNX, C source, a PyTorch
 * folder or a model card, through the same engine calls as `tsumiki-cli
 * export`. The format sets the name's extension. */
#include "tsu-window-private.h"
#include "tsu-i18n.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tsu-evaluation-view.h"
#include "tsu-run-list.h"

/* The run to export: the one shown on the Evaluation page, else the
 * newest run with weights. NULL when the project was never trained. */
static char *
dup_run_to_export (TsuWindow *self)
{
  const char *shown = tsu_evaluation_view_get_run_dir (TSU_EVALUATION_VIEW (self->evaluation_view));
  g_autofree char *runs_dir = NULL;
  char *found = NULL;
  tsu_run_list runs;

  if (shown != NULL)
    return g_strdup (shown);
  runs_dir = tsu_run_list_dir_for_project (tsu_graph_model_get_path (self->model));
  tsu_run_list_read (runs_dir, &runs);
  for (int i = 0; i < runs.count && !found; i++)
    if (runs.items[i].has[TSU_RUN_WEIGHTS])
      found = g_strdup (runs.items[i].path);
  tsu_run_list_free (&runs);
  return found;
}

static void
show_message (TsuWindow *self, GtkMessageType type, const char *primary, const char *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              type, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* "prefix_predict": a C identifier from the file name. */
static char *
c_name_for (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  GString *name = g_string_new (NULL);

  for (const char *c = base; *c != '\0' && *c != '.'; c++)
    g_string_append_c (name, g_ascii_isalnum (*c) ? *c : '_');
  if (name->len == 0 || g_ascii_isdigit (name->str[0]))
    g_string_prepend (name, "model_");
  return g_string_free (name, FALSE);
}

static tsu_status
export_with_net (TsuWindow *self, const char *format, const char *weights, const char *out,
                 tsu_diag *diag)
{
  const tsu_project *project = tsu_graph_model_get_project (self->model);
  const tsu_graph *graph = tsu_graph_model_get_graph (self->model);
  tsu_net_config config = { .max_batch = 1, .threads = 1, .seed = 1, .training = false };
  tsu_net *net;
  tsu_status status;

  if (!tsu_graph_valid (graph))
    return tsu_diag_add (diag, TSU_E_GRAPH, NULL, NULL, "the network has problems: fix them first");
  net = tsu_net_new (graph, &config, diag);
  if (net == NULL)
    return tsu_diag_status (diag);
  status = tsu_net_load_safetensors (net, weights, diag);
  if (status == TSU_OK && g_str_equal (format, "onnx"))
    status = tsu_export_onnx (project, graph, net, out, diag);
  else if (status == TSU_OK && g_str_equal (format, "c"))
    {
      g_autofree char *name = c_name_for (out);
      status = tsu_export_c (graph, net, out, name, diag);
    }
  else if (status == TSU_OK)
    status = tsu_export_pytorch (project, graph, net, out, diag);
  tsu_net_free (net);
  return status;
}

/* The run's best weights when asked and it has them, else its last. */
static char *
weights_of (const char *run_dir, gboolean best)
{
  char *path = tsu_run_path (run_dir, TSU_RUN_BEST);

  if (best && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;
  g_free (path);
  return tsu_run_path (run_dir, TSU_RUN_WEIGHTS);
}

static tsu_status
export_run (TsuWindow *self, const char *run_dir, gboolean best, const char *format, const char *out,
            tsu_diag *diag)
{
  g_autofree char *weights = weights_of (run_dir, best);
  g_autofree char *history = tsu_run_path (run_dir, TSU_RUN_HISTORY);

  if ((g_str_equal (format, "c") || g_str_equal (format, "pytorch")) && g_mkdir_with_parents (out, 0755) != 0)
    return tsu_diag_add_at (diag, TSU_E_IO, out, 0, 0, "cannot create the folder");
  if (g_str_equal (format, "card"))
    return tsu_export_model_card (tsu_graph_model_get_project (self->model),
                                  tsu_graph_model_get_graph (self->model), history, out, diag);
  return export_with_net (self, format, weights, out, diag);
}

/* ------------------------------------------------------------ names */

static const struct
{
  const char *id, *label, *extension; /* extension: "" for a folder */
} formats[] = {
  { "onnx", N_("ONNX model (.onnx)"), ".onnx" },
  { "c", N_("C source (a folder)"), "" },
  { "pytorch", N_("PyTorch project (a folder)"), "" },
  { "card", N_("Model card (.md)"), ".md" },
};

char *
tsu_export_path_for_format (const char *path, const char *format)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  const char *extension = "";

  /* Only extensions a format gives go: "mynet.onnx" becomes the folder
   * "mynet", a folder "v1.2" stays "v1.2". */
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      if (*formats[i].extension && g_str_has_suffix (base, formats[i].extension)
          && strlen (base) > strlen (formats[i].extension))
        base[strlen (base) - strlen (formats[i].extension)] = '\0';
      if (g_str_equal (formats[i].id, format))
        extension = formats[i].extension;
    }
  g_autofree char *name = g_strconcat (base, extension, NULL);
  return g_str_equal (dir, ".") && !g_str_has_prefix (path, "./") ? g_steal_pointer (&name)
                                                                  : g_build_filename (dir, name, NULL);
}

/* ------------------------------------------------------------ dialog */

typedef struct
{
  TsuWindow   *window;
  GtkWidget   *dialog;
  GtkDropDown *run, *weights, *format;
  GtkEditable *path;
  GPtrArray   *runs; /* TsuRunInfo with weights, as run lists them */
} ExportDialog;

static void
export_dialog_free (ExportDialog *d)
{
  g_ptr_array_unref (d->runs);
  g_free (d);
}

static const char *
chosen_format (ExportDialog *d)
{
  return formats[MIN (gtk_drop_down_get_selected (d->format), G_N_ELEMENTS (formats) - 1)].id;
}

static void
on_format_changed (ExportDialog *d)
{
  const char *format = chosen_format (d);
  g_autofree char *path = tsu_export_path_for_format (gtk_editable_get_text (d->path), format);

  gtk_editable_set_text (d->path, path);
  /* A model card reads the history, not weights. */
  gtk_widget_set_sensitive (GTK_WIDGET (d->weights), !g_str_equal (format, "card"));
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, ExportDialog *d)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT
    ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  if (path != NULL)
    {
      g_autofree char *named = tsu_export_path_for_format (path, chosen_format (d));
      gtk_editable_set_text (d->path, named);
    }
  g_object_unref (chooser);
}

static void
on_choose_clicked (ExportDialog *d)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export To"), GTK_WINDOW (d->dialog),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Select"),
                                                               _("_Cancel"));
  const char *path = gtk_editable_get_text (d->path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);

  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), base);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), d);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_and_report (ExportDialog *d)
{
  const TsuRunInfo *run = g_ptr_array_index (d->runs, MIN (gtk_drop_down_get_selected (d->run), d->runs->len - 1));
  gboolean best = gtk_drop_down_get_selected (d->weights) == 0;
  const char *out = gtk_editable_get_text (d->path);
  TsuWindow *self = d->window;
  tsu_diag diag;

  tsu_diag_init (&diag);
  if (export_run (self, run->dir, best, chosen_format (d), out, &diag) == TSU_OK)
    {
      g_autofree char *weights = weights_of (run->dir, best);
      g_autofree char *detail = g_strdup_printf (_("Written to %s from %s of run %s."), out, weights, run->title);
      show_message (self, GTK_MESSAGE_INFO, _("Model exported"), detail);
      gtk_window_destroy (GTK_WINDOW (d->dialog));
    }
  else
    show_message (self, GTK_MESSAGE_ERROR, _("The model could not be exported"),
                  tsu_diag_message (&diag, _("unknown error")));
  tsu_diag_free (&diag);
}

static void
on_replace_response (GtkDialog *question, int response, ExportDialog *d)
{
  gtk_window_destroy (GTK_WINDOW (question));
  if (response == GTK_RESPONSE_ACCEPT)
    export_and_report (d);
}

/* A file in the way of a single-file export is replaced only when asked;
 * a folder export writes into its folder (docs/architecture.md). */
static void
on_export_clicked (ExportDialog *d)
{
  const char *out = gtk_editable_get_text (d->path);
  const char *format = chosen_format (d);
  gboolean folder = g_str_equal (format, "c") || g_str_equal (format, "pytorch");
  GtkWidget *question;

  if (*out == '\0')
    return;
  if (folder || !g_file_test (out, G_FILE_TEST_EXISTS))
    {
      export_and_report (d);
      return;
    }
  question = gtk_message_dialog_new (GTK_WINDOW (d->dialog), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                     GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, _("Replace %s?"), out);
  gtk_dialog_add_button (GTK_DIALOG (question), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (question), _("_Replace"), GTK_RESPONSE_ACCEPT);
  g_signal_connect (question, "response", G_CALLBACK (on_replace_response), d);
  gtk_window_present (GTK_WINDOW (question));
}

static GtkDropDown *
add_choice (GtkGrid *grid, int row, const char *name, const char *label, const char *const *items)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *choice = gtk_drop_down_new_from_strings (items);

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), choice);
  gtk_widget_set_name (choice, name);
  gtk_widget_set_hexpand (choice, TRUE);
  gtk_grid_attach (grid, title, 0, row, 1, 1);
  gtk_grid_attach (grid, choice, 1, row, 2, 1);
  return GTK_DROP_DOWN (choice);
}

/* The runs that have weights, newest first, for the run choice. */
static GPtrArray *
runs_with_weights (TsuWindow *self)
{
  g_autofree char *runs_dir = tsu_run_list_dir_for_project (tsu_graph_model_get_path (self->model));
  GPtrArray *runs = tsu_run_list_scan (runs_dir);

  for (guint i = 0; i < runs->len; i++)
    if (!((TsuRunInfo *) g_ptr_array_index (runs, i))->has_weights)
      g_ptr_array_remove_index (runs, i--);
  return runs;
}

static void
fill_dialog (ExportDialog *d, GtkGrid *grid)
{
  const char *const weight_items[] = { _("Best epoch (lowest validation loss)"), _("Last epoch"), NULL };
  const char *format_items[G_N_ELEMENTS (formats) + 1] = { NULL };
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  const char *path = tsu_graph_model_get_path (d->window->model);
  g_autofree char *name = c_name_for (path != NULL ? path : "model");
  g_autofree char *dir = path != NULL ? g_path_get_dirname (path) : g_get_current_dir ();
  g_autofree char *file = g_strconcat (name, ".onnx", NULL);
  g_autofree char *out = g_build_filename (dir, file, NULL);
  GtkWidget *entry = gtk_entry_new (), *choose = gtk_button_new_with_mnemonic (_("_Choose…"));
  GtkWidget *title = gtk_label_new_with_mnemonic (_("_Save as"));

  for (guint i = 0; i < d->runs->len; i++)
    g_ptr_array_add (labels, ((TsuRunInfo *) g_ptr_array_index (d->runs, i))->label);
  g_ptr_array_add (labels, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    format_items[i] = _(formats[i].label);
  d->run = add_choice (grid, 0, "run", _("_Run"), (const char *const *) labels->pdata);
  d->weights = add_choice (grid, 1, "weights", _("_Weights"), weight_items);
  d->format = add_choice (grid, 2, "format", _("_Format"), format_items);
  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_widget_set_name (entry, "path");
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (entry), out);
  d->path = GTK_EDITABLE (entry);
  gtk_grid_attach (grid, title, 0, 3, 1, 1);
  gtk_grid_attach (grid, entry, 1, 3, 1, 1);
  gtk_grid_attach (grid, choose, 2, 3, 1, 1);
  g_signal_connect_swapped (d->format, "notify::selected", G_CALLBACK (on_format_changed), d);
  g_signal_connect_swapped (choose, "clicked", G_CALLBACK (on_choose_clicked), d);
}

GtkWidget *
tsu_window_export_model_dialog (TsuWindow *self)
{
  ExportDialog *d;
  GtkWidget *grid, *buttons, *cancel, *export, *box;
  g_autoptr(GPtrArray) runs = runs_with_weights (self);

  if (runs->len == 0)
    {
      show_message (self, GTK_MESSAGE_INFO, _("Nothing trained to export yet"),
                    _("Train the network first (Training page, F5); then choose the run and its "
                    "weights here."));
      return NULL;
    }
  d = g_new0 (ExportDialog, 1);
  d->window = self;
  d->runs = g_steal_pointer (&runs);
  d->dialog = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (d->dialog), _("Export Trained Model"));
  gtk_window_set_transient_for (GTK_WINDOW (d->dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (d->dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (d->dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (d->dialog), 560, -1);
  g_object_set_data_full (G_OBJECT (d->dialog), "tsu-export", d, (GDestroyNotify) export_dialog_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  fill_dialog (d, GTK_GRID (grid));
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  export = gtk_button_new_with_mnemonic (_("_Export"));
  gtk_widget_set_name (export, "export");
  gtk_widget_add_css_class (export, "suggested-action");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), d->dialog);
  g_signal_connect_swapped (export, "clicked", G_CALLBACK (on_export_clicked), d);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), export);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_window_set_child (GTK_WINDOW (d->dialog), box);
  gtk_window_set_default_widget (GTK_WINDOW (d->dialog), export);
  gtk_window_present (GTK_WINDOW (d->dialog));
  return d->dialog;
}

gboolean
tsu_window_export_model (TsuWindow *self, const char *format, const char *out, GError **error)
{
  g_autofree char *run_dir = dup_run_to_export (self);
  tsu_diag diag;
  gboolean ok;

  if (run_dir == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "nothing trained to export yet");
      return FALSE;
    }
  tsu_diag_init (&diag);
  ok = export_run (self, run_dir, TRUE, format, out, &diag) == TSU_OK;
  if (!ok)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, tsu_diag_message (&diag, "failed"));
  tsu_diag_free (&diag);
  return ok;
}
