// The edge bench's inputs, the same in every runtime it drives, and its one-photo-at-a-time pass.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { normalizeToCHW, resizeAndCrop } from '@onnx-mobilenet/core/preprocess';
import { ASSETS_DIR } from '../../test/assets-dir.mjs';

/** Photos timed after this many untimed ones in each pass. */
export const WARMUP = 3;

/**
 * The JPEGs of the assets folder (sorted), sharp's RGB pixels of each (EXIF orientation applied)
 * and core's tensor of those pixels.
 */
export async function loadPhotos() {
  sharp.cache(false);
  const names = readdirSync(join(ASSETS_DIR, 'images'))
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort();
  const pre = DEFAULTS.preprocess;
  return Promise.all(
    names.map(async (name) => {
      const jpeg = readFileSync(join(ASSETS_DIR, 'images', name));
      const { data, info } = await sharp(jpeg).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      const raw = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
      const tensor = { data: normalizeToCHW(resizeAndCrop(raw, pre), pre.mean, pre.std), dims: [1, 3, 224, 224] };
      return { name, wnid: name.slice(0, 9), jpeg: new Uint8Array(jpeg), raw, tensor };
    }),
  );
}

/** The input of `kind` ('jpeg', 'raw' or 'tensor') of a photo. */
export const inputOf = (kind, p) => (kind === 'jpeg' ? p.jpeg : kind === 'raw' ? p.raw : p.tensor);

/** One pass in this process: `WARMUP` photos untimed, then each photo timed; ms and top-1 id per photo. */
export async function passInProcess(photos, classify, kind) {
  for (const p of photos.slice(0, WARMUP)) await classify(inputOf(kind, p));
  const ms = [];
  const ids = [];
  for (const p of photos) {
    const t0 = performance.now();
    const [best] = await classify(inputOf(kind, p));
    ms.push(performance.now() - t0);
    ids.push(best?.id);
  }
  return { ms, ids };
}
