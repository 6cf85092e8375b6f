import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

// ESM only: a command line and its in-process runner, for Node.js. The bin is built on its own
// (with the shebang, no types); the library packages are external dependencies, not bundled.
// tsup runs these configs in parallel, so none may clean dist/: the build script empties it first.
export default defineConfig([
  libraryConfig({ entry: { index: 'src/index.ts' }, format: ['esm'], clean: false }),
  // The classifier pool's worker thread: loaded by file name (new URL('./pool-worker.js', import.meta.url)).
  libraryConfig({ entry: { 'pool-worker': 'src/pool-worker.ts' }, format: ['esm'], dts: false, clean: false, sourcemap: false }),
  libraryConfig({ entry: { cli: 'src/cli.ts' }, format: ['esm'], dts: false, clean: false, sourcemap: false, banner: { js: '#!/usr/bin/env node' } }),
]);
