/* tsu-overflow-box.c — a horizontal row that hides its collapsible children
 * behind an overflow button when it is too narrow for them. */
#include "tsu-overflow-box.h"

#define SPACING 4

struct _TsuOverflowBox
{
  GtkWidget  parent_instance;
  GtkWidget *overflow;   /* a child; unowned */
};

enum { PROP_0, PROP_OVERFLOW, N_PROPS };
static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (TsuOverflowBox, tsu_overflow_box, GTK_TYPE_WIDGET)

static gboolean
collapsible (GtkWidget *child)
{
  return gtk_widget_has_css_class (child, "collapsible");
}

/* The children that take part in the row: visible, not the overflow button. */
static gboolean
in_row (TsuOverflowBox *self, GtkWidget *child)
{
  return child != self->overflow && gtk_widget_get_visible (child);
}

static void
tsu_overflow_box_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  TsuOverflowBox *self = TSU_OVERFLOW_BOX (widget);
  int n = 0;

  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      int min, nat;
      gboolean row = in_row (self, child);

      if (!row && child != self->overflow)
        continue;
      gtk_widget_measure (child, orientation, -1, &min, &nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum = MAX (*minimum, min);
          *natural = MAX (*natural, nat);
          continue;
        }
      /* Narrowest: the fixed children and the overflow button; widest:
       * every child of the row in its natural width. */
      if (child == self->overflow || !collapsible (child))
        *minimum += min + (n > 0 ? SPACING : 0);
      if (row)
        *natural += nat + (n > 0 ? SPACING : 0);
      n++;
    }
  *natural = MAX (*natural, *minimum);
}

typedef struct
{
  GtkWidget *widget;
  int        min, nat;
  gboolean   shown;
} Slot;

static int
row_width (const Slot *slots, int n, int natural)
{
  int total = 0, shown = 0;

  for (int i = 0; i < n; i++)
    if (slots[i].shown)
      {
        total += natural ? slots[i].nat : slots[i].min;
        shown++;
      }
  return total + SPACING * MAX (shown - 1, 0);
}

static void
tsu_overflow_box_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  TsuOverflowBox *self = TSU_OVERFLOW_BOX (widget);
  g_autofree Slot *slots = NULL;
  GtkRequestedSize *sizes;
  int n = 0, overflow_slot = -1, n_expand = 0, extra, x = 0;
  gboolean hidden = FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n++;
  slots = g_new0 (Slot, MAX (n, 1));
  n = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      Slot *slot = &slots[n];

      slot->widget = child;
      slot->shown = in_row (self, child);
      if (child == self->overflow)
        overflow_slot = n;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &slot->min, &slot->nat, NULL, NULL);
      n++;
    }
  /* Hide collapsible children, the last first, until the rest fits in
   * their natural widths; the overflow button then takes a place. */
  for (int i = n - 1; i >= 0 && row_width (slots, n, TRUE) > width; i--)
    if (slots[i].shown && collapsible (slots[i].widget))
      {
        slots[i].shown = FALSE;
        if (!hidden && overflow_slot >= 0)
          slots[overflow_slot].shown = TRUE;
        hidden = TRUE;
      }

  /* What is left gets its natural width if it fits, shares the shortfall
   * otherwise; spare room goes to the children that expand. */
  sizes = g_newa (GtkRequestedSize, MAX (n, 1));
  extra = width - row_width (slots, n, FALSE);
  for (int i = 0; i < n; i++)
    {
      sizes[i].data = &slots[i];
      sizes[i].minimum_size = slots[i].shown ? slots[i].min : 0;
      sizes[i].natural_size = slots[i].shown ? slots[i].nat : 0;
      n_expand += slots[i].shown && gtk_widget_compute_expand (slots[i].widget, GTK_ORIENTATION_HORIZONTAL);
    }
  extra = gtk_distribute_natural_allocation (MAX (extra, 0), n, sizes);
  for (int i = 0; i < n; i++)
    {
      Slot *slot = &slots[i];
      int w = sizes[i].minimum_size;

      gtk_widget_set_child_visible (slot->widget, slot->shown);
      if (!slot->shown)
        continue;
      if (n_expand > 0 && gtk_widget_compute_expand (slot->widget, GTK_ORIENTATION_HORIZONTAL))
        w += extra / n_expand;
      gtk_widget_size_allocate (slot->widget, &(GtkAllocation) { x, 0, w, height }, baseline);
      x += w + SPACING;
    }
}

static GtkSizeRequestMode
tsu_overflow_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

void
tsu_overflow_box_set_overflow (TsuOverflowBox *self,
                               GtkWidget      *overflow)
{
  g_return_if_fail (TSU_IS_OVERFLOW_BOX (self));
  g_return_if_fail (overflow == NULL || gtk_widget_get_parent (overflow) == GTK_WIDGET (self));

  if (self->overflow == overflow)
    return;
  self->overflow = overflow;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OVERFLOW]);
}

gboolean
tsu_overflow_box_is_hidden (TsuOverflowBox *self,
                            GtkWidget      *child)
{
  g_return_val_if_fail (gtk_widget_get_parent (child) == GTK_WIDGET (self), FALSE);
  return collapsible (child) && gtk_widget_get_visible (child) && !gtk_widget_get_child_visible (child);
}

static void
tsu_overflow_box_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  if (prop_id == PROP_OVERFLOW)
    tsu_overflow_box_set_overflow (TSU_OVERFLOW_BOX (object), g_value_get_object (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tsu_overflow_box_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  if (prop_id == PROP_OVERFLOW)
    g_value_set_object (value, TSU_OVERFLOW_BOX (object)->overflow);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tsu_overflow_box_dispose (GObject *object)
{
  GtkWidget *child;

  TSU_OVERFLOW_BOX (object)->overflow = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tsu_overflow_box_parent_class)->dispose (object);
}

static void
tsu_overflow_box_class_init (TsuOverflowBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = tsu_overflow_box_set_property;
  object_class->get_property = tsu_overflow_box_get_property;
  object_class->dispose = tsu_overflow_box_dispose;
  widget_class->measure = tsu_overflow_box_measure;
  widget_class->size_allocate = tsu_overflow_box_size_allocate;
  widget_class->get_request_mode = tsu_overflow_box_get_request_mode;

  props[PROP_OVERFLOW] = g_param_spec_object ("overflow", NULL, NULL, GTK_TYPE_WIDGET,
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  gtk_widget_class_set_css_name (widget_class, "box");
}

static void
tsu_overflow_box_init (TsuOverflowBox *self)
{
}
