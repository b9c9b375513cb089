/* optimizer.c — SGD, Momentum, Adam and AdamW over registered tensors.
 * The update rules are PyTorch's (torch.optim), so a user comparing runs
 * sees the same behaviour: weight decay is an L2 term added to the gradient
 * except for AdamW, which decays the weights directly. */
#include "tsu-internal.h"

#include <math.h>

typedef struct {
    float *data;
    const float *grad;
    size_t size;
    float *slot1, *slot2; /* velocity, or Adam's first and second moments */
} param_group;

struct tsu_optimizer {
    tsu_train_config config;
    param_group *groups;
    int n_groups, capacity;
    int64_t steps;
};

tsu_optimizer *tsu_optimizer_new(const tsu_train_config *config)
{
    tsu_optimizer *opt = tsu_xcalloc(1, sizeof *opt);
    opt->config = *config;
    return opt;
}

void tsu_optimizer_add(tsu_optimizer *opt, float *data, const float *grad, size_t size)
{
    if (opt->n_groups == opt->capacity) {
        opt->capacity = opt->capacity ? 2 * opt->capacity : 16;
        opt->groups = tsu_xrealloc(opt->groups, (size_t)opt->capacity * sizeof *opt->groups);
    }
    param_group *g = &opt->groups[opt->n_groups++];
    *g = (param_group){.data = data, .grad = grad, .size = size};
    int slots = tsu_optimizer_slots(opt->config.optimizer);
    if (slots >= 1) g->slot1 = tsu_xcalloc(size, sizeof(float));
    if (slots >= 2) g->slot2 = tsu_xcalloc(size, sizeof(float));
}

static void step_sgd(param_group *g, float lr, float wd)
{
    for (size_t i = 0; i < g->size; i++) g->data[i] -= lr * (g->grad[i] + wd * g->data[i]);
}

static void step_momentum(param_group *g, float lr, float wd, float momentum)
{
    for (size_t i = 0; i < g->size; i++) {
        float v = momentum * g->slot1[i] + g->grad[i] + wd * g->data[i];
        g->slot1[i] = v;
        g->data[i] -= lr * v;
    }
}

static void step_adam(param_group *g, const tsu_train_config *c, float lr, float l2,
                      int64_t t)
{
    const float b1 = (float)c->beta1, b2 = (float)c->beta2, eps = (float)c->eps;
    const float correction1 = (float)(1 - pow(c->beta1, (double)t));
    const float correction2 = (float)sqrt(1 - pow(c->beta2, (double)t));
    const float step = lr / correction1;
    for (size_t i = 0; i < g->size; i++) {
        float grad = g->grad[i] + l2 * g->data[i];
        float m = b1 * g->slot1[i] + (1 - b1) * grad;
        float v = b2 * g->slot2[i] + (1 - b2) * grad * grad;
        g->slot1[i] = m;
        g->slot2[i] = v;
        g->data[i] -= step * m / (sqrtf(v) / correction2 + eps);
    }
}

void tsu_optimizer_step(tsu_optimizer *opt, double lr)
{
    const tsu_train_config *c = &opt->config;
    opt->steps++;
    const float flr = (float)lr, wd = (float)c->weight_decay;
    for (int i = 0; i < opt->n_groups; i++) {
        param_group *g = &opt->groups[i];
        switch (c->optimizer) {
        case TSU_OPT_SGD: step_sgd(g, flr, wd); break;
        case TSU_OPT_MOMENTUM: step_momentum(g, flr, wd, (float)c->momentum); break;
        case TSU_OPT_ADAM: step_adam(g, c, flr, wd, opt->steps); break;
        case TSU_OPT_ADAMW:
            for (size_t j = 0; j < g->size; j++) g->data[j] *= 1 - flr * wd;
            step_adam(g, c, flr, 0, opt->steps);
            break;
        }
    }
}

void tsu_optimizer_free(tsu_optimizer *opt)
{
    if (!opt) return;
    for (int i = 0; i < opt->n_groups; i++) {
        free(opt->groups[i].slot1);
        free(opt->groups[i].slot2);
    }
    free(opt->groups);
    free(opt);
}
