/* binding.h — how a net's inputs and loss targets map to a dataset's
 * variables, shared by the trainer and evaluation. */
#ifndef TSU_BINDING_H
#define TSU_BINDING_H

#include "tsu-internal.h"

#define TSU_BINDING_MAX 8

typedef enum {
    TSU_TASK_CLASSES,    /* argmax over the prediction vs a class index */
    TSU_TASK_BINARY,     /* prediction > threshold vs a 0/1 target */
    TSU_TASK_REGRESSION, /* no accuracy */
} tsu_task;

typedef struct {
    int var;        /* dataset variable index */
    float *buffer;  /* the net's buffer, [max_batch * size] */
    size_t size;    /* values per sample */
} tsu_bound_var;

typedef struct {
    const tsu_dataset *dataset;
    tsu_bound_var inputs[TSU_BINDING_MAX], targets[TSU_BINDING_MAX];
    int n_inputs, n_targets;
    tsu_task task;
    float threshold;          /* binary: 0.5 on probabilities, 0 on logits */
    const char *prediction;   /* id of the node feeding the first loss */
    size_t prediction_size;
    int label_var;            /* the first loss's target variable */
    int classes;              /* TSU_TASK_CLASSES: prediction size; binary: 2 */
} tsu_binding;

/* Checks that every Input and loss variable exists in the dataset with a
 * matching size and that labels fit the outputs; `context` names the
 * dataset in messages ("dataset.training"). */
tsu_status tsu_binding_init(tsu_binding *b, const tsu_graph *graph, tsu_net *net,
                            const tsu_dataset *dataset, const char *context, tsu_diag *diag);
/* Copies samples indices[0..n) into the net's input and target buffers. */
void tsu_binding_fill(const tsu_binding *b, const int *indices, int n);
/* The predicted class of sample i of the last forward (binary: 0 or 1). */
int tsu_binding_predict(const tsu_binding *b, const tsu_net *net, int i);
/* The label of sample i of the last fill. */
int tsu_binding_label(const tsu_binding *b, int i);
/* Correct predictions among the first n samples of the last forward. */
int tsu_binding_correct(const tsu_binding *b, const tsu_net *net, int n);

#endif
