/* data-internal.h — what the dataset readers share. */
#ifndef TSU_DATA_INTERNAL_H
#define TSU_DATA_INTERNAL_H

#include "../tsu-internal.h"

#define TSU_DS_MAX_VARS 16

typedef enum {
    TSU_STORE_U8,    /* pixels or bytes, scaled by 1/255 when filled */
    TSU_STORE_F32,   /* float vectors and regression targets */
    TSU_STORE_LABEL, /* int32 class indices */
} tsu_store;

typedef struct {
    char name[TSU_ID_MAX];
    tsu_shape shape;
    size_t sample_size;  /* tsu_shape_size(shape) */
    tsu_store store;
    void *data;          /* n * sample_size elements of the store's type */
    int n_classes;       /* labels: max label + 1 over the whole source */
    /* IDX labels: the label file, for messages that point at a sample. */
    char *file;
} tsu_ds_var;

struct tsu_dataset {
    int n;               /* selected samples */
    int total;           /* samples in the source before skip/limit */
    int skip;            /* first selected sample's index in the source */
    int *source;         /* with "shuffle": each sample's index in the source */
    bool shuffled;
    int seed;
    char *describe;
    int n_vars;
    tsu_ds_var vars[TSU_DS_MAX_VARS];
    char *origin;        /* the file samples come from (CSV, IDX images) */
    int *lines;          /* CSV: the line of each selected sample, else NULL */
};

/* The spec's selection, resolved: samples [skip, skip + limit) of the
 * source; limit -1 means "to the end". */
typedef struct {
    int skip;
    int limit;
    int seed;     /* with shuffle: the permutation's seed */
    bool shuffle; /* skip and limit apply to a seeded permutation */
} tsu_ds_range;

/* The source index of selected sample i. */
static inline int tsu_ds_source(const tsu_dataset *ds, int i)
{
    return ds->source ? ds->source[i] : ds->skip + i;
}

/* Adds a variable holding ds->n samples: takes ownership of data, or
 * allocates zeroed storage when data is NULL. Returns NULL (reported
 * against file) when that much memory is not to be had. */
tsu_ds_var *tsu_ds_add_var(tsu_dataset *ds, const char *name, const tsu_shape *shape,
                           tsu_store store, void *data, const char *file, tsu_diag *diag);
/* Clamps range to total samples; false (and a message for `context`) when
 * nothing is left. Sets ds->total, ds->skip, ds->n and, when shuffled,
 * ds->source. */
bool tsu_ds_apply_range(tsu_dataset *ds, const tsu_ds_range *range, int total,
                        const char *context, tsu_diag *diag);

/* IDX: images (required) and labels (NULL: none) become "x" and "y". */
bool tsu_ds_idx_load(tsu_dataset *ds, const char *images, const char *labels,
                  const tsu_ds_range *range, const char *context, tsu_diag *diag);

/* An NNC-style index.csv with PNG image cells. */
bool tsu_ds_csv_load(tsu_dataset *ds, const char *path, const tsu_ds_range *range,
                  const char *context, tsu_diag *diag);

/* Images: header sizes past these are refused before anything is
 * allocated. Larger pictures are not training data, and the limits keep a
 * corrupt header from asking for gigabytes. */
#define TSU_IMAGE_MAX_SIDE 16384
#define TSU_IMAGE_MAX_PIXELS ((size_t)64 << 20)
#define TSU_IMAGE_MAX_FILE ((size_t)256 << 20)

/* Checks width x height x channels against the limits above; false with
 * "image too large (WxH)" in err. *bytes receives the product. */
bool tsu_image_check_size(long width, long height, int channels, size_t *bytes, char *err,
                          size_t err_size);

/* The decoders behind tsu_image_load, each over the whole file in memory.
 * On failure false with a reason in err (no file name: the caller adds it). */
bool tsu_png_decode(const uint8_t *data, size_t size, tsu_image *img, char *err, size_t err_size);
bool tsu_jpeg_decode(const uint8_t *data, size_t size, tsu_image *img, char *err,
                     size_t err_size);
bool tsu_bmp_decode(const uint8_t *data, size_t size, tsu_image *img, char *err, size_t err_size);
/* The EXIF Orientation (1-8) in a JPEG APP1 payload, 1 when absent or malformed. */
int tsu_exif_orientation(const uint8_t *app1, size_t size);
/* Turns img so that orientation (EXIF 1-8) becomes 1. */
void tsu_image_orient(tsu_image *img, int orientation);

/* A growable list of malloc'd names. */
typedef struct {
    char **names;
    int n, cap;
} tsu_name_list;
void tsu_name_list_add(tsu_name_list *l, const char *name);
void tsu_name_list_clear(tsu_name_list *l);
/* The entries of dir, sorted by name (bytes, so the same on every
 * machine): subfolders when want_dirs, else regular files named .png,
 * .jpg, .jpeg or .bmp. Hidden entries and the rest are counted in
 * *skipped (when not NULL). */
bool tsu_list_dir(const char *dir, bool want_dirs, tsu_name_list *out, int *skipped,
                  tsu_diag *diag);

/* A CSV cell, quoted when it holds a comma, quote or line break. */
void tsu_csv_put_cell(FILE *f, const char *text);

/* tsu_image_load with the reason in err (e.g. "not a PNG, JPEG or BMP file"). */
bool tsu_image_read(const char *path, tsu_image *img, char *err, size_t err_size);

/* "dir/name" unless name is absolute; malloc'd. */
char *tsu_ds_path_join(const char *dir, const char *name);
/* The directory part of path ("." when none); malloc'd. */
char *tsu_ds_dirname(const char *path);
/* Pointer to the last path component of path. */
const char *tsu_ds_basename(const char *path);
/* malloc'd printf. */
char *tsu_ds_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
