/* tsu-node-summary.c — what a box says about its parameters. */
#include "tsu-node-summary.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>

static void
append_ints (GString *out, struct json_object *value)
{
  if (json_object_is_type (value, json_type_array))
    {
      for (size_t i = 0; i < json_object_array_length (value); i++)
        g_string_append_printf (out, "%s%d", i ? "×" : "",
                                json_object_get_int (json_object_array_get_idx (value, i)));
    }
  else
    g_string_append (out, json_object_get_string (value));
}

static gboolean
ints_all_equal (struct json_object *value, int *first)
{
  size_t n;

  if (!json_object_is_type (value, json_type_array))
    return FALSE;
  n = json_object_array_length (value);
  if (n == 0)
    return FALSE;
  *first = json_object_get_int (json_object_array_get_idx (value, 0));
  for (size_t i = 1; i < n; i++)
    if (json_object_get_int (json_object_array_get_idx (value, i)) != *first)
      return FALSE;
  return TRUE;
}

static gboolean
equals_default (const tsu_param_desc *desc, struct json_object *value)
{
  switch (desc->type)
    {
    case TSU_PARAM_INT:
      return json_object_is_type (value, json_type_int) && json_object_get_int (value) == desc->def.ints[0];
    case TSU_PARAM_FLOAT:
      return (json_object_is_type (value, json_type_double) || json_object_is_type (value, json_type_int))
             && fabs (json_object_get_double (value) - desc->def.number) <= 1e-12 * MAX (1.0, fabs (desc->def.number));
    case TSU_PARAM_BOOL:
      return json_object_is_type (value, json_type_boolean) && json_object_get_boolean (value) == desc->def.boolean;
    case TSU_PARAM_STRING:
      return FALSE;
    case TSU_PARAM_INTS:
      if (!json_object_is_type (value, json_type_array) || (int) json_object_array_length (value) != desc->def.n)
        return FALSE;
      for (int i = 0; i < desc->def.n; i++)
        if (json_object_get_int (json_object_array_get_idx (value, i)) != desc->def.ints[i])
          return FALSE;
      return TRUE;
    default:
      return FALSE;
    }
}

static void
append_param (GString *out, const tsu_param_desc *desc, struct json_object *value)
{
  int same = 0;

  if (out->len > 0)
    g_string_append (out, " · ");

  if (strcmp (desc->name, "outmaps") == 0)
    g_string_append (out, json_object_get_string (value));
  else if (strcmp (desc->name, "kernel") == 0)
    append_ints (out, value);
  else if (desc->type == TSU_PARAM_INTS)
    {
      g_string_append_printf (out, "%s ", desc->name);
      if (desc->count > 1 && ints_all_equal (value, &same))
        g_string_append_printf (out, "%d", same);
      else
        append_ints (out, value);
    }
  else if (desc->type == TSU_PARAM_BOOL && strncmp (desc->name, "with_", 5) == 0)
    g_string_append_printf (out, "%s%s", json_object_get_boolean (value) ? "" : "no ", desc->name + 5);
  else if (desc->type == TSU_PARAM_FLOAT)
    g_string_append_printf (out, "%s %g", desc->name, json_object_get_double (value));
  else
    g_string_append_printf (out, "%s %s", desc->name, json_object_get_string (value));
}

char *
tsu_node_summary (const tsu_layer_kind *kind, struct json_object *node_json)
{
  GString *out = g_string_new (NULL);
  struct json_object *params = NULL;

  if (kind == NULL)
    return g_string_free (out, FALSE);
  json_object_object_get_ex (node_json, "params", &params);

  for (int i = 0; i < tsu_layer_kind_param_count (kind); i++)
    {
      const tsu_param_desc *desc = tsu_layer_kind_param (kind, i);
      struct json_object *value = NULL;
      struct json_object *twin = NULL;

      /* Input's shape is what the box shows as its output shape anyway. */
      if (tsu_layer_kind_is_input (kind) && strcmp (desc->name, "shape") == 0)
        continue;
      /* The kernel says most about convolutions and poolings: always shown,
       * default or not (NNC shows it too). */
      if (strcmp (desc->name, "kernel") == 0 && desc->type == TSU_PARAM_INTS
          && (params == NULL || !json_object_object_get_ex (params, desc->name, &value)) && desc->def.n > 0)
        {
          g_string_append (out, out->len ? " · " : "");
          for (int k = 0; k < desc->def.n; k++)
            g_string_append_printf (out, "%s%d", k ? "×" : "", desc->def.ints[k]);
          continue;
        }
      if (params == NULL || !json_object_object_get_ex (params, desc->name, &value))
        {
          /* Defaults are implied, except names of dataset variables. */
          if (desc->type == TSU_PARAM_STRING && desc->def.string != NULL)
            g_string_append_printf (out, "%s%s %s", out->len ? " · " : "", desc->name, desc->def.string);
          continue;
        }
      if (!desc->required && desc->same_as == NULL && strcmp (desc->name, "kernel") != 0
          && equals_default (desc, value))
        continue;
      if (desc->same_as != NULL && json_object_object_get_ex (params, desc->same_as, &twin)
          && json_object_equal (twin, value))
        continue;
      append_param (out, desc, value);
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
