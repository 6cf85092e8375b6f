#!/usr/bin/env bash
# The Python venv outside the repository that the parity tests (test/python-env.ts) and the
# Python-peer bench (bench/python-peer-bench.mjs) run: pinned onnxruntime, numpy and Pillow from
# pip's configured package indexes, made or repaired only when the pins are not all there.
# Prints the interpreter's path. Needs python3 with venv and ensurepip (.ci/run installs them).
set -euo pipefail
PYTHON_ENV="${XDG_CACHE_HOME:-$HOME/.cache}/onnx-mobilenet/python"
PINS=(onnxruntime==1.30.0 numpy==2.4.6 pillow==12.3.0)
PY="$PYTHON_ENV/bin/python"
check='import sys
from importlib.metadata import version
sys.exit(any(version(n) != v for n, v in (p.split("==") for p in sys.argv[1:])))'
if ! "$PY" -c "$check" "${PINS[@]}" >/dev/null 2>&1; then
  echo "making the Python venv $PYTHON_ENV (${PINS[*]})" >&2
  python3 -m venv --clear "$PYTHON_ENV"
  if ! "$PYTHON_ENV/bin/pip" install -q "${PINS[@]}" >&2 || ! "$PY" -c "$check" "${PINS[@]}"; then
    echo "python-env: pip could not install ${PINS[*]} into $PYTHON_ENV (is a package index reachable? pip.conf or PIP_INDEX_URL); or set ONNX_MOBILENET_PYTHON to an interpreter that has them" >&2
    exit 1
  fi
fi
echo "$PY"
