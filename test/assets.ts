// The one setting that locates the real models and photos: ONNX_MOBILENET_ASSETS, defaulting to
// ../shared beside the repository. Tests that need them skip with a reason, or fail when CI=true.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe } from 'vitest';
import { ASSETS_DIR } from './assets-dir.mjs';

export { ASSETS_DIR };
export const INT8_MODEL = join(ASSETS_DIR, 'models/mobilenetv2-12-int8.onnx');
export const FP32_MODEL = join(ASSETS_DIR, 'models/mobilenetv2-12-fp32-dequantized.onnx');
export const SYNSET = join(ASSETS_DIR, 'models/synset.txt');
export const IMAGES_DIR = join(ASSETS_DIR, 'images');

/** Facts of the real assets that tests count against: the labelled photos under images/. */
export const PHOTO_COUNT = 53;
/** Lines of synset.txt: the ImageNet classes, the models' output size. */
export const IMAGENET_CLASSES = 1000;
/** MobileNetV2's input height and width. */
export const INPUT_SIZE = 224;
/** Length of MobileNetV2's pooled feature vector (the embedding). */
export const EMBEDDING_SIZE = 1280;

const required = [INT8_MODEL, FP32_MODEL, SYNSET, IMAGES_DIR];
const missing = required.filter((p) => !existsSync(p));
export const assetsReason = missing.length
  ? `assets missing under ${ASSETS_DIR} (set ONNX_MOBILENET_ASSETS): ${missing.map((p) => basename(p)).join(', ')}`
  : '';

/** A labelled photo: its path and the wnid its file name gives. */
export interface Photo {
  path: string;
  wnid: string;
  name: string;
}

/** The labelled photos of the assets folder (`<wnid>_<name>.JPEG`). */
export function photos(): Photo[] {
  if (!existsSync(IMAGES_DIR)) return [];
  return readdirSync(IMAGES_DIR)
    .filter((f) => /^n\d{8}_.+\.jpe?g$/i.test(f))
    .sort()
    .map((f) => ({ path: join(IMAGES_DIR, f), wnid: f.slice(0, 9), name: f.slice(10).replace(/\.[^.]+$/, '') }));
}

/** The `i`-th of {@link photos}; an error naming the assets folder when it holds fewer. */
export function photo(i: number): Photo {
  const found = photos()[i];
  if (!found) throw new Error(`photo ${i} is missing: ${IMAGES_DIR} holds ${photos().length} labelled photos (set ONNX_MOBILENET_ASSETS)`);
  return found;
}

/** `describe` for suites that need the assets: skipped with a one-line reason, or failing when CI=true. */
export function describeWithAssets(name: string, fn: () => void): void {
  if (!assetsReason) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') throw new Error(`CI=true and ${assetsReason}`);
  describe.skip(`${name} [skipped: ${assetsReason}]`, fn);
}
