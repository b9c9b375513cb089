/* tsu-overflow-box.h — a row of widgets that fits a narrow window: when the
 * row is narrower than its children's natural widths, the children with the
 * CSS class "collapsible" are hidden, the last first, and the overflow
 * button (a menu offering what they did) is shown in their place. GTK 4.8
 * has no adaptive container of its own. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TSU_TYPE_OVERFLOW_BOX (tsu_overflow_box_get_type ())
G_DECLARE_FINAL_TYPE (TsuOverflowBox, tsu_overflow_box, TSU, OVERFLOW_BOX, GtkWidget)

/* The child shown only while something is hidden (property "overflow"). */
void       tsu_overflow_box_set_overflow (TsuOverflowBox *self,
                                          GtkWidget      *overflow);
/* Whether child is collapsible and hidden for want of room. */
gboolean   tsu_overflow_box_is_hidden    (TsuOverflowBox *self,
                                          GtkWidget      *child);

G_END_DECLS
