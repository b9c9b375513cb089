/* tsu-graph-model.c — the document, its history and the rebuilt graph. */
#include "tsu-graph-model-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Enough for a long session; the oldest states go first. */
#define HISTORY_LIMIT 500

typedef struct {
  char *text;
  char *label;   /* the command that led to this state */
} HistoryState;

enum {
  SIGNAL_CHANGED,
  SIGNAL_RESET,
  SIGNAL_NODE_RENAMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TsuGraphModel, tsu_graph_model, G_TYPE_OBJECT)

G_DEFINE_QUARK (tsu-graph-model-error-quark, tsu_graph_model_error)

static void
history_state_free (gpointer data)
{
  HistoryState *state = data;

  free (state->text);
  g_free (state->label);
  g_free (state);
}

static HistoryState *
history_at (TsuGraphModel *self, guint index)
{
  return g_ptr_array_index (self->history, index);
}

static void
rebuild (TsuGraphModel *self)
{
  g_clear_pointer (&self->graph, tsu_graph_free);
  g_clear_pointer (&self->layout, tsu_layout_free);
  tsu_diag_clear (&self->diag);
  self->graph = tsu_graph_build (self->project, &self->diag);
  self->layout = tsu_layout_new (self->project, self->graph, &self->diag);
}

static void
tsu_graph_model_finalize (GObject *object)
{
  TsuGraphModel *self = TSU_GRAPH_MODEL (object);

  g_clear_pointer (&self->graph, tsu_graph_free);
  g_clear_pointer (&self->layout, tsu_layout_free);
  g_clear_pointer (&self->project, tsu_project_free);
  tsu_diag_free (&self->diag);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_free (self->edit_label);
  G_OBJECT_CLASS (tsu_graph_model_parent_class)->finalize (object);
}

static void
tsu_graph_model_class_init (TsuGraphModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tsu_graph_model_finalize;

  /* After any change of the document: an edit, undo, redo or reset. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A different document was loaded: views drop selections and refit. */
  signals[SIGNAL_RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (old id, new id), before the "changed" of the rename, so views can
   * carry selections over. */
  signals[SIGNAL_NODE_RENAMED] = g_signal_new ("node-renamed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                               G_TYPE_STRING, G_TYPE_STRING);
}

void
tsu_graph_model_emit_renamed (TsuGraphModel *self, const char *old_id, const char *new_id)
{
  g_signal_emit (self, signals[SIGNAL_NODE_RENAMED], 0, old_id, new_id);
}

static void
tsu_graph_model_init (TsuGraphModel *self)
{
  tsu_diag_init (&self->diag);
  self->history = g_ptr_array_new_with_free_func (history_state_free);
}

TsuGraphModel *
tsu_graph_model_new (void)
{
  TsuGraphModel *self = g_object_new (TSU_TYPE_GRAPH_MODEL, NULL);

  tsu_graph_model_reset (self, tsu_project_new ("Untitled"));
  return self;
}

/* Files may leave positions out; give those boxes a place (the arranged one,
 * beside any boxes that have a position) so the canvas can draw them. */
static void
place_unpositioned (TsuGraphModel *self)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
  struct json_object *nodes = tsu_project_nodes (self->project);
  g_autofree double *xs = g_new0 (double, MAX (layout->n_nodes, 1));
  g_autofree double *ys = g_new0 (double, MAX (layout->n_nodes, 1));
  double shift_x = 0;
  gboolean any_placed = FALSE, any_missing = FALSE;

  for (int i = 0; i < layout->n_nodes; i++)
    {
      if (layout->nodes[i].has_position)
        {
          any_placed = TRUE;
          shift_x = MAX (shift_x, layout->nodes[i].x + TSU_COLUMN_PITCH);
        }
      else
        any_missing = TRUE;
    }
  if (!any_missing)
    return;
  if (!any_placed)
    shift_x = 0;

  tsu_layout_arrange (layout, xs, ys);
  for (int i = 0; i < layout->n_nodes; i++)
    if (!layout->nodes[i].has_position)
      tsu_node_json_set_position (nodes, i, xs[i] + shift_x, ys[i]);
}

static void
start_history (TsuGraphModel *self)
{
  HistoryState *state = g_new0 (HistoryState, 1);

  state->text = tsu_project_to_string (self->project);
  g_ptr_array_set_size (self->history, 0);
  g_ptr_array_add (self->history, state);
  self->cursor = 0;
  self->saved_index = 0;
}

void
tsu_graph_model_reset (TsuGraphModel *self, tsu_project *project)
{
  g_return_if_fail (TSU_IS_GRAPH_MODEL (self));
  g_return_if_fail (project != NULL);

  g_clear_pointer (&self->project, tsu_project_free);
  self->project = project;
  self->edit_depth = 0;
  place_unpositioned (self);
  start_history (self);
  rebuild (self);
  g_signal_emit (self, signals[SIGNAL_RESET], 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
set_error_from_diag (GError **error, int code, const tsu_diag *diag, const char *fallback)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 0; i < diag->count; i++)
    g_string_append_printf (text, "%s%s", i ? "\n" : "", diag->items[i].message);
  g_set_error_literal (error, TSU_GRAPH_MODEL_ERROR, code, text->len ? text->str : fallback);
}

gboolean
tsu_graph_model_load_file (TsuGraphModel *self, const char *path, GError **error)
{
  tsu_diag diag;
  tsu_project *project;

  tsu_diag_init (&diag);
  project = tsu_project_load (path, &diag);
  if (project == NULL)
    {
      set_error_from_diag (error, TSU_GRAPH_MODEL_ERROR_PARSE, &diag, "Could not open the project");
      tsu_diag_free (&diag);
      return FALSE;
    }
  tsu_diag_free (&diag);
  if (tsu_project_path (project) == NULL)
    tsu_project_set_path (project, path);
  tsu_graph_model_reset (self, project);
  return TRUE;
}

gboolean
tsu_graph_model_load_text (TsuGraphModel *self, const char *text, const char *source, GError **error)
{
  tsu_diag diag;
  tsu_project *project;

  tsu_diag_init (&diag);
  project = tsu_project_parse (text, strlen (text), source, &diag);
  if (project == NULL)
    {
      set_error_from_diag (error, TSU_GRAPH_MODEL_ERROR_PARSE, &diag, "Not a Tsumiki project");
      tsu_diag_free (&diag);
      return FALSE;
    }
  tsu_diag_free (&diag);
  tsu_graph_model_reset (self, project);
  return TRUE;
}

gboolean
tsu_graph_model_save (TsuGraphModel *self, const char *path_in, GError **error)
{
  /* path_in may be the project's own path string, which setting the path
   * frees: work on a copy. */
  g_autofree char *path = g_strdup (path_in);
  tsu_diag diag;

  tsu_diag_init (&diag);
  if (tsu_project_save (self->project, path, &diag) != TSU_OK)
    {
      set_error_from_diag (error, TSU_GRAPH_MODEL_ERROR_IO, &diag, "Could not save the project");
      tsu_diag_free (&diag);
      return FALSE;
    }
  tsu_diag_free (&diag);
  tsu_project_set_path (self->project, path);
  tsu_graph_model_mark_saved (self);
  return TRUE;
}

const tsu_project *
tsu_graph_model_get_project (TsuGraphModel *self)
{
  return self->project;
}

const tsu_graph *
tsu_graph_model_get_graph (TsuGraphModel *self)
{
  return self->graph;
}

const tsu_diag *
tsu_graph_model_get_diag (TsuGraphModel *self)
{
  return &self->diag;
}

const TsuLayout *
tsu_graph_model_get_layout (TsuGraphModel *self)
{
  return self->layout;
}

struct json_object *
tsu_graph_model_get_node_json (TsuGraphModel *self, const char *id)
{
  return tsu_node_json_find (self->project, id, NULL);
}

const char *
tsu_graph_model_get_path (TsuGraphModel *self)
{
  return tsu_project_path (self->project);
}

char *
tsu_graph_model_dup_title (TsuGraphModel *self)
{
  const char *name = tsu_project_name (self->project);
  const char *path = tsu_project_path (self->project);

  if (name != NULL && name[0] != '\0')
    return g_strdup (name);
  if (path != NULL)
    return g_path_get_basename (path);
  return g_strdup ("Untitled");
}

char *
tsu_graph_model_dup_text (TsuGraphModel *self)
{
  char *text = tsu_project_to_string (self->project);
  char *copy = g_strdup (text);

  free (text);
  return copy;
}

static struct json_object *
training_member (TsuGraphModel *self, const char *key)
{
  struct json_object *training = NULL, *value = NULL;

  if (!json_object_object_get_ex (tsu_project_root (self->project), "training", &training))
    return NULL;
  json_object_object_get_ex (training, key, &value);
  return value;
}

int
tsu_graph_model_get_batch_size (TsuGraphModel *self)
{
  struct json_object *value = training_member (self, "batch_size");
  int batch = value ? json_object_get_int (value) : 64;

  return batch > 0 ? batch : 64;
}

tsu_optimizer_kind
tsu_graph_model_get_optimizer (TsuGraphModel *self)
{
  struct json_object *optimizer = training_member (self, "optimizer");
  struct json_object *type = NULL;
  const char *name;

  if (optimizer == NULL || !json_object_object_get_ex (optimizer, "type", &type))
    return TSU_OPT_ADAM;
  name = json_object_get_string (type);
  if (g_strcmp0 (name, "SGD") == 0)
    return TSU_OPT_SGD;
  if (g_strcmp0 (name, "Momentum") == 0)
    return TSU_OPT_MOMENTUM;
  if (g_strcmp0 (name, "AdamW") == 0)
    return TSU_OPT_ADAMW;
  return TSU_OPT_ADAM;
}

gboolean
tsu_graph_model_get_dirty (TsuGraphModel *self)
{
  return self->saved_index != (int) self->cursor;
}

void
tsu_graph_model_mark_saved (TsuGraphModel *self)
{
  self->saved_index = (int) self->cursor;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
tsu_graph_model_mark_unsaved (TsuGraphModel *self)
{
  self->saved_index = -1;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
tsu_graph_model_set_path (TsuGraphModel *self, const char *path)
{
  tsu_project_set_path (self->project, path);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
tsu_graph_model_can_undo (TsuGraphModel *self)
{
  return self->cursor > 0;
}

gboolean
tsu_graph_model_can_redo (TsuGraphModel *self)
{
  return self->cursor + 1 < self->history->len;
}

const char *
tsu_graph_model_get_undo_label (TsuGraphModel *self)
{
  return self->cursor > 0 ? history_at (self, self->cursor)->label : NULL;
}

const char *
tsu_graph_model_get_redo_label (TsuGraphModel *self)
{
  return tsu_graph_model_can_redo (self) ? history_at (self, self->cursor + 1)->label : NULL;
}

/* Brings the document back to history state `cursor`. */
static gboolean
restore_cursor (TsuGraphModel *self)
{
  const char *text = history_at (self, self->cursor)->text;
  g_autofree char *path = g_strdup (tsu_project_path (self->project));
  tsu_diag diag;
  tsu_project *project;

  tsu_diag_init (&diag);
  project = tsu_project_parse (text, strlen (text), "<history>", &diag);
  tsu_diag_free (&diag);
  /* The text came from tsu_project_to_string: failing to read it back is a
   * bug in the engine, not something a user can fix. */
  g_return_val_if_fail (project != NULL, FALSE);

  if (path != NULL)
    tsu_project_set_path (project, path);
  tsu_project_free (self->project);
  self->project = project;
  rebuild (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
tsu_graph_model_undo (TsuGraphModel *self)
{
  if (self->edit_depth > 0 || self->cursor == 0)
    return FALSE;
  self->cursor--;
  return restore_cursor (self);
}

gboolean
tsu_graph_model_redo (TsuGraphModel *self)
{
  if (self->edit_depth > 0 || !tsu_graph_model_can_redo (self))
    return FALSE;
  self->cursor++;
  return restore_cursor (self);
}

void
tsu_graph_model_begin (TsuGraphModel *self, const char *label)
{
  if (self->edit_depth++ == 0)
    {
      g_free (self->edit_label);
      self->edit_label = g_strdup (label);
    }
}

static void
commit (TsuGraphModel *self)
{
  char *text = tsu_project_to_string (self->project);
  HistoryState *state;

  if (strcmp (text, history_at (self, self->cursor)->text) == 0)
    {
      free (text);
      return;
    }

  /* A new edit after undoing drops the undone future. */
  if (self->saved_index > (int) self->cursor)
    self->saved_index = -1;
  g_ptr_array_set_size (self->history, self->cursor + 1);

  state = g_new0 (HistoryState, 1);
  state->text = text;
  state->label = g_steal_pointer (&self->edit_label);
  g_ptr_array_add (self->history, state);
  self->cursor++;

  if (self->history->len > HISTORY_LIMIT)
    {
      g_ptr_array_remove_index (self->history, 0);
      self->cursor--;
      self->saved_index = self->saved_index > 0 ? self->saved_index - 1 : -1;
    }

  rebuild (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
tsu_graph_model_end (TsuGraphModel *self)
{
  g_return_if_fail (self->edit_depth > 0);
  if (--self->edit_depth == 0)
    commit (self);
}
