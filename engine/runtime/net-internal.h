/* net-internal.h — the tsu_net struct, shared by the runtime's files. */
#ifndef TSU_NET_INTERNAL_H
#define TSU_NET_INTERNAL_H

#include "runtime/pool.h"
#include "runtime/runtime.h"

typedef struct {
    char variable[TSU_ID_MAX];
    float *data;
    size_t size;          /* per sample */
} tsu_net_feed;

/* One call in a pass: a layer's stage, after a barrier or not. */
typedef struct {
    int run, stage;
    bool barrier_before;
    bool whole_range;       /* runs alone, over all the thread's samples */
} tsu_step;

struct tsu_net {
    const tsu_graph *graph;
    tsu_net_config cfg;
    int n_threads;
    int n_runs;
    tsu_layer_run *runs;            /* topological order */
    unsigned char *arena;           /* every buffer below points into it */
    size_t arena_bytes;
    int n_tensors;
    tsu_net_tensor *tensors;
    size_t trainable_floats;        /* per-thread gradient accumulators hold this many */
    float **thread_work;            /* [n_threads] */
    tsu_exec *exec;                 /* [n_threads] */
    int n_inputs, n_targets;
    tsu_net_feed *inputs, *targets;
    tsu_pool *pool;
    void *link_memory;              /* per-run input/gradient pointer arrays */
    int batch;                      /* of the last forward */
    bool forward_training;          /* mode of the last forward */
    bool backward_ready;            /* a training forward happened since the last backward */
    uint64_t step, forward_step;
    bool input_gradients;
    double loss;
    int first_loss;                 /* run index, -1 if none */
    tsu_step *forward_steps, *backward_steps, *infer_steps;
    int n_forward_steps, n_backward_steps, n_infer_steps;
    int chunk_samples;              /* samples per chunk between barriers */
};

/* Plans the arena and links the runs (net.c). */
bool tsu_net_plan(tsu_net *net, tsu_diag *diag);
/* The forward and backward step lists (exec.c); again after the set of
 * layers taking part in backward changes. */
void tsu_net_schedule(tsu_net *net);
/* Deterministic initial values for every tensor (init.c). */
void tsu_net_init_weights(tsu_net *net);

#endif
