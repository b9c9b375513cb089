/* export-internal.h — what the exporters share: the inference plan (the one
 * graph every format writes), a growable text buffer and small helpers. */
#ifndef TSU_EXPORT_INTERNAL_H
#define TSU_EXPORT_INTERNAL_H

#include "export/layer-export.h"
#include "tsu-internal.h"
#include "tsumiki-export.h"

#include <stdarg.h>

/* The inference graph: no losses, none of the kinds that are the identity
 * at inference, topological order. */
typedef struct {
    int n_nodes;
    tsu_xnode *nodes;          /* Input nodes included */
    int n_inputs;
    const tsu_node **inputs;   /* the Input nodes, in topological order */
    int n_outputs;
    const tsu_node **outputs;  /* what the loss layers read, and nodes nothing reads */
    int *last_use;             /* per plan node: index of the last plan node reading it */
} tsu_xplan;

/* Fails (TSU_E_GRAPH) on an invalid graph, TSU_E_UNSUPPORTED on a network
 * with nothing to compute. */
tsu_status tsu_xplan_build(const tsu_graph *graph, tsu_xplan *plan, tsu_diag *diag);
void tsu_xplan_free(tsu_xplan *plan);
/* Position of node in plan->nodes, or -1. */
int tsu_xplan_index(const tsu_xplan *plan, const tsu_node *node);
/* The node itself, or the first node up its inputs that inference keeps. */
const tsu_node *tsu_x_resolve(const tsu_node *node);
/* The kind's export callbacks, or NULL with an error naming the node when
 * the kind has no callback for `format` (`has` says whether it does). */
const tsu_layer_export *tsu_x_exports(const tsu_node *node, const char *format, bool has,
                                      tsu_diag *diag);
/* The net's tensor "node.suffix", or NULL with an error naming the node. */
const tsu_net_tensor *tsu_x_tensor(tsu_net *net, const tsu_node *node, const char *suffix,
                                   tsu_diag *diag);
/* Checks that net holds every tensor of every plan node and that all are
 * finite: an export never writes NaN. */
tsu_status tsu_x_check_weights(const tsu_xplan *plan, tsu_net *net, tsu_diag *diag);

/* A growable NUL-terminated text. */
typedef struct {
    char *data;
    size_t len, cap;
} tsu_xbuf;

void tsu_xbuf_printf(tsu_xbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tsu_xbuf_vprintf(tsu_xbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void tsu_xbuf_puts(tsu_xbuf *b, const char *s);
void tsu_xbuf_free(tsu_xbuf *b);
/* Writes the buffer atomically to path. */
tsu_status tsu_xbuf_save(const tsu_xbuf *b, const char *path, tsu_diag *diag);

/* An export folder written whole or not at all (staging.c): begin gives
 * path, a fresh folder to write into; finish, given the writing's status,
 * moves the files into dir on success and removes the staging folder
 * otherwise; errors name the files in dir. Returns the final status. */
typedef struct {
    char *target;    /* dir, without trailing slashes */
    char *path;      /* where the exporter writes */
    bool merge;      /* dir existed: its files are replaced one by one */
    int lock_fd;     /* holds path's flock while it exists */
    int first_error; /* the diag entries from here on are this export's */
} tsu_xstage;
tsu_status tsu_xstage_begin(tsu_xstage *stage, const char *dir, tsu_diag *diag);
tsu_status tsu_xstage_finish(tsu_xstage *stage, tsu_status status, tsu_diag *diag);
/* Before a one-file export (itself atomic): removes what a killed export
 * to the same path left beside it. */
void tsu_xstage_sweep_file(const char *path);

/* mkdir -p; errors name the directory. */
tsu_status tsu_x_mkdir(const char *dir, tsu_diag *diag);
/* dir/name, malloc'd. */
char *tsu_x_join(const char *dir, const char *name);
/* true when s is a C (and Python) identifier. */
bool tsu_x_is_identifier(const char *s);

#endif
