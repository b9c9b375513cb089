/* fuzz-idx.c — an IDX file, plain or gzip (zlib tells them apart), read as
 * images alone and as images with itself as labels. */
#include "fuzz-util.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip(size)) return 0;
    char *dir = fuzz_dir_new();
    free(fuzz_dir_write(dir, "data.idx", data, size));
    fuzz_read_dataset("{\"source\": \"idx\", \"images\": \"data.idx\"}", dir);
    fuzz_read_dataset("{\"source\": \"idx\", \"images\": \"data.idx\", \"labels\": \"data.idx\"}",
                      dir);
    fuzz_dir_free(dir);
    return 0;
}
