// esbuild bundles JavaScript only: the page and the worker are two ES-module entries (the page
// starts the worker with `new URL('./classify.worker.js', import.meta.url)`, which esbuild leaves as
// is), and onnxruntime-web's .wasm is copied beside the output, where its
// `new URL('ort-wasm-simd-threaded.wasm', import.meta.url)` looks for it.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const outdir = 'dist-esbuild';
await build({
  entryPoints: ['main.js', 'classify.worker.js'],
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  platform: 'browser',
  outdir,
  logLevel: 'warning',
});
// onnxruntime-web is a dependency of @onnx-mobilenet/web: resolve it from there
const require = createRequire(createRequire(import.meta.url).resolve('@onnx-mobilenet/web'));
copyFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'), `${outdir}/ort-wasm-simd-threaded.wasm`);
// the Vite fixture's page: its script is ./main.js, this build's output for main.js
copyFileSync('index.html', `${outdir}/index.html`);
