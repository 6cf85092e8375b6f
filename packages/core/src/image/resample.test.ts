import { describe, expect, it } from 'vitest';
import type { RawImage } from './image.js';
import { resampleBilinear } from './resample.js';

function gray(values: number[], width: number, height = 1): RawImage {
  return { data: new Uint8Array(values), width, height, channels: 1 };
}

/** Deterministic pseudo-random image. */
function noise(width: number, height: number, channels: 1 | 3 | 4, seed = 1): RawImage {
  const data = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 16) & 255;
  }
  return { data, width, height, channels };
}

/**
 * Second implementation, written from the definition rather than from Pillow's code: every output
 * pixel is the 2-D triangle-weighted mean of the input, with the triangle widened by the shrink
 * factor, computed in float without intermediate rounding.
 */
function slowReference(img: RawImage, outW: number, outH: number): Float64Array {
  const weightsFor = (inSize: number, outSize: number, o: number): Map<number, number> => {
    const scale = inSize / outSize;
    const widen = Math.max(scale, 1);
    const center = (o + 0.5) * scale;
    const w = new Map<number, number>();
    let sum = 0;
    for (let i = 0; i < inSize; i++) {
      const d = Math.abs(i + 0.5 - center) / widen;
      const t = d < 1 ? 1 - d : 0;
      if (t > 0) {
        w.set(i, t);
        sum += t;
      }
    }
    for (const [i, t] of w) w.set(i, t / sum);
    return w;
  };
  const out = new Float64Array(outW * outH * img.channels);
  for (let y = 0; y < outH; y++) {
    const wy = weightsFor(img.height, outH, y);
    for (let x = 0; x < outW; x++) {
      const wx = weightsFor(img.width, outW, x);
      for (let c = 0; c < img.channels; c++) {
        let acc = 0;
        for (const [j, a] of wy) for (const [i, b] of wx) acc += a * b * img.data[(j * img.width + i) * img.channels + c]!;
        out[(y * outW + x) * img.channels + c] = acc;
      }
    }
  }
  return out;
}

describe('resampleBilinear', () => {
  it('matches hand-computed values when shrinking 4 -> 2 (support widened to 2)', () => {
    // out0: weights .75,.75,.25 on [0,100,200] / 1.75 = 71.43; out1: .25,.75,.75 on [100,200,255] / 1.75 = 209.29
    expect(Array.from(resampleBilinear(gray([0, 100, 200, 255], 4), 2, 1).data)).toEqual([71, 209]);
    expect(Array.from(resampleBilinear(gray([10, 20], 2), 1, 1).data)).toEqual([15]);
  });

  it('matches hand-computed values when enlarging 2 -> 4', () => {
    expect(Array.from(resampleBilinear(gray([0, 100], 2), 4, 1).data)).toEqual([0, 25, 75, 100]);
  });

  it('is the identity at the same size', () => {
    const img = noise(7, 5, 3);
    expect(resampleBilinear(img, 7, 5).data).toEqual(new Uint8ClampedArray(img.data));
  });

  it('computes a window equal to the same region of the full resize', () => {
    const img = noise(97, 61, 3, 7);
    const full = resampleBilinear(img, 50, 31);
    const win = resampleBilinear(img, 50, 31, { left: 9, top: 4, width: 20, height: 13 });
    for (let y = 0; y < 13; y++) {
      for (let x = 0; x < 20 * 3; x++) expect(win.data[y * 60 + x]).toBe(full.data[(y + 4) * 150 + 9 * 3 + x]);
    }
  });

  it.each([
    [40, 30, 17, 11, 3],
    [33, 50, 64, 90, 1],
    [25, 25, 9, 14, 4],
    [300, 7, 31, 3, 3],
  ] as const)('agrees with a slow 2-D reference within rounding (%ix%i -> %ix%i, %i ch)', (w, h, ow, oh, c) => {
    const img = noise(w, h, c, w * h);
    const fast = resampleBilinear(img, ow, oh);
    const slow = slowReference(img, ow, oh);
    const outC = c === 1 ? 1 : 3; // alpha is dropped
    expect(fast.channels).toBe(outC);
    let maxDiff = 0;
    for (let p = 0; p < ow * oh; p++) {
      for (let ch = 0; ch < outC; ch++) maxDiff = Math.max(maxDiff, Math.abs(fast.data[p * outC + ch]! - slow[p * c + ch]!));
    }
    // two 8-bit roundings (after each pass) bound the difference
    expect(maxDiff).toBeLessThanOrEqual(1.01);
  });
});
