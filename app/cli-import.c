/* cli-import.c — `tsumiki-cli import`: an ONNX model as a Tsumiki project
 * and a safetensors file of its weights. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *const import_usage = N_(
    "usage: tsumiki-cli import MODEL.onnx --out PROJECT.tsumiki [--weights W.safetensors]\n"
    "  The weights go to PROJECT.safetensors unless --weights says otherwise.\n"
    "  tsumiki-cli import --list-operators: the ONNX operators Tsumiki imports.\n");

int cli_import(int argc, char **argv)
{
    const char *model = NULL, *out = NULL, *weights = NULL;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--out") && value) out = argv[++i];
        else if (!strcmp(argv[i], "--weights") && value) weights = argv[++i];
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(_(import_usage), stdout);
            return 0;
        } else if (!strcmp(argv[i], "--list-operators")) {
            for (const char *const *op = tsu_import_onnx_operators(); *op; op++) printf("%s\n", *op);
            return 0;
        } else if (argv[i][0] != '-' && !model) model = argv[i];
        else {
            fputs(_(import_usage), stderr);
            return 2;
        }
    }
    if (!model || !out) {
        fputs(_(import_usage), stderr);
        return 2;
    }
    char *default_weights = NULL;
    if (!weights) {
        size_t n = strlen(out), ext = strlen(".tsumiki");
        size_t stem = n > ext && !strcmp(out + n - ext, ".tsumiki") ? n - ext : n;
        default_weights = malloc(stem + sizeof ".safetensors");
        if (!default_weights) return 1;
        memcpy(default_weights, out, stem);
        strcpy(default_weights + stem, ".safetensors");
        weights = default_weights;
    }
    tsu_diag diag;
    tsu_diag_init(&diag);
    int rc = 1;
    tsu_project *project = tsu_import_onnx(model, weights, &diag);
    if (project && tsu_project_save(project, out, &diag) == TSU_OK) {
        int nodes = tsu_project_node_count(project);
        printf(_("wrote %s (%d nodes) and %s\n"), out, nodes, weights);
        printf(_("  check it: tsumiki-cli check %s\n"), out);
        rc = 0;
    }
    if (diag.count) tsu_diag_print(&diag, stderr);
    tsu_project_free(project);
    tsu_diag_free(&diag);
    free(default_weights);
    return rc;
}
