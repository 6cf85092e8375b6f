import { createClassifier } from 'onnx-mobilenet';

self.onmessage = async (e) => {
  try {
    const classifier = await createClassifier({ model: e.data.model, labels: e.data.labels, wasmPaths: e.data.wasmPaths });
    const [best] = await classifier.classify(e.data.image);
    self.postMessage({ label: best.label });
  } catch (err) {
    self.postMessage({ error: `${err.code ?? ''} ${err.message}` });
  }
};
