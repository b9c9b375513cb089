/* tsu-application.c — startup (resources, style, accelerators), windows for
 * `tsumiki` and `tsumiki FILE`, and `--screenshot OUT.png`. */
#include "tsu-application.h"
#include "tsu-bench.h"
#include "tsu-window.h"
#include "tsu-training-ui.h"
#include "tsu-i18n.h"

#include "tsumiki-resources.h"

#include <stdio.h>

#define SCREENSHOT_WIDTH 1400
#define SCREENSHOT_HEIGHT 900
#define MAX_SCREENSHOT_FRAMES 600

struct _TsuApplication
{
  GtkApplication parent_instance;

  char *screenshot_path;   /* --screenshot: render, write, quit */
  char *view;              /* --view: the page shown first ("training/runs") */
  int exit_status;         /* 1 when --screenshot failed; quitting through the
                            * main loop rather than exit() lets worker tasks
                            * finish first */
  gboolean bench_canvas;   /* --bench-canvas: frame times, then quit */
  int width, height;       /* --size: the screenshot's window */
};

G_DEFINE_FINAL_TYPE (TsuApplication, tsu_application, GTK_TYPE_APPLICATION)

static gint64 started_us;

gint64
tsu_application_get_start_time (void)
{
  return started_us;
}

void
tsu_resources_ensure (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      tsumiki_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

/* The accelerators, one place; the shortcuts window lists the same. */
static const struct {
  const char *action;
  const char *accels[4];
} accelerators[] = {
  { "win.new", { "<Control>n", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.save", { "<Control>s", NULL } },
  { "win.save-as", { "<Control><Shift>s", NULL } },
  { "win.export", { "<Control>e", NULL } },
  { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
  { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
  { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
  { "win.zoom-fit", { "<Control><Shift>f", NULL } },
  { "win.search", { "<Control>f", NULL } },
  { "win.view('edit')", { "<Alt>1", NULL } },
  { "win.view('data')", { "<Alt>2", NULL } },
  { "win.view('training')", { "<Alt>3", NULL } },
  { "win.view('evaluation')", { "<Alt>4", NULL } },
  { "training.run", { "F5", NULL } },
  { "training.pause", { "Pause", NULL } },
  { "training.stop", { "<Shift>F5", NULL } },
  { "graph.undo", { "<Control>z", NULL } },
  { "graph.redo", { "<Control><Shift>z", "<Control>y", NULL } },
  { "graph.arrange", { "<Control>l", NULL } },
  { "app.quit", { "<Control>q", NULL } },
};

static void
on_quit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *application = user_data;
  GList *windows = gtk_application_get_windows (application);

  /* Closing each window runs its unsaved-changes prompt. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
on_about (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *application = user_data;
  const char *authors[] = { _("The Tsumiki authors"), NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (application),
                         "program-name", "Tsumiki",
                         "comments", _("Design neural networks by stacking layer boxes, train them on the CPU."),
                         "version", "0.1.0",
                         "license-type", GTK_LICENSE_MIT_X11,
                         "logo-icon-name", "applications-science",
                         "authors", authors,
                         NULL);
}

static const GActionEntry app_entries[] = {
  { "quit", on_quit, NULL, NULL, NULL },
  { "about", on_about, NULL, NULL, NULL },
};

static void
tsu_application_startup (GApplication *application)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (tsu_application_parent_class)->startup (application);

  gtk_css_provider_load_from_resource (css, "/org/tsumiki/Tsumiki/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries, G_N_ELEMENTS (app_entries), application);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accelerators[i].action,
                                           accelerators[i].accels);
}

/* A few frames after mapping, layout and the first paint have settled. */
static gboolean
screenshot_tick (GtkWidget *window, GdkFrameClock *clock, gpointer user_data)
{
  TsuApplication *self = user_data;
  int frames = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (window), "tsu-frames")) + 1;
  g_autoptr(GError) error = NULL;

  g_object_set_data (G_OBJECT (window), "tsu-frames", GINT_TO_POINTER (frames));
  if (frames < 6)
    return G_SOURCE_CONTINUE;
  if (!tsu_training_save_screenshot (window, self->screenshot_path, &error))
    {
      /* G_IO_ERROR: not drawn yet, which a loaded machine can make take
       * longer; a failed write (G_FILE_ERROR) is final. */
      if (error->domain == G_IO_ERROR && frames < MAX_SCREENSHOT_FRAMES)
        return G_SOURCE_CONTINUE;
      g_printerr ("tsumiki: %s\n", error->message);
      self->exit_status = 1;
    }
  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

static TsuWindow *
create_window (TsuApplication *self)
{
  TsuWindow *window = tsu_window_new (GTK_APPLICATION (self));

  if (self->screenshot_path != NULL)
    {
      tsu_window_set_ephemeral (window, TRUE);
      gtk_window_set_default_size (GTK_WINDOW (window), self->width, self->height);
      gtk_widget_add_tick_callback (GTK_WIDGET (window), screenshot_tick, self, NULL);
    }
  if (self->view != NULL)
    tsu_window_show_view (window, self->view);
  return window;
}

static void
tsu_application_activate (GApplication *application)
{
  TsuApplication *self = TSU_APPLICATION (application);
  TsuWindow *window = create_window (self);

  if (self->bench_canvas)
    {
      tsu_window_set_ephemeral (window, TRUE);
      gtk_window_set_default_size (GTK_WINDOW (window), SCREENSHOT_WIDTH, SCREENSHOT_HEIGHT);
      tsu_bench_canvas_start (window, 500, 300);
    }
  else if (self->screenshot_path != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!tsu_window_new_from_template (window, "fashion-mnist-cnn", &error))
        g_printerr ("tsumiki: %s\n", error->message);
    }
  else
    tsu_window_open_startup (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
tsu_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  TsuApplication *self = TSU_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      TsuWindow *window = create_window (self);
      g_autofree char *path = g_file_get_path (files[i]);
      g_autoptr(GError) error = NULL;

      if (path == NULL || !tsu_window_open_path (window, path, &error))
        {
          g_printerr ("tsumiki: %s: %s\n", path ? path : "?", error ? error->message : _("not a local file"));
          if (self->screenshot_path != NULL)
            {
              self->exit_status = 1;
              gtk_window_destroy (GTK_WINDOW (window));
              continue;
            }
          /* Still open a window worth having: what a plain start shows. */
          tsu_window_open_startup (window);
        }
      else if (self->view != NULL)
        tsu_window_show_view (window, self->view);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static int
tsu_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  TsuApplication *self = TSU_APPLICATION (application);
  const char *size;
  char end;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tsumiki 0.1.0\n");
      return 0;
    }
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot_path);
  g_variant_dict_lookup (options, "view", "s", &self->view);
  if (g_variant_dict_lookup (options, "size", "&s", &size)
      && (sscanf (size, "%dx%d%c", &self->width, &self->height, &end) != 2
          || self->width < 100 || self->height < 100 || self->width > 16384 || self->height > 16384))
    {
      g_printerr (_("tsumiki: --size %s: give WIDTHxHEIGHT in pixels, 100 to 16384 each (e.g. 1024x700)\n"), size);
      return 1;
    }
  self->bench_canvas = g_variant_dict_contains (options, "bench-canvas");
  return -1;
}

static void
tsu_application_finalize (GObject *object)
{
  TsuApplication *self = TSU_APPLICATION (object);

  g_free (self->screenshot_path);
  g_free (self->view);
  G_OBJECT_CLASS (tsu_application_parent_class)->finalize (object);
}

static void
tsu_application_class_init (TsuApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tsu_application_finalize;
  application_class->startup = tsu_application_startup;
  application_class->activate = tsu_application_activate;
  application_class->open = tsu_application_open;
  application_class->handle_local_options = tsu_application_handle_local_options;
}

static const GOptionEntry option_entries[] = {
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Render the main window (1400×900, or --size) with FILE loaded to a PNG and exit"), N_("OUT.png") },
  { "size", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The window's size for --screenshot"), N_("WIDTHxHEIGHT") },
  { "view", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Show this page first: edit, data, training or evaluation; training/runs also opens its results list"),
    N_("PAGE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { "bench-canvas", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Pan and zoom a generated 500-layer network, print frame times and exit"), NULL },
  { NULL }
};

static void
tsu_application_init (TsuApplication *self)
{
  self->width = SCREENSHOT_WIDTH;
  self->height = SCREENSHOT_HEIGHT;
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Design neural networks by stacking layer boxes."));
}

int
tsu_application_get_exit_status (TsuApplication *self)
{
  return self->exit_status;
}

TsuApplication *
tsu_application_new (void)
{
  started_us = g_get_monotonic_time ();
  tsu_resources_ensure ();
  /* Not unique: each `tsumiki` is its own process, so tests and scripts can
   * run several at once; the clipboard still carries layers across. */
  return g_object_new (TSU_TYPE_APPLICATION,
                       "application-id", "org.tsumiki.Tsumiki",
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/tsumiki/Tsumiki",
                       NULL);
}
