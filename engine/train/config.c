/* config.c — the project's "training" object. */
#include "tsu-internal.h"

#include <json-c/json.h>
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

const char *tsu_optimizer_name(tsu_optimizer_kind kind)
{
    return (unsigned)kind < TSU_ARRAY_LEN(optimizer_names) ? optimizer_names[kind] : "?";
}

static struct json_object *member(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    return obj && json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

static bool read_number(struct json_object *obj, const char *path, const char *key, double min,
                        double max, double *out, tsu_diag *diag)
{
    struct json_object *v = member(obj, key);
    if (!v) return true;
    char where[96];
    snprintf(where, sizeof where, "%s.%s", path, key);
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) {
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, where, "expected a number");
        return false;
    }
    double d = json_object_get_double(v);
    if (!isfinite(d) || d < min || d > max) {
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, where, "expected a number from %g to %g, got %g",
                     min, max, d);
        return false;
    }
    *out = d;
    return true;
}

static bool read_int(struct json_object *obj, const char *path, const char *key, int min,
                     int max, int *out, tsu_diag *diag)
{
    double d = *out;
    if (!read_number(obj, path, key, min, max, &d, diag)) return false;
    if (d != floor(d)) {
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, path, "%s: expected an integer, got %g", key, d);
        return false;
    }
    *out = (int)d;
    return true;
}

static bool read_choice(struct json_object *obj, const char *path, const char *key,
                        const char *const *names, int count, int *out, tsu_diag *diag)
{
    struct json_object *v = member(obj, key);
    if (!v) return true;
    char where[96];
    snprintf(where, sizeof where, "%s.%s", path, key);
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    for (int i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return true;
        }
    const char *near = tsu_suggest_name(s, names, count);
    if (near)
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, where, "unknown %s \"%s\" (did you mean \"%s\"?)",
                     key, s, near);
    else
        tsu_diag_add(diag, TSU_E_FORMAT, NULL, where, "unknown %s \"%s\"", key, s);
    return false;
}

static bool read_optimizer(struct json_object *opt, tsu_train_config *c, tsu_diag *diag)
{
    const char *p = "training.optimizer";
    int kind = (int)c->optimizer;
    bool ok = read_choice(opt, p, "type", optimizer_names, (int)TSU_ARRAY_LEN(optimizer_names),
                          &kind, diag);
    c->optimizer = (tsu_optimizer_kind)kind;
    if (c->optimizer == TSU_OPT_ADAMW) c->weight_decay = 0.01;
    ok &= read_number(opt, p, "learning_rate", 0, 10, &c->learning_rate, diag);
    ok &= read_number(opt, p, "momentum", 0, 1, &c->momentum, diag);
    ok &= read_number(opt, p, "beta1", 0, 1, &c->beta1, diag);
    ok &= read_number(opt, p, "beta2", 0, 1, &c->beta2, diag);
    ok &= read_number(opt, p, "eps", 0, 1, &c->eps, diag);
    ok &= read_number(opt, p, "weight_decay", 0, 1, &c->weight_decay, diag);
    struct json_object *sched = member(opt, "lr_schedule");
    if (sched) {
        const char *sp = "training.optimizer.lr_schedule";
        int s = (int)c->schedule;
        ok &= read_choice(sched, sp, "type", schedule_names, (int)TSU_ARRAY_LEN(schedule_names),
                          &s, diag);
        c->schedule = (tsu_schedule_kind)s;
        ok &= read_int(sched, sp, "step_epochs", 1, 100000, &c->step_epochs, diag);
        ok &= read_number(sched, sp, "gamma", 0, 1, &c->gamma, diag);
        ok &= read_number(sched, sp, "min_lr", 0, 10, &c->min_lr, diag);
        ok &= read_int(sched, sp, "warmup_epochs", 0, 100000, &c->warmup_epochs, diag);
    }
    return ok;
}

tsu_status tsu_train_config_read(const tsu_project *project, tsu_train_config *c, tsu_diag *diag)
{
    *c = (tsu_train_config){
        .epochs = 5, .batch_size = 64, .seed = 1, .threads = 0,
        .optimizer = TSU_OPT_ADAM, .learning_rate = 0.001, .momentum = 0.9,
        .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0,
        .schedule = TSU_SCHEDULE_CONSTANT, .step_epochs = 1, .gamma = 0.1,
    };
    struct json_object *t = member(tsu_project_root(project), "training");
    if (!t) return TSU_OK;
    if (!json_object_is_type(t, json_type_object))
        return tsu_diag_add(diag, TSU_E_FORMAT, NULL, "training", "expected an object");
    bool ok = read_int(t, "training", "epochs", 1, 1000000, &c->epochs, diag);
    ok &= read_int(t, "training", "batch_size", 1, 65536, &c->batch_size, diag);
    ok &= read_int(t, "training", "threads", 0, 1024, &c->threads, diag);
    double seed = 1;
    ok &= read_number(t, "training", "seed", 0, 9007199254740992.0, &seed, diag);
    c->seed = (uint64_t)seed;
    struct json_object *opt = member(t, "optimizer");
    if (opt) ok &= read_optimizer(opt, c, diag);
    return ok ? TSU_OK : TSU_E_FORMAT;
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
