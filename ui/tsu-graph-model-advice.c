/* tsu-graph-model-advice.c — the design warnings of the document being
 * edited (tsumiki-advice.h), recomputed after every rebuild, and their
 * fixes as commands. */
#include "tsu-graph-model-private.h"

#include <stdlib.h>
#include <string.h>

void
tsu_graph_model_advise (TsuGraphModel *self)
{
  tsu_warnings_free (&self->warnings);
  tsu_graph_advise (self->graph, self->have_data ? &self->data : NULL, &self->warnings);
}

void
tsu_graph_model_advice_free (TsuGraphModel *self)
{
  tsu_warnings_free (&self->warnings);
  tsu_data_summary_clear (&self->data);
  self->have_data = FALSE;
}

const tsu_warnings *
tsu_graph_model_get_warnings (TsuGraphModel *self)
{
  g_return_val_if_fail (TSU_IS_GRAPH_MODEL (self), NULL);
  return &self->warnings;
}

const tsu_warning *
tsu_graph_model_find_warning (TsuGraphModel *self, const char *id)
{
  g_return_val_if_fail (TSU_IS_GRAPH_MODEL (self), NULL);
  return id ? tsu_warnings_find (&self->warnings, id) : NULL;
}

void
tsu_graph_model_set_data_summary (TsuGraphModel *self, const tsu_data_summary *summary)
{
  g_return_if_fail (TSU_IS_GRAPH_MODEL (self));
  tsu_data_summary_clear (&self->data);
  self->have_data = summary != NULL;
  if (summary)
    {
      self->data.count = summary->count;
      self->data.vars = malloc (((size_t) summary->count + 1) * sizeof *summary->vars);
      memcpy (self->data.vars, summary->vars, (size_t) summary->count * sizeof *summary->vars);
    }
  tsu_graph_model_advise (self);
  tsu_graph_model_emit_changed (self, FALSE);
}

gboolean
tsu_graph_model_apply_fix (TsuGraphModel *self, const tsu_fix *fix, GError **error)
{
  tsu_diag diag;
  gboolean ok;

  g_return_val_if_fail (TSU_IS_GRAPH_MODEL (self), FALSE);
  tsu_diag_init (&diag);
  tsu_graph_model_begin (self, fix->label);
  ok = tsu_fix_apply (self->project, fix, &diag) == TSU_OK;
  tsu_graph_model_end (self);
  if (!ok)
    tsu_graph_model_set_error (error, TSU_GRAPH_MODEL_ERROR_PARAM, &diag, "The fix could not be applied");
  tsu_diag_free (&diag);
  return ok;
}
