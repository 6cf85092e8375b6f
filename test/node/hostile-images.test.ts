// Hostile images for the Node decoder (issue 10, sharp part): files in formats the SDK does not
// document (libvips native .v, SVG that points at files beside it, PDF, FITS, PPM, HEIC, ...) are
// refused with E_IMAGE_DECODE naming the format, by path and as bytes, whatever their extension;
// colour spaces libvips reads differently (8-bit CIELab, LabS, scRGB float, CMYK, 16-bit) become
// correct sRGB pixels or a typed refusal, and never hang.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, decodeFullImageNode, type NodeClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photo, photos } from '../assets.js';
import { decodeInChild } from './run-decoder-in-child.js';
import { labToTiff16, labToTiff8, labToTiffFloat, srgbToLab, srgbToLinearFloat, writeTiff } from './tiff-writer.js';

const SETTLE_MS = 10_000;

/** Mean absolute difference of two 8-bit pixel buffers of the same size, in 8-bit steps. */
function meanPixelDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** The photo at `size` px (longer side) as 8-bit sRGB pixels. */
async function srgbPixels(path: string, size: number) {
  const { data, info } = await sharp(path).resize(size, size, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/**
 * The same pixels as a CIELab TIFF of `bits` per sample (8: what libvips reads as packed LabQ, 16:
 * LabS, 32: float Lab), the Lab values computed here from the CIE formulas, not by libvips.
 */
function labTiff(px: { data: Uint8Array; width: number; height: number }, bits: 8 | 16 | 32 = 8): Uint8Array {
  const lab = srgbToLab(px.data);
  const data = bits === 8 ? labToTiff8(lab) : bits === 16 ? labToTiff16(lab) : labToTiffFloat(lab);
  return writeTiff({ width: px.width, height: px.height, bits, photometric: 8, samples: 3, data, sampleFormat: bits === 32 ? 3 : 1 });
}

describeWithAssets('hostile images in the Node decoder', () => {
  let classifier: NodeClassifier;
  let dir: string;
  const photoPath = () => photo(0).path;
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    dir = mkdtempSync(join(tmpdir(), 'hostile-images-'));
    copyFileSync(photoPath(), join(dir, 'canary.jpg'));
  });
  afterAll(async () => {
    await classifier?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Expects `bytes` to be refused with E_IMAGE_DECODE naming `format`, as bytes and as a file named photo.jpg. */
  async function expectRefused(bytes: Uint8Array, format: RegExp, name: string) {
    const path = join(dir, `${name}.jpg`);
    writeFileSync(path, bytes);
    for (const input of [bytes, path]) {
      const outcome = await classifier.classify(input).then(
        (p) => `predicted ${p[0]?.label}`,
        (err) => err,
      );
      expect(outcome, `${name} as ${typeof input === 'string' ? 'a path' : 'bytes'}`).toMatchObject({
        code: 'E_IMAGE_DECODE',
        message: expect.stringMatching(format),
      });
    }
    await expect(decodeFullImageNode(path)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringMatching(format) });
  }

  it('refuses a libvips native .v file named photo.jpg, naming the format', async () => {
    const v = join(dir, 'native.v');
    await sharp(photoPath()).resize(64, 64).toFile(v);
    await expectRefused(readFileSync(v), /vips/i, 'native-v');
  });

  it('refuses SVG by path and as bytes before librsvg reads the files it points at', async () => {
    const hrefs = {
      'image-href': '<image href="canary.jpg" width="64" height="64"/>',
      'xlink-file-url': `<image xlink:href="file://${join(dir, 'canary.jpg')}" width="64" height="64"/>`,
      use: '<use href="other.svg#x"/>',
      'xi-include': '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="canary.jpg" parse="text"/>',
    };
    for (const [name, body] of Object.entries(hrefs)) {
      const svg = `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">${body}</svg>`;
      await expectRefused(Buffer.from(svg), /SVG/, `svg-${name}`);
    }
    // a bare <svg> with no XML declaration, and gzipped SVG (.svgz), are SVG too
    await expectRefused(Buffer.from('  <svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'), /SVG/, 'svg-bare');
    await expectRefused(gzipSync('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'), /gzip/i, 'svgz');
  });

  it('refuses PDF, FITS, PPM, HEIC and unknown bytes, naming them', async () => {
    const fitsCard = (s: string) => s.padEnd(80, ' ');
    const fits = Buffer.alloc(5760, ' ');
    fits.write(
      [
        'SIMPLE  =                    T',
        'BITPIX  =                    8',
        'NAXIS   =                    2',
        'NAXIS1  =                    2',
        'NAXIS2  =                    2',
        'END',
      ]
        .map(fitsCard)
        .join(''),
      'latin1',
    );
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);
    await expectRefused(Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF'), /PDF/, 'pdf');
    await expectRefused(fits, /FITS/, 'fits');
    await expectRefused(Buffer.from('P6\n2 2\n255\nabcdefghijkl'), /PPM|PNM|Netpbm/i, 'ppm');
    await expectRefused(heic, /HEIC/, 'heic');
    await expectRefused(Buffer.from('3 3\n1 2 3\n4 5 6\n7 8 9\n'), /unrecognised/, 'matrix');
  });

  it('settles on four small 8-bit CIELab TIFFs at once, and file reads go on meanwhile (child process with a kill timer)', async () => {
    const paths = await Promise.all(
      photos()
        .slice(0, 4)
        .map(async (p, i) => {
          const path = join(dir, `lab-small-${i}.tif`);
          writeFileSync(path, labTiff(await srgbPixels(p.path, 100)));
          return path;
        }),
    );
    const outcome = await decodeInChild(paths, SETTLE_MS);
    expect(outcome.hung, `decoding four 100 px 8-bit Lab TIFFs did not settle in ${SETTLE_MS} ms: ${outcome.out}`).toBe(false);
    const lines = outcome.out.split('\n');
    expect(lines).toContain('fs ok');
    expect(lines.filter((l) => l !== 'fs ok')).toEqual(paths.map(() => expect.stringMatching(/^ok \d+x\d+x3$/)));
  }, 30_000);

  it('refuses a TIFF of more than 5 channels (RGB and 3 extra samples), naming the count; 5 still decode', async () => {
    const { data, width, height } = await srgbPixels(photoPath(), 64);
    const withExtras = (extra: number) => {
      const samples = 3 + extra;
      const out = new Uint8Array(width * height * samples).fill(200);
      for (let i = 0; i < width * height; i++) out.set(data.subarray(i * 3, i * 3 + 3), i * samples);
      return writeTiff({ width, height, bits: 8, photometric: 2, samples, data: out, extraSamples: Array(extra).fill(0) });
    };
    await expectRefused(withExtras(3), /more than 5 channels/, 'rgb-3-extras');
    const five = await decodeFullImageNode(withExtras(2));
    expect(meanPixelDiff(five.data, data)).toBe(0);
  });

  it('refuses float greyscale and 32-bit integer TIFFs, which libvips reads as black or clipped pixels', async () => {
    const { data, width, height } = await srgbPixels(photoPath(), 200);
    const grey = new Float32Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = (data[i * 3]! + data[i * 3 + 1]! + data[i * 3 + 2]!) / 765;
    const floatGrey = writeTiff({ width, height, bits: 32, photometric: 1, samples: 1, data: new Uint8Array(grey.buffer), sampleFormat: 3 });
    const uint32 = new Uint32Array(data.length);
    for (let i = 0; i < data.length; i++) uint32[i] = data[i]! * 0x01010101;
    const uintRgb = writeTiff({ width, height, bits: 32, photometric: 2, samples: 3, data: new Uint8Array(uint32.buffer), sampleFormat: 1 });
    await expectRefused(floatGrey, /b-w colour with float samples/, 'float-grey');
    await expectRefused(uintRgb, /srgb colour with uint samples/, 'uint32-rgb');
  });

  it('turns 8-bit, 16-bit and float CIELab, scRGB float, 16-bit RGB and CMYK TIFFs of a photo into its sRGB pixels and its label', async () => {
    for (const p of photos().slice(0, 3)) {
      const px = await srgbPixels(p.path, 320);
      const [expected] = await classifier.classify({ data: px.data, width: px.width, height: px.height, channels: 3 });
      if (!expected) throw new Error(`no prediction for ${p.name}`);
      const rgb16 = new Uint16Array(px.data.length);
      for (let i = 0; i < px.data.length; i++) rgb16[i] = px.data[i]! * 257;
      const variants: [string, Uint8Array, number][] = [
        // tolerances in 8-bit steps: 8-bit Lab rounds L*, a*, b* (measured 0.45-0.47); CMYK goes through
        // sharp's default CMYK profile both ways, gamut-mapping on the way (measured 6.2-7.2); the others measured 0
        ['8-bit CIELab TIFF', labTiff(px), 1],
        ['16-bit CIELab TIFF', labTiff(px, 16), 0.5],
        ['float CIELab TIFF', labTiff(px, 32), 0.5],
        [
          'scRGB float TIFF',
          writeTiff({ width: px.width, height: px.height, bits: 32, photometric: 2, samples: 3, data: srgbToLinearFloat(px.data), sampleFormat: 3 }),
          0.5,
        ],
        ['16-bit RGB TIFF', writeTiff({ width: px.width, height: px.height, bits: 16, photometric: 2, samples: 3, data: new Uint8Array(rgb16.buffer) }), 0.5],
        [
          'CMYK TIFF',
          await sharp(px.data, { raw: { width: px.width, height: px.height, channels: 3 } })
            .toColourspace('cmyk')
            .tiff()
            .toBuffer(),
          10,
        ],
      ];
      for (const [name, bytes, tolerance] of variants) {
        const decoded = await decodeFullImageNode(bytes);
        expect(meanPixelDiff(decoded.data, px.data), `${p.name}: ${name}`).toBeLessThan(tolerance);
        const [top] = await classifier.classify(bytes);
        expect(top?.id, `${p.name}: ${name}`).toBe(expected.id);
        // as a path with a misleading extension, and small enough to be enlarged (the hanging case)
        const path = join(dir, `${name.replace(/\W/g, '-')}.jpg`);
        writeFileSync(path, bytes);
        expect((await classifier.classify(path))[0]?.id, `${p.name}: ${name} by path`).toBe(expected.id);
      }
    }
  });
});
