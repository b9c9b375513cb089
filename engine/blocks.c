/* blocks.c — repeat blocks: which nodes a RepeatStart/RepeatEnd pair
 * encloses, the checks on them, and the unrolled graph the runtime and
 * the exporters run (docs/architecture.md, "Repeat blocks"). */
#include "tsu-internal.h"

#include <string.h>

extern const tsu_layer_kind tsu_kind_repeat_start, tsu_kind_repeat_end;

typedef struct {
    tsu_node *start, *end;
    int times;
    int n_members;
    tsu_node **members;  /* topological order */
} block;

typedef struct {
    block *blocks;
    int n_blocks;
    block **owner;       /* [doc_index]: the block a node is inside, or NULL */
} block_set;

static bool is_kind(const tsu_node *node, const tsu_layer_kind *kind)
{
    return node && node->kind == kind && node->valid;
}

static bool reads(const tsu_node *reader, const tsu_node *node)
{
    for (int j = 0; j < reader->n_inputs; j++)
        if (reader->inputs[j] == node) return true;
    return false;
}

/* Marks what start reaches along the links (forward) or what reaches end
 * (backward); the graph is acyclic and in topological order. */
static void mark_reach(const tsu_graph *g, const tsu_node *from, bool forward, bool *mark)
{
    mark[from->doc_index] = true;
    for (int step = 0; step < g->n_nodes; step++) {
        int i = forward ? step : g->n_nodes - 1 - step;
        const tsu_node *node = g->order[i];
        if (forward) {
            for (int j = 0; j < node->n_inputs; j++)
                if (node->inputs[j] && mark[node->inputs[j]->doc_index]) mark[node->doc_index] = true;
        } else if (mark[node->doc_index]) {
            for (int j = 0; j < node->n_inputs; j++)
                if (node->inputs[j]) mark[node->inputs[j]->doc_index] = true;
        }
    }
}

static void block_name(const block *b, char *buf, size_t size)
{
    snprintf(buf, size, "block %s..%s", b->start->id, b->end->id);
}

/* The nodes between b's ends: reached from the start and reaching the end. */
static bool find_members(const tsu_graph *g, block *b, block_set *set, tsu_diag *diag)
{
    int n = g->n_nodes;
    bool *from = tsu_xcalloc((size_t)n, sizeof *from), *to = tsu_xcalloc((size_t)n, sizeof *to);
    mark_reach(g, b->start, true, from);
    mark_reach(g, b->end, false, to);
    char name[2 * TSU_ID_MAX + 16];
    block_name(b, name, sizeof name);
    bool ok = true;
    if (!from[b->end->doc_index])
        ok = tsu_node_fail(b->end, diag, TSU_E_GRAPH, "start",
                           _("%s: the RepeatEnd is not reached from its RepeatStart"), name);
    b->members = tsu_xcalloc((size_t)n, sizeof *b->members);
    for (int i = 0; i < n && ok; i++) {
        tsu_node *node = g->order[i];
        if (node == b->start || node == b->end || !from[node->doc_index] || !to[node->doc_index])
            continue;
        block *other = set->owner[node->doc_index];
        if (other || node->kind == &tsu_kind_repeat_start || node->kind == &tsu_kind_repeat_end) {
            char inner[2 * TSU_ID_MAX + 16] = "";
            if (other) block_name(other, inner, sizeof inner);
            if (other)
                ok = tsu_node_fail(node, diag, TSU_E_GRAPH, NULL,
                                   _("%s and %s overlap or nest; blocks inside blocks are not "
                                     "supported"),
                                   name, inner);
            else
                ok = tsu_node_fail(node, diag, TSU_E_GRAPH, NULL,
                                   _("%s and the block of %s overlap or nest; blocks inside blocks "
                                     "are not supported"),
                                   name, node->id);
            break;
        }
        set->owner[node->doc_index] = b;
        b->members[b->n_members++] = node;
    }
    free(from);
    free(to);
    return ok;
}

/* A value computed inside the block exists once per repetition: only the
 * block itself and its RepeatEnd may read it. */
static bool check_readers(const tsu_graph *g, const block *b, const block_set *set, tsu_diag *diag)
{
    bool ok = true;
    char name[2 * TSU_ID_MAX + 16];
    block_name(b, name, sizeof name);
    for (int m = 0; m < b->n_members; m++)
        for (int i = 0; i < g->n_nodes; i++) {
            tsu_node *reader = &g->nodes[i];
            if (reader == b->end || set->owner[i] == b || !reads(reader, b->members[m])) continue;
            ok = tsu_node_fail(reader, diag, TSU_E_GRAPH, NULL,
                               _("reads %s, which is inside %s, from outside it; only the "
                                 "block's RepeatEnd may read its nodes"),
                               b->members[m]->id, name);
        }
    return ok;
}

static bool check_shape(block *b, tsu_diag *diag)
{
    if (!b->start->has_shape || !b->end->has_shape) return true;
    if (tsu_shape_equal(&b->start->shape, &b->end->shape)) return true;
    char name[2 * TSU_ID_MAX + 16], in[96], out[96];
    block_name(b, name, sizeof name);
    tsu_shape_format_list(&b->end->shape, out, sizeof out);
    tsu_shape_format_list(&b->start->shape, in, sizeof in);
    return tsu_node_fail(b->end, diag, TSU_E_SHAPE, NULL, _("%s: output %s differs from its input %s"),
                         name, out, in);
}

/* Pairs each RepeatEnd with the RepeatStart it names. */
static void pair_ends(tsu_graph *g, block_set *set, tsu_diag *diag)
{
    for (int i = 0; i < g->n_nodes; i++) {
        tsu_node *end = &g->nodes[i];
        if (!is_kind(end, &tsu_kind_repeat_end)) continue;
        const char *id = tsu_node_param(end, "start")->string;
        tsu_node *start = (tsu_node *)tsu_graph_find(g, id);
        if (!start || start->kind != &tsu_kind_repeat_start) {
            tsu_node_fail(end, diag, TSU_E_PARAM, "start", _("start \"%s\" names no RepeatStart"), id);
            continue;
        }
        if (!start->valid) continue; /* its own error is reported */
        bool taken = false;
        for (int b = 0; b < set->n_blocks; b++) taken |= set->blocks[b].start == start;
        if (taken) {
            tsu_node_fail(end, diag, TSU_E_PARAM, "start",
                          _("RepeatStart %s already has a RepeatEnd; each block has one"), id);
            continue;
        }
        set->blocks[set->n_blocks++] = (block){.start = start, .end = end,
                                               .times = (int)tsu_node_param(start, "times")->ints[0]};
    }
    for (int i = 0; i < g->n_nodes; i++) {
        tsu_node *start = &g->nodes[i];
        if (!is_kind(start, &tsu_kind_repeat_start)) continue;
        bool paired = false;
        for (int b = 0; b < set->n_blocks; b++) paired |= set->blocks[b].start == start;
        if (!paired)
            tsu_node_fail(start, diag, TSU_E_GRAPH, NULL,
                          _("RepeatStart %s has no RepeatEnd whose \"start\" names it"), start->id);
    }
}

/* ---- unrolling ---- */

typedef struct {
    tsu_graph *flat;
    int *at;             /* [doc_index]: flat index of a node outside blocks */
    int *copy0;          /* [doc_index]: flat index of a member's first copy */
    const block_set *set;
} unroller;

/* Where copy r of the drawn node `src` is, read by a node of block b (or
 * of no block). */
static tsu_node *flat_source(const unroller *u, const block *b, int r, const tsu_node *src)
{
    const block *sb = u->set->owner[src->doc_index];
    if (sb) return &u->flat->nodes[u->copy0[src->doc_index] + r * sb->n_members];
    if (b && src == b->start && r > 0) /* repetition r reads repetition r-1's output */
        return flat_source(u, b, r - 1, b->end->inputs[0]);
    return &u->flat->nodes[u->at[src->doc_index]];
}

static void emit(unroller *u, const tsu_node *drawn, const block *b, int r)
{
    tsu_graph *f = u->flat;
    tsu_node *node = &f->nodes[f->n_nodes];
    *node = *drawn;
    node->borrowed = true;
    node->topo_index = f->n_nodes;
    node->repeat = 1;
    node->runtime = NULL;
    if (b) {
        size_t len = strlen(drawn->id) + 16;
        node->id = tsu_xcalloc(len, 1);
        snprintf(node->id, len, "%s.%d", drawn->id, r);
    } else {
        node->id = tsu_xstrdup(drawn->id);
    }
    node->inputs = tsu_xcalloc((size_t)(drawn->n_inputs ? drawn->n_inputs : 1), sizeof *node->inputs);
    for (int j = 0; j < drawn->n_inputs; j++) {
        const tsu_node *src = drawn->inputs[j];
        const block *end_of = drawn->kind == &tsu_kind_repeat_end ? u->set->owner[src->doc_index] : NULL;
        if (end_of) node->inputs[j] = flat_source(u, NULL, end_of->times - 1, src);
        else if (drawn->kind == &tsu_kind_repeat_end && src->kind == &tsu_kind_repeat_start)
            node->inputs[j] = &f->nodes[u->at[src->doc_index]];
        else node->inputs[j] = flat_source(u, b, r, src);
    }
    f->order[f->n_nodes++] = node;
}

static const block *block_ending_at(const block_set *set, const tsu_node *node)
{
    for (int b = 0; b < set->n_blocks; b++)
        if (set->blocks[b].end == node) return &set->blocks[b];
    return NULL;
}

static tsu_graph *unroll(const tsu_graph *g, const block_set *set, size_t total)
{
    tsu_graph *f = tsu_xcalloc(1, sizeof *f);
    f->nodes = tsu_xcalloc(total, sizeof *f->nodes);
    f->order = tsu_xcalloc(total, sizeof *f->order);
    f->valid = true;
    unroller u = {.flat = f, .set = set};
    u.at = tsu_xcalloc((size_t)g->n_nodes, sizeof *u.at);
    u.copy0 = tsu_xcalloc((size_t)g->n_nodes, sizeof *u.copy0);
    for (int i = 0; i < g->n_nodes; i++) {
        const tsu_node *node = g->order[i];
        if (set->owner[node->doc_index]) continue; /* emitted with its block's end */
        const block *b = block_ending_at(set, node);
        if (b) {
            for (int m = 0; m < b->n_members; m++)
                u.copy0[b->members[m]->doc_index] = f->n_nodes + m;
            for (int r = 0; r < b->times; r++)
                for (int m = 0; m < b->n_members; m++) emit(&u, b->members[m], b, r);
        }
        u.at[node->doc_index] = f->n_nodes;
        emit(&u, node, NULL, 0);
    }
    f->n_nodes = (int)total;
    free(u.at);
    free(u.copy0);
    return f;
}

/* Most nodes an unrolled graph may have. */
#define TSU_UNROLLED_MAX 100000

void tsu_graph_blocks(tsu_graph *g, tsu_diag *diag)
{
    block_set set = {.blocks = tsu_xcalloc((size_t)(g->n_nodes ? g->n_nodes : 1), sizeof *set.blocks),
                     .owner = tsu_xcalloc((size_t)(g->n_nodes ? g->n_nodes : 1), sizeof *set.owner)};
    pair_ends(g, &set, diag);
    bool ok = true;
    for (int b = 0; b < set.n_blocks; b++) ok &= find_members(g, &set.blocks[b], &set, diag);
    for (int b = 0; b < set.n_blocks && ok; b++) {
        ok &= check_readers(g, &set.blocks[b], &set, diag);
        ok &= check_shape(&set.blocks[b], diag);
    }
    size_t total = (size_t)g->n_nodes;
    for (int b = 0; b < set.n_blocks && ok; b++) {
        block *bl = &set.blocks[b];
        for (int m = 0; m < bl->n_members; m++) {
            bl->members[m]->repeat = bl->times;
            bl->members[m]->block_start = bl->start;
        }
        bl->start->block_start = bl->end->block_start = bl->start;
        size_t copies;
        if (!tsu_size_mul((size_t)bl->n_members, (size_t)(bl->times - 1), &copies) ||
            !tsu_size_add(total, copies, &total) || total > TSU_UNROLLED_MAX)
            ok = tsu_node_fail(bl->start, diag, TSU_E_PARAM, "times",
                               _("unrolled, the network would have more than %d nodes"),
                               TSU_UNROLLED_MAX);
    }
    bool valid = ok;
    for (int i = 0; i < g->n_nodes; i++) valid &= g->nodes[i].valid;
    if (valid && set.n_blocks > 0) g->unrolled = unroll(g, &set, total);
    for (int b = 0; b < set.n_blocks; b++) free(set.blocks[b].members);
    free(set.blocks);
    free(set.owner);
}

const tsu_node *tsu_node_block(const tsu_node *node) { return node->block_start; }

const tsu_graph *tsu_graph_runnable(const tsu_graph *graph)
{
    return graph->unrolled ? graph->unrolled : graph;
}
