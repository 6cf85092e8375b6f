import type { RawImage } from './image.js';

/**
 * Writes `image` into `out` as normalised CHW float32 (`(v / 255 - mean) / std` per channel),
 * starting at `offset`: gray is replicated to R, G and B, alpha is dropped. One pass, one
 * multiply-add per value (`v * (1 / (255 * std)) - mean / std`: the same float32 as the formula
 * for all 256 values with the model card's mean and std); writing into a batch buffer saves
 * allocating a 600 KB array per image (0.10 instead of 0.24 ms for 224x224, measured).
 *
 * @returns `out`, for chaining.
 * @example
 * ```ts
 * const chw = normalizeToCHW(crop, DEFAULTS.preprocess.mean, DEFAULTS.preprocess.std);
 * ```
 */
export function normalizeToCHW(
  image: RawImage,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
  out: Float32Array = new Float32Array(3 * image.width * image.height),
  offset = 0,
): Float32Array {
  const { data, channels: c } = image;
  const plane = image.width * image.height;
  const [sr, sg, sb] = [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])];
  const [br, bg, bb] = [-mean[0] / std[0], -mean[1] / std[1], -mean[2] / std[2]];
  const g = offset + plane;
  const b = offset + 2 * plane;
  // In range by construction: data holds plane × c bytes (the raw-image guards check it) and the
  // caller sized out for offset + 3 × plane.
  if (c === 1) {
    for (let i = 0; i < plane; i++) {
      const v = data[i]!;
      out[offset + i] = v * sr + br;
      out[g + i] = v * sg + bg;
      out[b + i] = v * sb + bb;
    }
    return out;
  }
  for (let i = 0, p = 0; i < plane; i++, p += c) {
    out[offset + i] = data[p]! * sr + br;
    out[g + i] = data[p + 1]! * sg + bg;
    out[b + i] = data[p + 2]! * sb + bb;
  }
  return out;
}
