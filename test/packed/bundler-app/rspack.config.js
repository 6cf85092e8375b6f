// Rspack with no settings for onnx-mobilenet: like webpack 5, it emits onnxruntime-web's files.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './main.js',
  output: { path: fileURLToPath(new URL('dist-rspack', import.meta.url)), filename: 'main.js', clean: true },
  performance: { hints: false },
};
