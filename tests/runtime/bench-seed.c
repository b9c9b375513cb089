/* bench-seed.c — forward+backward speed of the seed network on random data
 * (not a test; run by hand):
 *   bench-seed [batch] [threads] [training iterations] [inference iterations] [PROJECT]
 * PROJECT: another network with an input x [1, 28, 28], a target y and an
 * output prob (the ResNet example, for bench/resnet-vs-pytorch's profile). */
#include "tsumiki.h"
#include "tsumiki-net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char seed_project[] =
    "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"seed\", \"network\": "
    "{\"nodes\": ["
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [1, 28, 28]}},"
    "{\"id\": \"conv1\", \"type\": \"Convolution\", \"inputs\": [\"x\"], \"params\": "
    "{\"outmaps\": 16, \"kernel\": [5, 5], \"pad\": [2, 2]}},"
    "{\"id\": \"bn1\", \"type\": \"BatchNormalization\", \"inputs\": [\"conv1\"]},"
    "{\"id\": \"relu1\", \"type\": \"ReLU\", \"inputs\": [\"bn1\"]},"
    "{\"id\": \"pool1\", \"type\": \"MaxPooling\", \"inputs\": [\"relu1\"]},"
    "{\"id\": \"conv2\", \"type\": \"Convolution\", \"inputs\": [\"pool1\"], \"params\": "
    "{\"outmaps\": 32, \"kernel\": [5, 5], \"pad\": [2, 2]}},"
    "{\"id\": \"bn2\", \"type\": \"BatchNormalization\", \"inputs\": [\"conv2\"]},"
    "{\"id\": \"relu2\", \"type\": \"ReLU\", \"inputs\": [\"bn2\"]},"
    "{\"id\": \"pool2\", \"type\": \"MaxPooling\", \"inputs\": [\"relu2\"]},"
    "{\"id\": \"fc\", \"type\": \"Affine\", \"inputs\": [\"pool2\"], \"params\": {\"outmaps\": 10}},"
    "{\"id\": \"prob\", \"type\": \"Softmax\", \"inputs\": [\"fc\"]},"
    "{\"id\": \"loss\", \"type\": \"CategoricalCrossEntropy\", \"inputs\": [\"prob\"]}"
    "]}}";

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

/* CPU time of the whole process: on a busy machine, images per CPU-second
 * times the thread count estimates the speed on idle cores. */
static double cpu_now(void)
{
    return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

int main(int argc, char **argv)
{
    int batch = argc > 1 ? atoi(argv[1]) : 64;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    int iterations = argc > 3 ? atoi(argv[3]) : 200;
    int inference_iterations = argc > 4 ? atoi(argv[4]) : iterations;
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = argc > 5 ? tsu_project_load(argv[5], &diag)
                                    : tsu_project_parse(seed_project, strlen(seed_project),
                                                        "seed", &diag);
    tsu_graph *graph = project ? tsu_graph_build(project, &diag) : NULL;
    if (!graph) {
        tsu_diag_print(&diag, stderr);
        return 1;
    }
    tsu_net_config cfg = {.max_batch = batch, .threads = threads, .seed = 1, .training = true};
    tsu_net *net = tsu_net_new(graph, &cfg, &diag);
    if (!net) {
        tsu_diag_print(&diag, stderr);
        return 1;
    }
    float *x = tsu_net_input(net, "x"), *y = tsu_net_target(net, "y");
    srand(1);
    for (int i = 0; i < batch * 784; i++) x[i] = (float)rand() / RAND_MAX;
    for (int i = 0; i < batch; i++) y[i] = (float)(rand() % 10);
    double phases[2] = {0, 0};
    double start = now(), cpu_start = cpu_now();
    for (int it = 0; it < iterations; it++) {
        double t0 = now();
        tsu_net_forward(net, batch, true, &diag);
        double t1 = now();
        tsu_net_backward(net, batch, &diag);
        phases[0] += t1 - t0;
        phases[1] += now() - t1;
    }
    double seconds = now() - start, cpu = cpu_now() - cpu_start;
    /* A checksum of the gradients: optimisations must keep it bit for bit
     * (for the same batch and thread count). */
    unsigned long long sum = 1469598103934665603ull;
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        const tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        for (size_t j = 0; t->grad && j < t->size; j++) {
            unsigned bits;
            memcpy(&bits, &t->grad[j], sizeof bits);
            sum = (sum ^ bits) * 1099511628211ull;
        }
    }
    if (iterations > 0)
        printf("training: %.0f images/s, %.0f images per CPU-second (forward %.1f%%, backward "
           "%.1f%%), loss %.4f, gradients %016llx\n",
           iterations * batch / seconds, iterations * batch / cpu, 100 * phases[0] / seconds,
           100 * phases[1] / seconds, tsu_net_loss(net), sum);
    /* Inference on a net made for inference only, as evaluation uses, with
     * the training net's weights. */
    tsu_net_config icfg = {.max_batch = batch, .threads = threads, .seed = 1, .training = false};
    tsu_net *inet = tsu_net_new(graph, &icfg, &diag);
    for (int i = 0; i < tsu_net_tensor_count(net); i++) {
        const tsu_net_tensor *t = tsu_net_tensor_at(net, i);
        memcpy(tsu_net_tensor_at(inet, i)->data, t->data, t->size * sizeof(float));
    }
    memcpy(tsu_net_input(inet, "x"), x, (size_t)batch * 784 * sizeof(float));
    start = now();
    cpu_start = cpu_now();
    for (int it = 0; it < inference_iterations; it++) tsu_net_forward(inet, batch, false, &diag);
    double iseconds = now() - start, icpu = cpu_now() - cpu_start;
    unsigned long long osum = 1469598103934665603ull;
    const float *out = tsu_net_output(inet, "prob");
    for (int j = 0; j < batch * 10; j++) {
        unsigned bits;
        memcpy(&bits, &out[j], sizeof bits);
        osum = (osum ^ bits) * 1099511628211ull;
    }
    if (inference_iterations > 0)
        printf("inference: %.0f images/s, %.0f images per CPU-second, outputs %016llx\n",
               inference_iterations * batch / iseconds, inference_iterations * batch / icpu,
               osum);
    tsu_net_free(inet);
    tsu_net_free(net);
    tsu_graph_free(graph);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    return 0;
}
