/* fuzz-png.c — one PNG file read through a fixed one-row CSV: the whole
 * input goes to libpng and the image reader (fuzz-csv covers the CSV). */
#include "fuzz-util.h"

#include <stdlib.h>
#include <string.h>

static const char index_csv[] = "x:image,y:label\na.png,1\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip(size)) return 0;
    char *dir = fuzz_dir_new();
    free(fuzz_dir_write(dir, "index.csv", (const uint8_t *)index_csv, strlen(index_csv)));
    free(fuzz_dir_write(dir, "a.png", data, size));
    fuzz_read_dataset("{\"source\": \"csv\", \"path\": \"index.csv\"}", dir);
    fuzz_dir_free(dir);
    return 0;
}
