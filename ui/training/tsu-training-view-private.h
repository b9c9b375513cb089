/* tsu-training-view-private.h — state shared by the Training page's files:
 * tsu-training-view.c (actions, run bar) and tsu-training-view-plots.c
 * (curves and the run list). */
#pragma once

#include "tsu-layer-stats-view.h"
#include "tsu-run-list.h"
#include "tsu-training-config.h"
#include "tsu-training-view.h"

G_BEGIN_DECLS

struct _TsuTrainingView
{
  GtkWidget              parent_instance;

  /* Template children. */
  GtkButton             *run_button;
  GtkButton             *pause_button;
  GtkButton             *stop_button;
  GtkImage              *pause_icon;
  GtkLabel              *pause_label;
  GtkLabel              *state_label;
  GtkProgressBar        *progress;
  GtkLabel              *progress_label;
  GtkLabel              *speed_label;
  GtkLabel              *eta_label;
  GtkRevealer           *message_revealer;
  GtkImage              *message_icon;
  GtkLabel              *message_label;
  GtkWidget             *message_save_button; /* offered when a run needs a saved project */
  GtkStack              *side_stack;
  TsuTrainingConfig     *config;
  GtkListBox            *run_list;
  TsuLayerStatsView     *layer_stats;
  GtkLabel              *summary_label;
  TsuPlot               *loss_plot;
  TsuPlot               *accuracy_plot;

  TsuTrainingController *controller;
  GSimpleActionGroup    *actions;

  TsuProjectFunc         project_func;
  gpointer               project_data;
  TsuRunConfirmFunc      confirm_func;    /* asked before Run; NULL: run at once */
  gpointer               confirm_data;
  GDestroyNotify         project_destroy;

  tsu_train_options      run_options;
  char                  *run_out_dir;

  GPtrArray             *runs;      /* TsuRunInfo, newest first */
  GHashTable            *overlaid;  /* run dirs whose curves are overlaid */
  gboolean               show_error;
  guint                  overlay_generation; /* bumped when overlays or runs change */
  char                  *accuracy_key;       /* what the accuracy plot shows now */
  char                  *selected_run;       /* run dir selected in the results list */
  gboolean               filling_runs;       /* list changes that are not the user's */
};

/* tsu-training-view-plots.c */
void tsu_training_view_setup_plots  (TsuTrainingView *self);
void tsu_training_view_update_plots (TsuTrainingView *self);

/* tsu-training-view-runs.c */
void     tsu_training_view_scan_runs      (TsuTrainingView *self);
void     tsu_training_view_add_run_actions (TsuTrainingView *self);
void     tsu_training_view_runs_class_init (GObjectClass *klass);
void     tsu_training_view_run_ended (TsuTrainingView *self);
/* The colour of a ticked run's overlay: distinct for each ticked run, in
 * list order; FALSE when the run is not ticked. */
gboolean tsu_training_view_overlay_color (TsuTrainingView *self,
                                          const char      *run_dir,
                                          GdkRGBA         *color);

G_END_DECLS
