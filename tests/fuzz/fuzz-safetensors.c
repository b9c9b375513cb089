/* fuzz-safetensors.c — a weights file loaded into one small fixed network
 * (Convolution, BatchNormalization, Affine: every tensor kind), then the
 * net saved and loaded again: what Tsumiki writes it must read. */
#include "fuzz-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tensors: conv.weight [2,1,3,3], conv.bias [2], bn.weight, bn.bias,
 * bn.running_mean, bn.running_var [2], fc.weight [3,8], fc.bias [3];
 * tests/fuzz/make-corpus.py writes seeds of this layout. */
static const char fixed_project[] =
    "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"fuzz\",\n"
    " \"network\": {\"nodes\": [\n"
    "  {\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [1, 4, 4]}},\n"
    "  {\"id\": \"conv\", \"type\": \"Convolution\", \"inputs\": [\"x\"],\n"
    "   \"params\": {\"outmaps\": 2, \"kernel\": [3, 3]}},\n"
    "  {\"id\": \"bn\", \"type\": \"BatchNormalization\", \"inputs\": [\"conv\"]},\n"
    "  {\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"bn\"], \"params\": {\"outmaps\": 3}},\n"
    "  {\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},\n"
    "  {\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}\n"
    " ]}}\n";

/* Built once: the fuzzer's inputs only ever change the weights. */
static tsu_project *project;
static tsu_graph *graph;
static tsu_net *net;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    tsu_diag diag;
    tsu_diag_init(&diag);
    project = tsu_project_parse(fixed_project, strlen(fixed_project), "<fixed>", &diag);
    graph = project ? tsu_graph_build(project, &diag) : NULL;
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1, .training = false};
    net = graph && tsu_graph_valid(graph) ? tsu_net_new(graph, &cfg, &diag) : NULL;
    if (!net) {
        tsu_diag_print(&diag, stderr);
        abort();
    }
    tsu_diag_free(&diag);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip(size)) return 0;
    char *dir = fuzz_dir_new();
    char *path = fuzz_dir_write(dir, "weights.safetensors", data, size);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_status status = tsu_net_load_safetensors(net, path, &diag);
    fuzz_check_reason(status == TSU_OK, &diag, "tsu_net_load_safetensors");
    if (status == TSU_OK) fuzz_check_weights_round_trip(net);
    tsu_diag_free(&diag);
    free(path);
    fuzz_dir_free(dir);
    return 0;
}
