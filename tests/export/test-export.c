/* test-export.c — the engine side of exports: the inference plan, ONNX
 * import of our own exports (same graph, params, shapes and outputs), the
 * list of unsupported operators, and errors that name their culprit. The
 * receiving tools are exercised by check-exports.py. */
#include "fixture.h"
#include "export/export-internal.h"
#include "export/onnx.pb-c.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>

static void dump(const tsu_diag *diag)
{
    for (int i = 0; i < diag->count; i++) g_test_message("diag: %s", diag->items[i].message);
}

static bool diag_has(const tsu_diag *diag, const char *text)
{
    for (int i = 0; i < diag->count; i++)
        if (strstr(diag->items[i].message, text)) return true;
    return false;
}

static bool is_type(const tsu_node *node, const char *type)
{
    return strcmp(tsu_node_type(node), type) == 0;
}

static void test_plan(void)
{
    fx_net fx;
    fx_build("branch", &fx);
    tsu_xplan plan;
    g_assert_cmpint(tsu_xplan_build(fx.graph, &plan, NULL), ==, TSU_OK);
    /* No loss, no Dropout, no ImageAugmentation; Affine reads through the
     * Dropout and c1 through the ImageAugmentation. */
    for (int i = 0; i < plan.n_nodes; i++) {
        g_assert_false(is_type(plan.nodes[i].node, "Dropout"));
        g_assert_false(is_type(plan.nodes[i].node, "ImageAugmentation"));
        if (!strcmp(tsu_node_id(plan.nodes[i].node), "c1"))
            g_assert_cmpstr(tsu_node_id(plan.nodes[i].inputs[0]), ==, "x");
        g_assert_false(tsu_layer_kind_is_loss(tsu_node_kind(plan.nodes[i].node)));
        if (is_type(plan.nodes[i].node, "Affine"))
            g_assert_cmpstr(tsu_node_id(plan.nodes[i].inputs[0]), ==, "cat2");
    }
    g_assert_cmpint(plan.n_inputs, ==, 1);
    g_assert_cmpint(plan.n_outputs, ==, 2);
    bool sm = false, wide = false;
    for (int i = 0; i < plan.n_outputs; i++) {
        sm |= !strcmp(tsu_node_id(plan.outputs[i]), "sm");
        wide |= !strcmp(tsu_node_id(plan.outputs[i]), "wide");
    }
    g_assert_true(sm && wide);
    tsu_xplan_free(&plan);
    fx_free(&fx);
}

static bool same_value(const tsu_param_desc *d, const tsu_value *a, const tsu_value *b)
{
    switch (d->type) {
    case TSU_PARAM_INT:
    case TSU_PARAM_INTS:
        return a->n == b->n && !memcmp(a->ints, b->ints, (size_t)a->n * sizeof(int));
    case TSU_PARAM_FLOAT: return a->number == b->number;
    case TSU_PARAM_BOOL: return a->boolean == b->boolean;
    case TSU_PARAM_STRING: return !strcmp(a->string, b->string);
    }
    return false;
}

/* Every node but those inference reads through (Dropout,
 * ImageAugmentation) comes back with its id, type, inputs, shape and params;
 * the losses come back from the embedded project. */
static void assert_same_graph(const tsu_graph *orig, const tsu_graph *back)
{
    int kept = 0;
    for (int i = 0; i < tsu_graph_node_count(orig); i++) {
        const tsu_node *a = tsu_graph_node(orig, i);
        if (tsu_x_resolve(a) != a) continue;
        kept++;
        const tsu_node *b = tsu_graph_find(back, tsu_node_id(a));
        if (!b) g_error("node %s missing after import", tsu_node_id(a));
        g_assert_cmpstr(tsu_node_type(a), ==, tsu_node_type(b));
        g_assert_true(tsu_shape_equal(tsu_node_shape(a), tsu_node_shape(b)));
        g_assert_cmpint(tsu_node_input_count(a), ==, tsu_node_input_count(b));
        for (int k = 0; k < tsu_node_input_count(a); k++)
            g_assert_cmpstr(tsu_node_id(tsu_x_resolve(tsu_node_input(a, k))), ==,
                            tsu_node_id(tsu_node_input(b, k)));
        const tsu_layer_kind *kind = tsu_node_kind(a);
        for (int p = 0; p < tsu_layer_kind_param_count(kind); p++) {
            const tsu_param_desc *d = tsu_layer_kind_param(kind, p);
            if (!same_value(d, tsu_node_param(a, d->name), tsu_node_param(b, d->name)))
                g_error("%s.%s differs after import", tsu_node_id(a), d->name);
        }
    }
    g_assert_cmpint(tsu_graph_node_count(back), ==, kept);
}

static void test_roundtrip(gconstpointer data)
{
    const char *name = data;
    fx_net fx;
    fx_build(name, &fx);
    g_autofree char *dir = g_dir_make_tmp("tsumiki-import-XXXXXX", NULL);
    g_autofree char *onnx = g_build_filename(dir, "model.onnx", NULL);
    g_autofree char *weights = g_build_filename(dir, "model.safetensors", NULL);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_export_onnx(fx.project, fx.graph, fx.net, onnx, &diag), ==, TSU_OK);
    tsu_project *back = tsu_import_onnx(onnx, weights, &diag);
    dump(&diag);
    g_assert_nonnull(back);
    g_assert_cmpstr(tsu_project_name(back), ==, tsu_project_name(fx.project));
    tsu_graph *graph = tsu_graph_build(back, &diag);
    dump(&diag);
    g_assert_true(tsu_graph_valid(graph));
    /* ONNX holds a repeat block unrolled, so it comes back as copies: only
     * the outputs can match. */
    if (strcmp(name, "repeat") != 0) assert_same_graph(fx.graph, graph);

    /* Same outputs from the imported weights. */
    tsu_net_config cfg = {.max_batch = FX_BATCH, .threads = 1, .seed = 99, .training = false};
    tsu_net *net = tsu_net_new(graph, &cfg, &diag);
    g_assert_nonnull(net);
    g_assert_cmpint(tsu_net_load_safetensors(net, weights, &diag), ==, TSU_OK);
    size_t per_a = 0, per_b = 0;
    float *a = fx_infer(fx.net, fx.graph, fx.input, FX_BATCH, &per_a);
    float *b = fx_infer(net, graph, fx.input, FX_BATCH, &per_b);
    g_assert_cmpuint(per_a, ==, per_b);
    double worst = 0;
    for (size_t i = 0; i < FX_BATCH * per_a; i++) worst = fmax(worst, fabs((double)a[i] - b[i]));
    g_test_message("%s: ONNX import round trip, max abs output diff %g", name, worst);
    g_assert_cmpfloat(worst, <=, 1e-6);
    free(a);
    free(b);
    tsu_net_free(net);
    tsu_graph_free(graph);
    tsu_project_free(back);
    tsu_diag_free(&diag);
    g_remove(onnx);
    g_remove(weights);
    g_rmdir(dir);
    fx_free(&fx);
}

/* Loads an exported model, lets `edit` change it, writes it back; `undo`
 * restores what free_unpacked will free. */
static void edit_model(const char *path, void (*edit)(Onnx__ModelProto *m),
                       void (*undo)(Onnx__ModelProto *m))
{
    gchar *bytes = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, (const uint8_t *)bytes);
    g_assert_nonnull(m);
    edit(m);
    size_t size = onnx__model_proto__get_packed_size(m);
    uint8_t *out = g_malloc(size);
    onnx__model_proto__pack(m, out);
    g_assert_true(g_file_set_contents(path, (const char *)out, (gssize)size, NULL));
    g_free(out);
    undo(m);
    onnx__model_proto__free_unpacked(m, NULL);
    g_free(bytes);
}

static char lstm[] = "LSTM", resize[] = "GridSample";
static char *saved_ops[3];

static void make_unsupported(Onnx__ModelProto *m)
{
    /* conv1, conv2 -> LSTM; relu1 -> GridSample */
    for (size_t i = 0; i < m->graph->n_node; i++) {
        Onnx__NodeProto *n = m->graph->node[i];
        if (!strcmp(n->name, "conv1")) saved_ops[0] = n->op_type, n->op_type = lstm;
        if (!strcmp(n->name, "conv2")) saved_ops[1] = n->op_type, n->op_type = lstm;
        if (!strcmp(n->name, "relu1")) saved_ops[2] = n->op_type, n->op_type = resize;
    }
}

static void restore_ops(Onnx__ModelProto *m)
{
    for (size_t i = 0; i < m->graph->n_node; i++) {
        Onnx__NodeProto *n = m->graph->node[i];
        if (n->op_type == lstm || n->op_type == resize) {
            int k = !strcmp(n->name, "conv1") ? 0 : !strcmp(n->name, "conv2") ? 1 : 2;
            n->op_type = saved_ops[k];
        }
    }
}

static size_t saved_meta;

static char *saved_names[64];

/* As other tools write them: no embedded project, no node names. */
static void strip_metadata(Onnx__ModelProto *m)
{
    saved_meta = m->n_metadata_props;
    m->n_metadata_props = 0;
    g_assert_cmpuint(m->graph->n_node, <=, G_N_ELEMENTS(saved_names));
    for (size_t i = 0; i < m->graph->n_node; i++) {
        saved_names[i] = m->graph->node[i]->name;
        m->graph->node[i]->name = NULL;
    }
}

static void restore_metadata(Onnx__ModelProto *m)
{
    m->n_metadata_props = saved_meta;
    for (size_t i = 0; i < m->graph->n_node; i++) m->graph->node[i]->name = saved_names[i];
}

static void test_unsupported(void)
{
    fx_net fx;
    fx_build("cnn", &fx);
    g_autofree char *dir = g_dir_make_tmp("tsumiki-import-XXXXXX", NULL);
    g_autofree char *onnx = g_build_filename(dir, "model.onnx", NULL);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_export_onnx(fx.project, fx.graph, fx.net, onnx, &diag), ==, TSU_OK);

    edit_model(onnx, make_unsupported, restore_ops);

    tsu_project *p = tsu_import_onnx(onnx, NULL, &diag);
    dump(&diag);
    g_assert_null(p);
    g_assert_cmpint(tsu_diag_status(&diag), ==, TSU_E_UNSUPPORTED);
    g_assert_true(diag_has(&diag, "unsupported ONNX operators: LSTM (2), GridSample (1)"));
    g_assert_true(diag_has(&diag, "Tsumiki imports: Conv, ConvTranspose, Gemm"));
    tsu_diag_free(&diag);
    g_remove(onnx);
    g_rmdir(dir);
    fx_free(&fx);
}

/* A model from another tool has no embedded project: Inputs read "x" and
 * the loss follows the rule of thumb. */
static void test_foreign(void)
{
    fx_net fx;
    fx_build("mlp", &fx);
    g_autofree char *dir = g_dir_make_tmp("tsumiki-import-XXXXXX", NULL);
    g_autofree char *onnx = g_build_filename(dir, "model.onnx", NULL);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_export_onnx(NULL, fx.graph, fx.net, onnx, &diag), ==, TSU_OK);
    edit_model(onnx, strip_metadata, restore_metadata);
    tsu_project *p = tsu_import_onnx(onnx, NULL, &diag);
    dump(&diag);
    g_assert_nonnull(p);
    tsu_graph *g = tsu_graph_build(p, &diag);
    g_assert_true(tsu_graph_valid(g));
    const tsu_node *loss = tsu_graph_node(g, tsu_graph_node_count(g) - 1);
    g_assert_cmpstr(tsu_node_type(loss), ==, "BinaryCrossEntropy");
    g_assert_cmpstr(tsu_node_id(tsu_node_input(loss, 0)), ==, "prob");
    g_assert_cmpstr(tsu_node_param(tsu_graph_find(g, "x"), "dataset")->string, ==, "x");
    /* Unnamed nodes take their output's name, which our export made the id. */
    g_assert_nonnull(tsu_graph_find(g, "fc1"));
    g_assert_nonnull(tsu_graph_find(g, "bn1"));
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
    g_remove(onnx);
    g_rmdir(dir);
    fx_free(&fx);
}

static void test_errors(void)
{
    fx_net fx;
    fx_build("mlp", &fx);
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_autofree char *dir = g_dir_make_tmp("tsumiki-export-XXXXXX", NULL);
    g_assert_cmpint(tsu_export_c(fx.graph, fx.net, dir, "9lives", &diag), ==, TSU_E_PARAM);
    g_assert_true(diag_has(&diag, "\"9lives\" is not a C identifier"));
    tsu_diag_clear(&diag);

    g_assert_null(tsu_import_onnx("/nonexistent/model.onnx", NULL, &diag));
    g_assert_true(diag_has(&diag, "/nonexistent/model.onnx"));
    tsu_diag_clear(&diag);

    /* A broken network is refused before anything is written. */
    const char *text = "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"bad\", "
                       "\"network\": {\"nodes\": [{\"id\": \"x\", \"type\": \"Input\", "
                       "\"params\": {\"shape\": [2]}}, {\"id\": \"fc\", \"type\": \"Affine\", "
                       "\"inputs\": [\"nope\"], \"params\": {\"outmaps\": 2}}]}}";
    tsu_project *p = tsu_project_parse(text, strlen(text), "bad", &diag);
    tsu_graph *g = tsu_graph_build(p, &diag);
    tsu_diag_clear(&diag);
    g_autofree char *onnx = g_build_filename(dir, "bad.onnx", NULL);
    g_assert_cmpint(tsu_export_onnx(p, g, fx.net, onnx, &diag), ==, TSU_E_GRAPH);
    g_assert_false(g_file_test(onnx, G_FILE_TEST_EXISTS));
    tsu_graph_free(g);
    tsu_project_free(p);
    tsu_diag_free(&diag);
    g_rmdir(dir);
    fx_free(&fx);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/export/plan", test_plan);
    for (int i = 0; fx_names[i]; i++) {
        g_autofree char *path = g_strdup_printf("/export/import/roundtrip/%s", fx_names[i]);
        g_test_add_data_func(path, fx_names[i], test_roundtrip);
    }
    g_test_add_func("/export/import/unsupported", test_unsupported);
    g_test_add_func("/export/import/foreign", test_foreign);
    g_test_add_func("/export/errors", test_errors);
    return g_test_run();
}
