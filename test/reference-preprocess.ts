// An independent, deliberately plain implementation of the model zoo's reference preprocessing
// (validated/vision/classification/imagenet_preprocess.py): Pillow's BILINEAR resize (a triangle
// filter whose support grows with the shrink factor) to a shorter side of 256, the center 224 crop
// at (w // 2 - 112, h // 2 - 112), /255, (x - mean) / std, CHW. Float math throughout, one
// weight per source pixel, no shortcuts: slow, and written without looking at core's code.
// 'squash' is the same resize straight to 224x224 (Pillow's img.resize((224, 224), BILINEAR)),
// aspect ratio not kept, nothing cropped.

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** Python 3's round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Weights of every input pixel for output pixel `o` of an axis resized from `inSize` to `outSize`. */
function triangleWeights(inSize: number, outSize: number, o: number): [number, number][] {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1); // the triangle is widened when shrinking (antialiasing)
  const center = (o + 0.5) * scale;
  const weights: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < inSize; i++) {
    const distance = Math.abs(i + 0.5 - center) / support;
    if (distance < 1) {
      weights.push([i, 1 - distance]);
      total += 1 - distance;
    }
  }
  return weights.map(([i, w]) => [i, w / total]);
}

/** How the reference brings a photo to 224x224: shorter side to 256 then the centre crop, or a plain resize. */
export type ReferenceMode = 'shorter-side-crop' | 'squash';

/** pixels: interleaved, `channels` per pixel (RGB or RGBA; alpha ignored). Returns CHW float32. */
export function referencePreprocess(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  mode: ReferenceMode = 'shorter-side-crop',
): Float32Array {
  const ratio = 256 / Math.min(width, height);
  const [newW, newH] = mode === 'squash' ? [224, 224] : width > height ? [pyRound(ratio * width), 256] : [256, pyRound(ratio * height)];
  const left = Math.floor(newW / 2) - 112;
  const top = Math.floor(newH / 2) - 112;
  // horizontal pass for the 224 output columns, over every input row
  const cols = Array.from({ length: 224 }, (_, x) => triangleWeights(width, newW, left + x));
  const rows = Array.from({ length: 224 }, (_, y) => triangleWeights(height, newH, top + y));
  const horizontal = new Float64Array(height * 224 * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < 224; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (const [i, w] of cols[x]!) sum += pixels[(y * width + i) * channels + c]! * w;
        horizontal[(y * 224 + x) * 3 + c] = sum;
      }
    }
  }
  const out = new Float32Array(3 * 224 * 224);
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (const [j, w] of rows[y]!) sum += horizontal[(j * 224 + x) * 3 + c]! * w;
        out[c * 224 * 224 + y * 224 + x] = (sum / 255 - MEAN[c]!) / STD[c]!;
      }
    }
  }
  return out;
}

export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}
