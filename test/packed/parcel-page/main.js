// The Parcel fixture for a page without a worker: it classifies ?image=… on the main thread with
// onnxruntime-web's files at ?wasmPaths=…, and needs one package.json field (packageExports), not
// the ES-module-only browserslist that a module Worker adds.
import { createClassifier } from 'onnx-mobilenet';

const params = new URLSearchParams(location.search);
const result = document.getElementById('result');
createClassifier({
  model: new URL('/data/models/mobilenetv2-12-int8.onnx', location.href).href,
  labels: new URL('/data/models/synset.txt', location.href).href,
  wasmPaths: params.get('wasmPaths') ?? undefined,
})
  .then((classifier) => classifier.classify(new URL(params.get('image') ?? '', location.href).href))
  .then(
    ([best]) => {
      result.textContent = `label: ${best.label}`;
    },
    (err) => {
      result.textContent = `error: ${err.code ?? ''} ${err.message}`;
    },
  );
