// The wasm decoder's checks before and while decoding (limits, cut-short, corrupt and hostile
// files, formats it does not read), and its inputs through createEdgeDecoder.
import { readFileSync, readdirSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp, { type SharpOptions } from 'sharp';
import { encode as encodePng } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, OnnxMobilenetError, type Limits } from '@onnx-mobilenet/core';
import { planResize } from '@onnx-mobilenet/core/preprocess';
import { describeWithAssets, photo } from '../../../../test/assets.js';
import { progressiveJpeg } from '../../../../test/hostile-jpeg.js';
import { card, limits, maxDiffFromSharp, rejection, rgbOf } from '../../../../test/wasm-decode-kit.js';
import type { CodecModules } from './codec-files.js';
import { EdgeCodecs, createEdgeDecoder, decodeEncodedImage } from './decode-image.js';
import { loadCodecModules, readImageFile } from './node-codecs.js';

let modules: CodecModules;
let codecs: EdgeCodecs;
beforeAll(async () => {
  modules = await loadCodecModules();
  codecs = new EdgeCodecs(modules);
});

const decode = (bytes: Uint8Array, given: Partial<Limits> = {}) => decodeEncodedImage(bytes, `${bytes.length}-byte buffer`, codecs, { ...limits, ...given });
const maxDiff = (bytes: Uint8Array) => maxDiffFromSharp(decode, bytes);

describe('the wasm decoder refuses', () => {
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
      expect(await maxDiff(bytes), `${kind} after the failures`).toBe(0);
    }
    await expect(decode(new Uint8Array(0))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('empty') });
    await expect(decode(Uint8Array.of(0xff, 0xd8, 0xff, 1, 2, 3, 4, 5))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
  });

  it('names unsupported formats and what to do instead', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['gif', await card().gif().toBuffer(), /it is GIF, not one of the formats the wasm decoder reads \(JPEG, PNG, WebP\)/],
      ['avif', await card().avif().toBuffer(), /it is AVIF, not one/],
      ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'), /SVG/],
      ['bmp', Uint8Array.from([0x42, 0x4d, ...new Array(60).fill(0)]), /BMP/],
      ['svgz', gzipSync('<svg/>'), /it is gzip data/],
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
    expect(await maxDiff(png)).toBe(0);
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
});

describe('the wasm decoder reads', () => {
  it('opens bytes, ArrayBuffers and Blobs through createEdgeDecoder as far as their size, decodes them whole for core, and refuses file paths without readFile', async () => {
    const decoder = createEdgeDecoder(modules);
    const jpeg = await card().jpeg().toBuffer();
    const context = { limits };
    for (const input of [new Uint8Array(jpeg), jpeg.buffer.slice(jpeg.byteOffset, jpeg.byteOffset + jpeg.length), new Blob([jpeg])]) {
      const image = await decoder.open(input, context);
      expect([image.width, image.height]).toEqual([37, 23]);
      // the wasm decoder leaves resizing to core: the whole image, whatever the plan
      const pixels = await image.decode(planResize(37, 23, DEFAULTS.preprocess));
      expect('whole' in pixels && [pixels.whole.width, pixels.whole.height]).toEqual([37, 23]);
    }
    await expect(decoder.open(new Blob([jpeg]), { limits: { ...limits, maxEncodedBytes: 10 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(decoder.open('/tmp/photo.jpg', context)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('no files') });
    await expect(decoder.open(42 as never, context)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('number 42') });
    // a header over limits.maxInputPixels is refused as it opens, before any pixel is decoded
    await expect(decoder.open(jpeg, { limits: { ...limits, maxInputPixels: 100 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
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

describeWithAssets('the wasm decoder on files', () => {
  it('reads file paths and file: URLs with readImageFile (the Node entry), bounded by limits.maxEncodedBytes', async () => {
    const decoder = createEdgeDecoder(modules, { readFile: readImageFile });
    const path = photo(0).path;
    const plan = (w: number, h: number) => planResize(w, h, DEFAULTS.preprocess);
    for (const input of [path, pathToFileURL(path), pathToFileURL(path).href]) {
      const image = await decoder.open(input, { limits });
      const pixels = await image.decode(plan(image.width, image.height));
      expect('whole' in pixels && rgbOf(pixels.whole)).toEqual(rgbOf(await decode(readFileSync(path))));
    }
    await expect(decoder.open('/no/such/photo.jpg', { limits })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: 'image file not found: /no/such/photo.jpg',
    });
    await expect(decoder.open(path, { limits: { ...limits, maxEncodedBytes: 100 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(decoder.open(dirname(path), { limits })).rejects.toMatchObject({ code: 'E_INPUT' });
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
