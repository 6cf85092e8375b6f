import { defineConfig } from 'vite';

// The worker is built as an ES module so that onnxruntime-web can start wasm threads inside it;
// the headers make the page cross-origin isolated, which wasm threads need (set them on your
// production server too, or embedding runs on one thread, several times slower).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  build: { target: 'es2022' },
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
});
