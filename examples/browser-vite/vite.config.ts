import { defineConfig } from 'vite';

// Nothing special is needed for onnx-mobilenet: Vite resolves the browser build of the package and
// emits onnxruntime-web's one .wasm file as an asset. Web Workers work with Vite's default worker
// format too; on a cross-origin-isolated page such a worker runs one wasm thread (onnx-mobilenet
// says so in a console warning): set `worker: { format: 'es' }` to get wasm threads there.
export default defineConfig({
  build: { target: 'es2022' },
});
