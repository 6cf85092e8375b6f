// The wasm decoder against sharp (libvips: MozJPEG, libspng, libwebp) on the same files: the
// pixels, EXIF orientation, alpha and PNG sample formats. Its checks: decode-checks.test.ts.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { encode as encodePng } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, type Limits, type RawImage } from '@onnx-mobilenet/core';
import { alphaPng } from '../../../../test/alpha-png.js';
import { describeWithAssets, photo, photos } from '../../../../test/assets.js';
import { card, limits, maxDiffFromSharp } from '../../../../test/wasm-decode-kit.js';
import { EdgeCodecs, decodeEncodedImage, openEncodedImage, prepareEncodedImage } from './decode-image.js';
import { loadCodecModules } from './node-codecs.js';

let codecs: EdgeCodecs;
beforeAll(async () => {
  codecs = new EdgeCodecs(await loadCodecModules());
});

const decode = (bytes: Uint8Array, given: Partial<Limits> = {}) => decodeEncodedImage(bytes, `${bytes.length}-byte buffer`, codecs, { ...limits, ...given });
const maxDiff = (bytes: Uint8Array) => maxDiffFromSharp(decode, bytes);

describeWithAssets('the wasm decoder on the photos', () => {
  it('decodes every JPEG photo to the pixels sharp decodes (both run MozJPEG)', async () => {
    for (const p of photos()) expect(await maxDiff(readFileSync(p.path)), p.name).toBe(0);
  });

  it('decodes them as PNG, lossy and lossless WebP to the pixels sharp decodes', async () => {
    for (const p of photos().slice(0, 6)) {
      const jpeg = readFileSync(p.path);
      for (const [kind, bytes] of [
        ['png', await sharp(jpeg).png().toBuffer()],
        ['interlaced png', await sharp(jpeg).png({ progressive: true }).toBuffer()],
        ['webp', await sharp(jpeg).webp({ quality: 80 }).toBuffer()],
        ['lossless webp', await sharp(jpeg).webp({ lossless: true }).toBuffer()],
      ] as const) {
        expect(await maxDiff(bytes), `${p.name} as ${kind}`).toBe(0);
      }
    }
  });

  it('drops the alpha of an RGBA PNG and WebP and keeps the stored colours: the tensor of the raw RGBA pixels', async () => {
    const tench = photo(0);
    for (const alpha of [0, 128]) {
      const { png, raw } = await alphaPng(tench.path, alpha);
      const fromRaw = await prepareFromRaw(raw);
      expect(maxAbs(await prepareEncodedImage(png, codecs), fromRaw), `PNG alpha ${alpha}`).toBe(0);
      const webp = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } })
        .webp({ lossless: true, exact: true })
        .toBuffer();
      expect(maxAbs(await prepareEncodedImage(webp, codecs), fromRaw), `WebP alpha ${alpha}`).toBe(0);
    }
  });
});

/** Core's preprocessing of raw pixels, as the classifier does for raw input. */
async function prepareFromRaw(raw: RawImage): Promise<Float32Array> {
  const { normalizeToCHW, resizeAndCrop } = await import('@onnx-mobilenet/core/preprocess');
  const pre = DEFAULTS.preprocess;
  return normalizeToCHW(resizeAndCrop(raw, pre), pre.mean, pre.std);
}
const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('the wasm decoder', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('applies EXIF orientation %i in JPEG, PNG and WebP as sharp does', async (orientation) => {
    for (const [kind, bytes] of [
      ['jpeg', await card().withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer()],
      ['png', await card().withMetadata({ orientation }).png().toBuffer()],
      ['webp', await card().withMetadata({ orientation }).webp({ lossless: true }).toBuffer()],
    ] as const) {
      expect((await sharp(bytes).metadata()).orientation ?? 1, kind).toBe(orientation);
      expect(await maxDiff(bytes), `${kind} orientation ${orientation}`).toBe(0);
      const turned = await decode(bytes);
      expect(orientation >= 5 ? [turned.width, turned.height] : [turned.height, turned.width], kind).toEqual([23, 37]);
      // the size opened from the header, before decoding, is the size as turned: core plans from it
      const opened = openEncodedImage(bytes, kind, codecs, limits);
      expect([opened.width, opened.height], `${kind} opened`).toEqual([turned.width, turned.height]);
    }
  });

  it('reads 16-bit, grey, grey+alpha, palette and low-bit PNGs as sharp does', async () => {
    const files: [string, Uint8Array][] = [
      ['rgb16', await card().toColourspace('rgb16').png().toBuffer()],
      ['rgba16', await card().toColourspace('rgb16').ensureAlpha(0.5).png().toBuffer()],
      ['grey', await card().toColourspace('b-w').png().toBuffer()],
      ['grey16', await card().toColourspace('grey16').png().toBuffer()],
      ['grey+alpha', await card().toColourspace('b-w').ensureAlpha(0.3).png().toBuffer()],
      ['palette', await card().png({ palette: true, colours: 200 }).toBuffer()],
      ['2-bit palette', await card().png({ palette: true, colours: 4 }).toBuffer()],
      ['palette+tRNS', await card().ensureAlpha(0.5).png({ palette: true }).toBuffer()],
      ['interlaced grey16+alpha', await card().toColourspace('grey16').ensureAlpha(0.4).png({ progressive: true }).toBuffer()],
    ];
    for (const depth of [1, 2, 4] as const) {
      const width = 11;
      const rowBytes = Math.ceil((width * depth) / 8);
      const packed = Uint8Array.from({ length: rowBytes * 5 }, (_, i) => (i * 73 + 41) & 0xff);
      files.push([`${depth}-bit grey`, encodePng({ width, height: 5, data: packed, depth, channels: 1 })]);
    }
    for (const [name, bytes] of files) {
      const meta = await sharp(bytes).metadata();
      expect(await maxDiff(bytes), `${name} (${meta.space}, ${meta.depth}, ${meta.channels} channels, palette ${meta.isPalette})`).toBe(0);
    }
    const grey = await decode(files[2]![1]);
    expect(grey.channels).toBe(1); // core replicates grey
    // fast-png's Adam7 path cannot read samples of under 8 bits: refused, naming the way round
    const interlaced = await card().png({ palette: true, colours: 4, progressive: true }).toBuffer();
    await expect(decode(interlaced)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('interlaced PNG of 2-bit samples') });
  });

  it('leaves the globals as they were (the codec glue would add ImageData in Node)', async () => {
    expect('ImageData' in globalThis).toBe(false);
    await decode(await card().jpeg().toBuffer());
    await decode(await card().webp().toBuffer());
    expect('ImageData' in globalThis).toBe(false);
  });
});
