/* advice.c — design checks on a valid graph (tsumiki-advice.h). Each check
 * reads the kinds' roles (tsu_layer_role in tsu-internal.h), never their
 * names, so a new kind takes part by declaring its traits. */
#include "tsu-internal.h"
#include "tsu-i18n.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------ the list */

void tsu_warnings_init(tsu_warnings *warnings)
{
    *warnings = (tsu_warnings){0};
}

void tsu_warnings_free(tsu_warnings *warnings)
{
    free(warnings->items);
    tsu_warnings_init(warnings);
}

const tsu_warning *tsu_warnings_find(const tsu_warnings *warnings, const char *node)
{
    for (int i = 0; i < warnings->count; i++)
        if (strcmp(warnings->items[i].node, node) == 0) return &warnings->items[i];
    return NULL;
}

/* ------------------------------------------------- the graph's links */

typedef struct {
    const tsu_graph *graph;
    const tsu_data_summary *data;
    tsu_warnings *out;
    int *n_consumers;     /* per document index */
    bool *reaches_loss;   /* some path from the node ends in a loss */
    bool *trains_below;   /* a trainable node lies on a path from it to a loss */
} advisor;

static int index_of(const advisor *a, const tsu_node *node)
{
    return (int)(node - a->graph->nodes);
}

static bool is_loss(const tsu_node *node)
{
    return node->kind->flags & TSU_KIND_LOSS;
}

static bool has_trait(const tsu_node *node, unsigned trait)
{
    return node->kind->role.traits & trait;
}

/* Walks the graph backwards (reverse topological order) once. */
static void link_up(advisor *a)
{
    const tsu_graph *g = a->graph;
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) a->n_consumers[index_of(a, g->nodes[i].inputs[k])]++;
    for (int t = g->n_nodes - 1; t >= 0; t--) {
        const tsu_node *n = g->order[t];
        int i = index_of(a, n);
        if (is_loss(n)) a->reaches_loss[i] = true;
        for (int k = 0; k < n->n_inputs; k++) {
            int j = index_of(a, n->inputs[k]);
            a->reaches_loss[j] |= a->reaches_loss[i];
            a->trains_below[j] |= a->reaches_loss[i] &&
                                  (a->trains_below[i] || tsu_node_trainable_count(n) > 0);
        }
    }
}

/* ------------------------------------------------------ findings */

static tsu_warning *warn(advisor *a, const char *check, const tsu_node *node, const char *why,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static tsu_warning *warn(advisor *a, const char *check, const tsu_node *node, const char *why,
                         const char *fmt, ...)
{
    tsu_warnings *w = a->out;
    if (w->count == w->capacity) {
        w->capacity = w->capacity ? 2 * w->capacity : 8;
        w->items = tsu_xrealloc(w->items, (size_t)w->capacity * sizeof *w->items);
    }
    tsu_warning *item = &w->items[w->count++];
    *item = (tsu_warning){0};
    snprintf(item->check, sizeof item->check, "%s", check);
    snprintf(item->node, sizeof item->node, "%s", node->id);
    snprintf(item->why, sizeof item->why, "%s", why);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(item->message, sizeof item->message, fmt, ap);
    va_end(ap);
    return item;
}

static void fix_type(tsu_warning *w, const tsu_layer_kind *kind)
{
    if (!kind) return;
    w->fix.kind = TSU_FIX_SET_TYPE;
    snprintf(w->fix.node, sizeof w->fix.node, "%s", w->node);
    snprintf(w->fix.type, sizeof w->fix.type, "%s", kind->name);
    snprintf(w->fix.label, sizeof w->fix.label, _("Use %s"), kind->name);
}

/* "Remove Dropout", or "Remove the branch". */
static void fix_remove(tsu_warning *w, tsu_fix_kind kind, const tsu_node *node)
{
    w->fix.kind = kind;
    snprintf(w->fix.node, sizeof w->fix.node, "%s", w->node);
    if (kind == TSU_FIX_REMOVE_BRANCH)
        snprintf(w->fix.label, sizeof w->fix.label, _("Remove the branch"));
    else
        snprintf(w->fix.label, sizeof w->fix.label, _("Remove %s"), node->type);
}

/* The kind playing a role, found by its traits: the activation squashing
 * as `squash`, a loss of `family` taking `input`, the preferred kind with
 * `traits`. */
static const tsu_layer_kind *kind_with(tsu_squash squash, tsu_loss_family family,
                                       tsu_loss_input input, unsigned traits)
{
    for (int i = 0; i < tsu_layer_kind_count(); i++) {
        const tsu_layer_kind *k = tsu_layer_kind_at(i);
        const tsu_layer_role *r = &k->role;
        if (r->loss != family || (traits && (r->traits & traits) != traits)) continue;
        if (family ? r->input == input : r->squash == squash) return k;
    }
    return NULL;
}

static const tsu_layer_kind *activation_kind(tsu_squash squash)
{
    return kind_with(squash, TSU_LOSS_NONE, 0, TSU_TRAIT_NONLINEAR);
}

/* The dataset variable a loss reads as its target, when the data is known. */
static const tsu_variable_summary *target_of(const advisor *a, const tsu_node *loss)
{
    return a->data ? tsu_data_summary_find(a->data, tsu_node_param(loss, "dataset")->string)
                   : NULL;
}

/* The classes a categorical loss's targets hold: K from the data, 0 if unknown. */
static int classes_of(const advisor *a, const tsu_node *loss)
{
    const tsu_variable_summary *t = target_of(a, loss);
    return t ? t->n_classes : 0;
}

/* -------------------------------------------------------- checks */

/* An activation before a loss that expects another, or none. Reported on
 * the activation, which the fix changes. */
static void check_pair(advisor *a, const tsu_node *loss)
{
    const tsu_layer_role *want = &loss->kind->role;
    const tsu_node *act = loss->inputs[0];
    const tsu_squash have = act->kind->role.squash;
    if (!want->loss || have == TSU_SQUASH_NONE) return;
    if (want->input == TSU_INPUT_LOGITS) {
        tsu_warning *w = warn(a, "activation-before-logits-loss", act,
                              _("The loss turns raw scores into probabilities itself; squashing "
                              "them twice flattens the scores, so training is slow and the "
                              "probabilities are wrong."),
                              _("%s before %s \"%s\", which expects raw scores"), act->type,
                              loss->type, loss->id);
        fix_remove(w, TSU_FIX_REMOVE_NODE, act);
        return;
    }
    if (have == want->squash) return;
    const tsu_shape *s = &act->shape;
    if (want->loss == TSU_LOSS_BINARY && have == TSU_SQUASH_SOFTMAX) {
        tsu_warning *w = warn(
            a, "softmax-before-binary-loss", act,
            s->d[0] == 1 ? _("A Softmax over one value is always 1, so the loss cannot fall.")
                         : _("A binary loss treats each value as its own yes/no probability; a "
                           "Softmax makes the values compete and add up to 1."),
            s->d[0] == 1 ? _("%s over one value before %s \"%s\", which expects a Sigmoid's "
                             "probabilities")
                         : _("%s over several values before %s \"%s\", which expects a Sigmoid's "
                             "probabilities"),
            act->type, loss->type, loss->id);
        fix_type(w, activation_kind(want->squash));
    } else if (want->loss == TSU_LOSS_CATEGORICAL && have == TSU_SQUASH_SIGMOID) {
        int k = classes_of(a, loss) ? classes_of(a, loss) : s->d[0];
        if (k <= 2) return;
        tsu_warning *w = warn(
            a, "sigmoid-before-categorical-loss", act,
            _("A categorical loss compares the classes through probabilities that add up to 1; "
            "separate Sigmoid values do not, so raising one class does not lower the others."),
            _("%s before %s \"%s\" over %d classes, which expects a Softmax"), act->type,
            loss->type, loss->id, k);
        fix_type(w, activation_kind(want->squash));
    } else if (want->loss == TSU_LOSS_REGRESSION) {
        const tsu_variable_summary *t = target_of(a, loss);
        if (!t || (t->min >= 0 && t->max <= 1)) return;
        tsu_warning *w = warn(
            a, "squashed-regression", act,
            _("Its outputs stay between 0 and 1, so targets outside that range can never be "
            "reached and the error cannot fall to zero."),
            _("%s before %s \"%s\", but the targets \"%s\" range from %g to %g"), act->type,
            loss->type, loss->id, t->name, t->min, t->max);
        fix_remove(w, TSU_FIX_REMOVE_NODE, act);
    }
}

/* The loss family the target variable's values call for (docs/layers.md:
 * class indices, 0/1 values, real values). */
static tsu_loss_family family_for(tsu_problem problem)
{
    return problem == TSU_PROBLEM_CLASSES  ? TSU_LOSS_CATEGORICAL
           : problem == TSU_PROBLEM_BINARY ? TSU_LOSS_BINARY
                                           : TSU_LOSS_REGRESSION;
}

/* A loss whose family does not fit what the targets hold. A binary loss
 * fits 0/1 labels and a categorical one fits them too (K = 2); a binary
 * regression target (all 0 or 1) is left to the person. */
static void check_target(advisor *a, const tsu_node *loss)
{
    const tsu_layer_role *r = &loss->kind->role;
    const tsu_variable_summary *t = target_of(a, loss);
    const tsu_problem problem = tsu_variable_problem(t);
    if (!r->loss || problem == TSU_PROBLEM_UNKNOWN) return;
    const tsu_loss_family want = family_for(problem);
    if (r->loss == want || (want == TSU_LOSS_BINARY && r->loss != TSU_LOSS_REGRESSION)) return;
    if (want == TSU_LOSS_BINARY && !t->n_classes) return;
    const char *why =
        want == TSU_LOSS_CATEGORICAL && r->loss == TSU_LOSS_REGRESSION
            ? _("Class numbers are names, not amounts: a regression loss would call class 7 "
                "closer to 8 than to 1.")
        : want == TSU_LOSS_CATEGORICAL
            ? _("A binary loss answers yes or no for each value and expects targets of 0 and "
                "1; class numbers above 1 are neither.")
        : want == TSU_LOSS_REGRESSION
            ? _("A classification loss reads its targets as class numbers; real values are "
                "not classes, so it learns nothing meaningful from them.")
            : _("Two classes are a yes/no question; a regression loss treats it as a number "
                "to approach rather than a class to choose.");
    tsu_warning *w;
    if (t->n_classes)
        w = warn(a, "loss-does-not-fit-target", loss, why,
                 _("%s on \"%s\", which holds class labels of %d classes"), loss->type,
                 t->name, t->n_classes);
    else
        w = warn(a, "loss-does-not-fit-target", loss, why,
                 _("%s on \"%s\", which holds real values from %g to %g"), loss->type, t->name,
                 t->min, t->max);
    /* A classification loss on logits when the loss was not given probabilities. */
    tsu_loss_input input = want == TSU_LOSS_REGRESSION ? TSU_INPUT_VALUES
                           : r->input == TSU_INPUT_PROBABILITIES ? TSU_INPUT_PROBABILITIES
                                                                 : TSU_INPUT_LOGITS;
    fix_type(w, kind_with(TSU_SQUASH_NONE, want, input, 0));
}

/* A loss that takes logarithms of probabilities fed raw scores. */
static void check_probabilities(advisor *a, const tsu_node *loss)
{
    const tsu_layer_role *r = &loss->kind->role;
    const tsu_node *in = loss->inputs[0];
    if (r->input != TSU_INPUT_PROBABILITIES || in->kind->role.squash != TSU_SQUASH_NONE) return;
    tsu_warning *w = warn(
        a, "probabilities-expected", loss,
        _("The loss takes the logarithm of its inputs as probabilities; raw scores can be "
        "negative or above 1, which gives meaningless values."),
        _("%s expects probabilities, but \"%s\" (%s) gives raw scores"), loss->type, in->id,
        in->type);
    fix_type(w, kind_with(r->squash, r->loss, TSU_INPUT_LOGITS, 0));
}

static void check_softmax_width(advisor *a, const tsu_node *n)
{
    if (n->kind->role.squash != TSU_SQUASH_SOFTMAX || is_loss(n) || n->shape.d[0] != 1) return;
    tsu_warning *w = warn(a, "softmax-one-value", n,
                          _("A Softmax over one value is always 1, so the loss cannot fall."),
                          _("%s over one value"), n->type);
    fix_type(w, activation_kind(TSU_SQUASH_SIGMOID));
}

/* The linear layer whose outputs reach the loss unchanged in number (through
 * activations), with the parameter that sets them; NULL if none. */
static const tsu_node *width_source(const tsu_node *loss)
{
    const tsu_node *n = loss->inputs[0];
    const int width = n->shape.d[0];
    while (n && n->shape.d[0] == width) {
        const tsu_layer_role *r = &n->kind->role;
        if (r->traits & TSU_TRAIT_LINEAR)
            return r->width_param && tsu_node_param(n, r->width_param)->ints[0] == width ? n
                                                                                        : NULL;
        n = n->n_inputs == 1 ? n->inputs[0] : NULL;
    }
    return NULL;
}

static void fix_width(tsu_warning *w, const tsu_node *source, int k)
{
    if (!source) return;
    w->fix.kind = TSU_FIX_SET_PARAM;
    snprintf(w->fix.node, sizeof w->fix.node, "%s", source->id);
    snprintf(w->fix.param, sizeof w->fix.param, "%s", source->kind->role.width_param);
    w->fix.value = k;
    snprintf(w->fix.label, sizeof w->fix.label, _("Set outputs to %d"), k);
}

/* A categorical loss needs one value per class. */
static void check_classes(advisor *a, const tsu_node *loss)
{
    if (loss->kind->role.loss != TSU_LOSS_CATEGORICAL) return;
    const int width = loss->inputs[0]->shape.d[0], k = classes_of(a, loss);
    const tsu_node *source = width_source(loss);
    if (k > 1 && width != k) {
        const tsu_node *named = source ? source : loss->inputs[0];
        tsu_warning *w = warn(
            a, "width-not-classes", named,
            _("A classifier needs exactly one output per class: extra outputs are classes that "
            "never occur, and with too few some classes can never be chosen."),
            ngettext_("%s \"%s\" gives %d output to %s \"%s\", but \"%s\" has %d classes",
                      "%s \"%s\" gives %d outputs to %s \"%s\", but \"%s\" has %d classes",
                      (unsigned long)width),
            named->type, named->id, width, loss->type, loss->id,
            tsu_node_param(loss, "dataset")->string, k);
        fix_width(w, source, k);
    } else if (!target_of(a, loss) && width == 1) {
        tsu_warning *w = warn(
            a, "loss-one-value", loss,
            _("One value is one class: its probability is always 1, so the loss cannot fall. "
            "A yes/no target needs a binary loss; K classes need K outputs."),
            _("%s over one value"), loss->type);
        fix_type(w, kind_with(TSU_SQUASH_NONE, TSU_LOSS_BINARY, loss->kind->role.input, 0));
    }
}

/* A linear layer fed by another through nothing that bends the values. */
static void check_linear_pair(advisor *a, const tsu_node *n)
{
    if (!has_trait(n, TSU_TRAIT_LINEAR) || n->n_inputs != 1) return;
    const tsu_node *p = n->inputs[0];
    while (p->n_inputs == 1 && !has_trait(p, TSU_TRAIT_LINEAR | TSU_TRAIT_NONLINEAR))
        p = p->inputs[0];
    if (!has_trait(p, TSU_TRAIT_LINEAR)) return;
    const tsu_layer_kind *act = kind_with(TSU_SQUASH_NONE, TSU_LOSS_NONE, 0,
                                          TSU_TRAIT_NONLINEAR | TSU_TRAIT_PREFERRED);
    tsu_warning *w = warn(a, "linear-after-linear", n,
                          _("Two linear layers in a row compute one linear map (W2 W1 x): the "
                          "second adds weights but no power. An activation between them lets "
                          "the network bend."),
                          _("%s \"%s\" follows %s \"%s\" with no activation between them"),
                          n->type, n->id, p->type, p->id);
    if (!act) return;
    w->fix.kind = TSU_FIX_INSERT_BEFORE;
    snprintf(w->fix.node, sizeof w->fix.node, "%s", n->id);
    snprintf(w->fix.type, sizeof w->fix.type, "%s", act->name);
    snprintf(w->fix.label, sizeof w->fix.label, _("Insert %s"), act->name);
}

/* The end of a branch no loss reads: computed, never trained, never used. */
static void check_dead(advisor *a, const tsu_node *n)
{
    int i = index_of(a, n);
    if (a->reaches_loss[i] || a->n_consumers[i] > 0) return;
    tsu_warning *w = warn(a, "dead-branch", n,
                          _("Training changes only what a loss depends on: this branch is "
                          "computed but never learns, and nothing uses its result."),
                          _("the output of \"%s\" reaches no loss"), n->id);
    fix_remove(w, TSU_FIX_REMOVE_BRANCH, n);
}

static void check_train_only(advisor *a, const tsu_node *n)
{
    int i = index_of(a, n);
    if (!has_trait(n, TSU_TRAIT_TRAIN_ONLY) || !a->reaches_loss[i] || a->trains_below[i]) return;
    tsu_warning *w = warn(a, "train-only-at-end", n,
                          _("It changes values in training only, so that the layers after it "
                          "learn to cope; with no trainable layer after it, it only makes the "
                          "loss noisier."),
                          _("%s \"%s\" comes after the last trainable layer"), n->type, n->id);
    fix_remove(w, TSU_FIX_REMOVE_NODE, n);
}

static void check_normalize_twice(advisor *a, const tsu_node *n)
{
    if (!has_trait(n, TSU_TRAIT_NORMALIZES) || n->n_inputs != 1 ||
        !has_trait(n->inputs[0], TSU_TRAIT_NORMALIZES))
        return;
    tsu_warning *w = warn(a, "normalize-twice", n,
                          _("Its input is already normalised, so it repeats the same work: more "
                          "computation and parameters, no benefit."),
                          _("%s \"%s\" follows %s \"%s\", which already normalises"), n->type,
                          n->id, n->inputs[0]->type, n->inputs[0]->id);
    fix_remove(w, TSU_FIX_REMOVE_NODE, n);
}

typedef struct {
    bool losses_only;
    void (*run)(advisor *a, const tsu_node *n);
} check_desc;

/* In this order: a node's first finding with a given fix is the one kept
 * (a Softmax over one value before a binary loss is reported once). */
static const check_desc checks[] = {
    {true, check_target},        {true, check_pair},            {true, check_probabilities},
    {false, check_softmax_width},
    {true, check_classes},       {false, check_linear_pair},    {false, check_dead},
    {false, check_train_only},   {false, check_normalize_twice},
};

static bool same_fix(const tsu_warning *a, const tsu_warning *b)
{
    return a->fix.kind == b->fix.kind && a->fix.kind != TSU_FIX_NONE &&
           !strcmp(a->fix.node, b->fix.node) && !strcmp(a->fix.type, b->fix.type);
}

static void drop_repeated_fixes(tsu_warnings *w, int first)
{
    int kept = first;
    for (int i = first; i < w->count; i++) {
        bool repeated = false;
        for (int j = first; j < kept && !repeated; j++) repeated = same_fix(&w->items[j], &w->items[i]);
        if (!repeated) w->items[kept++] = w->items[i];
    }
    w->count = kept;
}

int tsu_graph_advise(const tsu_graph *graph, const tsu_data_summary *data,
                     tsu_warnings *warnings)
{
    /* Without a loss nothing trains: callers say so (tsu_graph_has_loss). */
    if (!graph || !graph->valid || !tsu_graph_has_loss(graph)) return 0;
    const int n = graph->n_nodes, first = warnings->count;
    advisor a = {graph, data, warnings, tsu_xcalloc((size_t)n, sizeof(int)),
                 tsu_xcalloc((size_t)n, sizeof(bool)), tsu_xcalloc((size_t)n, sizeof(bool))};
    link_up(&a);
    for (size_t c = 0; c < TSU_ARRAY_LEN(checks); c++)
        for (int t = 0; t < n; t++) {
            const tsu_node *node = graph->order[t];
            if (!checks[c].losses_only || is_loss(node)) checks[c].run(&a, node);
        }
    drop_repeated_fixes(warnings, first);
    free(a.n_consumers);
    free(a.reaches_loss);
    free(a.trains_below);
    return warnings->count - first;
}

/* ---------------------------------------------------------- fixes */

static bool feeds_anything(const tsu_project *p, const char *id)
{
    for (int i = 0; i < tsu_project_node_count(p); i++)
        for (int k = 0; k < tsu_project_node_input_count(p, i); k++) {
            const char *in = tsu_project_node_input(p, i, k);
            if (in && !strcmp(in, id)) return true;
        }
    return false;
}

/* Removes id, then each of its inputs that feeds nothing any more. */
static tsu_status remove_branch(tsu_project *p, const char *id, tsu_diag *diag)
{
    int index = tsu_project_node_find(p, id);
    if (index < 0) return tsu_diag_add(diag, TSU_E_GRAPH, id, NULL, _("no node has this id"));
    int n = tsu_project_node_input_count(p, index);
    char **inputs = tsu_xcalloc((size_t)n + 1, sizeof *inputs);
    for (int k = 0; k < n; k++) {
        const char *in = tsu_project_node_input(p, index, k);
        inputs[k] = in ? tsu_xstrdup(in) : NULL;
    }
    tsu_status st = tsu_project_remove_node(p, id, false, NULL);
    for (int k = 0; k < n; k++) {
        if (st == TSU_OK && inputs[k] && tsu_project_node_find(p, inputs[k]) >= 0 &&
            !feeds_anything(p, inputs[k]))
            st = remove_branch(p, inputs[k], diag);
        free(inputs[k]);
    }
    free(inputs);
    return st;
}

static tsu_status insert_before(tsu_project *p, const tsu_fix *fix, tsu_diag *diag)
{
    int index = tsu_project_node_find(p, fix->node);
    const char *from = index >= 0 ? tsu_project_node_input(p, index, 0) : NULL;
    if (!from) return tsu_diag_add(diag, TSU_E_GRAPH, fix->node, NULL, _("has no input to insert before"));
    char *feeder = tsu_xstrdup(from), *id = tsu_project_unique_id(p, fix->type);
    tsu_status st = tsu_project_add_node(p, id, fix->type, diag);
    if (st == TSU_OK) st = tsu_project_set_node_input(p, id, 0, feeder, diag);
    if (st == TSU_OK) st = tsu_project_set_node_input(p, fix->node, 0, id, diag);
    /* Halfway between the two boxes, when both have a place. */
    double x0, y0, x1, y1;
    int fi = tsu_project_node_find(p, feeder), ni = tsu_project_node_find(p, fix->node);
    if (st == TSU_OK && fi >= 0 && tsu_project_node_position(p, fi, &x0, &y0) &&
        tsu_project_node_position(p, ni, &x1, &y1))
        st = tsu_project_set_node_position(p, id, (x0 + x1) / 2, (y0 + y1) / 2, diag);
    free(feeder);
    free(id);
    return st;
}

tsu_status tsu_fix_apply(tsu_project *project, const tsu_fix *fix, tsu_diag *diag)
{
    switch (fix->kind) {
    case TSU_FIX_NONE: return TSU_OK;
    case TSU_FIX_SET_TYPE: return tsu_project_set_node_type(project, fix->node, fix->type, diag);
    case TSU_FIX_SET_PARAM: {
        tsu_value v = {.n = 1, .ints = {fix->value}};
        return tsu_project_set_node_param(project, fix->node, fix->param, &v, diag);
    }
    case TSU_FIX_REMOVE_NODE: return tsu_project_remove_node(project, fix->node, true, diag);
    case TSU_FIX_REMOVE_BRANCH: return remove_branch(project, fix->node, diag);
    case TSU_FIX_INSERT_BEFORE: return insert_before(project, fix, diag);
    }
    return tsu_diag_add(diag, TSU_E_UNSUPPORTED, fix->node, NULL, _("unknown fix"));
}

/* ------------------------------------------------ the data summary */

static void summarise_variable(const tsu_dataset *ds, int var, tsu_variable_summary *v)
{
    snprintf(v->name, sizeof v->name, "%s", tsu_dataset_variable_name(ds, var));
    tsu_shape shape = tsu_dataset_variable_shape(ds, var);
    size_t width = tsu_shape_size(&shape);
    v->width = width > INT32_MAX ? INT32_MAX : (int)width;
    v->n_classes = tsu_dataset_class_count(ds, var);
    v->min = 0;
    v->max = 1;
    v->integers = false;
    const int n = tsu_dataset_size(ds);
    /* Pictures hold [0, 1] by construction; reading them would cost the most. */
    if (n == 0 || width == 0 || tsu_dataset_image(ds, var, 0)) return;
    enum { CHUNK_VALUES = 1 << 16 };
    int per = width >= CHUNK_VALUES ? 1 : (int)(CHUNK_VALUES / width);
    float *values = tsu_xmalloc((size_t)per * width * sizeof *values);
    int *indices = tsu_xmalloc((size_t)per * sizeof *indices);
    v->min = INFINITY;
    v->max = -INFINITY;
    v->integers = true;
    for (int s = 0; s < n; s += per) {
        int m = n - s < per ? n - s : per;
        for (int i = 0; i < m; i++) indices[i] = s + i;
        tsu_dataset_fill(ds, var, indices, m, values);
        for (size_t i = 0; i < (size_t)m * width; i++) {
            double x = values[i];
            if (x < v->min) v->min = x;
            if (x > v->max) v->max = x;
            if (x != floor(x)) v->integers = false;
        }
    }
    free(values);
    free(indices);
}

void tsu_data_summary_compute(const tsu_dataset *ds, tsu_data_summary *out)
{
    out->count = tsu_dataset_variable_count(ds);
    out->vars = tsu_xcalloc((size_t)out->count + 1, sizeof *out->vars);
    for (int i = 0; i < out->count; i++) summarise_variable(ds, i, &out->vars[i]);
}

tsu_status tsu_project_data_summary(const tsu_project *project, tsu_data_summary *out,
                                    tsu_diag *diag)
{
    *out = (tsu_data_summary){0};
    tsu_dataset *ds = tsu_project_open_dataset(project, "training", diag);
    if (!ds) return tsu_diag_status(diag) != TSU_OK ? tsu_diag_status(diag) : TSU_E_DATA;
    tsu_data_summary_compute(ds, out);
    tsu_dataset_free(ds);
    return TSU_OK;
}

void tsu_data_summary_clear(tsu_data_summary *summary)
{
    free(summary->vars);
    *summary = (tsu_data_summary){0};
}

const tsu_variable_summary *tsu_data_summary_find(const tsu_data_summary *summary,
                                                  const char *name)
{
    for (int i = 0; summary && i < summary->count; i++)
        if (strcmp(summary->vars[i].name, name) == 0) return &summary->vars[i];
    return NULL;
}

tsu_problem tsu_variable_problem(const tsu_variable_summary *var)
{
    if (!var) return TSU_PROBLEM_UNKNOWN;
    if (var->n_classes > 2) return TSU_PROBLEM_CLASSES;
    if (var->n_classes > 0 || (var->integers && var->min >= 0 && var->max <= 1))
        return TSU_PROBLEM_BINARY;
    return TSU_PROBLEM_REGRESSION;
}
