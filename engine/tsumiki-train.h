/* tsumiki-train.h — training configuration, the trainer and evaluation.
 * Included by tsumiki.h; not meant to be included on its own. */
#ifndef TSUMIKI_TRAIN_H
#define TSUMIKI_TRAIN_H

typedef enum {
    TSU_SCHEDULE_CONSTANT,
    TSU_SCHEDULE_STEP,    /* lr *= gamma every step_epochs */
    TSU_SCHEDULE_COSINE,  /* cosine decay to min_lr over all epochs */
} tsu_schedule_kind;

/* The project's "training" object, with defaults for what it leaves out.
 * The settings table below owns every default and bound. */
typedef struct {
    int epochs;                 /* 5 */
    int batch_size;             /* 64 */
    uint64_t seed;              /* 1 */
    int threads;                /* 0: all cores */
    tsu_optimizer_kind optimizer; /* Adam */
    double learning_rate;       /* 0.001 */
    double momentum;            /* Momentum: 0.9 */
    double beta1, beta2, eps;   /* Adam/AdamW: 0.9, 0.999, 1e-8 */
    double weight_decay;        /* 0 (AdamW: 0.01) */
    tsu_schedule_kind schedule;
    int step_epochs;            /* step: 1 */
    double gamma;               /* step: 0.1 */
    double min_lr;              /* cosine: 0 */
    int warmup_epochs;          /* linear warm-up before the schedule: 0 */
} tsu_train_config;

/* One entry per field of tsu_train_config, in reading order (the optimizer
 * before the settings whose default or meaning depends on it). */
typedef enum {
    TSU_SETTING_EPOCHS,
    TSU_SETTING_BATCH_SIZE,
    TSU_SETTING_SEED,
    TSU_SETTING_THREADS,
    TSU_SETTING_OPTIMIZER,
    TSU_SETTING_LEARNING_RATE,
    TSU_SETTING_MOMENTUM,
    TSU_SETTING_BETA1,
    TSU_SETTING_BETA2,
    TSU_SETTING_EPS,
    TSU_SETTING_WEIGHT_DECAY,
    TSU_SETTING_SCHEDULE,
    TSU_SETTING_STEP_EPOCHS,
    TSU_SETTING_GAMMA,
    TSU_SETTING_MIN_LR,
    TSU_SETTING_WARMUP_EPOCHS,
    TSU_SETTING_COUNT
} tsu_train_setting;

typedef enum {
    TSU_SETTING_INT,    /* an integer (the seed may reach 2^53) */
    TSU_SETTING_NUMBER, /* a finite double */
    TSU_SETTING_CHOICE, /* a name from `choices`; the value is its index */
} tsu_setting_type;

/* One training setting: the single source of truth for its JSON key,
 * default, bounds and meaning. It drives reading and writing the document,
 * a new project's defaults, tsumiki-cli check, docs/training.md and the
 * GUI's configuration panel. */
typedef struct {
    const char *name;           /* the field and widget name: "learning_rate" */
    const char *key;            /* under "training": "optimizer.learning_rate" */
    tsu_setting_type type;
    double def, min, max;       /* CHOICE: def is an index into choices */
    const char *const *choices; /* CHOICE: names as the file spells them */
    int n_choices;
    unsigned optimizers;        /* bit (1 << kind) per optimizer it means something to; 0: all */
    unsigned schedules;         /* bit (1 << kind) per schedule; 0: all */
    bool always;                /* written even at its default (the file shows it) */
    const char *label;          /* for people: "Learning rate" */
    const char *help;           /* one line for tooltips and docs */
} tsu_setting_desc;

const tsu_setting_desc *tsu_train_setting_desc(tsu_train_setting setting);
/* The value as a double (a CHOICE's index), and back: set only converts
 * (NaN and out-of-range values become the type's nearest), it does not
 * check the table's bounds; reading a project does. */
double tsu_train_config_get(const tsu_train_config *config, tsu_train_setting setting);
void tsu_train_config_set(tsu_train_config *config, tsu_train_setting setting, double value);
/* The default, which for weight_decay depends on the optimizer (AdamW: 0.01). */
double tsu_train_setting_default(const tsu_train_config *config, tsu_train_setting setting);
/* Whether the setting means something with this optimizer and schedule. */
bool tsu_train_setting_applies(const tsu_train_config *config, tsu_train_setting setting);
/* The value as the file and people read it: "Adam", "64", "0.001". */
int tsu_train_setting_format(const tsu_train_config *config, tsu_train_setting setting,
                             char *buf, size_t size);
/* "training.optimizer.learning_rate": the path messages name. */
int tsu_train_setting_path(tsu_train_setting setting, char *buf, size_t size);
/* Every setting at its default. */
void tsu_train_config_defaults(tsu_train_config *config);

const char *tsu_optimizer_name(tsu_optimizer_kind kind);
/* Reads "training" from the project; errors name the key
 * ("training.epochs: expected an integer from 1 to 100000, got 0",
 * "training.optimizer.type: unknown type "Adm" (did you mean "Adam"?)").
 * Settings that are missing or wrong keep their defaults. */
tsu_status tsu_project_get_training(const tsu_project *project, tsu_train_config *config,
                                    tsu_diag *diag);
/* The same (the older name). */
tsu_status tsu_train_config_read(const tsu_project *project, tsu_train_config *config,
                                 tsu_diag *diag);
/* Writes every setting that differs from what the document says, in place:
 * unknown keys and the order of known ones survive, so setting what was
 * read leaves the document byte-identical. */
void tsu_project_set_training(tsu_project *project, const tsu_train_config *config);
/* Writes one setting (an edit), whatever the document says. Changing the
 * optimizer or schedule drops the keys that stop meaning something and
 * adds the ones always shown. Other settings, even invalid ones, stay. */
void tsu_project_set_training_setting(tsu_project *project, const tsu_train_config *config,
                                      tsu_train_setting setting);
/* The learning rate at a fractional epoch (0-based, e.g. 2.5 = middle of the third). */
double tsu_train_config_lr_at(const tsu_train_config *config, double epoch);

/* ------------------------------------------------------------ optimizer */

/* Updates parameter tensors from their gradients. Tensors are registered
 * once; step() touches only them, allocates nothing. */
typedef struct tsu_optimizer tsu_optimizer;
tsu_optimizer *tsu_optimizer_new(const tsu_train_config *config);
void tsu_optimizer_add(tsu_optimizer *opt, float *data, const float *grad, size_t size);
/* One update with learning rate lr (the schedule is the caller's). */
void tsu_optimizer_step(tsu_optimizer *opt, double lr);
void tsu_optimizer_free(tsu_optimizer *opt);

/* -------------------------------------------------------------- metrics */

/* A confusion matrix: counts[label * classes + prediction]. */
typedef struct {
    int classes;
    int64_t *counts;
    int64_t total;
} tsu_confusion;

void tsu_confusion_init(tsu_confusion *cm, int classes);
void tsu_confusion_free(tsu_confusion *cm);
void tsu_confusion_add(tsu_confusion *cm, int label, int prediction);
double tsu_confusion_accuracy(const tsu_confusion *cm);
/* Per class c; 0 where undefined (no predictions or no samples of c). */
double tsu_confusion_precision(const tsu_confusion *cm, int c);
double tsu_confusion_recall(const tsu_confusion *cm, int c);
double tsu_confusion_f1(const tsu_confusion *cm, int c);

/* ------------------------------------------------------------- training */

typedef enum {
    TSU_EVENT_STARTED,   /* datasets loaded, net built: sizes are known */
    TSU_EVENT_ITERATION, /* one training batch done */
    TSU_EVENT_EPOCH,     /* an epoch and its validation done, files written */
    TSU_EVENT_DONE,      /* every epoch done */
    TSU_EVENT_STOPPED,   /* stopped on request */
    TSU_EVENT_FAILED,    /* see message */
} tsu_event_kind;

/* What one layer is doing, sampled during training so a front end can show
 * a dead ReLU or an exploding gradient where it happens. */
typedef struct {
    const char *node;            /* node id */
    float activation_mean;       /* over the batch's output values */
    float activation_std;
    float zero_fraction;         /* outputs exactly 0: dead ReLUs */
    float weight_norm;           /* L2 norm of the trainable tensors, 0 without */
    float gradient_norm;         /* L2 norm of their gradients */
} tsu_layer_stats;

typedef struct {
    tsu_event_kind kind;
    int epoch, epochs;               /* 1-based epoch */
    int iteration, iterations;       /* 1-based batch within the epoch, batches per epoch */
    int64_t step;                    /* batches since the start */
    int train_samples, validation_samples;
    double loss;                     /* ITERATION: the batch's loss */
    double learning_rate;
    double images_per_second;        /* ITERATION: over the epoch so far; EPOCH: training pass */
    double eta_seconds;              /* ITERATION: to the end of the run */
    /* EPOCH: */
    double train_loss, train_accuracy;          /* accuracy NaN for regression */
    double validation_loss, validation_accuracy; /* NaN without validation data */
    double seconds;                  /* the epoch's wall time, validation included */
    bool best;                       /* this epoch's weights are the best so far */
    const char *run_dir;
    const char *message;             /* FAILED / STOPPED */
    /* ITERATION, a few times a second and at the end of each epoch: one
     * entry per node in topological order (NULL otherwise). */
    const tsu_layer_stats *layer_stats;
    int n_layer_stats;
} tsu_train_event;

typedef void (*tsu_train_callback)(const tsu_train_event *event, void *user_data);

typedef struct {
    /* Overrides of the project's training config; 0 keeps the project's. */
    int epochs, batch_size, threads, limit; /* limit: first N training samples */
    uint64_t seed;
    bool seed_set;
    /* Where to write the run; NULL: beside the project, NAME.runs/<date-time>. */
    const char *out_dir;
    /* Set to non-zero from any thread to stop within one batch, or to pause. */
    volatile int *stop_requested;
    volatile int *pause_requested;
} tsu_train_options;

/* Trains the project's network on its datasets, synchronously, on the
 * calling thread (with the configured worker threads inside). Events go to
 * callback on the calling thread. Writes the run directory: weights.safetensors
 * (every epoch), best.safetensors (lowest validation loss), history.csv,
 * project.tsumiki. Returns TSU_OK, TSU_E_STOPPED, or an error in diag. */
tsu_status tsu_train_run(const tsu_project *project, const tsu_train_options *options,
                         tsu_train_callback callback, void *user_data, tsu_diag *diag);

#define TSU_HISTORY_HEADER \
    "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds,images_per_second"

/* ----------------------------------------------------------------- runs */

/* A project DIR/NAME.tsumiki keeps its runs in DIR/NAME.runs/<date-time>/
 * (a file not named *.tsumiki: its whole name plus .runs). Only these
 * functions know that rule and the names of a run's files. */
typedef enum {
    TSU_RUN_WEIGHTS, /* weights.safetensors: the last epoch's */
    TSU_RUN_BEST,    /* best.safetensors: the lowest validation loss */
    TSU_RUN_HISTORY, /* history.csv: one row per epoch */
    TSU_RUN_PROJECT, /* project.tsumiki: the project as trained */
    TSU_RUN_META,    /* run.json: status, note and name (tsu_run_meta) */
    TSU_RUN_FILE_COUNT
} tsu_run_file;

const char *tsu_run_file_name(tsu_run_file file);
/* "RUN_DIR/weights.safetensors" (malloc'd). */
char *tsu_run_path(const char *run_dir, tsu_run_file file);
/* "DIR/NAME.runs" for "DIR/NAME.tsumiki", the directory as the path gives
 * it ("NAME.runs" for a bare "NAME.tsumiki"); NULL for NULL (an unsaved
 * project has no runs). malloc'd. */
char *tsu_runs_dir(const char *project_path);

/* How a run ended: the trainer records it in run.json when it starts
 * (running) and when it ends. A run that stays "running" after its process
 * ended was killed. Runs from before run.json existed are unknown. */
typedef enum {
    TSU_RUN_STATUS_UNKNOWN,
    TSU_RUN_STATUS_RUNNING,
    TSU_RUN_STATUS_FINISHED,
    TSU_RUN_STATUS_STOPPED,
    TSU_RUN_STATUS_FAILED,
} tsu_run_status;

/* "finished", "stopped", ... as run.json spells them. */
const char *tsu_run_status_name(tsu_run_status status);

typedef struct {
    tsu_run_status status;
    char *reason; /* stopped/failed: the trainer's message, or NULL */
    char *note;   /* what a person typed about the run, or NULL */
    char *name;   /* a name a person gave it (rename), or NULL: the directory's */
} tsu_run_meta;

/* Reads run.json; a missing file is an empty meta (TSU_OK), a damaged one
 * an error naming it. Free with tsu_run_meta_free in every case. */
tsu_status tsu_run_meta_load(const char *run_dir, tsu_run_meta *meta, tsu_diag *diag);
void tsu_run_meta_free(tsu_run_meta *meta);
/* Each sets its keys in run.json atomically and keeps the others; an empty
 * or NULL note or name removes it. */
tsu_status tsu_run_set_status(const char *run_dir, tsu_run_status status, const char *reason,
                              tsu_diag *diag);
tsu_status tsu_run_set_note(const char *run_dir, const char *note, tsu_diag *diag);
tsu_status tsu_run_set_name(const char *run_dir, const char *name, tsu_diag *diag);
/* Removes run_dir and its files, only when it is a directory directly in
 * the project's runs directory holding a run's files; anything else is
 * refused with a message naming it and nothing is removed. */
tsu_status tsu_run_delete(const char *project_path, const char *run_dir, tsu_diag *diag);

typedef struct {
    char *name;                   /* "20261127-221530" */
    char *path;                   /* RUNS_DIR/name */
    bool has[TSU_RUN_FILE_COUNT]; /* which of the run's files exist */
    tsu_run_meta meta;            /* run.json; empty when missing or damaged */
} tsu_run;

typedef struct {
    tsu_run *items;
    int count;
} tsu_run_list;

/* The subdirectories of runs_dir holding weights.safetensors, history.csv
 * or run.json (others are not runs, or runs from before run.json stopped
 * before their first epoch), newest first: names are date-times, so by name, descending. A
 * missing runs_dir is an empty list. */
void tsu_run_list_read(const char *runs_dir, tsu_run_list *list);
void tsu_run_list_free(tsu_run_list *list);
/* The newest run's weights.safetensors, or NULL. malloc'd. */
char *tsu_runs_newest_weights(const char *project_path);

/* One row of history.csv; NaN where a cell is empty (accuracy of a
 * regression, validation without validation data). */
typedef struct {
    int epoch;
    double train_loss, train_accuracy;
    double validation_loss, validation_accuracy;
    double seconds, images_per_second;
} tsu_history_row;

typedef struct {
    tsu_history_row *rows;
    int count;
} tsu_run_history;

/* Reads history.csv text; `name` names it in messages
 * ("NAME:3: expected 7 columns, got 5"). Columns are found by header name,
 * so files with extra or reordered columns load; blank lines are skipped.
 * On error the history is empty. */
tsu_status tsu_run_history_parse(const char *text, size_t length, const char *name,
                                 tsu_run_history *history, tsu_diag *diag);
tsu_status tsu_run_history_load(const char *path, tsu_run_history *history, tsu_diag *diag);
void tsu_run_history_free(tsu_run_history *history);

/* ----------------------------------------------------------- evaluation */

typedef struct {
    const char *split;            /* "validation" (NULL) or "training" */
    int threads;                  /* 0: one */
    bool keep_outputs;            /* fill the per-sample fields of the result */
    volatile int *stop_requested; /* non-zero from any thread: stop within one batch */
} tsu_eval_options;

typedef struct {
    int samples;
    double loss;
    bool classification;
    tsu_confusion confusion;  /* classification only */
    double mean_squared_error; /* regression only */
    double images_per_second;  /* the inference loop, batch 256 */
    /* Per sample, in the split's order (entry i is sample index i), when
     * keep_outputs was set; NULL otherwise. */
    int n_outputs;             /* the prediction's values per sample */
    int n_targets;             /* regression: target values per sample */
    int *labels;               /* classification: the true class */
    int *predictions;          /* classification: the predicted class */
    float *outputs;            /* samples x n_outputs: probabilities (one: a sigmoid's
                                * P(class 1)) or a regression's outputs */
    float *targets;            /* regression: samples x n_targets */
} tsu_eval_result;

/* Runs the network with weights from a safetensors file over the project's
 * "training" or "validation" dataset in inference mode. Returns TSU_OK,
 * TSU_E_STOPPED, or an error in diag; the result is to be freed in every
 * case. */
tsu_status tsu_eval_run(const tsu_project *project, const char *weights,
                        const tsu_eval_options *options, tsu_eval_result *result, tsu_diag *diag);
/* Writes NNC's output table from a result kept with keep_outputs:
 * index,label,prediction,p_0,... (regression: index,target_0..,output_0..),
 * replacing path only when complete. */
tsu_status tsu_eval_write_outputs(const tsu_eval_result *result, const char *path, tsu_diag *diag);
void tsu_eval_result_free(tsu_eval_result *result);

/* Saved evaluations: a run keeps its last evaluation of each split in
 * RUN/evaluation-SPLIT.json (samples, loss, accuracy or mean squared error,
 * the confusion matrix, which weights) and RUN/evaluation-SPLIT.csv (the
 * outputs table of tsu_eval_write_outputs), so a front end shows it again
 * without evaluating. split is "validation" or "training"; result must
 * have been kept with keep_outputs. */
tsu_status tsu_eval_save(const char *run_dir, const char *split, bool best,
                         const tsu_eval_result *result, tsu_diag *diag);
bool tsu_eval_saved_exists(const char *run_dir, const char *split);
/* Reads a saved evaluation back, outputs included; the confusion matrix is
 * counted from the table. best (may be NULL) tells which weights. Errors
 * name the file and line; free the result in every case. */
tsu_status tsu_eval_load_saved(const char *run_dir, const char *split, tsu_eval_result *result,
                               bool *best, tsu_diag *diag);

#endif
