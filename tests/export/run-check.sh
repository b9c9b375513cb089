#!/bin/sh
# run-check.sh CHECK FIXTURE SCRIPT — the receiving tools run under Debian's
# /usr/bin/python3 (a python3 earlier on PATH may lack onnx, cv2, torch).
# Exit 77 tells meson the test was skipped.
if [ ! -x /usr/bin/python3 ]; then
    echo "SKIP: /usr/bin/python3 is not installed (apt install python3)"
    exit 77
fi
exec /usr/bin/python3 "$3" "$1" "$2"
