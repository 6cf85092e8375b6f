import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

// The app API and the subpaths for adapter authors and tools; shared modules go to common chunks.
export default defineConfig(
  libraryConfig({
    entry: { index: 'src/index.ts', adapter: 'src/subpaths/adapter.ts', preprocess: 'src/subpaths/preprocess.ts', graph: 'src/subpaths/graph.ts' },
  }),
);
