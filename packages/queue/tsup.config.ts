import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';

// ESM only, for Node.js (as the CLI that loads it); bullmq, ioredis and the library are external.
export default defineConfig([libraryConfig({ entry: { index: 'src/index.ts' }, format: ['esm'] })]);
