import { copyFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';
import { CODEC_WASM_FILES } from './src/decode/codec-files.js';

// Both configs leave dist/ alone (they run in parallel): the build script empties it.
// The .wasm files stay files (imported by the edge entries, read by the default one): copied to
// dist/vendor/, where the built entries find them by the same relative path as the sources.
// The codecs' come from their packages (src/decode/codec-files.ts names them).
const require = createRequire(import.meta.url);
const copyWasm = async () => {
  cpSync('src/vendor', 'dist/vendor', { recursive: true, filter: (f) => !/\.m?[jt]s$/.test(f) });
  for (const { file, source } of Object.values(CODEC_WASM_FILES)) copyFileSync(require.resolve(source), `dist/vendor/${file}`);
};

export default defineConfig([
  libraryConfig({ entry: { index: 'src/index.ts' }, clean: false, shims: true, external: [/\.wasm(\?module)?$/], onSuccess: copyWasm }),
  // ESM only: workerd and edge builds import modules
  libraryConfig({ entry: { workerd: 'src/workerd.ts', 'edge-light': 'src/edge-light.ts' }, format: ['esm'], clean: false, external: [/\.wasm(\?module)?$/] }),
]);
