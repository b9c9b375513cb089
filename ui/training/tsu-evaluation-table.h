/* tsu-evaluation-table.h — NNC's output table: one row per evaluated
 * sample with its thumbnail, label, prediction and probability, in a
 * GtkColumnView that can show only the mistakes and sort by confidence. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-eval-metrics.h"

G_BEGIN_DECLS

/* One row. */
#define TSU_TYPE_EVAL_ITEM (tsu_eval_item_get_type ())
G_DECLARE_FINAL_TYPE (TsuEvalItem, tsu_eval_item, TSU, EVAL_ITEM, GObject)

const TsuEvalRow *tsu_eval_item_get_row (TsuEvalItem *self);

/* The samples a table shows thumbnails and inputs from; shared by the
 * rows' cells, refcounted so a table can outlive a new evaluation. */
typedef struct _TsuEvalSource TsuEvalSource;
TsuEvalSource *tsu_eval_source_new   (tsu_dataset       *dataset, /* owned, may be NULL */
                                      const char * const *class_names);
TsuEvalSource *tsu_eval_source_ref   (TsuEvalSource *source);
void           tsu_eval_source_unref (TsuEvalSource *source);
const char    *tsu_eval_source_class_name (TsuEvalSource *source,
                                           int            cls,
                                           char          *buf,
                                           gsize          size);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsuEvalSource, tsu_eval_source_unref)

/* A texture of 8-bit planar pixels (channels 1 or 3 planes of height x
 * width, as datasets and tsu_image hold them). */
GdkTexture *tsu_planar_texture_new (const guint8 *pixels,
                                    int           channels,
                                    int           height,
                                    int           width);

/* Fills column_view with the columns for outputs and returns the model
 * chain's filter so the caller can toggle "mistakes only". The list is in
 * the returned store (TsuEvalItem). */
typedef struct
{
  GListStore        *store;
  GtkCustomFilter   *mistakes;
  GtkFilterListModel *filtered;
  GtkColumnViewColumn *confidence_column;
  gboolean             mistakes_only;
  int                  cell_label, cell_prediction; /* -1: every pair */
} TsuEvalTable;

void tsu_eval_table_setup (GtkColumnView        *column_view,
                           const TsuEvalOutputs *outputs,
                           TsuEvalSource        *source,
                           TsuEvalTable         *table);
/* Shows every sample, or only the misclassified ones (classification) or
 * those with the largest error first (regression). */
void tsu_eval_table_set_mistakes_only (TsuEvalTable *table,
                                       gboolean      mistakes_only);
/* Shows only the samples with this label and prediction (a confusion
 * matrix cell); -1, -1 shows every pair again. */
void tsu_eval_table_set_cell (TsuEvalTable *table,
                              int           label,
                              int           prediction);

G_END_DECLS
