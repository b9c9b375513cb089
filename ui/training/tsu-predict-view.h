/* tsu-predict-view.h — pictures of one's own and a run's three best
 * classes for each (tsu-predict-files.h), as cards with a thumbnail; the
 * prediction runs in a worker thread. Part of the Evaluation page. */
#pragma once

#include <gtk/gtk.h>

#include "tsu-predict-files.h"

G_BEGIN_DECLS

#define TSU_TYPE_PREDICT_VIEW (tsu_predict_view_get_type ())
G_DECLARE_FINAL_TYPE (TsuPredictView, tsu_predict_view, TSU, PREDICT_VIEW, GtkWidget)

GtkWidget            *tsu_predict_view_new      (void);
/* Predicts paths (pictures, folders of them) with run_dir's weights. */
void                  tsu_predict_view_predict  (TsuPredictView     *self,
                                                 const char         *run_dir,
                                                 const char * const *paths);
gboolean              tsu_predict_view_get_busy (TsuPredictView *self);
/* The last result, NULL before one; the last failure's message. */
const TsuPredictions *tsu_predict_view_get_predictions (TsuPredictView *self);
const char           *tsu_predict_view_get_error (TsuPredictView *self);

G_END_DECLS
