/* bench-depthwise.c — one DepthwiseConvolution layer timed on random data,
 * forward (inference net) and forward+backward with the input's gradient
 * (not a test; bench/depthwise-vs-pytorch runs it beside PyTorch):
 *   bench-depthwise BATCH THREADS CHANNELS SIZE KERNEL STRIDE MULTIPLIER ITERATIONS
 * Prints "inference_ms T training_ms T cpu_ms I T": milliseconds per batch,
 * then the process's CPU milliseconds per batch (steadier on a busy
 * machine). */
#include "tsumiki.h"
#include "runtime/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

static double cpu_now(void)
{
    return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static tsu_net *make_net(tsu_graph *graph, int batch, int threads, bool training, tsu_diag *diag)
{
    tsu_net_config cfg = {.max_batch = batch, .threads = threads, .seed = 1, .training = training};
    tsu_net *net = tsu_net_new(graph, &cfg, diag);
    if (!net) {
        tsu_diag_print(diag, stderr);
        exit(1);
    }
    return net;
}

static void fill(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] = (float)rand() / RAND_MAX - 0.5f;
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: bench-depthwise BATCH THREADS CHANNELS SIZE KERNEL STRIDE "
                        "MULTIPLIER ITERATIONS\n");
        return 2;
    }
    int a[8];
    for (int i = 0; i < 8; i++) a[i] = atoi(argv[i + 1]);
    const int batch = a[0], threads = a[1], c = a[2], size = a[3], k = a[4], stride = a[5];
    const int multiplier = a[6], iterations = a[7];
    char text[1024];
    /* Training adds a loss (PyTorch's side computes one too); inference runs
     * the layer alone. */
    int n = snprintf(text, sizeof text,
             "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"dw\", \"network\": "
             "{\"nodes\": [{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [%d, %d, %d]}},"
             "{\"id\": \"dw\", \"type\": \"DepthwiseConvolution\", \"inputs\": [\"x\"], \"params\": "
             "{\"kernel\": [%d, %d], \"pad\": [%d, %d], \"stride\": [%d, %d], \"multiplier\": %d}}",
             c, size, size, k, k, k / 2, k / 2, stride, stride, multiplier);
    char infer_text[sizeof text + 8];
    snprintf(infer_text, sizeof infer_text, "%s]}}", text);
    snprintf(text + n, sizeof text - (size_t)n,
             ",{\"id\": \"loss\", \"type\": \"SquaredError\", \"inputs\": [\"dw\"]}]}}");
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_parse(text, strlen(text), "dw", &diag);
    tsu_graph *graph = project ? tsu_graph_build(project, &diag) : NULL;
    if (!graph || !tsu_graph_valid(graph)) {
        tsu_diag_print(&diag, stderr);
        return 1;
    }
    tsu_project *infer_project = tsu_project_parse(infer_text, strlen(infer_text), "dw", &diag);
    tsu_graph *infer_graph = infer_project ? tsu_graph_build(infer_project, &diag) : NULL;
    if (!infer_graph || !tsu_graph_valid(infer_graph)) {
        tsu_diag_print(&diag, stderr);
        return 1;
    }
    tsu_net *net = make_net(graph, batch, threads, true, &diag);
    tsu_net *inet = make_net(infer_graph, batch, threads, false, &diag);
    tsu_net_set_input_gradients(net, true);
    srand(1);
    const size_t in_size = (size_t)batch * c * size * size;
    fill(tsu_net_input(net, "x"), in_size);
    memcpy(tsu_net_input(inet, "x"), tsu_net_input(net, "x"), in_size * sizeof(float));
    fill(tsu_net_target(net, "y"), (size_t)batch * tsu_net_target_size(net, "y"));
    for (int i = 0; i < tsu_net_tensor_count(net); i++)
        memcpy(tsu_net_tensor_at(inet, i)->data, tsu_net_tensor_at(net, i)->data,
               tsu_net_tensor_at(net, i)->size * sizeof(float));
    /* One warm-up pass each, then the timed ones. */
    tsu_net_forward(inet, batch, false, &diag);
    double t0 = now(), c0 = cpu_now();
    for (int it = 0; it < iterations; it++) tsu_net_forward(inet, batch, false, &diag);
    double t1 = now(), c1 = cpu_now();
    tsu_net_forward(net, batch, true, &diag);
    tsu_net_backward(net, batch, &diag);
    double t2 = now(), c2 = cpu_now();
    for (int it = 0; it < iterations; it++) {
        tsu_net_forward(net, batch, true, &diag);
        tsu_net_backward(net, batch, &diag);
    }
    double t3 = now(), c3 = cpu_now();
    printf("inference_ms %.4f training_ms %.4f cpu_ms %.4f %.4f\n",
           1e3 * (t1 - t0) / iterations, 1e3 * (t3 - t2) / iterations,
           1e3 * (c1 - c0) / iterations, 1e3 * (c3 - c2) / iterations);
    tsu_net_free(inet);
    tsu_net_free(net);
    tsu_graph_free(graph);
    tsu_graph_free(infer_graph);
    tsu_project_free(project);
    tsu_project_free(infer_project);
    tsu_diag_free(&diag);
    return 0;
}
