/* test-optim.c — optimizer updates against hand-computed values, the
 * training config and its schedules, and metrics from known predictions. */
#include <math.h>

#include "test-helpers.h"

static tsu_train_config config_for(tsu_optimizer_kind kind, double lr, double wd)
{
    tsu_train_config c;
    tsu_project *p = tsu_project_new("t");
    tsu_train_config_read(p, &c, NULL);
    tsu_project_free(p);
    c.optimizer = kind;
    c.learning_rate = lr;
    c.weight_decay = wd;
    return c;
}

/* Two steps of one weight w0 = 1 with a constant gradient of 0.5. */
static void two_steps(tsu_optimizer_kind kind, double lr, double wd, float *after1, float *after2)
{
    tsu_train_config c = config_for(kind, lr, wd);
    float w = 1.0f, g = 0.5f;
    tsu_optimizer *opt = tsu_optimizer_new(&c);
    tsu_optimizer_add(opt, &w, &g, 1);
    tsu_optimizer_step(opt, lr);
    *after1 = w;
    tsu_optimizer_step(opt, lr);
    *after2 = w;
    tsu_optimizer_free(opt);
}

static void test_sgd(void)
{
    float a, b;
    two_steps(TSU_OPT_SGD, 0.1, 0.01, &a, &b);
    g_assert_cmpfloat_with_epsilon(a, 1 - 0.1 * (0.5 + 0.01), 1e-6);
    g_assert_cmpfloat_with_epsilon(b, a - 0.1 * (0.5 + 0.01 * a), 1e-6);
}

static void test_momentum(void)
{
    float a, b;
    two_steps(TSU_OPT_MOMENTUM, 0.1, 0, &a, &b);
    g_assert_cmpfloat_with_epsilon(a, 0.95, 1e-6);  /* v = 0.5 */
    g_assert_cmpfloat_with_epsilon(b, 0.855, 1e-6); /* v = 0.9 * 0.5 + 0.5 */
}

static void test_adam(void)
{
    float a, b;
    /* With a constant gradient the bias-corrected moments are exactly g and
     * g^2, so every step moves by lr * g / |g| = lr. */
    two_steps(TSU_OPT_ADAM, 0.1, 0, &a, &b);
    g_assert_cmpfloat_with_epsilon(a, 0.9, 1e-6);
    g_assert_cmpfloat_with_epsilon(b, 0.8, 1e-5); /* float32 rounding */
}

static void test_adamw_decays_weights_directly(void)
{
    float a, b;
    two_steps(TSU_OPT_ADAMW, 0.1, 0.1, &a, &b);
    g_assert_cmpfloat_with_epsilon(a, 1 * (1 - 0.01) - 0.1, 1e-6);
    g_assert_cmpfloat_with_epsilon(b, a * (1 - 0.01) - 0.1, 1e-6);
}

static void test_config_defaults_and_errors(void)
{
    tsu_project *p = load_text("{\"format\": \"tsumiki-project\", \"version\": 1, \"training\": "
                               "{\"epochs\": 3, \"optimizer\": {\"type\": \"Adm\"}, \"batch_size\": 0}}");
    tsu_train_config c;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_train_config_read(p, &c, &diag), !=, TSU_OK);
    diag_dump(&diag);
    g_assert_true(diag_has(&diag, "training.optimizer.type: unknown type \"Adm\" (did you mean \"Adam\"?)", NULL));
    g_assert_true(diag_has(&diag, "training.batch_size", "got 0", NULL));
    g_assert_cmpint(c.epochs, ==, 3);
    tsu_project_free(p);
    tsu_diag_free(&diag);

    p = tsu_project_new("defaults");
    g_assert_cmpint(tsu_train_config_read(p, &c, NULL), ==, TSU_OK);
    g_assert_cmpint(c.batch_size, ==, 64);
    g_assert_cmpint(c.optimizer, ==, TSU_OPT_ADAM);
    g_assert_cmpfloat(c.learning_rate, ==, 0.001);
    tsu_project_free(p);
}

static void test_schedules(void)
{
    tsu_train_config c = config_for(TSU_OPT_SGD, 0.1, 0);
    c.epochs = 10;
    g_assert_cmpfloat(tsu_train_config_lr_at(&c, 7.5), ==, 0.1);
    c.schedule = TSU_SCHEDULE_STEP;
    c.step_epochs = 3;
    c.gamma = 0.5;
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 2.9), 0.1, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 3.0), 0.05, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 6.5), 0.025, 1e-12);
    c.schedule = TSU_SCHEDULE_COSINE;
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 0), 0.1, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 5), 0.05, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 10), 0, 1e-12);
    c.warmup_epochs = 2;
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 0), 0.01, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 1), 0.055, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_train_config_lr_at(&c, 2), 0.1, 1e-12);
}

static void test_confusion_metrics(void)
{
    const int labels[] = {0, 0, 1, 1, 2}, predictions[] = {0, 1, 1, 1, 0};
    tsu_confusion cm;
    tsu_confusion_init(&cm, 3);
    for (int i = 0; i < 5; i++) tsu_confusion_add(&cm, labels[i], predictions[i]);
    g_assert_cmpint(cm.counts[0 * 3 + 1], ==, 1);
    g_assert_cmpint(cm.counts[1 * 3 + 1], ==, 2);
    g_assert_cmpint(cm.counts[2 * 3 + 0], ==, 1);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_accuracy(&cm), 0.6, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_precision(&cm, 0), 0.5, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_recall(&cm, 0), 0.5, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_precision(&cm, 1), 2.0 / 3, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_recall(&cm, 1), 1.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(tsu_confusion_f1(&cm, 1), 0.8, 1e-12);
    g_assert_cmpfloat(tsu_confusion_precision(&cm, 2), ==, 0);
    g_assert_cmpfloat(tsu_confusion_f1(&cm, 2), ==, 0);
    tsu_confusion_free(&cm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/optim/sgd", test_sgd);
    g_test_add_func("/optim/momentum", test_momentum);
    g_test_add_func("/optim/adam", test_adam);
    g_test_add_func("/optim/adamw", test_adamw_decays_weights_directly);
    g_test_add_func("/optim/config", test_config_defaults_and_errors);
    g_test_add_func("/optim/schedules", test_schedules);
    g_test_add_func("/metrics/confusion", test_confusion_metrics);
    return g_test_run();
}
