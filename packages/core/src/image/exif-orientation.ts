// The EXIF orientation of a JPEG, PNG or WebP, read from its bytes: what a decoder turns the image
// by. Lets an adapter plan the resize from the header alone, without a decoder's own metadata round
// trip (sharp's metadata() cost 4% of a 500x375 decode), and lets a decoder that does not turn
// images (the wasm codecs) turn them as libvips does. Anything unusual answers undefined.

import { ascii, u16be, u16le, u32be, u32le } from '../io/byte-readers.js';
import { jpegSegments } from './jpeg-segments.js';

const u16 = (b: Uint8Array, i: number, le: boolean) => (le ? u16le(b, i) : u16be(b, i));
const u32 = (b: Uint8Array, i: number, le: boolean) => (le ? u32le(b, i) : u32be(b, i));
const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/**
 * The orientation (1-8) of a JPEG's EXIF data, 1 where it has none; `undefined` where it cannot
 * tell for sure (not a JPEG, cut short, malformed EXIF, two EXIF segments, a value out of range).
 * Reads the marker segments before the first scan only (walked as for the image size); every
 * read stays inside its segment.
 *
 * @example
 * ```ts
 * const turned = (jpegOrientation(bytes) ?? 1) >= 5; // width and height swap once applied
 * ```
 */
export function jpegOrientation(b: Uint8Array): number | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let found: number | undefined;
  const segments = jpegSegments(b);
  for (let step = segments.next(); ; step = segments.next()) {
    if (step.done) return step.value === 'scan' ? (found ?? 1) : undefined;
    const { marker, at, end } = step.value;
    if (end > b.length || end < at + 3) return undefined;
    const start = at + 3;
    if (marker === 0xe1 && end - start >= 6 && EXIF.every((v, i) => b[start + i] === v)) {
      if (found !== undefined) return undefined; // which one a decoder reads is its own business
      found = tiffOrientation(b.subarray(start + 6, end));
      if (found === undefined) return undefined;
    }
  }
}

/** Orientation from a TIFF structure's first IFD: 1 when the tag is absent, undefined when malformed. */
function tiffOrientation(t: Uint8Array): number | undefined {
  if (t.length < 8) return undefined;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return undefined;
  if (u16(t, 2, le) !== 42) return undefined;
  const ifd = u32(t, 4, le);
  if (ifd + 2 > t.length) return undefined;
  const count = u16(t, ifd, le);
  if (ifd + 2 + 12 * count > t.length) return undefined;
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (u16(t, entry, le) !== 0x0112) continue;
    // SHORT, one value, stored in the first two bytes of the value field
    if (u16(t, entry + 2, le) !== 3 || u32(t, entry + 4, le) !== 1) return undefined;
    const value = u16(t, entry + 8, le);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return 1;
}

/** "Exif\0\0", which some writers put before the TIFF structure of a PNG eXIf or WebP EXIF chunk. */
function withoutExifPrefix(t: Uint8Array): Uint8Array {
  return t.length >= 6 && EXIF.every((v, i) => t[i] === v) ? t.subarray(6) : t;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The orientation (1-8) of a PNG's `eXIf` chunk, 1 where it has none; `undefined` where it cannot
 * tell (not a PNG, cut short before IEND, two eXIf chunks, malformed EXIF). Walks the chunks by
 * their lengths (each read inside the bytes) up to IEND.
 *
 * @example
 * ```ts
 * pngOrientation(await sharp(img).withMetadata({ orientation: 6 }).png().toBuffer()); // 6
 * ```
 */
export function pngOrientation(b: Uint8Array): number | undefined {
  if (b.length < 8 || !PNG_SIGNATURE.every((v, i) => b[i] === v)) return undefined;
  let found: number | undefined;
  for (let at = 8; at + 12 <= b.length; ) {
    const length = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    const end = at + 12 + length;
    if (end > b.length) return undefined;
    if (type === 'IEND') return found ?? 1;
    if (type === 'eXIf') {
      if (found !== undefined) return undefined;
      found = tiffOrientation(withoutExifPrefix(b.subarray(at + 8, at + 8 + length)));
      if (found === undefined) return undefined;
    }
    at = end;
  }
  return undefined;
}

/**
 * The orientation (1-8) of a WebP's `EXIF` chunk, 1 where it has none; `undefined` where it cannot
 * tell (not a WebP, a chunk running past the bytes, two EXIF chunks, malformed EXIF).
 *
 * @example
 * ```ts
 * webpOrientation(await sharp(img).withMetadata({ orientation: 3 }).webp().toBuffer()); // 3
 * ```
 */
export function webpOrientation(b: Uint8Array): number | undefined {
  if (b.length < 12 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return undefined;
  let found: number | undefined;
  for (let at = 12; at + 8 <= b.length; ) {
    const size = u32le(b, at + 4);
    const end = at + 8 + size;
    if (end > b.length) return undefined;
    if (ascii(b, at, 4) === 'EXIF') {
      if (found !== undefined) return undefined;
      found = tiffOrientation(withoutExifPrefix(b.subarray(at + 8, end)));
      if (found === undefined) return undefined;
    }
    at = end + (size & 1); // chunks are padded to an even size
  }
  return found ?? 1;
}

/**
 * The EXIF orientation (1-8) of a JPEG, PNG (`eXIf`) or WebP (`EXIF`), as libvips reads and sharp's
 * `rotate()` applies it: 1 where the image has none, `undefined` for another format or where the
 * bytes leave it in doubt (see {@link jpegOrientation}).
 *
 * @example
 * ```ts
 * const upright = orientImage(decoded, imageOrientation(bytes) ?? 1);
 * ```
 */
export function imageOrientation(b: Uint8Array): number | undefined {
  if (b[0] === 0xff) return jpegOrientation(b);
  if (b[0] === 0x89) return pngOrientation(b);
  return webpOrientation(b);
}
