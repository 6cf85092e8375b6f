"""Runs an exported model with Python's onnxruntime on a raw tensor, for the parity test.

Usage: probabilities.py MODEL.onnx INPUT.f32 N,3,224,224
INPUT.f32 holds the input tensor as little-endian float32 values. Prints JSON:
{"probabilities": [[...], ...], "labels": [...] (from metadata_props) or null, "output": name}.
"""

import json
import sys

import numpy as np
import onnxruntime as ort


def main() -> None:
    model, raw, dims = sys.argv[1], sys.argv[2], [int(d) for d in sys.argv[3].split(",")]
    tensor = np.fromfile(raw, dtype="<f4").reshape(dims)
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: tensor}
    (probabilities,) = session.run(None, feed)
    labels = session.get_modelmeta().custom_metadata_map.get("labels")
    print(
        json.dumps(
            {
                "probabilities": probabilities.astype(float).tolist(),
                "labels": json.loads(labels) if labels is not None else None,
                "output": session.get_outputs()[0].name,
            }
        )
    )


if __name__ == "__main__":
    main()
