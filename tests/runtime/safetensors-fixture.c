/* safetensors-fixture DIR — writes DIR/weights.safetensors for a network
 * whose ids start with capitals, hold digits and underscores and reach the
 * longest length allowed, and DIR/reference.json: each tensor's shape and
 * float bits, and the PyTorch module each node corresponds to. Read by
 * check-safetensors.py, which knows nothing of Tsumiki. */
#include "tsumiki.h"

#include <glib.h>
#include <string.h>

/* 63 characters: TSU_ID_MAX - 1, the longest id allowed. */
#define LONG_ID "L0ngest_id_ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwx9"

static const char nodes[] =
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [2, 4, 4]}},"
    "{\"id\": \"Conv2\", \"type\": \"Convolution\", \"inputs\": [\"x\"],"
    " \"params\": {\"outmaps\": 3, \"kernel\": [3, 3]}},"
    "{\"id\": \"_r\", \"type\": \"ReLU\", \"inputs\": [\"Conv2\"]},"
    "{\"id\": \"FC1\", \"type\": \"Affine\", \"inputs\": [\"_r\"], \"params\": {\"outmaps\": 4}},"
    "{\"id\": \"X_9\", \"type\": \"Affine\", \"inputs\": [\"FC1\"], \"params\": {\"outmaps\": 2}},"
    "{\"id\": \"" LONG_ID "\", \"type\": \"Affine\", \"inputs\": [\"X_9\"],"
    " \"params\": {\"outmaps\": 1}}";

/* Conv2d(in, out, (kh, kw)) or Linear(in, out), as the PyTorch export names them. */
static const char modules[] =
    "[[\"Conv2\", \"Conv2d\", 2, 3, 3, 3], [\"FC1\", \"Linear\", 12, 4],"
    " [\"X_9\", \"Linear\", 4, 2], [\"" LONG_ID "\", \"Linear\", 2, 1]]";

int main(int argc, char **argv)
{
    g_assert(argc == 2 && strlen(LONG_ID) == TSU_ID_MAX - 1);
    char *text = g_strdup_printf("{\"format\": \"tsumiki-project\", \"version\": 1, "
                                 "\"name\": \"ids\", \"network\": {\"nodes\": [%s]}}", nodes);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_parse(text, strlen(text), "<fixture>", &diag);
    tsu_graph *graph = project ? tsu_graph_build(project, &diag) : NULL;
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 7, .training = false};
    tsu_net *net = graph ? tsu_net_new(graph, &cfg, &diag) : NULL;
    char *weights = g_build_filename(argv[1], "weights.safetensors", NULL);
    if (!net || tsu_net_save_safetensors(net, weights, &diag) != TSU_OK) {
        tsu_diag_print(&diag, stderr);
        return 1;
    }
    GString *ref = g_string_new("{\"modules\": ");
    g_string_append_printf(ref, "%s, \"tensors\": {", modules);
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        const tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        g_string_append_printf(ref, "%s\"%s\": {\"shape\": [", i ? ", " : "", t->name);
        for (int d = 0; d < t->shape.ndim; d++)
            g_string_append_printf(ref, "%s%d", d ? ", " : "", t->shape.d[d]);
        g_string_append(ref, "], \"bits\": [");
        for (size_t k = 0; k < t->size; k++) {
            guint32 bits;
            memcpy(&bits, &t->data[k], sizeof bits);
            g_string_append_printf(ref, "%s%u", k ? ", " : "", bits);
        }
        g_string_append(ref, "]}");
    }
    g_string_append(ref, "}}\n");
    char *reference = g_build_filename(argv[1], "reference.json", NULL);
    g_assert(g_file_set_contents(reference, ref->str, (gssize)ref->len, NULL));
    g_string_free(ref, TRUE);
    g_free(reference);
    g_free(weights);
    g_free(text);
    tsu_net_free(net);
    tsu_graph_free(graph);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    return 0;
}
