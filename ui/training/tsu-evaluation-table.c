/* tsu-evaluation-table.c — rows, cells and sorters of the output table. */
#include "tsu-evaluation-table.h"
#include "tsu-i18n.h"
#include "tsu-dataset-check.h"

#include <math.h>
#include <string.h>

struct _TsuEvalItem
{
  GObject    parent_instance;
  TsuEvalRow row;
};

G_DEFINE_FINAL_TYPE (TsuEvalItem, tsu_eval_item, G_TYPE_OBJECT)

static void tsu_eval_item_class_init (TsuEvalItemClass *klass) { }
static void tsu_eval_item_init (TsuEvalItem *self) { }

const TsuEvalRow *
tsu_eval_item_get_row (TsuEvalItem *self)
{
  return &self->row;
}

struct _TsuEvalSource
{
  gatomicrefcount ref;
  tsu_dataset    *dataset;
  int             image_var;
  int             input_var;
  GStrv           class_names;
};

TsuEvalSource *
tsu_eval_source_new (tsu_dataset        *dataset,
                     const char * const *class_names)
{
  TsuEvalSource *source = g_new0 (TsuEvalSource, 1);

  g_atomic_ref_count_init (&source->ref);
  source->dataset = dataset;
  source->image_var = source->input_var = -1;
  source->class_names = g_strdupv ((char **) class_names);
  if (dataset && tsu_dataset_size (dataset) > 0)
    for (int v = 0; v < tsu_dataset_variable_count (dataset); v++)
      {
        if (source->image_var < 0 && tsu_dataset_image (dataset, v, 0))
          source->image_var = v;
        if (source->input_var < 0 && !tsu_dataset_variable_is_label (dataset, v))
          source->input_var = v;
      }
  return source;
}

TsuEvalSource *
tsu_eval_source_ref (TsuEvalSource *source)
{
  g_atomic_ref_count_inc (&source->ref);
  return source;
}

void
tsu_eval_source_unref (TsuEvalSource *source)
{
  if (!source || !g_atomic_ref_count_dec (&source->ref))
    return;
  g_clear_pointer (&source->dataset, tsu_dataset_free);
  g_strfreev (source->class_names);
  g_free (source);
}

const char *
tsu_eval_source_class_name (TsuEvalSource *source,
                            int            cls,
                            char          *buf,
                            gsize          size)
{
  return tsu_class_label (source ? (const char * const *) source->class_names : NULL, cls, buf, size);
}

GdkTexture *
tsu_planar_texture_new (const guint8 *pixels,
                        int           channels,
                        int           height,
                        int           width)
{
  gsize plane = (gsize) height * width;
  guint8 *rgb = g_malloc (plane * 3);

  for (gsize i = 0; i < plane; i++)
    for (int k = 0; k < 3; k++)
      rgb[i * 3 + k] = pixels[(channels >= 3 ? k : 0) * plane + i];
  g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, plane * 3);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, (gsize) width * 3);
}

/* A grey or planar-RGB uint8 image as a texture. */
static GdkTexture *
make_thumbnail (TsuEvalSource *source,
                int            index)
{
  if (!source || !source->dataset || source->image_var < 0
      || index < 0 || index >= tsu_dataset_size (source->dataset))
    return NULL;

  const uint8_t *pixels = tsu_dataset_image (source->dataset, source->image_var, index);
  tsu_shape shape = tsu_dataset_variable_shape (source->dataset, source->image_var);
  if (!pixels || shape.ndim != 3)
    return NULL;
  return tsu_planar_texture_new (pixels, shape.d[0], shape.d[1], shape.d[2]);
}

static char *
describe_input (TsuEvalSource *source,
                int            index)
{
  if (!source || !source->dataset || source->input_var < 0
      || index < 0 || index >= tsu_dataset_size (source->dataset))
    return g_strdup ("");

  tsu_shape shape = tsu_dataset_variable_shape (source->dataset, source->input_var);
  gsize n = tsu_shape_size (&shape);
  g_autofree float *values = g_new (float, n);
  GString *out = g_string_new ("(");

  tsu_dataset_fill (source->dataset, source->input_var, &index, 1, values);
  for (gsize i = 0; i < MIN (n, 4); i++)
    g_string_append_printf (out, i ? ", %.3g" : "%.3g", values[i]);
  g_string_append (out, n > 4 ? ", …)" : ")");
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------ cells */

typedef enum { COL_INDEX, COL_IMAGE, COL_INPUT, COL_LABEL, COL_PREDICTION, COL_CONFIDENCE,
               COL_LABEL_PROB, COL_TARGET, COL_OUTPUT, COL_ERROR } Column;

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COL_LABEL || column == COL_PREDICTION
                                           || column == COL_INPUT ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
setup_image (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  GtkWidget *image = gtk_image_new ();

  gtk_image_set_pixel_size (GTK_IMAGE (image), 44);
  gtk_widget_add_css_class (image, "tsu-thumbnail");
  gtk_list_item_set_child (item, image);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  TsuEvalItem *eval = gtk_list_item_get_item (item);
  const TsuEvalRow *row = &eval->row;
  TsuEvalSource *source = g_object_get_data (G_OBJECT (factory), "source");
  GtkWidget *child = gtk_list_item_get_child (item);
  char buf[96], name[64];

  if (column == COL_IMAGE)
    {
      g_autoptr(GdkTexture) texture = make_thumbnail (source, row->index);
      gtk_image_set_from_paintable (GTK_IMAGE (child), GDK_PAINTABLE (texture));
      return;
    }

  gboolean mistake = row->label >= 0 && row->label != row->prediction;
  switch (column)
    {
    case COL_INDEX: g_snprintf (buf, sizeof buf, "%d", row->index); break;
    case COL_INPUT:
      {
        g_autofree char *text = describe_input (source, row->index);
        g_strlcpy (buf, text, sizeof buf);
      }
      break;
    case COL_LABEL: g_strlcpy (buf, tsu_eval_source_class_name (source, row->label, name, sizeof name), sizeof buf); break;
    case COL_PREDICTION:
      g_snprintf (buf, sizeof buf, "%s %s", mistake ? "✗" : "✓",
                  tsu_eval_source_class_name (source, row->prediction, name, sizeof name));
      break;
    case COL_CONFIDENCE: g_snprintf (buf, sizeof buf, "%.1f%%", 100 * row->confidence); break;
    case COL_LABEL_PROB: g_snprintf (buf, sizeof buf, "%.1f%%", 100 * row->label_probability); break;
    case COL_TARGET: g_snprintf (buf, sizeof buf, "%.4g", row->target); break;
    case COL_OUTPUT: g_snprintf (buf, sizeof buf, "%.4g", row->output); break;
    case COL_ERROR: g_snprintf (buf, sizeof buf, "%.4g", row->output - row->target); break;
    default: buf[0] = '\0';
    }
  gtk_label_set_text (GTK_LABEL (child), buf);
  if (column == COL_PREDICTION)
    {
      gtk_widget_remove_css_class (child, mistake ? "success" : "error");
      gtk_widget_add_css_class (child, mistake ? "error" : "success");
    }
}

/* ------------------------------------------------------------ sorting */

static double
sort_key (const TsuEvalRow *row,
          Column            column)
{
  switch (column)
    {
    case COL_LABEL: return row->label;
    case COL_PREDICTION: return row->prediction;
    case COL_CONFIDENCE: return row->confidence;
    case COL_LABEL_PROB: return row->label_probability;
    case COL_TARGET: return row->target;
    case COL_OUTPUT: return row->output;
    case COL_ERROR: return fabs (row->output - row->target);
    default: return row->index;
    }
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  Column column = GPOINTER_TO_INT (data);
  const TsuEvalRow *ra = &((TsuEvalItem *) a)->row, *rb = &((TsuEvalItem *) b)->row;
  double ka = sort_key (ra, column), kb = sort_key (rb, column);

  if (ka != kb)
    return ka < kb ? -1 : 1;
  return (ra->index > rb->index) - (ra->index < rb->index);
}

static gboolean
is_mistake (gpointer item,
            gpointer data)
{
  const TsuEvalRow *row = &((TsuEvalItem *) item)->row;
  return row->label >= 0 ? row->label != row->prediction : TRUE;
}

static GtkColumnViewColumn *
add_column (GtkColumnView *view,
            TsuEvalSource *source,
            const char    *title,
            Column         column,
            gboolean       sortable,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (column == COL_IMAGE ? setup_image : setup_label),
                    GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  if (source)
    g_object_set_data_full (G_OBJECT (factory), "source", tsu_eval_source_ref (source),
                            (GDestroyNotify) tsu_eval_source_unref);

  GtkColumnViewColumn *col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  if (sortable)
    {
      GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, GINT_TO_POINTER (column), NULL));
      gtk_column_view_column_set_sorter (col, sorter);
      g_object_unref (sorter);
    }
  gtk_column_view_append_column (view, col);
  g_object_unref (col);
  return col;
}

void
tsu_eval_table_setup (GtkColumnView        *view,
                      const TsuEvalOutputs *outputs,
                      TsuEvalSource        *source,
                      TsuEvalTable         *table)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (view, col);
    }

  /* The chain owns the store and the filter; the table keeps the filter
   * model (its one reference) to reach them. */
  g_clear_object (&table->filtered);
  table->store = g_list_store_new (TSU_TYPE_EVAL_ITEM);
  for (guint i = 0; outputs && i < outputs->rows->len; i++)
    {
      TsuEvalItem *item = g_object_new (TSU_TYPE_EVAL_ITEM, NULL);
      item->row = g_array_index (outputs->rows, TsuEvalRow, i);
      g_list_store_append (table->store, item);
      g_object_unref (item);
    }

  add_column (view, source, "#", COL_INDEX, TRUE, FALSE);
  if (source && source->image_var >= 0)
    add_column (view, source, _("Image"), COL_IMAGE, FALSE, FALSE);
  else if (source && source->input_var >= 0)
    add_column (view, source, _("Input"), COL_INPUT, FALSE, FALSE);

  table->confidence_column = NULL;
  if (!outputs || outputs->classification)
    {
      add_column (view, source, _("Label"), COL_LABEL, TRUE, TRUE);
      add_column (view, source, _("Prediction"), COL_PREDICTION, TRUE, TRUE);
      table->confidence_column = add_column (view, source, _("Probability"), COL_CONFIDENCE, TRUE, FALSE);
      add_column (view, source, _("P(label)"), COL_LABEL_PROB, TRUE, FALSE);
    }
  else
    {
      add_column (view, source, _("Target"), COL_TARGET, TRUE, TRUE);
      add_column (view, source, _("Output"), COL_OUTPUT, TRUE, TRUE);
      table->confidence_column = add_column (view, source, _("Error"), COL_ERROR, TRUE, FALSE);
    }

  table->mistakes = gtk_custom_filter_new (NULL, NULL, NULL);
  table->mistakes_only = FALSE;
  table->cell_label = table->cell_prediction = -1;
  table->filtered = gtk_filter_list_model_new (G_LIST_MODEL (table->store), GTK_FILTER (table->mistakes));
  GtkSorter *sorter = gtk_column_view_get_sorter (view);
  GtkSortListModel *sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (table->filtered)),
                                                      sorter ? g_object_ref (sorter) : NULL);
  GtkNoSelection *selection = gtk_no_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
}

/* Both filters at once: mistakes only, and one confusion cell. */
static gboolean
is_shown (gpointer item,
          gpointer data)
{
  const TsuEvalTable *table = data;
  const TsuEvalRow *row = &((TsuEvalItem *) item)->row;

  if (table->mistakes_only && !is_mistake (item, NULL))
    return FALSE;
  return table->cell_label < 0
         || (row->label == table->cell_label && row->prediction == table->cell_prediction);
}

static void
refilter (TsuEvalTable *table)
{
  gboolean all = !table->mistakes_only && table->cell_label < 0;

  if (table->mistakes)
    gtk_custom_filter_set_filter_func (table->mistakes, all ? NULL : is_shown, all ? NULL : table, NULL);
}

void
tsu_eval_table_set_mistakes_only (TsuEvalTable *table,
                                  gboolean      mistakes_only)
{
  table->mistakes_only = mistakes_only;
  refilter (table);
}

void
tsu_eval_table_set_cell (TsuEvalTable *table,
                         int           label,
                         int           prediction)
{
  table->cell_label = label >= 0 && prediction >= 0 ? label : -1;
  table->cell_prediction = label >= 0 && prediction >= 0 ? prediction : -1;
  refilter (table);
}
