/* cli-eval.c — `tsumiki-cli eval`: accuracy, confusion matrix and
 * per-class precision, recall and F1 of trained weights. */
#include "cli.h"

#include <string.h>

static const char *const eval_usage = N_(
    "usage: tsumiki-cli eval FILE --weights W [--split validation|training] [--outputs OUT.csv]\n"
    "                         [--threads N]\n");

typedef struct {
    const char *path, *weights, *split, *outputs;
    int threads;
} eval_options;

static bool parse_eval(int argc, char **argv, eval_options *o)
{
    *o = (eval_options){.split = "validation", .threads = 1};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--weights") && value) o->weights = argv[++i];
        else if (!strcmp(argv[i], "--split") && value) o->split = argv[++i];
        else if (!strcmp(argv[i], "--outputs") && value) o->outputs = argv[++i];
        else if (!strcmp(argv[i], "--threads")) {
            if (!cli_parse_positive("--threads", value, &o->threads)) return false;
            i++;
        } else if (argv[i][0] != '-' && !o->path) o->path = argv[i];
        else {
            fputs(_(eval_usage), stderr);
            return false;
        }
    }
    if (strcmp(o->split, "validation") && strcmp(o->split, "training")) {
        fprintf(stderr, _("tsumiki-cli: --split is \"validation\" or \"training\", not \"%s\"\n"),
                o->split);
        return false;
    }
    if (!o->path || !o->weights) fputs(_(eval_usage), stderr);
    return o->path && o->weights;
}

static void print_confusion(const tsu_confusion *cm)
{
    printf(_("\nConfusion matrix (rows: label, columns: prediction)\n      "));
    for (int p = 0; p < cm->classes; p++) printf("%7d", p);
    printf("\n");
    for (int l = 0; l < cm->classes; l++) {
        printf("%5d ", l);
        for (int p = 0; p < cm->classes; p++) printf("%7lld", (long long)cm->counts[l * cm->classes + p]);
        printf("\n");
    }
    printf(_("\nclass  precision  recall      F1\n"));
    for (int c = 0; c < cm->classes; c++)
        printf("%5d  %9.4f  %6.4f  %6.4f\n", c, tsu_confusion_precision(cm, c),
               tsu_confusion_recall(cm, c), tsu_confusion_f1(cm, c));
}

int cli_eval(int argc, char **argv)
{
    eval_options o;
    if (!parse_eval(argc, argv, &o)) return 2;
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_load(o.path, &diag);
    tsu_eval_result r = {0};
    tsu_eval_options eo = {.split = o.split, .threads = o.threads, .keep_outputs = o.outputs != NULL};
    tsu_status st = project ? tsu_eval_run(project, o.weights, &eo, &r, &diag) : tsu_diag_status(&diag);
    if (st == TSU_OK && o.outputs) st = tsu_eval_write_outputs(&r, o.outputs, &diag);
    if (st == TSU_OK) {
        char speed[32];
        /* TRANSLATORS: the first %s is "validation" or "training". */
        printf(ngettext_("%s data: %d samples, loss %.4f, inference %s images/s (batch 256, %d "
                         "thread)\n",
                         "%s data: %d samples, loss %.4f, inference %s images/s (batch 256, %d "
                         "threads)\n",
                         (unsigned long)o.threads),
               strcmp(o.split, "training") ? _("validation") : _("training"), r.samples, r.loss,
               cli_group_digits((uint64_t)r.images_per_second, speed, sizeof speed), o.threads);
        if (r.classification) {
            printf(_("Accuracy: %.2f%%\n"), 100 * tsu_confusion_accuracy(&r.confusion));
            print_confusion(&r.confusion);
        } else {
            printf(_("Mean squared error: %.6g\n"), r.mean_squared_error);
        }
        if (o.outputs) printf(_("\nOutputs written to %s\n"), o.outputs);
    } else {
        tsu_diag_print(&diag, stderr);
    }
    tsu_eval_result_free(&r);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    return st == TSU_OK ? 0 : 1;
}
