/* cli.h — the subcommands of tsumiki-cli, one file each. */
#ifndef TSU_CLI_H
#define TSU_CLI_H

#include "tsumiki.h"

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
const char *cli_group_digits(uint64_t value, char *buf, size_t size);
/* "12.3 MiB" */
const char *cli_format_bytes(uint64_t bytes, char *buf, size_t size);
/* Parses a positive integer option value; prints a message and returns false otherwise. */
bool cli_parse_positive(const char *option, const char *text, int *out);

#endif
