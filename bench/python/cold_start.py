"""Cold start of the plain Python pipeline: a fresh process imports onnxruntime, Pillow and numpy,
creates the session and classifies one photo (bench/cold-start-bench.mjs runs it beside onnx-mobilenet).

    python cold_start.py MODEL IMAGE

Prints one JSON line: the CLOCK_MONOTONIC time of the first result (ns; the parent subtracts the
time it spawned the process, on the same clock as Node's process.hrtime) and the top-1 index.
"""

import json
import sys
import time

from pipeline import preprocess, top5  # imports numpy, onnxruntime and Pillow

import numpy as np
import onnxruntime as ort

session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
logits = session.run(None, {session.get_inputs()[0].name: np.stack([preprocess(sys.argv[2])])})[0]
best = top5(logits)[0][0][0]
print(json.dumps({"resultNs": time.monotonic_ns(), "top1": best}))
