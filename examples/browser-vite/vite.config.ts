import { defineConfig } from 'vite';

// Nothing special is needed for onnx-mobilenet: Vite resolves the browser build of the package
// and emits onnxruntime-web's .wasm files as assets.
export default defineConfig({
  build: { target: 'es2022' },
  worker: { format: 'es' },
});
