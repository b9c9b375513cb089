/* tsu-graph-model.c — the document, its history and the rebuilt graph. */
#include "tsu-graph-model-private.h"
#include "tsu-i18n.h"

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
change_clear (gpointer data)
{
  tsu_change *change = data;

  g_free ((char *) change->node);
  g_free ((char *) change->old_node);
  g_free ((char *) change->section);
}

static GArray *
change_array_new (void)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (tsu_change));

  g_array_set_clear_func (array, change_clear);
  return array;
}

/* The document's observer: what each edit (or a restore) changed. A rename
 * is passed on at once so views carry selections over before "changed". */
static void
on_document_change (const tsu_change *change, void *data)
{
  TsuGraphModel *self = data;
  tsu_change copy = { change->kind, g_strdup (change->node), g_strdup (change->old_node),
                      g_strdup (change->section) };

  g_array_append_val (self->pending, copy);
  if (change->kind == TSU_CHANGE_NODE_RENAMED)
    g_signal_emit (self, signals[SIGNAL_NODE_RENAMED], 0, change->old_node, change->node);
}

/* "changed", about what was heard since the last one. */
void
tsu_graph_model_emit_changed (TsuGraphModel *self, gboolean reset)
{
  GArray *done = self->changes;

  self->changes = self->pending;
  self->pending = done;
  g_array_set_size (self->pending, 0);
  self->changes_reset = reset;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
rebuild (TsuGraphModel *self)
{
  g_clear_pointer (&self->graph, tsu_graph_free);
  g_clear_pointer (&self->layout, tsu_layout_free);
  tsu_diag_clear (&self->diag);
  self->graph = tsu_graph_build (self->project, &self->diag);
  self->layout = tsu_layout_new (self->project, self->graph, &self->diag);
  tsu_graph_model_advise (self);
}

static void
tsu_graph_model_finalize (GObject *object)
{
  TsuGraphModel *self = TSU_GRAPH_MODEL (object);

  g_clear_pointer (&self->graph, tsu_graph_free);
  g_clear_pointer (&self->layout, tsu_layout_free);
  g_clear_pointer (&self->project, tsu_project_free);
  tsu_diag_free (&self->diag);
  tsu_graph_model_advice_free (self);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->changes, g_array_unref);
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

static void
tsu_graph_model_init (TsuGraphModel *self)
{
  tsu_diag_init (&self->diag);
  tsu_warnings_init (&self->warnings);
  self->history = g_ptr_array_new_with_free_func (history_state_free);
  self->pending = change_array_new ();
  self->changes = change_array_new ();
}

TsuGraphModel *
tsu_graph_model_new (void)
{
  TsuGraphModel *self = g_object_new (TSU_TYPE_GRAPH_MODEL, NULL);

  tsu_graph_model_reset (self, tsu_project_new (TSU_GRAPH_MODEL_PLACEHOLDER_NAME));
  return self;
}

/* Files may leave positions out; give those boxes a place (the arranged one,
 * beside any boxes that have a position) so the canvas can draw them. */
static void
place_unpositioned (TsuGraphModel *self)
{
  g_autoptr(TsuLayout) layout = tsu_layout_new (self->project, NULL, NULL);
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
      tsu_project_set_node_position (self->project, layout->nodes[i].id, xs[i] + shift_x, ys[i], NULL);
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
  tsu_project_set_observer (project, on_document_change, self);
  g_array_set_size (self->pending, 0);
  start_history (self);
  rebuild (self);
  g_signal_emit (self, signals[SIGNAL_RESET], 0);
  tsu_graph_model_emit_changed (self, TRUE);
}

gboolean
tsu_graph_model_set_error (GError **error, int code, const tsu_diag *diag, const char *fallback)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 0; i < diag->count; i++)
    g_string_append_printf (text, "%s%s", i ? "\n" : "", diag->items[i].message);
  g_set_error_literal (error, TSU_GRAPH_MODEL_ERROR, code, text->len ? text->str : fallback);
  return FALSE;
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
      tsu_graph_model_set_error (error, TSU_GRAPH_MODEL_ERROR_PARSE, &diag, _("Could not open the project"));
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
      tsu_graph_model_set_error (error, TSU_GRAPH_MODEL_ERROR_PARSE, &diag, _("Not a Tsumiki project"));
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
      tsu_graph_model_set_error (error, TSU_GRAPH_MODEL_ERROR_IO, &diag, _("Could not save the project"));
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

guint
tsu_graph_model_get_n_changes (TsuGraphModel *self)
{
  return self->changes->len;
}

const tsu_change *
tsu_graph_model_get_change (TsuGraphModel *self, guint index)
{
  g_return_val_if_fail (index < self->changes->len, NULL);
  return &g_array_index (self->changes, tsu_change, index);
}

gboolean
tsu_graph_model_changed_network (TsuGraphModel *self)
{
  if (self->changes_reset)
    return TRUE;
  for (guint i = 0; i < self->changes->len; i++)
    {
      const tsu_change *change = &g_array_index (self->changes, tsu_change, i);
      if (change->kind != TSU_CHANGE_SECTION || g_strcmp0 (change->section, "network") == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
tsu_graph_model_changed_section (TsuGraphModel *self, const char *section)
{
  if (self->changes_reset)
    return TRUE;
  for (guint i = 0; i < self->changes->len; i++)
    {
      const tsu_change *change = &g_array_index (self->changes, tsu_change, i);
      if (change->kind == TSU_CHANGE_SECTION && g_strcmp0 (change->section, section) == 0)
        return TRUE;
    }
  return FALSE;
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
    return g_strdup (strcmp (name, TSU_GRAPH_MODEL_PLACEHOLDER_NAME) == 0 ? _("Untitled") : name);
  if (path != NULL)
    return g_path_get_basename (path);
  return g_strdup (_("Untitled"));
}

char *
tsu_graph_model_dup_text (TsuGraphModel *self)
{
  char *text = tsu_project_to_string (self->project);
  char *copy = g_strdup (text);

  free (text);
  return copy;
}

/* Missing or wrong settings keep their defaults; the Training page names
 * the wrong ones. */
static tsu_train_config
training_config (TsuGraphModel *self)
{
  tsu_train_config config;

  tsu_train_config_read (self->project, &config, NULL);
  return config;
}

int
tsu_graph_model_get_batch_size (TsuGraphModel *self)
{
  int batch = training_config (self).batch_size;

  return batch > 0 ? batch : 64;
}

tsu_optimizer_kind
tsu_graph_model_get_optimizer (TsuGraphModel *self)
{
  return training_config (self).optimizer;
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
  tsu_graph_model_emit_changed (self, FALSE);
}

void
tsu_graph_model_mark_unsaved (TsuGraphModel *self)
{
  self->saved_index = -1;
  tsu_graph_model_emit_changed (self, FALSE);
}

void
tsu_graph_model_set_path (TsuGraphModel *self, const char *path)
{
  tsu_project_set_path (self->project, path);
  tsu_graph_model_emit_changed (self, FALSE);
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

/* Brings the document back to history state `cursor`; the document tells
 * what differs. */
static gboolean
restore_cursor (TsuGraphModel *self)
{
  const char *text = history_at (self, self->cursor)->text;
  tsu_diag diag;
  tsu_status status;

  tsu_diag_init (&diag);
  status = tsu_project_restore (self->project, text, strlen (text), &diag);
  tsu_diag_free (&diag);
  /* The text came from tsu_project_to_string: failing to read it back is a
   * bug in the engine, not something a user can fix. */
  g_return_val_if_fail (status == TSU_OK, FALSE);
  rebuild (self);
  tsu_graph_model_emit_changed (self, FALSE);
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
      g_array_set_size (self->pending, 0);
      return;
    }
  /* An edit made past the document API told nothing: say what differs. */
  if (self->pending->len == 0)
    {
      const char *previous = history_at (self, self->cursor)->text;
      tsu_project *before = tsu_project_parse (previous, strlen (previous), "<history>", NULL);

      if (before != NULL)
        tsu_project_diff (before, self->project, on_document_change, self);
      tsu_project_free (before);
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
  tsu_graph_model_emit_changed (self, FALSE);
}

void
tsu_graph_model_end (TsuGraphModel *self)
{
  g_return_if_fail (self->edit_depth > 0);
  if (--self->edit_depth == 0)
    commit (self);
}
