/* tsu-dataset-check.c — dataset summaries and problems found before training. */
#include "tsu-dataset-check.h"
#include "tsu-i18n.h"

#include <string.h>

static const char *
param_string (const tsu_node *node,
              const char     *name,
              const char     *fallback)
{
  const tsu_value *v = tsu_node_param (node, name);
  return v && v->string ? v->string : fallback;
}

/* The classes a loss node's labels must stay below, 0 for regression. */
static int
loss_classes (const tsu_node *loss)
{
  const char *type = tsu_node_type (loss);
  const tsu_node *input = tsu_node_input_count (loss) > 0 ? tsu_node_input (loss, 0) : NULL;

  if (!strcmp (type, "BinaryCrossEntropy") || !strcmp (type, "SigmoidCrossEntropy"))
    return 2;
  if ((!strcmp (type, "CategoricalCrossEntropy") || !strcmp (type, "SoftmaxCrossEntropy"))
      && input && tsu_node_has_shape (input))
    return tsu_node_shape (input)->d[0];
  return 0;
}

char *
tsu_dataset_describe_variables (const tsu_dataset *dataset)
{
  GString *out = g_string_new (NULL);

  for (int v = 0; v < tsu_dataset_variable_count (dataset); v++)
    {
      tsu_shape shape = tsu_dataset_variable_shape (dataset, v);
      char list[96];
      tsu_shape_format_list (&shape, list, sizeof list);
      if (out->len)
        g_string_append (out, "   ");
      if (tsu_dataset_variable_is_label (dataset, v))
        {
          int classes = tsu_dataset_class_count (dataset, v);
          g_string_append_printf (out, ngettext_ ("%s: label (%d class)", "%s: label (%d classes)", classes),
                                  tsu_dataset_variable_name (dataset, v), classes);
        }
      else
        g_string_append_printf (out, tsu_dataset_image (dataset, v, 0) ? _("%s: %s image") : "%s: %s",
                                tsu_dataset_variable_name (dataset, v), list);
    }
  return g_string_free (out, FALSE);
}

static void
open_split (TsuDatasetSplit            *split,
            const tsu_project          *project,
            const tsu_dataset_settings *settings,
            GPtrArray                  *problems)
{
  gboolean training = !strcmp (split->key, "training");
  const tsu_dataset_spec *spec = training ? &settings->training : &settings->validation;
  tsu_diag diag;

  split->image_var = split->input_var = split->label_var = -1;
  split->label_counts = g_array_new (FALSE, TRUE, sizeof (gint64));

  if (!spec->present)
    {
      split->description = g_strdup (training ? _("No training data set") : _("No validation data set"));
      if (training)
        g_ptr_array_add (problems, g_strdup (_("The project has no training data: add "
                                               "dataset.training (see the Dataset page).")));
      return;
    }

  tsu_diag_init (&diag);
  split->dataset = tsu_project_open_dataset (project, split->key, &diag);
  for (int i = 0; i < diag.count; i++)
    g_ptr_array_add (problems, g_strdup (diag.items[i].message));
  tsu_diag_free (&diag);

  if (!split->dataset)
    {
      split->description = g_strdup (training ? _("The training data could not be read")
                                               : _("The validation data could not be read"));
      return;
    }
  split->description = g_strdup (tsu_dataset_describe (split->dataset));
  for (int v = 0; v < tsu_dataset_variable_count (split->dataset); v++)
    if (split->image_var < 0 && tsu_dataset_size (split->dataset) > 0
        && tsu_dataset_image (split->dataset, v, 0))
      split->image_var = v;
}

/* Without a loss node naming its variable (a network still being drawn,
 * as a new project's is), the labels are still the data's: "y", else the
 * first label variable. */
static void
default_label_var (TsuDatasetSplit *split)
{
  if (!split->dataset || split->label_var >= 0)
    return;
  int y = tsu_dataset_variable_find (split->dataset, "y");
  if (y >= 0 && tsu_dataset_variable_is_label (split->dataset, y))
    split->label_var = y;
  for (int v = 0; split->label_var < 0 && v < tsu_dataset_variable_count (split->dataset); v++)
    if (tsu_dataset_variable_is_label (split->dataset, v))
      split->label_var = v;
}

static void
count_labels (TsuDatasetSplit *split)
{
  default_label_var (split);
  if (!split->dataset || split->label_var < 0
      || !tsu_dataset_variable_is_label (split->dataset, split->label_var))
    return;

  split->classes = tsu_dataset_class_count (split->dataset, split->label_var);
  g_array_set_size (split->label_counts, (guint) MAX (0, split->classes));
  for (int i = 0; i < tsu_dataset_size (split->dataset); i++)
    {
      int label = tsu_dataset_label (split->dataset, split->label_var, i);
      if (label >= 0 && label < split->classes)
        g_array_index (split->label_counts, gint64, label)++;
    }
}

static void
check_against_graph (TsuDatasetReport *report,
                     const tsu_graph  *graph)
{
  for (int n = 0; n < tsu_graph_node_count (graph); n++)
    {
      const tsu_node *node = tsu_graph_node (graph, n);
      const tsu_layer_kind *kind = tsu_node_kind (node);
      gboolean is_input = kind && tsu_layer_kind_is_input (kind);
      gboolean is_loss = kind && tsu_layer_kind_is_loss (kind);

      if (!is_input && !is_loss)
        continue;
      const char *variable = param_string (node, "dataset", is_input ? "x" : "y");
      int classes = is_loss ? loss_classes (node) : 0;
      if (is_loss && classes > report->net_outputs)
        report->net_outputs = classes;

      for (int s = 0; s < 2; s++)
        {
          TsuDatasetSplit *split = &report->splits[s];
          if (!split->dataset)
            continue;
          /* The split as a phrase of its own, for the two messages below. */
          const char *data = !strcmp (split->key, "training") ? _("the training data") : _("the validation data");
          int var = tsu_dataset_variable_find (split->dataset, variable);
          if (var < 0)
            {
              g_ptr_array_add (report->problems,
                               g_strdup_printf (/* TRANSLATORS: node id, "the training data" or "the validation data", variable. */
                                                _("%s: %s has no variable \"%s\""),
                                                tsu_node_id (node), data, variable));
              continue;
            }
          if (is_input)
            {
              if (split->input_var < 0)
                split->input_var = var;
              tsu_shape data_shape = tsu_dataset_variable_shape (split->dataset, var);
              if (tsu_node_has_shape (node)
                  && tsu_shape_size (&data_shape) != tsu_shape_size (tsu_node_shape (node)))
                {
                  char want[96], got[96];
                  tsu_shape_format_list (tsu_node_shape (node), want, sizeof want);
                  tsu_shape_format_list (&data_shape, got, sizeof got);
                  g_ptr_array_add (report->problems,
                                   g_strdup_printf (_("%s: the Input layer expects %s but %s's "
                                                      "\"%s\" is %s"),
                                                    tsu_node_id (node), want, data,
                                                    variable, got));
                }
            }
          else
            {
              if (split->label_var < 0)
                split->label_var = var;
              if (classes > 0)
                {
                  tsu_diag diag;
                  g_autofree char *what = g_strdup_printf (ngettext_ ("%s: %d output", "%s: %d outputs", classes),
                                                           tsu_node_id (tsu_node_input (node, 0)),
                                                           classes);
                  tsu_diag_init (&diag);
                  if (tsu_dataset_check_labels (split->dataset, var, classes, what, &diag) != TSU_OK)
                    for (int i = 0; i < diag.count; i++)
                      g_ptr_array_add (report->problems, g_strdup (diag.items[i].message));
                  tsu_diag_free (&diag);
                }
            }
        }
    }
}

char *
tsu_dataset_report_graph_key (const tsu_graph *graph)
{
  GString *key = g_string_new (NULL);

  for (int n = 0; graph && n < tsu_graph_node_count (graph); n++)
    {
      const tsu_node *node = tsu_graph_node (graph, n);
      const tsu_layer_kind *kind = tsu_node_kind (node);
      gboolean is_input = kind && tsu_layer_kind_is_input (kind);
      gboolean is_loss = kind && tsu_layer_kind_is_loss (kind);
      char shape[96] = "";

      if (!is_input && !is_loss)
        continue;
      if (is_input && tsu_node_has_shape (node))
        tsu_shape_format_list (tsu_node_shape (node), shape, sizeof shape);
      g_string_append_printf (key, "%s %s %s %d\n", tsu_node_id (node),
                              param_string (node, "dataset", is_input ? "x" : "y"), shape,
                              is_loss ? loss_classes (node) : 0);
    }
  return g_string_free (key, FALSE);
}

TsuDatasetReport *
tsu_dataset_report_build (const tsu_project *project)
{
  TsuDatasetReport *report = g_new0 (TsuDatasetReport, 1);
  tsu_diag diag;

  report->problems = g_ptr_array_new_with_free_func (g_free);
  report->splits[0].key = "training";
  report->splits[1].key = "validation";

  /* Wrong types in the section are problems too; open_split then
   * reports what each entry's reader says. */
  tsu_dataset_settings settings;
  tsu_diag_init (&diag);
  tsu_project_get_dataset (project, &settings, &diag);
  for (int i = 0; i < diag.count; i++)
    g_ptr_array_add (report->problems, g_strdup (diag.items[i].message));
  tsu_diag_free (&diag);
  for (int s = 0; s < 2; s++)
    open_split (&report->splits[s], project, &settings, report->problems);
  tsu_dataset_settings_clear (&settings);
  if (report->splits[0].dataset)
    tsu_data_summary_compute (report->splits[0].dataset, &report->summary);

  tsu_diag_init (&diag);
  tsu_graph *graph = tsu_graph_build (project, &diag);
  if (graph)
    check_against_graph (report, graph);
  tsu_graph_free (graph);
  tsu_diag_free (&diag);

  for (int s = 0; s < 2; s++)
    {
      count_labels (&report->splits[s]);
      report->splits[s].class_names = tsu_dataset_class_names (project, report->splits[s].key);
    }
  return report;
}

void
tsu_dataset_report_free (TsuDatasetReport *report)
{
  if (!report)
    return;
  for (int s = 0; s < 2; s++)
    {
      g_clear_pointer (&report->splits[s].dataset, tsu_dataset_free);
      g_free (report->splits[s].description);
      g_clear_pointer (&report->splits[s].label_counts, g_array_unref);
      g_strfreev (report->splits[s].class_names);
    }
  g_ptr_array_unref (report->problems);
  tsu_data_summary_clear (&report->summary);
  g_free (report);
}

/* ------------------------------------------------------------ class names */

GStrv
tsu_dataset_class_names (const tsu_project *project,
                         const char        *key)
{
  static const char *const fashion[] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot", NULL };
  tsu_dataset_settings settings;
  tsu_diag ignored;
  GStrv names = NULL;

  tsu_diag_init (&ignored);
  tsu_project_get_dataset (project, &settings, &ignored);
  const tsu_dataset_spec *spec = !strcmp (key, "validation") ? &settings.validation : &settings.training;
  if (spec->present && g_strcmp0 (spec->source, "fashion-mnist") == 0)
    names = g_strdupv ((char **) fashion);
  else if (spec->present && g_strcmp0 (spec->source, "csv") == 0 && spec->path)
    {
      char *project_dir = tsu_project_dir (project);
      /* A run's project.tsumiki holds absolute paths. */
      g_autofree char *csv = g_path_is_absolute (spec->path) ? g_strdup (spec->path)
                                                             : g_build_filename (project_dir, spec->path, NULL);
      g_autofree char *dir = g_path_get_dirname (csv);
      g_autofree char *json = g_build_filename (dir, TSU_FOLDER_INFO, NULL);
      tsu_folder_info info;
      free (project_dir);
      /* A CSV of one's own making has none: not a problem to report. */
      if (g_file_test (json, G_FILE_TEST_EXISTS)
          && tsu_folder_info_load (dir, &info, &ignored) == TSU_OK)
        {
          names = g_new0 (char *, info.n_classes + 1);
          for (int c = 0; c < info.n_classes; c++)
            names[c] = g_strdup (info.classes[c]);
          tsu_folder_info_clear (&info);
        }
    }
  tsu_dataset_settings_clear (&settings);
  tsu_diag_free (&ignored);
  return names;
}

GStrv
tsu_dataset_class_names_for_run (const char *run_dir,
                                 const char *key)
{
  g_autofree char *path = tsu_run_path (run_dir, TSU_RUN_PROJECT);
  tsu_diag ignored;
  GStrv names = NULL;

  tsu_diag_init (&ignored);
  tsu_project *project = tsu_project_load (path, &ignored);
  if (project)
    names = tsu_dataset_class_names (project, key);
  tsu_project_free (project);
  tsu_diag_free (&ignored);
  return names;
}

const char *
tsu_class_label (const char * const *names,
                 int                 cls,
                 char               *buf,
                 gsize               size)
{
  if (names && cls >= 0 && cls < (int) g_strv_length ((char **) names))
    g_snprintf (buf, size, "%d %s", cls, names[cls]);
  else
    g_snprintf (buf, size, "%d", cls);
  return buf;
}

/* ------------------------------------------------------------ editing */

static char **
string_member (tsu_dataset_spec *spec,
               const char       *member)
{
  if (!strcmp (member, "split"))
    return &spec->split;
  if (!strcmp (member, "path"))
    return &spec->path;
  if (!strcmp (member, "images"))
    return &spec->images;
  if (!strcmp (member, "labels"))
    return &spec->labels;
  g_return_val_if_reached (NULL);
}

void
tsu_dataset_spec_set_source (tsu_dataset_spec *spec,
                             const char       *key,
                             const char       *source)
{
  gboolean builtin = !strcmp (source, "fashion-mnist") || !strcmp (source, "mnist");
  gboolean csv = !strcmp (source, "csv"), idx = !strcmp (source, "idx");

  spec->present = TRUE;
  g_free (spec->source);
  spec->source = g_strdup (source);
  if (!builtin)
    g_clear_pointer (&spec->split, g_free);
  g_clear_pointer (&spec->dir, g_free);
  if (!csv)
    g_clear_pointer (&spec->path, g_free);
  if (!idx)
    {
      g_clear_pointer (&spec->images, g_free);
      g_clear_pointer (&spec->labels, g_free);
    }
  if (builtin && !spec->split)
    spec->split = g_strdup (g_strcmp0 (key, "validation") == 0 ? "test" : "train");
}

void
tsu_dataset_spec_set_string (tsu_dataset_spec *spec,
                             const char       *member,
                             const char       *value)
{
  char **field = string_member (spec, member);

  g_return_if_fail (field != NULL);
  g_free (*field);
  *field = g_strdup (value);
}

char *
tsu_dataset_relative_path (const char *project_dir,
                           const char *path)
{
  g_autofree char *dir = project_dir ? g_canonicalize_filename (project_dir, NULL) : NULL;
  g_autofree char *file = g_canonicalize_filename (path, NULL);
  gsize n = dir ? strlen (dir) : 0;

  if (dir && g_str_has_prefix (file, dir) && file[n] == '/')
    return g_strdup (file + n + 1);
  return g_strdup (path);
}
