/* plan.c — the inference graph every exporter writes, and shared helpers.
 *
 * All formats must give the same answers, so they all start from this one
 * plan rather than each walking the training graph with its own rules. The
 * plan knows kinds only by their flags; what a kind writes is its own
 * (export/layer-export.h). */
#include "export/export-internal.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

static bool inference_identity(const tsu_node *node)
{
    return (node->kind->flags & TSU_KIND_INFERENCE_IDENTITY) != 0;
}

const tsu_node *tsu_x_resolve(const tsu_node *node)
{
    while (inference_identity(node)) node = tsu_node_input(node, 0);
    return node;
}

static bool is_loss(const tsu_node *node)
{
    return tsu_layer_kind_is_loss(tsu_node_kind(node));
}

int tsu_xplan_index(const tsu_xplan *plan, const tsu_node *node)
{
    for (int i = 0; i < plan->n_nodes; i++)
        if (plan->nodes[i].node == node) return i;
    return -1;
}

static void add_output(tsu_xplan *plan, const tsu_node *node)
{
    for (int i = 0; i < plan->n_outputs; i++)
        if (plan->outputs[i] == node) return;
    plan->outputs[plan->n_outputs++] = node;
}

tsu_status tsu_xplan_build(const tsu_graph *graph, tsu_xplan *plan, tsu_diag *diag)
{
    memset(plan, 0, sizeof *plan);
    if (!tsu_graph_valid(graph))
        return tsu_diag_add(diag, TSU_E_GRAPH, NULL, NULL,
                            _("the network has errors; fix them (tsumiki-cli check) before "
                              "exporting"));
    graph = tsu_graph_runnable(graph); /* repeat blocks unrolled */
    int n = tsu_graph_node_count(graph);
    plan->nodes = tsu_xcalloc((size_t)n, sizeof *plan->nodes);
    plan->inputs = tsu_xcalloc((size_t)n, sizeof *plan->inputs);
    plan->outputs = tsu_xcalloc((size_t)n, sizeof *plan->outputs);
    plan->last_use = tsu_xcalloc((size_t)n, sizeof *plan->last_use);

    /* A node is read when a kept layer or a loss reads it (through the
     * layers inference drops). */
    bool *read = tsu_xcalloc((size_t)n, sizeof *read);
    bool *feeds_loss = tsu_xcalloc((size_t)n, sizeof *feeds_loss);
    for (int i = 0; i < n; i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (inference_identity(node)) continue;
        for (int k = 0; k < tsu_node_input_count(node); k++) {
            const tsu_node *src = tsu_x_resolve(tsu_node_input(node, k));
            int j = src->topo_index;
            read[j] = true;
            if (is_loss(node)) feeds_loss[j] = true;
        }
    }
    for (int i = 0; i < n; i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (is_loss(node) || inference_identity(node)) continue;
        tsu_xnode *x = &plan->nodes[plan->n_nodes++];
        x->node = node;
        x->n_inputs = tsu_node_input_count(node);
        x->inputs = tsu_xcalloc((size_t)(x->n_inputs ? x->n_inputs : 1), sizeof *x->inputs);
        for (int k = 0; k < x->n_inputs; k++) x->inputs[k] = tsu_x_resolve(tsu_node_input(node, k));
        if (tsu_layer_kind_is_input(tsu_node_kind(node))) plan->inputs[plan->n_inputs++] = node;
        /* An Input nothing reads stays an input of the model, not an output. */
        if (feeds_loss[i] || (!read[i] && !tsu_layer_kind_is_input(tsu_node_kind(node))))
            add_output(plan, node);
    }
    free(read);
    free(feeds_loss);

    if (plan->n_inputs == 0 || plan->n_nodes == plan->n_inputs) {
        tsu_xplan_free(plan);
        return tsu_diag_add(diag, TSU_E_UNSUPPORTED, NULL, NULL,
                            _("the network computes nothing to export (it needs an Input and at "
                              "least one layer besides losses and layers that only act in training)"));
    }
    for (int i = 0; i < plan->n_nodes; i++) {
        plan->last_use[i] = i;
        for (int j = i + 1; j < plan->n_nodes; j++)
            for (int k = 0; k < plan->nodes[j].n_inputs; k++)
                if (plan->nodes[j].inputs[k] == plan->nodes[i].node) plan->last_use[i] = j;
        for (int o = 0; o < plan->n_outputs; o++)
            if (plan->outputs[o] == plan->nodes[i].node) plan->last_use[i] = plan->n_nodes;
    }
    return TSU_OK;
}

void tsu_xplan_free(tsu_xplan *plan)
{
    for (int i = 0; i < plan->n_nodes; i++) free(plan->nodes[i].inputs);
    free(plan->nodes);
    free(plan->inputs);
    free(plan->outputs);
    free(plan->last_use);
    memset(plan, 0, sizeof *plan);
}

const tsu_layer_export *tsu_x_exports(const tsu_node *node, const char *format, bool has,
                                      tsu_diag *diag)
{
    const tsu_layer_export *ex = node->kind->exports;
    if (ex && has) return ex;
    const char *why = ex && ex->why_not ? ex->why_not : _("no exporter is written for it yet");
    tsu_diag_add(diag, TSU_E_UNSUPPORTED, tsu_node_id(node), NULL,
                 _("%s export cannot write %s layers: %s"), format, tsu_node_type(node), why);
    return NULL;
}

const tsu_net_tensor *tsu_x_tensor(tsu_net *net, const tsu_node *node, const char *suffix,
                                   tsu_diag *diag)
{
    char name[2 * TSU_ID_MAX + 16];
    snprintf(name, sizeof name, "%s.%s", tsu_node_id(node), suffix);
    const tsu_net_tensor *t = tsu_net_tensor_find(net, name);
    if (!t)
        tsu_diag_add(diag, TSU_E_UNSUPPORTED, tsu_node_id(node), suffix,
                     _("the net has no tensor %s"), name);
    return t;
}

tsu_status tsu_x_check_weights(const tsu_xplan *plan, tsu_net *net, tsu_diag *diag)
{
    tsu_status status = TSU_OK;
    for (int i = 0; i < plan->n_nodes; i++) {
        const tsu_node *node = plan->nodes[i].node;
        for (int k = 0; k < tsu_node_tensor_count(node); k++) {
            const tsu_tensor_info *info = tsu_node_tensor(node, k);
            const tsu_net_tensor *t = tsu_x_tensor(net, node, info->name, diag);
            if (!t) {
                status = TSU_E_UNSUPPORTED;
                continue;
            }
            tsu_assert(t->size == tsu_shape_size(&info->shape));
            for (size_t j = 0; j < t->size; j++)
                if (!isfinite(t->data[j])) {
                    status = tsu_diag_add(diag, TSU_E_NONFINITE, tsu_node_id(node), info->name,
                                          _("%s[%zu] is %g; retrain or pick another weights file"),
                                          t->name, j, (double)t->data[j]);
                    break;
                }
        }
    }
    return status;
}

/* ------------------------------------------------------------- text */

void tsu_xbuf_vprintf(tsu_xbuf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    tsu_assert(need >= 0);
    if (b->len + (size_t)need + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)need + 1) cap *= 2;
        b->data = tsu_xrealloc(b->data, cap);
        b->cap = cap;
    }
    vsnprintf(b->data + b->len, (size_t)need + 1, fmt, again);
    va_end(again);
    b->len += (size_t)need;
}

void tsu_xbuf_printf(tsu_xbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tsu_xbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void tsu_xbuf_puts(tsu_xbuf *b, const char *s)
{
    tsu_xbuf_printf(b, "%s", s);
}

void tsu_xbuf_free(tsu_xbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

tsu_status tsu_xbuf_save(const tsu_xbuf *b, const char *path, tsu_diag *diag)
{
    return tsu_write_file_atomic(path, b->data ? b->data : "", b->len, diag);
}

/* ------------------------------------------------------------- files */

tsu_status tsu_x_mkdir(const char *dir, tsu_diag *diag)
{
    if (!*dir) return tsu_diag_add(diag, TSU_E_IO, NULL, NULL, _("empty directory name"));
    char *path = tsu_xstrdup(dir);
    for (char *p = path + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                int err = errno;
                tsu_status st = tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0,
                                                _("cannot create the directory: %s"), strerror(err));
                free(path);
                return st;
            }
            if (end) break;
            *p = '/';
        }
    }
    free(path);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return tsu_diag_add_at(diag, TSU_E_IO, dir, 0, 0, _("not a directory"));
    return TSU_OK;
}

char *tsu_x_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *out = tsu_xmalloc(n);
    size_t dl = strlen(dir);
    snprintf(out, n, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
    return out;
}

bool tsu_x_is_identifier(const char *s)
{
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}
