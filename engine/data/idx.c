/* idx.c — IDX files (MNIST's format), plain or gzip.
 *
 * An IDX file is: two zero bytes, a type byte, a dimension count, one
 * big-endian uint32 per dimension, then the data, big-endian, row-major.
 * zlib's gz* functions read gzip and plain files alike (gzdirect), so one
 * code path serves both. Only the selected samples are read: "limit" on
 * a large file stops early, and a truncation past the limit goes unseen.
 */
#include "data-internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum {
    IDX_U8 = 0x08,
    IDX_S8 = 0x09,
    IDX_S16 = 0x0B,
    IDX_S32 = 0x0C,
    IDX_F32 = 0x0D,
    IDX_F64 = 0x0E,
};

/* Beyond this a header is more likely garbage than data; refuse it
 * rather than try to allocate it. */
#define IDX_MAX_BYTES ((uint64_t)1 << 36)

typedef struct {
    const char *path;
    gzFile gz;
    int type;
    int esize;        /* bytes per element */
    int ndim;
    uint32_t dims[4];
    int count;        /* dims[0] */
    size_t item;      /* elements per sample */
    uint64_t expected; /* bytes in the whole file, header included */
    uint64_t consumed; /* bytes read so far */
    uint64_t size;     /* a plain file's real size; 0 when unknown (gzip) */
} idx_file;

static int elem_size(int type)
{
    switch (type) {
    case IDX_U8: case IDX_S8: return 1;
    case IDX_S16: return 2;
    case IDX_S32: case IDX_F32: return 4;
    case IDX_F64: return 8;
    default: return 0;
    }
}

/* Reads up to len bytes; returns how many, or -1 after reporting a
 * decompression error. */
static int64_t idx_read(idx_file *f, void *buf, uint64_t len, tsu_diag *diag)
{
    uint64_t done = 0;
    while (done < len) {
        uint64_t want = len - done;
        unsigned chunk = want > (1u << 30) ? (1u << 30) : (unsigned)want;
        int got = gzread(f->gz, (uint8_t *)buf + done, chunk);
        if (got < 0) {
            int zerr;
            const char *msg = gzerror(f->gz, &zerr);
            if (zerr == Z_ERRNO)
                tsu_diag_add_at(diag, TSU_E_IO, f->path, 0, 0, _("cannot read: %s"),
                                strerror(errno));
            else
                tsu_diag_add_at(diag, TSU_E_DATA, f->path, 0, 0, _("cannot decompress: %s"), msg);
            return -1;
        }
        if (got == 0) break;
        done += (unsigned)got;
    }
    f->consumed += done;
    return (int64_t)done;
}

/* got: the bytes there are (what was read, or a plain file's size). */
static bool report_short(const idx_file *f, uint64_t got, tsu_diag *diag)
{
    tsu_diag_add_at(diag, TSU_E_DATA, f->path, 0, 0,
                    _("truncated IDX file: expected %llu bytes, got %llu%s"),
                    (unsigned long long)f->expected, (unsigned long long)got,
                    gzdirect(f->gz) ? "" : _(" (after decompression)"));
    return false;
}

static bool report_truncated(const idx_file *f, tsu_diag *diag)
{
    return report_short(f, f->consumed, diag);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void idx_close(idx_file *f)
{
    if (f->gz) gzclose(f->gz);
    f->gz = NULL;
}

static bool idx_open(idx_file *f, const char *path, tsu_diag *diag)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    errno = 0;
    int fd = tsu_open_read(path);
    f->gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
    if (!f->gz) {
        if (fd >= 0) close(fd);
        tsu_diag_add_at(diag, TSU_E_IO, path, 0, 0, _("cannot open: %s"),
                        errno ? strerror(errno) : _("out of memory"));
        return false;
    }
    gzbuffer(f->gz, 1u << 18);
    uint8_t magic[4];
    f->expected = 4;
    int64_t got = idx_read(f, magic, 4, diag);
    if (got < 0) return false;
    if (got < 4) return report_truncated(f, diag);
    f->type = magic[2];
    f->ndim = magic[3];
    f->esize = elem_size(f->type);
    if (magic[0] || magic[1] || !f->esize || f->ndim < 1 || f->ndim > 4) {
        tsu_diag_add_at(diag, TSU_E_DATA, path, 0, 0,
                        _("not an IDX file: magic bytes %02x %02x %02x %02x (expected 00 00, "
                          "a type 08/09/0b/0c/0d/0e, and 1 to 4 dimensions)"),
                        magic[0], magic[1], magic[2], magic[3]);
        return false;
    }
    f->expected = 4 + 4 * (uint64_t)f->ndim;
    uint8_t raw[16];
    got = idx_read(f, raw, 4 * (uint64_t)f->ndim, diag);
    if (got < 0) return false;
    if (got < 4 * f->ndim) return report_truncated(f, diag);
    int64_t dims[4];
    for (int i = 0; i < f->ndim; i++) {
        f->dims[i] = be32(raw + 4 * i);
        dims[i] = f->dims[i];
        if (i > 0 && (f->dims[i] == 0 || f->dims[i] > INT_MAX)) {
            tsu_diag_add_at(diag, TSU_E_DATA, path, 0, 0,
                            _("unsupported IDX dimension %d of size %u"), i, f->dims[i]);
            return false;
        }
    }
    if (f->dims[0] > INT_MAX) {
        tsu_diag_add_at(diag, TSU_E_DATA, path, 0, 0, _("too many samples (%u)"), f->dims[0]);
        return false;
    }
    if (f->dims[0] == 0) {
        tsu_diag_add_at(diag, TSU_E_DATA, path, 0, 0, _("no samples (the IDX file's first "
                          "dimension is 0)"));
        return false;
    }
    f->count = (int)f->dims[0];
    /* Three dimensions below 2^31 can overflow 64 bits: every product is
     * checked, and a sample is one dataset variable, so at most
     * TSU_MAX_ELEMENTS values. */
    size_t item = 0, sample_bytes, data_bytes;
    bool known = tsu_size_product(dims + 1, (size_t)f->ndim - 1, SIZE_MAX, &item);
    if (!known || item > TSU_MAX_ELEMENTS || !tsu_size_mul(item, (size_t)f->esize, &sample_bytes) ||
        !tsu_size_mul(sample_bytes, (size_t)f->count, &data_bytes) || data_bytes > IDX_MAX_BYTES) {
        char values[64];
        snprintf(values, sizeof values, "%s", _("too many"));
        if (known) snprintf(values, sizeof values, "%zu", item);
        tsu_diag_add_at(diag, TSU_E_DATA, path, 0, 0,
                        _("IDX header claims %d samples of %s values, more than this reader "
                          "accepts"), f->count, values);
        return false;
    }
    f->item = item;
    f->expected += data_bytes;
    /* A plain file's size is known: a header promising more is found out
     * before anything is allocated for it (gzip is checked as it inflates). */
    struct stat st;
    if (gzdirect(f->gz) && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        f->size = (uint64_t)st.st_size;
    return true;
}

/* Reads samples [first, first + n) as raw big-endian bytes (malloc'd). */
static uint8_t *idx_read_samples(idx_file *f, int first, int n, tsu_diag *diag)
{
    const uint64_t sample_bytes = f->item * (uint64_t)f->esize;
    uint64_t skip = (uint64_t)first * sample_bytes;
    /* first + n <= count: within the header's checked size. */
    uint64_t end = 4 + 4 * (uint64_t)f->ndim + ((uint64_t)first + (uint64_t)n) * sample_bytes;
    if (f->size && end > f->size) {
        report_short(f, f->size, diag);
        return NULL;
    }
    uint8_t scratch[1 << 14];
    while (skip > 0) {
        uint64_t want = skip < sizeof scratch ? skip : sizeof scratch;
        int64_t got = idx_read(f, scratch, want, diag);
        if (got < 0) return NULL;
        if ((uint64_t)got < want) {
            report_truncated(f, diag);
            return NULL;
        }
        skip -= want;
    }
    /* The header may lie: grow the buffer as data arrives instead of
     * trusting it with one large allocation. */
    const uint64_t need = (uint64_t)n * sample_bytes;
    uint64_t cap = need < (1u << 20) ? need : (1u << 20);
    uint64_t have = 0;
    uint8_t *buf = tsu_xmalloc((size_t)cap);
    while (have < need) {
        if (have == cap) {
            /* A gzip bomb can back a huge header with real data: running
             * out of memory is then the file's fault, not a reason to abort. */
            cap = cap * 2 < need ? cap * 2 : need;
            uint8_t *bigger = realloc(buf, (size_t)cap);
            if (!bigger) {
                free(buf);
                tsu_diag_add_at(diag, TSU_E_NOMEM, f->path, 0, 0,
                                _("not enough memory for %llu bytes of samples"),
                                (unsigned long long)need);
                return NULL;
            }
            buf = bigger;
        }
        int64_t got = idx_read(f, buf + have, cap - have, diag);
        if (got < 0) {
            free(buf);
            return NULL;
        }
        have += (uint64_t)got;
        if (have < cap) break;
    }
    if (have < need) {
        free(buf);
        report_truncated(f, diag);
        return NULL;
    }
    return buf;
}

/* Element k of a raw big-endian buffer as a double. */
static double idx_value(int type, const uint8_t *raw, size_t k)
{
    switch (type) {
    case IDX_U8: return raw[k];
    case IDX_S8: return (int8_t)raw[k];
    case IDX_S16: return (int16_t)(uint16_t)(raw[2 * k] << 8 | raw[2 * k + 1]);
    case IDX_S32: return (int32_t)be32(raw + 4 * k);
    case IDX_F32: {
        uint32_t u = be32(raw + 4 * k);
        float x;
        memcpy(&x, &u, sizeof x);
        return x;
    }
    default: {
        uint64_t u = (uint64_t)be32(raw + 8 * k) << 32 | be32(raw + 8 * k + 4);
        double x;
        memcpy(&x, &u, sizeof x);
        return x;
    }
    }
}

static tsu_shape sample_shape(const idx_file *f)
{
    switch (f->ndim) {
    case 1: return tsu_shape_1(1);
    case 2: return tsu_shape_1((int)f->dims[1]);
    /* [N, H, W]: one gray channel, as MNIST's images. */
    case 3: return tsu_shape_3(1, (int)f->dims[1], (int)f->dims[2]);
    default: return tsu_shape_3((int)f->dims[1], (int)f->dims[2], (int)f->dims[3]);
    }
}

/* NaN or an infinity in the data would only show up later as a loss gone
 * NaN, blamed on the learning rate: refused here, at the value. */
static bool report_nonfinite(const tsu_dataset *ds, const idx_file *f, size_t k, double value,
                             tsu_diag *diag)
{
    int sample = tsu_ds_source(ds, (int)(k / f->item));
    size_t index = k % f->item;
    if (isnan(value) || isinf(value))
        tsu_diag_add_at(diag, TSU_E_DATA, f->path, 0, 0,
                        _("sample %d, value %zu is %s: data must be finite numbers"), sample,
                        index, isnan(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity");
    else
        tsu_diag_add_at(diag, TSU_E_DATA, f->path, 0, 0,
                        _("sample %d, value %zu (%g) is beyond the range of 32-bit floats"),
                        sample, index, value);
    return false;
}

/* Stores raw samples as a variable: uint8 stays uint8, other types become
 * floats. Takes ownership of raw. */
static bool add_raw_var(tsu_dataset *ds, const char *name, const idx_file *f, uint8_t *raw,
                        tsu_diag *diag)
{
    tsu_shape shape = sample_shape(f);
    if (f->type == IDX_U8)
        return tsu_ds_add_var(ds, name, &shape, TSU_STORE_U8, raw, f->path, diag) != NULL;
    tsu_ds_var *v = tsu_ds_add_var(ds, name, &shape, TSU_STORE_F32, NULL, f->path, diag);
    bool ok = v != NULL;
    if (ok) {
        float *out = v->data;
        size_t total = (size_t)ds->n * f->item;
        for (size_t k = 0; k < total && ok; k++) {
            double value = idx_value(f->type, raw, k);
            out[k] = (float)value;
            if (!isfinite(out[k])) ok = report_nonfinite(ds, f, k, value, diag);
        }
    }
    free(raw);
    return ok;
}

/* Reads the selected samples: a contiguous range, or with "shuffle" the
 * whole file (all, when already read; it is freed) gathered into the
 * selection's order. */
static uint8_t *read_selection(const tsu_dataset *ds, idx_file *f, uint8_t *all,
                               tsu_diag *diag)
{
    if (!ds->source) return idx_read_samples(f, ds->skip, ds->n, diag);
    if (!all) all = idx_read_samples(f, 0, f->count, diag);
    if (!all) return NULL;
    const size_t bytes = f->item * (size_t)f->esize;
    uint8_t *out = malloc((size_t)ds->n * bytes);
    if (!out) {
        tsu_diag_add_at(diag, TSU_E_NOMEM, f->path, 0, 0, _("not enough memory to shuffle"));
    } else {
        for (int i = 0; i < ds->n; i++)
            memcpy(out + (size_t)i * bytes, all + (size_t)ds->source[i] * bytes, bytes);
    }
    free(all);
    return out;
}

/* Labels are read whole (they are small) so that the class count is the
 * same for every slice of one file. */
static bool load_labels(tsu_dataset *ds, idx_file *f, const char *images, tsu_diag *diag)
{
    if (f->count != ds->total) {
        tsu_diag_add_at(diag, TSU_E_DATA, f->path, 0, 0, _("%d labels for %d images in %s"),
                        f->count, ds->total, images);
        return false;
    }
    bool integral = f->ndim == 1 && f->type != IDX_F32 && f->type != IDX_F64;
    if (!integral) {
        uint8_t *raw = read_selection(ds, f, NULL, diag);
        return raw && add_raw_var(ds, "y", f, raw, diag);
    }
    uint8_t *raw = idx_read_samples(f, 0, f->count, diag);
    if (!raw) return false;
    int max = -1;
    for (int i = 0; i < f->count; i++) {
        double value = idx_value(f->type, raw, (size_t)i);
        if (value < 0) {
            tsu_diag_add_at(diag, TSU_E_DATA, f->path, 0, 0,
                            _("sample %d has a negative label (%g)"), i, value);
            free(raw);
            return false;
        }
        /* Far more classes than any network has outputs: not labels. */
        if (value >= (1 << 24)) {
            tsu_diag_add_at(diag, TSU_E_DATA, f->path, 0, 0,
                            _("sample %d has label %g, too large for a class index"), i, value);
            free(raw);
            return false;
        }
        if (value > max) max = (int)value;
    }
    tsu_shape shape = tsu_shape_1(1);
    tsu_ds_var *v = tsu_ds_add_var(ds, "y", &shape, TSU_STORE_LABEL, NULL, f->path, diag);
    if (!v) {
        free(raw);
        return false;
    }
    int32_t *labels = v->data;
    for (int i = 0; i < ds->n; i++)
        labels[i] = (int32_t)idx_value(f->type, raw, (size_t)tsu_ds_source(ds, i));
    v->n_classes = max + 1;
    v->file = tsu_xstrdup(f->path);
    free(raw);
    return true;
}

bool tsu_ds_idx_load(tsu_dataset *ds, const char *images, const char *labels,
                     const tsu_ds_range *range, const char *context, tsu_diag *diag)
{
    idx_file fx, fy;
    bool ok = idx_open(&fx, images, diag);
    /* "shuffle" permutes every sample the header counts: the data is read
     * first, so a count the file does not back is an error, not a
     * permutation of two billion entries. */
    uint8_t *all = NULL;
    if (ok && range->shuffle) ok = (all = idx_read_samples(&fx, 0, fx.count, diag)) != NULL;
    if (ok) ok = tsu_ds_apply_range(ds, range, fx.count, context, diag);
    if (ok) {
        uint8_t *raw = read_selection(ds, &fx, all, diag);
        all = NULL;
        ok = raw && add_raw_var(ds, "x", &fx, raw, diag);
    }
    free(all);
    idx_close(&fx);
    if (ok) ds->origin = tsu_xstrdup(images);
    if (!ok || !labels) return ok;
    ok = idx_open(&fy, labels, diag) && load_labels(ds, &fy, images, diag);
    idx_close(&fy);
    return ok;
}
