/* main.c — `tsumiki [FILE]`, the GTK 4 designer; `tsumiki --screenshot
 * OUT.png [FILE]` renders the window to a PNG and exits. */
#include "tsu-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(TsuApplication) application = tsu_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
