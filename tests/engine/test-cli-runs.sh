#!/bin/sh
# tsumiki-cli runs: a project's runs newest first with how each ended, its
# epochs, best validation loss and accuracy, and a name and note from
# run.json; a missing project is an error naming it.
set -eu
cli="$1"
src="${TSU_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cp "$src/resources/examples/two-class.tsumiki" "$work/"
cp -r "$src/resources/examples/data" "$work/"
"$cli" runs "$work/two-class.tsumiki" > "$work/out" || fail "runs without runs"
grep -q "^No runs yet" "$work/out" || fail "empty list: $(cat "$work/out")"

"$cli" train "$work/two-class.tsumiki" --epochs 2 --out "$work/two-class.runs/20261201-100000" > /dev/null || fail "train"
"$cli" train "$work/two-class.tsumiki" --epochs 3 --out "$work/two-class.runs/20261201-110000" > /dev/null || fail "train"
printf '{"status": "finished", "name": "base", "note": "lr 0.01"}\n' > "$work/two-class.runs/20261201-100000/run.json"
mkdir "$work/two-class.runs/20261201-120000"
printf '{"status": "failed", "reason": "train.csv:3: oops"}\n' > "$work/two-class.runs/20261201-120000/run.json"
"$cli" runs "$work/two-class.tsumiki" > "$work/out" || fail "runs"
cat "$work/out"
# Newest first: the failed run (no epochs) with its reason, then the
# 3-epoch run, then base.
grep "^2026" "$work/out" | cut -c1-15 | tr '\n' ' ' | grep -qx "20261201-120000 20261201-110000 20261201-100000 " \
    || fail "order"
grep -q "^20261201-120000 *failed *0 *- *-$" "$work/out" || fail "failed run line"
grep -A1 "^20261201-120000" "$work/out" | grep -qx "  train.csv:3: oops" || fail "the failure's reason"
grep -q "^20261201-110000 *finished *3 *0\.[0-9]* *[0-9.]*%$" "$work/out" || fail "second run line"
grep -q "^20261201-100000 *finished *2 .*%  base — lr 0.01$" "$work/out" || fail "name and note"

"$cli" runs "$work/missing.tsumiki" 2> "$work/err" && fail "a missing project should fail"
grep -q "missing.tsumiki: no such project file" "$work/err" || fail "message: $(cat "$work/err")"
"$cli" runs 2> /dev/null && fail "runs without FILE should fail"
echo "runs passed"
