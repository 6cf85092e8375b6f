import { describe, expect, it } from 'vitest';
import { imageOrientation, jpegOrientation, pngOrientation, webpOrientation } from './exif-orientation.js';

/** A TIFF structure whose first IFD holds `entries` [tag, type, count, value], in either byte order. */
function tiff(le: boolean, entries: [number, number, number, number][]): number[] {
  const u16 = (v: number) => (le ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v: number) => (le ? [...u16(v & 0xffff), ...u16(v >>> 16)] : [...u16(v >>> 16), ...u16(v & 0xffff)]);
  const head = [...(le ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42), ...u32(8)];
  // a SHORT value sits in the first two bytes of the 4-byte value field
  const body = entries.flatMap(([tag, type, count, value]) => [...u16(tag), ...u16(type), ...u32(count), ...(type === 3 ? [...u16(value), 0, 0] : u32(value))]);
  return [...head, ...u16(entries.length), ...body, ...u32(0)];
}
const segment = (marker: number, payload: number[]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
const exif = (t: number[]) => segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, ...t]);
const jfif = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const sof = segment(0xc0, [8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
const jpeg = (...segments: number[][]) => Uint8Array.from([0xff, 0xd8, ...segments.flat(), 0xff, 0xda, 0, 2, 0xff, 0xd9]);

describe('jpegOrientation', () => {
  it('reads the orientation tag of the first IFD, little- and big-endian', () => {
    for (const le of [true, false]) {
      for (let o = 1; o <= 8; o++) expect(jpegOrientation(jpeg(jfif, exif(tiff(le, [[0x0112, 3, 1, o]])), sof))).toBe(o);
      // among other tags, before and after it
      expect(
        jpegOrientation(
          jpeg(
            exif(
              tiff(le, [
                [0x010f, 2, 4, 0],
                [0x0112, 3, 1, 6],
                [0x8298, 2, 4, 0],
              ]),
            ),
            sof,
          ),
        ),
      ).toBe(6);
    }
  });

  it('is 1 without EXIF data or without the tag', () => {
    expect(jpegOrientation(jpeg(jfif, sof))).toBe(1);
    expect(jpegOrientation(jpeg(exif(tiff(true, [[0x010f, 2, 4, 0]])), sof))).toBe(1);
  });

  it('cannot tell (undefined) for anything unusual', () => {
    expect(jpegOrientation(Uint8Array.of(0x89, 0x50, 0x4e, 0x47))).toBeUndefined(); // not a JPEG
    expect(jpegOrientation(jpeg(exif(tiff(true, [[0x0112, 3, 1, 9]])), sof))).toBeUndefined(); // out of range
    expect(jpegOrientation(jpeg(exif(tiff(true, [[0x0112, 4, 1, 6]])), sof))).toBeUndefined(); // not a SHORT
    expect(jpegOrientation(jpeg(exif(tiff(true, [[0x0112, 3, 1, 6]])), exif(tiff(true, [[0x0112, 3, 1, 3]])), sof))).toBeUndefined(); // two
    expect(jpegOrientation(jpeg(exif([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0]), sof))).toBeUndefined(); // IFD past the end
    const whole = jpeg(exif(tiff(true, [[0x0112, 3, 1, 6]])), sof);
    for (let n = 3; n < 30; n++) expect(jpegOrientation(whole.subarray(0, n))).toBeUndefined(); // cut short
    // a segment length that runs past the end
    expect(jpegOrientation(Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0x45]))).toBeUndefined();
  });
});

const u32be = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const chars = (s: string) => [...s].map((c) => c.charCodeAt(0));
/** A PNG chunk (the CRC is not checked by the reader: zeros). */
const chunk = (type: string, data: number[]) => [...u32be(data.length), ...chars(type), ...data, 0, 0, 0, 0];
const ihdr = chunk('IHDR', [...u32be(4), ...u32be(2), 8, 2, 0, 0, 0]);
const png = (...chunks: number[][]) => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunks.flat()]);
const iend = chunk('IEND', []);
/** A RIFF chunk, padded to an even size. */
const riff = (type: string, data: number[]) => [...chars(type), ...u32le(data.length), ...data, ...(data.length & 1 ? [0] : [])];
const webp = (...chunks: number[][]) => {
  const body = [...chars('WEBP'), ...chunks.flat()];
  return Uint8Array.from([...chars('RIFF'), ...u32le(body.length), ...body]);
};
const vp8x = riff('VP8X', [0x08, 0, 0, 0, 3, 0, 0, 1, 0, 0]);

describe('pngOrientation and webpOrientation', () => {
  it('read the eXIf / EXIF chunk, with or without an "Exif\\0\\0" prefix, in either byte order', () => {
    for (const le of [true, false]) {
      for (let o = 1; o <= 8; o++) {
        const t = tiff(le, [[0x0112, 3, 1, o]]);
        expect(pngOrientation(png(ihdr, chunk('eXIf', t), iend))).toBe(o);
        expect(webpOrientation(webp(vp8x, riff('VP8 ', [1, 2, 3]), riff('EXIF', t)))).toBe(o);
        expect(webpOrientation(webp(vp8x, riff('EXIF', [0x45, 0x78, 0x69, 0x66, 0, 0, ...t])))).toBe(o);
        expect(imageOrientation(png(ihdr, chunk('eXIf', t), iend))).toBe(o);
      }
    }
  });

  it('are 1 without the chunk, and undefined where they cannot tell', () => {
    const six = tiff(true, [[0x0112, 3, 1, 6]]);
    expect(pngOrientation(png(ihdr, iend))).toBe(1);
    expect(webpOrientation(webp(vp8x, riff('VP8 ', [1, 2, 3])))).toBe(1);
    expect(pngOrientation(png(ihdr, chunk('eXIf', six), chunk('eXIf', six), iend))).toBeUndefined(); // two
    expect(webpOrientation(webp(riff('EXIF', six), riff('EXIF', six)))).toBeUndefined();
    expect(pngOrientation(png(ihdr, chunk('eXIf', [1, 2, 3]), iend))).toBeUndefined(); // malformed
    const whole = png(ihdr, chunk('eXIf', six), iend);
    for (let n = 0; n < whole.length; n++) expect(pngOrientation(whole.subarray(0, n))).toBeUndefined(); // cut short before IEND
    const w = webp(vp8x, riff('EXIF', six));
    expect(webpOrientation(w.subarray(0, w.length - 3))).toBeUndefined(); // the chunk runs past the end
    expect(imageOrientation(Uint8Array.from(chars('GIF89a')))).toBeUndefined();
  });
});
