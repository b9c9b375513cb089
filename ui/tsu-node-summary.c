/* tsu-node-summary.c — what a box says about its parameters. */
#include "tsu-node-summary.h"
#include "tsu-i18n.h"

#include <stdlib.h>
#include <string.h>

static void
append_ints (GString *out, const tsu_value *value)
{
  for (int i = 0; i < value->n; i++)
    g_string_append_printf (out, "%s%d", i ? "×" : "", value->ints[i]);
}

static gboolean
ints_all_equal (const tsu_value *value)
{
  for (int i = 1; i < value->n; i++)
    if (value->ints[i] != value->ints[0])
      return FALSE;
  return value->n > 0;
}

static void
append_param (GString *out, const tsu_param_desc *desc, const tsu_value *value)
{
  if (out->len > 0)
    g_string_append (out, " · ");

  if (strcmp (desc->name, "outmaps") == 0)
    g_string_append_printf (out, "%d", value->ints[0]);
  else if (strcmp (desc->name, "kernel") == 0)
    append_ints (out, value);
  else if (desc->type == TSU_PARAM_INTS)
    {
      g_string_append_printf (out, "%s ", desc->name);
      if (desc->count > 1 && ints_all_equal (value))
        g_string_append_printf (out, "%d", value->ints[0]);
      else
        append_ints (out, value);
    }
  else if (desc->type == TSU_PARAM_BOOL && strncmp (desc->name, "with_", 5) == 0)
    {
      if (value->boolean)
        g_string_append (out, desc->name + 5);
      else
        /* TRANSLATORS: a box's summary of a with_X parameter set to false,
         * X being the parameter's name after "with_" ("no bias"). */
        g_string_append_printf (out, _("no %s"), desc->name + 5);
    }
  else if (desc->type == TSU_PARAM_FLOAT)
    g_string_append_printf (out, "%s %g", desc->name, value->number);
  else if (desc->type == TSU_PARAM_INT)
    g_string_append_printf (out, "%s %d", desc->name, value->ints[0]);
  else if (desc->type == TSU_PARAM_BOOL)
    g_string_append_printf (out, "%s %s", desc->name, value->boolean ? "true" : "false");
  else
    g_string_append_printf (out, "%s %s", desc->name, value->string);
}

/* Whether the box shows the param: given, and saying something its default
 * (or the param it copies, stride = kernel) does not. */
static gboolean
worth_showing (const tsu_project *project, int index, const tsu_param_desc *desc, const tsu_value *value)
{
  tsu_value twin;

  if (!desc->required && desc->same_as == NULL && strcmp (desc->name, "kernel") != 0
      && tsu_value_equal (desc, value, &desc->def))
    return FALSE;
  if (desc->same_as != NULL)
    {
      /* Read as the twin's own descriptor would type it. */
      tsu_param_desc copy = *desc;
      copy.name = desc->same_as;
      copy.same_as = NULL;
      if (tsu_project_node_param (project, index, &copy, &twin) == TSU_VALUE_GIVEN
          && tsu_value_equal (desc, &twin, value))
        return FALSE;
    }
  return TRUE;
}

char *
tsu_node_summary (const tsu_project *project, int index, const tsu_layer_kind *kind)
{
  GString *out = g_string_new (NULL);

  for (int i = 0; kind != NULL && i < tsu_layer_kind_param_count (kind); i++)
    {
      const tsu_param_desc *desc = tsu_layer_kind_param (kind, i);
      tsu_value value;
      tsu_param_source source = tsu_project_node_param (project, index, desc, &value);

      /* Input's shape is what the box shows as its output shape anyway. */
      if (tsu_layer_kind_is_input (kind) && strcmp (desc->name, "shape") == 0)
        continue;
      if (source == TSU_VALUE_MISTYPED)
        {
          g_autofree char *raw = NULL;
          char *text = tsu_project_node_param_text (project, index, desc->name);

          raw = g_strdup (text);
          free (text);
          g_string_append_printf (out, "%s%s %s", out->len ? " · " : "", desc->name, raw);
          continue;
        }
      if (source == TSU_VALUE_DEFAULT)
        {
          /* The kernel says most about convolutions and poolings: always
           * shown, default or not (NNC shows it too). Other defaults are
           * implied, except names of dataset variables. */
          if (strcmp (desc->name, "kernel") == 0 && desc->type == TSU_PARAM_INTS && desc->def.n > 0)
            {
              g_string_append (out, out->len ? " · " : "");
              append_ints (out, &desc->def);
            }
          else if (desc->type == TSU_PARAM_STRING && desc->def.string != NULL)
            g_string_append_printf (out, "%s%s %s", out->len ? " · " : "", desc->name, desc->def.string);
          continue;
        }
      if (worth_showing (project, index, desc, &value))
        append_param (out, desc, &value);
    }
  return g_string_free (out, FALSE);
}

char *
tsu_format_count (uint64_t count)
{
  if (count >= 1000000000ull)
    return g_strdup_printf ("%.1fG", count / 1e9);
  if (count >= 1000000ull)
    return g_strdup_printf ("%.1fM", count / 1e6);
  if (count >= 10000ull)
    return g_strdup_printf ("%.0fk", count / 1e3);
  if (count >= 1000ull)
    return g_strdup_printf ("%.1fk", count / 1e3);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, count);
}
