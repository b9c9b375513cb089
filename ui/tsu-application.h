/* tsu-application.h — the `tsumiki` application: windows, accelerators,
 * style, and the --screenshot mode. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TSU_TYPE_APPLICATION (tsu_application_get_type ())
G_DECLARE_FINAL_TYPE (TsuApplication, tsu_application, TSU, APPLICATION, GtkApplication)

TsuApplication *tsu_application_new (void);

/* What main returns after g_application_run's own status: 1 when
 * --screenshot could not open FILE or write OUT.png. */
int tsu_application_get_exit_status (TsuApplication *self);

/* Registers the embedded resources (templates, .ui files, style) once;
 * tests call it too. */
void tsu_resources_ensure (void);

/* Monotonic time (µs) when the application object was made: start-up
 * measurements count from here. */
gint64 tsu_application_get_start_time (void);

G_END_DECLS
