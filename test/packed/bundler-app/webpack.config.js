// webpack 5 with no settings for onnx-mobilenet: it emits onnxruntime-web's .wasm (and its .mjs,
// the thread workers' script) from the `new URL(…, import.meta.url)` references in the package.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './main.js',
  output: { path: fileURLToPath(new URL('dist-webpack', import.meta.url)), filename: 'main.js', clean: true },
  performance: { hints: false },
};
