/* c_source.c — the inference graph as one standalone C99 file and header.
 *
 * For microcontrollers and embedding: no allocation, libm only, weights as
 * static const arrays (they land in flash), and every activation in one
 * static arena whose size is the peak of what is alive at once, not the sum
 * of all layers. Each layer kind writes its own statements and kernels
 * through the emitter below (export/layer-export.h); only the kernels the
 * network uses are written, so the file compiles clean under -Wall -Werror. */
#include "export/export-internal.h"

#include <ctype.h>
#include <string.h>

struct tsu_c_emitter {
    const tsu_xplan *plan;
    tsu_net *net;
    const char *name;
    long *offset;      /* per plan node: arena offset, -1 for inputs */
    long *in_offset;   /* per plan node: offset in `input` for Input nodes */
    long arena;        /* floats */
    tsu_xbuf body;     /* predict()'s statements */
    const char **kernels; /* each kernel's text once, in order of first use */
    int n_kernels;
};
typedef tsu_c_emitter c_ctx;

/* Places each layer's output in the arena: first fit among the blocks still
 * alive (their last reader comes at or after this layer). */
static void plan_arena(c_ctx *c)
{
    const tsu_xplan *p = c->plan;
    long input_pos = 0;
    for (int i = 0; i < p->n_nodes; i++) {
        const tsu_node *node = p->nodes[i].node;
        long size = (long)tsu_shape_size(tsu_node_shape(node));
        c->offset[i] = -1;
        if (tsu_layer_kind_is_input(tsu_node_kind(node))) {
            c->in_offset[i] = input_pos;
            input_pos += size;
            continue;
        }
        long at = 0;
        for (bool moved = true; moved;) {
            moved = false;
            for (int j = 0; j < i; j++) {
                if (c->offset[j] < 0 || p->last_use[j] < i) continue;
                long js = (long)tsu_shape_size(tsu_node_shape(p->nodes[j].node));
                if (at < c->offset[j] + js && c->offset[j] < at + size) {
                    at = c->offset[j] + js;
                    moved = true;
                }
            }
        }
        c->offset[i] = at;
        if (at + size > c->arena) c->arena = at + size;
    }
}

void tsu_c_value(const c_ctx *c, const tsu_node *node, char *buf, size_t size)
{
    int i = tsu_xplan_index(c->plan, node);
    tsu_assert(i >= 0);
    if (c->offset[i] < 0) snprintf(buf, size, "input + %ld", c->in_offset[i]);
    else snprintf(buf, size, "arena + %ld", c->offset[i]);
}

void tsu_c_float(float v, char *buf, size_t size)
{
    snprintf(buf, size, "%.9g", (double)v);
    if (!strpbrk(buf, ".en")) strncat(buf, ".0", size - strlen(buf) - 1);
    strncat(buf, "f", size - strlen(buf) - 1);
}

static void weight_name(const char *tensor, char *buf, size_t size)
{
    snprintf(buf, size, "w_%s", tensor);
    for (char *p = buf; *p; p++)
        if (*p == '.') *p = '_';
}

static void emit_weights(c_ctx *c, tsu_xbuf *out)
{
    for (int i = 0; i < c->plan->n_nodes; i++) {
        const tsu_node *node = c->plan->nodes[i].node;
        for (int k = 0; k < tsu_node_tensor_count(node); k++) {
            const tsu_net_tensor *t = tsu_x_tensor(c->net, node, tsu_node_tensor(node, k)->name, NULL);
            char name[3 * TSU_ID_MAX], shape[96];
            weight_name(t->name, name, sizeof name);
            tsu_shape_format_list(&t->shape, shape, sizeof shape);
            tsu_xbuf_printf(out, "/* %s %s */\nstatic const float %s[%zu] = {", t->name, shape,
                            name, t->size);
            for (size_t j = 0; j < t->size; j++) {
                char lit[48];
                tsu_c_float(t->data[j], lit, sizeof lit);
                tsu_xbuf_printf(out, "%s%s%s", j % 8 ? " " : "\n    ", lit,
                                j + 1 < t->size ? "," : "");
            }
            tsu_xbuf_puts(out, "\n};\n\n");
        }
    }
}

const char *tsu_c_tensor(const c_ctx *c, const tsu_node *node, const char *suffix, char *buf,
                         size_t size)
{
    char full[2 * TSU_ID_MAX + 16];
    snprintf(full, sizeof full, "%s.%s", tsu_node_id(node), suffix);
    if (!tsu_net_tensor_find(c->net, full)) return "0";
    weight_name(full, buf, size);
    return buf;
}

tsu_c_io tsu_c_operands(const c_ctx *c, const tsu_xnode *x)
{
    tsu_c_io io = {0};
    if (x->n_inputs) tsu_c_value(c, x->inputs[0], io.src, sizeof io.src);
    tsu_c_value(c, x->node, io.dst, sizeof io.dst);
    return io;
}

void tsu_c_printf(c_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tsu_xbuf_vprintf(&c->body, fmt, ap);
    va_end(ap);
}

void tsu_c_kernel(c_ctx *c, const char *text)
{
    for (int i = 0; i < c->n_kernels; i++)
        if (c->kernels[i] == text) return;
    c->kernels = tsu_xrealloc(c->kernels, (size_t)(c->n_kernels + 1) * sizeof *c->kernels);
    c->kernels[c->n_kernels++] = text;
}

void tsu_c_elementwise(c_ctx *c, const tsu_xnode *x, const char *expr)
{
    const tsu_c_io io = tsu_c_operands(c, x);
    tsu_c_printf(c,
                 "    for (long i = 0; i < %zu; i++) {\n"
                 "        float v = (%s)[i];\n"
                 "        (%s)[i] = %s;\n"
                 "    }\n",
                 tsu_shape_size(tsu_node_shape(x->node)), io.src, io.dst, expr);
}

/* A comment naming the node, then what its kind writes. */
static void emit_call(c_ctx *c, const tsu_xnode *x)
{
    tsu_c_printf(c, "    /* %s %s */\n", tsu_node_type(x->node), tsu_node_id(x->node));
    x->node->kind->exports->c(c, x);
}

static void emit_header(const c_ctx *c, tsu_xbuf *h)
{
    const tsu_xplan *p = c->plan;
    char upper[TSU_ID_MAX * 2];
    snprintf(upper, sizeof upper, "%s", c->name);
    for (char *q = upper; *q; q++) *q = (char)toupper((unsigned char)*q);
    size_t n_in = 0, n_out = 0;
    for (int i = 0; i < p->n_inputs; i++) n_in += tsu_shape_size(tsu_node_shape(p->inputs[i]));
    for (int i = 0; i < p->n_outputs; i++) n_out += tsu_shape_size(tsu_node_shape(p->outputs[i]));
    tsu_xbuf_printf(h,
                    "/* %s.h — generated by Tsumiki (tsumiki-cli export --format c).\n"
                    " * C99, libm only, no allocation; see %s.c. */\n"
                    "#ifndef %s_H\n#define %s_H\n\n"
                    "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
                    "/* Values per sample; batches are one call per sample. */\n"
                    "#define %s_INPUT_SIZE %zu\n#define %s_OUTPUT_SIZE %zu\n\n",
                    c->name, c->name, upper, upper, upper, n_in, upper, n_out);
    tsu_xbuf_puts(h, "/* input, concatenated in this order (NCHW within each):\n");
    size_t at = 0;
    for (int i = 0; i < p->n_inputs; i++) {
        char shape[96];
        tsu_shape_format_list(tsu_node_shape(p->inputs[i]), shape, sizeof shape);
        tsu_xbuf_printf(h, " *   [%zu] %s %s\n", at, tsu_node_id(p->inputs[i]), shape);
        at += tsu_shape_size(tsu_node_shape(p->inputs[i]));
    }
    tsu_xbuf_puts(h, " * output, concatenated in this order:\n");
    at = 0;
    for (int i = 0; i < p->n_outputs; i++) {
        char shape[96];
        tsu_shape_format_list(tsu_node_shape(p->outputs[i]), shape, sizeof shape);
        tsu_xbuf_printf(h, " *   [%zu] %s %s (%s)\n", at, tsu_node_id(p->outputs[i]), shape,
                        tsu_node_type(p->outputs[i]));
        at += tsu_shape_size(tsu_node_shape(p->outputs[i]));
    }
    tsu_xbuf_printf(h,
                    " * Returns 0, or -1 when a pointer is NULL. Not reentrant: activations\n"
                    " * live in one static arena. */\n"
                    "int %s_predict(const float *input, float *output);\n\n"
                    "#ifdef __cplusplus\n}\n#endif\n#endif\n",
                    c->name);
}

/* NAME.h and NAME.c into dir. */
static tsu_status write_c_files(const tsu_graph *graph, tsu_net *net, const char *dir,
                                const char *name, tsu_diag *diag)
{
    if (!tsu_x_is_identifier(name) || strlen(name) >= TSU_ID_MAX)
        return tsu_diag_add(diag, TSU_E_PARAM, NULL, "name",
                            _("\"%s\" is not a C identifier (letters, digits, _; not first a digit)"),
                            name);
    tsu_xplan plan;
    tsu_status st = tsu_xplan_build(graph, &plan, diag);
    if (st != TSU_OK) return st;
    for (int i = 0; i < plan.n_nodes; i++) {
        const tsu_node *node = plan.nodes[i].node;
        if (tsu_layer_kind_is_input(tsu_node_kind(node))) continue;
        if (!tsu_x_exports(node, "C", node->kind->exports && node->kind->exports->c, diag))
            st = TSU_E_UNSUPPORTED;
    }
    if (st == TSU_OK) st = tsu_x_check_weights(&plan, net, diag);
    if (st == TSU_OK) st = tsu_x_mkdir(dir, diag);
    if (st != TSU_OK) {
        tsu_xplan_free(&plan);
        return st;
    }

    c_ctx c = {.plan = &plan, .net = net, .name = name};
    c.offset = tsu_xcalloc((size_t)plan.n_nodes, sizeof *c.offset);
    c.in_offset = tsu_xcalloc((size_t)plan.n_nodes, sizeof *c.in_offset);
    plan_arena(&c);

    /* The body first, to learn which kernels it calls. */
    for (int i = 0; i < plan.n_nodes; i++)
        if (!tsu_layer_kind_is_input(tsu_node_kind(plan.nodes[i].node)))
            emit_call(&c, &plan.nodes[i]);
    size_t at = 0;
    for (int i = 0; i < plan.n_outputs; i++) {
        char src[64];
        tsu_c_value(&c, plan.outputs[i], src, sizeof src);
        size_t n = tsu_shape_size(tsu_node_shape(plan.outputs[i]));
        tsu_c_printf(&c, "    for (long i = 0; i < %zu; i++) output[%zu + i] = (%s)[i];\n", n,
                     at, src);
        at += n;
    }

    tsu_xbuf src = {0};
    tsu_xbuf_printf(&src,
                    "/* %s.c — generated by Tsumiki (tsumiki-cli export --format c): the\n"
                    " * inference graph with its trained weights. C99, libm only, no\n"
                    " * allocation. Build: cc -std=c99 -O2 -c %s.c (link with -lm). */\n"
                    "#include \"%s.h\"\n\n#include <math.h>\n\n",
                    name, name, name);
    emit_weights(&c, &src);
    tsu_xbuf_printf(&src, "/* Every activation, placed by liveness (peak %ld floats). */\n"
                          "static float arena[%ld];\n\n",
                    c.arena, c.arena ? c.arena : 1);
    for (int k = 0; k < c.n_kernels; k++) tsu_xbuf_puts(&src, c.kernels[k]);
    tsu_xbuf_printf(&src,
                    "int %s_predict(const float *input, float *output)\n{\n"
                    "    if (!input || !output) return -1;\n",
                    name);
    tsu_xbuf_puts(&src, c.body.data ? c.body.data : "");
    tsu_xbuf_puts(&src, "    return 0;\n}\n");

    tsu_xbuf header = {0};
    emit_header(&c, &header);

    char file[TSU_ID_MAX + 8];
    snprintf(file, sizeof file, "%s.h", name);
    char *path = tsu_x_join(dir, file);
    st = tsu_xbuf_save(&header, path, diag);
    free(path);
    if (st == TSU_OK) {
        snprintf(file, sizeof file, "%s.c", name);
        path = tsu_x_join(dir, file);
        st = tsu_xbuf_save(&src, path, diag);
        free(path);
    }
    tsu_xbuf_free(&header);
    tsu_xbuf_free(&src);
    tsu_xbuf_free(&c.body);
    free(c.kernels);
    free(c.offset);
    free(c.in_offset);
    tsu_xplan_free(&plan);
    return st;
}

static tsu_status tsu_export_c_body(const tsu_graph *graph, tsu_net *net, const char *dir, const char *name,
                        tsu_diag *diag)
{
    tsu_xstage stage;
    tsu_status st = tsu_xstage_begin(&stage, dir, diag);
    if (st == TSU_OK) st = write_c_files(graph, net, stage.path, name, diag);
    return tsu_xstage_finish(&stage, st, diag);
}

tsu_status tsu_export_c(const tsu_graph *graph, tsu_net *net, const char *dir, const char *name,
                        tsu_diag *diag)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_status result = tsu_export_c_body(graph, net, dir, name, diag);
    tsu_c_numeric_end(&scope);
    return result;
}
