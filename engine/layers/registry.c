/* registry.c — every layer kind, in palette order. Adding a layer kind is
 * one file in this folder plus one line here. */
#include "tsu-internal.h"

const tsu_layer_kind *const tsu_layer_registry[] = {
    NULL,
};
const int tsu_layer_registry_count = 0;
