// Photos several times the model's input are shrunk while loading (libvips' JPEG DCT scaling).
// This checks the result against the independent reference (test/reference-preprocess.ts) on
// large images with real photo detail at full resolution: mosaics of the 53 photos at their own
// size (an upscaled photo would be too smooth to show a misalignment).
import { readFileSync } from 'node:fs';
import sharp, { type OverlayOptions } from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, type NodeClassifier } from '@onnx-mobilenet/node';
import { FP32_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { LARGE_PHOTO_FIDELITY } from '../floors.js';
import { meanAbsDiff, referencePreprocess } from '../reference-preprocess.js';

async function mosaic(width: number, height: number, first: number): Promise<Buffer> {
  const all = photos();
  const tiles: OverlayOptions[] = [];
  for (let y = 0, k = first; y < height; y += 375) {
    for (let x = 0; x < width; x += 500, k++) {
      const tile = await sharp(readFileSync(all[k % all.length]!.path))
        .resize(500, 375, { fit: 'cover' })
        .toBuffer();
      tiles.push({ input: tile, left: x, top: y });
    }
  }
  return sharp({ create: { width, height, channels: 3, background: '#000' } })
    .composite(tiles)
    .jpeg({ quality: 92 })
    .toBuffer();
}

describeWithAssets('fidelity of large photos to the reference preprocessing (Node)', () => {
  let classifier: NodeClassifier;
  beforeAll(async () => {
    classifier = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
  });
  afterAll(async () => {
    await classifier?.dispose();
  });

  // 1500x1125 and 3000x2250 shrink by 2 and 4 while loading, to a height that is not whole
  // (562.5 rows); 4000x3000 shrinks by 4 exactly.
  it.each([
    [1500, 1125],
    [3000, 2250],
    [4000, 3000],
  ])(
    `a %ix%i JPEG stays within ${LARGE_PHOTO_FIDELITY} of the reference`,
    async (width, height) => {
      const jpeg = await mosaic(width, height, width % 7);
      const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
      const reference = referencePreprocess(data, info.width, info.height, info.channels);
      const diff = meanAbsDiff(await classifier.prepare(jpeg), reference);
      console.log(`${width}x${height} mosaic vs reference: mean abs difference ${diff.toFixed(4)}`);
      expect(diff).toBeLessThan(LARGE_PHOTO_FIDELITY);
    },
    60_000,
  );

  it('gives the same tensor for a large JPEG stored rotated with an EXIF orientation', async () => {
    const jpeg = await mosaic(1500, 1125, 3);
    const upright = await classifier.prepare(jpeg);
    // stored turned 90° counter-clockwise, tagged 6 (display: rotate 90° clockwise); 1125 x 1500 as stored
    const rotated = await sharp(jpeg).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    expect((await sharp(rotated).metadata()).width).toBe(1125);
    const diff = meanAbsDiff(await classifier.prepare(rotated), upright);
    console.log(`1500x1125 stored rotated vs upright: mean abs difference ${diff.toFixed(4)}`);
    expect(diff).toBeLessThan(0.01); // a second JPEG generation only
  }, 60_000);

  it.each([6, 5])(
    'gives the same tensor for a 4000x3000 JPEG stored with EXIF orientation %i',
    async (orientation) => {
      const jpeg = await mosaic(4000, 3000, 5);
      const upright = await classifier.prepare(jpeg);
      // 6: stored turned 90° counter-clockwise (display: rotate 90° clockwise); 5: also mirrored
      const stored = orientation === 6 ? sharp(jpeg).rotate(-90) : sharp(jpeg).rotate(-90).flop();
      const rotated = await stored.withMetadata({ orientation }).jpeg({ quality: 92 }).toBuffer();
      const diff = meanAbsDiff(await classifier.prepare(rotated), upright);
      console.log(`4000x3000 stored with orientation ${orientation} vs upright: mean abs difference ${diff.toFixed(4)}`);
      expect(diff).toBeLessThan(0.01); // a second JPEG generation only
    },
    60_000,
  );

  it('gives a CMYK JPEG the same colours whether or not it is shrunk while loading', async () => {
    // 1500x1124 shrinks by 2 while loading, 1500x1125 loads whole: one colour conversion for both
    const diffs: number[] = [];
    for (const height of [1124, 1125]) {
      const rgb = await mosaic(1500, height, 9);
      const cmyk = await sharp(rgb).toColourspace('cmyk').jpeg({ quality: 92 }).toBuffer();
      expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
      diffs.push(meanAbsDiff(await classifier.prepare(cmyk), await classifier.prepare(rgb)));
    }
    console.log(`CMYK vs RGB, 1500x1124 / 1500x1125: ${diffs.map((d) => d.toFixed(4)).join(' / ')}`);
    expect(Math.abs(diffs[0]! - diffs[1]!)).toBeLessThan(0.01);
  }, 60_000);
});
