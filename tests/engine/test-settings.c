/* test-settings.c — the training settings table drives reading, writing
 * and defaults; the dataset section reads and writes as typed specs. */
#include <json-c/json.h>
#include "tsumiki-json.h"
#include <math.h>

#include "test-helpers.h"

#define HEADER "{\"format\": \"tsumiki-project\", \"version\": 1, \"name\": \"t\", "

static tsu_project *with_training(const char *training_json)
{
    g_autofree char *text = g_strdup_printf(HEADER "\"training\": %s}", training_json);
    return load_text(text);
}

static tsu_project *reload(const tsu_project *p)
{
    char *text = tsu_project_to_string(p);
    tsu_project *q = load_text(text);
    free(text);
    return q;
}

static void test_defaults_inside_bounds(void)
{
    tsu_train_config c;
    tsu_train_config_defaults(&c);
    for (int s = 0; s < TSU_SETTING_COUNT; s++) {
        const tsu_setting_desc *d = tsu_train_setting_desc(s);
        double v = tsu_train_config_get(&c, s);
        g_test_message("%s = %g in [%g, %g]", d->key, v, d->min, d->max);
        g_assert_cmpfloat(v, ==, d->def);
        g_assert_cmpfloat(v, >=, d->min);
        g_assert_cmpfloat(v, <=, d->max);
        g_assert_true(d->help && *d->help && d->label && *d->label);
        if (d->type == TSU_SETTING_CHOICE) g_assert_cmpfloat(d->max, ==, d->n_choices - 1);
    }
    /* The numbers people rely on, by hand. */
    g_assert_cmpint(c.epochs, ==, 5);
    g_assert_cmpint(c.batch_size, ==, 64);
    g_assert_cmpint(c.optimizer, ==, TSU_OPT_ADAM);
    g_assert_cmpfloat(c.beta2, ==, 0.999);
    g_assert_cmpfloat(c.eps, ==, 1e-8);
    c.optimizer = TSU_OPT_ADAMW;
    g_assert_cmpfloat(tsu_train_setting_default(&c, TSU_SETTING_WEIGHT_DECAY), ==, 0.01);

    /* An empty "training" reads as the defaults; AdamW brings its decay. */
    tsu_project *p = with_training("{\"optimizer\": {\"type\": \"AdamW\"}}");
    g_assert_cmpint(tsu_project_get_training(p, &c, NULL), ==, TSU_OK);
    g_assert_cmpfloat(c.weight_decay, ==, 0.01);
    g_assert_cmpint(c.epochs, ==, 5);
    tsu_project_free(p);
}

static void test_new_project_text(void)
{
    tsu_project *p = tsu_project_new("Fresh");
    char *text = tsu_project_to_string(p);
    g_assert_nonnull(strstr(text,
        "  \"dataset\": {\n"
        "    \"training\": {\"source\": \"fashion-mnist\", \"split\": \"train\"},\n"
        "    \"validation\": {\"source\": \"fashion-mnist\", \"split\": \"test\"}\n"
        "  },\n"
        "  \"training\": {\n"
        "    \"epochs\": 5,\n"
        "    \"batch_size\": 64,\n"
        "    \"seed\": 1,\n"
        "    \"optimizer\": {\"type\": \"Adam\", \"learning_rate\": 0.001}\n"
        "  }\n"));
    free(text);
    tsu_project_free(p);
}

static void expect_error(const char *training, const char *message)
{
    tsu_project *p = with_training(training);
    tsu_train_config c;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_project_get_training(p, &c, &diag), ==, TSU_E_FORMAT);
    diag_dump(&diag);
    g_assert_cmpint(diag.count, ==, 1);
    g_assert_cmpstr(diag.items[0].message, ==, message);
    tsu_diag_free(&diag);
    tsu_project_free(p);
}

/* training.<key> = value straight into the tree, sections made on the way. */
static void put_raw(tsu_project *p, const char *key, double value)
{
    struct json_object *obj = NULL;
    json_object_object_get_ex(tsu_project_root(p), "training", &obj);
    g_auto(GStrv) parts = g_strsplit(key, ".", -1);
    for (int i = 0; parts[i + 1]; i++) {
        struct json_object *child = NULL;
        if (!json_object_object_get_ex(obj, parts[i], &child)) {
            child = json_object_new_object();
            json_object_object_add(obj, parts[i], child);
        }
        obj = child;
    }
    json_object_object_add(obj, parts[g_strv_length(parts) - 1], json_object_new_double(value));
}

static void test_out_of_range_is_located(void)
{
    expect_error("{\"epochs\": 0}", "training.epochs: expected an integer from 1 to 100000, got 0");
    expect_error("{\"epochs\": 2.5}", "training.epochs: expected an integer from 1 to 100000, got 2.5");
    expect_error("{\"seed\": -1}", "training.seed: expected an integer from 0 to 9007199254740992, got -1");
    expect_error("{\"batch_size\": \"64\"}",
                 "training.batch_size: expected an integer from 1 to 65536, got \"64\"");
    expect_error("{\"optimizer\": {\"learning_rate\": 11}}",
                 "training.optimizer.learning_rate: expected a number from 0 to 10, got 11");
    expect_error("{\"optimizer\": {\"eps\": -1e-08}}",
                 "training.optimizer.eps: expected a number from 0 to 1, got -1e-08");
    expect_error("{\"optimizer\": {\"lr_schedule\": {\"type\": \"linear\"}}}",
                 "training.optimizer.lr_schedule.type: unknown type \"linear\" (one of constant, step, cosine)");
    expect_error("{\"optimizer\": 3}", "training.optimizer: expected an object");
    expect_error("[]", "training: expected an object");

    /* Every setting's bounds, from the table: one past each end. */
    for (int s = 0; s < TSU_SETTING_COUNT; s++) {
        const tsu_setting_desc *d = tsu_train_setting_desc(s);
        if (d->type == TSU_SETTING_CHOICE) continue;
        for (int end = 0; end < 2; end++) {
            double bad = end ? d->max * 2 + 1 : d->min - 1;
            tsu_project *p = tsu_project_new("t");
            put_raw(p, d->key, bad);
            tsu_train_config c;
            tsu_project *q = reload(p);
            tsu_diag diag;
            tsu_diag_init(&diag);
            g_assert_cmpint(tsu_project_get_training(q, &c, &diag), ==, TSU_E_FORMAT);
            char path[96];
            tsu_train_setting_path(s, path, sizeof path);
            g_assert_true(diag_has(&diag, path, ": expected ", " from ", NULL));
            g_assert_cmpstr(diag.items[0].param, ==, path);
            /* The wrong value does not leak into the config. */
            g_assert_cmpfloat(tsu_train_config_get(&c, s), ==, d->def);
            tsu_diag_free(&diag);
            tsu_project_free(p);
            tsu_project_free(q);
        }
    }
}

/* A value other than the default, inside the bounds. */
static double other_value(const tsu_setting_desc *d)
{
    if (d->type == TSU_SETTING_CHOICE) return d->def == 0 ? 1 : 0;
    if (d->type == TSU_SETTING_INT) return d->def == d->max ? d->max - 1 : d->max;
    return d->def == d->max ? d->min : d->min + (d->max - d->min) * 0.375;
}

static void test_round_trip_every_setting(void)
{
    for (int s = 0; s < TSU_SETTING_COUNT; s++) {
        const tsu_setting_desc *d = tsu_train_setting_desc(s);
        tsu_train_config c, back;
        tsu_train_config_defaults(&c);
        /* Make the setting mean something: its optimizer and schedule. */
        for (int k = 0; k < 4; k++)
            if (d->optimizers & (1u << k)) c.optimizer = k;
        for (int k = 0; k < 3; k++)
            if (d->schedules & (1u << k)) c.schedule = k;
        tsu_train_config_set(&c, s, other_value(d));
        tsu_project *p = tsu_project_new("t");
        tsu_project_set_training(p, &c);
        tsu_project *q = reload(p);
        g_assert_cmpint(tsu_project_get_training(q, &back, NULL), ==, TSU_OK);
        for (int t = 0; t < TSU_SETTING_COUNT; t++)
            if (tsu_train_setting_applies(&c, t)) {
                g_test_message("%s after setting %s", tsu_train_setting_desc(t)->key, d->key);
                g_assert_cmpfloat(tsu_train_config_get(&back, t), ==, tsu_train_config_get(&c, t));
            }
        tsu_project_free(p);
        tsu_project_free(q);
    }
    /* The seed's whole range survives: 2^53 is exact in JSON and doubles. */
    tsu_train_config c, back;
    tsu_train_config_defaults(&c);
    c.seed = 9007199254740992ull;
    tsu_project *p = tsu_project_new("t");
    tsu_project_set_training(p, &c);
    tsu_project *q = reload(p);
    g_assert_cmpint(tsu_project_get_training(q, &back, NULL), ==, TSU_OK);
    g_assert_true(back.seed == 9007199254740992ull);
    tsu_project_free(p);
    tsu_project_free(q);
}

/* Setting what was read changes nothing, byte for byte, even keys that
 * mean nothing to the optimizer and keys this version does not know. */
static void test_set_what_was_read_is_identity(void)
{
    g_autofree char *dir = source_path("resources/examples");
    GDir *examples = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(examples);
    int checked = 0;
    for (const char *name; (name = g_dir_read_name(examples));) {
        if (!g_str_has_suffix(name, ".tsumiki")) continue;
        g_autofree char *path = g_build_filename(dir, name, NULL);
        checked++;
        tsu_diag diag;
        tsu_diag_init(&diag);
        tsu_project *p = tsu_project_load(path, &diag);
        g_assert_nonnull(p);
        char *before = tsu_project_to_string(p);
        tsu_train_config c;
        tsu_dataset_settings data;
        g_assert_cmpint(tsu_project_get_training(p, &c, &diag), ==, TSU_OK);
        g_assert_cmpint(tsu_project_get_dataset(p, &data, &diag), ==, TSU_OK);
        tsu_project_set_training(p, &c);
        tsu_project_set_dataset(p, &data);
        char *after = tsu_project_to_string(p);
        g_assert_cmpstr(before, ==, after);
        free(before);
        free(after);
        tsu_dataset_settings_clear(&data);
        tsu_project_free(p);
        tsu_diag_free(&diag);
    }
    g_dir_close(examples);
    g_assert_cmpint(checked, >=, 4);
    const char *odd = "{\"epochs\": 7, \"custom\": [1, 2], \"threads\": 0, "
                      "\"optimizer\": {\"weight_decay\": 0, \"momentum\": 0.5, \"type\": \"Adam\", "
                      "\"lr_schedule\": {\"type\": \"constant\", \"gamma\": 0.5}}}";
    tsu_project *p = with_training(odd);
    char *before = tsu_project_to_string(p);
    tsu_train_config c;
    g_assert_cmpint(tsu_project_get_training(p, &c, NULL), ==, TSU_OK);
    tsu_project_set_training(p, &c);
    char *after = tsu_project_to_string(p);
    g_assert_cmpstr(before, ==, after);
    free(after);

    /* An edit touches its key only; unknown keys stay where they were. */
    c.epochs = 9;
    tsu_project_set_training(p, &c);
    after = tsu_project_to_string(p);
    g_assert_nonnull(strstr(after, "\"epochs\": 9,\n    \"custom\": [1, 2],\n    \"threads\": 0,"));
    free(after);
    free(before);
    tsu_project_free(p);
}

static void test_optimizer_change_keeps_keys_meaningful(void)
{
    tsu_project *p = with_training("{\"epochs\": 0, \"optimizer\": {\"type\": \"Adam\", "
                                   "\"learning_rate\": 0.01, \"beta1\": 0.8}}");
    tsu_train_config c;
    g_assert_cmpint(tsu_project_get_training(p, &c, NULL), ==, TSU_E_FORMAT);
    c.optimizer = TSU_OPT_MOMENTUM;
    tsu_project_set_training_setting(p, &c, TSU_SETTING_OPTIMIZER);
    c.schedule = TSU_SCHEDULE_STEP;
    tsu_project_set_training_setting(p, &c, TSU_SETTING_SCHEDULE);
    char *text = tsu_project_to_string(p);
    /* beta1 means nothing to Momentum; the schedule shows its step; the
     * invalid epochs, which nobody edited, is still there to be fixed. */
    g_assert_nonnull(strstr(text, "\"epochs\": 0,"));
    g_assert_nonnull(strstr(text, "\"optimizer\": {\n      \"type\": \"Momentum\",\n"
                                  "      \"learning_rate\": 0.01,\n"
                                  "      \"lr_schedule\": {\"type\": \"step\", \"step_epochs\": 1, "
                                  "\"gamma\": 0.1}\n    }"));
    free(text);
    tsu_project_free(p);
}

static void test_dataset_section(void)
{
    tsu_project *p = load_text(HEADER "\"dataset\": {\"training\": {\"source\": \"csv\", "
                               "\"path\": \"a.csv\", \"note\": \"mine\", \"skip\": 0, \"shuffle\": 3}, "
                               "\"extra\": 1}}");
    tsu_dataset_settings s;
    tsu_diag diag;
    tsu_diag_init(&diag);
    g_assert_cmpint(tsu_project_get_dataset(p, &s, &diag), ==, TSU_OK);
    g_assert_true(s.training.present);
    g_assert_false(s.validation.present);
    g_assert_cmpstr(s.training.source, ==, "csv");
    g_assert_cmpstr(s.training.path, ==, "a.csv");
    g_assert_null(s.training.split);
    g_assert_true(s.training.shuffled);
    g_assert_cmpint((int)s.training.shuffle_seed, ==, 3);
    g_assert_cmpint(s.training.limit, ==, 0);

    s.training.limit = 900;
    s.validation.present = true;
    tsu_dataset_spec_copy(&s.validation, &s.training);
    s.validation.limit = 0;
    s.validation.skip = 900;
    tsu_project_set_dataset(p, &s);
    tsu_dataset_settings_clear(&s);
    char *text = tsu_project_to_string(p);
    g_assert_nonnull(strstr(text, "\"training\": {\"source\": \"csv\", \"path\": \"a.csv\", "
                                  "\"note\": \"mine\", \"skip\": 0, \"shuffle\": 3, \"limit\": 900},\n"
                                  "    \"extra\": 1,\n"
                                  "    \"validation\": {\"source\": \"csv\", \"path\": \"a.csv\", "
                                  "\"skip\": 900, \"shuffle\": 3}"));
    free(text);

    /* Absent data, by name. */
    g_assert_null(tsu_project_open_dataset(p, "test", &diag));
    g_assert_true(diag_has(&diag, "dataset.test: the project names no test data", NULL));
    tsu_diag_clear(&diag);
    tsu_project_free(p);

    p = load_text(HEADER "\"dataset\": {\"training\": {\"source\": 3, \"limit\": 0}, "
                  "\"validation\": []}}");
    g_assert_cmpint(tsu_project_get_dataset(p, &s, &diag), ==, TSU_E_FORMAT);
    diag_dump(&diag);
    g_assert_true(diag_has(&diag, "dataset.training.source: expected a non-empty string, got 3", NULL));
    g_assert_true(diag_has(&diag, "dataset.training.limit: expected an integer >= 1, got 0", NULL));
    g_assert_true(diag_has(&diag, "dataset.validation: expected an object, got []", NULL));
    tsu_dataset_settings_clear(&s);
    tsu_project_free(p);
    tsu_diag_free(&diag);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/settings/defaults-inside-bounds", test_defaults_inside_bounds);
    g_test_add_func("/settings/new-project-text", test_new_project_text);
    g_test_add_func("/settings/out-of-range-is-located", test_out_of_range_is_located);
    g_test_add_func("/settings/round-trip-every-setting", test_round_trip_every_setting);
    g_test_add_func("/settings/set-what-was-read-is-identity", test_set_what_was_read_is_identity);
    g_test_add_func("/settings/optimizer-change", test_optimizer_change_keeps_keys_meaningful);
    g_test_add_func("/settings/dataset-section", test_dataset_section);
    return g_test_run();
}
