import type { RawImage } from './image.js';
import type { Rect } from './resize-plan.js';

/**
 * Resampling weights of one axis: for each output pixel, the first input index and the weights of
 * the input pixels it reads.
 */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  /** Stride of `weights` per output pixel. */
  ksize: number;
}

/** Triangle (bilinear) filter with support 1, as Pillow's BILINEAR. */
function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/**
 * Pillow's `precompute_coeffs` for the output pixels `[outStart, outStart + outCount)` of an axis
 * resized from `inSize` to `outSize`. When shrinking, the filter's support grows with the scale
 * factor, which is what makes the resize antialiased.
 */
function axisWeights(inSize: number, outSize: number, outStart: number, outCount: number): AxisWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle support (1) × filter scale
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outCount);
  const count = new Int32Array(outCount);
  const weights = new Float64Array(outCount * ksize);
  const inv = 1 / filterScale;
  for (let i = 0; i < outCount; i++) {
    const center = (outStart + i + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    const n = xmax - xmin;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const w = triangle((j + xmin - center + 0.5) * inv);
      weights[i * ksize + j] = w;
      sum += w;
    }
    if (sum !== 0) for (let j = 0; j < n; j++) weights[i * ksize + j]! /= sum; // j < n ≤ ksize: in range
    start[i] = xmin;
    count[i] = n;
  }
  return { start, count, weights, ksize };
}

/**
 * Resizes `image` to `outWidth`×`outHeight` with antialiased bilinear filtering, as Pillow's
 * `Image.resize(size, BILINEAR)` does (a horizontal pass then a vertical one, each rounded to
 * 8 bits), and returns only the `window` of the result: pixels outside the crop are never
 * computed. Works for enlarging too. Gray stays gray; RGB and RGBA come out as RGB (alpha is
 * dropped here, where it would otherwise cost a quarter of the work, since the model ignores it).
 *
 * @example
 * ```ts
 * const plan = planResize(img.width, img.height, DEFAULTS.preprocess);
 * const cropped = resampleBilinear(img, plan.width, plan.height, plan.crop); // 224×224
 * ```
 */
export function resampleBilinear(
  image: RawImage,
  outWidth: number,
  outHeight: number,
  window: Rect = { left: 0, top: 0, width: outWidth, height: outHeight },
): RawImage {
  const { width: inW, height: inH, channels: inC, data: src } = image;
  const c = inC === 1 ? 1 : 3;
  const h = axisWeights(inW, outWidth, window.left, window.width);
  const v = axisWeights(inH, outHeight, window.top, window.height);

  // Input rows the vertical pass reads; the horizontal pass computes only those.
  let rowFirst = inH;
  let rowEnd = 0;
  // Indices below are in range by construction: axisWeights sized start/count for the window and
  // weights for window × ksize with taps clamped to [0, inSize), and mid holds rows × rowLen.
  for (let i = 0; i < window.height; i++) {
    rowFirst = Math.min(rowFirst, v.start[i]!);
    rowEnd = Math.max(rowEnd, v.start[i]! + v.count[i]!);
  }
  const rows = Math.max(rowEnd - rowFirst, 0);
  const rowLen = window.width * c;
  // Uint8ClampedArray rounds and clamps on store: each pass ends in 8 bits, as Pillow's does.
  const mid = new Uint8ClampedArray(rows * rowLen);
  const { start: hs, count: hn, weights: hw, ksize: hk } = h;
  for (let y = 0; y < rows; y++) {
    const srcRow = (rowFirst + y) * inW * inC;
    let o = y * rowLen;
    for (let x = 0; x < window.width; x++) {
      const n = hn[x]!;
      const wOff = x * hk;
      let p = srcRow + hs[x]! * inC;
      if (c === 1) {
        let g = 0;
        for (let k = 0; k < n; k++, p++) g += src[p]! * hw[wOff + k]!;
        mid[o++] = g;
      } else {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0; k < n; k++, p += inC) {
          const w = hw[wOff + k]!;
          r += src[p]! * w;
          g += src[p + 1]! * w;
          b += src[p + 2]! * w;
        }
        mid[o++] = r;
        mid[o++] = g;
        mid[o++] = b;
      }
    }
  }

  // Vertical pass row by row, tap-major, so both arrays are read sequentially.
  const out = new Uint8ClampedArray(window.height * rowLen);
  const acc = new Float64Array(rowLen);
  for (let y = 0; y < window.height; y++) {
    acc.fill(0);
    const s = v.start[y]! - rowFirst;
    const taps = v.count[y]!;
    for (let k = 0; k < taps; k++) {
      const w = v.weights[y * v.ksize + k]!;
      const base = (s + k) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i]! += mid[base + i]! * w;
    }
    out.set(acc, y * rowLen);
  }
  return { data: out, width: window.width, height: window.height, channels: c };
}
