// EXIF orientation applied to decoded pixels: the turn or mirror a viewer shows the stored image
// with, for decoders that hand back the stored orientation (the wasm codecs). Plain index math on
// interleaved 8-bit pixels, so every environment turns images alike.

import { assertRawImage, type RawImage } from './image.js';

/**
 * The stored pixel each displayed pixel comes from, per EXIF orientation: `W`/`H` are the stored
 * size, `x`/`y` the displayed position. Orientations 5-8 swap width and height.
 */
const SOURCE: Record<number, (x: number, y: number, W: number, H: number) => number> = {
  2: (x, y, W) => y * W + (W - 1 - x), // mirrored left-right
  3: (x, y, W, H) => (H - 1 - y) * W + (W - 1 - x), // turned 180°
  4: (x, y, W, H) => (H - 1 - y) * W + x, // mirrored top-bottom
  5: (x, y, W) => x * W + y, // transposed (mirrored along the main diagonal)
  6: (x, y, W, H) => (H - 1 - x) * W + y, // to be turned 90° clockwise
  7: (x, y, W, H) => (H - 1 - x) * W + (W - 1 - y), // transversed (mirrored along the other diagonal)
  8: (x, y, W) => x * W + (W - 1 - y), // to be turned 90° counter-clockwise
};

/**
 * The image as displayed under an EXIF `orientation` (1-8): turned and mirrored as libvips,
 * browsers and Pillow's `exif_transpose` show it. Orientation 1 (or any value outside 2-8) returns
 * `image` itself; otherwise a new image, with width and height swapped for 5-8.
 *
 * @example
 * ```ts
 * const upright = orientImage(decoded, imageOrientation(bytes) ?? 1);
 * ```
 */
export function orientImage(image: RawImage, orientation: number): RawImage {
  const source = SOURCE[orientation];
  if (!source) return image;
  assertRawImage(image);
  const { data, width: W, height: H, channels: C } = image;
  const swap = orientation >= 5;
  const width = swap ? H : W;
  const height = swap ? W : H;
  const out = new Uint8Array(data.length);
  let o = 0;
  for (let y = 0; y < height; y++) {
    // along a displayed row the stored index moves by a fixed step (±1 pixel or ±1 row)
    const first = source(0, y, W, H) * C;
    const step = width > 1 ? source(1, y, W, H) * C - first : 0;
    for (let x = 0, s = first; x < width; x++, s += step) {
      for (let c = 0; c < C; c++) out[o++] = data[s + c]!;
    }
  }
  return { data: out, width, height, channels: C };
}
