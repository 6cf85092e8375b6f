// The wasm decoder against sharp (libvips: MozJPEG, libspng, libwebp) on the same files: the
// pixels, EXIF orientation, alpha, PNG sample formats, and the checks made before decoding.
import { readFileSync, readdirSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { encode as encodePng } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, OnnxMobilenetError, type Limits, type RawImage } from '@onnx-mobilenet/core';
import { planResize } from '@onnx-mobilenet/core/preprocess';
import { alphaPng } from '../../../../test/alpha-png.js';
import { describeWithAssets, photo, photos } from '../../../../test/assets.js';
import { progressiveJpeg } from '../../../../test/hostile-jpeg.js';
import type { CodecModules } from './codec-files.js';
import { EdgeCodecs, createEdgeDecoder, decodeEncodedImage, prepareEncodedImage } from './decode-image.js';
import { loadCodecModules, readImageFile } from './node-codecs.js';

sharp.cache(false);
const limits: Limits = { ...DEFAULTS.limits };
let modules: CodecModules;
let codecs: EdgeCodecs;
beforeAll(async () => {
  modules = await loadCodecModules();
  codecs = new EdgeCodecs(modules);
});

const decode = (bytes: Uint8Array, given: Partial<Limits> = {}) => decodeEncodedImage(bytes, `${bytes.length}-byte buffer`, codecs, { ...limits, ...given });

/** sharp's decode of the same bytes, as the Node adapter takes it: orientation applied, alpha dropped, 8-bit sRGB. */
async function sharpRgb(bytes: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(bytes, { ignoreIcc: true })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** Our pixels as RGB (grey replicated, alpha dropped: what core's preprocessing reads). */
function rgbOf(image: RawImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = image.data[i * image.channels + (image.channels === 1 ? 0 : c)]!;
  }
  return out;
}

/** Largest per-sample difference between our decode and sharp's, after checking the sizes agree. */
async function maxDiffFromSharp(bytes: Uint8Array): Promise<number> {
  const [ours, theirs] = [await decode(bytes), await sharpRgb(bytes)];
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
  const rgb = rgbOf(ours);
  let max = 0;
  for (let i = 0; i < rgb.length; i++) max = Math.max(max, Math.abs(rgb[i]! - theirs.data[i]!));
  return max;
}

/** A 37×23 test card (odd sizes, so a wrong turn or flip shows): gradients and a hard-edged block. */
function card(): Sharp {
  const w = 37;
  const h = 23;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const block = x > 5 && x < 14 && y > 3 && y < 9;
      data[i] = block ? 250 : Math.round((x / w) * 255);
      data[i + 1] = block ? 20 : Math.round((y / h) * 255);
      data[i + 2] = (x * 7 + y * 13) % 256;
    }
  }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => err as OnnxMobilenetError,
  );

describeWithAssets('the wasm decoder on the photos', () => {
  it('decodes every JPEG photo to the pixels sharp decodes (both run MozJPEG)', async () => {
    for (const p of photos()) expect(await maxDiffFromSharp(readFileSync(p.path)), p.name).toBe(0);
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
        expect(await maxDiffFromSharp(bytes), `${p.name} as ${kind}`).toBe(0);
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
      expect(await maxDiffFromSharp(bytes), `${kind} orientation ${orientation}`).toBe(0);
      const turned = await decode(bytes);
      expect(orientation >= 5 ? [turned.width, turned.height] : [turned.height, turned.width], kind).toEqual([23, 37]);
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
      expect(await maxDiffFromSharp(bytes), `${name} (${meta.space}, ${meta.depth}, ${meta.channels} channels, palette ${meta.isPalette})`).toBe(0);
    }
    const grey = await decode(files[2]![1]);
    expect(grey.channels).toBe(1); // core replicates grey
    // fast-png's Adam7 path cannot read samples of under 8 bits: refused, naming the way round
    const interlaced = await card().png({ palette: true, colours: 4, progressive: true }).toBuffer();
    await expect(decode(interlaced)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('interlaced PNG of 2-bit samples') });
  });

  it('refuses an image over limits.maxInputPixels from its header, before decoding (E_LIMIT with its size)', async () => {
    const jpeg = await card().jpeg().toBuffer();
    await expect(decode(jpeg, { maxInputPixels: 37 * 23 - 1 })).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining('37x23 (851 pixels)'),
    });
    // a PNG header claiming 30000x30000 with no image data behind it: refused for its size, not its data
    const bomb = encodePng({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 });
    new DataView(bomb.buffer).setUint32(16, 30000);
    new DataView(bomb.buffer).setUint32(20, 30000);
    const err = await rejection(decode(bomb));
    expect(err).toMatchObject({ code: 'E_LIMIT', message: expect.stringMatching(/30000x30000 \(900000000 pixels\), over limits\.maxInputPixels/) });
    const webp = await card().webp().toBuffer();
    await expect(decode(webp, { maxInputPixels: 100 })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });

  it('refuses more bytes than limits.maxEncodedBytes, and JPEGs of more than limits.maxJpegScans scans', async () => {
    const jpeg = await card().jpeg().toBuffer();
    await expect(decode(jpeg, { maxEncodedBytes: jpeg.length - 1 })).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining(`has ${jpeg.length} bytes, over limits.maxEncodedBytes`),
    });
    const scans = progressiveJpeg(512, 512, 150);
    await expect(decode(scans)).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining('limits.maxJpegScans') });
    // within the limit the same kind of file decodes (a mid-grey image)
    const fine = await decode(progressiveJpeg(64, 64, 20));
    expect([fine.width, fine.height]).toEqual([64, 64]);
  });

  it('refuses cut-short, corrupt and empty files with E_IMAGE_DECODE, and decodes the next file as well', async () => {
    const files: Record<string, Uint8Array> = {
      jpeg: await card().jpeg().toBuffer(),
      png: await card().png().toBuffer(),
      webp: await card().webp().toBuffer(),
    };
    for (const [kind, bytes] of Object.entries(files)) {
      for (const cut of [0.3, 0.6, 0.95]) {
        const err = await rejection(decode(bytes.subarray(0, Math.floor(bytes.length * cut))));
        expect(err, `${kind} cut at ${cut}`).toBeInstanceOf(OnnxMobilenetError);
        expect(err?.code, `${kind} cut at ${cut}: ${err?.message}`).toBe('E_IMAGE_DECODE');
      }
      // every byte after the header flipped: refused or decoded, never a crash or hang
      const flipped = Uint8Array.from(bytes, (b, i) => (i > 40 && i % 7 === 0 ? b ^ 0xa5 : b));
      const result = await decode(flipped).then(
        () => 'decoded',
        (err: OnnxMobilenetError) => err.code,
      );
      expect(['decoded', 'E_IMAGE_DECODE'], kind).toContain(result);
      expect(await maxDiffFromSharp(bytes), `${kind} after the failures`).toBe(0);
    }
    await expect(decode(new Uint8Array(0))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('empty') });
    await expect(decode(Uint8Array.of(0xff, 0xd8, 0xff, 1, 2, 3, 4, 5))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
  });

  it('names unsupported formats and what to do instead', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['gif', await card().gif().toBuffer(), /it is GIF, not one of the formats the wasm decoder reads \(JPEG, PNG, WebP\)/],
      ['avif', await card().avif().toBuffer(), /AVIF\/HEIF/],
      ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'), /SVG/],
      ['bmp', Uint8Array.from([0x42, 0x4d, ...new Array(60).fill(0)]), /BMP/],
      ['svgz', gzipSync('<svg/>'), /unrecognised format/],
      ['tiff', await card().tiff().toBuffer(), /it is TIFF, not one/],
    ];
    for (const [name, bytes, message] of cases) {
      await expect(decode(bytes), name).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringMatching(message) });
    }
    const cmyk = await card().toColourspace('cmyk').jpeg().toBuffer();
    await expect(decode(cmyk)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('CMYK') });
    const animated = await sharp(Buffer.concat([await card().raw().toBuffer(), await card().negate().raw().toBuffer()]), {
      raw: { width: 37, height: 46, channels: 3, pageHeight: 23 },
    } as SharpOptions)
      .webp({ loop: 0 })
      .toBuffer();
    await expect(decode(animated)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('animated WebP') });
  });

  it('stops a PNG whose image data inflates past its header size, and never reads an iCCP chunk', async () => {
    const png = await card().png().toBuffer();
    // one IDAT of zeros that inflates to 64 MiB for a 37x23 image
    const zeros = deflateSync(new Uint8Array(64 * 2 ** 20), { level: 9 });
    const bomb = withChunk(withoutChunks(png, 'IDAT'), 'IDAT', zeros);
    await expect(decode(bomb)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('inflates to more than') });
    // an iCCP chunk of 64 MiB of zeros (compressed): the pixels decode, the profile is never inflated
    const iccp = withChunk(png, 'iCCP', Uint8Array.from([0x70, 0, 0, ...zeros]));
    expect(await maxDiffFromSharp(png)).toBe(0);
    const ours = await decode(iccp);
    expect(rgbOf(ours)).toEqual(rgbOf(await decode(png)));
  });

  it('names a codec module it was not given, and refuses a codec that is not a WebAssembly.Module', async () => {
    const jpegOnly = new EdgeCodecs({ jpeg: modules.jpeg });
    const webp = await card().webp().toBuffer();
    await expect(decodeEncodedImage(webp, 'a.webp', jpegOnly, limits)).rejects.toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: expect.stringContaining('pass codecs.webp (a WebAssembly.Module of webp_dec.wasm)'),
    });
    expect((await decodeEncodedImage(await card().png().toBuffer(), 'a.png', new EdgeCodecs({}), limits)).width).toBe(37);
    expect(() => new EdgeCodecs({ jpeg: new Uint8Array(4) as never })).toThrow(/codecs\.jpeg must be a WebAssembly\.Module/);
  });

  it('leaves the globals as they were (the codec glue would add ImageData in Node)', async () => {
    expect('ImageData' in globalThis).toBe(false);
    await decode(await card().jpeg().toBuffer());
    await decode(await card().webp().toBuffer());
    expect('ImageData' in globalThis).toBe(false);
  });

  it('reads bytes, ArrayBuffers and Blobs through createEdgeDecoder, and refuses file paths without readFile', async () => {
    const decoder = createEdgeDecoder(modules);
    const jpeg = await card().jpeg().toBuffer();
    const plan = () => {
      throw new Error('the wasm decoder leaves resizing to core');
    };
    const context = { limits };
    for (const input of [new Uint8Array(jpeg), jpeg.buffer.slice(jpeg.byteOffset, jpeg.byteOffset + jpeg.length), new Blob([jpeg])]) {
      const { image, planned } = await decoder.decodeImage(input, plan, context);
      expect(planned).toBe(false);
      expect([image.width, image.height]).toEqual([37, 23]);
    }
    await expect(decoder.decodeImage(new Blob([jpeg]), plan, { limits: { ...limits, maxEncodedBytes: 10 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(decoder.decodeImage('/tmp/photo.jpg', plan, context)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('no files') });
    await expect(decoder.decodeImage(42 as never, plan, context)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('number 42') });
  });

  it('reads file paths and file: URLs with readImageFile (the Node entry), bounded by limits.maxEncodedBytes', async () => {
    const decoder = createEdgeDecoder(modules, { readFile: readImageFile });
    const path = photo(0).path;
    const plan = (w: number, h: number) => planResize(w, h, DEFAULTS.preprocess);
    for (const input of [path, pathToFileURL(path), pathToFileURL(path).href]) {
      const { image } = await decoder.decodeImage(input, plan, { limits });
      expect(rgbOf(image)).toEqual(rgbOf(await decode(readFileSync(path))));
    }
    await expect(decoder.decodeImage('/no/such/photo.jpg', plan, { limits })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: 'image file not found: /no/such/photo.jpg',
    });
    await expect(decoder.decodeImage(path, plan, { limits: { ...limits, maxEncodedBytes: 100 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(decoder.decodeImage(dirname(path), plan, { limits })).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('keeps Node APIs out of every decoder file the edge entries import', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const edgeFiles = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'node-codecs.ts');
    expect(edgeFiles).toContain('decode-image.ts');
    for (const file of edgeFiles) {
      const source = readFileSync(join(here, file), 'utf8');
      expect(source, file).not.toMatch(/from '(node:|fs|path|module)[^']*'|import\(|require\(/);
      expect(source, file).not.toMatch(/WebAssembly\.(compile|instantiate)\b/);
    }
  });
});

/** PNG chunk surgery for the deflate-bomb tests (CRCs are not checked by the decoder: zeros). */
function withoutChunks(png: Uint8Array, type: string): Uint8Array {
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = new DataView(png.buffer, png.byteOffset).getUint32(at);
    const name = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (name !== type) parts.push(png.subarray(at, at + 12 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}
/** `png` with a chunk inserted after IHDR (an IDAT goes before IEND). */
function withChunk(png: Uint8Array, type: string, data: Uint8Array): Uint8Array {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  const at = type === 'IDAT' ? png.length - 12 : 33;
  return Buffer.concat([png.subarray(0, at), chunk, png.subarray(at)]);
}
