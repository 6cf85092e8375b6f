import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

export default defineConfig([
  libraryConfig({ entry: { node: 'src/node.ts', web: 'src/web.ts' } }),
  // the bin: one import of the Node adapter's CLI (an external dependency, not bundled)
  libraryConfig({ entry: { cli: 'src/cli.ts' }, format: ['esm'], dts: false, clean: false, sourcemap: false, banner: { js: '#!/usr/bin/env node' } }),
]);
