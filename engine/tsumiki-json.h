/* tsumiki-json.h — the json-c tree behind a project, for the engine's own
 * files, its tests and format converters (ONNX import). Front ends read and
 * edit a project through tsumiki-document.h and the typed training and
 * dataset sections, never through this header: the engine owns the JSON. */
#ifndef TSUMIKI_JSON_H
#define TSUMIKI_JSON_H

#include "tsumiki.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

/* The document tree (borrowed, mutable). */
struct json_object *tsu_project_root(const tsu_project *project);
/* network.nodes (created if missing). */
struct json_object *tsu_project_nodes(const tsu_project *project);
/* The node object with that id, or NULL. */
struct json_object *tsu_project_find_node(const tsu_project *project, const char *id);

/* Opens the dataset described by one "dataset" entry `spec`; relative paths
 * in it are resolved against base_dir (the project file's directory; NULL
 * means "."). Returns NULL with the reasons in diag on any problem: a bad
 * spec, a missing file, bad data (messages name the file, and the line for
 * CSV files). Messages about the spec itself are prefixed "dataset: ". */
tsu_dataset *tsu_dataset_open(struct json_object *spec, const char *base_dir, tsu_diag *diag);
/* The same, naming the spec `context` in messages, e.g. "dataset.training"
 * gives "dataset.training.source: unknown source "fashon-mnist" (did you
 * mean "fashion-mnist"?)". context NULL is "dataset". */
tsu_dataset *tsu_dataset_open_named(struct json_object *spec, const char *base_dir,
                                    const char *context, tsu_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
