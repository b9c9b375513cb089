/* tsumiki-training-demo.c — the Data, Training and Evaluation pages for one
 * project in a window of their own, to try them without the designer and
 * to take the README's screenshots:
 *
 *   tsumiki-training-demo PROJECT [--train] [--epochs N] [--limit N]
 *                         [--run-dir DIR] [--page NAME] [--exit-when-done]
 *                         [--screenshots DIR [--pictures FOLDER] [--predict PATH]]
 *                         [--size WxH]
 *
 * --train starts a run at once; --exit-when-done prints "state=done
 * run_dir=DIR" (or stopped, failed) when a run ends and quits, for the
 * end-to-end test that presses F5; --screenshots walks the three pages, waits
 * for each to finish its work, saves data.png, training.png and
 * evaluation.png there, and quits; with --pictures also the "Create dataset
 * from folder…" dialog previewing FOLDER (folder-dataset-dialog.png,
 * nothing written), with --predict the Evaluation page's predictions for
 * PATH (evaluation-predictions.png). Configuration edits apply to the
 * in-memory project only (the designer owns saving). */
#include <stdlib.h>

#include "tsu-dataset-view.h"
#include "tsu-evaluation-view.h"
#include "tsu-folder-dataset-dialog.h"
#include "tsu-i18n.h"
#include "tsu-training-ui.h"
#include "tsu-training-view.h"

typedef struct
{
  tsu_project       *project;
  GtkWindow         *window;
  GtkStack          *stack;
  TsuDatasetView    *data;
  TsuTrainingView   *training;
  TsuEvaluationView *evaluation;
  char              *screenshots;
  gboolean           train;
  char              *run_dir;
  char              *page;
  char              *pictures, *predict;
  GtkWidget         *dialog;
  gboolean           exit_when_done;
  int                status;
  int                step;
  int                settle;
  int                retries;     /* of a picture not drawn yet */
  GMainLoop         *loop;
} Demo;

static const tsu_project *
get_project (gpointer data)
{
  return ((Demo *) data)->project;
}

static void
on_training_edited (TsuTrainingView        *view,
                    int                     setting,
                    const tsu_train_config *config,
                    Demo                   *demo)
{
  tsu_project_set_training_setting (demo->project, config, setting);
}

static void
on_dataset_edited (TsuDatasetView             *view,
                   const tsu_dataset_settings *data,
                   Demo                       *demo)
{
  tsu_project_set_dataset (demo->project, data);
  tsu_dataset_view_set_project (view, demo->project);
}

static void
on_run_activated (TsuTrainingView *view,
                  const char      *run_dir,
                  Demo            *demo)
{
  tsu_evaluation_view_set_run_dir (demo->evaluation, run_dir, TRUE);
  gtk_stack_set_visible_child_name (demo->stack, "evaluation");
}

static void
on_training_state (TsuTrainingHistory *history,
                   GParamSpec         *pspec,
                   Demo               *demo)
{
  TsuTrainingState state = tsu_training_history_get_state (history);
  const char *run_dir = tsu_training_history_get_run_dir (history);

  if (state == TSU_TRAINING_DONE || state == TSU_TRAINING_STOPPED)
    tsu_evaluation_view_set_project_path (demo->evaluation, tsu_project_path (demo->project));
  if (state == TSU_TRAINING_DONE && run_dir)
    tsu_evaluation_view_set_run_dir (demo->evaluation, run_dir, FALSE);
  if (demo->exit_when_done && (state == TSU_TRAINING_DONE || state == TSU_TRAINING_STOPPED
                               || state == TSU_TRAINING_FAILED))
    {
      GEnumClass *states = g_type_class_ref (TSU_TYPE_TRAINING_STATE);
      g_print ("state=%s run_dir=%s\n", g_enum_get_value (states, state)->value_nick,
               run_dir ? run_dir : "");
      g_type_class_unref (states);
      if (state == TSU_TRAINING_FAILED)
        g_print ("message=%s\n", tsu_training_history_get_message (history));
      demo->status = state == TSU_TRAINING_FAILED ? 1 : 0;
      g_main_loop_quit (demo->loop);
    }
}

/* FALSE when the widget has not been drawn yet: a page whose content
 * has just been replaced (the Data page's cards) takes another frame. */
static gboolean
save_widget (Demo       *demo,
             GtkWidget  *widget,
             const char *name)
{
  g_autofree char *path = g_build_filename (demo->screenshots, name, NULL);
  g_autoptr(GError) error = NULL;

  if (tsu_training_save_screenshot (widget, path, &error))
    {
      g_print ("%s\n", path);
      return TRUE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) && demo->retries++ < 50)
    return FALSE;
  g_printerr ("%s\n", error->message);
  return TRUE;
}

static gboolean
save (Demo       *demo,
      const char *name)
{
  return save_widget (demo, GTK_WIDGET (demo->window), name);
}

/* The screenshot walk: each step waits for its page to be done, then lets
 * a few frames pass so what is shown is what was computed. */
static gboolean
tick (gpointer data)
{
  Demo *demo = data;
  TsuTrainingController *controller = tsu_training_view_get_controller (demo->training);

  if (demo->settle > 0)
    {
      demo->settle--;
      return G_SOURCE_CONTINUE;
    }
  switch (demo->step)
    {
    case 0:
      if (tsu_dataset_view_get_busy (demo->data) || !save (demo, "data.png"))
        return G_SOURCE_CONTINUE;
      if (demo->pictures)
        {
          demo->dialog = tsu_dataset_view_open_folder_dialog (demo->data);
          tsu_folder_dataset_dialog_set_folder (TSU_FOLDER_DATASET_DIALOG (demo->dialog), demo->pictures);
          demo->step = 20;
          return G_SOURCE_CONTINUE;
        }
      G_GNUC_FALLTHROUGH;
    case 21:
      gtk_stack_set_visible_child_name (demo->stack, "training");
      if (demo->train)
        g_action_group_activate_action (tsu_training_view_get_actions (demo->training), "run", NULL);
      demo->step = 1;
      demo->settle = 3;
      return G_SOURCE_CONTINUE;
    case 1:
      if (tsu_training_controller_is_running (controller))
        return G_SOURCE_CONTINUE;
      tsu_training_history_flush (tsu_training_controller_get_history (controller));
      tsu_training_view_show_sidebar (demo->training, "layers");
      demo->step++;
      demo->settle = 4;
      return G_SOURCE_CONTINUE;
    case 2:
      save (demo, "training-layers.png");
      tsu_training_view_show_sidebar (demo->training, "config");
      demo->step = 10;
      demo->settle = 3;
      return G_SOURCE_CONTINUE;
    case 10:
      save (demo, "training.png");
      gtk_stack_set_visible_child_name (demo->stack, "evaluation");
      if (tsu_evaluation_view_get_run_dir (demo->evaluation))
        tsu_evaluation_view_evaluate (demo->evaluation);
      demo->step = 3;
      demo->settle = 3;
      return G_SOURCE_CONTINUE;
    case 3:
      if (tsu_evaluation_view_get_busy (demo->evaluation))
        return G_SOURCE_CONTINUE;
      demo->step++;
      demo->settle = 4;
      return G_SOURCE_CONTINUE;
    case 4:
      save (demo, "evaluation.png");
      tsu_evaluation_view_set_mistakes_only (demo->evaluation, TRUE);
      demo->step++;
      demo->settle = 4;
      return G_SOURCE_CONTINUE;
    case 20: /* the folder dialog's preview */
      if (tsu_folder_dataset_dialog_get_busy (TSU_FOLDER_DATASET_DIALOG (demo->dialog)))
        return G_SOURCE_CONTINUE;
      demo->step = 22;
      demo->settle = 4;
      return G_SOURCE_CONTINUE;
    case 22:
      save_widget (demo, demo->dialog, "folder-dataset-dialog.png");
      gtk_window_destroy (GTK_WINDOW (demo->dialog));
      demo->step = 21;
      return G_SOURCE_CONTINUE;
    case 30: /* the predictions for --predict */
      if (tsu_predict_view_get_busy (tsu_evaluation_view_get_predict_view (demo->evaluation)))
        return G_SOURCE_CONTINUE;
      demo->step = 31;
      demo->settle = 4;
      return G_SOURCE_CONTINUE;
    case 31:
      save (demo, "evaluation-predictions.png");
      g_main_loop_quit (demo->loop);
      return G_SOURCE_REMOVE;
    default:
      save (demo, "evaluation-mistakes.png");
      if (demo->predict)
        {
          tsu_evaluation_view_set_mistakes_only (demo->evaluation, FALSE);
          tsu_evaluation_view_predict_files (demo->evaluation, (const char *[]) { demo->predict, NULL });
          demo->step = 30;
          return G_SOURCE_CONTINUE;
        }
      g_main_loop_quit (demo->loop);
      return G_SOURCE_REMOVE;
    }
}

static void
on_close (GtkWindow *window,
          Demo      *demo)
{
  g_main_loop_quit (demo->loop);
}

int
main (int    argc,
      char **argv)
{
  Demo demo = { 0 };
  int epochs = 0, limit = 0, width = 1280, height = 800;
  g_autofree char *size = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "train", 0, 0, G_OPTION_ARG_NONE, &demo.train, "Start training at once", NULL },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Override the epochs", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Train on the first N samples", "N" },
    { "run-dir", 0, 0, G_OPTION_ARG_FILENAME, &demo.run_dir, "A run to evaluate", "DIR" },
    { "page", 0, 0, G_OPTION_ARG_STRING, &demo.page, "Start on data, training or evaluation", "NAME" },
    { "exit-when-done", 0, 0, G_OPTION_ARG_NONE, &demo.exit_when_done, "Quit when a run ends", NULL },
    { "screenshots", 0, 0, G_OPTION_ARG_FILENAME, &demo.screenshots, "Save the pages and quit", "DIR" },
    { "pictures", 0, 0, G_OPTION_ARG_FILENAME, &demo.pictures, "With --screenshots: the folder dialog on FOLDER", "FOLDER" },
    { "predict", 0, 0, G_OPTION_ARG_FILENAME, &demo.predict, "With --screenshots: predictions for PATH", "PATH" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Window size (default 1280x800)", "WxH" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PROJECT");
  tsu_diag diag;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      (size && (sscanf (size, "%dx%d", &width, &height) != 2 || width < 200 || height < 200)))
    {
      g_printerr ("%s\n", error ? error->message : g_option_context_get_help (context, TRUE, NULL));
      return 2;
    }
  gtk_init (); /* sets the user's locale */
  /* The pages in the user's language, the .ui files' text included
   * (docs/i18n.md). */
  tsu_i18n_init ();
  textdomain (TSU_GETTEXT_DOMAIN);
  tsu_training_ui_init ();

  tsu_diag_init (&diag);
  demo.project = tsu_project_load (argv[1], &diag);
  if (!demo.project)
    {
      tsu_diag_print (&diag, stderr);
      return 1;
    }
  tsu_diag_free (&diag);

  demo.loop = g_main_loop_new (NULL, FALSE);
  demo.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (demo.window, width, height);
  gtk_window_set_title (demo.window, tsu_project_name (demo.project));
  g_signal_connect (demo.window, "close-request", G_CALLBACK (on_close), &demo);

  demo.stack = GTK_STACK (gtk_stack_new ());
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), demo.stack);
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), switcher);
  gtk_window_set_titlebar (demo.window, header);

  demo.data = TSU_DATASET_VIEW (tsu_dataset_view_new ());
  demo.training = TSU_TRAINING_VIEW (tsu_training_view_new ());
  demo.evaluation = TSU_EVALUATION_VIEW (tsu_evaluation_view_new ());
  gtk_stack_add_titled (demo.stack, GTK_WIDGET (demo.data), "data", _("Data"));
  gtk_stack_add_titled (demo.stack, GTK_WIDGET (demo.training), "training", _("Training"));
  gtk_stack_add_titled (demo.stack, GTK_WIDGET (demo.evaluation), "evaluation", _("Evaluation"));
  gtk_window_set_child (demo.window, GTK_WIDGET (demo.stack));

  /* The window's part of the contract (docs/training-ui.md). */
  tsu_training_view_set_project_func (demo.training, get_project, &demo, NULL);
  g_signal_connect (demo.training, "training-edited", G_CALLBACK (on_training_edited), &demo);
  g_signal_connect (demo.training, "run-activated", G_CALLBACK (on_run_activated), &demo);
  g_signal_connect (tsu_training_controller_get_history (tsu_training_view_get_controller (demo.training)),
                    "notify::state", G_CALLBACK (on_training_state), &demo);
  g_signal_connect (demo.data, "dataset-edited", G_CALLBACK (on_dataset_edited), &demo);
  tsu_dataset_view_set_project (demo.data, demo.project);
  if (epochs > 0 || limit > 0)
    tsu_training_view_set_run_options (demo.training,
                                       &(tsu_train_options) { .epochs = epochs, .limit = limit });
  if (demo.run_dir)
    tsu_evaluation_view_set_run_dir (demo.evaluation, demo.run_dir, FALSE);
  tsu_evaluation_view_set_project_path (demo.evaluation, tsu_project_path (demo.project));

  if (demo.page)
    gtk_stack_set_visible_child_name (demo.stack, demo.page);
  gtk_window_present (demo.window);
  if (demo.screenshots)
    {
      g_mkdir_with_parents (demo.screenshots, 0755);
      demo.settle = 10;
      g_timeout_add (100, tick, &demo);
    }
  else if (demo.train)
    {
      gtk_stack_set_visible_child_name (demo.stack, "training");
      g_action_group_activate_action (tsu_training_view_get_actions (demo.training), "run", NULL);
    }

  g_main_loop_run (demo.loop);
  gtk_window_destroy (demo.window);
  tsu_project_free (demo.project);
  g_main_loop_unref (demo.loop);
  return demo.status;
}
