/* main.c — `tsumiki [FILE]`, the GTK 4 designer; `tsumiki --screenshot
 * OUT.png [FILE]` renders the window to a PNG and exits. */
#include "tsu-application.h"
#include "tsu-i18n.h"

#include <locale.h>

#include <signal.h>

int
main (int argc, char *argv[])
{
  /* Everything here is drawn with cairo, and training shares the CPU with
   * the window: GTK 4.8's GL renderer falls back to software GL on machines
   * without a GPU, where a frame costs 100-150 ms against 17-33 ms with the
   * cairo renderer (docs/ui.md). GSK_RENDERER set by the user still wins. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  /* Past `ulimit -f` a save fails with EFBIG and says so, naming the file,
   * instead of SIGXFSZ killing the window and the unsaved work. */
  signal (SIGXFSZ, SIG_IGN);
  /* The user's language (docs/i18n.md). The default domain is ours so that
   * the .ui files' translatable strings are looked up in it too. */
  setlocale (LC_ALL, "");
  tsu_i18n_init ();
  textdomain (TSU_GETTEXT_DOMAIN);

  g_autoptr(TsuApplication) application = tsu_application_new ();

  int status = g_application_run (G_APPLICATION (application), argc, argv);

  return status != 0 ? status : tsu_application_get_exit_status (application);
}
