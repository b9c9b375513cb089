/* tsu-evaluation-view.h — the Evaluation page for one run directory:
 * evaluates its weights (best.safetensors, else weights.safetensors) on
 * the validation or training data in a worker thread, then shows the
 * accuracy, a confusion-matrix heat map, per-class precision, recall and
 * F1, and NNC's output table. The run's own project.tsumiki is used, so
 * later edits of the document do not change what a run means. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-confusion-view.h"
#include "tsu-eval-metrics.h"
#include "tsu-predict-view.h"

G_BEGIN_DECLS

#define TSU_TYPE_EVALUATION_VIEW (tsu_evaluation_view_get_type ())
G_DECLARE_FINAL_TYPE (TsuEvaluationView, tsu_evaluation_view, TSU, EVALUATION_VIEW, GtkWidget)

GtkWidget  *tsu_evaluation_view_new          (void);

/* Lists the runs of the project at project_path (NAME.runs/) in the page's
 * run chooser and selects the newest unless a run is already selected;
 * NULL empties the chooser. Call it again after a run finishes. */
void        tsu_evaluation_view_set_project_path (TsuEvaluationView *self,
                                                  const char        *project_path);
/* Selects a run; with `evaluate` it starts at once. */
void        tsu_evaluation_view_set_run_dir  (TsuEvaluationView *self,
                                              const char        *run_dir,
                                              gboolean           evaluate);
const char *tsu_evaluation_view_get_run_dir  (TsuEvaluationView *self);
/* "validation" (default) or "training". */
void        tsu_evaluation_view_set_split    (TsuEvaluationView *self,
                                              const char        *split);
/* Starts evaluating (the "evaluation.run" action). */
void        tsu_evaluation_view_evaluate     (TsuEvaluationView *self);
gboolean    tsu_evaluation_view_get_busy     (TsuEvaluationView *self);

/* The last result, NULL before one; the message of the last failure. */
const TsuEvalOutputs *tsu_evaluation_view_get_outputs (TsuEvaluationView *self);
const char *tsu_evaluation_view_get_error    (TsuEvaluationView *self);
void        tsu_evaluation_view_set_mistakes_only (TsuEvaluationView *self,
                                                   gboolean           mistakes_only);
/* The confusion matrix: clicking a cell (tsu_confusion_view_click) filters
 * the table to its (label, prediction) pair. */
TsuConfusionView *tsu_evaluation_view_get_confusion (TsuEvaluationView *self);
/* "1 square" with the run's class names, "1" without. */
const char *tsu_evaluation_view_class_name (TsuEvaluationView *self,
                                            int                cls,
                                            char              *buf,
                                            gsize              size);
/* "Predict files…" and files dropped on the page: the chosen run's three
 * best classes for each picture (or folder of them), in the background. */
void        tsu_evaluation_view_predict_files (TsuEvaluationView  *self,
                                               const char * const *paths);
TsuPredictView *tsu_evaluation_view_get_predict_view (TsuEvaluationView *self);
/* Rows shown in the table now (after the mistakes and cell filters). */
guint       tsu_evaluation_view_get_n_shown  (TsuEvaluationView *self);

G_END_DECLS
