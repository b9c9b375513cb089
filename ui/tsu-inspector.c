/* tsu-inspector.c — the inspector's pages: one layer, several, or the
 * network's statistics. */
#include "tsu-inspector-private.h"
#include "tsu-node-summary.h"
#include "tsu-i18n.h"

#include <string.h>

G_DEFINE_FINAL_TYPE (TsuInspector, tsu_inspector, GTK_TYPE_WIDGET)

static char *
format_thousands (uint64_t value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  GString *out = g_string_new (NULL);
  size_t n = strlen (digits);

  for (size_t i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static char *
format_bytes (uint64_t bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
add_stat_row (GtkGrid *grid, int row, const char *name, const char *value, const char *tooltip)
{
  GtkWidget *key = gtk_label_new (name);
  GtkWidget *val = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_label_set_xalign (GTK_LABEL (val), 1);
  gtk_widget_set_hexpand (val, TRUE);
  gtk_label_set_selectable (GTK_LABEL (val), TRUE);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_widget_add_css_class (val, "stat-value");
  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (key, tooltip);
  gtk_grid_attach (grid, key, 0, row, 1, 1);
  gtk_grid_attach (grid, val, 1, row, 1, 1);
}

static void
update_network_page (TsuInspector *self)
{
  const tsu_graph *graph = tsu_graph_model_get_graph (self->model);
  const tsu_diag *diag = tsu_graph_model_get_diag (self->model);
  int batch = tsu_graph_model_get_batch_size (self->model);
  tsu_optimizer_kind optimizer = tsu_graph_model_get_optimizer (self->model);
  tsu_graph_stats stats = { 0 };
  g_autofree char *title = tsu_graph_model_dup_title (self->model);
  g_autofree char *trainable = NULL, *macs = NULL, *memory = NULL, *weights = NULL;
  g_autofree char *activations = NULL, *memory_label = NULL, *layers = NULL, *state = NULL;
  int row = 0;

  if (!tsu_inspector_widget_has_focus (GTK_WIDGET (self->name_entry)))
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), title);

  if (graph != NULL)
    tsu_graph_stats_compute (graph, batch, optimizer, &stats);
  layers = g_strdup_printf ("%d", graph ? tsu_graph_node_count (graph) : 0);
  trainable = format_thousands (stats.trainable);
  state = format_thousands (stats.state);
  macs = format_thousands (stats.macs);
  memory = format_bytes (stats.total_bytes);
  weights = format_bytes (stats.weight_bytes + stats.gradient_bytes + stats.optimizer_bytes);
  activations = format_bytes (stats.activation_bytes);
  /* TRANSLATORS: the batch size and the optimizer's name (Adam, SGD...). */
  memory_label = g_strdup_printf (_("Training memory\n(batch %d, %s)"), batch, tsu_optimizer_name (optimizer));

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning");
  if (graph == NULL || tsu_graph_node_count (graph) == 0)
    {
      gtk_label_set_text (self->status_label, _("The network is empty: start with an Input layer"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
    }
  else if (diag->count == 0 && !tsu_graph_has_loss (graph))
    {
      /* Valid (an imported model has no loss either) but not trainable:
       * F5 would stop at once with the engine's "no loss layer". */
      gtk_label_set_text (self->status_label, _("Not ready to train: add a loss layer (e.g. CategoricalCrossEntropy) to say what to learn"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else if (diag->count == 0 && tsu_graph_model_get_warnings (self->model)->count > 0)
    tsu_inspector_status_warnings (self);
  else if (diag->count == 0)
    {
      gtk_label_set_text (self->status_label, _("✓ Ready to train: no problems found"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "success");
    }
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext_ ("%d problem: see the list under the canvas",
                                                          "%d problems: see the list under the canvas", diag->count),
                                               diag->count);
      gtk_label_set_text (self->status_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }

  clear_grid (self->stats_grid);
  add_stat_row (self->stats_grid, row++, _("Layers"), layers, NULL);
  add_stat_row (self->stats_grid, row++, _("Trainable parameters"), trainable, _("Weights and biases updated by training"));
  if (stats.state > 0)
    add_stat_row (self->stats_grid, row++, _("Other state"), state,
                  _("Values kept but not trained, such as batch-norm running statistics"));
  add_stat_row (self->stats_grid, row++, _("Multiply-adds / sample"), macs, _("Forward pass, one sample"));
  add_stat_row (self->stats_grid, row++, memory_label, memory,
                _("Weights, gradients, optimizer state and activations for one training step"));
  add_stat_row (self->stats_grid, row++, _("  weights + optimizer"), weights, NULL);
  add_stat_row (self->stats_grid, row++, _("  activations"), activations, NULL);
}

static void
update_output_grid (TsuInspector *self, const TsuLayoutNode *box)
{
  g_autofree char *params = format_thousands (box->params);
  g_autofree char *macs = format_thousands (box->macs);

  clear_grid (self->output_grid);
  add_stat_row (self->output_grid, 0, _("Shape"), box->shape[0] ? box->shape : _("unknown"),
                _("Output shape without the batch axis"));
  add_stat_row (self->output_grid, 1, _("Parameters"), params, NULL);
  add_stat_row (self->output_grid, 2, _("Multiply-adds"), macs, NULL);
}

static const char *
node_level_error (TsuInspector *self)
{
  const tsu_diag *diag = tsu_graph_model_get_diag (self->model);

  /* Messages about one param are shown under its editor instead. */
  for (int i = 0; i < diag->count; i++)
    if (strcmp (diag->items[i].node, self->node_id) == 0 && diag->items[i].param[0] == '\0')
      return diag->items[i].message;
  return NULL;
}

static void
set_swatch_category (GtkWidget *swatch, const char *category)
{
  static const char *const classes[] = {
    "category-io", "category-basic", "category-pooling", "category-activation",
    "category-normalization", "category-others", "category-loss",
  };
  g_autofree char *lower = g_ascii_strdown (category ? category : "others", -1);
  g_autofree char *wanted = g_strdup_printf ("category-%s", lower);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (swatch, classes[i]);
  gtk_widget_add_css_class (swatch, wanted);
}

static void
update_node_page (TsuInspector *self)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (self->model);
  int index = tsu_layout_find (layout, self->node_id);
  const TsuLayoutNode *box;
  const char *error;

  if (index < 0)
    return;
  box = &layout->nodes[index];

  if (g_strcmp0 (self->node_type, box->type) != 0)
    {
      g_free (self->node_type);
      self->node_type = g_strdup (box->type);
      tsu_inspector_build_params (self, box->kind);
      gtk_label_set_text (self->type_label, box->type);
      gtk_label_set_text (self->category_label, box->kind ? tsu_layer_kind_category (box->kind) : _("Unknown"));
      gtk_label_set_text (self->help_label, box->kind ? _(tsu_layer_kind_help (box->kind)) : _("This layer type is not in the catalogue."));
      set_swatch_category (self->node_swatch, box->kind ? tsu_layer_kind_category (box->kind) : NULL);
      tsu_inspector_update_about (self, box->kind);
    }

  self->updating = TRUE;
  if (!tsu_inspector_widget_has_focus (GTK_WIDGET (self->id_entry)))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->id_entry), box->id);
      gtk_widget_set_visible (GTK_WIDGET (self->id_message), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->id_entry), "error");
    }
  self->updating = FALSE;

  error = node_level_error (self);
  gtk_label_set_text (self->node_error, error ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->node_error), error != NULL);

  tsu_inspector_update_advice (self);
  tsu_inspector_update_inputs (self);
  tsu_inspector_update_params (self);
  update_output_grid (self, box);
}

static void
refresh (TsuInspector *self)
{
  if (self->model == NULL)
    return;
  if (self->node_id != NULL && tsu_layout_find (tsu_graph_model_get_layout (self->model), self->node_id) < 0)
    g_clear_pointer (&self->node_id, g_free);

  if (self->node_id != NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "node");
      update_node_page (self);
    }
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "multiple") != 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "network");
      update_network_page (self);
    }
}

static void
on_node_renamed (TsuInspector *self, const char *old_id, const char *new_id)
{
  if (g_strcmp0 (self->node_id, old_id) == 0)
    {
      g_free (self->node_id);
      self->node_id = g_strdup (new_id);
    }
}

void
tsu_inspector_set_model (TsuInspector *self, TsuGraphModel *model)
{
  if (self->model != NULL)
    {
      g_clear_signal_handler (&self->changed_handler, self->model);
      g_clear_signal_handler (&self->renamed_handler, self->model);
      g_clear_object (&self->model);
    }
  if (model == NULL)
    return;
  self->model = g_object_ref (model);
  self->changed_handler = g_signal_connect_swapped (model, "changed", G_CALLBACK (refresh), self);
  self->renamed_handler = g_signal_connect_swapped (model, "node-renamed", G_CALLBACK (on_node_renamed), self);
  refresh (self);
}

void
tsu_inspector_show (TsuInspector *self, const char *id, guint n_selected)
{
  if (g_strcmp0 (id, self->node_id) == 0 && (id != NULL || n_selected <= 1)
      && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), n_selected > 1 ? "multiple" : id ? "node" : "network") == 0)
    return;
  g_free (self->node_id);
  self->node_id = g_strdup (id);
  if (id == NULL && n_selected > 1)
    {
      g_autofree char *text = g_strdup_printf (ngettext_ ("%u layer selected", "%u layers selected", n_selected),
                                               n_selected);
      gtk_label_set_text (self->multiple_label, text);
      gtk_stack_set_visible_child_name (self->stack, "multiple");
      return;
    }
  if (id == NULL)
    gtk_stack_set_visible_child_name (self->stack, "network");
  refresh (self);
}

const char *
tsu_inspector_get_node_id (TsuInspector *self)
{
  return self->node_id;
}

GtkWidget *
tsu_inspector_get_param_editor (TsuInspector *self, const char *name)
{
  for (guint i = 0; i < self->editors->len; i++)
    {
      ParamEditor *editor = &g_array_index (self->editors, ParamEditor, i);
      if (strcmp (editor->desc->name, name) == 0)
        return editor->editor;
    }
  return NULL;
}

static void
on_id_changed (TsuInspector *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->id_entry));

  if (self->updating || self->node_id == NULL)
    return;
  if (tsu_graph_model_check_id (self->model, self->node_id, text, &error))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->id_message), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->id_entry), "error");
    }
  else
    {
      gtk_label_set_text (self->id_message, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->id_message), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->id_entry), "error");
    }
}

static void
on_id_activate (TsuInspector *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->id_entry)));
  g_autofree char *old_id = g_strdup (self->node_id);

  if (old_id == NULL || g_strcmp0 (old_id, text) == 0)
    return;
  if (!tsu_graph_model_rename (self->model, old_id, text, NULL))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
on_id_focus_leave (GtkEventControllerFocus *controller, TsuInspector *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->id_entry));

  if (self->node_id == NULL)
    return;
  /* Leaving with a valid new id renames; an invalid one is dropped. */
  if (tsu_graph_model_check_id (self->model, self->node_id, text, NULL))
    on_id_activate (self);
  else
    {
      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->id_entry), self->node_id);
      self->updating = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->id_message), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->id_entry), "error");
    }
}

static void
on_name_activate (TsuInspector *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  g_autofree char *title = tsu_graph_model_dup_title (self->model);

  if (text[0] != '\0' && g_strcmp0 (text, title) != 0)
    tsu_graph_model_set_name (self->model, text);
}

static void
tsu_inspector_dispose (GObject *object)
{
  TsuInspector *self = TSU_INSPECTOR (object);

  tsu_inspector_set_model (self, NULL);
  g_clear_handle_id (&self->inputs_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_INSPECTOR);
  G_OBJECT_CLASS (tsu_inspector_parent_class)->dispose (object);
}

static void
tsu_inspector_finalize (GObject *object)
{
  TsuInspector *self = TSU_INSPECTOR (object);

  g_free (self->node_id);
  g_free (self->node_type);
  g_free (self->inputs_signature);
  g_free (self->advice_signature);
  g_free (self->pending_source);
  g_array_unref (self->editors);
  G_OBJECT_CLASS (tsu_inspector_parent_class)->finalize (object);
}

static void
tsu_inspector_class_init (TsuInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_inspector_dispose;
  object_class->finalize = tsu_inspector_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/tsumiki/Tsumiki/ui/inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, name_entry);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, status_label);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, stats_grid);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, multiple_label);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, node_swatch);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, type_label);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, category_label);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, help_label);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, node_error);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, id_entry);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, id_message);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, inputs_title);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, inputs_grid);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, params_title);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, params_grid);
  gtk_widget_class_bind_template_child (widget_class, TsuInspector, output_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_id_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_id_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activate);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
}

static void
tsu_inspector_init (TsuInspector *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->editors = g_array_new (FALSE, TRUE, sizeof (ParamEditor));
  gtk_widget_init_template (GTK_WIDGET (self));
  tsu_inspector_setup_advice (self);
  /* Leaving the id field commits a valid rename, as Enter does. */
  g_signal_connect (focus, "leave", G_CALLBACK (on_id_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->id_entry), focus);
}

GtkWidget *
tsu_inspector_new (void)
{
  return g_object_new (TSU_TYPE_INSPECTOR, NULL);
}

void
tsu_inspector_focus_editor (TsuInspector *self)
{
  if (self->node_id == NULL)
    return;
  if (self->editors->len > 0)
    gtk_widget_child_focus (g_array_index (self->editors, ParamEditor, 0).editor, GTK_DIR_TAB_FORWARD);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->id_entry));
}
