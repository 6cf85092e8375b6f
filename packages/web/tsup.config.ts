import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

// accelerated: a subpath of its own, the only import of onnxruntime-web's full build (WebGPU, WebNN).
export default defineConfig(libraryConfig({ entry: { index: 'src/index.ts', adapter: 'src/adapter.ts', accelerated: 'src/accelerated.ts' } }));
