import { describe, expect, it } from 'vitest';
import { jpegOrientation } from './exif-orientation.js';

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
