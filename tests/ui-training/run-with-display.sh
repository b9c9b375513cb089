#!/bin/sh
# Runs a command with an X display: the current one if DISPLAY is set,
# otherwise a private Xvfb (xvfb-run -a picks a free server number). State
# and cache directories go to a fresh temporary directory, removed after.
set -e
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tsumiki-training-test-XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
export XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache" XDG_CONFIG_HOME="$scratch/config"
export TSU_TEST_SCRATCH="$scratch"
if [ -n "$DISPLAY" ]; then
  "$@"
else
  xvfb-run -a -s '-screen 0 1600x1000x24' "$@"
fi
