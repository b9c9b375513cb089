#!/bin/sh
# Runs a command with an X display: the current one if DISPLAY is set,
# otherwise a private Xvfb (xvfb-run -a picks a free server number).
# --private always starts a private Xvfb: tests that move the pointer must
# never do it on a person's desktop.
# The state and cache directories point into a fresh temporary directory so
# tests never read or write a person's last project or recovery file.
set -e
private=no
if [ "$1" = "--private" ]; then
  private=yes
  shift
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tsumiki-test-XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
export XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache" XDG_CONFIG_HOME="$scratch/config"
export TSU_TEST_SCRATCH="$scratch"
if { [ -z "$DISPLAY" ] || [ "$private" = yes ]; } && ! command -v xvfb-run >/dev/null 2>&1; then
  echo "SKIP: no display and no xvfb-run (apt install xvfb)"
  exit 77
fi
if [ -n "$DISPLAY" ] && [ "$private" = no ]; then
  "$@"
else
  unset DISPLAY
  # -a alone starts every search at :99, and two tests that start together
  # could both pick it: one then failed with "cannot open display". A
  # start that depends on the process id keeps parallel tests apart.
  xvfb-run -a -n "$((100 + $$ % 800))" -s '-screen 0 1600x1000x24' "$@"
fi
