/* training-fixtures.c — the blobs project. */
#include "training-fixtures.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

static void
write_blobs (const char *path,
             int         n,
             guint32     seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  FILE *f = fopen (path, "w");

  g_assert_nonnull (f);
  fprintf (f, "x__0,x__1,y\n");
  for (int i = 0; i < n; i++)
    {
      int label = i % 2;
      /* Box-Muller: two well separated round clusters. */
      double u1 = g_rand_double_range (rand, 1e-9, 1), u2 = g_rand_double (rand);
      double r = sqrt (-2 * log (u1)) * 0.6;
      double x = (label ? 1.5 : -1.5) + r * cos (2 * G_PI * u2);
      double y = (label ? 1.0 : -1.0) + r * sin (2 * G_PI * u2);
      fprintf (f, "%.5f,%.5f,%d\n", x, y, label);
    }
  fclose (f);
  g_rand_free (rand);
}

char *
tsu_fixture_write_blobs (const char *dir,
                         int         n_train,
                         int         epochs,
                         int         batch_size)
{
  g_autofree char *train = g_build_filename (dir, "train.csv", NULL);
  g_autofree char *valid = g_build_filename (dir, "valid.csv", NULL);
  char *project = g_build_filename (dir, "blobs.tsumiki", NULL);
  g_autofree char *text = g_strdup_printf (
    "{\n"
    "  \"format\": \"tsumiki-project\",\n"
    "  \"version\": 1,\n"
    "  \"name\": \"Blobs\",\n"
    "  \"network\": {\"nodes\": [\n"
    "    {\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2]}},\n"
    "    {\"id\": \"fc1\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 16}},\n"
    "    {\"id\": \"relu1\", \"type\": \"ReLU\", \"inputs\": [\"fc1\"]},\n"
    "    {\"id\": \"fc2\", \"type\": \"Affine\", \"inputs\": [\"relu1\"], \"params\": {\"outmaps\": 2}},\n"
    "    {\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc2\"]},\n"
    "    {\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}\n"
    "  ]},\n"
    "  \"dataset\": {\n"
    "    \"training\": {\"source\": \"csv\", \"path\": \"train.csv\"},\n"
    "    \"validation\": {\"source\": \"csv\", \"path\": \"valid.csv\"}\n"
    "  },\n"
    "  \"training\": {\"epochs\": %d, \"batch_size\": %d, \"seed\": 1, \"threads\": 1,\n"
    "               \"optimizer\": {\"type\": \"Adam\", \"learning_rate\": 0.01}}\n"
    "}\n", epochs, batch_size);

  write_blobs (train, n_train, 1);
  write_blobs (valid, MAX (40, n_train / 4), 2);
  g_assert_true (g_file_set_contents (project, text, -1, NULL));
  return project;
}

char *
tsu_fixture_temp_dir (void)
{
  const char *scratch = g_getenv ("TSU_TEST_SCRATCH");
  g_autofree char *template = g_build_filename (scratch ? scratch : g_get_tmp_dir (),
                                                "tsumiki-training-XXXXXX", NULL);
  char *dir = g_mkdtemp (g_steal_pointer (&template));

  g_assert_nonnull (dir);
  return dir;
}

void
tsu_fixture_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (!d)
    {
      g_unlink (dir);
      return;
    }
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        tsu_fixture_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

gboolean
tsu_fixture_wait_until (gboolean (*cond) (gpointer), gpointer data, double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  return TRUE;
}

gboolean
tsu_fixture_not_running (gpointer controller)
{
  return !tsu_training_controller_is_running (controller);
}

gboolean
tsu_fixture_has_an_epoch (gpointer controller)
{
  guint n;

  tsu_training_history_get_epochs (tsu_training_controller_get_history (controller), &n);
  return n >= 1 || !tsu_training_controller_is_running (controller);
}
