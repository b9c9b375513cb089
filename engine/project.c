/* project.c — the project document: load, parse, save (atomically), query.
 *
 * The document is kept as the json-c tree it was read from, so keys this
 * version does not know survive a load/save round trip untouched. */
#include "tsu-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tsu_project {
    tsu_change_fn observer;
    void *observer_data;
    struct json_object *root;
    char *path;
};

tsu_project *tsu_project_new(const char *name)
{
    tsu_project *p = tsu_xcalloc(1, sizeof *p);
    struct json_object *root = json_object_new_object();
    json_object_object_add(root, "format", json_object_new_string(TSU_FORMAT_NAME));
    json_object_object_add(root, "version", json_object_new_int(TSU_FORMAT_VERSION));
    json_object_object_add(root, "name", json_object_new_string(name ? name : "Untitled"));
    struct json_object *network = json_object_new_object();
    json_object_object_add(network, "nodes", json_object_new_array());
    json_object_object_add(root, "network", network);
    p->root = root;

    /* Fashion-MNIST's own split, then the training settings' table. */
    char source[] = "fashion-mnist", train[] = "train", test[] = "test";
    tsu_dataset_settings data = {
        .training = {.present = true, .source = source, .split = train},
        .validation = {.present = true, .source = source, .split = test},
    };
    tsu_project_set_dataset(p, &data);
    tsu_project_write_default_training(p);
    return p;
}

static void offset_to_line_column(const char *text, size_t offset, int *line, int *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*column)++; /* count UTF-8 characters, not bytes */
        }
    }
}

/* The checks that decide whether the text is a project at all. Graph
 * problems are left to tsu_graph_build so a broken network still opens. */
static bool check_header(struct json_object *root, const char *source, tsu_diag *diag)
{
    if (!json_object_is_type(root, json_type_object)) {
        tsu_diag_add_at(diag, TSU_E_FORMAT, source, 0, 0,
                        _("not a Tsumiki project: the top level is not a JSON object"));
        return false;
    }
    struct json_object *format = NULL, *version = NULL;
    if (!json_object_object_get_ex(root, "format", &format) ||
        !json_object_is_type(format, json_type_string) ||
        strcmp(json_object_get_string(format), TSU_FORMAT_NAME) != 0) {
        tsu_diag_add_at(diag, TSU_E_FORMAT, source, 0, 0,
                        _("not a Tsumiki project: \"format\" must be \"%s\""), TSU_FORMAT_NAME);
        return false;
    }
    if (!json_object_object_get_ex(root, "version", &version) ||
        !json_object_is_type(version, json_type_int)) {
        tsu_diag_add_at(diag, TSU_E_FORMAT, source, 0, 0,
                        _("\"version\" must be an integer (this Tsumiki reads version %d)"),
                        TSU_FORMAT_VERSION);
        return false;
    }
    int64_t v = json_object_get_int64(version);
    if (v != TSU_FORMAT_VERSION) {
        tsu_diag_add_at(diag, TSU_E_VERSION, source, 0, 0,
                        _("project format version %lld is not supported: this Tsumiki reads "
                          "version %d%s"),
                        (long long)v, TSU_FORMAT_VERSION,
                        v > TSU_FORMAT_VERSION ? _(" (the file was written by a newer Tsumiki)") : "");
        return false;
    }
    struct json_object *network = NULL, *nodes = NULL;
    if (json_object_object_get_ex(root, "network", &network)) {
        if (!json_object_is_type(network, json_type_object)) {
            tsu_diag_add_at(diag, TSU_E_FORMAT, source, 0, 0, _("\"network\" must be an object"));
            return false;
        }
        if (json_object_object_get_ex(network, "nodes", &nodes) &&
            !json_object_is_type(nodes, json_type_array)) {
            tsu_diag_add_at(diag, TSU_E_FORMAT, source, 0, 0,
                            _("\"network.nodes\" must be an array of nodes"));
            return false;
        }
    }
    return true;
}

tsu_project *tsu_project_parse(const char *text, size_t length, const char *source,
                               tsu_diag *diag)
{
    if (!source) source = "<project>";
    struct json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *root = json_tokener_parse_ex(tok, text, (int)length);
    enum json_tokener_error err = json_tokener_get_error(tok);
    if (err == json_tokener_continue) err = json_tokener_error_parse_eof;
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!root || err != json_tokener_success) {
        int line, column;
        offset_to_line_column(text, end, &line, &column);
        tsu_diag_add_at(diag, TSU_E_SYNTAX, source, line, column, _("JSON syntax error: %s"),
                        json_tokener_error_desc(err));
        json_object_put(root);
        return NULL;
    }
    for (size_t i = end; i < length; i++) {
        if (text[i] != ' ' && text[i] != '\n' && text[i] != '\r' && text[i] != '\t') {
            int line, column;
            offset_to_line_column(text, i, &line, &column);
            tsu_diag_add_at(diag, TSU_E_SYNTAX, source, line, column,
                            _("JSON syntax error: unexpected text after the end of the project"));
            json_object_put(root);
            return NULL;
        }
    }
    if (!check_header(root, source, diag)) {
        json_object_put(root);
        return NULL;
    }
    tsu_project *p = tsu_xcalloc(1, sizeof *p);
    p->root = root;
    return p;
}

tsu_project *tsu_project_load(const char *path, tsu_diag *diag)
{
    size_t length = 0;
    char *text = (char *)tsu_read_file(path, TSU_READ_FILE_LIMIT, &length, diag);
    if (!text) return NULL;
    tsu_project *p = tsu_project_parse(text, length, path, diag);
    free(text);
    if (p) p->path = tsu_xstrdup(path);
    return p;
}

tsu_project *tsu_project_dup(const tsu_project *project)
{
    tsu_project *p = tsu_xcalloc(1, sizeof *p);
    struct json_object *copy = NULL;
    if (json_object_deep_copy(project->root, &copy, NULL) != 0)
        tsu_abort_at(__FILE__, __LINE__, "json_object_deep_copy failed");
    p->root = copy;
    p->path = project->path ? tsu_xstrdup(project->path) : NULL;
    return p;
}

void tsu_project_free(tsu_project *project)
{
    if (!project) return;
    json_object_put(project->root);
    free(project->path);
    free(project);
}

char *tsu_project_to_string(const tsu_project *project)
{
    char *body = tsu_json_to_canonical(project->root, 0);
    size_t n = strlen(body);
    body = tsu_xrealloc(body, n + 2);
    body[n] = '\n';
    body[n + 1] = '\0';
    return body;
}

tsu_status tsu_project_save(const tsu_project *project, const char *path, tsu_diag *diag)
{
    char *text = tsu_project_to_string(project);
    tsu_status st = tsu_write_file_atomic(path, text, strlen(text), diag);
    free(text);
    if (st == TSU_OK && project->path != path) tsu_project_set_path((tsu_project *)project, path);
    return st;
}

const char *tsu_project_path(const tsu_project *project) { return project->path; }

void tsu_project_set_path(tsu_project *project, const char *path)
{
    char *copy = path ? tsu_xstrdup(path) : NULL;
    free(project->path);
    project->path = copy;
}

char *tsu_project_dir(const tsu_project *project)
{
    if (!project->path) return tsu_xstrdup(".");
    char *copy = tsu_xstrdup(project->path);
    char *dir = tsu_xstrdup(dirname(copy));
    free(copy);
    return dir;
}

struct json_object *tsu_project_root(const tsu_project *project) { return project->root; }

void tsu_project_set_observer(tsu_project *project, tsu_change_fn fn, void *data)
{
    project->observer = fn;
    project->observer_data = data;
}

void tsu_project_notify(tsu_project *project, const tsu_change *change)
{
    if (project->observer) project->observer(change, project->observer_data);
}

struct json_object *tsu_project_swap_root(tsu_project *project, struct json_object *root)
{
    struct json_object *old = project->root;
    project->root = root;
    return old;
}

const char *tsu_project_name(const tsu_project *project)
{
    struct json_object *name = NULL;
    if (json_object_object_get_ex(project->root, "name", &name) &&
        json_object_is_type(name, json_type_string))
        return json_object_get_string(name);
    return "Untitled";
}

struct json_object *tsu_project_nodes(const tsu_project *project)
{
    struct json_object *network = NULL, *nodes = NULL;
    if (!json_object_object_get_ex(project->root, "network", &network) ||
        !json_object_is_type(network, json_type_object)) {
        network = json_object_new_object();
        json_object_object_add(project->root, "network", network);
    }
    if (!json_object_object_get_ex(network, "nodes", &nodes) ||
        !json_object_is_type(nodes, json_type_array)) {
        nodes = json_object_new_array();
        json_object_object_add(network, "nodes", nodes);
    }
    return nodes;
}

struct json_object *tsu_project_find_node(const tsu_project *project, const char *id)
{
    int index = tsu_project_node_find(project, id);
    return index >= 0 ? json_object_array_get_idx(tsu_project_nodes(project), (size_t)index) : NULL;
}

char *tsu_project_unique_id(const tsu_project *project, const char *type)
{
    const tsu_layer_kind *kind = type ? tsu_layer_kind_find(type) : NULL;
    const char *prefix = kind && kind->id_prefix ? kind->id_prefix : "node";
    size_t cap = strlen(prefix) + 16;
    char *id = tsu_xmalloc(cap);
    for (int n = 1;; n++) {
        snprintf(id, cap, "%s%d", prefix, n);
        if (tsu_project_node_find(project, id) < 0) return id;
    }
}
