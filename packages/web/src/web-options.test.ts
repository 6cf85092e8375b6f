import { describe, expectTypeOf, it } from 'vitest';
import type { createClassifier } from './index.js';

// Checked by `pnpm typecheck`: adapter-only options live in the adapter's option type.
describe('web createClassifier options', () => {
  it('accepts the common options, wasmPaths and the Cache Storage name', () => {
    expectTypeOf<{ model: string; topK: number; cacheDir: string; wasmPaths: { wasm: string; mjs: string } }>().toExtend<
      Parameters<typeof createClassifier>[0]
    >();
  });
});
