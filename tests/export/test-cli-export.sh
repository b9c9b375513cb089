#!/bin/sh
# test-cli-export.sh TSUMIKI_CLI — export and import as a user runs them:
# every format from the newest run, messages that say what to do, and an
# ONNX round trip that `tsumiki-cli check` accepts.
cli="$1"
src="${TSU_SOURCE_DIR:?}"
if "$cli" export 2>&1 | grep -q 'unknown command'; then
    echo "SKIP: export is not wired into tsumiki-cli yet (app/cli.c command table)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cp "$src/resources/examples/two-class.tsumiki" "$tmp/"
mkdir "$tmp/data"
cp "$src/resources/examples/data/two-class-train.csv" "$src/resources/examples/data/two-class-valid.csv" "$tmp/data/"
cd "$tmp" || exit 1

"$cli" export two-class.tsumiki --format onnx --out m.onnx 2>err && fail "exported without any weights"
grep -q -- "--weights" err || fail "no hint about --weights: $(cat err)"
"$cli" export two-class.tsumiki --format tflite --out x 2>err
[ $? -eq 2 ] || fail "an unknown format is not a usage error"
grep -q "onnx, c, pytorch or card" err || fail "unknown format message: $(cat err)"

"$cli" train two-class.tsumiki --epochs 1 >/dev/null 2>&1 || fail "tsumiki-cli train"
for format in onnx c pytorch card; do
    case $format in onnx) out=m.onnx ;; card) out=card.md ;; *) out=$format ;; esac
    "$cli" export two-class.tsumiki --format $format --out $out >log 2>&1 || fail "export $format: $(cat log)"
    grep -q "two-class.runs/.*/weights.safetensors" log || fail "export $format did not use the run: $(cat log)"
done
[ -s m.onnx ] && [ -s c/two_class.c ] && [ -s c/two_class.h ] && [ -s pytorch/model.py ] &&
    [ -s pytorch/train.py ] && [ -s pytorch/weights.safetensors ] || fail "missing export files"
grep -q "## Training history" card.md || fail "the card has no history"

"$cli" import m.onnx --out back.tsumiki >log 2>&1 || fail "import: $(cat log)"
[ -s back.safetensors ] || fail "import wrote no weights"
"$cli" check back.tsumiki >log 2>&1 || fail "check of the imported project: $(cat log)"
"$cli" import two-class.tsumiki --out x.tsumiki 2>err && fail "imported a project file as ONNX"
grep -q "two-class.tsumiki" err || fail "import error does not name the file: $(cat err)"
"$cli" import --list-operators | grep -qx "Conv" || fail "--list-operators"
echo "ok: export onnx/c/pytorch/card from the newest run, import, check"
