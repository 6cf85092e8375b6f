import type { ClassifierOptions } from '@onnx-mobilenet/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createClassifier } from './index.js';

// Checked by `pnpm typecheck`: adapter-only options live in the adapter's option type.
describe('Node createClassifier options', () => {
  it("accepts the common options, the Node cache directory, and (for isomorphic code) the browser's wasmPaths", () => {
    expectTypeOf<{ model: string; topK: number; cacheDir: string; wasmPaths: string }>().toExtend<Parameters<typeof createClassifier>[0]>();
    expectTypeOf<ClassifierOptions>().not.toHaveProperty('cacheDir');
    expectTypeOf<ClassifierOptions>().not.toHaveProperty('wasmPaths');
  });
});
