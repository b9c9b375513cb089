/* tsu-window-export.c — File → Export Trained Model: the weights of a run
 * out to ONNX, C source, a PyTorch folder or a model card, through the same
 * engine calls as `tsumiki-cli export`. */
#include "tsu-window-private.h"

#include <glib/gstdio.h>

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

static tsu_status
export_run (TsuWindow *self, const char *run_dir, const char *format, const char *out, tsu_diag *diag)
{
  g_autofree char *weights = tsu_run_path (run_dir, TSU_RUN_WEIGHTS);
  g_autofree char *history = tsu_run_path (run_dir, TSU_RUN_HISTORY);

  if ((g_str_equal (format, "c") || g_str_equal (format, "pytorch")) && g_mkdir_with_parents (out, 0755) != 0)
    return tsu_diag_add_at (diag, TSU_E_IO, out, 0, 0, "cannot create the folder");
  if (g_str_equal (format, "card"))
    return tsu_export_model_card (tsu_graph_model_get_project (self->model),
                                  tsu_graph_model_get_graph (self->model), history, out, diag);
  return export_with_net (self, format, weights, out, diag);
}

static void
export_and_report (TsuWindow *self, const char *run_dir, const char *format, const char *out)
{
  tsu_diag diag;

  tsu_diag_init (&diag);
  if (export_run (self, run_dir, format, out, &diag) == TSU_OK)
    {
      g_autofree char *detail = g_strdup_printf ("Written to %s from the weights of %s.", out, run_dir);
      show_message (self, GTK_MESSAGE_INFO, "Model exported", detail);
    }
  else
    show_message (self, GTK_MESSAGE_ERROR, "The model could not be exported",
                  tsu_diag_message (&diag, "unknown error"));
  tsu_diag_free (&diag);
}

static void
on_export_model_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  TsuWindow *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "format");
      const char *run_dir = g_object_get_data (G_OBJECT (dialog), "tsu-run-dir");

      export_and_report (self, run_dir, format != NULL ? format : "onnx", path);
    }
  g_object_unref (dialog);
}

void
tsu_window_export_model_dialog (TsuWindow *self)
{
  static const char *const ids[] = { "onnx", "c", "pytorch", "card", NULL };
  static const char *const labels[] = { "ONNX model (.onnx)", "C source (a folder)",
                                        "PyTorch project (a folder)", "Model card (.md)", NULL };
  g_autofree char *run_dir = dup_run_to_export (self);
  g_autofree char *name = NULL;
  GtkFileChooserNative *dialog;

  if (run_dir == NULL)
    {
      show_message (self, GTK_MESSAGE_INFO, "Nothing trained to export yet",
                    "Train the network first (Training page, F5); the export takes the "
                    "weights of the run shown on the Evaluation page, or the newest run.");
      return;
    }
  dialog = gtk_file_chooser_native_new ("Export Trained Model", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
  /* GTK 4.8 takes non-const arrays it does not modify. */
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "format", "Format", (const char **) ids,
                               (const char **) labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "format", "onnx");
  name = c_name_for (tsu_graph_model_get_path (self->model) ? tsu_graph_model_get_path (self->model) : "model");
  {
    g_autofree char *suggested = g_strconcat (name, ".onnx", NULL);
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);
  }
  g_object_set_data_full (G_OBJECT (dialog), "tsu-run-dir", g_steal_pointer (&run_dir), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_model_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
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
  ok = export_run (self, run_dir, format, out, &diag) == TSU_OK;
  if (!ok)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, tsu_diag_message (&diag, "failed"));
  tsu_diag_free (&diag);
  return ok;
}
