/* tsumiki-train.h — training configuration, the trainer and evaluation.
 * Included by tsumiki.h; not meant to be included on its own. */
#ifndef TSUMIKI_TRAIN_H
#define TSUMIKI_TRAIN_H

typedef enum {
    TSU_SCHEDULE_CONSTANT,
    TSU_SCHEDULE_STEP,    /* lr *= gamma every step_epochs */
    TSU_SCHEDULE_COSINE,  /* cosine decay to min_lr over all epochs */
} tsu_schedule_kind;

/* The project's "training" object, with defaults for what it leaves out. */
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

const char *tsu_optimizer_name(tsu_optimizer_kind kind);
/* Reads "training" from the project; errors name the key
 * ("training.optimizer.type: unknown optimizer "Adm" (did you mean "Adam"?)"). */
tsu_status tsu_train_config_read(const tsu_project *project, tsu_train_config *config,
                                 tsu_diag *diag);
/* The learning rate at a fractional epoch (0-based, e.g. 2.5 = middle of the third). */
double tsu_train_config_lr_at(const tsu_train_config *config, double epoch);

#endif
