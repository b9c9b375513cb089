/* cli-export.c — `tsumiki-cli export`: trained weights out to ONNX, C
 * source, a PyTorch folder or a Markdown model card. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const export_usage = N_(
    "usage: tsumiki-cli export FILE --format onnx|c|pytorch|card --out PATH\n"
    "                           [--weights W.safetensors | --untrained] [--name NAME]\n"
    "                           [--history history.csv]\n"
    "  --out is a file for onnx and card, a directory for c and pytorch.\n"
    "  Without --weights, the newest run's weights (FILE.runs/*/weights.safetensors).\n"
    "  --name: the C prefix (NAME_predict), by default from FILE.\n");

typedef struct {
    const char *path, *format, *out, *weights, *name, *history;
    bool untrained;
} export_options;

static bool parse_export(int argc, char **argv, export_options *o)
{
    *o = (export_options){0};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--format") && value) o->format = argv[++i];
        else if (!strcmp(argv[i], "--out") && value) o->out = argv[++i];
        else if (!strcmp(argv[i], "--weights") && value) o->weights = argv[++i];
        else if (!strcmp(argv[i], "--name") && value) o->name = argv[++i];
        else if (!strcmp(argv[i], "--history") && value) o->history = argv[++i];
        else if (!strcmp(argv[i], "--untrained")) o->untrained = true;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(_(export_usage), stdout);
            exit(0);
        }
        else if (argv[i][0] != '-' && !o->path) o->path = argv[i];
        else {
            fputs(_(export_usage), stderr);
            return false;
        }
    }
    if (!o->path || !o->format || !o->out) {
        fputs(_(export_usage), stderr);
        return false;
    }
    const char *formats[] = {"onnx", "c", "pytorch", "card"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcmp(o->format, formats[i])) return true;
    fprintf(stderr, _("tsumiki-cli: --format is onnx, c, pytorch or card, not \"%s\"\n"), o->format);
    return false;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The history.csv of the run the weights came from, or NULL. malloc'd. */
static char *history_beside(const char *weights)
{
    const char *slash = strrchr(weights, '/');
    char *run_dir = slash ? strndup(weights, (size_t)(slash - weights)) : strdup(".");
    if (!run_dir) return NULL;
    char *history = tsu_run_path(run_dir, TSU_RUN_HISTORY);
    free(run_dir);
    if (is_file(history)) return history;
    free(history);
    return NULL;
}

/* "fashion-mnist-cnn.tsumiki" -> "fashion_mnist_cnn" */
static void default_name(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t o = 0;
    if (*base >= '0' && *base <= '9') name[o++] = 'm';
    for (const char *p = base; *p && *p != '.' && o + 1 < size; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        name[o++] = ok ? *p : '_';
    }
    if (o == 0) name[o++] = 'm';
    name[o] = '\0';
}

int cli_export(int argc, char **argv)
{
    export_options o;
    if (!parse_export(argc, argv, &o)) return 2;
    tsu_diag diag;
    tsu_diag_init(&diag);
    int rc = 1;
    char *found = NULL;
    tsu_net *net = NULL;
    tsu_graph *graph = NULL;
    tsu_project *project = tsu_project_load(o.path, &diag);
    if (!project) goto out;
    graph = tsu_graph_build(project, &diag);
    if (!graph || !tsu_graph_valid(graph)) goto out;

    const char *weights = o.weights;
    bool card = !strcmp(o.format, "card");
    if (!weights && !o.untrained) {
        weights = found = tsu_runs_newest_weights(o.path);
        /* A card without a run simply has no history. */
        if (!weights && !card) {
            fprintf(stderr, _("tsumiki-cli: %s has no trained run; pass --weights W.safetensors "
                              "(or --untrained to export the initial weights)\n"), o.path);
            goto out;
        }
        if (weights) fprintf(stderr, _("using %s\n"), weights);
    }

    tsu_status st;
    if (card) {
        char *history = !o.history && weights ? history_beside(weights) : NULL;
        st = tsu_export_model_card(project, graph, o.history ? o.history : history, o.out, &diag);
        free(history);
    } else {
        tsu_train_config cfg;
        if (tsu_train_config_read(project, &cfg, &diag) != TSU_OK) goto out;
        tsu_net_config ncfg = {.max_batch = 1, .threads = 1, .seed = cfg.seed, .training = false};
        net = tsu_net_new(graph, &ncfg, &diag);
        if (!net) goto out;
        if (weights && tsu_net_load_safetensors(net, weights, &diag) != TSU_OK) goto out;
        if (!strcmp(o.format, "onnx")) {
            st = tsu_export_onnx(project, graph, net, o.out, &diag);
        } else if (!strcmp(o.format, "c")) {
            char name[64];
            if (o.name) snprintf(name, sizeof name, "%s", o.name);
            else default_name(o.path, name, sizeof name);
            st = tsu_export_c(graph, net, o.out, name, &diag);
            if (st == TSU_OK) printf(_("%s/%s.c, %s/%s.h: int %s_predict(const float *input, float *output)\n"),
                                     o.out, name, o.out, name, name);
        } else {
            st = tsu_export_pytorch(project, graph, net, o.out, &diag);
            if (st == TSU_OK)
                printf(_("%s: model.py, train.py, tsumiki_io.py, weights.safetensors, README.md\n"
                         "  continue training: cd %s && torchrun --nproc_per_node=N train.py\n"),
                       o.out, o.out);
        }
    }
    if (st == TSU_OK) {
        printf(_("wrote %s (%s)\n"), o.out, o.format);
        rc = 0;
    }
out:
    if (diag.count) tsu_diag_print(&diag, stderr);
    tsu_net_free(net);
    tsu_graph_free(graph);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    free(found);
    return rc;
}
