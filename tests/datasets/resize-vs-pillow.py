#!/usr/bin/python3
"""resize-vs-pillow.py TSUMIKI_CLI - `tsumiki-cli dataset create` against Pillow.

Pictures made here (noise, gradients, hard edges; grey and RGB; PNG) go
through `dataset create` and through Pillow, and every value of every
picture must agree within 1 grey level (and on noise, within a quarter
of one on average, which a truncation instead of rounding would miss):

  shrinking   area averaging (docs/datasets.md). For integer factors that
              is Pillow's Image.reduce and resize(BOX) as they are. For
              other factors Pillow's BOX gives each source pixel wholly to
              the output pixel its centre falls in, which is not area
              averaging (the output says by how much it differs), so the
              reference is the source repeated by integer factors and
              then Image.reduce: area averaging with exact fractional
              weights, done by Pillow
  enlarging   Image.resize(BILINEAR)
  crop, pad   the box and placement docs/datasets.md gives, cut and pasted
              by Pillow, resized as above
  --grayscale convert("L") (ITU-R 601-2 luma)
  EXIF        JPEGs Pillow wrote with each Orientation tag, against
              ImageOps.exif_transpose

When one axis shrinks and the other grows, each gets its own method, one
axis at a time (as Tsumiki does). Exit 77 (skipped) when Pillow or numpy
is missing, with the reason on stdout.
"""
import os
import subprocess
import sys
import tempfile
from math import gcd

try:
    import numpy as np
    from PIL import Image, ImageOps
except ImportError as e:
    print(f"skipped: {e.name} is not installed (Debian: python3-pil, python3-numpy)")
    sys.exit(77)

TOLERANCE = 1  # grey levels, per pixel per channel
# On noise, the mean of Tsumiki - Pillow: Pillow's own rounding moves it by
# up to 0.14 here, truncating instead of rounding would by 0.5, which the
# tolerance alone lets through.
BIAS = 0.25
CLI = None
failures = []


# ---- the reference, in Pillow


def area(im, w, h):
    """Area averaging, by Pillow: each pixel repeated w/gx times across and
    h/gy times down (gx, gy the gcds of the old and new sides), then
    Image.reduce averages blocks of sw/gx x sh/gy. Every source pixel gets
    exactly the share of each output pixel it covers, rounded once."""
    sw, sh = im.size
    gx, gy = gcd(sw, w), gcd(sh, h)
    a = np.repeat(np.repeat(np.asarray(im), h // gy, axis=0), w // gx, axis=1)
    return Image.fromarray(a).reduce((sw // gx, sh // gy))


def resampled(im, w, h):
    """References for im resized to w x h, by name: area averaging along an
    axis that shrinks, bilinear along one that grows, and Pillow's own
    one-call resize where it applies (integer factors for reduce and BOX)."""
    sw, sh = im.size
    if w <= sw and h <= sh:
        refs = {"area": area(im, w, h)}
        if sw % w == 0 and sh % h == 0:
            refs["reduce"] = im.reduce((sw // w, sh // h))
            refs["BOX"] = im.resize((w, h), Image.BOX)
        return refs
    if w >= sw and h >= sh:
        return {"BILINEAR": im.resize((w, h), Image.BILINEAR)}
    # One axis grows, the other shrinks: Pillow resizes across, then down.
    if w > sw:
        return {"BILINEAR across, area down": area(im.resize((w, sh), Image.BILINEAR), w, h)}
    return {"area across, BILINEAR down": area(im, w, sh).resize((w, h), Image.BILINEAR)}


def fitted(im, w, h, fit):
    """docs/datasets.md: crop keeps the middle part of the target's aspect
    ratio, round(sh * w / h) columns (or round(sw * h / w) rows) from
    floor((sw - kept) / 2); pad resizes the whole picture to round(sh * w /
    sw) rows (or round(sw * h / sh) columns) placed at floor((h - rows) / 2)
    on black; stretch ignores the aspect ratio."""
    sw, sh = im.size
    wider, taller = sw * h > sh * w, sw * h < sh * w
    if fit == "crop" and (wider or taller):
        if wider:
            keep = max(1, (sh * w + h // 2) // h)
            box = ((sw - keep) // 2, 0, (sw - keep) // 2 + keep, sh)
        else:
            keep = max(1, (sw * h + w // 2) // w)
            box = (0, (sh - keep) // 2, sw, (sh - keep) // 2 + keep)
        return resampled(im.crop(box), w, h)
    if fit == "pad" and (wider or taller):
        dw = w if wider else max(1, (sw * h + sh // 2) // sh)
        dh = h if taller else max(1, (sh * w + sw // 2) // sw)
        refs = {}
        for name, part in resampled(im, dw, dh).items():
            canvas = Image.new(im.mode, (w, h), 0)
            canvas.paste(part, ((w - dw) // 2, (h - dh) // 2))
            refs[name] = canvas
        return refs
    return resampled(im, w, h)


# ---- pictures


def pictures(w, h, seed):
    """name -> picture: noise, gradients and hard edges, in RGB and grey."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    gradient = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1),
                         (w - 1 - x + y) * 255 // max(w + h - 2, 1)], axis=-1)
    # Stripes 3 wide, 5 high and a disc: edges that fall between output
    # pixels whatever the factor.
    disc = (x - w / 3) ** 2 + (y - h / 2) ** 2 < (min(w, h) / 3) ** 2
    edges = np.stack([(x // 3 % 2) * 255, (y // 5 % 2) * 200 + 30, disc * 250], axis=-1)
    rgb = {"noise": rng.integers(0, 256, (h, w, 3)), "gradient": gradient, "edges": edges}
    out = {}
    for name, a in rgb.items():
        out[f"{name}-rgb"] = Image.fromarray(a.astype(np.uint8), "RGB")
        out[f"{name}-grey"] = Image.fromarray(a[:, :, (seed + 1) % 3].astype(np.uint8), "L")
    return out


# ---- Tsumiki


def dataset_create(work, name, sources, w, h, fit, grayscale):
    """Runs `dataset create` on one class folder holding sources (file name
    -> path); returns file name -> the picture it wrote."""
    folder = os.path.join(work, name, "in")
    os.makedirs(os.path.join(folder, "c"))
    for file, path in sources.items():
        os.link(path, os.path.join(folder, "c", file))
    out = os.path.join(work, name, "out")
    cmd = [CLI, "dataset", "create", folder, "--size", f"{w}x{h}", "--out", out, "--fit", fit]
    if grayscale:
        cmd.append("--grayscale")
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: status {run.returncode}\n{run.stdout}{run.stderr}")
    written = {}
    for file in sources:
        png = os.path.join(out, "images", "c", os.path.splitext(file)[0] + ".png")
        with Image.open(png) as im:
            im.load()
            written[file] = im
    return written


def compare(label, got, want, noise=False):
    """Records a failure when got and want differ by more than TOLERANCE
    anywhere or, for noise, by more than BIAS on average; returns (max
    difference, values that differ)."""
    a, b = np.asarray(got).astype(int), np.asarray(want).astype(int)
    if got.mode != want.mode or a.shape != b.shape:
        failures.append(f"{label}: Tsumiki wrote {got.mode} {got.size}, "
                        f"expected {want.mode} {want.size}")
        return None, None
    diff = np.abs(a - b)
    worst = int(diff.max())
    if worst > TOLERANCE:
        at = np.unravel_index(int(diff.argmax()), diff.shape)
        failures.append(f"{label}: max |difference| {worst} > {TOLERANCE} at (y, x[, c]) = "
                        f"{tuple(int(i) for i in at)}: Tsumiki {a[at]}, Pillow {b[at]}")
    bias = float((a - b).mean())
    if noise and a.size >= 1000 and abs(bias) > BIAS:
        failures.append(f"{label}: Tsumiki is {bias:+.3f} grey levels off Pillow on average "
                        f"(at most {BIAS}): rounding?")
    return worst, int(np.count_nonzero(diff))


# (source w, h), (target w, h), fit
CASES = [
    ((97, 61), (32, 32), "stretch"),   # shrinking by 3.03 x 1.91
    ((640, 480), (28, 28), "stretch"),  # by 22.9 x 17.1
    ((96, 64), (32, 16), "stretch"),   # by 3 x 4
    ((20, 15), (64, 48), "stretch"),   # enlarging by 3.2
    ((7, 5), (21, 15), "stretch"),     # by 3
    ((97, 61), (128, 32), "stretch"),  # wider, less tall
    ((61, 97), (32, 200), "stretch"),  # narrower, taller
    ((1, 1), (5, 3), "stretch"),
    ((5, 1), (2, 3), "stretch"),
    ((97, 61), (32, 32), "crop"),      # source wider: middle columns
    ((61, 97), (32, 32), "crop"),      # source taller: middle rows
    ((640, 480), (28, 28), "crop"),
    ((20, 15), (48, 48), "crop"),
    ((100, 50), (30, 20), "crop"),
    ((33, 9), (4, 4), "crop"),
    ((97, 61), (32, 32), "pad"),
    ((61, 97), (32, 32), "pad"),
    ((640, 480), (28, 28), "pad"),
    ((20, 15), (48, 48), "pad"),
    ((33, 9), (30, 30), "pad"),
]
GRAYSCALE_CASES = [((40, 30), (40, 30), "stretch"), ((97, 61), (32, 32), "stretch"),
                   ((20, 15), (48, 48), "crop")]


def check_resizing(work):
    groups = {}  # one dataset create per target size, fit and colour
    cases = [(c, False) for c in CASES] + [(c, True) for c in GRAYSCALE_CASES]
    for i, ((src, dst, fit), grey) in enumerate(cases):
        for name, im in pictures(*src, seed=i).items():
            file = f"{name}-{src[0]}x{src[1]}-{i}.png"
            path = os.path.join(work, "sources", file)
            im.save(path)
            groups.setdefault((dst, fit, grey), {})[file] = (im, src)
    for n, ((dst, fit, grey), sources) in enumerate(sorted(groups.items())):
        written = dataset_create(work, f"run{n}", {f: os.path.join(work, "sources", f)
                                                   for f in sources}, *dst, fit, grey)
        for file, (im, src) in sorted(sources.items()):
            colour = "grayscale" if grey else "RGB"
            refs = fitted(im.convert("L" if grey else "RGB"), *dst, fit)
            for ref, want in refs.items():
                label = (f"{src[0]}x{src[1]} -> {dst[0]}x{dst[1]} {fit} {colour} {file} "
                         f"vs Pillow {ref}")
                worst, off = compare(label, written[file], want, noise=file.startswith("noise"))
                if worst is not None:
                    values = want.width * want.height * len(want.getbands())
                    print(f"{label}: max {worst}, {off} of {values} differ")
    box_by_design()


def box_by_design():
    """Says how far Pillow's resize(BOX) is from area averaging when the factor
    is not an integer (docs/datasets.md): not a failure, but the difference
    must be real, or the composite reference above proves nothing new."""
    im = pictures(97, 61, seed=0)["noise-rgb"]
    ref = area(im, 32, 32)
    box = np.asarray(im.resize((32, 32), Image.BOX)).astype(int)
    far = int(np.abs(box - np.asarray(ref).astype(int)).max())
    print(f"97x61 -> 32x32 noise: Pillow's resize(BOX) differs from area averaging by up to {far}")
    if far <= TOLERANCE:
        failures.append("resize(BOX) agrees with area averaging at 97x61 -> 32x32: "
                        "the repeated-then-reduced reference is not needed (update the docs)")


# ---- grayscale, EXIF orientation


def check_exif(work):
    """Every Orientation tag 1-8 on a 24x16 JPEG (RGB, some progressive, one
    grey) against ImageOps.exif_transpose; sizes kept, so only the turn and
    the decoding are compared."""
    im = pictures(24, 16, seed=5)
    files, refs = {}, {}
    for o in range(1, 9):
        for kind in ("gradient-rgb", "edges-rgb") + (("edges-grey",) if o in (3, 6) else ()):
            file = f"o{o}-{kind}.jpg"
            path = os.path.join(work, "sources", file)
            exif = Image.Exif()
            exif[0x0112] = o
            im[kind].save(path, quality=95, exif=exif.tobytes(), progressive=o % 2 == 0)
            with Image.open(path) as jpeg:
                turned = ImageOps.exif_transpose(jpeg)
                refs[file] = turned.convert("RGB")
            files.setdefault(turned.size, {})[file] = path
    # The picture must look different in every orientation, or a wrong turn would pass.
    edges = [np.asarray(refs[f"o{o}-edges-rgb.jpg"]).astype(int) for o in range(1, 9)]
    for a in range(8):
        for b in range(a + 1, 8):
            if edges[a].shape == edges[b].shape and np.abs(edges[a] - edges[b]).max() <= 8:
                failures.append(f"orientations {a + 1} and {b + 1} look alike: "
                                "the test picture is too symmetric")
    for n, (size, sources) in enumerate(sorted(files.items())):
        written = dataset_create(work, f"exif{n}", sources, *size, "stretch", False)
        for file in sorted(sources):
            label = f"{file} ({size[0]}x{size[1]} as shown) vs exif_transpose"
            worst, off = compare(label, written[file], refs[file])
            if worst is not None:
                print(f"{label}: max {worst}, {off} values differ")


def main():
    global CLI
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    CLI = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="tsu-pillow-") as work:
        os.makedirs(os.path.join(work, "sources"))
        check_resizing(work)
        check_exif(work)
    if failures:
        print(f"\n{len(failures)} failures:", *failures, sep="\n")
        sys.exit(1)
    print("all within", TOLERANCE, "grey level of Pillow")


if __name__ == "__main__":
    main()
