/* tsu-palette.h — the layer palette: every catalogue kind, grouped as in
 * NNC, filtered by a search entry, dragged onto the canvas or activated. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TSU_TYPE_PALETTE (tsu_palette_get_type ())
G_DECLARE_FINAL_TYPE (TsuPalette, tsu_palette, TSU, PALETTE, GtkWidget)

GtkWidget  *tsu_palette_new               (void);
/* The highlighted entry's layer type, or NULL (for Insert on the canvas). */
const char *tsu_palette_get_selected_type (TsuPalette *self);
void        tsu_palette_focus_search      (TsuPalette *self);

G_END_DECLS
