/* tsu-training-view.h — the Training page: Run (F5), Pause/Resume, Stop
 * (Shift+F5), a progress bar with epoch, batch, images/s and ETA, the
 * learning curves, previous runs to overlay, and the training
 * configuration.
 *
 * The view does not own the document. The window gives it a function that
 * returns the current project (borrowed) and listens to "training-edited"
 * to apply configuration edits to its document as undoable commands; see
 * docs/training-ui.md. Runs train a copy, so editing during a run is safe. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-plot.h"
#include "tsu-training-controller.h"

G_BEGIN_DECLS

/* The current document, borrowed; NULL when there is none. */
typedef const tsu_project *(*TsuProjectFunc) (gpointer user_data);

#define TSU_TYPE_TRAINING_VIEW (tsu_training_view_get_type ())
G_DECLARE_FINAL_TYPE (TsuTrainingView, tsu_training_view, TSU, TRAINING_VIEW, GtkWidget)

/* Asked when Run (F5) is pressed: TRUE runs now; FALSE runs nothing now
 * (the window may ask the person and call tsu_training_view_run later). */
typedef gboolean (*TsuRunConfirmFunc) (TsuTrainingView *view, gpointer user_data);

GtkWidget             *tsu_training_view_new             (void);

void                   tsu_training_view_set_project_func (TsuTrainingView *self,
                                                           TsuProjectFunc   func,
                                                           gpointer         user_data,
                                                           GDestroyNotify   destroy);
void                   tsu_training_view_set_confirm_func (TsuTrainingView  *self,
                                                           TsuRunConfirmFunc func,
                                                           gpointer          user_data);
/* Trains the current project now, without asking (what Run does once
 * confirmed). */
void                   tsu_training_view_run              (TsuTrainingView *self);

/* The document was opened, saved under a new name or edited outside the
 * panel: re-read the configuration and the runs directory. */
void                   tsu_training_view_reload           (TsuTrainingView *self);

/* The actions ("run", "pause", "stop", "log-scale", "show-error",
 * "reset-zoom", "export", and with a run directory as parameter
 * "open-run", "rename-run", "delete-run"), inserted on the view as "training"; the window
 * may insert the same group on itself to reach them from other pages. */
GActionGroup          *tsu_training_view_get_actions      (TsuTrainingView *self);
TsuTrainingController *tsu_training_view_get_controller   (TsuTrainingView *self);
TsuPlot               *tsu_training_view_get_loss_plot    (TsuTrainingView *self);
TsuPlot               *tsu_training_view_get_accuracy_plot (TsuTrainingView *self);

/* Overrides for the next runs (tests, demos): epochs, limit, threads,
 * out_dir of tsu_train_options; NULL clears. */
void                   tsu_training_view_set_run_options  (TsuTrainingView         *self,
                                                           const tsu_train_options *options);
/* Ticks the overlay box of the run in run_dir. */
void                   tsu_training_view_set_overlay      (TsuTrainingView *self,
                                                           const char      *run_dir,
                                                           gboolean         overlay);
/* The results list: the run whose curves are shown (selected; the newest
 * after a reload), renaming (an empty name gives the date back) and
 * deleting (only a run of the project, never the one training). Both
 * edits emit "runs-changed"; errors name the run. */
void                   tsu_training_view_select_run       (TsuTrainingView *self,
                                                           const char      *run_dir);
const char            *tsu_training_view_get_selected_run (TsuTrainingView *self);
gboolean               tsu_training_view_rename_run       (TsuTrainingView  *self,
                                                           const char       *run_dir,
                                                           const char       *name,
                                                           GError          **error);
gboolean               tsu_training_view_delete_run       (TsuTrainingView  *self,
                                                           const char       *run_dir,
                                                           GError          **error);
/* Shows a sidebar page: "config", "runs" or "layers". */
void                   tsu_training_view_show_sidebar     (TsuTrainingView *self,
                                                           const char      *page);
/* what: "loss.png", "loss.svg", "accuracy.png", "accuracy.svg", "history.csv". */
gboolean               tsu_training_view_export           (TsuTrainingView  *self,
                                                           const char       *what,
                                                           const char       *path,
                                                           GError          **error);

G_END_DECLS
