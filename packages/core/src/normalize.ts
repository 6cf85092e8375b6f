import type { RawImage } from './image.js';

/**
 * Writes `image` into `out` as normalised CHW float32 (`(v / 255 - mean) / std` per channel),
 * starting at `offset`: gray is replicated to R, G and B, alpha is dropped. One pass, with a
 * 256-entry lookup table per channel instead of per-pixel division.
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
  const lutR = channelTable(mean[0], std[0]);
  const lutG = channelTable(mean[1], std[1]);
  const lutB = channelTable(mean[2], std[2]);
  const g = offset + plane;
  const b = offset + 2 * plane;
  // In range by construction: data holds plane × c bytes (the raw-image guards check it), a byte
  // indexes the 256-entry tables, and the caller sized out for offset + 3 × plane.
  if (c === 1) {
    for (let i = 0; i < plane; i++) {
      const v = data[i]!;
      out[offset + i] = lutR[v]!;
      out[g + i] = lutG[v]!;
      out[b + i] = lutB[v]!;
    }
    return out;
  }
  for (let i = 0, p = 0; i < plane; i++, p += c) {
    out[offset + i] = lutR[data[p]!]!;
    out[g + i] = lutG[data[p + 1]!]!;
    out[b + i] = lutB[data[p + 2]!]!;
  }
  return out;
}

const tables = new Map<string, Float32Array>();

/** The 256 normalised values of one channel, cached per (mean, std). */
function channelTable(mean: number, std: number): Float32Array {
  const key = `${mean}/${std}`;
  let t = tables.get(key);
  if (!t) {
    t = new Float32Array(256);
    for (let v = 0; v < 256; v++) t[v] = (v / 255 - mean) / std;
    if (tables.size > 64) tables.clear();
    tables.set(key, t);
  }
  return t;
}
