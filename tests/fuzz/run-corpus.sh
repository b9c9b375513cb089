#!/bin/sh
# run-corpus.sh HARNESS CORPUS-DIR ARTIFACT-PREFIX — the fuzz suite's
# regression test: every committed corpus file through the harness once.
# Files given as arguments are run once each, and only they: a corpus
# directory would also make libFuzzer try the empty input, which is not a
# committed file.
set -eu
harness=$1 corpus=$2 prefix=$3
[ -n "$(ls "$corpus")" ] || { echo "run-corpus.sh: $corpus is empty" >&2; exit 1; }
exec "$harness" -artifact_prefix="$prefix" "$corpus"/*
