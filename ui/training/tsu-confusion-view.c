/* tsu-confusion-view.c — drawing and hit-testing the heat map. */
#include "tsu-confusion-view.h"
#include "tsu-i18n.h"
#include "tsu-dataset-check.h"
#include "tsu-eval-metrics.h"

#include <math.h>

struct _TsuConfusionView
{
  GtkWidget     parent_instance;

  tsu_confusion cm;
  GStrv         class_names;
  int           hover_label, hover_prediction;
  int           selected_label, selected_prediction; /* -1: none */

  /* Geometry of the last draw. */
  double        grid_x, grid_y, cell;
};

G_DEFINE_FINAL_TYPE (TsuConfusionView, tsu_confusion_view, GTK_TYPE_WIDGET)

#define HEADER 40.0   /* room for "Prediction" and the column numbers */

static const char *
class_name (TsuConfusionView *self,
            int               c,
            char             *buf,
            gsize             size)
{
  return tsu_class_label ((const char * const *) self->class_names, c, buf, size);
}

/* Row labels carry the names; the room they need sets the grid's left edge. */
static double
side_width (TsuConfusionView *self)
{
  return self->class_names ? 128 : 52;
}

static PangoLayout *
layout_for (TsuConfusionView *self,
            const char       *text,
            double            scale,
            gboolean          bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *font = pango_font_description_copy (
    pango_context_get_font_description (pango_layout_get_context (layout)));

  pango_font_description_set_size (font, (int) (pango_font_description_get_size (font) * scale));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

static void
show_centered (cairo_t     *cr,
               PangoLayout *layout,
               double       cx,
               double       cy)
{
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, cx - w / 2.0, cy - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
tsu_confusion_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  TsuConfusionView *self = TSU_CONFUSION_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int n = self->cm.classes;
  GdkRGBA fg;
  char buf[32];

  if (n <= 0 || width <= 0 || height <= 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  double side = side_width (self);
  self->cell = floor (MIN ((width - side - 8) / n, (height - HEADER - 8) / n));
  self->cell = CLAMP (self->cell, 14, 96);
  self->grid_x = side;
  self->grid_y = HEADER;
  double size = self->cell * n;

  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Axis titles. */
  gdk_cairo_set_source_rgba (cr, &fg);
  {
    g_autoptr(PangoLayout) l = layout_for (self, _("Prediction"), 0.85, TRUE);
    show_centered (cr, l, self->grid_x + size / 2, 9);
  }
  {
    g_autoptr(PangoLayout) l = layout_for (self, _("Label"), 0.85, TRUE);
    cairo_save (cr);
    cairo_translate (cr, 9, self->grid_y + size / 2);
    cairo_rotate (cr, -G_PI / 2);
    show_centered (cr, l, 0, 0);
    cairo_restore (cr);
  }

  double font_scale = self->cell >= 40 ? 0.85 : self->cell >= 26 ? 0.72 : 0.6;
  for (int r = 0; r < n; r++)
    {
      g_autoptr(PangoLayout) row = layout_for (self, class_name (self, r, buf, sizeof buf), 0.8, FALSE);
      int rw, rh;
      pango_layout_get_pixel_size (row, &rw, &rh);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      cairo_move_to (cr, self->grid_x - 8 - rw, self->grid_y + (r + 0.5) * self->cell - rh / 2.0);
      pango_cairo_show_layout (cr, row);
      g_snprintf (buf, sizeof buf, "%d", r);
      g_autoptr(PangoLayout) col = layout_for (self, buf, 0.8, FALSE);
      show_centered (cr, col, self->grid_x + (r + 0.5) * self->cell, HEADER - 12);

      for (int c = 0; c < n; c++)
        {
          double shade = tsu_confusion_cell_shade (&self->cm, r, c);
          gint64 count = self->cm.counts[(gsize) r * n + c];
          double x = self->grid_x + c * self->cell, y = self->grid_y + r * self->cell;

          /* Correct predictions in blue, mistakes in orange: a bright
           * off-diagonal cell is a confusion worth looking at. */
          if (r == c)
            cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.08 + 0.92 * shade);
          else
            cairo_set_source_rgba (cr, 0.90, 0.38, 0.0, count ? 0.10 + 0.90 * sqrt (shade) : 0.03);
          cairo_rectangle (cr, x + 1, y + 1, self->cell - 2, self->cell - 2);
          cairo_fill (cr);

          gboolean selected = r == self->selected_label && c == self->selected_prediction;
          if (selected || (r == self->hover_label && c == self->hover_prediction))
            {
              gdk_cairo_set_source_rgba (cr, &fg);
              cairo_set_line_width (cr, selected ? 3.5 : 2);
              cairo_rectangle (cr, x + 1, y + 1, self->cell - 2, self->cell - 2);
              cairo_stroke (cr);
            }

          if (self->cell < 18 || count == 0)
            continue;
          g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, count);
          g_autoptr(PangoLayout) text = layout_for (self, buf, font_scale, r == c);
          gboolean dark_cell = (r == c && shade > 0.45) || (r != c && shade > 0.3);
          if (dark_cell)
            cairo_set_source_rgb (cr, 1, 1, 1);
          else
            cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.85);
          show_centered (cr, text, x + self->cell / 2, y + self->cell / 2);
        }
    }
  cairo_destroy (cr);
}

gboolean
tsu_confusion_view_cell_at (TsuConfusionView *self,
                            double            x,
                            double            y,
                            int              *label,
                            int              *prediction)
{
  if (self->cell <= 0 || self->cm.classes <= 0)
    return FALSE;
  int c = (int) floor ((x - self->grid_x) / self->cell);
  int r = (int) floor ((y - self->grid_y) / self->cell);
  if (r < 0 || c < 0 || r >= self->cm.classes || c >= self->cm.classes)
    return FALSE;
  *label = r;
  *prediction = c;
  return TRUE;
}

void
tsu_confusion_view_set_hover (TsuConfusionView *self,
                              double            x,
                              double            y)
{
  int r = -1, c = -1;

  if (!tsu_confusion_view_cell_at (self, x, y, &r, &c))
    r = c = -1;
  if (r == self->hover_label && c == self->hover_prediction)
    return;
  self->hover_label = r;
  self->hover_prediction = c;

  if (r >= 0)
    {
      char a[32], b[32];
      gint64 count = self->cm.counts[(gsize) r * self->cm.classes + c];
      double fraction = 100 * tsu_confusion_cell_shade (&self->cm, r, c);
      const char *label_name = class_name (self, r, a, sizeof a);
      g_autofree char *tip = r == c
        ? g_strdup_printf (ngettext_ ("Label %s predicted correctly: %lld sample (%.1f%%)",
                                      "Label %s predicted correctly: %lld samples (%.1f%%)", (gulong) count),
                           label_name, (long long) count, fraction)
        : g_strdup_printf (ngettext_ ("Label %s predicted as %s: %lld sample (%.1f%% of label %s)",
                                      "Label %s predicted as %s: %lld samples (%.1f%% of label %s)",
                                      (gulong) count),
                           label_name, class_name (self, c, b, sizeof b), (long long) count, fraction,
                           label_name);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tip);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TsuConfusionView         *self)
{
  tsu_confusion_view_set_hover (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *controller,
          TsuConfusionView         *self)
{
  tsu_confusion_view_set_hover (self, -1, -1);
}

enum { CELL_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
tsu_confusion_view_select (TsuConfusionView *self,
                           int               label,
                           int               prediction)
{
  g_return_if_fail (TSU_IS_CONFUSION_VIEW (self));

  if (label < 0 || prediction < 0 || label >= self->cm.classes || prediction >= self->cm.classes)
    label = prediction = -1;
  if (label == self->selected_label && prediction == self->selected_prediction)
    return;
  self->selected_label = label;
  self->selected_prediction = prediction;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_SELECTED], 0, label, prediction);
}

gboolean
tsu_confusion_view_get_selected (TsuConfusionView *self,
                                 int              *label,
                                 int              *prediction)
{
  *label = self->selected_label;
  *prediction = self->selected_prediction;
  return self->selected_label >= 0;
}

void
tsu_confusion_view_click (TsuConfusionView *self,
                          double            x,
                          double            y)
{
  int r, c;

  if (!tsu_confusion_view_cell_at (self, x, y, &r, &c)
      || (r == self->selected_label && c == self->selected_prediction))
    r = c = -1; /* the selected cell again, or outside the grid: show all */
  tsu_confusion_view_select (self, r, c);
}

static void
on_pressed (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            TsuConfusionView *self)
{
  tsu_confusion_view_click (self, x, y);
}

void
tsu_confusion_view_set_matrix (TsuConfusionView    *self,
                               const tsu_confusion *cm,
                               const char * const  *class_names)
{
  tsu_confusion_free (&self->cm);
  tsu_confusion_init (&self->cm, cm ? cm->classes : 0);
  if (cm)
    {
      for (int i = 0; i < cm->classes * cm->classes; i++)
        self->cm.counts[i] = cm->counts[i];
      self->cm.total = cm->total;
    }
  g_clear_pointer (&self->class_names, g_strfreev);
  self->class_names = g_strdupv ((char **) class_names);
  tsu_confusion_view_select (self, -1, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
tsu_confusion_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  TsuConfusionView *self = TSU_CONFUSION_VIEW (widget);
  int n = MAX (1, self->cm.classes);
  double side = side_width (self) + 8;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) (side + 18 * n);
      *natural = (int) (side + CLAMP (440 / n, 28, 96) * n);
      return;
    }
  /* Square cells: as tall as the width allows. */
  double cell = for_size > 0 ? CLAMP (floor ((for_size - side) / n), 14, 96) : CLAMP (440 / n, 28, 96);
  *minimum = *natural = (int) (HEADER + 8 + cell * n);
}

static GtkSizeRequestMode
tsu_confusion_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
tsu_confusion_view_finalize (GObject *object)
{
  TsuConfusionView *self = TSU_CONFUSION_VIEW (object);

  tsu_confusion_free (&self->cm);
  g_strfreev (self->class_names);
  G_OBJECT_CLASS (tsu_confusion_view_parent_class)->finalize (object);
}

static void
tsu_confusion_view_class_init (TsuConfusionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tsu_confusion_view_finalize;
  widget_class->snapshot = tsu_confusion_view_snapshot;
  widget_class->measure = tsu_confusion_view_measure;
  widget_class->get_request_mode = tsu_confusion_view_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "tsuconfusion");
  /* (int label, int prediction): the clicked cell, or -1, -1 when the
   * selection is cleared. */
  signals[CELL_SELECTED] = g_signal_new ("cell-selected", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tsu_confusion_view_init (TsuConfusionView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  GtkGesture *click = gtk_gesture_click_new ();

  self->hover_label = self->hover_prediction = -1;
  self->selected_label = self->selected_prediction = -1;
  tsu_confusion_init (&self->cm, 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Confusion matrix"), -1);
}

GtkWidget *
tsu_confusion_view_new (void)
{
  return g_object_new (TSU_TYPE_CONFUSION_VIEW, NULL);
}
