/* binding.c — nets meet datasets: variables, sizes, labels, predictions. */
#include "binding.h"

#include <string.h>

static int find_variable(const tsu_dataset *ds, const char *name, const char *owner,
                         const char *context, tsu_diag *diag)
{
    int var = tsu_dataset_variable_find(ds, name);
    if (var >= 0) return var;
    char have[256] = "";
    size_t used = 0;
    for (int i = 0; i < tsu_dataset_variable_count(ds) && used < sizeof have; i++)
        used += (size_t)snprintf(have + used, sizeof have - used, "%s%s", i ? ", " : "",
                                 tsu_dataset_variable_name(ds, i));
    tsu_diag_add(diag, TSU_E_DATA, owner, "dataset",
                 _("%s (%s) has no variable \"%s\"; it has: %s"), context,
                 tsu_dataset_describe(ds), name, have);
    return -1;
}

static bool bind_inputs(tsu_binding *b, const tsu_graph *graph, tsu_net *net,
                        const char *context, tsu_diag *diag)
{
    bool ok = true;
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (!tsu_layer_kind_is_input(node->kind)) continue;
        const char *name = tsu_node_param(node, "dataset")->string;
        int var = find_variable(b->dataset, name, node->id, context, diag);
        if (var < 0) {
            ok = false;
            continue;
        }
        tsu_shape have = tsu_dataset_variable_shape(b->dataset, var);
        if (tsu_shape_size(&have) != tsu_shape_size(&node->shape)) {
            char want[96], got[96];
            tsu_shape_format_list(&node->shape, want, sizeof want);
            tsu_shape_format_list(&have, got, sizeof got);
            tsu_diag_add(diag, TSU_E_DATA, node->id, "shape",
                         _("%s does not match %s variable \"%s\" of shape %s (%s)"), want, context,
                         name, got, tsu_dataset_describe(b->dataset));
            ok = false;
            continue;
        }
        tsu_assert(b->n_inputs < TSU_BINDING_MAX);
        b->inputs[b->n_inputs++] = (tsu_bound_var){var, tsu_net_input(net, name),
                                                   tsu_shape_size(&node->shape)};
    }
    return ok;
}

/* The task from the loss kind's role: its family, and whether its input is
 * a probability (threshold 0.5) or a logit (threshold 0). */
static void set_task(tsu_binding *b, const tsu_node *loss)
{
    const tsu_layer_role *role = &loss->kind->role;
    if (role->loss == TSU_LOSS_CATEGORICAL) {
        b->task = TSU_TASK_CLASSES;
        b->classes = (int)b->prediction_size;
    } else if (role->loss == TSU_LOSS_BINARY) {
        b->task = TSU_TASK_BINARY;
        b->threshold = role->input == TSU_INPUT_LOGITS ? 0.0f : 0.5f;
        b->classes = 2;
    } else {
        b->task = TSU_TASK_REGRESSION;
    }
}

static bool bind_targets(tsu_binding *b, const tsu_graph *graph, tsu_net *net,
                         const char *context, tsu_diag *diag)
{
    bool ok = true, first = true;
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (!tsu_layer_kind_is_loss(node->kind)) continue;
        const char *name = tsu_node_param(node, "dataset")->string;
        int var = find_variable(b->dataset, name, node->id, context, diag);
        if (var < 0) {
            ok = false;
            continue;
        }
        size_t want = tsu_net_target_size(net, name);
        tsu_shape have = tsu_dataset_variable_shape(b->dataset, var);
        if (tsu_shape_size(&have) != want) {
            char got[96];
            tsu_shape_format_list(&have, got, sizeof got);
            tsu_diag_add(diag, TSU_E_DATA, node->id, "dataset",
                         ngettext_("%s expects %zu target value per sample, %s variable \"%s\" "
                                   "has %s",
                                   "%s expects %zu target values per sample, %s variable \"%s\" "
                                   "has %s",
                                   want),
                         node->type, want, context, name, got);
            ok = false;
            continue;
        }
        if (first) {
            const tsu_node *pred = node->inputs[0];
            b->prediction = pred->id;
            b->prediction_size = tsu_shape_size(&pred->shape);
            b->label_var = var;
            set_task(b, node);
            first = false;
        }
        if (b->task != TSU_TASK_REGRESSION && b->label_var == var) {
            char what[TSU_ID_MAX + 32];
            snprintf(what, sizeof what, "%s: %d outputs", b->prediction, b->classes);
            if (tsu_dataset_check_labels(b->dataset, var, b->classes, what, diag) != TSU_OK)
                ok = false;
        }
        tsu_assert(b->n_targets < TSU_BINDING_MAX);
        b->targets[b->n_targets++] = (tsu_bound_var){var, tsu_net_target(net, name), want};
    }
    if (first) {
        tsu_diag_add(diag, TSU_E_GRAPH, NULL, NULL,
                     _("the network has no loss layer: add one (e.g. CategoricalCrossEntropy) "
                       "to say what to learn"));
        ok = false;
    }
    return ok;
}

tsu_status tsu_binding_init(tsu_binding *b, const tsu_graph *graph, tsu_net *net,
                            const tsu_dataset *dataset, const char *context, tsu_diag *diag)
{
    memset(b, 0, sizeof *b);
    b->dataset = dataset;
    b->label_var = -1;
    bool ok = bind_inputs(b, graph, net, context, diag);
    ok &= bind_targets(b, graph, net, context, diag);
    return ok ? TSU_OK : TSU_E_DATA;
}

void tsu_binding_fill(const tsu_binding *b, const int *indices, int n)
{
    for (int i = 0; i < b->n_inputs; i++)
        tsu_dataset_fill(b->dataset, b->inputs[i].var, indices, n, b->inputs[i].buffer);
    for (int i = 0; i < b->n_targets; i++)
        tsu_dataset_fill(b->dataset, b->targets[i].var, indices, n, b->targets[i].buffer);
}

int tsu_binding_predict(const tsu_binding *b, const tsu_net *net, int i)
{
    const float *out = tsu_net_output(net, b->prediction) + (size_t)i * b->prediction_size;
    if (b->task == TSU_TASK_BINARY) return out[0] > b->threshold;
    int best = 0;
    for (size_t c = 1; c < b->prediction_size; c++)
        if (out[c] > out[best]) best = (int)c;
    return best;
}

int tsu_binding_label(const tsu_binding *b, int i)
{
    for (int t = 0; t < b->n_targets; t++)
        if (b->targets[t].var == b->label_var)
            return (int)b->targets[t].buffer[(size_t)i * b->targets[t].size];
    return -1;
}

int tsu_binding_correct(const tsu_binding *b, const tsu_net *net, int n)
{
    if (b->task == TSU_TASK_REGRESSION) return 0;
    int correct = 0;
    for (int i = 0; i < n; i++) correct += tsu_binding_predict(b, net, i) == tsu_binding_label(b, i);
    return correct;
}
