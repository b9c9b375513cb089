/* tsu-mini-loss-view.h — a compact loss curve for a corner of the Edit
 * view, so a person can keep designing while a run goes on: the smoothed
 * batch loss, the validation loss per epoch, and one line of progress.
 * Follows a TsuTrainingHistory ("changed", at most a few times a second). */
#pragma once

#include <gtk/gtk.h>

#include "tsu-training-history.h"

G_BEGIN_DECLS

#define TSU_TYPE_MINI_LOSS_VIEW (tsu_mini_loss_view_get_type ())
G_DECLARE_FINAL_TYPE (TsuMiniLossView, tsu_mini_loss_view, TSU, MINI_LOSS_VIEW, GtkWidget)

GtkWidget *tsu_mini_loss_view_new         (void);
void       tsu_mini_loss_view_set_history (TsuMiniLossView    *self,
                                           TsuTrainingHistory *history);
/* What the card says: the state, then the epoch and smoothed loss during a
 * run, or why the run failed. */
char      *tsu_mini_loss_view_dup_text    (TsuMiniLossView    *self);

G_END_DECLS
