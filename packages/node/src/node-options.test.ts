import type { ClassifierOptions } from '@onnx-mobilenet/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createClassifier } from './index.js';

// Checked by `pnpm typecheck`: adapter-only options live in the adapter's option type.
describe('Node createClassifier options', () => {
  it("accepts the common options, the Node cache directory, and (for isomorphic code) the browser's wasmPaths", () => {
    expectTypeOf<{ model: string; topK: number; cacheDir: string; wasmPaths: string }>().toExtend<Parameters<typeof createClassifier>[0]>();
    expectTypeOf<ClassifierOptions>().not.toHaveProperty('cacheDir');
    expectTypeOf<ClassifierOptions>().not.toHaveProperty('wasmPaths');
  });
});

describe('Node createClassifier with options that are not an object', () => {
  it('rejects with E_INPUT (not a TypeError thrown synchronously)', async () => {
    for (const options of [null, 42, 'model.onnx']) {
      await expect(createClassifier(options as never)).rejects.toMatchObject({ code: 'E_INPUT' });
    }
  });
});
