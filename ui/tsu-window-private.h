/* tsu-window-private.h — shared by tsu-window.c (layout, wiring),
 * tsu-window-actions.c (the win.* and graph.* actions) and
 * tsu-window-files.c (open, save, templates, autosave, recovery). */
#pragma once

#include "tsu-window.h"
#include "tsu-i18n.h"

struct _TsuWindow
{
  GtkApplicationWindow parent_instance;

  TsuGraphModel *model;
  GSimpleActionGroup *graph_actions;
  guint autosave_source;
  gboolean ephemeral;
  gboolean close_confirmed;
  gboolean wrote_recovery;
  char *recovery_path_shown;

  GtkMenuButton *new_button;
  GtkWidget *undo_button;
  GtkWidget *redo_button;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkRevealer *recovery_revealer;
  GtkLabel *recovery_label;
  GtkStack *views;
  TsuPalette *palette;
  GtkPaned *inner_paned;
  guint inspector_idle;
  guint theme_idle;
  GtkOverlay *canvas_overlay;
  TsuCanvas *canvas;
  TsuInspector *inspector;
  GtkButton *zoom_button;
  GtkRevealer *problems_revealer;
  GtkLabel *problems_title;
  GtkListBox *problems_list;
  GMenu *recent_section;

  /* tsu-window-training.c */
  GtkWidget *data_view;
  GtkWidget *training_view;
  GtkWidget *evaluation_view;
  GtkWidget *mini_loss;
  gboolean mini_loss_shown;
  gboolean run_close_confirmed;
  char *shown_path;
  gboolean pages_shown;
  char *evaluated_run;
};

/* tsu-window-actions.c */
void tsu_window_setup_actions      (TsuWindow *self);
void tsu_window_update_actions     (TsuWindow *self);

/* tsu-window-training.c: the Data, Training and Evaluation pages */
void tsu_window_setup_training     (TsuWindow *self);
void tsu_window_finalize_training  (TsuWindow *self);

/* tsu-window-export.c: File → Export Trained Model */
/* Presents the dialog (run, best or last weights, format, path) and
 * returns it, or NULL after saying there is nothing trained. */
GtkWidget *tsu_window_export_model_dialog (TsuWindow *self);

/* tsu-window-files.c */
void     tsu_window_setup_files    (TsuWindow *self);
void     tsu_window_open_dialog    (TsuWindow *self);
void     tsu_window_save           (TsuWindow *self);
void     tsu_window_save_as_dialog (TsuWindow *self);
void     tsu_window_export_dialog  (TsuWindow *self);
void     tsu_window_recover        (TsuWindow *self);
void     tsu_window_discard_recovery (TsuWindow *self);
void     tsu_window_update_recent  (TsuWindow *self);
/* Runs `then` once unsaved changes are saved or discarded; not at all when
 * the person cancels. */
void     tsu_window_confirm_discard (TsuWindow *self,
                                     void     (*then) (TsuWindow *self, gpointer data),
                                     gpointer   data,
                                     GDestroyNotify destroy);
void     tsu_window_on_model_changed_files (TsuWindow *self);
char    *tsu_window_dup_recovery_path (void);
