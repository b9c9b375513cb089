/* tsu-palette.c — the layer palette. */
#include "tsu-palette.h"
#include "tsu-canvas-paint.h"

#include "tsumiki.h"

#include <string.h>

#include "tsu-i18n.h"

struct _TsuPalette
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkSearchEntry *search;
  GtkListBox *list;
  GtkWidget *hint;
};

enum {
  SIGNAL_LAYER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TsuPalette, tsu_palette, GTK_TYPE_WIDGET)

/* Rows carry their layer kind as data. */
static const tsu_layer_kind *
row_kind (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "tsu-kind");
}

static char *
category_css_class (const char *category)
{
  g_autofree char *lower = g_ascii_strdown (category ? category : "others", -1);
  return g_strdup_printf ("category-%s", lower);
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source, double x, double y, GtkListBoxRow *row)
{
  return gdk_content_provider_new_typed (G_TYPE_STRING, tsu_layer_kind_name (row_kind (row)));
}

/* The drag icon is a small box like the one the drop will make: the
 * category stripe and the type. Square corners, so no alpha is needed where
 * there is no compositor. */
static GdkTexture *
make_drag_icon (const tsu_layer_kind *kind)
{
  const int width = 170, height = 30;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *text = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans Bold 9.5");
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;
  double r, g, b;
  int text_height;

  tsu_category_color (tsu_layer_kind_category (kind), &r, &g, &b);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, r, g, b);
  cairo_rectangle (cr, 0, 0, 6, height);
  cairo_fill (cr);
  cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  pango_layout_set_font_description (text, font);
  pango_layout_set_text (text, tsu_layer_kind_name (kind), -1);
  pango_layout_get_pixel_size (text, NULL, &text_height);
  cairo_set_source_rgb (cr, 0.14, 0.15, 0.17);
  cairo_move_to (cr, 14, (height - text_height) / 2.0);
  pango_cairo_show_layout (cr, text);
  cairo_surface_flush (surface);

  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * height);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  pango_font_description_free (font);
  g_object_unref (text);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return texture;
}

static void
on_drag_begin (GtkDragSource *source, GdkDrag *drag, GtkListBoxRow *row)
{
  g_autoptr(GdkTexture) icon = make_drag_icon (row_kind (row));

  gtk_drag_source_set_icon (source, GDK_PAINTABLE (icon), 20, 15);
}


/* The kind's one line, then its explanation for learners (what it computes,
 * why one uses it, its usual neighbours), from the engine's table. */
static void
set_tooltip_from_about (GtkWidget *row, const tsu_layer_kind *kind)
{
  const tsu_layer_about *about = tsu_layer_kind_about (kind);
  g_autofree char *text = NULL;

  if (about->computes == NULL)
    {
      gtk_widget_set_tooltip_text (row, _(tsu_layer_kind_help (kind)));
      return;
    }
  text = g_strdup_printf ("%s\n\n%s %s\n%s %s", _(tsu_layer_kind_help (kind)), _(about->computes),
                          _(about->why), _("Usual neighbours:"), _(about->neighbours));
  gtk_widget_set_tooltip_text (row, text);
}

static GtkWidget *
make_row (const tsu_layer_kind *kind)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (tsu_layer_kind_name (kind));
  g_autofree char *css_class = category_css_class (tsu_layer_kind_category (kind));
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_widget_add_css_class (swatch, "category-swatch");
  gtk_widget_add_css_class (swatch, css_class);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_add_css_class (row, "palette-row");
  set_tooltip_from_about (row, kind);
  /* Screen readers and AT-SPI tests find entries by their layer type. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tsu_layer_kind_name (kind),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(tsu_layer_kind_help (kind)), -1);
  g_object_set_data (G_OBJECT (row), "tsu-kind", (gpointer) kind);

  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare), row);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag));
  return row;
}

static void
update_header (GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
  const char *category = tsu_layer_kind_category (row_kind (row));
  GtkWidget *header;

  if (before != NULL && g_strcmp0 (tsu_layer_kind_category (row_kind (before)), category) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (category);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "palette-header");
  gtk_list_box_row_set_header (row, header);
}

static gboolean
filter_row (GtkListBoxRow *row, TsuPalette *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search));
  const tsu_layer_kind *kind = row_kind (row);
  g_autofree char *needle = NULL;
  g_autofree char *name = NULL;
  g_autofree char *category = NULL;

  if (query == NULL || query[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (query, -1);
  name = g_utf8_casefold (tsu_layer_kind_name (kind), -1);
  category = g_utf8_casefold (tsu_layer_kind_category (kind), -1);
  return strstr (name, needle) != NULL || g_str_has_prefix (category, needle);
}

/* Palette order: NNC's groups in NNC's order, catalogue order within. */
static int
category_rank (const char *category)
{
  static const char *const order[] = { "IO", "Basic", "Pooling", "Activation", "Normalization", "Others", "Loss" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (g_strcmp0 (category, order[i]) == 0)
      return (int) i;
  return G_N_ELEMENTS (order);
}

static int
sort_rows (GtkListBoxRow *a, GtkListBoxRow *b, gpointer user_data)
{
  int rank = category_rank (tsu_layer_kind_category (row_kind (a))) - category_rank (tsu_layer_kind_category (row_kind (b)));

  if (rank != 0)
    return rank;
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (a), "tsu-order"))
         - GPOINTER_TO_INT (g_object_get_data (G_OBJECT (b), "tsu-order"));
}

static GtkListBoxRow *
first_visible_row (TsuPalette *self)
{
  GtkListBoxRow *row;

  /* Row indices follow the sort order, unlike the widget tree. */
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    if (filter_row (row, self))
      return row;
  return NULL;
}

static void
on_search_changed (TsuPalette *self)
{
  GtkListBoxRow *first, *row;

  /* Hiding rows (rather than a filter func) keeps keyboard navigation and
   * headers in step with what is shown. */
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    gtk_widget_set_visible (GTK_WIDGET (row), filter_row (row, self));
  gtk_list_box_invalidate_headers (self->list);
  first = first_visible_row (self);
  if (first != NULL && gtk_editable_get_text (GTK_EDITABLE (self->search))[0] != '\0')
    gtk_list_box_select_row (self->list, first);
}

static void
on_search_activate (TsuPalette *self)
{
  GtkListBoxRow *first = first_visible_row (self);

  if (first != NULL)
    g_signal_emit (self, signals[SIGNAL_LAYER_ACTIVATED], 0, tsu_layer_kind_name (row_kind (first)));
}

/* Down from the search entry walks into the (filtered) list. */
static gboolean
on_search_key (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
               TsuPalette *self)
{
  GtkListBoxRow *first;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;
  first = first_visible_row (self);
  if (first == NULL)
    return FALSE;
  gtk_list_box_select_row (self->list, first);
  gtk_widget_grab_focus (GTK_WIDGET (first));
  return TRUE;
}

static void
on_stop_search (TsuPalette *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
}

static void
on_row_activated (TsuPalette *self, GtkListBoxRow *row)
{
  g_signal_emit (self, signals[SIGNAL_LAYER_ACTIVATED], 0, tsu_layer_kind_name (row_kind (row)));
}

static void
tsu_palette_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TSU_TYPE_PALETTE);
  G_OBJECT_CLASS (tsu_palette_parent_class)->dispose (object);
}

static void
tsu_palette_class_init (TsuPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tsu_palette_dispose;

  /* A layer type was chosen by double-click, Enter or the search entry. */
  signals[SIGNAL_LAYER_ACTIVATED] = g_signal_new ("layer-activated", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/tsumiki/Tsumiki/ui/palette.ui");
  gtk_widget_class_bind_template_child (widget_class, TsuPalette, box);
  gtk_widget_class_bind_template_child (widget_class, TsuPalette, search);
  gtk_widget_class_bind_template_child (widget_class, TsuPalette, list);
  gtk_widget_class_bind_template_child (widget_class, TsuPalette, hint);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "palette");
}

static void
tsu_palette_init (TsuPalette *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (int i = 0; i < tsu_layer_kind_count (); i++)
    {
      GtkWidget *row = make_row (tsu_layer_kind_at (i));

      g_object_set_data (G_OBJECT (row), "tsu-order", GINT_TO_POINTER (i));
      gtk_list_box_append (self->list, row);
    }
  gtk_list_box_set_sort_func (self->list, sort_rows, NULL, NULL);
  gtk_list_box_set_header_func (self->list, update_header, NULL, NULL);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();
    /* Before the entry's text, which would use Down for focus moves. */
    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key), self);
    gtk_widget_add_controller (GTK_WIDGET (self->search), keys);
  }
}

GtkWidget *
tsu_palette_new (void)
{
  return g_object_new (TSU_TYPE_PALETTE, NULL);
}

const char *
tsu_palette_get_selected_type (TsuPalette *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  return row != NULL ? tsu_layer_kind_name (row_kind (row)) : NULL;
}

void
tsu_palette_focus_search (TsuPalette *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search));
}
