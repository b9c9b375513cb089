/* test-safetensors.c — weights files for every id the project format allows
 * (a property test over random networks), hostile headers that must give an
 * error naming the file and the tensor, a path that never ends, and the
 * file's mode. */
#include "test-helpers.h"

#include <glib/gstdio.h>
#include <json-c/json.h>
#include <sys/stat.h>

/* What valid_id in engine/graph.c accepts: a letter or _, then letters,
 * digits and _, at most TSU_ID_MAX - 1 characters. */
static char *random_id(GRand *rand, int length)
{
    static const char first[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
    static const char rest[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789";
    char *id = g_malloc((size_t)length + 1);
    id[0] = first[g_rand_int_range(rand, 0, (int)sizeof first - 1)];
    for (int i = 1; i < length; i++) id[i] = rest[g_rand_int_range(rand, 0, (int)sizeof rest - 1)];
    id[length] = '\0';
    return id;
}

/* A fresh id not in `used`: mostly short, one in five as long as allowed. */
static char *unique_id(GRand *rand, GHashTable *used)
{
    for (;;) {
        int length = g_rand_int_range(rand, 0, 5) == 0 ? TSU_ID_MAX - 1
                                                        : g_rand_int_range(rand, 1, 9);
        char *id = random_id(rand, length);
        if (g_hash_table_add(used, id)) return g_strdup(id);
    }
}

/* A chain from an Input through random layers with tensors; the last one
 * (an Affine) has the longest id allowed. */
static char *random_network(GRand *rand)
{
    GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GString *json = g_string_new(NULL);
    char *prev = unique_id(rand, used);
    g_string_append_printf(json, "{\"id\": \"%s\", \"type\": \"Input\", \"params\": "
                                 "{\"shape\": [%d, %d, %d]}}", prev,
                           g_rand_int_range(rand, 1, 4), g_rand_int_range(rand, 2, 6),
                           g_rand_int_range(rand, 2, 6));
    bool image = true;
    int layers = g_rand_int_range(rand, 1, 6);
    for (int i = 0; i <= layers; i++) {
        char *id = i == layers ? random_id(rand, TSU_ID_MAX - 1) : unique_id(rand, used);
        int kind = i == layers ? 0 : g_rand_int_range(rand, 0, image ? 4 : 2);
        const char *type[] = {"Affine", "ReLU", "Convolution", "BatchNormalization"};
        g_string_append_printf(json, ", {\"id\": \"%s\", \"type\": \"%s\", \"inputs\": [\"%s\"]",
                               id, type[kind], prev);
        if (kind == 0)
            g_string_append_printf(json, ", \"params\": {\"outmaps\": %d}",
                                   g_rand_int_range(rand, 1, 6));
        else if (kind == 2)
            g_string_append_printf(json, ", \"params\": {\"outmaps\": %d, \"kernel\": [3, 3], "
                                         "\"pad\": [1, 1]}", g_rand_int_range(rand, 1, 5));
        g_string_append(json, "}");
        image = image && kind != 0;
        if (i == layers && g_hash_table_contains(used, id)) g_error("id collision");
        g_free(prev);
        prev = id;
    }
    g_free(prev);
    g_hash_table_destroy(used);
    return g_string_free(json, FALSE);
}

static tsu_net *new_net(test_graph *t, uint64_t seed)
{
    tsu_net_config cfg = {.max_batch = 1, .threads = 1, .seed = seed, .training = false};
    tsu_net *net = tsu_net_new(t->graph, &cfg, &t->diag);
    if (!net) test_diag_dump(&t->diag);
    g_assert_nonnull(net);
    return net;
}

static char *temp_dir(void)
{
    char *dir = g_dir_make_tmp("tsu-st-XXXXXX", NULL);
    g_assert_nonnull(dir);
    return dir;
}

static void remove_dir(char *dir, const char *const *names)
{
    for (; *names; names++) {
        char *path = g_build_filename(dir, *names, NULL);
        g_remove(path);
        g_free(path);
    }
    g_rmdir(dir);
    g_free(dir);
}

/* The header is JSON with "__metadata__" and exactly the net's tensors. */
static void assert_header_lists(const char *bytes, gsize length, tsu_net *net)
{
    guint64 n;
    g_assert_cmpuint(length, >=, 8);
    memcpy(&n, bytes, 8);
    g_assert_cmpuint(n % 8, ==, 0);
    g_assert_cmpuint(n, <=, length - 8);
    struct json_tokener *tok = json_tokener_new();
    struct json_object *header = json_tokener_parse_ex(tok, bytes + 8, (int)n);
    g_assert_cmpint(json_tokener_get_error(tok), ==, json_tokener_success);
    json_tokener_free(tok);
    g_assert_true(json_object_is_type(header, json_type_object));
    g_assert_cmpint(json_object_object_length(header), ==, tsu_net_tensor_count(net) + 1);
    g_assert_true(json_object_object_get_ex(header, "__metadata__", NULL));
    for (int i = 0; i < tsu_net_tensor_count(net); i++)
        g_assert_true(json_object_object_get_ex(header, tsu_net_tensor_at(net, i)->name, NULL));
    json_object_put(header);
}

/* Random networks with random valid ids (capitals, digits, underscores, the
 * longest allowed): saved, loaded into a differently initialised net, saved
 * again; values and bytes identical. */
static void test_random_ids_round_trip(void)
{
    char *dir = temp_dir();
    char *first = g_build_filename(dir, "a.safetensors", NULL);
    char *second = g_build_filename(dir, "b.safetensors", NULL);
    GRand *rand = g_rand_new_with_seed(20261203);
    for (int round = 0; round < 60; round++) {
        char *nodes = random_network(rand);
        test_graph t;
        test_graph_build(&t, nodes);
        if (!tsu_graph_valid(t.graph)) {
            test_diag_dump(&t.diag);
            g_error("random network %d is not valid: %s", round, nodes);
        }
        tsu_net *a = new_net(&t, (uint64_t)round + 1), *b = new_net(&t, (uint64_t)round + 1000);
        g_assert_false(test_same_tensors(a, b));
        g_assert_cmpint(tsu_net_save_safetensors(a, first, &t.diag), ==, TSU_OK);
        if (tsu_net_load_safetensors(b, first, &t.diag) != TSU_OK) {
            test_diag_dump(&t.diag);
            g_error("round %d: cannot load what was saved: %s", round, nodes);
        }
        g_assert_true(test_same_tensors(a, b));
        g_assert_cmpint(tsu_net_save_safetensors(b, second, &t.diag), ==, TSU_OK);
        gchar *bytes_a, *bytes_b;
        gsize length_a, length_b;
        g_assert_true(g_file_get_contents(first, &bytes_a, &length_a, NULL));
        g_assert_true(g_file_get_contents(second, &bytes_b, &length_b, NULL));
        g_assert_cmpmem(bytes_a, length_a, bytes_b, length_b);
        assert_header_lists(bytes_a, length_a, a);
        g_free(bytes_a);
        g_free(bytes_b);
        tsu_net_free(a);
        tsu_net_free(b);
        test_graph_free(&t);
        g_free(nodes);
    }
    g_rand_free(rand);
    g_free(first);
    g_free(second);
    remove_dir(dir, (const char *[]){"a.safetensors", "b.safetensors", NULL});
}

#define SMALL                                                                                \
    "{\"id\": \"x\", \"type\": \"Input\", \"params\": {\"shape\": [3]}},"                    \
    "{\"id\": \"FC1\", \"type\": \"Affine\", \"inputs\": [\"x\"], \"params\": {\"outmaps\": 2}}"

/* The layout of a file saved from SMALL, with its header replaced. */
static void write_with_header(const char *path, const char *header)
{
    /* FC1.bias (2 floats) then FC1.weight (6 floats). */
    float data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    guint64 n = strlen(header);
    GByteArray *bytes = g_byte_array_new();
    g_byte_array_append(bytes, (const guint8 *)&n, 8);
    g_byte_array_append(bytes, (const guint8 *)header, (guint)n);
    g_byte_array_append(bytes, (const guint8 *)data, sizeof data);
    g_assert_true(g_file_set_contents(path, (const char *)bytes->data, bytes->len, NULL));
    g_byte_array_free(bytes, TRUE);
}

#define GOOD_BIAS "\"FC1.bias\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}"

static const struct {
    const char *weight; /* the FC1.weight entry, or a whole header when it starts with '!' */
    const char *message;
} hostile[] = {
    {"{\"dtype\": null, \"shape\": [2, 3], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"dtype\" must be a string such as \"F32\", got null"},
    {"{\"dtype\": 5, \"shape\": [2, 3], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"dtype\" must be a string such as \"F32\", got 5"},
    {"{\"shape\": [2, 3], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"dtype\" must be a string such as \"F32\", got nothing"},
    {"{\"dtype\": \"F16\", \"shape\": [2, 3], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight has dtype F16, expected F32"},
    {"{\"dtype\": \"F32\", \"shape\": \"2, 3\", \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"shape\" must be a list of at most 6 non-negative integers, got \"2, 3\""},
    {"{\"dtype\": \"F32\", \"shape\": [2, null], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"shape\" must be a list"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3.0], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"shape\" must be a list"},
    {"{\"dtype\": \"F32\", \"shape\": [2, -3], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"shape\" must be a list"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 4294967299], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"shape\" must be a list"},
    {"{\"dtype\": \"F32\", \"shape\": [1, 1, 1, 1, 1, 1, 2, 3], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight: \"shape\" must be a list"},
    {"{\"dtype\": \"F32\", \"shape\": [3, 2], \"data_offsets\": [8, 32]}",
     "tensor FC1.weight has shape [3, 2], the network expects [2, 3]"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": null}",
     "tensor FC1.weight: \"data_offsets\" must be [begin, end] with 0 <= begin <= end, got null"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [\"8\", 32]}",
     "tensor FC1.weight: \"data_offsets\" must be"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [8]}",
     "tensor FC1.weight: \"data_offsets\" must be"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [32, 8]}",
     "tensor FC1.weight: \"data_offsets\" must be"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [-8, 16]}",
     "tensor FC1.weight: \"data_offsets\" must be"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [8, 1e3]}",
     "tensor FC1.weight: \"data_offsets\" must be"},
    /* Offsets whose difference is right but whose end wraps around. */
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [18446744073709551600, "
     "18446744073709551624]}", "tensor FC1.weight: \"data_offsets\" must be"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [9223372036854775790, "
     "9223372036854775807]}", "tensor FC1.weight has data_offsets [9223372036854775790, "
     "9223372036854775807]: 17 bytes, but shape [2, 3] is 24 bytes of F32"},
    {"{\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [16, 40]}",
     "tensor FC1.weight is truncated (needs bytes 16..40 of 32)"},
    {"null", "tensor FC1.weight: expected an object, got null"},
    {"[8, 32]", "tensor FC1.weight: expected an object, got [8,32]"},
    {"!{\"__metadata__\": {\"format\": \"pt\"}, " GOOD_BIAS "}", "tensor FC1.weight is missing"},
    {"![]", "not a safetensors file (bad JSON header)"},
    {"!{\"FC1.bias\": ", "not a safetensors file (bad JSON header)"},
    {"!{} {}", "not a safetensors file (bad JSON header)"},
    {"!", "not a safetensors file (bad JSON header)"},
};

static void test_hostile_headers(void)
{
    test_graph t;
    test_graph_build(&t, SMALL);
    tsu_net *net = new_net(&t, 3), *fresh = new_net(&t, 3);
    char *dir = temp_dir();
    char *path = g_build_filename(dir, "w.safetensors", NULL);
    /* The good layout loads: the cases below differ from it in one place. */
    write_with_header(path, "{" GOOD_BIAS ", \"FC1.weight\": {\"dtype\": \"F32\", \"shape\": [2, 3], "
                            "\"data_offsets\": [8, 32]}}   ");
    g_assert_cmpint(tsu_net_load_safetensors(net, path, &t.diag), ==, TSU_OK);
    g_assert_cmpfloat(tsu_net_tensor_find(net, "FC1.weight")->data[5], ==, 8.0f);
    tsu_net_free(net);
    net = new_net(&t, 3);
    for (size_t i = 0; i < G_N_ELEMENTS(hostile); i++) {
        char *header = hostile[i].weight[0] == '!'
                           ? g_strdup(hostile[i].weight + 1)
                           : g_strdup_printf("{" GOOD_BIAS ", \"FC1.weight\": %s}",
                                             hostile[i].weight);
        write_with_header(path, header);
        tsu_diag_clear(&t.diag);
        g_assert_cmpint(tsu_net_load_safetensors(net, path, &t.diag), !=, TSU_OK);
        char *expected = g_strdup_printf("%s: %s", path, hostile[i].message);
        if (!test_diag_has(&t.diag, expected)) {
            test_diag_dump(&t.diag);
            g_error("header %s: expected \"%s\"", header, expected);
        }
        g_assert_true(test_same_tensors(net, fresh)); /* nothing changed */
        g_free(expected);
        g_free(header);
    }
    /* A header length past the end of the file, or as large as 2^64 - 1. */
    for (int k = 0; k < 2; k++) {
        guint64 n = k ? G_MAXUINT64 : 1000;
        char bytes[16] = {0};
        memcpy(bytes, &n, 8);
        g_assert_true(g_file_set_contents(path, bytes, sizeof bytes, NULL));
        tsu_diag_clear(&t.diag);
        g_assert_cmpint(tsu_net_load_safetensors(net, path, &t.diag), ==, TSU_E_FORMAT);
        g_assert_true(test_diag_has(&t.diag, "not a safetensors file (truncated header)"));
    }
    remove_dir(dir, (const char *[]){"w.safetensors", NULL});
    g_free(path);
    tsu_net_free(net);
    tsu_net_free(fresh);
    test_graph_free(&t);
}

/* A device that never ends is refused quickly, named, not read forever. */
static void test_endless_path(void)
{
    test_graph t;
    test_graph_build(&t, SMALL);
    tsu_net *net = new_net(&t, 3);
    gint64 start = g_get_monotonic_time();
    g_assert_cmpint(tsu_net_load_safetensors(net, "/dev/zero", &t.diag), ==, TSU_E_IO);
    g_assert_true(test_diag_has(&t.diag, "/dev/zero: cannot read: larger than"));
    g_assert_cmpint(g_get_monotonic_time() - start, <, 30 * G_USEC_PER_SEC);
    tsu_diag_clear(&t.diag);
    g_assert_cmpint(tsu_net_load_safetensors(net, "/tmp", &t.diag), ==, TSU_E_IO);
    g_assert_true(test_diag_has(&t.diag, "/tmp: cannot read"));
    tsu_net_free(net);
    test_graph_free(&t);
}

/* Weights get the mode of every other file Tsumiki writes (a project). */
static void test_file_mode(void)
{
    test_graph t;
    test_graph_build(&t, SMALL);
    tsu_net *net = new_net(&t, 3);
    char *dir = temp_dir();
    char *weights = g_build_filename(dir, "w.safetensors", NULL);
    char *project = g_build_filename(dir, "p.tsumiki", NULL);
    mode_t old = umask(022);
    g_assert_cmpint(tsu_net_save_safetensors(net, weights, &t.diag), ==, TSU_OK);
    g_assert_cmpint(tsu_project_save(t.project, project, &t.diag), ==, TSU_OK);
    umask(old);
    GStatBuf a, b;
    g_assert_cmpint(g_stat(weights, &a), ==, 0);
    g_assert_cmpint(g_stat(project, &b), ==, 0);
    g_assert_cmpint(a.st_mode & 0777, ==, 0644);
    g_assert_cmpint(a.st_mode & 0777, ==, b.st_mode & 0777);
    remove_dir(dir, (const char *[]){"w.safetensors", "p.tsumiki", NULL});
    g_free(weights);
    g_free(project);
    tsu_net_free(net);
    test_graph_free(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/safetensors/random-ids-round-trip", test_random_ids_round_trip);
    g_test_add_func("/safetensors/hostile-headers", test_hostile_headers);
    g_test_add_func("/safetensors/endless-path", test_endless_path);
    g_test_add_func("/safetensors/file-mode", test_file_mode);
    return g_test_run();
}
