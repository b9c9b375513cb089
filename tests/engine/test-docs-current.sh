#!/bin/sh
# The generated docs must be exactly what the engine's tables print:
# docs/layers.md (parameter tables) and docs/training.md (training settings).
set -u
status=0
check() { # cli, doc, subcommand
    "$1" "$3" --markdown | diff -u "${TSU_SOURCE_DIR:?}/docs/$2" - || {
        echo "docs/$2 is stale: run  tsumiki-cli $3 --markdown > docs/$2"
        status=1
    }
}
check "$1" layers.md layers
check "$1" training.md settings
exit "$status"
