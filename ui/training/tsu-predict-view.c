/* tsu-predict-view.c — prediction cards for pictures of one's own. */
#include "tsu-predict-view.h"
#include "tsu-dataset-check.h"
#include "tsu-evaluation-table.h"
#include "tsu-i18n.h"
#include "tsu-worker.h"

struct _TsuPredictView
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkLabel       *title;
  GtkSpinner     *spinner;
  GtkWidget      *flow;
  TsuWorker      *worker;
  TsuPredictions *predictions;
  char           *error;
};

G_DEFINE_FINAL_TYPE (TsuPredictView, tsu_predict_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

static GtkWidget *
thumbnail (const tsu_image *img)
{
  if (!img->pixels)
    return gtk_image_new_from_icon_name ("image-missing-symbolic");
  g_autoptr(GdkTexture) texture = tsu_planar_texture_new (img->pixels, img->channels, img->height, img->width);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_widget_set_size_request (picture, 96, 96);
  return picture;
}

static GtkWidget *
small_label (const char *text,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 22);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* One picture: thumbnail, name, then "class  87.2%" with a bar, or why not. */
static GtkWidget *
make_card (const TsuPrediction *p,
           const char * const  *names)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  g_autofree char *base = g_path_get_basename (p->path);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "tsu-prediction");
  gtk_widget_set_tooltip_text (card, p->path);
  gtk_box_append (GTK_BOX (card), thumbnail (&p->thumbnail));
  gtk_box_append (GTK_BOX (card), small_label (base, "caption-heading"));
  if (p->error)
    {
      GtkWidget *why = small_label (p->error, "error");
      gtk_label_set_wrap (GTK_LABEL (why), TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (why), PANGO_ELLIPSIZE_NONE);
      gtk_box_append (GTK_BOX (card), why);
    }
  for (int j = 0; j < p->n_top; j++)
    {
      char name[96];
      g_autofree char *text = g_strdup_printf ("%s  %.1f%%", tsu_class_label (names, p->top[j], name, sizeof name),
                                               100 * p->probability[j]);
      GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), p->probability[j]);
      gtk_box_append (GTK_BOX (card), small_label (text, j == 0 ? "heading" : NULL));
      gtk_box_append (GTK_BOX (card), bar);
    }
  return card;
}

static void
show_predictions (TsuPredictView *self)
{
  GtkWidget *child;
  const TsuPredictions *r = self->predictions;

  while ((child = gtk_widget_get_first_child (self->flow)))
    gtk_flow_box_remove (GTK_FLOW_BOX (self->flow), child);
  gtk_widget_set_visible (GTK_WIDGET (self), r != NULL || self->error != NULL);
  if (self->error)
    {
      gtk_label_set_text (self->title, self->error);
      return;
    }
  if (!r)
    return;
  g_autofree char *run = g_path_get_basename (r->run_dir);
  g_autofree char *title = g_strdup_printf (ngettext_ ("Predictions of run %s for %u picture",
                                                       "Predictions of run %s for %u pictures", r->items->len),
                                            run, r->items->len);
  gtk_label_set_text (self->title, title);
  for (guint i = 0; i < r->items->len; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (self->flow),
                         make_card (g_ptr_array_index (r->items, i), (const char * const *) r->class_names));
}

static void
set_busy (TsuPredictView *self,
          gboolean        busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
on_predicted (TsuPredictView *self,
              gpointer        result,
              const char     *message)
{
  g_clear_pointer (&self->predictions, tsu_predictions_free);
  g_free (self->error);
  self->error = g_strdup (message);
  self->predictions = tsu_worker_take_result (self->worker);
  show_predictions (self);
  set_busy (self, FALSE);
}

static gpointer
run_job (gpointer       input,
         GCancellable  *cancellable,
         GError       **error)
{
  return tsu_predictions_run (input, cancellable, error);
}

void
tsu_predict_view_predict (TsuPredictView     *self,
                          const char         *run_dir,
                          const char * const *paths)
{
  guint n = g_strv_length ((char **) paths);
  char **job = g_new0 (char *, n + 2);

  g_return_if_fail (TSU_IS_PREDICT_VIEW (self));
  job[0] = g_strdup (run_dir);
  for (guint i = 0; i < n; i++)
    job[i + 1] = g_strdup (paths[i]);
  tsu_worker_run (self->worker, run_job, job, (GDestroyNotify) g_strfreev,
                  (GDestroyNotify) tsu_predictions_free);
  gtk_label_set_text (self->title, _("Predicting…"));
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  set_busy (self, TRUE);
}

gboolean
tsu_predict_view_get_busy (TsuPredictView *self)
{
  return tsu_worker_get_busy (self->worker);
}

const TsuPredictions *
tsu_predict_view_get_predictions (TsuPredictView *self)
{
  return self->predictions;
}

const char *
tsu_predict_view_get_error (TsuPredictView *self)
{
  return self->error;
}

static void
on_close (TsuPredictView *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
tsu_predict_view_dispose (GObject *object)
{
  TsuPredictView *self = TSU_PREDICT_VIEW (object);

  if (self->worker)
    {
      g_signal_handlers_disconnect_by_data (self->worker, self);
      tsu_worker_cancel (self->worker);
    }
  g_clear_object (&self->worker);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->predictions, tsu_predictions_free);
  g_clear_pointer (&self->error, g_free);
  G_OBJECT_CLASS (tsu_predict_view_parent_class)->dispose (object);
}

static void
tsu_predict_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, tsu_predict_view_get_busy (TSU_PREDICT_VIEW (object))); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tsu_predict_view_class_init (TsuPredictViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tsu_predict_view_dispose;
  object_class->get_property = tsu_predict_view_get_property;
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
tsu_predict_view_init (TsuPredictView *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 8);
  self->title = GTK_LABEL (small_label ("", "heading"));
  gtk_label_set_max_width_chars (self->title, -1);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_set_tooltip_text (close, _("Hide the predictions"));
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (on_close), self);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (header), close);
  gtk_box_append (GTK_BOX (self->box), header);

  self->flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->flow), TRUE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow), 12);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow), 8);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->flow);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_box_append (GTK_BOX (self->box), scrolled);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);

  self->worker = tsu_worker_new ("[tsumiki] predict pictures");
  g_signal_connect_swapped (self->worker, "finished", G_CALLBACK (on_predicted), self);
}

GtkWidget *
tsu_predict_view_new (void)
{
  return g_object_new (TSU_TYPE_PREDICT_VIEW, NULL);
}
