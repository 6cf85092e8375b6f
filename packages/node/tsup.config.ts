import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

export default defineConfig([
  libraryConfig({ entry: { index: 'src/index.ts', adapter: 'src/adapter.ts' }, external: ['#single-binary'] }),
  // `#single-binary` (package.json `imports`): one file each, not bundled, so that
  // bun-single-binary keeps the `require` calls Bun's bundler embeds by.
  { entry: ['src/bun-single-binary.ts', 'src/single-binary.ts'], format: ['esm'], bundle: false, target: 'es2022', clean: false, dts: false },
]);
