/* test-qa-i18n-order.c — a Japanese sentence whose numbers come in another
 * order than the English one: "2000 of 60000 samples" is "60000 サンプル中
 * 2000", so the catalogue names the arguments by position (docs/i18n.md). A
 * six-sample CSV opened with limit 4 (and skip 1) in Japanese. */
#include "tsumiki.h"
#include "tsumiki-data.h"
#include "tsu-i18n.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

static char *
describe (const char *dir, const char *selection)
{
  g_autofree char *path = g_build_filename (dir, "p.tsumiki", NULL);
  g_autofree char *text = g_strdup_printf (
    "{\"format\": \"tsumiki-project\", \"version\": 1,"
    " \"network\": {\"nodes\": [{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [1]}}]},"
    " \"dataset\": {\"training\": {\"source\": \"csv\", \"path\": \"d.csv\"%s}}}", selection);
  tsu_diag diag;
  tsu_project *project;
  tsu_dataset *ds;
  char *out;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  tsu_diag_init (&diag);
  project = tsu_project_load (path, &diag);
  g_assert_nonnull (project);
  ds = tsu_project_open_dataset (project, "training", &diag);
  g_assert_nonnull (ds);
  out = g_strdup (tsu_dataset_describe (ds));
  tsu_dataset_free (ds);
  tsu_project_free (project);
  tsu_diag_free (&diag);
  g_remove (path);
  return out;
}

static void
test_of_total_in_japanese (void)
{
  g_autofree char *dir = g_dir_make_tmp ("qa-i18n-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "d.csv", NULL);
  g_autofree char *limited = NULL, *skipped = NULL;

  g_assert_true (g_file_set_contents (csv, "x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n", -1, NULL));
  limited = describe (dir, ", \"limit\": 4");
  skipped = describe (dir, ", \"skip\": 1, \"limit\": 4");
  g_test_message ("%s | %s", limited, skipped);
  /* 6 in all, 4 used: "6 サンプル中 4", never "4 サンプル中 6". */
  g_assert_nonnull (strstr (limited, "(6 サンプル中 4)"));
  g_assert_nonnull (strstr (skipped, "(6 サンプル中 4、#1 から)"));
  g_remove (csv);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_setenv ("LANGUAGE", "ja", TRUE);
  g_setenv ("LC_ALL", "ja_JP.UTF-8", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
    {
      g_test_init (&argc, &argv, NULL);
      g_test_skip ("no ja_JP.UTF-8 locale");
      return g_test_run ();
    }
  tsu_i18n_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/qa-i18n/of-total-in-japanese", test_of_total_in_japanese);
  return g_test_run ();
}
