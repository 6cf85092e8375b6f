"""The plain Python pipeline a user would write instead of onnx-mobilenet: onnxruntime, Pillow and
numpy, one photo after another, in batches of 8 (and one photo at a time). Run by
bench/python-peer-bench.mjs in a fresh process per measurement, in the venv .ci/python-env.sh makes.

    python pipeline.py MODEL LIST [--passes N] [--modes batch8,batch8-nospin,single,decode,preprocess,run8]

LIST is a text file of image paths, one a line. After one untimed pass per mode (the warm-up),
each mode runs N timed passes; prints one JSON line: per mode the wall and CPU ms/photo of each
pass, and the top-1 class index of every photo (from the first pipeline mode's warm-up pass).
The modes decode (Pillow decode + RGB), preprocess (all of preprocess()) and run8 (session.run on
prepared batches of 8) time the pipeline's stages on their own.
"""

import argparse
import json
import time

import numpy as np
import onnxruntime as ort
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)
BATCH = 8


def reference_crop(im):
    """An RGB image's shorter side to 256 (Pillow's antialiased bilinear), then its centre 224×224."""
    w, h = im.size
    s = 256 / min(w, h)
    im = im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR)
    w, h = im.size
    left, top = (w - 224) // 2, (h - 224) // 2
    return im.crop((left, top, left + 224, top + 224))


def preprocess(path):
    """Decode, RGB, the reference crop, normalised, CHW."""
    im = reference_crop(Image.open(path).convert("RGB"))
    return ((np.asarray(im, np.float32) / 255 - MEAN) / STD).transpose(2, 0, 1)


def top5(logits):
    e = np.exp(logits - logits.max(1, keepdims=True))
    p = e / e.sum(1, keepdims=True)
    best = np.argsort(-p, 1)[:, :5]
    return [[(int(i), float(p[r, i])) for i in row] for r, row in enumerate(best)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("list")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--modes", default="batch8,single", help="comma-separated: batch8, batch8-nospin, single, and the stages decode, preprocess, run8")
    args = ap.parse_args()
    with open(args.list, encoding="utf8") as f:
        paths = [line for line in f.read().splitlines() if line]

    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def run(batch_paths, s=session):
        batch = np.stack([preprocess(p) for p in batch_paths])
        return top5(s.run(None, {name: batch})[0])

    def batches(s=session):
        out = []
        for i in range(0, len(paths), BATCH):
            out += run(paths[i : i + BATCH], s)
        return out

    # Not the plain pipeline: the same with onnxruntime's threads never spinning. On a busy
    # machine spinning threads wait on descheduled ones, which costs the default twice the CPU.
    quiet = None

    def batches_nospin():
        nonlocal quiet
        if quiet is None:
            options = ort.SessionOptions()
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            quiet = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
        return batches(quiet)

    def single():
        return [run([p])[0] for p in paths]

    # The stages on their own (CPU ms/photo): the pipeline's parts, next to node-bench's.
    def decode():
        for p in paths:
            Image.open(p).convert("RGB")

    def preprocess_all():
        for p in paths:
            preprocess(p)

    tensors = []

    def run8():
        for i in range(0, len(tensors), BATCH):
            session.run(None, {name: np.stack(tensors[i : i + BATCH])})

    modes = {"batch8": batches, "batch8-nospin": batches_nospin, "single": single, "decode": decode, "preprocess": preprocess_all, "run8": run8}
    result = {"runtime": f"onnxruntime {ort.__version__}, numpy {np.__version__}, Pillow {Image.__version__}"}
    for mode in args.modes.split(","):
        if mode == "run8":
            tensors = [preprocess(p) for p in paths]
        warm = modes[mode]()
        if warm:
            result.setdefault("top1", [p[0][0] for p in warm])
        walls, cpus = [], []
        for _ in range(args.passes):
            c0, t0 = time.process_time(), time.perf_counter()
            modes[mode]()
            walls.append((time.perf_counter() - t0) * 1000 / len(paths))
            cpus.append((time.process_time() - c0) * 1000 / len(paths))
        result[mode] = {"wall": walls, "cpu": cpus}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
