/* tsu-inspector-advice.c — the layer page's design warnings (each with its
 * why and a button applying its fix as one undoable edit) and the
 * collapsible "About this layer" from the kind's explanation. */
#include "tsu-inspector-private.h"

#include "tsu-i18n.h"

static void
on_fix_clicked (GtkButton *button, TsuInspector *self)
{
  const tsu_fix *fix = g_object_get_data (G_OBJECT (button), "tsu-fix");
  g_autoptr(GError) error = NULL;

  if (fix != NULL && !tsu_graph_model_apply_fix (self->model, fix, &error))
    g_warning ("%s", error->message);
}

static GtkWidget *
warning_row (TsuInspector *self, const tsu_warning *w)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *message = gtk_label_new (w->message);
  GtkWidget *why = gtk_label_new (w->why);

  gtk_widget_add_css_class (box, "advice");
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_widget_add_css_class (message, "warning");
  gtk_label_set_xalign (GTK_LABEL (why), 0);
  gtk_label_set_wrap (GTK_LABEL (why), TRUE);
  gtk_widget_add_css_class (why, "dim-label");
  gtk_widget_add_css_class (why, "caption");
  gtk_box_append (GTK_BOX (box), message);
  gtk_box_append (GTK_BOX (box), why);
  if (w->fix.kind != TSU_FIX_NONE)
    {
      GtkWidget *button = gtk_button_new_with_label (w->fix.label);

      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_set_name (button, "fix-button");
      /* The warning list is rebuilt by the edit the click makes. */
      g_object_set_data_full (G_OBJECT (button), "tsu-fix", g_memdup2 (&w->fix, sizeof w->fix), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_fix_clicked), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  return box;
}

/* The warnings naming the shown layer; rebuilt only when they change, so a
 * focused button survives unrelated edits. */
void
tsu_inspector_update_advice (TsuInspector *self)
{
  const tsu_warnings *all = tsu_graph_model_get_warnings (self->model);
  g_autoptr(GString) signature = g_string_new (NULL);
  GtkWidget *child;

  for (int i = 0; i < all->count; i++)
    if (g_strcmp0 (all->items[i].node, self->node_id) == 0)
      g_string_append_printf (signature, "%s\n%s\n%s\n", all->items[i].check, all->items[i].message,
                              all->items[i].fix.label);
  if (g_strcmp0 (signature->str, self->advice_signature) == 0)
    return;
  g_free (self->advice_signature);
  self->advice_signature = g_strdup (signature->str);
  while ((child = gtk_widget_get_first_child (self->advice_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->advice_box), child);
  for (int i = 0; i < all->count; i++)
    if (g_strcmp0 (all->items[i].node, self->node_id) == 0)
      gtk_box_append (GTK_BOX (self->advice_box), warning_row (self, &all->items[i]));
  gtk_widget_set_visible (self->advice_box, signature->len > 0);
}

void
tsu_inspector_update_about (TsuInspector *self, const tsu_layer_kind *kind)
{
  const tsu_layer_about *about = kind ? tsu_layer_kind_about (kind) : NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->about_expander, about != NULL && about->computes != NULL);
  if (about == NULL || about->computes == NULL)
    return;
  text = g_strdup_printf ("%s\n\n%s\n\n%s %s", _(about->computes), _(about->why), _("Usual neighbours:"),
                          _(about->neighbours));
  gtk_label_set_text (self->about_label, text);
}

/* The warnings go under the layer's one-line help, where they are seen;
 * the explanation, collapsed, at the end of the page, so the editors keep
 * their places. */
void
tsu_inspector_setup_advice (TsuInspector *self)
{
  GtkWidget *page = gtk_widget_get_parent (GTK_WIDGET (self->help_label));

  self->advice_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_visible (self->advice_box, FALSE);
  self->about_expander = gtk_expander_new (_("About this layer"));
  self->about_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->about_label, 0);
  gtk_label_set_wrap (self->about_label, TRUE);
  gtk_expander_set_child (GTK_EXPANDER (self->about_expander), GTK_WIDGET (self->about_label));
  gtk_box_append (GTK_BOX (page), self->about_expander);
  gtk_box_insert_child_after (GTK_BOX (page), self->advice_box, GTK_WIDGET (self->help_label));
}

void
tsu_inspector_status_warnings (TsuInspector *self)
{
  int n = tsu_graph_model_get_warnings (self->model)->count;
  g_autofree char *text = g_strdup_printf (ngettext_ ("Valid, with %d design warning: select the layer marked ⚠ "
                                                      "to see why and fix it",
                                                      "Valid, with %d design warnings: select a layer marked ⚠ "
                                                      "to see why and fix it",
                                                      (unsigned long) n),
                                           n);

  gtk_label_set_text (self->status_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "warning");
}

GtkWidget *
tsu_inspector_get_fix_button (TsuInspector *self, int index)
{
  int n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (self->advice_box); row; row = gtk_widget_get_next_sibling (row))
    for (GtkWidget *w = gtk_widget_get_first_child (row); w; w = gtk_widget_get_next_sibling (w))
      if (GTK_IS_BUTTON (w) && n++ == index)
        return w;
  return NULL;
}
