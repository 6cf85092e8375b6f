import type { RawImage } from './image.js';
import type { Rect } from './resize-plan.js';

/** Augmented views of each training photo, made at embedding time. */
export interface AugmentOptions {
  /** Also embed each view mirrored left to right. */
  flip?: boolean | undefined;
  /** Extra crops of the resized photo, at seeded random offsets, besides the centre crop. */
  crops?: number | undefined;
}

/** A `width`×`height` window of `image` from (`left`, `top`), mirrored left to right when `mirror`. */
export function cropImage(image: RawImage, { left, top, width, height }: Rect, mirror = false): RawImage {
  const ch = image.channels;
  const data = new Uint8Array(width * height * ch);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * ch;
    const to = y * width * ch;
    if (!mirror) {
      data.set(image.data.subarray(from, from + width * ch), to);
      continue;
    }
    for (let x = 0; x < width; x++) for (let c = 0; c < ch; c++) data[to + (width - 1 - x) * ch + c] = image.data[from + x * ch + c]!;
  }
  return { data, width, height, channels: ch };
}

/** One training view: a window of the resized photo, mirrored or not. */
export interface ViewWindow {
  rect: Rect;
  mirror: boolean;
}

/**
 * The views of one photo resized as for classification (shorter side to 256) but not yet cropped,
 * `width`×`height`: first the reference centre crop `centre`, then `crops` crops of the same size
 * at random offsets (the classic ImageNet training crops), each followed by its mirror image when
 * `flip`. With `preprocess.mode: 'squash'` the resized photo is the crop, so every crop is the centre.
 */
export function viewWindows(width: number, height: number, centre: Rect, { flip = false, crops = 0 }: AugmentOptions, random: () => number): ViewWindow[] {
  const rects: Rect[] = [centre];
  for (let i = 0; i < crops; i++) {
    const left = Math.floor(random() * (width - centre.width + 1));
    const top = Math.floor(random() * (height - centre.height + 1));
    rects.push({ left, top, width: centre.width, height: centre.height });
  }
  return rects.flatMap((rect) =>
    flip
      ? [
          { rect, mirror: false },
          { rect, mirror: true },
        ]
      : [{ rect, mirror: false }],
  );
}
