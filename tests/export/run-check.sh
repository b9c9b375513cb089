#!/bin/sh
# run-check.sh CHECK FIXTURE SCRIPT [NETWORK...] — the receiving tools run under Debian's
# /usr/bin/python3 (a python3 earlier on PATH may lack onnx, cv2, torch).
# Exit 77 tells meson the test was skipped.
if [ ! -x /usr/bin/python3 ]; then
    echo "SKIP: /usr/bin/python3 is not installed (apt install python3)"
    exit 77
fi
check=$1 fixture=$2 script=$3
shift 3
exec /usr/bin/python3 "$script" "$check" "$fixture" "$@"
