import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

export default defineConfig(libraryConfig({ entry: { node: 'src/node.ts', web: 'src/web.ts', accelerated: 'src/accelerated.ts' } }));
