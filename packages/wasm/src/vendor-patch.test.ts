// The patch of onnxruntime-web's bundle (scripts/vendor-onnxruntime-web.mjs): applied once per
// anchor, or the build fails; never a silent partial patch.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_URL_PATTERN, hideFileUrls, PATCHES, patchBundle } from '../scripts/vendor-onnxruntime-web.mjs';

const require = createRequire(import.meta.url);
const bundle = readFileSync(join(dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')), 'ort.wasm.bundle.min.mjs'), 'utf8');
const patches = PATCHES;

describe('the onnxruntime-web patch', () => {
  it('finds each anchor exactly once in the pinned bundle and adds the instantiateWasm hook', () => {
    for (const { from } of patches) expect(bundle.split(from)).toHaveLength(2);
    const patched = patchBundle(bundle);
    expect(patched).toContain('v.instantiateWasm=');
    // no `new URL('<file>', import.meta.url)` left for Next.js's edge build to resolve
    expect(bundle).toMatch(FILE_URL_PATTERN);
    expect(patched).not.toMatch(FILE_URL_PATTERN);
    expect(patched.length - bundle.length).toBe(patches.reduce((n, p) => n + p.to.length - p.from.length, 0));
  });

  it('fails the build when an anchor is missing or repeated (a changed onnxruntime-web)', () => {
    const first = patches[0]!.from;
    expect(() => patchBundle(bundle.replace(first, ''))).toThrow(/found 0 times/);
    expect(() => patchBundle(bundle + first)).toThrow(/found 2 times/);
    expect(() => patchBundle(`${bundle}new URL("ort.jsep.mjs",import.meta.url)`)).toThrow(
      /file reference bundlers would resolve is left: new URL\("ort.jsep.mjs"/,
    );
  });

  it("hides the codecs' file references from bundlers, keeping their value", () => {
    const glue = readFileSync(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.js'), 'utf8');
    expect(glue).toMatch(FILE_URL_PATTERN);
    const hidden = hideFileUrls(glue);
    expect(hidden).not.toMatch(FILE_URL_PATTERN);
    expect(hidden).toContain('new URL("mozjpeg_dec.wasm",String(import.meta.url || "https://localhost/"))');
    // webpack turns import.meta.url into a string literal, which cannot be assigned to
    expect(glue).toMatch(/import\.meta\.url\s*=\s*"/);
    expect(hidden).not.toMatch(/import\.meta\.url\s*=(?!=)/);
  });
});
