/* config.c — the project's "training" object: one table of settings drives
 * reading, writing, defaults and everything that shows them. */
#include "tsu-internal.h"

#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <string.h>

static const char *const optimizer_names[] = {
    [TSU_OPT_SGD] = "SGD", [TSU_OPT_MOMENTUM] = "Momentum",
    [TSU_OPT_ADAM] = "Adam", [TSU_OPT_ADAMW] = "AdamW",
};
static const char *const schedule_names[] = {
    [TSU_SCHEDULE_CONSTANT] = "constant", [TSU_SCHEDULE_STEP] = "step",
    [TSU_SCHEDULE_COSINE] = "cosine",
};

#define OPT(k) (1u << (k))
#define ADAMS (OPT(TSU_OPT_ADAM) | OPT(TSU_OPT_ADAMW))
#define SCHED(k) (1u << (k))
#define CHOICES(names) .type = TSU_SETTING_CHOICE, .choices = names, \
                       .n_choices = (int)TSU_ARRAY_LEN(names), .max = TSU_ARRAY_LEN(names) - 1
/* Seeds are kept in doubles on the way (JSON, spin buttons): every integer
 * up to 2^53 survives that exactly. */
#define MAX_SEED 9007199254740992.0

static const tsu_setting_desc settings[] = {
    [TSU_SETTING_EPOCHS] = {"epochs", "epochs", TSU_SETTING_INT, 5, 1, 100000, .always = true,
                            .label = N_("Epochs"), .help = N_("Passes over the training data")},
    [TSU_SETTING_BATCH_SIZE] = {"batch_size", "batch_size", TSU_SETTING_INT, 64, 1, 65536,
                                .always = true, .label = N_("Batch size"),
                                .help = N_("Samples per gradient step")},
    [TSU_SETTING_SEED] = {"seed", "seed", TSU_SETTING_INT, 1, 0, MAX_SEED, .always = true,
                          .label = N_("Seed"),
                          .help = N_("Initial weights, shuffling and dropout; the same seed and thread "
                                     "count give bit-identical weights")},
    [TSU_SETTING_THREADS] = {"threads", "threads", TSU_SETTING_INT, 0, 0, 1024,
                             .label = N_("Threads"), .help = N_("Worker threads; 0 uses every core")},
    [TSU_SETTING_OPTIMIZER] = {"optimizer", "optimizer.type", CHOICES(optimizer_names),
                               .def = TSU_OPT_ADAM, .always = true, .label = N_("Optimizer"),
                               .help = N_("How gradients become updates")},
    [TSU_SETTING_LEARNING_RATE] = {"learning_rate", "optimizer.learning_rate",
                                   TSU_SETTING_NUMBER, 0.001, 0, 10, .always = true,
                                   .label = N_("Learning rate"), .help = N_("Step size of each update")},
    [TSU_SETTING_MOMENTUM] = {"momentum", "optimizer.momentum", TSU_SETTING_NUMBER, 0.9, 0, 1,
                              .optimizers = OPT(TSU_OPT_MOMENTUM), .label = N_("Momentum"),
                              .help = N_("Momentum: fraction of the previous update kept")},
    [TSU_SETTING_BETA1] = {"beta1", "optimizer.beta1", TSU_SETTING_NUMBER, 0.9, 0, 1,
                           .optimizers = ADAMS, .label = N_("Beta 1"),
                           .help = N_("Adam: decay of the gradient average")},
    [TSU_SETTING_BETA2] = {"beta2", "optimizer.beta2", TSU_SETTING_NUMBER, 0.999, 0, 1,
                           .optimizers = ADAMS, .label = N_("Beta 2"),
                           .help = N_("Adam: decay of the squared-gradient average")},
    [TSU_SETTING_EPS] = {"eps", "optimizer.eps", TSU_SETTING_NUMBER, 1e-8, 0, 1,
                         .optimizers = ADAMS, .label = N_("Epsilon"),
                         .help = N_("Adam: added to the denominator")},
    [TSU_SETTING_WEIGHT_DECAY] = {"weight_decay", "optimizer.weight_decay", TSU_SETTING_NUMBER,
                                  0, 0, 1, .label = N_("Weight decay"),
                                  .help = N_("L2 penalty (SGD, Momentum, Adam) or decoupled decay (AdamW, "
                                             "default 0.01)")},
    [TSU_SETTING_SCHEDULE] = {"schedule", "optimizer.lr_schedule.type",
                              CHOICES(schedule_names), .def = TSU_SCHEDULE_CONSTANT,
                              .always = true, .label = N_("Schedule"),
                              .help = N_("How the learning rate changes over the epochs")},
    [TSU_SETTING_STEP_EPOCHS] = {"step_epochs", "optimizer.lr_schedule.step_epochs",
                                 TSU_SETTING_INT, 1, 1, 100000,
                                 .schedules = SCHED(TSU_SCHEDULE_STEP), .always = true,
                                 .label = N_("Every (epochs)"),
                                 .help = N_("Step: multiply the rate by gamma this often")},
    [TSU_SETTING_GAMMA] = {"gamma", "optimizer.lr_schedule.gamma", TSU_SETTING_NUMBER, 0.1, 0,
                           1, .schedules = SCHED(TSU_SCHEDULE_STEP), .always = true,
                           .label = N_("Gamma"), .help = N_("Step: factor applied at each step")},
    [TSU_SETTING_MIN_LR] = {"min_lr", "optimizer.lr_schedule.min_lr", TSU_SETTING_NUMBER, 0, 0,
                            10, .schedules = SCHED(TSU_SCHEDULE_COSINE), .label = N_("Minimum rate"),
                            .help = N_("Cosine: the rate at the last epoch")},
    [TSU_SETTING_WARMUP_EPOCHS] = {"warmup_epochs", "optimizer.lr_schedule.warmup_epochs",
                                   TSU_SETTING_INT, 0, 0, 100000, .label = N_("Warm-up epochs"),
                                   .help = N_("Linear warm-up from a tenth of the rate before "
                                              "the schedule")},
};
_Static_assert(TSU_ARRAY_LEN(settings) == TSU_SETTING_COUNT,
               "one settings entry per tsu_train_setting");
_Static_assert(TSU_ARRAY_LEN(optimizer_names) == TSU_OPT_ADAMW + 1, "one name per optimizer");
_Static_assert(TSU_ARRAY_LEN(schedule_names) == TSU_SCHEDULE_COSINE + 1, "one name per schedule");

/* The optional section holding the schedule's keys: it is written only
 * when one of them says something. */
#define SCHEDULE_SECTION "optimizer.lr_schedule"

const tsu_setting_desc *tsu_train_setting_desc(tsu_train_setting s)
{
    tsu_assert((unsigned)s < TSU_SETTING_COUNT);
    return &settings[s];
}

const char *tsu_optimizer_name(tsu_optimizer_kind kind)
{
    return (unsigned)kind < TSU_ARRAY_LEN(optimizer_names) ? optimizer_names[kind] : "?";
}

double tsu_train_config_get(const tsu_train_config *c, tsu_train_setting s)
{
    switch (s) {
    case TSU_SETTING_EPOCHS: return c->epochs;
    case TSU_SETTING_BATCH_SIZE: return c->batch_size;
    case TSU_SETTING_SEED: return (double)c->seed;
    case TSU_SETTING_THREADS: return c->threads;
    case TSU_SETTING_OPTIMIZER: return c->optimizer;
    case TSU_SETTING_LEARNING_RATE: return c->learning_rate;
    case TSU_SETTING_MOMENTUM: return c->momentum;
    case TSU_SETTING_BETA1: return c->beta1;
    case TSU_SETTING_BETA2: return c->beta2;
    case TSU_SETTING_EPS: return c->eps;
    case TSU_SETTING_WEIGHT_DECAY: return c->weight_decay;
    case TSU_SETTING_SCHEDULE: return c->schedule;
    case TSU_SETTING_STEP_EPOCHS: return c->step_epochs;
    case TSU_SETTING_GAMMA: return c->gamma;
    case TSU_SETTING_MIN_LR: return c->min_lr;
    case TSU_SETTING_WARMUP_EPOCHS: return c->warmup_epochs;
    case TSU_SETTING_COUNT: break;
    }
    tsu_assert(!"unknown training setting");
    return 0;
}

/* Casts that stay defined whatever the caller passes (NaN, -1 for a seed). */
static int to_int(double v)
{
    return v >= INT_MAX ? INT_MAX : v <= INT_MIN ? INT_MIN : v == v ? (int)v : 0;
}

static uint64_t to_u64(double v)
{
    return v >= 18446744073709551615.0 ? UINT64_MAX : v > 0 ? (uint64_t)v : 0;
}

void tsu_train_config_set(tsu_train_config *c, tsu_train_setting s, double v)
{
    switch (s) {
    case TSU_SETTING_EPOCHS: c->epochs = to_int(v); return;
    case TSU_SETTING_BATCH_SIZE: c->batch_size = to_int(v); return;
    case TSU_SETTING_SEED: c->seed = to_u64(v); return;
    case TSU_SETTING_THREADS: c->threads = to_int(v); return;
    case TSU_SETTING_OPTIMIZER: c->optimizer = (tsu_optimizer_kind)to_int(v); return;
    case TSU_SETTING_LEARNING_RATE: c->learning_rate = v; return;
    case TSU_SETTING_MOMENTUM: c->momentum = v; return;
    case TSU_SETTING_BETA1: c->beta1 = v; return;
    case TSU_SETTING_BETA2: c->beta2 = v; return;
    case TSU_SETTING_EPS: c->eps = v; return;
    case TSU_SETTING_WEIGHT_DECAY: c->weight_decay = v; return;
    case TSU_SETTING_SCHEDULE: c->schedule = (tsu_schedule_kind)to_int(v); return;
    case TSU_SETTING_STEP_EPOCHS: c->step_epochs = to_int(v); return;
    case TSU_SETTING_GAMMA: c->gamma = v; return;
    case TSU_SETTING_MIN_LR: c->min_lr = v; return;
    case TSU_SETTING_WARMUP_EPOCHS: c->warmup_epochs = to_int(v); return;
    case TSU_SETTING_COUNT: break;
    }
    tsu_assert(!"unknown training setting");
}

double tsu_train_setting_default(const tsu_train_config *c, tsu_train_setting s)
{
    if (s == TSU_SETTING_WEIGHT_DECAY && c->optimizer == TSU_OPT_ADAMW) return 0.01;
    return tsu_train_setting_desc(s)->def;
}

bool tsu_train_setting_applies(const tsu_train_config *c, tsu_train_setting s)
{
    const tsu_setting_desc *d = tsu_train_setting_desc(s);
    unsigned opt = (unsigned)c->optimizer < 32 ? OPT(c->optimizer) : 0;
    unsigned sched = (unsigned)c->schedule < 32 ? SCHED(c->schedule) : 0;
    return (!d->optimizers || (d->optimizers & opt)) && (!d->schedules || (d->schedules & sched));
}

/* The shortest decimal that reads back as the same double. */
static int format_number(double v, char *buf, size_t size)
{
    if (v == floor(v) && fabs(v) < 1e15) return snprintf(buf, size, "%.0f", v);
    int n = 0;
    for (int precision = 1; precision <= 17; precision++) {
        n = snprintf(buf, size, "%.*g", precision, v);
        if (strtod(buf, NULL) == v) break;
    }
    return n;
}

static int format_value(const tsu_setting_desc *d, double v, char *buf, size_t size)
{
    switch (d->type) {
    case TSU_SETTING_INT: return snprintf(buf, size, "%.0f", v);
    case TSU_SETTING_NUMBER: return format_number(v, buf, size);
    case TSU_SETTING_CHOICE:
        return snprintf(buf, size, "%s", v >= 0 && v < d->n_choices ? d->choices[(int)v] : "?");
    }
    return 0;
}

int tsu_train_setting_format(const tsu_train_config *c, tsu_train_setting s, char *buf,
                             size_t size)
{
    return format_value(tsu_train_setting_desc(s), tsu_train_config_get(c, s), buf, size);
}

int tsu_train_setting_path(tsu_train_setting s, char *buf, size_t size)
{
    return snprintf(buf, size, "training.%s", tsu_train_setting_desc(s)->key);
}

void tsu_train_config_defaults(tsu_train_config *c)
{
    *c = (tsu_train_config){0};
    for (int s = 0; s < TSU_SETTING_COUNT; s++)
        tsu_train_config_set(c, s, tsu_train_setting_default(c, s));
}

/* ------------------------------------------------------------ the tree */

/* The object holding a setting's key and the key's last part: "optimizer"
 * and "type" for "optimizer.type". With create, missing sections (and ones
 * that are not objects) become empty objects; else NULL for those. */
static struct json_object *parent_of(struct json_object *training, const char *key,
                                     const char **leaf, bool create)
{
    struct json_object *obj = training;
    char part[64];
    const char *dot;
    while ((dot = strchr(key, '.'))) {
        size_t n = (size_t)(dot - key);
        tsu_assert(n < sizeof part);
        memcpy(part, key, n);
        part[n] = '\0';
        struct json_object *child = NULL;
        if (!json_object_object_get_ex(obj, part, &child) ||
            !json_object_is_type(child, json_type_object)) {
            if (!create) return NULL;
            child = json_object_new_object();
            json_object_object_add(obj, part, child);
        }
        obj = child;
        key = dot + 1;
    }
    *leaf = key;
    return obj;
}

static struct json_object *value_of(struct json_object *training, tsu_train_setting s)
{
    const char *leaf;
    struct json_object *parent = parent_of(training, settings[s].key, &leaf, false), *v = NULL;
    return parent && json_object_object_get_ex(parent, leaf, &v) ? v : NULL;
}

static bool setting_error(const tsu_setting_desc *d, struct json_object *got, tsu_diag *diag)
{
    char path[96], expected[128], bound[2][32];
    tsu_train_setting_path((tsu_train_setting)(d - settings), path, sizeof path);
    format_value(d, d->min, bound[0], sizeof bound[0]);
    format_value(d, d->max, bound[1], sizeof bound[1]);
    snprintf(expected, sizeof expected, _("%s from %s to %s"),
             d->type == TSU_SETTING_INT ? _("an integer") : _("a number"), bound[0], bound[1]);
    char *text = tsu_json_to_canonical(got, -1);
    tsu_diag_add(diag, TSU_E_FORMAT, NULL, path, _("expected %s, got %s"), expected, text);
    free(text);
    return false;
}

static bool read_choice(const tsu_setting_desc *d, struct json_object *v, double *out,
                        tsu_diag *diag)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    for (int i = 0; i < d->n_choices; i++)
        if (strcmp(s, d->choices[i]) == 0) {
            *out = i;
            return true;
        }
    char path[96];
    tsu_train_setting_path((tsu_train_setting)(d - settings), path, sizeof path);
    const char *what = strrchr(d->key, '.') ? strrchr(d->key, '.') + 1 : d->key;
    const char *near = tsu_suggest_name(s, d->choices, d->n_choices);
    if (near) {
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, path, _("unknown %s \"%s\" (did you mean \"%s\"?)"),
                     what, s, near);
        return false;
    }
    char list[128];
    size_t used = 0;
    for (int i = 0; i < d->n_choices && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 d->choices[i]);
    tsu_diag_add(diag, TSU_E_FORMAT, NULL, path, _("unknown %s \"%s\" (one of %s)"), what, s, list);
    return false;
}

/* One value from the document, checked against the table. */
static bool read_value(const tsu_setting_desc *d, struct json_object *v, double *out,
                       tsu_diag *diag)
{
    if (d->type == TSU_SETTING_CHOICE) return read_choice(d, v, out, diag);
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return setting_error(d, v, diag);
    double x = json_object_is_type(v, json_type_int) ? (double)json_object_get_int64(v)
                                                      : json_object_get_double(v);
    if (!isfinite(x) || x < d->min || x > d->max) return setting_error(d, v, diag);
    if (d->type == TSU_SETTING_INT && x != floor(x)) return setting_error(d, v, diag);
    *out = x;
    return true;
}

static bool check_section(struct json_object *training, const char *key, const char *path,
                          tsu_diag *diag)
{
    struct json_object *v = NULL;
    const char *leaf;
    struct json_object *parent = parent_of(training, key, &leaf, false);
    if (!parent || !json_object_object_get_ex(parent, leaf, &v) ||
        json_object_is_type(v, json_type_object))
        return true;
    tsu_diag_add(diag, TSU_E_FORMAT, NULL, path, _("expected an object"));
    return false;
}

/* Fills c from training (NULL: all defaults); ok[s] says whether the
 * document's value of s (or its absence) was fine. */
static bool read_settings(struct json_object *training, tsu_train_config *c, bool *ok,
                          tsu_diag *diag)
{
    bool all = check_section(training, "optimizer", "training.optimizer", diag);
    all &= check_section(training, SCHEDULE_SECTION, "training." SCHEDULE_SECTION, diag);
    *c = (tsu_train_config){0};
    for (int s = 0; s < TSU_SETTING_COUNT; s++) {
        double v = tsu_train_setting_default(c, s);
        struct json_object *given = training ? value_of(training, s) : NULL;
        ok[s] = !given || read_value(&settings[s], given, &v, diag);
        all &= ok[s];
        tsu_train_config_set(c, s, v);
    }
    return all;
}

tsu_status tsu_project_get_training(const tsu_project *project, tsu_train_config *c,
                                    tsu_diag *diag)
{
    struct json_object *t = NULL;
    bool ok[TSU_SETTING_COUNT];
    if (json_object_object_get_ex(tsu_project_root(project), "training", &t) &&
        !json_object_is_type(t, json_type_object)) {
        read_settings(NULL, c, ok, diag);
        return tsu_diag_add(diag, TSU_E_FORMAT, NULL, "training", _("expected an object"));
    }
    return read_settings(t, c, ok, diag) ? TSU_OK : TSU_E_FORMAT;
}

tsu_status tsu_train_config_read(const tsu_project *project, tsu_train_config *c, tsu_diag *diag)
{
    return tsu_project_get_training(project, c, diag);
}

static struct json_object *training_object(tsu_project *project)
{
    struct json_object *root = tsu_project_root(project), *t = NULL;
    if (!json_object_object_get_ex(root, "training", &t) || !json_object_is_type(t, json_type_object)) {
        t = json_object_new_object();
        json_object_object_add(root, "training", t);
    }
    return t;
}

static struct json_object *new_value(const tsu_setting_desc *d, double v)
{
    switch (d->type) {
    case TSU_SETTING_INT: return json_object_new_int64((int64_t)v);
    case TSU_SETTING_NUMBER: return json_object_new_double(v);
    case TSU_SETTING_CHOICE:
        tsu_assert(v >= 0 && v < d->n_choices); /* a config the caller made up */
        return json_object_new_string(d->choices[(int)v]);
    }
    return NULL;
}

static bool in_schedule_section(tsu_train_setting s)
{
    return strncmp(settings[s].key, SCHEDULE_SECTION ".", strlen(SCHEDULE_SECTION) + 1) == 0;
}

static void put(struct json_object *training, const tsu_train_config *c, tsu_train_setting s);

/* A schedule section that is about to appear shows its always-written keys
 * with it ({"type": "step", "step_epochs": 1, "gamma": 0.1}). */
static void open_schedule_section(struct json_object *training, const tsu_train_config *c)
{
    const char *leaf;
    if (parent_of(training, SCHEDULE_SECTION ".type", &leaf, false)) return;
    parent_of(training, SCHEDULE_SECTION ".type", &leaf, true);
    for (int t = 0; t < TSU_SETTING_COUNT; t++)
        if (in_schedule_section(t) && settings[t].always && tsu_train_setting_applies(c, t))
            put(training, c, t);
}

static void put(struct json_object *training, const tsu_train_config *c, tsu_train_setting s)
{
    const char *leaf;
    if (in_schedule_section(s)) open_schedule_section(training, c);
    struct json_object *parent = parent_of(training, settings[s].key, &leaf, true);
    json_object_object_add(parent, leaf, new_value(&settings[s], tsu_train_config_get(c, s)));
}

static void drop(struct json_object *training, tsu_train_setting s)
{
    const char *leaf;
    struct json_object *parent = parent_of(training, settings[s].key, &leaf, false);
    if (parent) json_object_object_del(parent, leaf);
}

void tsu_project_set_training_setting(tsu_project *project, const tsu_train_config *c,
                                      tsu_train_setting s)
{
    struct json_object *training = training_object(project);
    const tsu_setting_desc *d = tsu_train_setting_desc(s);
    if (tsu_train_setting_applies(c, s)) put(training, c, s);
    else drop(training, s);
    if (d->type != TSU_SETTING_CHOICE) return;
    /* The optimizer or schedule changed what the other settings mean. */
    for (int t = 0; t < TSU_SETTING_COUNT; t++) {
        if (t == (int)s || (!settings[t].optimizers && !settings[t].schedules)) continue;
        if (!tsu_train_setting_applies(c, t)) drop(training, t);
        else if (settings[t].always && !value_of(training, t)) put(training, c, t);
    }
}

void tsu_project_write_default_training(tsu_project *project)
{
    struct json_object *training = training_object(project);
    tsu_train_config c;
    tsu_train_config_defaults(&c);
    for (int s = 0; s < TSU_SETTING_COUNT; s++)
        if (settings[s].always && !in_schedule_section(s)) put(training, &c, s);
}

void tsu_project_set_training(tsu_project *project, const tsu_train_config *c)
{
    struct json_object *training = training_object(project);
    tsu_train_config current;
    bool ok[TSU_SETTING_COUNT];
    read_settings(training, &current, ok, NULL);
    for (int s = 0; s < TSU_SETTING_COUNT; s++) {
        if (!tsu_train_setting_applies(c, s)) continue;
        double v = tsu_train_config_get(c, s);
        bool shown = value_of(training, s) != NULL;
        bool same = ok[s] && tsu_train_config_get(&current, s) == v;
        /* A key the file leaves out stays out while it has its default. */
        bool quiet = !shown && v == tsu_train_setting_default(c, s) &&
                     (!settings[s].always || in_schedule_section(s));
        if (same || quiet) continue;
        tsu_project_set_training_setting(project, c, s);
        /* What the rest now reads as (weight_decay's default follows the optimizer). */
        read_settings(training, &current, ok, NULL);
    }
}

double tsu_train_config_lr_at(const tsu_train_config *c, double epoch)
{
    double lr = c->learning_rate;
    if (c->warmup_epochs > 0 && epoch < c->warmup_epochs)
        return lr * (0.1 + 0.9 * epoch / c->warmup_epochs); /* from lr/10 up to lr */
    double e = epoch - c->warmup_epochs;
    double span = c->epochs - c->warmup_epochs;
    switch (c->schedule) {
    case TSU_SCHEDULE_CONSTANT: return lr;
    case TSU_SCHEDULE_STEP: return lr * pow(c->gamma, floor(e / c->step_epochs));
    case TSU_SCHEDULE_COSINE:
        if (span <= 0) return lr;
        return c->min_lr + 0.5 * (lr - c->min_lr) * (1 + cos(M_PI * fmin(e / span, 1.0)));
    }
    return lr;
}
