/* tsu-eval-metrics.h — the Evaluation page's data: NNC's output table from
 * the per-sample outputs tsu_eval_run keeps, the confusion matrix built from
 * it and per-class precision, recall and F1. Plain C, tested without a
 * display. */
#pragma once

#include <gio/gio.h>

#include "tsumiki.h"

G_BEGIN_DECLS

/* One evaluated sample. */
typedef struct
{
  int    index;        /* sample index in the evaluated split */
  int    label;        /* -1 for regression */
  int    prediction;   /* -1 for regression */
  float  confidence;   /* probability of the predicted class */
  float  label_probability; /* probability given to the true class */
  float  target;       /* regression: first target, first output */
  float  output;
} TsuEvalRow;

typedef struct
{
  gboolean classification;
  int      classes;      /* classification: largest label or prediction + 1, at least the outputs */
  int      n_outputs;    /* probability columns (1 for a sigmoid) or output columns */
  GArray  *rows;         /* TsuEvalRow */
} TsuEvalOutputs;

void            tsu_eval_outputs_free  (TsuEvalOutputs *outputs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuEvalOutputs, tsu_eval_outputs_free)

/* The rows of a result evaluated with keep_outputs (one output: a
 * sigmoid, the probability of class 1). */
TsuEvalOutputs *tsu_eval_outputs_from_result (const tsu_eval_result *result);

/* Fills cm (initialised here, the caller frees it) from the rows. */
void            tsu_eval_outputs_confusion (const TsuEvalOutputs *outputs,
                                            tsu_confusion        *cm);

/* One evaluation of a run's weights, as the page shows it. */
typedef struct
{
  char            *run_dir;
  char            *split;         /* "validation" or "training" */
  gboolean         best_weights;  /* best.safetensors rather than the last epoch's */
  tsu_eval_result  result;
  TsuEvalOutputs  *outputs;
  tsu_dataset     *dataset;       /* the split again, for thumbnails; may be NULL */
  char            *source_name;   /* the dataset's "source", for class names */
} TsuEvaluation;

/* Evaluates the run's best weights (else its last) with the run's own
 * project.tsumiki on split. Slow: call it from a worker thread; cancelling
 * stops it within one batch. */
TsuEvaluation  *tsu_evaluation_run  (const char    *run_dir,
                                     const char    *split,
                                     GCancellable  *cancellable,
                                     GError       **error);
/* The evaluation the run saved the last time split was evaluated
 * (tsu_eval_load_saved), with the samples for thumbnails. Fast, but it
 * reads the dataset: call it from the worker too. Each tsu_evaluation_run
 * saves its result so. */
TsuEvaluation  *tsu_evaluation_load_saved (const char  *run_dir,
                                           const char  *split,
                                           GError     **error);
void            tsu_evaluation_free (TsuEvaluation *evaluation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuEvaluation, tsu_evaluation_free)

typedef struct
{
  int     cls;
  gint64  support;     /* samples whose label is cls */
  gint64  predicted;   /* samples predicted as cls */
  double  precision, recall, f1;
} TsuClassMetrics;

/* One entry per class, then the macro average (cls = -1, support = total). */
GArray         *tsu_class_metrics_compute  (const tsu_confusion *cm);

/* The heat map's shade of a cell in [0, 1]: the fraction of the label's
 * samples predicted as `prediction` (row-normalised, as recall reads). */
double          tsu_confusion_cell_shade   (const tsu_confusion *cm,
                                            int                  label,
                                            int                  prediction);

G_END_DECLS
