/* cli-train.c — `tsumiki-cli train` (progress bar on a terminal, a plain
 * line per epoch otherwise) and `tsumiki-cli eval`. */
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1; /* the trainer stops within one batch and keeps its files */
}

typedef struct {
    bool tty;
    double last_draw;
} progress;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void format_duration(double seconds, char *buf, size_t size)
{
    long s = seconds > 0 && seconds < 1e8 ? (long)(seconds + 0.5) : 0;
    if (s >= 3600) snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

static void draw_bar(const tsu_train_event *e)
{
    enum { WIDTH = 24 };
    int filled = (int)((double)e->iteration / e->iterations * WIDTH);
    char bar[WIDTH * 3 + 1] = "", eta[32], speed[32];
    for (int i = 0; i < WIDTH; i++) strcat(bar, i < filled ? "█" : "░");
    format_duration(e->eta_seconds, eta, sizeof eta);
    cli_group_digits((uint64_t)e->images_per_second, speed, sizeof speed);
    /* Back to the start of the line and clear it, then the progress. */
    fputs("\r\033[K", stderr);
    fprintf(stderr, _("epoch %d/%d %s %d/%d  loss %.4f  %s img/s  ETA %s"), e->epoch,
            e->epochs, bar, e->iteration, e->iterations, e->loss, speed, eta);
    fflush(stderr);
}

static void print_epoch(const tsu_train_event *e, bool tty)
{
    char speed[32], line[256];
    size_t n = (size_t)snprintf(line, sizeof line, _("epoch %d/%d  train loss %.4f"), e->epoch,
                                e->epochs, e->train_loss);
    if (!isnan(e->train_accuracy))
        n += (size_t)snprintf(line + n, sizeof line - n, _(" acc %.2f%%"), 100 * e->train_accuracy);
    if (!isnan(e->validation_loss))
        n += (size_t)snprintf(line + n, sizeof line - n, _("  validation loss %.4f"),
                              e->validation_loss);
    if (!isnan(e->validation_accuracy))
        n += (size_t)snprintf(line + n, sizeof line - n, _(" acc %.2f%%"),
                              100 * e->validation_accuracy);
    snprintf(line + n, sizeof line - n, e->seconds < 10 ? "  %.2f s  %s img/s%s" : "  %.1f s  %s img/s%s", e->seconds,
             cli_group_digits((uint64_t)e->images_per_second, speed, sizeof speed),
             e->best ? _("  (best)") : "");
    if (tty) fprintf(stderr, "\r\033[K");
    printf("%s\n", line);
    fflush(stdout);
}

static void on_event(const tsu_train_event *e, void *user_data)
{
    progress *p = user_data;
    switch (e->kind) {
    case TSU_EVENT_STARTED:
        printf(_("Training on %d samples (validation %d), %d epochs, %d batches per epoch\n"
                 "Run directory: %s\n"),
               e->train_samples, e->validation_samples, e->epochs, e->iterations, e->run_dir);
        fflush(stdout);
        break;
    case TSU_EVENT_ITERATION:
        if (p->tty && (now_seconds() - p->last_draw > 0.1 || e->iteration == e->iterations)) {
            p->last_draw = now_seconds();
            draw_bar(e);
        }
        break;
    case TSU_EVENT_EPOCH: print_epoch(e, p->tty); break;
    case TSU_EVENT_DONE: printf(_("Done. Weights: %s/weights.safetensors\n"), e->run_dir); break;
    case TSU_EVENT_STOPPED:
        if (p->tty) fprintf(stderr, "\r\033[K");
        printf(_("Stopped. Completed epochs are saved in %s\n"), e->run_dir ? e->run_dir : "-");
        break;
    case TSU_EVENT_FAILED:
        if (p->tty) fprintf(stderr, "\r\033[K");
        break;
    }
}

static const char *const train_usage = N_(
    "usage: tsumiki-cli train FILE [--epochs N] [--batch-size N] [--limit N] [--threads N]\n"
    "                          [--seed N] [--out DIR]\n");

static bool parse_train(int argc, char **argv, const char **path, tsu_train_options *o)
{
    static const struct { const char *name; size_t offset; } ints[] = {
        {"--epochs", offsetof(tsu_train_options, epochs)},
        {"--batch-size", offsetof(tsu_train_options, batch_size)},
        {"--limit", offsetof(tsu_train_options, limit)},
        {"--threads", offsetof(tsu_train_options, threads)},
    };
    for (int i = 1; i < argc; i++) {
        bool matched = false;
        for (size_t k = 0; k < sizeof ints / sizeof ints[0] && !matched; k++) {
            if (strcmp(argv[i], ints[k].name) != 0) continue;
            if (!cli_parse_positive(ints[k].name, i + 1 < argc ? argv[i + 1] : NULL,
                                    (int *)((char *)o + ints[k].offset)))
                return false;
            matched = true;
            i++;
        }
        if (matched) continue;
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            int seed;
            if (!cli_parse_positive("--seed", argv[++i], &seed)) return false;
            o->seed = (uint64_t)seed;
            o->seed_set = true;
        } else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            o->out_dir = argv[++i];
        } else if (!strcmp(argv[i], "--help")) {
            printf("%s", _(train_usage));
            exit(0);
        } else if (argv[i][0] != '-' && !*path) {
            *path = argv[i];
        } else {
            fputs(_(train_usage), stderr);
            return false;
        }
    }
    if (!*path) fputs(_(train_usage), stderr);
    return *path != NULL;
}

int cli_train(int argc, char **argv)
{
    const char *path = NULL;
    tsu_train_options options = {.stop_requested = &interrupted};
    if (!parse_train(argc, argv, &path, &options)) return 2;
    tsu_diag diag;
    tsu_diag_init(&diag);
    tsu_project *project = tsu_project_load(path, &diag);
    tsu_status st = project ? TSU_OK : tsu_diag_status(&diag);
    if (project) {
        signal(SIGINT, on_sigint);
        progress p = {.tty = isatty(STDERR_FILENO)};
        st = tsu_train_run(project, &options, on_event, &p, &diag);
    }
    if (st != TSU_OK && st != TSU_E_STOPPED) {
        fprintf(stderr, ngettext_("%d error:\n", "%d errors:\n", (unsigned long)diag.count), diag.count);
        tsu_diag_print(&diag, stderr);
    }
    tsu_project_free(project);
    tsu_diag_free(&diag);
    return st == TSU_OK ? 0 : st == TSU_E_STOPPED ? 130 : 1;
}
