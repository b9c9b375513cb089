/* cli.c — tsumiki-cli: the engine from a terminal. Each subcommand lives in
 * its own file; this one dispatches and holds the small shared helpers. */
#include "cli.h"

#include "tsu-i18n.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *args;
    const char *summary;
} cli_command;

static const cli_command commands[] = {
    {"check", cli_check, "FILE [--batch-size N] [--json] [--werror]",
     N_("validate; print shapes, parameters, costs and training memory")},
    {"train", cli_train, "FILE [--epochs N] [--batch-size N] [--limit N] [--threads N] [--seed N] [--out DIR]",
     N_("train on the project's data; write a run directory")},
    {"eval", cli_eval, "FILE --weights W [--split validation|training] [--outputs OUT.csv]",
     N_("accuracy, confusion matrix, per-class scores, per-sample outputs")},
    {"export", cli_export, "FILE --format onnx|c|pytorch|card --out PATH [--weights W]",
     N_("trained weights out to other tools")},
    {"predict", cli_predict,
     "FILE --weights W (--input X.npy --output Y.npy [--output ...] | IMAGE|DIR... [--top K] [--output OUT.csv])",
     N_("outputs of trained weights for a NumPy array, or the classes of pictures")},
    {"dataset", cli_dataset, "create FOLDER --size WxH --out DIR [--grayscale] [--fit crop|pad|stretch] [--validation F --seed N]",
     N_("a folder of class folders of pictures made into a dataset")},
    {"runs", cli_runs, "FILE", N_("the project's runs: how each ended, epochs, best loss, name and note")},
    {"import", cli_import, "MODEL.onnx --out PROJECT.tsumiki", N_("an ONNX model as a project")},
    {"layers", cli_layers, "[NAME] [--markdown]", N_("the layer catalogue; NAME: one kind explained")},
    {"settings", cli_settings, "[--markdown]", N_("the training settings, their defaults and ranges")},
};

static void print_usage(FILE *out)
{
    fprintf(out, "%s", _("usage: tsumiki-cli COMMAND [ARGS]\n\ncommands:\n"));
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-7s %s\n          %s\n", commands[i].name, _(commands[i].summary),
                commands[i].args);
}

void cli_english_messages(void)
{
    /* gettext ignores LANGUAGE when the messages locale is "C". */
    setlocale(LC_MESSAGES, "C");
}

int cli_columns(const char *text)
{
    wchar_t wide[256];
    size_t n = mbstowcs(wide, text, sizeof wide / sizeof wide[0]);
    int w = n == (size_t)-1 || n == sizeof wide / sizeof wide[0] ? -1 : wcswidth(wide, n);
    return w < 0 ? (int)strlen(text) : w;
}

const char *cli_pad(const char *text, int width, bool right, char *buf, size_t size)
{
    int fill = width - cli_columns(text);
    if (fill < 0) fill = 0;
    if (right) snprintf(buf, size, "%*s%s", fill, "", text);
    else snprintf(buf, size, "%s%*s", text, fill, "");
    return buf;
}

const char *cli_group_digits(uint64_t value, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)value);
    size_t out = 0;
    for (int i = 0; i < n && out + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[out++] = ',';
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
    return buf;
}

const char *cli_format_bytes(uint64_t bytes, char *buf, size_t size)
{
    if (bytes < 1024) snprintf(buf, size, "%llu B", (unsigned long long)bytes);
    else if (bytes < 1024 * 1024) snprintf(buf, size, "%.1f KiB", bytes / 1024.0);
    else if (bytes < 1024ull * 1024 * 1024) snprintf(buf, size, "%.1f MiB", bytes / 1048576.0);
    else snprintf(buf, size, "%.2f GiB", bytes / 1073741824.0);
    return buf;
}

bool cli_parse_positive(const char *option, const char *text, int *out)
{
    char *end = NULL;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || *end || v < 1 || v > 1000000000) {
        fprintf(stderr, _("tsumiki-cli: %s expects a positive integer, got \"%s\"\n"), option,
                text ? text : "");
        return false;
    }
    *out = (int)v;
    return true;
}

/* The results printed (a redirected stdout can hit a full disk or the file
 * size limit too) are part of the exit status. */
static int finish_output(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) return status;
    fprintf(stderr, _("tsumiki-cli: cannot write the standard output: %s\n"),
            strerror(errno ? errno : EIO));
    return 1;
}

int main(int argc, char **argv)
{
    /* Past `ulimit -f` a write fails with EFBIG, which every writer reports
     * naming its file, instead of SIGXFSZ killing the process mid-file. */
    signal(SIGXFSZ, SIG_IGN);
    /* Messages in the user's language (docs/i18n.md); numbers keep '.' so
     * that arguments such as --learning-rate 0.001 parse the same in every
     * locale and the output stays the same for scripts. */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    tsu_i18n_init();
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return finish_output(commands[i].run(argc - 1, argv + 1));
    fprintf(stderr, _("tsumiki-cli: unknown command \"%s\"\n\n"), argv[1]);
    print_usage(stderr);
    return 2;
}
