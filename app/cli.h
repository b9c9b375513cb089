/* cli.h — the subcommands of tsumiki-cli, one file each. */
#ifndef TSU_CLI_H
#define TSU_CLI_H

#include "tsumiki.h"
#include "tsu-i18n.h"

int cli_check(int argc, char **argv);
int cli_layers(int argc, char **argv);
int cli_train(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_dataset(int argc, char **argv);
int cli_settings(int argc, char **argv);
int cli_runs(int argc, char **argv);

/* "Training: epochs 5, batch_size 64, ..." (the settings that apply;
 * "(error)" for those diag reports). */
void cli_print_training(const tsu_train_config *config, const tsu_diag *diag);

/* "29,034" */
/* Messages in English from here on, whatever the user's language: the
 * --markdown outputs are docs/layers.md and docs/training.md. */
void cli_english_messages(void);
/* Terminal columns text takes: Japanese characters take two. */
int cli_columns(const char *text);
/* text padded with spaces to width columns, left-aligned, or right-aligned
 * when right; a translated header lines up with its column. */
const char *cli_pad(const char *text, int width, bool right, char *buf, size_t size);
const char *cli_group_digits(uint64_t value, char *buf, size_t size);
/* "12.3 MiB" */
const char *cli_format_bytes(uint64_t bytes, char *buf, size_t size);
/* Parses a positive integer option value; prints a message and returns false otherwise. */
bool cli_parse_positive(const char *option, const char *text, int *out);

#endif
