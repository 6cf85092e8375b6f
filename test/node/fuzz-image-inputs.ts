// Generated hostile image files for test/node/fuzz-images.test.ts: TIFFs in every colour space,
// depth and band count libvips reads (CIELab packed and 16-bit, CMYK, scRGB, integers, many bands),
// sharp-made CMYK/16-bit/palette/grey+alpha/animated files, and formats outside the documented list
// (libvips .v, SVG pointing at a canary file, PDF, FITS, Netpbm, HEIC, matrix text). Seeded: a
// failure replays from its seed and case number.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { writeTiff } from './tiff-writer.js';

/** One generated file; `mustRefuse` when the library must answer E_IMAGE_DECODE naming `format`. */
export interface ImageCase {
  kind: string;
  bytes: Uint8Array;
  mustRefuse?: RegExp;
}

/** 8-bit RGB pixels of a photo, the content of generated TIFFs. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
}

const pick = <T>(random: () => number, items: readonly T[]): T => {
  if (items.length === 0) throw new Error('pick() from an empty list');
  return items[Math.floor(random() * items.length)] as T; // in range; T itself may include undefined
};
const int = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** Samples for a TIFF: taken from the photo's pixels where they fit the layout, random elsewhere. */
function samples(random: () => number, photo: Pixels, width: number, height: number, bits: number, count: number, sampleFormat: number): Uint8Array {
  const rowBytes = Math.ceil((width * count * bits) / 8);
  const out = new Uint8Array(rowBytes * height);
  const view = new DataView(out.buffer);
  const noise = random() < 0.2;
  const value = (x: number, y: number, s: number) =>
    noise ? random() : photo.data[((y % photo.height) * photo.width + (x % photo.width)) * 3 + (s % 3)]! / 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let s = 0; s < count; s++) {
        const v = value(x, y, s);
        const i = x * count + s;
        if (bits === 1) out[y * rowBytes + (i >> 3)]! |= (v > 0.5 ? 1 : 0) << (7 - (i & 7));
        else if (bits === 8) out[y * rowBytes + i] = Math.round(v * 255) ^ (sampleFormat === 2 ? 0x80 : 0);
        else if (bits === 16) view.setUint16(y * rowBytes + i * 2, Math.round(v * 65535) ^ (sampleFormat === 2 ? 0x8000 : 0), true);
        else if (sampleFormat === 3) view.setFloat32(y * rowBytes + i * 4, noise ? (random() - 0.2) * 3 : v, true);
        else view.setUint32(y * rowBytes + i * 4, Math.round(v * 0xffffffff), true);
      }
    }
  }
  return out;
}

/** A TIFF with a random photometric interpretation, depth, sample format and band count. */
function randomTiff(random: () => number, photo: Pixels): ImageCase {
  // small sizes matter: an 8-bit CIELab TIFF under 256 px used to hang libvips
  const width = int(random, 1, random() < 0.7 ? 255 : 400);
  const height = int(random, 1, 300);
  const photometric = pick(random, [0, 1, 2, 2, 3, 4, 5, 6, 8, 8, 8, 9, 10, 32844]);
  const bits = pick(random, [1, 8, 8, 16, 32]);
  const base = photometric <= 1 ? 1 : photometric === 5 ? 4 : 3;
  const count = base + pick(random, [0, 0, 0, 1, 2]);
  const sampleFormat = bits === 32 ? pick(random, [1, 2, 3]) : bits === 1 ? 1 : pick(random, [1, 1, 2]);
  const extraSamples = count > base ? Array.from({ length: count - base }, () => pick(random, [0, 1, 2])) : [];
  const data = samples(random, photo, width, height, bits, count, sampleFormat);
  const kind = `TIFF ${width}x${height} photometric ${photometric}, ${count}x${bits}-bit format ${sampleFormat}`;
  return { kind, bytes: writeTiff({ width, height, bits, photometric, samples: count, data, sampleFormat, extraSamples }) };
}

/** Files sharp writes itself: CMYK, 16-bit, palette, 1-bit, grey+alpha, animated. */
async function sharpMade(random: () => number, photoPath: string): Promise<ImageCase> {
  const size = int(random, 8, 300);
  const img = sharp(photoPath).resize(size, size, { fit: 'inside' });
  const variants: [string, () => Promise<Buffer>][] = [
    ['CMYK JPEG', () => img.toColourspace('cmyk').jpeg().toBuffer()],
    ['CMYK TIFF', () => img.toColourspace('cmyk').tiff().toBuffer()],
    ['16-bit PNG', () => img.toColourspace('rgb16').png().toBuffer()],
    ['16-bit TIFF', () => img.toColourspace('rgb16').tiff().toBuffer()],
    ['grey+alpha PNG', () => img.grayscale().ensureAlpha(0.3).png().toBuffer()],
    ['palette PNG', () => img.png({ palette: true, colours: int(random, 2, 256) }).toBuffer()],
    ['1-bit PNG', () => img.grayscale().png({ palette: true, colours: 2 }).toBuffer()],
    [
      'animated GIF',
      () =>
        sharp([photoPath, photoPath], { join: { animated: true } })
          .resize(size, size)
          .gif()
          .toBuffer(),
    ],
    [
      'multi-page TIFF',
      () =>
        sharp([photoPath, photoPath], { join: { animated: true } })
          .resize(size, size)
          .tiff()
          .toBuffer(),
    ],
    ['AVIF', () => img.avif({ effort: 0 }).toBuffer()],
    ['WebP with alpha', () => img.ensureAlpha(0.5).webp().toBuffer()],
  ];
  const [name, make] = pick(random, variants);
  return { kind: `${name} ${size}px`, bytes: await make() };
}

/** Formats outside the documented list, some pointing at `canary` beside them. */
async function outsider(random: () => number, dir: string, canary: string): Promise<ImageCase> {
  const href = pick(random, [canary, `file://${canary}`, 'canary.jpg', './canary.jpg', `file://${join(dir, 'canary.jpg')}`]);
  const svgBodies = [
    `<image href="${href}" width="64" height="64"/>`,
    `<image xlink:href="${href}" width="64" height="64"/>`,
    `<use href="${href}#a"/>`,
    `<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${href}" parse="text"/>`,
    `<rect width="64" height="64" fill="url(${href}#g)"/>`,
  ];
  const svg = `${random() < 0.5 ? '<?xml version="1.0"?>\n' : ' \n'}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">${pick(random, svgBodies)}</svg>`;
  const fitsCard = (s: string) => s.padEnd(80, ' ');
  const variants: [string, RegExp, () => Promise<Uint8Array>][] = [
    ['SVG with a file reference', /SVG|markup/, async () => Buffer.from(svg)],
    ['SVGZ with a file reference', /gzip/, async () => gzipSync(svg)],
    [
      'libvips .v',
      /vips/,
      async () => {
        const v = join(dir, `native-${Math.floor(random() * 1e9)}.v`);
        await sharp(canary)
          .resize(int(random, 1, 80))
          .toFile(v);
        return readFileSync(v);
      },
    ],
    ['PDF', /PDF/, async () => Buffer.from(`%PDF-1.${int(random, 0, 7)}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF`)],
    [
      'FITS',
      /FITS/,
      async () =>
        Buffer.from(
          [
            'SIMPLE  =                    T',
            'BITPIX  =                    8',
            'NAXIS   =                    2',
            'NAXIS1  =                    4',
            'NAXIS2  =                    4',
            'END',
          ]
            .map(fitsCard)
            .join('')
            .padEnd(5760, ' '),
        ),
    ],
    ['Netpbm', /Netpbm/, async () => Buffer.from(`P${pick(random, ['5', '6', 'F'])}\n2 2\n255\nabcdefghijkl`)],
    ['HEIC', /HEIC/, async () => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)])],
    ['matrix text', /unrecognised/, async () => Buffer.from(`2 2\n${random()} 1\n2 3\n`)],
    ['CSV text', /unrecognised/, async () => Buffer.from('1,2,3\n4,5,6\n')],
  ];
  const [kind, mustRefuse, make] = pick(random, variants);
  return { kind, mustRefuse, bytes: await make() };
}

/** The next case of a seeded run. */
export async function makeImageCase(random: () => number, photo: { path: string; pixels: Pixels }, dir: string, canary: string): Promise<ImageCase> {
  const r = random();
  if (r < 0.5) return randomTiff(random, photo.pixels);
  if (r < 0.75) return sharpMade(random, photo.path);
  return outsider(random, dir, canary);
}
