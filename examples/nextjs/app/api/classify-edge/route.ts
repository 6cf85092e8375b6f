import { createClassifier, type WebClassifier } from 'onnx-mobilenet';
import { browserAllowPrivateNetwork, browserLabels, browserModel } from '../../classifier-config';
import { classifyUpload } from '../../classify-upload';

// The same handler on the edge runtime. Here `onnx-mobilenet` resolves (export condition
// `edge-light`) to its wasm path: onnxruntime-web's wasm, which Next.js binds as a precompiled
// WebAssembly.Module, and a decoder without native modules. There is no file system, so the model
// comes by URL, as in the browser (same settings).
export const runtime = 'edge';

// One classifier per edge isolate, created on first use; a failed load is retried on the next call.
let classifier: Promise<WebClassifier> | undefined;
function getClassifier(): Promise<WebClassifier> {
  classifier ??= createClassifier({ model: browserModel, labels: browserLabels, allowPrivateNetwork: browserAllowPrivateNetwork });
  classifier.catch(() => (classifier = undefined));
  return classifier;
}

export async function POST(request: Request): Promise<Response> {
  return classifyUpload(request, getClassifier);
}
