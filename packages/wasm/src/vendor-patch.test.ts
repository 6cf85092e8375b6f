// The patch of onnxruntime-web's bundle (scripts/vendor-onnxruntime-web.mjs): applied once per
// anchor, or the build fails; never a silent partial patch.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATCHES, patchBundle } from '../scripts/vendor-onnxruntime-web.mjs';

const require = createRequire(import.meta.url);
const bundle = readFileSync(join(dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')), 'ort.wasm.bundle.min.mjs'), 'utf8');
const patches = PATCHES;

describe('the onnxruntime-web patch', () => {
  it('finds each anchor exactly once in the pinned bundle and adds the instantiateWasm hook', () => {
    for (const { from } of patches) expect(bundle.split(from)).toHaveLength(2);
    const patched = patchBundle(bundle);
    expect(patched).toContain('v.instantiateWasm=');
    expect(patched.length - bundle.length).toBe(patches.reduce((n, p) => n + p.to.length - p.from.length, 0));
  });

  it('fails the build when an anchor is missing or repeated (a changed onnxruntime-web)', () => {
    const first = patches[0]!.from;
    expect(() => patchBundle(bundle.replace(first, ''))).toThrow(/found 0 times/);
    expect(() => patchBundle(bundle + first)).toThrow(/found 2 times/);
  });
});
