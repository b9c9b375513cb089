/* tsumiki-export.h — trained networks out to other tools, and ONNX models in.
 * Included by tsumiki.h; GLib-free like the rest of the engine.
 *
 *     tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = 1};
 *     tsu_net *net = tsu_net_new(graph, &cfg, &diag);
 *     tsu_net_load_safetensors(net, "run/weights.safetensors", &diag);
 *     tsu_export_onnx(project, graph, net, "model.onnx", &diag);
 *     tsu_export_c(graph, net, "out", "fmnist", &diag);     // out/fmnist.c, out/fmnist.h
 *     tsu_export_pytorch(project, graph, net, "out-torch", &diag);
 *
 * Every format carries the same inference graph: loss layers are dropped,
 * Dropout becomes the identity, BatchNormalization uses its running
 * statistics, and Softmax/Sigmoid stay where the network has them. The
 * outputs are the inputs of the loss layers, plus any node nothing reads
 * (docs/export.md). */
#ifndef TSUMIKI_EXPORT_H
#define TSUMIKI_EXPORT_H

#include "tsumiki-net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ONNX, opset 13, IR version 7, batch axis "N" left dynamic, initializers
 * named as the state_dict ("conv1.weight"), node and value names from node
 * ids. project may be NULL; when given, its name, dataset and training
 * objects and its loss layers ride along in metadata_props so that
 * tsu_import_onnx gives the whole project back. The write is atomic. */
tsu_status tsu_export_onnx(const tsu_project *project, const tsu_graph *graph, tsu_net *net,
                           const char *path, tsu_diag *diag);

/* Standalone C99: DIR/NAME.c and DIR/NAME.h with the weights as static const
 * arrays and `int NAME_predict(const float *input, float *output)` for one
 * sample (inputs, then outputs, concatenated in the order the header lists).
 * NAME must be a C identifier. The generated code uses libm only, never
 * allocates, and keeps activations in one static arena, so one call at a
 * time. DIR is created if missing. */
tsu_status tsu_export_c(const tsu_graph *graph, tsu_net *net, const char *dir, const char *name,
                        tsu_diag *diag);

/* A PyTorch folder: model.py (TsumikiModel, built without arguments, whose
 * state_dict keys are the safetensors names), weights.safetensors (the net's
 * weights), train.py (the project's dataset, optimizer and schedule under
 * DistributedDataParallel: torchrun --nproc_per_node=N train.py), README.md.
 * Dataset paths are resolved against the project file's directory at export
 * time and can be overridden on train.py's command line. */
tsu_status tsu_export_pytorch(const tsu_project *project, const tsu_graph *graph, tsu_net *net,
                              const char *dir, tsu_diag *diag);

/* A Markdown model card: the layer table with output shapes, parameters and
 * MACs, totals, the training configuration, and, when history_csv is given
 * (a run's history.csv), the training history and the final accuracy.
 * history_csv may be NULL. */
tsu_status tsu_export_model_card(const tsu_project *project, const tsu_graph *graph,
                                 const char *history_csv, const char *path, tsu_diag *diag);

/* Reads an ONNX model into a new project; writes its weights to
 * weights_path (safetensors, may be NULL to skip). Operators Tsumiki has no
 * layer for are all listed in one TSU_E_UNSUPPORTED error
 * ("unsupported ONNX operators: Resize (2), LSTM (1)"), and NULL is returned.
 * The network ends in the loss the project file stored (our own exports) or
 * by the rule of thumb: CategoricalCrossEntropy after Softmax,
 * BinaryCrossEntropy after Sigmoid, SquaredError otherwise. */
tsu_project *tsu_import_onnx(const char *path, const char *weights_path, tsu_diag *diag);

/* The ONNX operators tsu_import_onnx understands, NULL-terminated. */
const char *const *tsu_import_onnx_operators(void);

/* Inference with the weights in a safetensors file over the samples of a
 * .npy file (float32, batch first, each sample the Input node's shape; one
 * Input node). Writes one .npy per output of the exports (the nodes the
 * losses read and those nothing reads, in the ONNX graph's order), each
 * (N, *output shape), atomically; n_outputs must be their count. */
tsu_status tsu_predict_npy(const tsu_project *project, const char *weights, const char *input,
                           int n_outputs, const char *const *outputs, int threads, tsu_diag *diag);

/* The classes of pictures: each prepared the way the project's training
 * dataset was made (its dataset.json, see tsu_folder_info_load), or, when
 * the dataset has none, stretched to the Input node's shape. The network
 * must have one Input and one output; outputs that are not a Softmax's
 * pass through a softmax. */
typedef struct {
    int n_images, n_classes;
    char **paths;        /* the pictures; a directory's pictures sorted by name */
    float *probs;        /* n_images x n_classes */
    char **class_names;  /* from dataset.json, else NULL */
} tsu_image_predictions;
/* args are picture files and directories of them. An unreadable picture is
 * an error naming it. Free with tsu_image_predictions_clear even on failure. */
tsu_status tsu_predict_images(const tsu_project *project, const char *weights,
                              const char *const *args, int n_args, int threads,
                              tsu_image_predictions *out, tsu_diag *diag);
void tsu_image_predictions_clear(tsu_image_predictions *p);
/* "path,class,probability[,class,probability...]" a picture a line, the
 * top k classes best first (names when known, else indices). */
void tsu_image_predictions_print(const tsu_image_predictions *p, int top, FILE *out);
/* The same under a header line (path,class1,probability1,...), atomically. */
tsu_status tsu_image_predictions_write_csv(const tsu_image_predictions *p, int top,
                                           const char *path, tsu_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
