#!/bin/sh
# docs/layers.md must be exactly what the parameter tables generate.
set -u
"$1" layers --markdown | diff -u "${TSU_SOURCE_DIR:?}/docs/layers.md" - || {
    echo "docs/layers.md is stale: run  tsumiki-cli layers --markdown > docs/layers.md"
    exit 1
}
