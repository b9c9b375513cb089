/* tsumiki-data.h — datasets: the samples a project trains and validates on.
 *
 * Included by tsumiki.h; do not include it on its own.
 *
 * A dataset is opened from one entry of a project's "dataset" object
 * (docs/datasets.md), e.g.
 *
 *     {"source": "fashion-mnist", "split": "train", "skip": 50000, "limit": 10000}
 *
 * ("skip" and "limit" select a range; with "shuffle": SEED they select from a
 * seeded permutation instead. docs/datasets.md has every key.)
 * and holds every selected sample in memory: uint8 images stay uint8
 * (60000 Fashion-MNIST images are 47 MB) and become floats one batch at a
 * time in tsu_dataset_fill, which never allocates. A dataset is immutable
 * once opened, so several threads may fill batches from it at once.
 *
 * Samples have named variables, NNC style: "x" (the images or input vectors)
 * and "y" (class indices or regression targets). Input and loss nodes name
 * them in their "dataset" param.
 */
#ifndef TSUMIKI_DATA_H
#define TSUMIKI_DATA_H

#ifndef TSUMIKI_H
#error "include tsumiki.h, not tsumiki-data.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tsu_dataset tsu_dataset;

/* A front end opens a dataset with tsu_project_open_dataset below; one
 * entry's JSON is opened by the engine's own files (tsumiki-json.h). */
void tsu_dataset_free(tsu_dataset *ds);

/* One entry of the project's "dataset" object, typed (docs/datasets.md
 * has every key). Strings are malloc'd, NULL when the entry leaves them out. */
typedef struct {
    bool present;          /* the project has this entry */
    char *source;          /* "fashion-mnist", "mnist", "idx", "csv" */
    char *split;           /* built-ins: "train" or "test" */
    char *dir;             /* built-ins: where the IDX files are */
    char *path;            /* csv: the index file */
    char *images, *labels; /* idx */
    int skip;              /* samples dropped first: 0 */
    int limit;             /* samples kept: 0 for all */
    bool shuffled;         /* select from the permutation of shuffle_seed */
    uint64_t shuffle_seed;
} tsu_dataset_spec;

/* The "dataset" object: the data a run trains and validates on. */
typedef struct {
    tsu_dataset_spec training, validation;
} tsu_dataset_settings;

/* Reads "dataset"; every value is type-checked, messages name the key
 * ("dataset.training.limit: expected an integer >= 1, got 0"). What the
 * data itself holds is for tsu_project_open_dataset. Free with
 * tsu_dataset_settings_clear even on failure. */
tsu_status tsu_project_get_dataset(const tsu_project *project, tsu_dataset_settings *settings,
                                   tsu_diag *diag);
/* Writes the entries in place: keys whose value did not change, and keys
 * this version does not know, stay as they are; an entry not present is
 * removed. */
void tsu_project_set_dataset(tsu_project *project, const tsu_dataset_settings *settings);
void tsu_dataset_settings_clear(tsu_dataset_settings *settings);
void tsu_dataset_spec_clear(tsu_dataset_spec *spec);
/* A deep copy into *out (which is overwritten, not freed). */
void tsu_dataset_spec_copy(tsu_dataset_spec *out, const tsu_dataset_spec *spec);
/* Opens dataset.<key> ("training", "validation") with paths resolved
 * against the project's directory; NULL with the reasons in diag, also
 * when the project names no such data. */
tsu_dataset *tsu_project_open_dataset(const tsu_project *project, const char *key,
                                      tsu_diag *diag);

/* Number of samples (after "skip" and "limit"). */
int tsu_dataset_size(const tsu_dataset *ds);
/* One line for people: "Fashion-MNIST train (60000 samples)". */
const char *tsu_dataset_describe(const tsu_dataset *ds);

int tsu_dataset_variable_count(const tsu_dataset *ds);
const char *tsu_dataset_variable_name(const tsu_dataset *ds, int var); /* "x", "y" */
int tsu_dataset_variable_find(const tsu_dataset *ds, const char *name); /* -1 if none */
/* Per-sample shape without the batch axis: images [C, H, W], labels [1]. */
tsu_shape tsu_dataset_variable_shape(const tsu_dataset *ds, int var);
/* true for class indices (integers >= 0, one per sample). A CSV column of
 * such integers is a label even when it is an input or a regression target;
 * fill gives the same numbers either way. */
bool tsu_dataset_variable_is_label(const tsu_dataset *ds, int var);
/* Largest label + 1 over the whole source file (not just the selected
 * samples, so a training and a validation slice of one file agree);
 * 0 for variables that are not labels. */
int tsu_dataset_class_count(const tsu_dataset *ds, int var);

/* Writes samples indices[0..n) of variable var as floats to out, which holds
 * n * tsu_shape_size(shape) floats: uint8 values are scaled by 1/255, labels
 * become their class index as a float, float data is copied. Indices must be
 * in [0, size). Never allocates; safe to call from several threads. */
void tsu_dataset_fill(const tsu_dataset *ds, int var, const int *indices, int n, float *out);
/* The uint8 pixels (C, H, W) of sample index, for thumbnails; NULL when the
 * variable is not a uint8 image. */
const uint8_t *tsu_dataset_image(const tsu_dataset *ds, int var, int index);
/* The class index of sample index, or -1 when var is not a label variable. */
int tsu_dataset_label(const tsu_dataset *ds, int var, int index);

/* The sample's position in its source (the IDX file, or among the CSV's data
 * rows): index + skip, or the shuffled position with "shuffle". */
int tsu_dataset_source_index(const tsu_dataset *ds, int index);
/* Where sample index came from, for messages: the file, and the 1-based line
 * for CSV files (0 for IDX files). */
const char *tsu_dataset_sample_file(const tsu_dataset *ds, int index);
int tsu_dataset_sample_line(const tsu_dataset *ds, int index);

/* Checks that every label of var is below n_classes (the network's output
 * size). The first offending sample is reported with its file and line (or
 * sample number), mentioning `what` (e.g. "prob: 10 outputs"); returns
 * TSU_E_DATA then, else TSU_OK. Not-label variables always pass. */
tsu_status tsu_dataset_check_labels(const tsu_dataset *ds, int var, int n_classes,
                                    const char *what, tsu_diag *diag);

/* The sample order of one epoch: a permutation of 0..n-1 in order[], the
 * same on every machine for the same (seed, epoch), different across
 * epochs. Fisher-Yates over a splitmix64 stream; no allocation. */
void tsu_dataset_epoch_order(int n, uint64_t seed, int epoch, int *order);

/* ------------------------------------------------------------- images */

/* A decoded picture: 8-bit, channels 1 (gray) or 3 (RGB; alpha dropped),
 * planes C, H, W. */
typedef struct {
    int channels, height, width;
    uint8_t *pixels; /* malloc'd */
} tsu_image;

/* Reads a PNG, JPEG (EXIF orientation applied) or BMP file, chosen by its
 * first bytes, not its name. Errors (TSU_E_IO, TSU_E_DATA) begin with the
 * file's name: "a.jpg: truncated JPEG file". */
tsu_status tsu_image_load(const char *path, tsu_image *img, tsu_diag *diag);
void tsu_image_free(tsu_image *img);

/* How pictures are fitted to a network's input size. */
typedef enum {
    TSU_FIT_STRETCH, /* to the size, aspect ratio lost */
    TSU_FIT_CROP,    /* the middle that has the target's aspect ratio */
    TSU_FIT_PAD,     /* the whole picture, black borders */
} tsu_fit;
const char *tsu_fit_name(tsu_fit fit); /* "stretch", "crop", "pad" */
bool tsu_fit_parse(const char *text, tsu_fit *fit);

/* Resizes src into *out (width x height, src's channels; malloc'd): area
 * averaging along an axis that shrinks, bilinear along one that grows. */
void tsu_image_resize(const tsu_image *src, int width, int height, tsu_fit fit, tsu_image *out);
/* To 1 channel (Rec. 601 luma) or 3 (grey copied), in place. */
void tsu_image_set_channels(tsu_image *img, int channels);

/* What `dataset create` did to each picture, and predict does again. */
typedef struct {
    int width, height;
    bool grayscale;
    tsu_fit fit;
} tsu_image_prep;
/* tsu_image_load, then channels and size as prep says. */
tsu_status tsu_image_prepare(const char *path, const tsu_image_prep *prep, tsu_image *out,
                             tsu_diag *diag);
/* Writes img as an 8-bit PNG, atomically; errors name the file. */
tsu_status tsu_image_write_png(const char *path, const tsu_image *img, tsu_diag *diag);

/* ------------------------------------------- a folder of class folders */

/* What a folder of class folders holds, before anything is read: the
 * sorted class folder names (the class indices) and each one's picture
 * files (named .png, .jpg, .jpeg or .bmp, sorted); hidden entries and
 * other files are counted in not_images. */
typedef struct {
    char *name;
    int n_files;
    char **files; /* names inside FOLDER/name */
} tsu_folder_class;
typedef struct {
    int n_classes;
    tsu_folder_class *classes;
    int not_images;
    int total; /* picture files in all classes */
} tsu_folder_scan;
/* Errors (naming the folder): unreadable, no class folders, a class folder
 * without pictures. Clear the scan with tsu_folder_scan_clear even on
 * failure. */
tsu_status tsu_folder_scan_read(const char *folder, tsu_folder_scan *scan, tsu_diag *diag);
void tsu_folder_scan_clear(tsu_folder_scan *scan);

/* `tsumiki-cli dataset create`: FOLDER/CLASS/picture files (sorted class
 * names are the class indices; hidden entries and files not named .png,
 * .jpg, .jpeg or .bmp are skipped) become OUT/images/CLASS/NAME.png,
 * OUT/training.csv (+ OUT/validation.csv) and OUT/dataset.json
 * (docs/datasets.md). Deterministic for the same inputs and seed. */
#define TSU_FOLDER_INFO "dataset.json"
typedef struct {
    const char *folder, *out_dir;
    tsu_image_prep prep;
    double validation; /* the fraction of each class held out; 0: none */
    uint64_t seed;     /* which samples are held out */
    void (*progress)(void *user, int done, int total); /* after each picture; may be NULL */
    void *user;
    /* Set non-zero from any thread to stop after the current picture:
     * TSU_E_STOPPED, and OUT is left as it was. May be NULL. */
    const volatile int *cancel;
} tsu_folder_options;

typedef struct {
    int n_classes;
    char **classes;         /* sorted folder names */
    int *per_class;         /* pictures written per class */
    int training, validation;
    int not_images;         /* entries skipped: hidden, folders, other files */
    int n_failed;
    char **failed;          /* "PATH: reason" for each picture that could not be read */
} tsu_folder_report;

/* Unreadable pictures are skipped and listed in report; an empty class
 * folder, a class with no readable picture, or a failed write is an error
 * (TSU_E_DATA, TSU_E_IO) naming the folder or file. OUT is staged
 * (docs/architecture.md, "Nothing written is left half written"): after a
 * failure or a cancel it is as it was. Clear the report with
 * tsu_folder_report_clear even on failure. */
tsu_status tsu_folder_dataset_create(const tsu_folder_options *options,
                                     tsu_folder_report *report, tsu_diag *diag);
void tsu_folder_report_clear(tsu_folder_report *report);

/* What dataset.json in dir records. */
typedef struct {
    tsu_image_prep prep;
    int n_classes;
    char **classes;
} tsu_folder_info;
/* TSU_E_IO when dir has no dataset.json; TSU_E_DATA (naming the key) when
 * it is malformed. */
tsu_status tsu_folder_info_load(const char *dir, tsu_folder_info *info, tsu_diag *diag);
void tsu_folder_info_clear(tsu_folder_info *info);

/* ------------------------------------------------------- NumPy arrays */

/* A float32 array as numpy saves it (.npy: '<f4', C order). */
#define TSU_NPY_MAX_DIMS 8
typedef struct {
    int ndim;
    int64_t dims[TSU_NPY_MAX_DIMS];
    size_t count; /* the product of dims */
    float *data;  /* malloc'd */
} tsu_npy;

/* Reads path strictly: magic, version 1.0-3.0, dtype '<f4', fortran_order
 * False, a shape whose values fill the rest of the file exactly. Errors
 * (TSU_E_IO, TSU_E_DATA) begin with the file's name. */
tsu_status tsu_npy_read(const char *path, tsu_npy *out, tsu_diag *diag);
/* Writes a as a version 1.0 .npy, atomically (tsu_write_file_atomic). */
tsu_status tsu_npy_write(const char *path, const tsu_npy *a, tsu_diag *diag);
void tsu_npy_free(tsu_npy *a);

#ifdef __cplusplus
}
#endif
#endif
