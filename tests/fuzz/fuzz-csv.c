/* fuzz-csv.c — an NNC-style index.csv with an image beside it. The input is
 * the CSV text, then optionally a PNG file from its signature on; the CSV
 * names the image "a.png" (tests/fuzz/corpus/csv has examples). */
#include "fuzz-util.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip(size)) return 0;
    const uint8_t *png = memmem(data, size, png_signature, sizeof png_signature);
    size_t csv_size = png ? (size_t)(png - data) : size;
    char *dir = fuzz_dir_new();
    free(fuzz_dir_write(dir, "index.csv", data, csv_size));
    if (png) free(fuzz_dir_write(dir, "a.png", png, size - csv_size));
    fuzz_read_dataset("{\"source\": \"csv\", \"path\": \"index.csv\"}", dir);
    fuzz_dir_free(dir);
    return 0;
}
