/* tsu-inspector-private.h — shared by tsu-inspector.c (pages, id, network
 * statistics) and tsu-inspector-params.c (the generated param editors). */
#pragma once

#include "tsu-inspector.h"

typedef struct {
  const tsu_param_desc *desc;
  GtkWidget *row_label;
  GtkWidget *editor;               /* what tsu_inspector_get_param_editor returns */
  GtkWidget *parts[TSU_MAX_DIMS];  /* spin buttons of a fixed-size INTS */
  int n_parts;
  GtkWidget *message;              /* inline validation message */
  gboolean message_from_text;      /* about the text typed, not the model */
  gboolean reverting;              /* a spin button putting back a refused text's value */
} ParamEditor;

struct _TsuInspector
{
  GtkWidget parent_instance;

  TsuGraphModel *model;
  gulong changed_handler, renamed_handler;
  char *node_id;
  char *node_type;                 /* editors are rebuilt when this changes */
  GArray *editors;                 /* ParamEditor */
  gboolean updating;               /* true while widgets are set from the model */

  GtkStack *stack;
  GtkEntry *name_entry;
  GtkLabel *status_label;
  GtkGrid *stats_grid;
  GtkLabel *multiple_label;
  GtkWidget *node_swatch;
  GtkLabel *type_label;
  GtkLabel *category_label;
  GtkLabel *help_label;
  GtkLabel *node_error;
  GtkEntry *id_entry;
  GtkLabel *id_message;
  GtkWidget *inputs_title;
  GtkGrid *inputs_grid;
  char *inputs_signature;          /* what the input pickers were built for */
  guint inputs_idle;
  int pending_slot;                /* a picker choice waiting to be applied */
  char *pending_source;            /* "" for none */
  GtkWidget *params_title;
  GtkGrid *params_grid;
  GtkGrid *output_grid;
  GtkWidget *advice_box;           /* the layer's design warnings */
  char *advice_signature;          /* what advice_box was built for */
  GtkWidget *about_expander;
  GtkLabel *about_label;
};

/* tsu-inspector-advice.c: design warnings with fix buttons, "About this layer". */
void tsu_inspector_setup_advice   (TsuInspector *self);
void tsu_inspector_update_advice  (TsuInspector *self);
void tsu_inspector_update_about   (TsuInspector *self,
                                   const tsu_layer_kind *kind);
/* The network page's status on a valid network with design warnings. */
void tsu_inspector_status_warnings (TsuInspector *self);

/* tsu-inspector-inputs.c: one drop-down per input port, so links can be
 * made and changed from the keyboard. */
void tsu_inspector_update_inputs  (TsuInspector *self);
void tsu_inspector_clear_inputs   (TsuInspector *self);

void tsu_inspector_build_params   (TsuInspector *self,
                                   const tsu_layer_kind *kind);
void tsu_inspector_update_params  (TsuInspector *self);
void tsu_inspector_clear_params   (TsuInspector *self);
gboolean tsu_inspector_widget_has_focus (GtkWidget *widget);
