/* fixture.h — the networks the export tests run through every format:
 * the seed CNN, a branching network touching every layer kind, an MLP
 * with a Sigmoid output, and two networks of the kinds of modern CNNs
 * (activations, squeeze-and-excitation, LayerNormalization, broadcasting). Each is trained a few SGD steps on random data so
 * that weights and BatchNormalization statistics are not their initial
 * values. */
#ifndef TSU_EXPORT_FIXTURE_H
#define TSU_EXPORT_FIXTURE_H

#include "tsumiki.h"

#define FX_BATCH 4

typedef struct {
    const char *name;          /* "cnn", "branch", "mlp", "modern", "norm"; "toy" when linked
                                * with toy-layer.c; "example_NAME":
                                * resources/examples/NAME.tsumiki, _ for - */
    tsu_project *project;
    tsu_graph *graph;
    tsu_net *net;              /* trained, max_batch >= FX_BATCH */
    float *input;              /* FX_BATCH samples, all Inputs concatenated per sample */
    size_t in_size;            /* values per sample */
} fx_net;

extern const char *const fx_names[];  /* NULL-terminated */

/* Builds and trains; aborts with the diagnostics on any failure. */
void fx_build(const char *name, fx_net *fx);
void fx_free(fx_net *fx);

/* Inference forward of n samples of `input` (concatenated per sample as in
 * fx_net.input) through net; returns the outputs of the export plan,
 * concatenated per sample, malloc'd, with the values per sample. */
float *fx_infer(tsu_net *net, const tsu_graph *graph, const float *input, int n,
                size_t *out_size);

/* The export plan's outputs: count and ids. */
int fx_output_count(const tsu_graph *graph);
const char *fx_output_id(const tsu_graph *graph, int index);

#endif
