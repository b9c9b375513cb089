/* test-graph-model.c — the editor's document model without a display:
 * random edit sequences undo back to the original bytes and redo to the
 * edited ones; the NNC drop, splice and delete rules; rename and paste. */
#include "model-helpers.h"

#include <glib/gstdio.h>
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *
example_path (const char *name)
{
  const char *source = g_getenv ("TSU_SOURCE_DIR");

  return g_build_filename (source ? source : "..", "resources", "examples", name, NULL);
}

static TsuGraphModel *
load_example (const char *name)
{
  g_autofree char *path = example_path (name);
  g_autoptr(GError) error = NULL;
  TsuGraphModel *model = tsu_graph_model_new ();

  g_assert_true (tsu_graph_model_load_file (model, path, &error));
  g_assert_no_error (error);
  return model;
}

static TsuGraphModel *
model_from_nodes (const char *nodes_json)
{
  g_autofree char *text = g_strdup_printf ("{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"t\","
                                           " \"network\": {\"nodes\": [%s]}}", nodes_json);
  g_autoptr(GError) error = NULL;
  TsuGraphModel *model = tsu_graph_model_new ();

  g_assert_true (tsu_graph_model_load_text (model, text, "test", &error));
  return model;
}

/* The node's inputs as "a,b" ("" when none). */
static char *
inputs_of (TsuGraphModel *model, const char *id)
{
  const tsu_project *project = tsu_graph_model_get_project (model);
  int index = tsu_project_node_find (project, id);
  GString *out = g_string_new (NULL);

  g_assert_cmpint (index, >=, 0);
  for (int i = 0; i < tsu_project_node_input_count (project, index); i++)
    g_string_append_printf (out, "%s%s", i ? "," : "", tsu_project_node_input (project, index, i));
  return g_string_free (out, FALSE);
}

static void
position_of (TsuGraphModel *model, const char *id, double *x, double *y)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  int index = tsu_layout_find (layout, id);

  g_assert_cmpint (index, >=, 0);
  *x = layout->nodes[index].x;
  *y = layout->nodes[index].y;
}

static const char *
random_id (TsuGraphModel *model, GRand *rand)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (model);

  if (layout->n_nodes == 0)
    return NULL;
  return layout->nodes[g_rand_int_range (rand, 0, layout->n_nodes)].id;
}

/* The kinds the edits were recorded with, in the registry's order then: a
 * kind added later must not change the replayed sequences. */
static const char *const recorded_kinds[] = {
  "Input", "Affine", "Convolution", "Deconvolution", "MaxPooling", "AveragePooling",
  "GlobalAveragePooling", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "ELU", "Softmax",
  "BatchNormalization", "Dropout", "Flatten", "Reshape", "Concatenate", "Add2",
  "CategoricalCrossEntropy", "SoftmaxCrossEntropy", "BinaryCrossEntropy", "SigmoidCrossEntropy",
  "SquaredError",
};

static const char *
random_type (GRand *rand)
{
  return recorded_kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (recorded_kinds))];
}

/* Only kinds with that parameter take it: the document refuses others. */
static gboolean
takes_outmaps (TsuGraphModel *model, const char *id)
{
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  int index = tsu_layout_find (layout, id);

  return index >= 0 && layout->nodes[index].kind != NULL
         && tsu_layer_kind_param_find (layout->nodes[index].kind, "outmaps") != NULL;
}

/* One random command; every public edit appears. */
static void
random_edit (TsuGraphModel *model, GRand *rand)
{
  g_autofree char *id = g_strdup (random_id (model, rand));
  g_autofree char *other = g_strdup (random_id (model, rand));
  double x = g_rand_int_range (rand, 0, 60) * 10.0, y = g_rand_int_range (rand, 0, 60) * 10.0;
  g_autofree char *added = NULL;

  switch (g_rand_int_range (rand, 0, 13))
    {
    case 0: added = tsu_graph_model_add_node (model, random_type (rand), x, y); break;
    case 1: added = tsu_graph_model_drop_node (model, random_type (rand), x, y); break;
    case 2: added = tsu_graph_model_insert_below (model, random_type (rand), id); break;
    case 3: added = tsu_graph_model_splice_above (model, random_type (rand), id); break;
    case 4:
      if (id != NULL)
        {
          const char *ids[] = { id, NULL };
          tsu_graph_model_remove_nodes (model, ids, g_rand_boolean (rand));
        }
      break;
    case 5:
      if (id && other)
        tsu_graph_model_link (model, id, other, g_rand_boolean (rand) ? -1 : 0);
      break;
    case 6:
      if (id)
        tsu_graph_model_unlink (model, id, 0);
      break;
    case 7:
      if (id)
        {
          const char *ids[] = { id, other, NULL };
          tsu_graph_model_move_nodes (model, ids, x - 300, y - 300);
        }
      break;
    case 8:
      if (id && takes_outmaps (model, id))
        set_outmaps (model, id, g_rand_int_range (rand, 1, 64));
      break;
    case 9:
      if (id)
        {
          g_autofree char *name = g_strdup_printf ("renamed%u", g_rand_int (rand) % 1000);
          tsu_graph_model_rename (model, id, name, NULL);
        }
      break;
    case 10:
      if (id)
        {
          const char *ids[] = { id, other, NULL };
          g_autofree char *text = tsu_graph_model_copy (model, ids);
          g_auto(GStrv) pasted = tsu_graph_model_paste (model, text, g_rand_boolean (rand) ? x : NAN, y, NULL);
          g_assert_nonnull (pasted);
        }
      break;
    case 11: tsu_graph_model_arrange (model); break;
    case 12:
      if (id && takes_outmaps (model, id))
        tsu_graph_model_set_param (model, id, "outmaps", NULL, NULL);
      break;
    }
}

static void
test_random_edits_undo_redo (void)
{
  const char *examples[] = { "fashion-mnist-cnn.tsumiki", "two-class.tsumiki", "regression.tsumiki" };

  for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
    for (guint32 seed = 1; seed <= 8; seed++)
      {
        g_autoptr(TsuGraphModel) model = load_example (examples[e]);
        g_autoptr(GRand) rand = g_rand_new_with_seed (seed * 7919 + e);
        g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
        g_autofree char *original = tsu_graph_model_dup_text (model);

        g_ptr_array_add (states, g_strdup (original));
        for (int step = 0; step < 40; step++)
          {
            g_autofree char *text = NULL;

            random_edit (model, rand);
            text = tsu_graph_model_dup_text (model);
            /* Commands that change nothing leave no undo step. */
            if (strcmp (text, g_ptr_array_index (states, states->len - 1)) != 0)
              g_ptr_array_add (states, g_steal_pointer (&text));
            g_assert_true (tsu_graph_model_get_dirty (model) == (states->len > 1));
          }

        for (guint i = states->len - 1; i > 0; i--)
          {
            g_autofree char *text = NULL;

            g_assert_true (tsu_graph_model_undo (model));
            text = tsu_graph_model_dup_text (model);
            g_assert_cmpstr (text, ==, g_ptr_array_index (states, i - 1));
          }
        g_assert_false (tsu_graph_model_can_undo (model));
        g_assert_false (tsu_graph_model_get_dirty (model));
        {
          g_autofree char *text = tsu_graph_model_dup_text (model);
          g_assert_cmpstr (text, ==, original);
        }

        for (guint i = 1; i < states->len; i++)
          g_assert_true (tsu_graph_model_redo (model));
        g_assert_false (tsu_graph_model_can_redo (model));
        {
          g_autofree char *text = tsu_graph_model_dup_text (model);
          g_assert_cmpstr (text, ==, g_ptr_array_index (states, states->len - 1));
        }
      }
}

/* The same edits give the same bytes as the editor wrote before the
 * document API existed: tests/ui/data/recorded-edits.txt holds the SHA-1 of
 * the text after every step of fixed random sequences, recorded with that
 * editor. TSU_RECORD_EDITS=path writes the list instead. */
static void
test_recorded_edits_replay (void)
{
  const char *examples[] = { "fashion-mnist-cnn.tsumiki", "two-class.tsumiki", "regression.tsumiki" };
  const char *record = g_getenv ("TSU_RECORD_EDITS");
  g_autofree char *expected_path = NULL, *expected = NULL;
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
    for (guint32 seed = 1; seed <= 4; seed++)
      {
        g_autoptr(TsuGraphModel) model = load_example (examples[e]);
        g_autoptr(GRand) rand = g_rand_new_with_seed (seed * 104729 + e);

        for (int step = 0; step < 40; step++)
          {
            g_autofree char *text = NULL, *sum = NULL;

            random_edit (model, rand);
            text = tsu_graph_model_dup_text (model);
            sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, text, -1);
            g_string_append_printf (got, "%s %u %d %s\n", examples[e], seed, step, sum);
          }
      }
  if (record != NULL)
    {
      g_assert_true (g_file_set_contents (record, got->str, -1, NULL));
      return;
    }
  {
    const char *source = g_getenv ("TSU_SOURCE_DIR");
    expected_path = g_build_filename (source ? source : "..", "tests", "ui", "data", "recorded-edits.txt", NULL);
  }
  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_new_edit_drops_redo (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  g_autofree char *a = tsu_graph_model_add_node (model, "ReLU", 600, 40);

  g_assert_true (tsu_graph_model_undo (model));
  g_assert_true (tsu_graph_model_can_redo (model));
  set_outmaps (model, "conv1", 8);
  g_assert_false (tsu_graph_model_can_redo (model));
  g_assert_cmpstr (tsu_graph_model_get_undo_label (model), ==, "Change outmaps");
}

static void
test_dirty_follows_saved_state (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  g_autofree char *dir = g_dir_make_tmp ("tsu-model-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "saved.tsumiki", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (tsu_graph_model_get_dirty (model));
  set_outmaps (model, "conv1", 8);
  g_assert_true (tsu_graph_model_get_dirty (model));
  g_assert_true (tsu_graph_model_save (model, path, &error));
  g_assert_false (tsu_graph_model_get_dirty (model));
  g_assert_cmpstr (tsu_graph_model_get_path (model), ==, path);
  tsu_graph_model_undo (model);
  g_assert_true (tsu_graph_model_get_dirty (model));
  tsu_graph_model_redo (model);
  g_assert_false (tsu_graph_model_get_dirty (model));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_positions_assigned_on_load (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  double previous_y = -1;

  /* The example has no positions: it is arranged as a top-down chain. */
  for (int i = 0; i < layout->n_nodes; i++)
    {
      g_assert_true (layout->nodes[i].has_position);
      g_assert_cmpfloat (layout->nodes[i].x, ==, layout->nodes[0].x);
      g_assert_cmpfloat (layout->nodes[i].y, >, previous_y);
      previous_y = layout->nodes[i].y;
    }
  g_assert_false (tsu_graph_model_get_dirty (model));
}

static void
test_drop_links_below_and_above (void)
{
  g_autoptr(TsuGraphModel) model = model_from_nodes (
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [1, 28, 28]}, \"position\": [200, 60]}");
  g_autofree char *conv = NULL, *loss = NULL, *far = NULL;
  g_autofree char *conv_inputs = NULL, *far_inputs = NULL, *loss_inputs = NULL;
  double x, y;

  /* Just under the Input box (a little off to the side): linked, aligned. */
  conv = tsu_graph_model_drop_node (model, "Convolution", 215, 60 + TSU_BOX_HEIGHT + 20);
  conv_inputs = inputs_of (model, conv);
  g_assert_cmpstr (conv_inputs, ==, "x");
  position_of (model, conv, &x, &y);
  g_assert_cmpfloat (x, ==, 200);
  g_assert_cmpfloat (y, ==, 60 + TSU_ROW_PITCH);
  g_assert_true (tsu_node_has_shape (tsu_graph_find (tsu_graph_model_get_graph (model), conv)));

  /* Far away: no link. */
  far = tsu_graph_model_drop_node (model, "ReLU", 900, 600);
  far_inputs = inputs_of (model, far);
  g_assert_cmpstr (far_inputs, ==, "");

  /* Just above the ReLU: the new box feeds it. */
  loss = tsu_graph_model_drop_node (model, "Sigmoid", 900, 600 - TSU_BOX_HEIGHT - 16);
  loss_inputs = inputs_of (model, far);
  g_assert_cmpstr (loss_inputs, ==, loss);
}

static void
test_drop_between_splices (void)
{
  g_autoptr(TsuGraphModel) model = model_from_nodes (
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"position\": [200, 60]},"
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 3}, \"position\": [200, 150]}");
  g_autofree char *relu = NULL, *relu_inputs = NULL, *fc_inputs = NULL;
  double x, y;

  /* Dropped into the gap between x and fc: x → relu → fc, fc moves down. */
  relu = tsu_graph_model_drop_node (model, "ReLU", 200, 60 + TSU_BOX_HEIGHT + 8);
  relu_inputs = inputs_of (model, relu);
  fc_inputs = inputs_of (model, "fc");
  g_assert_cmpstr (relu_inputs, ==, "x");
  g_assert_cmpstr (fc_inputs, ==, relu);
  position_of (model, "fc", &x, &y);
  position_of (model, relu, &x, &y);
  {
    double fx, fy;
    position_of (model, "fc", &fx, &fy);
    g_assert_cmpfloat (fy, >=, y + TSU_BOX_HEIGHT);
  }
  /* One drop, one undo step. */
  tsu_graph_model_undo (model);
  g_free (fc_inputs);
  fc_inputs = inputs_of (model, "fc");
  g_assert_cmpstr (fc_inputs, ==, "x");
}

static void
test_splice_above_and_insert_below (void)
{
  g_autoptr(TsuGraphModel) model = model_from_nodes (
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"position\": [200, 60]},"
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 3}, \"position\": [200, 150]},"
    "{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"fc\"], \"position\": [200, 240]}");
  g_autofree char *spliced = tsu_graph_model_splice_above (model, "Tanh", "fc");
  g_autofree char *below = NULL;
  g_autofree char *a = inputs_of (model, spliced), *b = inputs_of (model, "fc");
  g_autofree char *c = NULL, *d = NULL;

  g_assert_cmpstr (a, ==, "x");
  g_assert_cmpstr (b, ==, spliced);

  below = tsu_graph_model_insert_below (model, "Dropout", "fc");
  c = inputs_of (model, below);
  d = inputs_of (model, "loss");
  g_assert_cmpstr (c, ==, "fc");
  g_assert_cmpstr (d, ==, below);
  g_assert_true (tsu_graph_valid (tsu_graph_model_get_graph (model)));
}

static void
test_delete_and_backspace (void)
{
  const char *chain =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"position\": [200, 60]},"
    "{\"id\": \"a\", \"type\": \"ReLU\", \"inputs\": [\"x\"], \"position\": [200, 150]},"
    "{\"id\": \"b\", \"type\": \"Tanh\", \"inputs\": [\"a\"], \"position\": [200, 240]}";
  const char *ids[] = { "a", NULL };

  {
    g_autoptr(TsuGraphModel) model = model_from_nodes (chain);
    g_autofree char *b_inputs = NULL;

    tsu_graph_model_remove_nodes (model, ids, TRUE);   /* Backspace */
    b_inputs = inputs_of (model, "b");
    g_assert_cmpstr (b_inputs, ==, "x");
  }
  {
    g_autoptr(TsuGraphModel) model = model_from_nodes (chain);
    g_autofree char *b_inputs = NULL;

    tsu_graph_model_remove_nodes (model, ids, FALSE);  /* Delete */
    b_inputs = inputs_of (model, "b");
    g_assert_cmpstr (b_inputs, ==, "");
    g_assert_cmpint (tsu_project_node_find (tsu_graph_model_get_project (model), "a"), ==, -1);
  }
}

static void
test_link_rules (void)
{
  g_autoptr(TsuGraphModel) model = model_from_nodes (
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"position\": [200, 60]},"
    "{\"id\": \"a\", \"type\": \"ReLU\", \"inputs\": [\"x\"], \"position\": [100, 150]},"
    "{\"id\": \"b\", \"type\": \"Tanh\", \"inputs\": [\"x\"], \"position\": [300, 150]},"
    "{\"id\": \"sum\", \"type\": \"Add2\", \"position\": [200, 240]}");
  g_autofree char *sum_inputs = NULL, *a_inputs = NULL;

  g_assert_true (tsu_graph_model_link (model, "a", "sum", -1));
  g_assert_true (tsu_graph_model_link (model, "b", "sum", -1));
  g_assert_false (tsu_graph_model_link (model, "b", "sum", -1));   /* duplicate */
  g_assert_false (tsu_graph_model_link (model, "sum", "a", 0));    /* would loop */
  g_assert_false (tsu_graph_model_link (model, "a", "a", 0));      /* self */
  sum_inputs = inputs_of (model, "sum");
  g_assert_cmpstr (sum_inputs, ==, "a,b");
  g_assert_true (tsu_graph_valid (tsu_graph_model_get_graph (model)));

  tsu_graph_model_link (model, "b", "a", 0);                      /* replaces x */
  a_inputs = inputs_of (model, "a");
  g_assert_cmpstr (a_inputs, ==, "b");
  tsu_graph_model_unlink (model, "sum", 0);
  g_free (sum_inputs);
  sum_inputs = inputs_of (model, "sum");
  g_assert_cmpstr (sum_inputs, ==, "b");
}

static void
test_rename_keeps_links (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  g_autoptr(GError) error = NULL;
  g_autofree char *bn_inputs = NULL;

  g_assert_false (tsu_graph_model_check_id (model, "conv1", "2bad", &error));
  g_assert_error (error, TSU_GRAPH_MODEL_ERROR, TSU_GRAPH_MODEL_ERROR_INVALID_ID);
  g_clear_error (&error);
  g_assert_false (tsu_graph_model_rename (model, "conv1", "bn1", &error));
  g_assert_error (error, TSU_GRAPH_MODEL_ERROR, TSU_GRAPH_MODEL_ERROR_DUPLICATE_ID);
  g_clear_error (&error);

  g_assert_true (tsu_graph_model_rename (model, "conv1", "features", &error));
  bn_inputs = inputs_of (model, "bn1");
  g_assert_cmpstr (bn_inputs, ==, "features");
  g_assert_true (tsu_graph_valid (tsu_graph_model_get_graph (model)));
}

static void
test_copy_paste (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  const char *ids[] = { "conv1", "bn1", "relu1", NULL };
  g_autofree char *text = tsu_graph_model_copy (model, ids);
  g_auto(GStrv) pasted = tsu_graph_model_paste (model, text, 600, 100, NULL);
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  double x, y;

  g_assert_cmpuint (g_strv_length (pasted), ==, 3);
  /* Clashing ids are renamed; the link into the selection (from x) is not
   * copied, the links among the copies follow the new names. */
  g_assert_cmpstr (pasted[0], !=, "conv1");
  first = inputs_of (model, pasted[0]);
  second = inputs_of (model, pasted[1]);
  third = inputs_of (model, pasted[2]);
  g_assert_cmpstr (first, ==, "");
  g_assert_cmpstr (second, ==, pasted[0]);
  g_assert_cmpstr (third, ==, pasted[1]);
  position_of (model, pasted[0], &x, &y);
  g_assert_cmpfloat (x, ==, 600);
  g_assert_cmpfloat (y, ==, 100);
  g_assert_cmpint (param_int (model, pasted[0], "outmaps"), ==, 16);

  /* Pasting into another document works the same. */
  {
    g_autoptr(TsuGraphModel) other = load_example ("two-class.tsumiki");
    g_auto(GStrv) again = tsu_graph_model_paste (other, text, NAN, NAN, NULL);
    g_assert_cmpuint (g_strv_length (again), ==, 3);
    g_assert_cmpstr (again[0], ==, "conv1");
  }
  g_assert_null (tsu_graph_model_paste (model, "not json", 0, 0, NULL));
}

static void
test_set_param_default_removes_key (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  g_autoptr(GError) error = NULL;
  tsu_value half = { .number = 0.5 }, wrong = { .number = 7 };
  g_autofree char *before = tsu_graph_model_dup_text (model);
  g_autofree char *after = NULL;

  g_assert_true (tsu_graph_model_set_param (model, "bn1", "momentum", &half, &error));
  {
    g_autofree char *text = tsu_graph_model_dup_text (model);
    g_assert_nonnull (strstr (text, "{\"id\": \"bn1\", \"type\": \"BatchNormalization\", \"inputs\": [\"conv1\"], \"params\": {\"momentum\": 0.5}"));
  }
  g_assert_true (tsu_graph_model_set_param (model, "bn1", "momentum", NULL, &error));
  after = tsu_graph_model_dup_text (model);
  /* The key went with the last param: the document is as loaded. */
  g_assert_cmpstr (after, ==, before);
  /* A value the param does not take: the engine's message, no undo step. */
  g_assert_false (tsu_graph_model_set_param (model, "bn1", "momentum", &wrong, &error));
  g_assert_error (error, TSU_GRAPH_MODEL_ERROR, TSU_GRAPH_MODEL_ERROR_PARAM);
  g_assert_nonnull (strstr (error->message, "bn1.momentum: expected a number from"));
  g_assert_cmpstr (tsu_graph_model_get_undo_label (model), ==, "Change momentum");
}

/* What each "changed" says it was about: "params conv1 | network" ... */
static void
on_changed_record (TsuGraphModel *model, GString *log)
{
  static const char *const names[] = { "added", "removed", "renamed", "params", "inputs", "position", "section" };

  if (log->len)
    g_string_append (log, "\n");
  for (guint i = 0; i < tsu_graph_model_get_n_changes (model); i++)
    {
      const tsu_change *change = tsu_graph_model_get_change (model, i);
      g_string_append_printf (log, "%s %s, ", names[change->kind],
                              change->kind == TSU_CHANGE_SECTION ? change->section : change->node);
    }
  g_string_append_printf (log, "|%s%s%s", tsu_graph_model_changed_network (model) ? " network" : "",
                          tsu_graph_model_changed_section (model, "training") ? " training" : "",
                          tsu_graph_model_changed_section (model, "dataset") ? " dataset" : "");
}

static void
test_change_notifications (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *added = NULL;
  const char *ids[] = { "relu2", NULL };

  g_signal_connect (model, "changed", G_CALLBACK (on_changed_record), log);
  set_outmaps (model, "conv1", 8);
  tsu_graph_model_set_name (model, "Other");
  g_assert_true (tsu_graph_model_rename (model, "fc", "dense", NULL));
  tsu_graph_model_remove_nodes (model, ids, TRUE);
  /* Undo hears what differs. */
  tsu_graph_model_undo (model);
  tsu_graph_model_undo (model);
  tsu_graph_model_undo (model);
  g_assert_cmpstr (log->str, ==,
                   "params conv1, | network\n"
                   "section name, |\n"
                   "renamed dense, inputs prob, | network\n"
                   "inputs pool2, removed relu2, | network\n"
                   "inputs pool2, added relu2, | network\n"
                   "removed dense, inputs prob, added fc, | network\n"
                   "section name, |");

  /* The training section edited past the document API (as the Training
   * page does): the model says which section changed. */
  g_string_truncate (log, 0);
  tsu_graph_model_begin (model, "Change training settings");
  {
    struct json_object *root = tsu_project_root (tsu_graph_model_get_project (model));
    struct json_object *training = json_object_object_get (root, "training");

    json_object_object_add (training, "batch_size", json_object_new_int (32));
  }
  tsu_graph_model_end (model);
  g_assert_cmpstr (log->str, ==, "section training, | training");
  g_assert_cmpint (tsu_graph_model_get_batch_size (model), ==, 32);

  g_string_truncate (log, 0);
  added = tsu_graph_model_add_node (model, "ReLU", 600, 40);
  tsu_graph_model_mark_saved (model);
  g_assert_cmpstr (log->str, ==, "added relu3, position relu3, | network\n|");
}

static void
test_hit_testing (void)
{
  g_autoptr(TsuGraphModel) model = model_from_nodes (
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"position\": [100, 100]},"
    "{\"id\": \"a\", \"type\": \"ReLU\", \"inputs\": [\"x\"], \"position\": [100, 300]}");
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  double px, py;
  TsuHit hit;

  hit = tsu_layout_hit_test (layout, 150, 120, 4);
  g_assert_cmpint (hit.kind, ==, TSU_HIT_NODE);
  g_assert_cmpstr (layout->nodes[hit.node].id, ==, "x");

  tsu_layout_output_port (layout, 0, &px, &py);
  hit = tsu_layout_hit_test (layout, px + 2, py + 1, 4);
  g_assert_cmpint (hit.kind, ==, TSU_HIT_OUTPUT_PORT);
  g_assert_cmpint (hit.node, ==, 0);

  tsu_layout_input_port (layout, 1, 0, &px, &py);
  hit = tsu_layout_hit_test (layout, px, py - 3, 4);
  g_assert_cmpint (hit.kind, ==, TSU_HIT_INPUT_PORT);
  g_assert_cmpint (hit.node, ==, 1);

  /* Halfway down the (straight, vertical) link. */
  hit = tsu_layout_hit_test (layout, 100 + TSU_BOX_WIDTH / 2 + 2, (100 + TSU_BOX_HEIGHT + 300) / 2.0, 4);
  g_assert_cmpint (hit.kind, ==, TSU_HIT_LINK);
  g_assert_cmpint (hit.node, ==, 1);
  g_assert_cmpint (hit.slot, ==, 0);

  hit = tsu_layout_hit_test (layout, 700, 700, 4);
  g_assert_cmpint (hit.kind, ==, TSU_HIT_NONE);

  {
    g_autoptr(GArray) inside = tsu_layout_nodes_in_rect (layout, 0, 0, 400, 200);
    g_assert_cmpuint (inside->len, ==, 1);
    g_assert_cmpint (g_array_index (inside, int, 0), ==, 0);
  }
}

static void
test_arrange_layout (void)
{
  g_autoptr(TsuGraphModel) model = model_from_nodes (
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [4]}, \"position\": [500, 900]},"
    "{\"id\": \"a\", \"type\": \"ReLU\", \"inputs\": [\"x\"], \"position\": [10, 10]},"
    "{\"id\": \"b\", \"type\": \"Tanh\", \"inputs\": [\"x\"], \"position\": [10, 10]},"
    "{\"id\": \"sum\", \"type\": \"Add2\", \"inputs\": [\"a\", \"b\"], \"position\": [0, 0]}");
  double xx, xy, ax, ay, bx, by, sx, sy;

  tsu_graph_model_arrange (model);
  position_of (model, "x", &xx, &xy);
  position_of (model, "a", &ax, &ay);
  position_of (model, "b", &bx, &by);
  position_of (model, "sum", &sx, &sy);
  /* Rows by depth, the branch side by side, the merge under both. */
  g_assert_cmpfloat (xy, <, ay);
  g_assert_cmpfloat (ay, ==, by);
  g_assert_cmpfloat (sy, >, ay);
  g_assert_cmpfloat (fabs (ax - bx), >=, TSU_BOX_WIDTH);
  g_assert_cmpfloat (sx, >, MIN (ax, bx) - 1);
  g_assert_cmpfloat (sx, <, MAX (ax, bx) + 1);
  g_assert_cmpfloat (fmod (sx, TSU_GRID), ==, 0);
  g_assert_cmpfloat (MIN (xx, MIN (ax, bx)), ==, 40);
}

static void
test_summary_text (void)
{
  g_autoptr(TsuGraphModel) model = load_example ("fashion-mnist-cnn.tsumiki");
  const TsuLayout *layout = tsu_graph_model_get_layout (model);
  const TsuLayoutNode *conv = &layout->nodes[tsu_layout_find (layout, "conv1")];
  const TsuLayoutNode *pool = &layout->nodes[tsu_layout_find (layout, "pool1")];

  g_assert_cmpstr (conv->summary, ==, "16 · 5×5 · pad 2");
  g_assert_cmpstr (conv->shape, ==, "16×28×28");
  g_assert_cmpstr (pool->shape, ==, "16×14×14");
  g_assert_cmpuint (conv->params, ==, 16 * 25 + 16);
  g_assert_null (conv->error);
}

/* Editing never waits: a whole edit of a 200-layer network (snapshot,
 * validation, shape inference, layout) stays far below a frame. */
static void
test_edit_speed_200_nodes (void)
{
  g_autoptr(GString) nodes = g_string_new ("{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [64]}}");
  g_autoptr(TsuGraphModel) model = NULL;
  const char *previous = "x";
  g_autofree char *last = NULL;
  gint64 start, build_us, edit_us;
  const int rounds = 20;

  for (int i = 1; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%d", i);
      if (i % 2)
        g_string_append_printf (nodes, ",{\"id\": \"%s\", \"type\": \"Affine\", \"inputs\": [\"%s\"], \"params\": {\"outmaps\": 64}}", id, previous);
      else
        g_string_append_printf (nodes, ",{\"id\": \"%s\", \"type\": \"ReLU\", \"inputs\": [\"%s\"]}", id, previous);
      g_free (last);
      last = g_strdup (id);
      previous = last;
    }
  model = model_from_nodes (nodes->str);
  g_assert_cmpint (tsu_graph_model_get_layout (model)->n_nodes, ==, 200);
  g_assert_true (tsu_graph_valid (tsu_graph_model_get_graph (model)));

  start = g_get_monotonic_time ();
  for (int i = 0; i < rounds; i++)
    {
      tsu_diag diag;
      tsu_graph *graph;

      tsu_diag_init (&diag);
      graph = tsu_graph_build (tsu_graph_model_get_project (model), &diag);
      tsu_graph_free (graph);
      tsu_diag_free (&diag);
    }
  build_us = (g_get_monotonic_time () - start) / rounds;

  start = g_get_monotonic_time ();
  for (int i = 0; i < rounds; i++)
    set_outmaps (model, "n1", 32 + i);
  edit_us = (g_get_monotonic_time () - start) / rounds;

  g_test_message ("200 layers: tsu_graph_build %.2f ms, whole edit %.2f ms", build_us / 1000.0, edit_us / 1000.0);
  /* Generous bounds so sanitizer and CI builds pass; the numbers are printed. */
  g_assert_cmpint (build_us, <, 50000);
  g_assert_cmpint (edit_us, <, 100000);
}

static void
count_changed (gpointer model, gpointer data)
{
  (*(int *) data)++;
}

/* The model's warnings follow the document and the data: Affine of 100
 * outputs on tests/data/checks' 10 classes warns once the data summary is
 * known; the fix is one undo step. */
static void
test_warnings_and_fix (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("TSU_SOURCE_DIR"), "tests", "data", "checks",
                                            "affine-100-on-10-classes.tsumiki", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TsuGraphModel) model = tsu_graph_model_new ();
  tsu_data_summary data;
  const tsu_warning *w;
  int changed = 0;

  g_assert_true (tsu_graph_model_load_file (model, path, &error));
  g_assert_cmpint (tsu_graph_model_get_warnings (model)->count, ==, 0);
  g_assert_cmpint (tsu_project_data_summary (tsu_graph_model_get_project (model), &data, NULL), ==, TSU_OK);
  g_signal_connect (model, "changed", G_CALLBACK (count_changed), &changed);
  tsu_graph_model_set_data_summary (model, &data);
  tsu_data_summary_clear (&data);
  g_assert_cmpint (changed, ==, 1);
  g_assert_cmpuint (tsu_graph_model_get_n_changes (model), ==, 0);
  w = tsu_graph_model_find_warning (model, "fc2");
  g_assert_nonnull (w);
  g_assert_cmpstr (w->check, ==, "width-not-classes");

  g_assert_true (tsu_graph_model_apply_fix (model, &w->fix, &error));
  g_assert_no_error (error);
  g_assert_cmpint (param_int (model, "fc2", "outmaps"), ==, 10);
  g_assert_cmpint (tsu_graph_model_get_warnings (model)->count, ==, 0);
  g_assert_cmpstr (tsu_graph_model_get_undo_label (model), ==, "Set outputs to 10");
  g_assert_true (tsu_graph_model_undo (model));
  g_assert_cmpint (param_int (model, "fc2", "outmaps"), ==, 100);
  g_assert_nonnull (tsu_graph_model_find_warning (model, "fc2"));
  g_assert_false (tsu_graph_model_can_undo (model));

  /* Without data the check about the classes says nothing. */
  tsu_graph_model_set_data_summary (model, NULL);
  g_assert_null (tsu_graph_model_find_warning (model, "fc2"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graph-model/random-edits-undo-redo", test_random_edits_undo_redo);
  g_test_add_func ("/graph-model/recorded-edits-replay", test_recorded_edits_replay);
  g_test_add_func ("/graph-model/new-edit-drops-redo", test_new_edit_drops_redo);
  g_test_add_func ("/graph-model/dirty-follows-saved-state", test_dirty_follows_saved_state);
  g_test_add_func ("/graph-model/positions-assigned-on-load", test_positions_assigned_on_load);
  g_test_add_func ("/graph-model/drop-links-below-and-above", test_drop_links_below_and_above);
  g_test_add_func ("/graph-model/drop-between-splices", test_drop_between_splices);
  g_test_add_func ("/graph-model/splice-above-and-insert-below", test_splice_above_and_insert_below);
  g_test_add_func ("/graph-model/delete-and-backspace", test_delete_and_backspace);
  g_test_add_func ("/graph-model/link-rules", test_link_rules);
  g_test_add_func ("/graph-model/rename-keeps-links", test_rename_keeps_links);
  g_test_add_func ("/graph-model/copy-paste", test_copy_paste);
  g_test_add_func ("/graph-model/set-param-default-removes-key", test_set_param_default_removes_key);
  g_test_add_func ("/graph-model/change-notifications", test_change_notifications);
  g_test_add_func ("/graph-model/edit-speed-200-nodes", test_edit_speed_200_nodes);
  g_test_add_func ("/layout/hit-testing", test_hit_testing);
  g_test_add_func ("/layout/arrange", test_arrange_layout);
  g_test_add_func ("/layout/summary-text", test_summary_text);
  g_test_add_func ("/model/warnings-and-fix", test_warnings_and_fix);
  return g_test_run ();
}
