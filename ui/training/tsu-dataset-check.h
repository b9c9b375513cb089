/* tsu-dataset-check.h — opens a project's training and validation data and
 * finds what would make a run fail, before the run: unreadable files, an
 * Input layer whose shape the data does not have, labels beyond the
 * network's output size. Plain C; slow (it reads the data), so the
 * dataset page calls it from a worker thread. */
#pragma once

#include <glib.h>

#include "tsumiki.h"

G_BEGIN_DECLS

typedef struct
{
  const char  *key;          /* "training", "validation" */
  tsu_dataset *dataset;      /* NULL when absent or unreadable */
  char        *description;  /* tsu_dataset_describe, or why it is missing */
  int          image_var;    /* a uint8 image variable for thumbnails, or -1 */
  int          input_var;    /* the first Input layer's variable, or -1 */
  int          label_var;    /* the loss's label variable, or -1 */
  int          classes;      /* label classes seen in the source, 0 if none */
  GArray      *label_counts; /* gint64 per class; empty without labels */
  GStrv        class_names;  /* tsu_dataset_class_names, NULL if none */
} TsuDatasetSplit;

typedef struct
{
  TsuDatasetSplit splits[2];   /* training, validation */
  int             net_outputs; /* classes the network predicts, 0 if unknown */
  GPtrArray      *problems;    /* char *, complete sentences, worst first */
  /* The training data's variables, for the design checks; count 0 when it
   * could not be read. */
  tsu_data_summary summary;
} TsuDatasetReport;

TsuDatasetReport *tsu_dataset_report_build (const tsu_project *project);
void              tsu_dataset_report_free  (TsuDatasetReport  *report);
/* What of the network a report reads (each Input's and loss's id, variable,
 * shape or classes) as a string: the report is stale when it changes. */
char             *tsu_dataset_report_graph_key (const tsu_graph *graph);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuDatasetReport, tsu_dataset_report_free)

/* Editing one entry of "dataset" (the Data page's source row), in place;
 * selection keys (skip, limit, shuffle) survive a change of source. Strings
 * are g_malloc'd, which is malloc, as tsu_dataset_spec_clear expects.
 *
 * A new source keeps only the keys that mean something to it; built-ins
 * get split "train" for the training entry and "test" for validation. */
void  tsu_dataset_spec_set_source (tsu_dataset_spec *spec,
                                   const char       *key,
                                   const char       *source);
/* Sets a string member ("split", "path", "images", "labels"); NULL removes it. */
void  tsu_dataset_spec_set_string (tsu_dataset_spec *spec,
                                   const char       *member,
                                   const char       *value);
/* path relative to project_dir when it lies inside it (paths in a project
 * are relative to its file), else unchanged. */
char *tsu_dataset_relative_path   (const char *project_dir,
                                   const char *path);

/* The names of the classes of the dataset entry key ("training",
 * "validation"): Fashion-MNIST's, or the "classes" of the dataset.json
 * beside a CSV (`tsumiki-cli dataset create`, docs/datasets.md); NULL when
 * there are none (the pages then show class numbers). */
GStrv tsu_dataset_class_names (const tsu_project *project,
                               const char        *key);
/* The same for the project a run was trained with (its run directory). */
GStrv tsu_dataset_class_names_for_run (const char *run_dir,
                                       const char *key);
/* "3 dog", or "3" without names. */
const char *tsu_class_label (const char * const *names,
                             int                 cls,
                             char               *buf,
                             gsize               size);

/* "x: [1, 28, 28]  y: label (10 classes)". */
char *tsu_dataset_describe_variables (const tsu_dataset *dataset);

G_END_DECLS
