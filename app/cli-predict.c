/* cli-predict.c — `tsumiki-cli predict`: trained weights over a NumPy
 * array of samples, each output of the network to its own .npy file; or
 * over pictures, one line per picture with its most likely classes. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *const predict_usage = N_(
    "usage: tsumiki-cli predict FILE --weights W --input X.npy --output Y.npy [--output Y2.npy ...]\n"
    "                            [--threads N]\n"
    "       tsumiki-cli predict FILE --weights W IMAGE|DIR... [--top K] [--output OUT.csv]\n"
    "                            [--threads N]\n"
    "  X.npy: float32, batch first, each sample the Input node's shape. One --output per\n"
    "  network output, in the order `tsumiki-cli export` writes them.\n"
    "  Pictures (PNG, JPEG, BMP; a directory's pictures) are prepared the way the project's\n"
    "  dataset was made (its dataset.json) and printed as: path, class, probability.\n");

typedef struct {
    const char *path, *weights, *input;
    const char **outputs, **images;
    int n_outputs, n_images, threads, top;
} predict_options;

static bool parse_predict(int argc, char **argv, predict_options *o)
{
    *o = (predict_options){.threads = 1, .top = 1,
                           .outputs = calloc((size_t)argc, sizeof(char *)),
                           .images = calloc((size_t)argc, sizeof(char *))};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--weights") && value) o->weights = argv[++i];
        else if (!strcmp(argv[i], "--input") && value) o->input = argv[++i];
        else if (!strcmp(argv[i], "--output") && value) o->outputs[o->n_outputs++] = argv[++i];
        else if (!strcmp(argv[i], "--threads") || !strcmp(argv[i], "--top")) {
            if (!cli_parse_positive(argv[i], value, argv[i][2] == 't' && argv[i][3] == 'h'
                                                        ? &o->threads : &o->top))
                return false;
            i++;
        } else if (argv[i][0] != '-' && !o->path) o->path = argv[i];
        else if (argv[i][0] != '-') o->images[o->n_images++] = argv[i];
        else {
            fputs(_(predict_usage), stderr);
            return false;
        }
    }
    bool complete = o->path && o->weights &&
                    (o->input ? o->n_outputs > 0 && o->n_images == 0
                              : o->n_images > 0 && o->n_outputs <= 1);
    if (!complete) fputs(_(predict_usage), stderr);
    return complete;
}

static tsu_status predict_images(const tsu_project *project, const predict_options *o,
                                 tsu_diag *diag)
{
    tsu_image_predictions p;
    tsu_status st = tsu_predict_images(project, o->weights, o->images, o->n_images, o->threads,
                                       &p, diag);
    if (st == TSU_OK && o->n_outputs == 1) {
        st = tsu_image_predictions_write_csv(&p, o->top, o->outputs[0], diag);
        if (st == TSU_OK) printf(_("wrote %s (%d pictures)\n"), o->outputs[0], p.n_images);
    } else if (st == TSU_OK)
        tsu_image_predictions_print(&p, o->top, stdout);
    tsu_image_predictions_clear(&p);
    return st;
}

int cli_predict(int argc, char **argv)
{
    predict_options o;
    if (!parse_predict(argc, argv, &o)) {
        free(o.outputs);
        free(o.images);
        return 2;
    }
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_load(o.path, &diag);
    tsu_status st = !project ? tsu_diag_status(&diag)
                    : o.input ? tsu_predict_npy(project, o.weights, o.input, o.n_outputs,
                                                o.outputs, o.threads, &diag)
                              : predict_images(project, &o, &diag);
    if (st == TSU_OK && o.input)
        for (int i = 0; i < o.n_outputs; i++) printf(_("wrote %s\n"), o.outputs[i]);
    else if (st != TSU_OK)
        tsu_diag_print(&diag, stderr);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    free(o.outputs);
    free(o.images);
    return st == TSU_OK ? 0 : 1;
}
