/* fuzz-onnx.c — an ONNX model imported (tsu_import_onnx, weights to a
 * scratch safetensors file), the project it gives built as a graph, and a
 * valid graph run for one training step with the imported weights. */
#include "fuzz-util.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip(size)) return 0;
    char *dir = fuzz_dir_new();
    char *model = fuzz_dir_write(dir, "model.onnx", data, size);
    char *weights = fuzz_dir_path(dir, "weights.safetensors");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_import_onnx(model, weights, &diag);
    fuzz_check_reason(project != NULL, &diag, "tsu_import_onnx");
    if (project) {
        free(tsu_project_to_string(project));
        tsu_graph *graph = tsu_graph_build(project, &diag);
        fuzz_run_graph(graph, weights);
        tsu_graph_free(graph);
        tsu_project_free(project);
    }
    tsu_diag_free(&diag);
    free(weights);
    free(model);
    fuzz_dir_free(dir);
    return 0;
}
