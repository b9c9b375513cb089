/* tsu-inspector-params.c — editors generated from a layer kind's param
 * descriptor table: INT → spin button, INTS of 2 → a pair, INTS of any
 * length → entry, FLOAT → spin with digits, BOOL → switch, STRING → entry.
 * Every change is one model command; messages appear under the editor. */
#include "tsu-inspector-private.h"
#include "tsu-i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gboolean
tsu_inspector_widget_has_focus (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* The selected node's value of the param, typed (the default when the file
 * leaves it out or gives something of another type). */
static tsu_param_source
node_param (TsuInspector *self, const tsu_param_desc *desc, tsu_value *value)
{
  const tsu_project *project = tsu_graph_model_get_project (self->model);
  int index = tsu_project_node_find (project, self->node_id);

  *value = desc->def;
  return index < 0 ? TSU_VALUE_DEFAULT : tsu_project_node_param (project, index, desc, value);
}

static ParamEditor *
find_editor_for (TsuInspector *self, GtkWidget *widget)
{
  for (guint i = 0; i < self->editors->len; i++)
    {
      ParamEditor *editor = &g_array_index (self->editors, ParamEditor, i);

      if (editor->editor == widget)
        return editor;
      for (int k = 0; k < editor->n_parts; k++)
        if (editor->parts[k] == widget)
          return editor;
    }
  return NULL;
}

static void show_message (ParamEditor *editor, const char *message);
static void show_text_message (ParamEditor *editor, const char *message);

static void
commit (TsuInspector *self, ParamEditor *editor, const tsu_value *value)
{
  g_autoptr(GError) error = NULL;

  /* The document refuses what the param does not take, with the message
   * the graph check would give. */
  if (!tsu_graph_model_set_param (self->model, self->node_id, editor->desc->name, value, &error))
    show_message (editor, error->message);
}

static void
on_spin_changed (GtkSpinButton *spin, TsuInspector *self)
{
  ParamEditor *editor;

  if (self->updating || (editor = find_editor_for (self, GTK_WIDGET (spin))) == NULL)
    return;
  if (editor->reverting)
    {
      editor->reverting = FALSE;   /* the value in effect, back: nothing to commit */
      return;
    }
  if (editor->desc->type == TSU_PARAM_INT)
    commit (self, editor, &(tsu_value) { .n = 1, .ints = { gtk_spin_button_get_value_as_int (spin) } });
  else if (editor->desc->type == TSU_PARAM_FLOAT)
    commit (self, editor, &(tsu_value) { .number = gtk_spin_button_get_value (spin) });
  else
    {
      tsu_value value = { .n = editor->n_parts };

      for (int k = 0; k < editor->n_parts; k++)
        value.ints[k] = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor->parts[k]));
      commit (self, editor, &value);
    }
}

static void
on_switch_changed (GtkSwitch *toggle, GParamSpec *pspec, TsuInspector *self)
{
  ParamEditor *editor;

  if (self->updating || (editor = find_editor_for (self, GTK_WIDGET (toggle))) == NULL)
    return;
  commit (self, editor, &(tsu_value) { .boolean = gtk_switch_get_active (toggle) });
}

static void
show_message (ParamEditor *editor, const char *message)
{
  gtk_label_set_text (GTK_LABEL (editor->message), message ? message : "");
  gtk_widget_set_visible (editor->message, message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (editor->editor, "error");
  else
    gtk_widget_remove_css_class (editor->editor, "error");
  editor->message_from_text = FALSE;
}

/* A complaint about what is typed, not about the value in the model. */
static void
show_text_message (ParamEditor *editor, const char *message)
{
  show_message (editor, message);
  editor->message_from_text = message != NULL;
}

/* 65536, not 6.5536e+04: bounds of integer params read as integers. */
static char *
format_bound (double value)
{
  if (value == (double) (long long) value && fabs (value) < 1e15)
    return g_strdup_printf ("%lld", (long long) value);
  return g_strdup_printf ("%g", value);
}

/* "1, 28, 28" → [1, 28, 28]; FALSE with a message when it is not that. */
static gboolean
parse_int_list (const char *text, const tsu_param_desc *desc, tsu_value *value, char **message)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",× x", -1);

  value->n = 0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      long number;

      if (parts[i][0] == '\0')
        continue;
      number = strtol (parts[i], &end, 10);
      if (*end != '\0' || number < desc->min || number > desc->max)
        {
          g_autofree char *low = format_bound (desc->min), *high = format_bound (desc->max);
          *message = g_strdup_printf (_("Enter whole numbers from %s to %s, separated by commas"), low, high);
          return FALSE;
        }
      if (value->n == TSU_MAX_DIMS)
        value->n++;
      else
        value->ints[value->n++] = (int) number;
    }
  if (value->n == 0 || value->n > TSU_MAX_DIMS)
    {
      *message = g_strdup_printf (_("Enter 1 to %d numbers, separated by commas"), TSU_MAX_DIMS);
      return FALSE;
    }
  return TRUE;
}

static void
on_entry_changed (GtkEditable *entry, TsuInspector *self)
{
  ParamEditor *editor;
  const char *text = gtk_editable_get_text (entry);

  if (self->updating || (editor = find_editor_for (self, GTK_WIDGET (entry))) == NULL)
    return;
  if (editor->desc->type == TSU_PARAM_INTS)
    {
      g_autofree char *message = NULL;
      tsu_value value;
      gboolean parsed = parse_int_list (text, editor->desc, &value, &message);

      show_text_message (editor, message);
      if (parsed)
        commit (self, editor, &value);
    }
  else
    {
      /* Dataset variable names follow the id rules. */
      if (text[0] == '\0')
        {
          show_text_message (editor, _("Enter a name"));
          return;
        }
      show_message (editor, NULL);
      commit (self, editor, &(tsu_value) { .string = text });
    }
}

/* The engine's message about this param of the selected node, or NULL. */
static const char *
engine_message (TsuInspector *self, const char *name)
{
  const tsu_diag *diag = tsu_graph_model_get_diag (self->model);

  for (int k = 0; k < diag->count; k++)
    if (strcmp (diag->items[k].node, self->node_id) == 0 && strcmp (diag->items[k].param, name) == 0)
      return diag->items[k].message;
  return NULL;
}

/* What is wrong with a spin button's text as a value of the param, or
 * NULL when it is one. */
static char *
spin_text_complaint (const tsu_param_desc *desc, const char *text)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  while (end != NULL && g_ascii_isspace (*end))
    end++;
  if (text[0] == '\0' || end == NULL || *end != '\0'
      || (desc->type != TSU_PARAM_FLOAT && value != (double) (long) value))
    return g_strdup (desc->type == TSU_PARAM_FLOAT ? _("Enter a number") : _("Enter a whole number"));
  if (value < desc->min || value > desc->max)
    {
      g_autofree char *low = format_bound (desc->min), *high = format_bound (desc->max);
      /* TRANSLATORS: a parameter's name (kept in English), its minimum and maximum. */
      return g_strdup_printf (_("%s takes values from %s to %s"), desc->name, low, high);
    }
  return NULL;
}

/* Spin buttons commit on Enter or focus-out; while typing, say at once when
 * the text is not a value the param accepts. */
static void
on_spin_text_changed (GtkEditable *spin, TsuInspector *self)
{
  ParamEditor *editor;
  g_autofree char *complaint = NULL;

  if (self->updating || (editor = find_editor_for (self, GTK_WIDGET (spin))) == NULL || editor->reverting)
    return;
  complaint = spin_text_complaint (editor->desc, gtk_editable_get_text (spin));
  if (complaint != NULL)
    show_text_message (editor, complaint);
  else
    show_message (editor, engine_message (self, editor->desc->name));
}

/* Enter or focus-out on a refused text makes the spin button put the value
 * in effect back (GTK_UPDATE_IF_VALID), ending with value-changed; the
 * complaint about what was typed stays meanwhile, so the revert says why. */
static gint
on_spin_input (GtkSpinButton *spin, double *new_value, TsuInspector *self)
{
  ParamEditor *editor = find_editor_for (self, GTK_WIDGET (spin));
  g_autofree char *complaint = NULL;

  (void) new_value;
  if (self->updating || editor == NULL)
    return FALSE;
  complaint = spin_text_complaint (editor->desc, gtk_editable_get_text (GTK_EDITABLE (spin)));
  editor->reverting = complaint != NULL;
  return FALSE;
}

static char *entry_text (TsuInspector *self, ParamEditor *editor);
static const char *engine_message (TsuInspector *self, const char *name);

/* Leaving an entry whose text was never valid shows the value in effect
 * again, rather than leaving a stale complaint behind. */
static void
on_entry_focus_leave (GtkEventControllerFocus *controller, TsuInspector *self)
{
  GtkWidget *entry = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  ParamEditor *editor = find_editor_for (self, entry);

  if (editor == NULL || !gtk_widget_get_visible (editor->message))
    return;
  {
    g_autofree char *text = entry_text (self, editor);

    self->updating = TRUE;
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
    self->updating = FALSE;
  }
  show_message (editor, engine_message (self, editor->desc->name));
}

static double
bound (double value, double fallback)
{
  return isfinite (value) ? value : fallback;
}

static GtkWidget *
make_spin (TsuInspector *self, const tsu_param_desc *desc, gboolean floating)
{
  double lower = bound (desc->min, -1e9), upper = bound (desc->max, 1e9);
  GtkAdjustment *adjustment;
  GtkWidget *spin;
  int digits = 0;
  double step = 1;

  if (lower >= upper)
    upper = lower + 1e9;
  if (floating)
    {
      /* Small defaults (eps = 1e-5) need more digits than rates do. */
      double scale = fabs (desc->def.number) > 0 ? fabs (desc->def.number) : 0.1;
      digits = CLAMP ((int) ceil (-log10 (scale)) + 2, 2, 8);
      step = pow (10, -(digits - 1));
    }
  adjustment = gtk_adjustment_new (lower, lower, upper, step, step * 10, 0);
  spin = gtk_spin_button_new (adjustment, step, digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), !floating);
  gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (spin), GTK_UPDATE_IF_VALID);
  gtk_widget_set_hexpand (spin, TRUE);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), self);
  g_signal_connect (spin, "changed", G_CALLBACK (on_spin_text_changed), self);
  g_signal_connect (spin, "input", G_CALLBACK (on_spin_input), self);
  return spin;
}

static void
label_editor (GtkWidget *widget, const char *name, int part, int n_parts)
{
  /* TRANSLATORS: an accessible name: "kernel 1 of 2", the parameter's name kept in English. */
  g_autofree char *label = n_parts > 1 ? g_strdup_printf (_("%s %d of %d"), name, part + 1, n_parts)
                                       : g_strdup (name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
build_editor (TsuInspector *self, ParamEditor *editor)
{
  const tsu_param_desc *desc = editor->desc;

  switch (desc->type)
    {
    case TSU_PARAM_INT:
    case TSU_PARAM_FLOAT:
      editor->editor = make_spin (self, desc, desc->type == TSU_PARAM_FLOAT);
      label_editor (editor->editor, desc->name, 0, 1);
      break;
    case TSU_PARAM_INTS:
      if (desc->count > 0 && desc->count <= 3)
        {
          GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

          for (int k = 0; k < desc->count; k++)
            {
              if (k > 0)
                {
                  GtkWidget *times = gtk_label_new ("×");
                  gtk_widget_add_css_class (times, "dim-label");
                  gtk_box_append (GTK_BOX (box), times);
                }
              editor->parts[k] = make_spin (self, desc, FALSE);
              gtk_editable_set_width_chars (GTK_EDITABLE (editor->parts[k]), 3);
              label_editor (editor->parts[k], desc->name, k, desc->count);
              gtk_box_append (GTK_BOX (box), editor->parts[k]);
            }
          editor->n_parts = desc->count;
          editor->editor = box;
          break;
        }
      G_GNUC_FALLTHROUGH;
    case TSU_PARAM_STRING:
      editor->editor = gtk_entry_new ();
      gtk_widget_set_hexpand (editor->editor, TRUE);
      if (desc->type == TSU_PARAM_INTS)
        gtk_entry_set_placeholder_text (GTK_ENTRY (editor->editor), _("e.g. 1, 28, 28"));
      label_editor (editor->editor, desc->name, 0, 1);
      g_signal_connect (editor->editor, "changed", G_CALLBACK (on_entry_changed), self);
      {
        GtkEventController *focus = gtk_event_controller_focus_new ();
        g_signal_connect (focus, "leave", G_CALLBACK (on_entry_focus_leave), self);
        gtk_widget_add_controller (editor->editor, focus);
      }
      break;
    case TSU_PARAM_BOOL:
    default:
      editor->editor = gtk_switch_new ();
      gtk_widget_set_halign (editor->editor, GTK_ALIGN_START);
      gtk_widget_set_valign (editor->editor, GTK_ALIGN_CENTER);
      label_editor (editor->editor, desc->name, 0, 1);
      g_signal_connect (editor->editor, "notify::active", G_CALLBACK (on_switch_changed), self);
      break;
    }
  /* The engine keeps its tables' text in English under N_() (docs/i18n.md). */
  gtk_widget_set_tooltip_text (editor->editor, desc->help ? _(desc->help) : NULL);
}

void
tsu_inspector_clear_params (TsuInspector *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->params_grid))) != NULL)
    gtk_grid_remove (self->params_grid, child);
  g_array_set_size (self->editors, 0);
}

void
tsu_inspector_build_params (TsuInspector *self, const tsu_layer_kind *kind)
{
  int row = 0;

  tsu_inspector_clear_params (self);
  for (int i = 0; kind != NULL && i < tsu_layer_kind_param_count (kind); i++)
    {
      ParamEditor editor = { 0 };

      editor.desc = tsu_layer_kind_param (kind, i);
      editor.row_label = gtk_label_new (editor.desc->name);
      gtk_label_set_xalign (GTK_LABEL (editor.row_label), 0);
      gtk_widget_set_tooltip_text (editor.row_label, editor.desc->help ? _(editor.desc->help) : NULL);
      gtk_widget_add_css_class (editor.row_label, "param-name");
      build_editor (self, &editor);
      editor.message = gtk_label_new (NULL);
      gtk_label_set_wrap (GTK_LABEL (editor.message), TRUE);
      gtk_label_set_xalign (GTK_LABEL (editor.message), 0);
      gtk_widget_add_css_class (editor.message, "error-message");
      gtk_widget_set_visible (editor.message, FALSE);

      gtk_grid_attach (self->params_grid, editor.row_label, 0, row, 1, 1);
      gtk_grid_attach (self->params_grid, editor.editor, 1, row, 1, 1);
      gtk_grid_attach (self->params_grid, editor.message, 0, row + 1, 2, 1);
      row += 2;
      g_array_append_val (self->editors, editor);
    }
  gtk_widget_set_visible (self->params_title, self->editors->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->params_grid), self->editors->len > 0);
}

/* The value an editor shows: the file's, else the default (or the value of
 * the param it copies, stride = kernel), else the lower bound. */
static void
resolved_ints (TsuInspector *self, const tsu_param_desc *desc, int *out, int n)
{
  tsu_value value;

  node_param (self, desc, &value);
  for (int k = 0; k < n; k++)
    {
      if (value.n > k)
        out[k] = value.ints[k];
      else if (value.n == 1)
        out[k] = value.ints[0];
      else
        out[k] = (int) (isfinite (desc->min) ? desc->min : 0);
    }
}

/* What an entry editor shows for the value in effect: "1, 28, 28", "x". */
static char *
entry_text (TsuInspector *self, ParamEditor *editor)
{
  const tsu_param_desc *desc = editor->desc;
  GString *text = g_string_new (NULL);
  tsu_value value;

  node_param (self, desc, &value);
  if (desc->type == TSU_PARAM_STRING)
    g_string_append (text, value.string ? value.string : "");
  else
    for (int k = 0; k < value.n; k++)
      g_string_append_printf (text, "%s%d", k ? ", " : "", value.ints[k]);
  return g_string_free (text, FALSE);
}

static void
update_editor (TsuInspector *self, ParamEditor *editor)
{
  const tsu_param_desc *desc = editor->desc;
  tsu_value value;

  node_param (self, desc, &value);
  switch (desc->type)
    {
    case TSU_PARAM_INT:
      {
        int v;
        resolved_ints (self, desc, &v, 1);
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor->editor), v);
      }
      break;
    case TSU_PARAM_FLOAT:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor->editor), value.number);
      break;
    case TSU_PARAM_BOOL:
      gtk_switch_set_active (GTK_SWITCH (editor->editor), value.boolean);
      break;
    case TSU_PARAM_INTS:
      if (editor->n_parts > 0)
        {
          int v[TSU_MAX_DIMS];
          resolved_ints (self, desc, v, editor->n_parts);
          for (int k = 0; k < editor->n_parts; k++)
            gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor->parts[k]), v[k]);
          break;
        }
      G_GNUC_FALLTHROUGH;
    case TSU_PARAM_STRING:
    default:
      /* Never rewrite an entry under the user's fingers. */
      if (!tsu_inspector_widget_has_focus (editor->editor))
        {
          g_autofree char *text = entry_text (self, editor);
          if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (editor->editor)), text) != 0)
            gtk_editable_set_text (GTK_EDITABLE (editor->editor), text);
        }
      break;
    }
}

/* update_editor rewrites spin buttons and switches from the model, so only
 * a focused text entry still shows what its message is about. */
static gboolean
keeps_typed_message (ParamEditor *editor)
{
  gboolean text_entry = editor->desc->type == TSU_PARAM_STRING
                        || (editor->desc->type == TSU_PARAM_INTS && editor->n_parts == 0);

  return editor->message_from_text && text_entry && tsu_inspector_widget_has_focus (editor->editor);
}

void
tsu_inspector_update_params (TsuInspector *self)
{
  self->updating = TRUE;
  for (guint i = 0; i < self->editors->len; i++)
    {
      ParamEditor *editor = &g_array_index (self->editors, ParamEditor, i);
      const char *message = engine_message (self, editor->desc->name);
      GtkSpinButton *spin = GTK_IS_SPIN_BUTTON (editor->editor) ? GTK_SPIN_BUTTON (editor->editor) : NULL;
      double before = spin ? gtk_spin_button_get_value (spin) : 0;

      update_editor (self, editor);
      /* A text entry's own parse message wins while it is being typed in,
       * and a spin button's refusal while its value stays the one it put
       * back (the Data page's check arriving later must not erase why);
       * anything else follows the model (an undo clears a stale complaint,
       * even with the focus still in the editor). */
      gboolean refusal_kept = spin && editor->message_from_text && gtk_spin_button_get_value (spin) == before;
      if (message != NULL || !(keeps_typed_message (editor) || refusal_kept))
        show_message (editor, message);
    }
  self->updating = FALSE;
}
