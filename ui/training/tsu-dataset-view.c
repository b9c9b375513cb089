/* tsu-dataset-view.c — dataset cards, histogram, sample grid, problems. */
#include "tsu-training-ui.h"
#include "tsu-dataset-view.h"
#include "tsu-evaluation-table.h"
#include "tsu-folder-dataset-dialog.h"
#include "tsu-i18n.h"
#include "tsu-plot.h"
#include "tsu-worker.h"

#include <gio/gio.h>
#include <string.h>

#define MAX_THUMBNAILS 40

struct _TsuDatasetView
{
  GtkWidget         parent_instance;

  GtkLabel         *status_label;
  GtkSpinner       *spinner;
  GtkWidget        *problems_box;
  GtkWidget        *splits_box;
  GtkWidget        *offer_box;
  GtkLabel         *offer_label;
  GtkButton        *offer_button;
  char             *offer_node;   /* the Input node the offer is for */
  tsu_value         offer_shape;

  tsu_project      *project;      /* the copy being shown */
  tsu_dataset_settings data;      /* its "dataset" section */
  TsuDatasetReport *report;
  char             *graph_key;    /* tsu_dataset_report_graph_key of the project checked */
  TsuWorker        *worker;       /* the dataset check */
  gboolean          busy;
};

G_DEFINE_FINAL_TYPE (TsuDatasetView, tsu_dataset_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { DATASET_EDITED, INPUT_SHAPE_EDITED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The source drop-down's entries and the "source" values they stand for. */
static const char *const source_labels[] = { N_("None"), "Fashion-MNIST", "MNIST", N_("IDX files"), "CSV (NNC)", NULL };
static const char *const source_values[] = { NULL, "fashion-mnist", "mnist", "idx", "csv" };

static void
set_busy (TsuDatasetView *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ------------------------------------------------------------ histogram */

typedef struct
{
  GArray *counts;   /* gint64 */
  GStrv   names;    /* class names, or NULL: numbers */
} Histogram;

static void
draw_histogram (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        data)
{
  Histogram *h = data;
  gint64 max = 1;
  guint n = h->counts->len;
  GdkRGBA fg;

  if (n == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  for (guint i = 0; i < n; i++)
    max = MAX (max, g_array_index (h->counts, gint64, i));

  double label_h = 14, count_h = 13, slot = (double) width / n;
  double bar = CLAMP (slot * 0.7, 2, 56);
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), NULL);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 7");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  for (guint i = 0; i < n; i++)
    {
      gint64 count = g_array_index (h->counts, gint64, i);
      double bh = (height - label_h - count_h - 2) * ((double) count / max);
      char buf[128];
      int tw, th;

      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.85);
      cairo_rectangle (cr, i * slot + (slot - bar) / 2, height - label_h - bh, bar, bh);
      cairo_fill (cr);
      if (slot >= 30)
        {
          g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, count);
          pango_layout_set_text (layout, buf, -1);
          pango_layout_get_pixel_size (layout, &tw, &th);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
          cairo_move_to (cr, i * slot + (slot - tw) / 2, height - label_h - bh - th - 1);
          pango_cairo_show_layout (cr, layout);
        }
      if (slot >= 12)
        {
          /* A name where it fits, else its number. */
          if (h->names && i < g_strv_length (h->names) && slot >= 40
              && g_utf8_validate (h->names[i], -1, NULL))
            {
              glong chars = MIN (MIN ((glong) (slot / 6), 24), g_utf8_strlen (h->names[i], -1));
              g_autofree char *name = g_utf8_substring (h->names[i], 0, chars);
              g_strlcpy (buf, name, sizeof buf); /* 24 characters fit */
            }
          else
            g_snprintf (buf, sizeof buf, "%u", i);
          pango_layout_set_text (layout, buf, -1);
          pango_layout_get_pixel_size (layout, &tw, &th);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
          cairo_move_to (cr, i * slot + (slot - tw) / 2, height - label_h + 1);
          pango_cairo_show_layout (cr, layout);
        }
    }
  g_object_unref (layout);
}

static void
histogram_free (Histogram *h)
{
  g_array_unref (h->counts);
  g_strfreev (h->names);
  g_free (h);
}

/* ------------------------------------------------------------ cards */

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
make_thumbnail (const TsuDatasetSplit *split,
                int                    index,
                const char * const    *names)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  const tsu_dataset *ds = split->dataset;
  tsu_shape shape = tsu_dataset_variable_shape (ds, split->image_var);
  const uint8_t *pixels = tsu_dataset_image (ds, split->image_var, index);
  char text[64];
  g_autoptr(GdkTexture) texture = tsu_planar_texture_new (pixels, shape.d[0], shape.d[1], shape.d[2]);
  GtkWidget *image = gtk_image_new_from_paintable (GDK_PAINTABLE (texture));
  gtk_image_set_pixel_size (GTK_IMAGE (image), 56);
  gtk_widget_add_css_class (image, "tsu-thumbnail");
  gtk_box_append (GTK_BOX (box), image);

  int label = split->label_var >= 0 ? tsu_dataset_label (ds, split->label_var, index) : -1;
  if (label >= 0)
    tsu_class_label (names, label, text, sizeof text);
  else
    g_snprintf (text, sizeof text, "#%d", index);
  GtkWidget *caption = make_label (text, "caption");
  gtk_label_set_xalign (GTK_LABEL (caption), 0.5);
  gtk_label_set_wrap (GTK_LABEL (caption), FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
  /* Room for "0 T-shirt/top" in any font; a longer name ends in "…" and
   * shows whole in the tooltip. */
  gtk_label_set_max_width_chars (GTK_LABEL (caption), 14);
  gtk_widget_set_tooltip_text (caption, text);
  gtk_box_append (GTK_BOX (box), caption);
  return box;
}

/* x__0 against x__1, one colour per label: what a 2-D problem looks like. */
static GtkWidget *
make_scatter (const TsuDatasetSplit *split)
{
  static const GdkRGBA palette[] = {
    { 0.21, 0.52, 0.89, 1 }, { 0.90, 0.38, 0.0, 1 }, { 0.18, 0.62, 0.32, 1 },
    { 0.57, 0.25, 0.67, 1 }, { 0.75, 0.11, 0.16, 1 }, { 0.39, 0.27, 0.15, 1 },
  };
  GtkWidget *plot = tsu_plot_new ();
  tsu_shape shape = tsu_dataset_variable_shape (split->dataset, split->input_var);
  gsize width = tsu_shape_size (&shape);
  int n = MIN (500, tsu_dataset_size (split->dataset));
  int groups = MAX (1, MIN (split->classes, (int) G_N_ELEMENTS (palette)));
  g_autofree float *values = g_new (float, width);

  tsu_plot_set_x_label (TSU_PLOT (plot), "x[0]");
  tsu_plot_set_y_label (TSU_PLOT (plot), "x[1]");
  gtk_widget_set_size_request (plot, -1, 260);
  for (int g = 0; g < groups; g++)
    {
      g_autoptr(GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) ys = g_array_new (FALSE, FALSE, sizeof (double));
      for (int i = 0; i < n; i++)
        {
          int label = split->label_var >= 0 ? tsu_dataset_label (split->dataset, split->label_var, i) : 0;
          if (MIN (MAX (label, 0), groups - 1) != g)
            continue;
          tsu_dataset_fill (split->dataset, split->input_var, &i, 1, values);
          double x = values[0], y = values[1];
          g_array_append_val (xs, x);
          g_array_append_val (ys, y);
        }
      g_autofree char *name = split->label_var >= 0 ? g_strdup_printf (_("label %d"), g) : g_strdup (_("samples"));
      guint s = tsu_plot_add_series (TSU_PLOT (plot), name, &palette[g], TSU_PLOT_POINTS, FALSE);
      tsu_plot_set_series_data (TSU_PLOT (plot), s, (double *) (gpointer) xs->data,
                                (double *) (gpointer) ys->data, xs->len);
    }
  return plot;
}

static tsu_dataset_spec *
entry_of (tsu_dataset_settings *data,
          const char           *key)
{
  return g_strcmp0 (key, "validation") == 0 ? &data->validation : &data->training;
}

/* ------------------------------------------------------------ source row */

/* An edit: a copy of the shown section with one entry changed by `edit`,
 * handed to the owner. */
typedef void (*EntryEdit) (tsu_dataset_spec *spec, const char *key, gconstpointer arg);

static void
emit_edited (TsuDatasetView *self,
             const char     *key,
             EntryEdit       edit,
             gconstpointer   arg)
{
  tsu_dataset_settings edited;

  tsu_dataset_spec_copy (&edited.training, &self->data.training);
  tsu_dataset_spec_copy (&edited.validation, &self->data.validation);
  edit (entry_of (&edited, key), key, arg);
  g_signal_emit (self, signals[DATASET_EDITED], 0, &edited);
  tsu_dataset_settings_clear (&edited);
}

static void
edit_source (tsu_dataset_spec *spec, const char *key, gconstpointer source)
{
  if (source)
    tsu_dataset_spec_set_source (spec, key, source);
  else
    tsu_dataset_spec_clear (spec);
}

static void
edit_split (tsu_dataset_spec *spec, const char *key, gconstpointer split)
{
  tsu_dataset_spec_set_string (spec, "split", split);
}

static void
edit_limit (tsu_dataset_spec *spec, const char *key, gconstpointer limit)
{
  spec->limit = GPOINTER_TO_INT (limit);
}

typedef struct
{
  const char *member, *value;
} MemberValue;

static void
edit_member (tsu_dataset_spec *spec, const char *key, gconstpointer arg)
{
  const MemberValue *mv = arg;
  tsu_dataset_spec_set_string (spec, mv->member, mv->value);
}

static void
on_source_selected (GtkDropDown    *drop,
                    GParamSpec     *pspec,
                    TsuDatasetView *self)
{
  const char *key = g_object_get_data (G_OBJECT (drop), "split-key");
  guint i = gtk_drop_down_get_selected (drop);

  emit_edited (self, key, edit_source, i < G_N_ELEMENTS (source_values) ? source_values[i] : NULL);
}

static void
on_split_selected (GtkDropDown    *drop,
                   GParamSpec     *pspec,
                   TsuDatasetView *self)
{
  const char *key = g_object_get_data (G_OBJECT (drop), "split-key");

  emit_edited (self, key, edit_split, gtk_drop_down_get_selected (drop) ? "test" : "train");
}

static void
on_limit_changed (GtkSpinButton  *spin,
                  TsuDatasetView *self)
{
  const char *key = g_object_get_data (G_OBJECT (spin), "split-key");

  emit_edited (self, key, edit_limit, GINT_TO_POINTER (gtk_spin_button_get_value_as_int (spin)));
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                TsuDatasetView  *self)
{
  const char *key = g_object_get_data (G_OBJECT (dialog), "split-key");
  const char *member = g_object_get_data (G_OBJECT (dialog), "member");

  if (response == GTK_RESPONSE_ACCEPT && self->project)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      char *engine_dir = tsu_project_dir (self->project);
      g_autofree char *relative = tsu_dataset_relative_path (engine_dir, path);
      free (engine_dir);
      emit_edited (self, key, edit_member, &(MemberValue) { member, relative });
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
on_choose_file (GtkButton      *button,
                TsuDatasetView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *member = g_object_get_data (G_OBJECT (button), "member");
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (!strcmp (member, "path") ? _("Choose an NNC-style CSV")
                                 : !strcmp (member, "images") ? _("Choose the IDX images")
                                 : _("Choose the IDX labels"),
                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));

  g_object_set_data_full (G_OBJECT (dialog), "split-key",
                          g_strdup (g_object_get_data (G_OBJECT (button), "split-key")), g_free);
  g_object_set_data (G_OBJECT (dialog), "member", (gpointer) member);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* A drop-down of a static N_() table, shown in the user's language. */
static GtkWidget *
translated_drop_down (const char *const *labels)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (; *labels; labels++)
    gtk_string_list_append (list, _(*labels));
  return gtk_drop_down_new (G_LIST_MODEL (list), NULL);
}

static GtkWidget *
file_button (const char *key,
             const char *member,
             const char *current,
             const char *placeholder)
{
  g_autofree char *base = current ? g_path_get_basename (current) : NULL;
  GtkWidget *button = gtk_button_new_with_label (base ? base : placeholder);

  gtk_widget_set_tooltip_text (button, current ? current : placeholder);
  g_object_set_data_full (G_OBJECT (button), "split-key", g_strdup (key), g_free);
  g_object_set_data (G_OBJECT (button), "member", (gpointer) member);
  return button;
}

/* Source, split or files, and limit of one entry, editable. */
static GtkWidget *
make_source_row (TsuDatasetView *self,
                 const char     *key)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  const tsu_dataset_spec *spec = entry_of (&self->data, key);
  guint selected = 0;

  for (guint i = 1; i < G_N_ELEMENTS (source_values); i++)
    if (spec->present && g_strcmp0 (spec->source, source_values[i]) == 0)
      selected = i;

  GtkWidget *drop = translated_drop_down (source_labels);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), selected);
  gtk_widget_set_tooltip_text (drop, _("Where the samples come from"));
  g_object_set_data_full (G_OBJECT (drop), "split-key", g_strdup (key), g_free);
  g_signal_connect (drop, "notify::selected", G_CALLBACK (on_source_selected), self);
  gtk_box_append (GTK_BOX (row), drop);

  if (selected == 1 || selected == 2)
    {
      static const char *const splits[] = { N_("train (60 000)"), N_("test (10 000)"), NULL };
      GtkWidget *split = translated_drop_down (splits);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (split), g_strcmp0 (spec->split, "test") == 0);
      g_object_set_data_full (G_OBJECT (split), "split-key", g_strdup (key), g_free);
      g_signal_connect (split, "notify::selected", G_CALLBACK (on_split_selected), self);
      gtk_box_append (GTK_BOX (row), split);
    }
  else if (selected == 3 || selected == 4)
    {
      const char *members[2] = { selected == 4 ? "path" : "images", selected == 4 ? NULL : "labels" };
      const char *placeholders[2] = { selected == 4 ? _("Choose CSV…") : _("Images…"), _("Labels…") };
      for (int m = 0; m < 2 && members[m]; m++)
        {
          const char *current = !strcmp (members[m], "path") ? spec->path
                                : !strcmp (members[m], "images") ? spec->images : spec->labels;
          GtkWidget *button = file_button (key, members[m], current, placeholders[m]);
          g_signal_connect (button, "clicked", G_CALLBACK (on_choose_file), self);
          gtk_box_append (GTK_BOX (row), button);
        }
    }

  if (selected > 0)
    {
      GtkWidget *label = gtk_label_new (_("limit"));
      GtkWidget *limit = gtk_spin_button_new_with_range (0, 10000000, 100);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_set_tooltip_text (limit, _("Use only the first N samples; 0 uses all"));
      /* Room for the range's eight digits would make two cards side by
       * side wider than a 1024 px screen; longer numbers scroll. */
      gtk_editable_set_width_chars (GTK_EDITABLE (limit), 6);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (limit), spec->limit);
      g_object_set_data_full (G_OBJECT (limit), "split-key", g_strdup (key), g_free);
      g_signal_connect (limit, "value-changed", G_CALLBACK (on_limit_changed), self);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), limit);
    }
  return row;
}

static GtkWidget *
make_card (TsuDatasetView        *self,
           const TsuDatasetSplit *split)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  const char * const *names = (const char * const *) split->class_names;
  const char *title = !strcmp (split->key, "training") ? _("Training data") : _("Validation data");

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "tsu-dataset-card");
  gtk_box_append (GTK_BOX (card), make_label (title, "heading"));
  gtk_box_append (GTK_BOX (card), make_source_row (self, split->key));
  gtk_box_append (GTK_BOX (card), make_label (split->description, NULL));
  if (!split->dataset)
    return card;

  g_autofree char *vars = tsu_dataset_describe_variables (split->dataset);
  gtk_box_append (GTK_BOX (card), make_label (vars, "dim-label"));

  if (split->label_counts->len > 0)
    {
      Histogram *h = g_new0 (Histogram, 1);
      GtkWidget *area = gtk_drawing_area_new ();
      h->counts = g_array_ref (split->label_counts);
      h->names = g_strdupv (split->class_names);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 110);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_histogram, h,
                                      (GDestroyNotify) histogram_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Label histogram"), -1);
      gtk_box_append (GTK_BOX (card), make_label (_("Samples per label"), "caption-heading"));
      gtk_box_append (GTK_BOX (card), area);
    }

  if (split->image_var < 0 && split->input_var >= 0)
    {
      tsu_shape shape = tsu_dataset_variable_shape (split->dataset, split->input_var);
      if (tsu_shape_size (&shape) >= 2)
        {
          int n = MIN (500, tsu_dataset_size (split->dataset));
          g_autofree char *caption = g_strdup_printf (ngettext_ ("First two inputs of %d sample",
                                                                 "First two inputs of %d samples", n), n);
          gtk_box_append (GTK_BOX (card), make_label (caption, "caption-heading"));
          gtk_box_append (GTK_BOX (card), make_scatter (split));
        }
    }

  if (split->image_var >= 0)
    {
      GtkWidget *flow = gtk_flow_box_new ();
      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 10);
      gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 4);
      gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
      gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 4);
      gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 4);
      int n = MIN (MAX_THUMBNAILS, tsu_dataset_size (split->dataset));
      for (int i = 0; i < n; i++)
        gtk_flow_box_append (GTK_FLOW_BOX (flow), make_thumbnail (split, i, names));
      gtk_box_append (GTK_BOX (card), make_label (_("First samples"), "caption-heading"));
      gtk_box_append (GTK_BOX (card), flow);
    }
  return card;
}

static void
show_report (TsuDatasetView *self)
{
  GtkWidget *child;
  const TsuDatasetReport *r = self->report;

  while ((child = gtk_widget_get_first_child (self->problems_box)))
    gtk_box_remove (GTK_BOX (self->problems_box), child);
  while ((child = gtk_widget_get_first_child (self->splits_box)))
    gtk_box_remove (GTK_BOX (self->splits_box), child);
  if (!r)
    {
      gtk_widget_set_visible (self->problems_box, FALSE);
      gtk_label_set_text (self->status_label, "");
      return;
    }

  for (guint i = 0; i < r->problems->len; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      gtk_box_append (GTK_BOX (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
      GtkWidget *label = make_label (g_ptr_array_index (r->problems, i), NULL);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (self->problems_box), row);
    }
  gtk_widget_set_visible (self->problems_box, r->problems->len > 0);

  for (int s = 0; s < 2; s++)
    gtk_box_append (GTK_BOX (self->splits_box), make_card (self, &r->splits[s]));

  g_autofree char *status = r->problems->len
    ? g_strdup_printf (ngettext_ ("%u problem to fix before training", "%u problems to fix before training",
                                  r->problems->len), r->problems->len)
    : g_strdup (_("Ready to train"));
  gtk_label_set_text (self->status_label, status);
}

/* ------------------------------------------------------------ from a folder */

static void
offer_input_shape (TsuDatasetView       *self,
                   const tsu_image_prep *prep)
{
  char shape[64];

  g_clear_pointer (&self->offer_node, g_free);
  gtk_widget_set_visible (self->offer_box, FALSE);
  if (!self->project || !tsu_folder_input_offer (self->project, prep, &self->offer_node, &self->offer_shape))
    return;
  g_snprintf (shape, sizeof shape, "[%d, %d, %d]", self->offer_shape.ints[0],
              self->offer_shape.ints[1], self->offer_shape.ints[2]);
  g_autofree char *text = g_strdup_printf (_("The new pictures are %s; the Input layer \"%s\" takes "
                                             "another shape."), shape, self->offer_node);
  g_autofree char *button = g_strdup_printf (_("Set %s to %s"), self->offer_node, shape);
  gtk_label_set_text (self->offer_label, text);
  gtk_button_set_label (self->offer_button, button);
  gtk_widget_set_visible (self->offer_box, TRUE);
}

/* The offer goes once the Input has the pictures' shape, whoever set it. */
static void
recheck_offer (TsuDatasetView *self)
{
  tsu_image_prep prep = { .width = self->offer_shape.ints[2], .height = self->offer_shape.ints[1],
                          .grayscale = self->offer_shape.ints[0] == 1 };
  g_autofree char *node = NULL;
  tsu_value shape;

  if (self->offer_node && self->project && !tsu_folder_input_offer (self->project, &prep, &node, &shape))
    {
      g_clear_pointer (&self->offer_node, g_free);
      gtk_widget_set_visible (self->offer_box, FALSE);
    }
}

static void
on_folder_created (TsuDatasetView       *self,
                   const char           *out_dir,
                   gboolean              with_validation,
                   const tsu_image_prep *prep)
{
  tsu_dataset_settings edited;
  /* Unsaved, the paths stay absolute (tsu_dataset_relative_path). */
  char *project_dir = self->project && tsu_project_path (self->project) ? tsu_project_dir (self->project) : NULL;

  tsu_folder_dataset_settings (project_dir, out_dir, with_validation, &edited);
  free (project_dir);
  /* Before the edit: the owner's set_project replaces self->project, whose
   * network the offer reads either way. */
  offer_input_shape (self, prep);
  g_signal_emit (self, signals[DATASET_EDITED], 0, &edited);
  tsu_dataset_settings_clear (&edited);
}

GtkWidget *
tsu_dataset_view_open_folder_dialog (TsuDatasetView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  char *project_dir = self->project && tsu_project_path (self->project) ? tsu_project_dir (self->project) : NULL;
  GtkWidget *dialog = tsu_folder_dataset_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                     project_dir);

  free (project_dir);
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_folder_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_folder_clicked (TsuDatasetView *self)
{
  tsu_dataset_view_open_folder_dialog (self);
}

const char *
tsu_dataset_view_get_input_offer (TsuDatasetView *self)
{
  return self->offer_node;
}

void
tsu_dataset_view_apply_input_offer (TsuDatasetView *self)
{
  g_autofree char *node = g_steal_pointer (&self->offer_node);

  gtk_widget_set_visible (self->offer_box, FALSE);
  if (node)
    g_signal_emit (self, signals[INPUT_SHAPE_EDITED], 0, node, &self->offer_shape);
}

/* ------------------------------------------------------------ worker */

static gpointer
check (gpointer       project,
       GCancellable  *cancellable,
       GError       **error)
{
  return tsu_dataset_report_build (project);
}

static void
on_checked (TsuDatasetView *self,
            gpointer        report,
            const char     *message)
{
  g_clear_pointer (&self->report, tsu_dataset_report_free);
  self->report = tsu_worker_take_result (self->worker);
  show_report (self);
  set_busy (self, FALSE);
}

static char *
graph_key_of (const tsu_project *project)
{
  tsu_diag diag;
  tsu_graph *graph;
  char *key;

  tsu_diag_init (&diag);
  graph = tsu_graph_build (project, &diag);
  key = tsu_dataset_report_graph_key (graph);
  tsu_graph_free (graph);
  tsu_diag_free (&diag);
  return key;
}

void
tsu_dataset_view_network_changed (TsuDatasetView    *self,
                                  const tsu_project *project,
                                  const tsu_graph   *graph)
{
  g_autofree char *key = tsu_dataset_report_graph_key (graph);

  g_return_if_fail (TSU_IS_DATASET_VIEW (self));
  if (self->project != NULL && g_strcmp0 (key, self->graph_key) != 0)
    tsu_dataset_view_set_project (self, project);
}

void
tsu_dataset_view_set_project (TsuDatasetView    *self,
                              const tsu_project *project)
{
  g_return_if_fail (TSU_IS_DATASET_VIEW (self));

  g_clear_pointer (&self->project, tsu_project_free);
  g_clear_pointer (&self->report, tsu_dataset_report_free);
  tsu_dataset_settings_clear (&self->data);
  /* Problems with the section itself are in the report. */
  if (project)
    tsu_project_get_dataset (project, &self->data, NULL);
  show_report (self);
  if (!project)
    {
      tsu_worker_cancel (self->worker);
      set_busy (self, FALSE);
      return;
    }

  self->project = tsu_project_dup (project);
  g_free (self->graph_key);
  self->graph_key = graph_key_of (self->project);
  recheck_offer (self);
  /* A check still running is superseded: only this one reports. */
  tsu_worker_run (self->worker, check, tsu_project_dup (project), (GDestroyNotify) tsu_project_free,
                  (GDestroyNotify) tsu_dataset_report_free);
  gtk_label_set_text (self->status_label, _("Reading the data…"));
  set_busy (self, TRUE);
}

static void
on_refresh_clicked (TsuDatasetView *self)
{
  if (self->project)
    {
      tsu_project *copy = tsu_project_dup (self->project);
      tsu_dataset_view_set_project (self, copy);
      tsu_project_free (copy);
    }
}

gboolean
tsu_dataset_view_get_busy (TsuDatasetView *self)
{
  return self->busy;
}

const TsuDatasetReport *
tsu_dataset_view_get_report (TsuDatasetView *self)
{
  return self->report;
}

static void
tsu_dataset_view_dispose (GObject *object)
{
  TsuDatasetView *self = TSU_DATASET_VIEW (object);

  /* A check still running reads on; its report is dropped. */
  if (self->worker)
    {
      g_signal_handlers_disconnect_by_data (self->worker, self);
      tsu_worker_cancel (self->worker);
    }
  g_clear_object (&self->worker);
  gtk_widget_dispose_template (GTK_WIDGET (self), TSU_TYPE_DATASET_VIEW);
  /* The template's root has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->report, tsu_dataset_report_free);
  g_clear_pointer (&self->project, tsu_project_free);
  g_clear_pointer (&self->graph_key, g_free);
  g_clear_pointer (&self->offer_node, g_free);
  tsu_dataset_settings_clear (&self->data);
  G_OBJECT_CLASS (tsu_dataset_view_parent_class)->dispose (object);
}

static void
tsu_dataset_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, TSU_DATASET_VIEW (object)->busy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tsu_dataset_view_class_init (TsuDatasetViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_dataset_view_dispose;
  object_class->get_property = tsu_dataset_view_get_property;
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The user changed an entry of "dataset": the whole section as it
   * should now be (const tsu_dataset_settings *). The owner writes it with
   * tsu_project_set_dataset() and calls set_project again. */
  signals[DATASET_EDITED] = g_signal_new ("dataset-edited", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* The offer after a dataset from a folder was accepted: (const char
   * *node_id, const tsu_value *shape), for tsu_project_set_node_param
   * (project, node_id, "shape", shape). */
  signals[INPUT_SHAPE_EDITED] = g_signal_new ("input-shape-edited", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);

  tsu_training_ui_init ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tsumiki/Tsumiki/training/ui/dataset-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TsuDatasetView, status_label);
  gtk_widget_class_bind_template_child (widget_class, TsuDatasetView, spinner);
  gtk_widget_class_bind_template_child (widget_class, TsuDatasetView, problems_box);
  gtk_widget_class_bind_template_child (widget_class, TsuDatasetView, splits_box);
  gtk_widget_class_bind_template_child (widget_class, TsuDatasetView, offer_box);
  gtk_widget_class_bind_template_child (widget_class, TsuDatasetView, offer_label);
  gtk_widget_class_bind_template_child (widget_class, TsuDatasetView, offer_button);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, tsu_dataset_view_apply_input_offer);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tsu_dataset_view_init (TsuDatasetView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->worker = tsu_worker_new ("[tsumiki] check the dataset");
  g_signal_connect_swapped (self->worker, "finished", G_CALLBACK (on_checked), self);
}

GtkWidget *
tsu_dataset_view_new (void)
{
  return g_object_new (TSU_TYPE_DATASET_VIEW, NULL);
}
