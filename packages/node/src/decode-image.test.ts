import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULTS, type RawImage } from '@onnx-mobilenet/core';
import { preprocess } from '@onnx-mobilenet/core/preprocess';
import { createClassifier, decodeFullImageNode, type NodeClassifier } from '../src/index.js';
import { INT8_MODEL, SYNSET, describeWithAssets, photo, photos } from '../../../test/assets.js';
import { meanAbsDiff } from '../../../test/reference-preprocess.js';
import { alphaPng } from '../../../test/alpha-png.js';

/** A 320×240 test card: smooth gradients and a hard-edged square, so misalignment shows. */
function testCard(): RawImage {
  const w = 320,
    h = 240;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const inSquare = x > 120 && x < 200 && y > 80 && y < 160;
      data[i] = inSquare ? 250 : Math.round((x / w) * 255);
      data[i + 1] = inSquare ? 20 : Math.round((y / h) * 255);
      data[i + 2] = 128;
    }
  }
  return { data, width: w, height: h, channels: 3 };
}

describeWithAssets('sharp decoding in the Node adapter', () => {
  let classifier: NodeClassifier;
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
  });
  afterAll(() => classifier?.dispose());

  it("builds the same tensor as core's preprocessing of the same decoded pixels, on every photo", async () => {
    let worst = 0;
    for (const p of photos()) {
      const fromSharp = await classifier.prepare(p.path);
      const fromCore = preprocess(await decodeFullImageNode(p.path), DEFAULTS.preprocess);
      worst = Math.max(worst, meanAbsDiff(fromSharp, fromCore));
    }
    // measured: 0.0046 worst, 0.0033 mean (normalised units; one 8-bit step is ~0.017)
    expect(worst).toBeLessThan(0.01);
  });

  it('turns CMYK, 16-bit, gray, alpha and EXIF-rotated files into the same RGB tensor', async () => {
    const card = testCard();
    const rgb = sharp(Buffer.from(card.data), { raw: { width: card.width, height: card.height, channels: 3 } });
    const reference = preprocess(card, DEFAULTS.preprocess);
    const png16 = await rgb.clone().toColourspace('rgb16').png().toBuffer();
    const rgba = await rgb.clone().ensureAlpha(0.5).png().toBuffer();
    const cmyk = await rgb.clone().toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    // stored rotated 90° counter-clockwise with orientation 6 (display: rotate 90° clockwise)
    const rotated = await rgb.clone().rotate(-90).withMetadata({ orientation: 6 }).png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    for (const [name, bytes, tolerance] of [
      ['16-bit PNG', png16, 0.01],
      ['RGBA PNG', rgba, 0.01],
      ['EXIF orientation 6', rotated, 0.01],
      // lossy: sRGB -> CMYK -> sRGB through default profiles plus JPEG; measured 0.18
      ['CMYK JPEG', cmyk, 0.25],
    ] as const) {
      const t = await classifier.prepare(bytes);
      expect(meanAbsDiff(t, reference), name).toBeLessThan(tolerance);
    }
    // and the CMYK file decodes to what sharp's own full decode of it gives, resized by core
    expect(meanAbsDiff(await classifier.prepare(cmyk), preprocess(await decodeFullImageNode(cmyk), DEFAULTS.preprocess))).toBeLessThan(0.01);
    const gray = await rgb.clone().grayscale().png().toBuffer();
    const g = await classifier.prepare(gray);
    const plane = 224 * 224;
    // gray replicated: the R, G and B planes hold the same 8-bit value
    for (const i of [0, 5000, plane - 1]) {
      expect((g[i]! * 0.229 + 0.485) * 255).toBeCloseTo((g[plane + i]! * 0.224 + 0.456) * 255, 3);
    }
  });

  it('drops the alpha of an RGBA PNG and keeps its stored colours, as the reference (Pillow convert("RGB")) and raw RGBA input do', async () => {
    const tench = photo(0);
    expect(tench.name).toBe('tench');
    const [opaque] = await classifier.classify(tench.path, { topK: 1 });
    expect(opaque!.id).toBe(tench.wnid);
    for (const alpha of [0, 128]) {
      const { png, raw } = await alphaPng(tench.path, alpha);
      const [fromPng] = await classifier.classify(png, { topK: 1 });
      const [fromRaw] = await classifier.classify(raw, { topK: 1 });
      console.log(
        `tench as an RGBA PNG, alpha ${alpha}: ${fromPng!.label} ${fromPng!.probability.toFixed(3)} (raw RGBA ${fromRaw!.probability.toFixed(3)}, opaque ${opaque!.probability.toFixed(3)})`,
      );
      expect(fromPng!.id, `alpha ${alpha}`).toBe(tench.wnid);
      // the same pixels, resized by core both ways: the same tensor
      expect(meanAbsDiff(await classifier.prepare(png), await classifier.prepare(raw)), `alpha ${alpha}`).toBeLessThan(1e-6);
    }
  });

  it('ignores an embedded ICC profile, as the reference (Pillow) does: the tensor is that of the stored samples', async () => {
    // Camera and phone photos often carry profiles; the reference pipeline and ImageNet training
    // never applied them, and applying one costs more than decoding (lcms: 5.6 vs 2.8 ms measured).
    const card = testCard();
    const p3 = await sharp(Buffer.from(card.data), { raw: { width: card.width, height: card.height, channels: 3 } })
      .withIccProfile('p3')
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .toBuffer();
    expect((await sharp(p3).metadata()).hasProfile).toBe(true);
    const stored = await sharp(p3, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true });
    const storedTensor = preprocess({ data: stored.data, width: stored.info.width, height: stored.info.height, channels: 3 }, DEFAULTS.preprocess);
    const ours = await classifier.prepare(p3);
    expect(meanAbsDiff(ours, storedTensor)).toBeLessThan(0.01);
    // the profile is not a no-op: applying it would have given the sRGB card back instead
    expect(meanAbsDiff(storedTensor, preprocess(card, DEFAULTS.preprocess))).toBeGreaterThan(0.05);
  });

  it('rejects bad images with typed errors naming the problem', async () => {
    const jpeg = readFileSync(photo(0).path);
    await expect(classifier.classify(jpeg.subarray(0, jpeg.length / 3))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
    await expect(classifier.classify(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: expect.stringContaining('5-byte buffer'),
    });
    await expect(classifier.classify(new Uint8Array(0))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('empty') });
    await expect(classifier.classify('/no/such/photo.jpg')).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: 'image file not found: /no/such/photo.jpg',
    });
    await expect(classifier.classify(42 as never)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('number 42') });
    await expect(classifier.classify({ foo: 1 } as never)).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(classifier.classify(null as never)).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('decodeFullImageNode takes some limits and fills the rest from DEFAULTS.limits', async () => {
    const p = photos()[0]!;
    await expect(decodeFullImageNode(p.path, { maxInputPixels: 100 })).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(decodeFullImageNode(p.path, { maxEncodedBytes: 10 })).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(decodeFullImageNode(p.path, { maxInputPixels: -1 })).rejects.toMatchObject({ code: 'E_INPUT' });
    expect((await decodeFullImageNode(p.path, {})).channels).toBe(3);
  });
});
