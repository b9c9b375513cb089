/* tsu-dataset-view.h — the training and validation data at a glance:
 * sample counts, variable shapes, a label histogram and a grid of samples
 * with their labels, and above them every problem that would stop a run
 * (unreadable files, an Input layer the data does not fit, labels beyond
 * the network's outputs). Reading the data happens in a worker thread.
 * Each card's first row picks the source (built-in Fashion-MNIST/MNIST and
 * split, IDX files, an NNC-style CSV) and a limit; edits are reported with
 * "dataset-edited" (the typed section as it should be) for the owner to
 * apply with tsu_project_set_dataset(). */
#pragma once

#include <gtk/gtk.h>

#include "tsu-dataset-check.h"

G_BEGIN_DECLS

#define TSU_TYPE_DATASET_VIEW (tsu_dataset_view_get_type ())
G_DECLARE_FINAL_TYPE (TsuDatasetView, tsu_dataset_view, TSU, DATASET_VIEW, GtkWidget)

GtkWidget              *tsu_dataset_view_new        (void);
/* Checks a copy of project (NULL clears the page). */
void                    tsu_dataset_view_set_project (TsuDatasetView    *self,
                                                      const tsu_project *project);
/* The network of the project shown changed (graph: its build, NULL when
 * invalid): checks again only when what the report reads of it changed, an
 * Input's shape or variable, a loss's classes. */
void                    tsu_dataset_view_network_changed (TsuDatasetView    *self,
                                                          const tsu_project *project,
                                                          const tsu_graph   *graph);
gboolean                tsu_dataset_view_get_busy   (TsuDatasetView *self);
/* The last report, NULL before the first. */
const TsuDatasetReport *tsu_dataset_view_get_report (TsuDatasetView *self);

/* "Create dataset from folder…": opens the dialog (returned, owned by
 * GTK). When it has written a dataset the view emits "dataset-edited"
 * with its CSVs as the training and validation sources, and offers to set
 * the Input node's shape to the pictures' (tsu_dataset_view_get_input_offer). */
GtkWidget  *tsu_dataset_view_open_folder_dialog (TsuDatasetView *self);
/* The offered Input node id, NULL when there is no offer. */
const char *tsu_dataset_view_get_input_offer    (TsuDatasetView *self);
/* The offer's button: emits "input-shape-edited" (const char *node_id,
 * const tsu_value *shape) for the owner to apply with
 * tsu_project_set_node_param(), and hides the offer. */
void        tsu_dataset_view_apply_input_offer  (TsuDatasetView *self);

G_END_DECLS
