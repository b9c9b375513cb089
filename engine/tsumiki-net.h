/* tsumiki-net.h — running a network: allocation, forward, backward, weights.
 * Included by tsumiki.h; GLib-free like the rest of the engine.
 *
 *     tsu_net_config cfg = {.max_batch = 64, .threads = 2, .seed = 1, .training = true};
 *     tsu_net *net = tsu_net_new(graph, &cfg, &diag);
 *     memcpy(tsu_net_input(net, "x"), images, ...);     // [batch, 1, 28, 28]
 *     memcpy(tsu_net_target(net, "y"), labels, ...);    // class indices as floats
 *     tsu_net_forward(net, batch, true, &diag);
 *     tsu_net_backward(net, batch, &diag);              // gradients of the batch-mean loss
 *     for (int i = 0; i < tsu_net_tensor_count(net); i++) {
 *         tsu_net_tensor *t = tsu_net_tensor_at(net, i);
 *         if (t->trainable) for (size_t j = 0; j < t->size; j++) t->data[j] -= lr * t->grad[j];
 *     }
 *     tsu_net_free(net);
 *
 * Buffers are laid out [batch, values of one sample], NCHW within a sample.
 * Same seed and thread count give bit-identical results. */
#ifndef TSUMIKI_NET_H
#define TSUMIKI_NET_H

#include "tsumiki.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tsu_net tsu_net;

typedef struct {
    int max_batch;     /* buffers are planned for this many samples */
    int threads;       /* worker threads (<= 0: 1) */
    uint64_t seed;     /* weight initialisation and Dropout masks */
    bool training;     /* allocate gradients; false gives an inference-only net */
} tsu_net_config;

/* The graph must be valid and must outlive the net. Plans one arena for all
 * activations, gradients and workspaces and initialises the weights from the
 * seed (docs/runtime.md). NULL with the reason in diag on failure. */
tsu_net *tsu_net_new(const tsu_graph *graph, const tsu_net_config *cfg, tsu_diag *diag);
void tsu_net_free(tsu_net *net);
int tsu_net_threads(const tsu_net *net);
int tsu_net_max_batch(const tsu_net *net);

/* [max_batch * size] buffer of the Input node whose dataset is `variable`. */
float *tsu_net_input(tsu_net *net, const char *variable);
/* [max_batch * size] targets of the loss node(s) reading `variable`: class
 * indices as floats for CategoricalCrossEntropy and SoftmaxCrossEntropy (one
 * per position: [1] for a vector of class scores), 0/1 values shaped like the
 * loss input for BinaryCrossEntropy and SigmoidCrossEntropy, values shaped
 * like the loss input for SquaredError. NULL if no loss reads it. */
float *tsu_net_target(tsu_net *net, const char *variable);
/* Values per sample of tsu_net_target's buffer (0 if none). */
size_t tsu_net_target_size(const tsu_net *net, const char *variable);

/* training: BatchNormalization uses batch statistics (and updates its running
 * statistics), Dropout drops. TSU_E_DATA for a label out of range. */
tsu_status tsu_net_forward(tsu_net *net, int batch, bool training, tsu_diag *diag);
/* The sum over loss nodes of the batch-mean loss of the last forward. */
double tsu_net_loss(const tsu_net *net);
/* Zeroes, then fills the parameter gradients of the batch-mean loss of the
 * last (training) forward. Needs a net made with cfg.training. */
tsu_status tsu_net_backward(tsu_net *net, int batch, tsu_diag *diag);

/* A layer that runs the ReLU reading it in its own pass (BatchNormalization
 * or Add2 followed by a ReLU that is their only reader) stores its own
 * output for the first TSU_NET_KEPT_SAMPLES samples of a batch only: the
 * ReLU's output is what flows on, backward recomputes the rest, and
 * skipping those stores made the ResNet example's training 5% faster
 * (docs/runtime.md). Enough for a look at what the layer does (the
 * trainer's layer statistics read these samples). */
#define TSU_NET_KEPT_SAMPLES 8

/* [batch * size] output of a node after forward, or NULL (see
 * TSU_NET_KEPT_SAMPLES for the layers that keep fewer samples). */
const float *tsu_net_output(const tsu_net *net, const char *node_id);
/* The node feeding the first loss (e.g. the Softmax), or NULL. */
const tsu_node *tsu_net_prediction_node(const tsu_net *net);

/* Parameter tensors, PyTorch state_dict names, in topological order. */
typedef struct {
    char name[2 * TSU_ID_MAX];  /* "conv1.weight" */
    tsu_shape shape;
    size_t size;
    bool trainable;
    float *data;
    float *grad;                /* NULL if not trainable or inference-only */
} tsu_net_tensor;
int tsu_net_tensor_count(const tsu_net *net);
tsu_net_tensor *tsu_net_tensor_at(tsu_net *net, int index);
/* The tensor named "node.suffix", or NULL. */
tsu_net_tensor *tsu_net_tensor_find(tsu_net *net, const char *name);

/* Id of the first node, in topological order, whose output holds a NaN or an
 * infinity after the last forward; NULL when all are finite. */
const char *tsu_net_first_nonfinite(const tsu_net *net);

/* safetensors: every tensor (trainable and state), little-endian F32,
 * "__metadata__": {"format": "pt"} first, then the tensors' keys sorted. The
 * write is atomic. */
tsu_status tsu_net_save_safetensors(const tsu_net *net, const char *path, tsu_diag *diag);
/* Errors name the file and the tensor (missing, a value of the wrong type,
 * shape mismatch, bad offsets, truncated). Nothing is changed unless the
 * whole file is good. */
tsu_status tsu_net_load_safetensors(tsu_net *net, const char *path, tsu_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
