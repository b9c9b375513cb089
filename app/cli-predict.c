/* cli-predict.c — `tsumiki-cli predict`: trained weights over a NumPy
 * array of samples, each output of the network to its own .npy file. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char predict_usage[] =
    "usage: tsumiki-cli predict FILE --weights W --input X.npy --output Y.npy [--output Y2.npy ...]\n"
    "                            [--threads N]\n"
    "  X.npy: float32, batch first, each sample the Input node's shape. One --output per\n"
    "  network output, in the order `tsumiki-cli export` writes them.\n";

typedef struct {
    const char *path, *weights, *input;
    const char **outputs;
    int n_outputs, threads;
} predict_options;

static bool parse_predict(int argc, char **argv, predict_options *o)
{
    *o = (predict_options){.threads = 1, .outputs = calloc((size_t)argc, sizeof(char *))};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--weights") && value) o->weights = argv[++i];
        else if (!strcmp(argv[i], "--input") && value) o->input = argv[++i];
        else if (!strcmp(argv[i], "--output") && value) o->outputs[o->n_outputs++] = argv[++i];
        else if (!strcmp(argv[i], "--threads")) {
            if (!cli_parse_positive("--threads", value, &o->threads)) return false;
            i++;
        } else if (argv[i][0] != '-' && !o->path) o->path = argv[i];
        else {
            fputs(predict_usage, stderr);
            return false;
        }
    }
    bool complete = o->path && o->weights && o->input && o->n_outputs > 0;
    if (!complete) fputs(predict_usage, stderr);
    return complete;
}

int cli_predict(int argc, char **argv)
{
    predict_options o;
    if (!parse_predict(argc, argv, &o)) {
        free(o.outputs);
        return 2;
    }
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_load(o.path, &diag);
    tsu_status st = project ? tsu_predict_npy(project, o.weights, o.input, o.n_outputs,
                                              o.outputs, o.threads, &diag)
                            : tsu_diag_status(&diag);
    if (st == TSU_OK)
        for (int i = 0; i < o.n_outputs; i++) printf("wrote %s\n", o.outputs[i]);
    else
        tsu_diag_print(&diag, stderr);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    free(o.outputs);
    return st == TSU_OK ? 0 : 1;
}
