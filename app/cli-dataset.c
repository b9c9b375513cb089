/* cli-dataset.c — `tsumiki-cli dataset create`: a folder of class folders
 * of pictures made into a dataset a project can train on. */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const dataset_usage = N_(
    "usage: tsumiki-cli dataset create FOLDER --size WxH --out DIR [--grayscale]\n"
    "                                  [--fit crop|pad|stretch] [--validation FRACTION --seed N]\n"
    "  FOLDER holds one subfolder of pictures (PNG, JPEG, BMP) per class; sorted folder\n"
    "  names are the class indices. DIR receives images/, training.csv, validation.csv\n"
    "  (with --validation) and dataset.json. --fit defaults to crop.\n");

static bool parse_size(const char *text, int *w, int *h)
{
    char *end;
    long a = text ? strtol(text, &end, 10) : 0;
    if (!text || (*end != 'x' && *end != 'X')) return false;
    long b = strtol(end + 1, &end, 10);
    if (*end || a < 1 || b < 1 || a > 4096 || b > 4096) return false;
    *w = (int)a, *h = (int)b;
    return true;
}

static bool parse_fraction(const char *text, double *out)
{
    char *end;
    double v = text ? strtod(text, &end) : 0;
    if (!text || *end || !(v > 0 && v < 1)) return false;
    *out = v;
    return true;
}

static bool parse_create(int argc, char **argv, tsu_folder_options *o)
{
    *o = (tsu_folder_options){.prep.fit = TSU_FIT_CROP};
    bool sized = false, seeded = false;
    for (int i = 2; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        const char *opt = argv[i];
        if (!strcmp(opt, "--size")) {
            if (!(sized = parse_size(value, &o->prep.width, &o->prep.height))) {
                fprintf(stderr, _("tsumiki-cli: --size expects WxH (1 to 4096 each), got \"%s\"\n"),
                        value ? value : "");
                return false;
            }
            i++;
        } else if (!strcmp(opt, "--out") && value) o->out_dir = argv[++i];
        else if (!strcmp(opt, "--grayscale")) o->prep.grayscale = true;
        else if (!strcmp(opt, "--fit")) {
            if (!tsu_fit_parse(value, &o->prep.fit)) {
                fprintf(stderr, _("tsumiki-cli: --fit expects crop, pad or stretch, got \"%s\"\n"),
                        value ? value : "");
                return false;
            }
            i++;
        } else if (!strcmp(opt, "--validation")) {
            if (!parse_fraction(value, &o->validation)) {
                fprintf(stderr, _("tsumiki-cli: --validation expects a fraction between 0 and 1 "
                                  "(e.g. 0.2), got \"%s\"\n"), value ? value : "");
                return false;
            }
            i++;
        } else if (!strcmp(opt, "--seed")) {
            int seed;
            if (!cli_parse_positive("--seed", value, &seed)) return false;
            o->seed = (uint64_t)seed;
            seeded = true;
            i++;
        } else if (opt[0] != '-' && !o->folder) o->folder = opt;
        else {
            fputs(_(dataset_usage), stderr);
            return false;
        }
    }
    if (!o->folder || !o->out_dir || !sized) {
        fputs(_(dataset_usage), stderr);
        return false;
    }
    if (o->validation > 0 && !seeded) {
        fprintf(stderr, _("tsumiki-cli: --validation needs --seed N (which pictures are held out)\n"));
        return false;
    }
    return true;
}

/* A bar redrawn in place on a terminal; plain lines every 10% otherwise. */
static void show_progress(void *user, int done, int total)
{
    bool tty = *(bool *)user;
    if (tty) {
        int filled = total ? 30 * done / total : 30;
        fprintf(stderr, "\r[%.*s%*s] %d/%d", filled, "==============================",
                30 - filled, "", done, total);
        if (done == total) fputc('\n', stderr);
    } else if (done == total || (total >= 10 && done % (total / 10) == 0)) {
        fprintf(stderr, _("%d/%d pictures\n"), done, total);
    }
}

/* Ctrl+C stops the builder after the picture at hand, which leaves DIR as
 * it was instead of a killed process leaving it half written. */
static volatile int interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int dataset_create(int argc, char **argv)
{
    tsu_folder_options o;
    if (!parse_create(argc, argv, &o)) return 2;
    bool tty = isatty(STDERR_FILENO);
    o.progress = show_progress;
    o.user = &tty;
    o.cancel = &interrupted;
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_folder_report r;
    tsu_status st = tsu_folder_dataset_create(&o, &r, &diag);
    for (int i = 0; i < r.n_failed; i++) fprintf(stderr, _("skipped %s\n"), r.failed[i]);
    if (st == TSU_OK) {
        for (int c = 0; c < r.n_classes; c++)
            printf(_("class %d %s: %d pictures\n"), c, r.classes[c], r.per_class[c]);
        printf(_("%d training and %d validation samples of %s %dx%d (%s) in %s; "
                 "%d unreadable pictures skipped, %d other entries ignored\n"),
               r.training, r.validation, o.prep.grayscale ? "grayscale" : "RGB", o.prep.width,
               o.prep.height, tsu_fit_name(o.prep.fit), o.out_dir, r.n_failed, r.not_images);
    } else {
        if (tty && st == TSU_E_STOPPED) fputc('\n', stderr); /* after the bar */
        tsu_diag_print(&diag, stderr);
    }
    tsu_folder_report_clear(&r);
    tsu_diag_free(&diag);
    return st == TSU_OK ? 0 : 1;
}

int cli_dataset(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "create")) return dataset_create(argc, argv);
    fputs(_(dataset_usage), stderr);
    return 2;
}
