/* tsu-folder-dataset-dialog.c — the dialog's widgets; the preview and the
 * writing are tsu-folder-dataset.c's, run by two TsuWorkers. */
#include "tsu-training-ui.h"
#include "tsu-folder-dataset-dialog.h"
#include "tsu-dataset-check.h"
#include "tsu-evaluation-table.h"
#include "tsu-i18n.h"
#include "tsu-worker.h"

struct _TsuFolderDatasetDialog
{
  GtkWindow         parent_instance;

  char             *project_dir;
  char             *folder, *out_dir;
  GtkWidget        *folder_button, *out_button;
  GtkSpinButton    *width, *height, *validation, *seed;
  GtkDropDown      *fit;
  GtkCheckButton   *grayscale;
  GtkWidget        *preview_box;
  GtkLabel         *status;
  GtkProgressBar   *progress;
  GtkWidget        *create_button, *cancel_button;
  char             *status_text;

  TsuWorker        *previewer, *writer;
  TsuFolderPreview *preview;
  TsuFolderJob     *job;        /* while writing */
  guint             progress_timer;
  gboolean          cancelling;
  gboolean          written;    /* these settings' dataset is on disk */
};

G_DEFINE_FINAL_TYPE (TsuFolderDatasetDialog, tsu_folder_dataset_dialog, GTK_TYPE_WINDOW)

enum { CREATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* In the order of tsu_fit: the drop-down's index is the tsu_fit. */
static const char *const fit_labels[] = { N_("Stretch"), N_("Crop to fill"), N_("Pad with black") };

static void
set_status (TsuFolderDatasetDialog *self,
            const char             *text)
{
  g_free (self->status_text);
  self->status_text = g_strdup (text);
  gtk_label_set_text (self->status, text);
}

static void
update_buttons (TsuFolderDatasetDialog *self)
{
  gboolean writing = tsu_worker_get_busy (self->writer);

  /* Once written, Create again would only write the same dataset over
   * itself: Done says the work is over until a setting changes. */
  gtk_widget_set_sensitive (self->create_button,
                            !writing && !self->written && self->preview && self->out_dir
                            && !tsu_worker_get_busy (self->previewer));
  gtk_button_set_label (GTK_BUTTON (self->cancel_button),
                        writing ? _("_Cancel") : self->written ? _("_Done") : _("_Close"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress), writing);
}

void
tsu_folder_dataset_dialog_get_prep (TsuFolderDatasetDialog *self,
                                    tsu_image_prep         *prep)
{
  *prep = (tsu_image_prep) {
    .width = gtk_spin_button_get_value_as_int (self->width),
    .height = gtk_spin_button_get_value_as_int (self->height),
    .grayscale = gtk_check_button_get_active (self->grayscale),
    .fit = (tsu_fit) gtk_drop_down_get_selected (self->fit),
  };
}

/* ------------------------------------------------------------ preview */

static GtkWidget *
picture_of (const tsu_image *img)
{
  g_autoptr(GdkTexture) texture = tsu_planar_texture_new (img->pixels, img->channels, img->height, img->width);
  GtkWidget *image = gtk_image_new_from_paintable (GDK_PAINTABLE (texture));
  gtk_image_set_pixel_size (GTK_IMAGE (image), 64);
  gtk_widget_add_css_class (image, "tsu-thumbnail");
  return image;
}

static GtkWidget *
left_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), css_class == NULL);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
show_preview (TsuFolderDatasetDialog *self)
{
  const TsuFolderPreview *p = self->preview;
  GtkWidget *child;
  int total = 0;

  while ((child = gtk_widget_get_first_child (self->preview_box)))
    gtk_box_remove (GTK_BOX (self->preview_box), child);
  if (!p)
    return;
  for (int c = 0; c < p->scan.n_classes; c++)
    {
      g_autofree char *head = g_strdup_printf (ngettext_ ("%d %s — %d picture", "%d %s — %d pictures",
                                                          p->readable[c]),
                                               c, p->scan.classes[c].name, p->readable[c]);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      gtk_box_append (GTK_BOX (self->preview_box), left_label (head, "heading"));
      for (guint i = 0; i < p->samples[c]->len; i++)
        gtk_box_append (GTK_BOX (row), picture_of (g_ptr_array_index (p->samples[c], i)));
      gtk_box_append (GTK_BOX (self->preview_box), row);
      total += p->readable[c];
    }
  if (p->skipped->len > 0)
    {
      g_autofree char *title = g_strdup_printf (ngettext_ ("%u unreadable picture will be skipped",
                                                           "%u unreadable pictures will be skipped",
                                                           p->skipped->len),
                                                p->skipped->len);
      GtkWidget *expander = gtk_expander_new (title);
      GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      for (guint i = 0; i < p->skipped->len; i++)
        gtk_box_append (GTK_BOX (list), left_label (g_ptr_array_index (p->skipped, i), NULL));
      gtk_expander_set_child (GTK_EXPANDER (expander), list);
      gtk_box_append (GTK_BOX (self->preview_box), expander);
    }
  g_autofree char *status = g_strdup_printf (p->scan.not_images ? _("%d classes, %d pictures to write; other files are ignored")
                                                                : _("%d classes, %d pictures to write"),
                                             p->scan.n_classes, total);
  set_status (self, status);
}

typedef struct
{
  char           *folder;
  tsu_image_prep  prep;
} PreviewJob;

static void
preview_job_free (PreviewJob *job)
{
  g_free (job->folder);
  g_free (job);
}

static gpointer
run_preview (gpointer       input,
             GCancellable  *cancellable,
             GError       **error)
{
  PreviewJob *job = input;
  return tsu_folder_preview_build (job->folder, &job->prep, cancellable, error);
}

static void
on_previewed (TsuFolderDatasetDialog *self,
              gpointer                result,
              const char             *message)
{
  g_clear_pointer (&self->preview, tsu_folder_preview_free);
  self->preview = tsu_worker_take_result (self->previewer);
  show_preview (self);
  if (message)
    set_status (self, message);
  update_buttons (self);
}

/* The preview again, for the fields as they are now. */
static void
refresh_preview (TsuFolderDatasetDialog *self)
{
  PreviewJob *job;

  if (!self->folder || tsu_worker_get_busy (self->writer))
    return;
  self->written = FALSE;
  job = g_new0 (PreviewJob, 1);
  job->folder = g_strdup (self->folder);
  tsu_folder_dataset_dialog_get_prep (self, &job->prep);
  g_clear_pointer (&self->preview, tsu_folder_preview_free);
  tsu_worker_run (self->previewer, run_preview, job, (GDestroyNotify) preview_job_free,
                  (GDestroyNotify) tsu_folder_preview_free);
  set_status (self, _("Reading the pictures…"));
  update_buttons (self);
}

void
tsu_folder_dataset_dialog_set_out_dir (TsuFolderDatasetDialog *self,
                                       const char             *out_dir)
{
  g_autofree char *base = out_dir ? g_path_get_basename (out_dir) : NULL;

  g_free (self->out_dir);
  self->out_dir = g_strdup (out_dir);
  self->written = FALSE;
  gtk_button_set_label (GTK_BUTTON (self->out_button), base ? base : _("Choose…"));
  gtk_widget_set_tooltip_text (self->out_button, out_dir);
  update_buttons (self);
}

void
tsu_folder_dataset_dialog_set_folder (TsuFolderDatasetDialog *self,
                                      const char             *folder)
{
  g_autofree char *base = g_path_get_basename (folder);

  g_free (self->folder);
  self->folder = g_strdup (folder);
  gtk_button_set_label (GTK_BUTTON (self->folder_button), base);
  gtk_widget_set_tooltip_text (self->folder_button, folder);
  if (!self->out_dir)
    {
      /* Beside the project, or beside the pictures for a project not yet
       * saved: "pictures-dataset" for "pictures". */
      g_autofree char *name = g_strdup_printf ("%s-dataset", base);
      g_autofree char *parent = g_path_get_dirname (folder);
      g_autofree char *out = g_build_filename (self->project_dir ? self->project_dir : parent, name, NULL);
      tsu_folder_dataset_dialog_set_out_dir (self, out);
    }
  refresh_preview (self);
}

/* ------------------------------------------------------------ choosers */

static void
on_chosen (GtkNativeDialog        *chooser,
           int                     response,
           TsuFolderDatasetDialog *self)
{
  gboolean out = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "out"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      if (path && out)
        tsu_folder_dataset_dialog_set_out_dir (self, path);
      else if (path)
        tsu_folder_dataset_dialog_set_folder (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
choose_folder (TsuFolderDatasetDialog *self,
               gboolean                out)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (out ? _("Where to write the dataset") : _("A folder with one folder of pictures per class"),
                                 GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                 _("_Choose"), _("_Cancel"));

  const char *near = out ? self->out_dir : self->folder;
  g_autofree char *start = near ? g_path_get_dirname (near) : g_strdup (self->project_dir);

  /* Beside the folder chosen last, else in the project's: not "Recent". */
  if (start)
    {
      g_autoptr(GFile) folder = g_file_new_for_path (start);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  g_object_set_data (G_OBJECT (chooser), "out", GINT_TO_POINTER (out));
  g_signal_connect (chooser, "response", G_CALLBACK (on_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_choose_folder (TsuFolderDatasetDialog *self)
{
  choose_folder (self, FALSE);
}

static void
on_choose_out (TsuFolderDatasetDialog *self)
{
  choose_folder (self, TRUE);
}

/* ------------------------------------------------------------ writing */

static gboolean
show_progress (gpointer data)
{
  TsuFolderDatasetDialog *self = data;
  int done, total;

  tsu_folder_job_progress (self->job, &done, &total);
  gtk_progress_bar_set_fraction (self->progress, total ? (double) done / total : 0);
  g_autofree char *text = g_strdup_printf (_("%d of %d pictures"), done, total);
  gtk_progress_bar_set_text (self->progress, text);
  return G_SOURCE_CONTINUE;
}

static void
stop_progress (TsuFolderDatasetDialog *self)
{
  g_clear_handle_id (&self->progress_timer, g_source_remove);
  g_clear_pointer (&self->job, tsu_folder_job_unref);
  update_buttons (self);
}

static void
on_written (TsuFolderDatasetDialog *self,
            gpointer                result,
            const char             *message)
{
  const tsu_folder_report *r = result;

  if (r)
    self->written = TRUE;
  stop_progress (self);
  if (!r)
    {
      set_status (self, message);
      return;
    }
  g_autofree char *text = g_strdup_printf (r->n_failed ? _("Wrote %d training and %d validation samples to %s (unreadable pictures skipped)")
                                                       : _("Wrote %d training and %d validation samples to %s"),
                                           r->training, r->validation, self->out_dir);
  set_status (self, text);
  tsu_image_prep prep;
  tsu_folder_dataset_dialog_get_prep (self, &prep);
  g_signal_emit (self, signals[CREATED], 0, self->out_dir, r->validation > 0, &prep);
}

/* A cancelled job has no "finished": the worker going idle ends it. */
static void
on_writer_busy (TsuFolderDatasetDialog *self)
{
  if (tsu_worker_get_busy (self->writer) || !self->cancelling)
    return;
  self->cancelling = FALSE;
  stop_progress (self);
  set_status (self, _("Cancelled: the output folder is as it was"));
}

void
tsu_folder_dataset_dialog_create (TsuFolderDatasetDialog *self)
{
  tsu_image_prep prep;

  if (!self->folder || !self->out_dir || tsu_worker_get_busy (self->writer))
    return;
  tsu_folder_dataset_dialog_get_prep (self, &prep);
  self->job = tsu_folder_job_new (self->folder, self->out_dir, &prep,
                                  gtk_spin_button_get_value (self->validation),
                                  (guint64) gtk_spin_button_get_value_as_int (self->seed));
  tsu_worker_run (self->writer, tsu_folder_job_run, tsu_folder_job_ref (self->job),
                  (GDestroyNotify) tsu_folder_job_unref, tsu_folder_job_report_free);
  self->progress_timer = g_timeout_add (100, show_progress, self);
  set_status (self, _("Writing the dataset…"));
  update_buttons (self);
}

void
tsu_folder_dataset_dialog_cancel (TsuFolderDatasetDialog *self)
{
  if (!tsu_worker_get_busy (self->writer))
    return;
  self->cancelling = TRUE;
  set_status (self, _("Cancelling…"));
  tsu_worker_cancel (self->writer);
}

static void
on_cancel_clicked (TsuFolderDatasetDialog *self)
{
  if (tsu_worker_get_busy (self->writer))
    tsu_folder_dataset_dialog_cancel (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

gboolean
tsu_folder_dataset_dialog_get_busy (TsuFolderDatasetDialog *self)
{
  return tsu_worker_get_busy (self->writer) || tsu_worker_get_busy (self->previewer);
}

const char *
tsu_folder_dataset_dialog_get_status (TsuFolderDatasetDialog *self)
{
  return self->status_text;
}

const TsuFolderPreview *
tsu_folder_dataset_dialog_get_preview (TsuFolderDatasetDialog *self)
{
  return self->preview;
}

/* ------------------------------------------------------------ building */

static GtkWidget *
field_label (const char *text)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkSpinButton *
spin (double lo,
      double hi,
      double step,
      double value,
      int    digits)
{
  GtkWidget *s = gtk_spin_button_new_with_range (lo, hi, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (s), digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (s), value);
  return GTK_SPIN_BUTTON (s);
}

static GtkWidget *
build_fields (TsuFolderDatasetDialog *self)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());

  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 8);
  self->folder_button = gtk_button_new_with_label (_("Choose…"));
  gtk_widget_set_hexpand (self->folder_button, TRUE);
  self->out_button = gtk_button_new_with_label (_("Choose…"));
  self->width = spin (1, 4096, 1, 32, 0);
  self->height = spin (1, 4096, 1, 32, 0);
  const char *fits[] = { _(fit_labels[0]), _(fit_labels[1]), _(fit_labels[2]), NULL };
  self->fit = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (fits));
  gtk_drop_down_set_selected (self->fit, TSU_FIT_CROP);
  self->grayscale = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_Grayscale")));
  self->validation = spin (0, 0.9, 0.05, 0.2, 2);
  self->seed = spin (1, 1000000, 1, 1, 0);
  gtk_widget_set_tooltip_text (self->folder_button, _("One subfolder of pictures (PNG, JPEG, BMP) per class"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fit), _("How pictures of another shape are fitted to the size"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->validation),
                               _("The fraction of each class held out for validation; 0 holds out none"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->seed), _("Which pictures are held out: the same seed, the same split"));

  GtkWidget *size = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (size), GTK_WIDGET (self->width));
  gtk_box_append (GTK_BOX (size), gtk_label_new ("×"));
  gtk_box_append (GTK_BOX (size), GTK_WIDGET (self->height));
  gtk_box_append (GTK_BOX (size), GTK_WIDGET (self->fit));
  gtk_box_append (GTK_BOX (size), GTK_WIDGET (self->grayscale));
  GtkWidget *split = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (split), GTK_WIDGET (self->validation));
  gtk_box_append (GTK_BOX (split), field_label (_("seed")));
  gtk_box_append (GTK_BOX (split), GTK_WIDGET (self->seed));

  gtk_grid_attach (grid, field_label (_("Pictures")), 0, 0, 1, 1);
  gtk_grid_attach (grid, self->folder_button, 1, 0, 1, 1);
  gtk_grid_attach (grid, field_label (_("Size")), 0, 1, 1, 1);
  gtk_grid_attach (grid, size, 1, 1, 1, 1);
  gtk_grid_attach (grid, field_label (_("Validation")), 0, 2, 1, 1);
  gtk_grid_attach (grid, split, 1, 2, 1, 1);
  gtk_grid_attach (grid, field_label (_("Write to")), 0, 3, 1, 1);
  gtk_grid_attach (grid, self->out_button, 1, 3, 1, 1);

  g_signal_connect_swapped (self->folder_button, "clicked", G_CALLBACK (on_choose_folder), self);
  g_signal_connect_swapped (self->out_button, "clicked", G_CALLBACK (on_choose_out), self);
  /* What the preview shows depends on these. */
  g_signal_connect_swapped (self->width, "value-changed", G_CALLBACK (refresh_preview), self);
  g_signal_connect_swapped (self->height, "value-changed", G_CALLBACK (refresh_preview), self);
  g_signal_connect_swapped (self->fit, "notify::selected", G_CALLBACK (refresh_preview), self);
  g_signal_connect_swapped (self->grayscale, "toggled", G_CALLBACK (refresh_preview), self);
  return GTK_WIDGET (grid);
}

static void
tsu_folder_dataset_dialog_init (TsuFolderDatasetDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_window_set_title (GTK_WINDOW (self), _("Create dataset from folder"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 620);
  gtk_widget_set_margin_start (box, 16);
  gtk_widget_set_margin_end (box, 16);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (box), build_fields (self));

  self->preview_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->preview_box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), scrolled);

  self->status = GTK_LABEL (left_label (_("Choose a folder with one folder of pictures per class."), "dim-label"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress));

  self->cancel_button = gtk_button_new_with_mnemonic (_("_Close"));
  self->create_button = gtk_button_new_with_mnemonic (_("C_reate"));
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), self->cancel_button);
  gtk_box_append (GTK_BOX (buttons), self->create_button);
  gtk_box_append (GTK_BOX (box), buttons);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (tsu_folder_dataset_dialog_create), self);
  gtk_window_set_child (GTK_WINDOW (self), box);

  self->previewer = tsu_worker_new ("[tsumiki] preview pictures");
  self->writer = tsu_worker_new ("[tsumiki] create dataset");
  g_signal_connect_swapped (self->previewer, "finished", G_CALLBACK (on_previewed), self);
  g_signal_connect_swapped (self->writer, "finished", G_CALLBACK (on_written), self);
  g_signal_connect_swapped (self->writer, "notify::busy", G_CALLBACK (on_writer_busy), self);
  update_buttons (self);
}

static void
tsu_folder_dataset_dialog_dispose (GObject *object)
{
  TsuFolderDatasetDialog *self = TSU_FOLDER_DATASET_DIALOG (object);

  /* Closing while writing cancels: the folder stays as it was. */
  for (TsuWorker **w = (TsuWorker *[]) { self->previewer, self->writer, NULL }; *w; w++)
    {
      g_signal_handlers_disconnect_by_data (*w, self);
      tsu_worker_cancel (*w);
    }
  g_clear_object (&self->previewer);
  g_clear_object (&self->writer);
  g_clear_handle_id (&self->progress_timer, g_source_remove);
  g_clear_pointer (&self->job, tsu_folder_job_unref);
  g_clear_pointer (&self->preview, tsu_folder_preview_free);
  G_OBJECT_CLASS (tsu_folder_dataset_dialog_parent_class)->dispose (object);
}

static void
tsu_folder_dataset_dialog_finalize (GObject *object)
{
  TsuFolderDatasetDialog *self = TSU_FOLDER_DATASET_DIALOG (object);

  g_free (self->project_dir);
  g_free (self->folder);
  g_free (self->out_dir);
  g_free (self->status_text);
  G_OBJECT_CLASS (tsu_folder_dataset_dialog_parent_class)->finalize (object);
}

static void
tsu_folder_dataset_dialog_class_init (TsuFolderDatasetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tsu_folder_dataset_dialog_dispose;
  object_class->finalize = tsu_folder_dataset_dialog_finalize;
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 3,
                                   G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_POINTER);
}

GtkWidget *
tsu_folder_dataset_dialog_new (GtkWindow  *parent,
                               const char *project_dir)
{
  TsuFolderDatasetDialog *self = g_object_new (TSU_TYPE_FOLDER_DATASET_DIALOG,
                                               "transient-for", parent, "modal", parent != NULL,
                                               NULL);

  self->project_dir = g_strdup (project_dir);
  return GTK_WIDGET (self);
}
