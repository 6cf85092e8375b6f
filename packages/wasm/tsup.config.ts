import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

// Both configs leave dist/ alone (they run in parallel): the build script empties it.
// The .wasm files stay files (imported by the edge entries, read by the default one): copied to
// dist/vendor/, where the built entries find them by the same relative path as the sources.
const copyWasm = async () => cpSync('src/vendor', 'dist/vendor', { recursive: true, filter: (f) => !/\.m?[jt]s$/.test(f) });

export default defineConfig([
  libraryConfig({ entry: { index: 'src/index.ts' }, clean: false, shims: true, external: [/\.wasm(\?module)?$/], onSuccess: copyWasm }),
  // ESM only: workerd and edge builds import modules
  libraryConfig({ entry: { workerd: 'src/workerd.ts', 'edge-light': 'src/edge-light.ts' }, format: ['esm'], clean: false, external: [/\.wasm(\?module)?$/] }),
]);
