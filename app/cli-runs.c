/* cli-runs.c — `tsumiki-cli runs FILE`: the project's runs, newest first,
 * as the Training page lists them: how each ended, its epochs, its best
 * epoch's validation loss and accuracy, the name and note a person gave. */
#include "cli.h"
#include "tsu-i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const runs_usage = N_("usage: tsumiki-cli runs FILE\n");

/* How a run ended, in the reader's language (run.json keeps the English
 * names of tsu_run_status_name). */
static const char *status_label(tsu_run_status status)
{
    switch (status) {
    case TSU_RUN_STATUS_RUNNING: return _("running");
    case TSU_RUN_STATUS_FINISHED: return _("finished");
    case TSU_RUN_STATUS_STOPPED: return _("stopped");
    case TSU_RUN_STATUS_FAILED: return _("failed");
    case TSU_RUN_STATUS_UNKNOWN: break;
    }
    return "-";
}

/* The epoch with the lowest validation loss (training loss without
 * validation data); -1 without epochs. */
static int best_row(const tsu_run_history *h)
{
    int best = -1;
    double best_loss = INFINITY;
    for (int i = 0; i < h->count; i++) {
        const tsu_history_row *r = &h->rows[i];
        double loss = isnan(r->validation_loss) ? r->train_loss : r->validation_loss;
        if (best < 0 || loss < best_loss) best = i, best_loss = loss;
    }
    return best;
}

/* The columns' widths: at least the English ones, wider when a translated
 * header is. */
typedef struct {
    int status, epochs, loss, accuracy;
} columns;

static int at_least(int width, const char *header)
{
    int w = cli_columns(header);
    return w > width ? w : width;
}

static void print_run(const tsu_run *run, const columns *w)
{
    tsu_run_history history = {0};
    tsu_diag diag;
    tsu_diag_init(&diag);
    char *path = tsu_run_path(run->path, TSU_RUN_HISTORY);
    bool read = run->has[TSU_RUN_HISTORY] && tsu_run_history_load(path, &history, &diag) == TSU_OK;
    int best = read ? best_row(&history) : -1;
    char epochs[16] = "?", loss[32] = "-", accuracy[16] = "-";
    if (read || !run->has[TSU_RUN_HISTORY]) snprintf(epochs, sizeof epochs, "%d", history.count);
    if (best >= 0) {
        const tsu_history_row *r = &history.rows[best];
        bool validation = !isnan(r->validation_loss);
        double a = validation ? r->validation_accuracy : r->train_accuracy;
        snprintf(loss, sizeof loss, "%.4g%s", validation ? r->validation_loss : r->train_loss,
                 validation ? "" : _(" (train)"));
        if (!isnan(a)) snprintf(accuracy, sizeof accuracy, "%.1f%%", 100 * a);
    }
    const tsu_run_meta *m = &run->meta;
    char status[64];
    printf("%-20s %s %*s %*s %*s", run->name,
           cli_pad(status_label(m->status), w->status, false, status, sizeof status), w->epochs,
           epochs, w->loss, loss, w->accuracy, accuracy);
    if (m->name || m->note)
        printf("  %s%s%s", m->name ? m->name : "", m->name && m->note ? " — " : "", m->note ? m->note : "");
    putchar('\n');
    if (!read && run->has[TSU_RUN_HISTORY])
        printf("  %s\n", tsu_diag_message(&diag, _("cannot read history.csv")));
    if (m->reason && m->status != TSU_RUN_STATUS_FINISHED) printf("  %s\n", m->reason);
    tsu_run_history_free(&history);
    free(path);
    tsu_diag_free(&diag);
}

int cli_runs(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fputs(_(runs_usage), stderr);
        return 1;
    }
    if (access(argv[1], F_OK) != 0) {
        fprintf(stderr, _("tsumiki-cli: %s: no such project file\n"), argv[1]);
        return 1;
    }
    char *runs_dir = tsu_runs_dir(argv[1]);
    tsu_run_list list;
    tsu_run_list_read(runs_dir, &list);
    if (list.count == 0) printf(_("No runs yet (they go in %s/).\n"), runs_dir);
    columns w = {at_least(9, _("STATUS")), at_least(6, _("EPOCHS")),
                 at_least(14, _("BEST VAL LOSS")), at_least(9, _("ACCURACY"))};
    if (list.count) {
        char h[5][96];
        printf("%s %s %s %s %s  %s\n", cli_pad(_("RUN"), 20, false, h[0], sizeof h[0]),
               cli_pad(_("STATUS"), w.status, false, h[1], sizeof h[1]),
               cli_pad(_("EPOCHS"), w.epochs, true, h[2], sizeof h[2]),
               cli_pad(_("BEST VAL LOSS"), w.loss, true, h[3], sizeof h[3]),
               cli_pad(_("ACCURACY"), w.accuracy, true, h[4], sizeof h[4]), _("NAME — NOTE"));
    }
    for (int i = 0; i < list.count; i++) print_run(&list.items[i], &w);
    tsu_run_list_free(&list);
    free(runs_dir);
    return 0;
}
