import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

// One build per entry: built together, the declaration bundler links node.d.ts to the web adapter
// (`import '@onnx-mobilenet/web'`), which put DOM names into the Node types. tsup runs these configs
// in parallel, so none may clean dist/ (one would delete another's output): the build script does.
export default defineConfig([
  libraryConfig({ entry: { node: 'src/node.ts' }, clean: false }),
  libraryConfig({ entry: { web: 'src/web.ts' }, clean: false }),
  // Workers and edge functions (workerd, edge-light) and onnx-mobilenet/wasm
  libraryConfig({ entry: { wasm: 'src/wasm.ts' }, clean: false }),
  // WebGPU/WebNN opt-in: its own entry, so bundlers of wasm-only apps never emit the full build's wasm
  libraryConfig({ entry: { accelerated: 'src/accelerated.ts' }, clean: false }),
  // the bin: @onnx-mobilenet/cli (an external dependency, not bundled)
  libraryConfig({ entry: { cli: 'src/cli.ts' }, format: ['esm'], dts: false, clean: false, sourcemap: false, banner: { js: '#!/usr/bin/env node' } }),
]);
