/* runtime.h — the contract between the network runtime and the layer files.
 *
 * Execution model: the batch is split into one contiguous range of samples
 * per worker thread, and every thread runs the whole network over its own
 * samples. Most layers never look beyond their samples, so threads need no
 * synchronisation between them; a layer that does (BatchNormalization's batch
 * statistics) splits its pass into stages and the runtime puts a barrier
 * between stages. Parameter gradients accumulate into per-thread buffers that
 * the runtime sums in thread order at the end of backward, so the same seed
 * and thread count give bit-identical results. */
#ifndef TSU_RUNTIME_H
#define TSU_RUNTIME_H

#include "tsu-internal.h"
#include "tsumiki-net.h"

#define TSU_MAX_THREADS 64

typedef struct tsu_layer_run tsu_layer_run;
typedef struct tsu_exec tsu_exec;

/* One node's buffers inside the net's arena. Activations are [batch, size],
 * samples contiguous, NCHW within a sample. */
struct tsu_layer_run {
    const tsu_node *node;
    int index;                  /* topological position */
    int n_inputs;
    const float **in;           /* [n_inputs] input activations */
    size_t *in_size;            /* [n_inputs] values per sample */
    float **din;                /* [n_inputs] input gradients, NULL when not needed */
    bool *din_accumulate;       /* [n_inputs] add to din (another consumer wrote first) */
    float *out, *dout;          /* output and its gradient (dout NULL in inference nets) */
    size_t out_size;
    float *data[TSU_MAX_TENSORS];       /* parameter values, node->tensors order */
    float *grad[TSU_MAX_TENSORS];       /* reduced gradients (NULL if not trainable) */
    float **thread_grad;        /* [n_threads * TSU_MAX_TENSORS] per-thread accumulators */
    size_t tensor_size[TSU_MAX_TENSORS];
    unsigned char *aux;         /* per-sample state kept for backward */
    size_t aux_bytes;           /* per sample */
    void *shared;               /* batch-wide scratch (statistics partials) */
    float *target;              /* losses: [batch, target_size] */
    size_t target_size;
    const tsu_layer_run *fused; /* loss: the Softmax/Sigmoid it differentiates through */
    bool fused_into_loss;       /* Softmax/Sigmoid: the loss writes our input gradient */
    /* BatchNormalization whose output feeds only a ReLU: the BN computes the
     * ReLU's output in the same pass, and its backward takes the ReLU's
     * output gradient (masked by the ReLU's output) instead of its own
     * dout, which stays unwritten. The ReLU's own passes are skipped. */
    const tsu_layer_run *relu_after;
    bool fused_into_producer;   /* ReLU: its BatchNormalization runs it (relu_after) */
    bool backward_needed;       /* on a path from a trainable tensor to a loss */
};

/* One thread's view of a pass.
 *
 * Between two barriers the runtime walks the thread's samples in small
 * chunks, each through all the layers of that stretch, so a sample's
 * activations are still in cache when the next layer reads them. An op is
 * therefore called once per chunk with [n0, n1) set to the chunk (possibly
 * empty: every op runs at least once per stage); first_chunk marks the first
 * call of the stage, where per-thread accumulators start. */
struct tsu_exec {
    int thread, n_threads;
    int batch;                  /* the whole batch */
    int n0, n1;                 /* the samples of this call */
    int range_n0, range_n1;     /* all of this thread's samples */
    bool first_chunk;
    bool training;
    uint64_t seed, step;        /* Dropout masks derive from these */
    float *work;                /* per-thread scratch of the largest work_floats */
    /* First data error of this thread (a label out of range). */
    tsu_status error;
    char error_node[TSU_ID_MAX];
    char error_message[256];
};

struct tsu_layer_ops {
    int forward_stages;         /* 0 means 1; a barrier separates stages */
    int backward_stages;
    /* Called once per stage with all the thread's samples rather than per
     * chunk: layers whose sgemm packs a large weight matrix per call. */
    bool whole_range;
    /* In inference, forward stages before the last do nothing (they gather
     * training statistics): only the last runs, with no barrier. */
    bool stages_train_only;
    /* Per-thread scratch floats (NULL: none). */
    size_t (*work_floats)(const tsu_node *node);
    /* Bytes per sample kept from forward for backward (NULL: none); nets
     * made for inference only pass training = false. */
    size_t (*aux_bytes)(const tsu_node *node, bool training);
    /* Batch-wide scratch bytes, given the thread count (NULL: none). */
    size_t (*shared_bytes)(const tsu_node *node, int n_threads);
    /* Losses: target values per sample. */
    size_t (*target_floats)(const tsu_node *node);
    /* Fan-in and fan-out of "weight" for initialisation (NULL: weight = 1). */
    void (*fans)(const tsu_node *node, int *fan_in, int *fan_out);
    /* Without fans, "weight" starts at this value when it is not 0 (PReLU's
     * slopes at 0.25, as PyTorch's nn.PReLU); 0 keeps gamma-like 1. */
    float weight_fill;
    void (*forward)(tsu_layer_run *run, tsu_exec *ex, int stage);
    void (*backward)(tsu_layer_run *run, tsu_exec *ex, int stage);
};

/* This thread's gradient accumulator for tensor k (zeroed before backward). */
static inline float *tsu_run_grad(const tsu_layer_run *run, const tsu_exec *ex, int k)
{
    return run->thread_grad[ex->thread * TSU_MAX_TENSORS + k];
}

/* Records a data error on the thread (the first one wins). */
void tsu_exec_fail(tsu_exec *ex, const tsu_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stores v, or adds it when accumulating into a gradient another consumer
 * already wrote. */
static inline void tsu_put(float *dst, float v, bool accumulate)
{
    *dst = accumulate ? *dst + v : v;
}

/* ---------------------------------------------------- internal net API */

/* Dropout masks use the step counter; backward advances it. Tests pin it to
 * compare passes with the same masks. */
void tsu_net_set_step(tsu_net *net, uint64_t step);
uint64_t tsu_net_step(const tsu_net *net);
/* Also compute gradients for Input nodes (gradient checks). Call before the
 * first backward. */
void tsu_net_set_input_gradients(tsu_net *net, bool enabled);
/* The gradient of a node's output after backward, or NULL. */
const float *tsu_net_output_grad(const tsu_net *net, const char *node_id);

#endif
