// The sizes in encoded image headers, one reader a format, for {@link readImageHeader}: each one
// returns the largest width and height a decoder of the file would allocate, or undefined when the
// header is cut short or corrupt. None throws: every read past the end reads as 0.
import { ascii, byte, i32le, u16be, u16le, u24le, u32be, u32le } from '../io/byte-readers.js';
import { jpegSegments } from './jpeg-segments.js';

export type Size = { width: number; height: number } | undefined;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const isPng = (b: Uint8Array, at: number) => b.length >= at + 8 && PNG_SIGNATURE.every((v, i) => b[at + i] === v);

export function pngSize(b: Uint8Array, at: number): Size {
  if (b.length < at + 24 || ascii(b, at + 12, 4) !== 'IHDR') return undefined;
  return { width: u32be(b, at + 16), height: u32be(b, at + 20) };
}

/** The first SOFn's size (SOF0-15 except DHT C4, JPG C8 and DAC CC): precision, height, width follow the length. */
export function jpegSize(b: Uint8Array): Size {
  for (const { marker, at } of jpegSegments(b)) {
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return at + 7 < b.length ? { height: u16be(b, at + 4), width: u16be(b, at + 6) } : undefined;
    }
  }
  return undefined; // scan data, the end or the bytes' end before any frame header
}

/** The logical screen grown to hold every frame (a decoder may grow it to the first frame). */
export function gifSize(b: Uint8Array): Size {
  if (b.length < 13) return undefined;
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  const colorTable = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  const skipSubBlocks = (at: number) => {
    for (let size = b[at]; size !== undefined && size !== 0; size = b[at]) at += size + 1; // undefined: past the end
    return at + 1;
  };
  let pos = 13 + colorTable(byte(b, 10));
  while (pos < b.length) {
    const kind = b[pos];
    if (kind === 0x21) {
      pos = skipSubBlocks(pos + 2);
    } else if (kind === 0x2c) {
      if (pos + 10 > b.length) break;
      width = Math.max(width, u16le(b, pos + 1) + u16le(b, pos + 5));
      height = Math.max(height, u16le(b, pos + 3) + u16le(b, pos + 7));
      pos = skipSubBlocks(pos + 10 + colorTable(byte(b, pos + 9)) + 1);
    } else {
      break; // trailer (0x3b) or corrupt
    }
  }
  return { width, height };
}

export function webpSize(b: Uint8Array): Size {
  if (b.length < 30) return undefined;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = u32le(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  return undefined;
}

/** A BMP info header (the DIB header, at `at`): OS/2 1.x has 16-bit sizes, later ones 32-bit. */
export function dibSize(b: Uint8Array, at: number): Size {
  if (b.length < at + 12) return undefined;
  const headerSize = u32le(b, at);
  if (headerSize === 12) return { width: u16le(b, at + 4), height: u16le(b, at + 6) };
  if (headerSize < 16 || b.length < at + 12) return undefined;
  return { width: Math.abs(i32le(b, at + 4)), height: Math.abs(i32le(b, at + 8)) };
}

/** The largest entry of an icon, each sized by its embedded PNG or BMP header where readable. */
export function icoSize(b: Uint8Array): Size {
  const count = u16le(b, 4);
  let best: Size;
  for (let i = 0; i < count && 6 + 16 * (i + 1) <= b.length; i++) {
    const entry = 6 + 16 * i;
    const offset = u32le(b, entry + 12);
    let size: Size = { width: b[entry] || 256, height: b[entry + 1] || 256 };
    if (isPng(b, offset)) size = pngSize(b, offset) ?? size;
    else {
      const dib = dibSize(b, offset);
      if (dib) size = { width: dib.width, height: Math.ceil(dib.height / 2) }; // image and mask stacked
    }
    if (!best || size.width * size.height > best.width * best.height) best = size;
  }
  return best;
}

/** The largest `ispe` (image spatial extents) property in the ISO-BMFF `meta/iprp/ipco` boxes. */
export function heifSize(b: Uint8Array): Size {
  let best: Size;
  const walk = (start: number, end: number, depth: number) => {
    let pos = start;
    while (pos + 8 <= end && depth < 5) {
      let size = u32be(b, pos);
      const type = ascii(b, pos + 4, 4);
      let header = 8;
      if (size === 1) {
        if (pos + 16 > end) return;
        size = u32be(b, pos + 8) * 2 ** 32 + u32be(b, pos + 12);
        header = 16;
      } else if (size === 0) size = end - pos;
      if (size < header) return;
      const boxEnd = Math.min(end, pos + size);
      if (type === 'ispe' && pos + header + 12 <= boxEnd) {
        const found = { width: u32be(b, pos + header + 4), height: u32be(b, pos + header + 8) };
        if (!best || found.width * found.height > best.width * best.height) best = found;
      } else if (type === 'meta')
        walk(pos + header + 4, boxEnd, depth + 1); // a full box: version and flags first
      else if (type === 'iprp' || type === 'ipco') walk(pos + header, boxEnd, depth + 1);
      pos += size;
    }
  };
  walk(0, b.length, 0);
  return best;
}
