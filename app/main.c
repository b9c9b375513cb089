/* main.c — `tsumiki [FILE]`, the GTK 4 designer; `tsumiki --screenshot
 * OUT.png [FILE]` renders the window to a PNG and exits. */
#include "tsu-application.h"

int
main (int argc, char *argv[])
{
  /* Everything here is drawn with cairo, and training shares the CPU with
   * the window: GTK 4.8's GL renderer falls back to software GL on machines
   * without a GPU, where a frame costs 100-150 ms against 17-33 ms with the
   * cairo renderer (docs/ui.md). GSK_RENDERER set by the user still wins. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  g_autoptr(TsuApplication) application = tsu_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
