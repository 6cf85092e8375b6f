import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

export default defineConfig([
  libraryConfig({
    entry: { index: 'src/index.ts', adapter: 'src/adapter.ts' },
    external: ['#single-binary'],
    // The CJS build loads onnxruntime-node and sharp with require(), not import(): vm-based loaders
    // (Jest) have no dynamic import callback, and CJS apps expect require's resolution.
    esbuildOptions(options, { format }) {
      if (format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
    },
  }),
  // `#single-binary` (package.json `imports`): one file each, not bundled, so that
  // bun-single-binary keeps the `require` calls Bun's bundler embeds by. The empty one also as CJS,
  // for the CJS build's require() (Node before 20.19 cannot require ESM).
  { entry: ['src/bun-single-binary.ts'], format: ['esm'], bundle: false, target: 'es2022', clean: false, dts: false },
  { entry: ['src/single-binary.ts'], format: ['esm', 'cjs'], bundle: false, target: 'es2022', clean: false, dts: false },
]);
