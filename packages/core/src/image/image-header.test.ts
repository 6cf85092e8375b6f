import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { describeImageBytes, readImageHeader } from './image-header.js';

const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const be16 = (v: number) => [v >> 8, v & 255];
const le16 = (v: number) => [v & 255, v >> 8];
const be32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const pngHeader = (w: number, h: number) => bytes(PNG_SIG, be32(13), 'IHDR', be32(w), be32(h), [8, 6, 0, 0, 0], [0, 0, 0, 0]);

describe('readImageHeader on real files', () => {
  const image = () => sharp({ create: { width: 37, height: 23, channels: 3, background: { r: 200, g: 30, b: 10 } } });
  for (const [format, encode] of [
    ['jpeg', (s: Sharp) => s.jpeg()],
    ['jpeg', (s: Sharp) => s.jpeg({ progressive: true })],
    ['png', (s: Sharp) => s.png()],
    ['gif', (s: Sharp) => s.gif()],
    ['webp', (s: Sharp) => s.webp()],
    ['webp', (s: Sharp) => s.webp({ lossless: true })],
    ['avif', (s: Sharp) => s.avif()],
  ] as const) {
    it(`reads 37x23 from a ${format} file sharp wrote`, async () => {
      const file = new Uint8Array(await encode(image()).toBuffer());
      expect(readImageHeader(file)).toEqual({ format, width: 37, height: 23 });
    });
  }

  it('never throws on 3000 seeded mutations (bit flips, truncations) of those files', async () => {
    const files = await Promise.all(
      [image().jpeg(), image().png(), image().gif(), image().webp(), image().avif()].map(async (s) => new Uint8Array(await s.toBuffer())),
    );
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let i = 0; i < 3000; i++) {
      const source = files[i % files.length]!;
      const file = source.slice(0, 1 + (next() % source.length));
      for (let k = next() % 8; k >= 0; k--) file[next() % file.length]! ^= 1 << (next() % 8);
      const header = readImageHeader(file);
      if (header?.width !== undefined) expect(Number.isInteger(header.width * header.height!)).toBe(true);
    }
  });

  it('reads the size of a JPEG behind a 60 KB EXIF block', async () => {
    const file = new Uint8Array(
      await image()
        .jpeg()
        .withExif({ IFD0: { ImageDescription: 'x'.repeat(60_000) } })
        .toBuffer(),
    );
    expect(readImageHeader(file)).toEqual({ format: 'jpeg', width: 37, height: 23 });
  });
});

describe('readImageHeader on decompression-bomb headers', () => {
  it('reads an arithmetic progressive JPEG frame (SOF10) after garbage between segments', () => {
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0], be16(6), 'JFIF', [1, 2, 3], [0xff, 0xca], be16(11), [8], be16(30000), be16(20000), [1, 1, 0x11, 0]);
    expect(readImageHeader(jpeg)).toEqual({ format: 'jpeg', width: 20000, height: 30000 });
  });

  it('gives a JPEG whose scan starts before any frame header no size', () => {
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff, 0xda], be16(8), [1, 1, 0, 0, 63, 0]))).toEqual({ format: 'jpeg' });
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff, 0xe0], be16(200)))).toEqual({ format: 'jpeg' });
  });

  it('reads a PNG IHDR claiming 30000x30000, and no size from one cut short', () => {
    expect(readImageHeader(pngHeader(30000, 30000))).toEqual({ format: 'png', width: 30000, height: 30000 });
    expect(readImageHeader(pngHeader(30000, 30000).subarray(0, 20))).toEqual({ format: 'png' });
  });

  it('grows a 1x1 GIF screen to a 40000x3000 frame placed at (5, 7)', () => {
    const gif = bytes(
      'GIF89a',
      le16(1),
      le16(1),
      [0, 0, 0],
      [0x21, 0xf9, 4, 0, 0, 0, 0, 0],
      [0x2c],
      le16(5),
      le16(7),
      le16(40000),
      le16(3000),
      [0],
      [2, 1, 0x44, 0],
      [0x3b],
    );
    expect(readImageHeader(gif)).toEqual({ format: 'gif', width: 40005, height: 3007 });
  });

  it('reads the three WebP headers', () => {
    const riff = (chunk: string, payload: number[]) => bytes('RIFF', le32(4 + 8 + payload.length), 'WEBP', chunk, le32(payload.length), payload);
    expect(readImageHeader(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(16383), ...le16(16000), 0, 0]))).toEqual({
      format: 'webp',
      width: 16383,
      height: 16000,
    });
    // VP8L: 14 bits width-1, 14 bits height-1 after the 0x2f signature: 16384 x 2
    const bits = 16383 | (1 << 14);
    expect(readImageHeader(riff('VP8L', [0x2f, ...le32(bits), 0, 0, 0, 0, 0]))).toEqual({ format: 'webp', width: 16384, height: 2 });
    expect(readImageHeader(riff('VP8X', [0, 0, 0, 0, 0x3f, 0x42, 0x0f, 0x0f, 0x27, 0x00]))).toEqual({ format: 'webp', width: 1_000_000, height: 10_000 });
  });

  it('reads BMP info headers, top-down (negative height) and OS/2', () => {
    const file = (dib: number[]) => bytes('BM', le32(0), le32(0), le32(54), dib);
    expect(readImageHeader(file([...le32(40), ...le32(25000), ...le32(-20000 >>> 0), 0, 0]))).toEqual({ format: 'bmp', width: 25000, height: 20000 });
    expect(readImageHeader(file([...le32(12), ...le16(640), ...le16(480), 1, 0, 24, 0]))).toEqual({ format: 'bmp', width: 640, height: 480 });
  });

  it('sizes an icon entry by its embedded PNG, not the directory byte', () => {
    const png = pngHeader(30000, 30000);
    const ico = bytes(
      [0, 0, 1, 0],
      le16(2),
      [16, 16, 0, 0, 1, 0, 32, 0],
      le32(10),
      le32(38),
      [0, 0, 0, 0, 1, 0, 32, 0],
      le32(png.length),
      le32(48),
      new Array(10).fill(0),
      [...png],
    );
    expect(readImageHeader(ico)).toEqual({ format: 'ico', width: 30000, height: 30000 });
  });

  it('reads the largest ispe of an AVIF', () => {
    const box = (type: string, body: number[]) => [...be32(8 + body.length), ...[...type].map((c) => c.charCodeAt(0)), ...body];
    const ispe = (w: number, h: number) => box('ispe', [0, 0, 0, 0, ...be32(w), ...be32(h)]);
    const meta = box('meta', [0, 0, 0, 0, ...box('hdlr', new Array(24).fill(0)), ...box('iprp', box('ipco', [...ispe(512, 512), ...ispe(65536, 65536)]))]);
    const avif = bytes(
      box(
        'ftyp',
        [...'avifmif1'].map((c) => c.charCodeAt(0)),
      ),
      meta,
    );
    expect(readImageHeader(avif)).toEqual({ format: 'avif', width: 65536, height: 65536 });
  });

  it('reads an AVIF whose major brand is iso8, with avif only among the compatible brands (as libavif and Chromium accept it)', () => {
    const box = (type: string, body: number[]) => [...be32(8 + body.length), ...[...type].map((c) => c.charCodeAt(0)), ...body];
    const ispe = box('ispe', [0, 0, 0, 0, ...be32(11000), ...be32(11000)]);
    const meta = box('meta', [0, 0, 0, 0, ...box('hdlr', new Array(24).fill(0)), ...box('iprp', box('ipco', ispe))]);
    const brands = (major: string, ...compatible: string[]) => box('ftyp', [...bytes(major), 0, 0, 0, 0, ...bytes(...compatible)]);
    expect(readImageHeader(bytes(brands('iso8', 'mif1', 'miaf', 'avif'), meta))).toEqual({ format: 'avif', width: 11000, height: 11000 });
    expect(readImageHeader(bytes(brands('mp42', 'isom', 'heic'), meta))).toEqual({ format: 'heif', width: 11000, height: 11000 });
    // an ordinary MP4 (no image brand) is not an image; a brand past the box's end does not count
    expect(readImageHeader(bytes(brands('isom', 'iso2', 'mp41'), meta))).toBeUndefined();
    expect(readImageHeader(bytes(box('ftyp', [...bytes('iso8'), 0, 0, 0, 0]), 'avif', meta))).toBeUndefined();
  });

  it('reads a real AVIF (sharp) rewritten to major brand iso8', async () => {
    const file = new Uint8Array(
      await sharp({ create: { width: 37, height: 23, channels: 3, background: { r: 1, g: 2, b: 3 } } })
        .avif()
        .toBuffer(),
    );
    expect(new TextDecoder().decode(file.subarray(4, 12))).toBe('ftypavif');
    file.set(bytes('iso8'), 8);
    expect(readImageHeader(file)).toEqual({ format: 'avif', width: 37, height: 23 });
  });

  it('recognizes SVG text without sizing it, and nothing in random bytes or text', () => {
    expect(
      readImageHeader(
        bytes('\uFEFF<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999"/>'.replace('\uFEFF', '\xEF\xBB\xBF')),
      ),
    ).toEqual({ format: 'svg' });
    expect(readImageHeader(bytes('not an image'))).toBeUndefined();
    expect(readImageHeader(new Uint8Array(0))).toBeUndefined();
  });

  it('never throws or loops on truncations of every header above', () => {
    const files = [
      pngHeader(1, 1),
      bytes('GIF89a', le16(1), le16(1), [0x80, 0, 0]),
      bytes([0xff, 0xd8, 0xff, 0xc0], be16(17)),
      bytes([0, 0, 1, 0], le16(9)),
      bytes('RIFF', le32(0), 'WEBPVP8X'),
    ];
    for (const f of files) for (let n = 0; n <= f.length; n++) expect(() => readImageHeader(f.subarray(0, n))).not.toThrow();
  });
});

describe('describeImageBytes', () => {
  const ftyp = (major: string, ...compatible: string[]) =>
    bytes(be32(8 + 4 * (compatible.length + 2)), 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0]);

  it('names every recognized format, TIFF and the AVIF/HEIF brands included', () => {
    expect(readImageHeader(bytes('II', [42, 0]))).toEqual({ format: 'tiff' });
    expect(readImageHeader(bytes('MM', [0, 43]))).toEqual({ format: 'tiff' }); // BigTIFF
    expect(describeImageBytes(bytes('II', [42, 0]))).toBe('TIFF');
    expect(describeImageBytes(ftyp('avif', 'mif1'))).toBe('AVIF');
    expect(describeImageBytes(ftyp('mif1', 'avio'))).toBe('AVIF');
    expect(describeImageBytes(ftyp('heic', 'mif1'))).toBe('HEIC/HEIF');
    expect(describeImageBytes(bytes('RIFF', le32(4), 'WEBPVP8 '))).toBe('WebP');
    expect(describeImageBytes(bytes('BM'))).toBe('BMP');
    expect(describeImageBytes(bytes('<?xml version="1.0"?><svg>'))).toBe('SVG');
    expect(describeImageBytes(bytes([0xef, 0xbb, 0xbf], ' \n<svg/>'))).toBe('SVG');
  });

  it('names what other files look like', () => {
    expect(describeImageBytes(ftyp('isom', 'mp41'))).toBe('an ISO media file of another brand');
    expect(describeImageBytes(bytes([0xb6, 0xa6, 0xf2, 0x08]))).toMatch(/libvips native/);
    expect(describeImageBytes(bytes('<?xml version="1.0"?><note/>'))).toBe('XML');
    expect(describeImageBytes(bytes('<html>'))).toMatch(/markup/);
    expect(describeImageBytes(bytes([0x1f, 0x8b, 8, 0]))).toMatch(/gzip/);
    expect(describeImageBytes(bytes('%PDF-1.7'))).toBe('PDF');
    expect(describeImageBytes(bytes('SIMPLE  =   T'))).toBe('FITS');
    expect(describeImageBytes(bytes('P6\n1 1\n255\n'))).toMatch(/Netpbm/);
    expect(describeImageBytes(bytes([0xff, 0x0a]))).toBe('JPEG XL');
    expect(describeImageBytes(bytes([0xff, 0x4f, 0xff, 0x51]))).toBe('JPEG 2000');
    expect(describeImageBytes(bytes('1 2\n3 4\n'))).toBe('an unrecognised format (8 bytes)');
    expect(describeImageBytes(bytes([0xff, 0xd8]))).toMatch(/unrecognised/); // a JPEG marker cut short
  });

  it('never quotes the bytes: it names the format or the size, not the contents', () => {
    // the first bytes of /etc/passwd and /proc/self/environ
    for (const text of ['root:x:0:0:root:/root:/bin/bash\n', 'SHELL=/bin/bash\0HOME=/root\0']) {
      const name = describeImageBytes(bytes(text));
      expect(name).toBe(`an unrecognised format (${text.length} bytes)`);
      expect(name).not.toContain(text.slice(0, 4));
    }
    expect(describeImageBytes(ftyp('SECR', 'ETS!'))).not.toMatch(/SECR|ETS!/);
  });
});
