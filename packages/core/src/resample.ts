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
    if (sum !== 0) for (let j = 0; j < n; j++) weights[i * ksize + j] /= sum;
    start[i] = xmin;
    count[i] = n;
  }
  return { start, count, weights, ksize };
}

function clamp8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * Resizes `image` to `outWidth`×`outHeight` with antialiased bilinear filtering, as Pillow's
 * `Image.resize(size, BILINEAR)` does (a horizontal pass then a vertical one, each rounded to
 * 8 bits), and returns only the `window` of the result: pixels outside the crop are never
 * computed. Works for enlarging too. Channels are kept as they are.
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
  const { width: inW, height: inH, channels: c, data: src } = image;
  const h = axisWeights(inW, outWidth, window.left, window.width);
  const v = axisWeights(inH, outHeight, window.top, window.height);

  // Input rows the vertical pass reads; the horizontal pass computes only those.
  let rowFirst = inH;
  let rowEnd = 0;
  for (let i = 0; i < window.height; i++) {
    rowFirst = Math.min(rowFirst, v.start[i]);
    rowEnd = Math.max(rowEnd, v.start[i] + v.count[i]);
  }
  const rows = Math.max(rowEnd - rowFirst, 0);
  const mid = new Uint8ClampedArray(rows * window.width * c);
  const acc = new Float64Array(c);
  for (let y = 0; y < rows; y++) {
    const srcRow = (rowFirst + y) * inW * c;
    const midRow = y * window.width * c;
    for (let x = 0; x < window.width; x++) {
      const s = h.start[x];
      const n = h.count[x];
      const wOff = x * h.ksize;
      acc.fill(0);
      for (let k = 0; k < n; k++) {
        const w = h.weights[wOff + k];
        const p = srcRow + (s + k) * c;
        for (let ch = 0; ch < c; ch++) acc[ch] += src[p + ch] * w;
      }
      for (let ch = 0; ch < c; ch++) mid[midRow + x * c + ch] = clamp8(acc[ch]);
    }
  }

  const out = new Uint8ClampedArray(window.width * window.height * c);
  const rowLen = window.width * c;
  for (let y = 0; y < window.height; y++) {
    const s = v.start[y] - rowFirst;
    const n = v.count[y];
    const wOff = y * v.ksize;
    const outRow = y * rowLen;
    for (let i = 0; i < rowLen; i++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += mid[(s + k) * rowLen + i] * v.weights[wOff + k];
      out[outRow + i] = clamp8(sum);
    }
  }
  return { data: out, width: window.width, height: window.height, channels: c };
}
