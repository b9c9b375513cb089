/* tsu-inspector-inputs.c — the "Inputs" section: a drop-down per input port
 * listing the layers that can feed it. It is the keyboard's way to link and
 * unlink (the canvas does it by dragging between ports), and shows at a
 * glance what feeds a layer with several inputs (Add2, Concatenate). */
#include "tsu-inspector-private.h"
#include "tsu-i18n.h"

#include <string.h>

#define NONE_LABEL _("(not linked)")

static gboolean
apply_pending (gpointer user_data)
{
  TsuInspector *self = user_data;
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  int index = self->node_id ? tsu_layout_find (layout, self->node_id) : -1;
  g_autofree char *source = g_steal_pointer (&self->pending_source);
  g_autofree char *target = g_strdup (self->node_id);
  int slot = self->pending_slot;

  self->inputs_idle = 0;
  if (index < 0 || source == NULL)
    return G_SOURCE_REMOVE;
  if (source[0] == '\0')
    {
      if (slot < layout->nodes[index].n_inputs)
        tsu_graph_model_unlink (self->model, target, slot);
    }
  else if (!tsu_graph_model_link (self->model, source, target, slot < layout->nodes[index].n_inputs ? slot : -1))
    {
      /* A loop or a duplicate: put the picker back. */
      gtk_widget_error_bell (GTK_WIDGET (self));
      g_clear_pointer (&self->inputs_signature, g_free);
      tsu_inspector_update_inputs (self);
    }
  /* The pickers were rebuilt: keep the keyboard where it was. */
  {
    GtkWidget *picker = gtk_grid_get_child_at (self->inputs_grid, 1, slot);
    if (picker != NULL)
      gtk_widget_grab_focus (picker);
  }
  return G_SOURCE_REMOVE;
}

static void
on_picker_selected (GtkDropDown *picker, GParamSpec *pspec, TsuInspector *self)
{
  GtkStringList *choices = GTK_STRING_LIST (gtk_drop_down_get_model (picker));
  guint selected = gtk_drop_down_get_selected (picker);
  const char *id;

  if (self->updating || selected == GTK_INVALID_LIST_POSITION)
    return;
  id = gtk_string_list_get_string (choices, selected);
  g_free (self->pending_source);
  self->pending_source = g_strdup (selected == 0 ? "" : id);
  self->pending_slot = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (picker), "tsu-slot"));
  /* Applying rebuilds the pickers: not from inside this one's signal. */
  if (self->inputs_idle == 0)
    self->inputs_idle = g_idle_add (apply_pending, self);
}

void
tsu_inspector_clear_inputs (TsuInspector *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->inputs_grid))) != NULL)
    gtk_grid_remove (self->inputs_grid, child);
}

/* Everything the pickers depend on, to rebuild them only when it changes. */
static char *
signature_of (const TsuLayout *layout, int index)
{
  GString *text = g_string_new (layout->nodes[index].id);

  g_string_append_c (text, '|');
  for (int k = 0; k < layout->nodes[index].n_inputs; k++)
    g_string_append_printf (text, "%d,", layout->nodes[index].inputs[k]);
  g_string_append_c (text, '|');
  for (int i = 0; i < layout->n_nodes; i++)
    g_string_append_printf (text, "%s,", layout->nodes[i].id);
  return g_string_free (text, FALSE);
}

static int
picker_rows (const TsuLayoutNode *box)
{
  int max_inputs = box->kind ? tsu_layer_kind_max_inputs (box->kind) : -1;

  /* Unbounded kinds (Concatenate) get one spare picker to add an input. */
  if (max_inputs < 0)
    return box->n_inputs + 1 > box->n_input_ports ? box->n_inputs + 1 : box->n_input_ports;
  return MAX (box->n_input_ports, MIN (box->n_inputs, max_inputs));
}

void
tsu_inspector_update_inputs (TsuInspector *self)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  int index = self->node_id ? tsu_layout_find (layout, self->node_id) : -1;
  g_autofree char *signature = NULL;
  const TsuLayoutNode *box;
  int rows;

  if (index < 0)
    return;
  signature = signature_of (layout, index);
  if (g_strcmp0 (signature, self->inputs_signature) == 0)
    return;
  g_free (self->inputs_signature);
  self->inputs_signature = g_steal_pointer (&signature);

  box = &layout->nodes[index];
  rows = picker_rows (box);
  self->updating = TRUE;
  tsu_inspector_clear_inputs (self);
  for (int slot = 0; slot < rows; slot++)
    {
      g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
      g_autofree char *name = rows > 1 ? g_strdup_printf (_("input %d"), slot + 1) : g_strdup (_("input"));
      GtkWidget *label = gtk_label_new (name);
      GtkWidget *picker;
      guint selected = 0, position = 1;

      gtk_string_list_append (choices, NONE_LABEL);
      for (int i = 0; i < layout->n_nodes; i++)
        {
          gboolean gives = layout->nodes[i].kind == NULL || !tsu_layer_kind_is_loss (layout->nodes[i].kind);

          if (i == index || !gives)
            continue;
          gtk_string_list_append (choices, layout->nodes[i].id);
          if (slot < box->n_inputs && box->inputs[slot] == i)
            selected = position;
          position++;
        }
      picker = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (choices)), NULL);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (picker), selected);
      gtk_widget_set_hexpand (picker, TRUE);
      gtk_widget_set_tooltip_text (picker, _("The layer whose output feeds this input"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (picker), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data (G_OBJECT (picker), "tsu-slot", GINT_TO_POINTER (slot));
      g_signal_connect (picker, "notify::selected", G_CALLBACK (on_picker_selected), self);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "param-name");
      gtk_grid_attach (self->inputs_grid, label, 0, slot, 1, 1);
      gtk_grid_attach (self->inputs_grid, picker, 1, slot, 1, 1);
    }
  self->updating = FALSE;
  gtk_widget_set_visible (self->inputs_title, rows > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->inputs_grid), rows > 0);
}
