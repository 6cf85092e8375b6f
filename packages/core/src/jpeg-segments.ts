import { byte, u16be } from './byte-readers.js';

/** One marker segment of a JPEG: its marker, the index of the marker byte, and where its payload ends. */
export interface JpegSegment {
  marker: number;
  /** Index of the marker byte (after its 0xFF): the length follows at `at + 1`, the payload at `at + 3`. */
  at: number;
  /** End of the segment (exclusive); may lie past the bytes' end when they are cut short. */
  end: number;
}

/**
 * Walks a JPEG's marker segments like libjpeg (garbage between segments and fill bytes skipped;
 * stuffed bytes, TEM, RSTn and SOI have no length) up to the first scan. Returns `'scan'` when it
 * reached the scan data or the end marker, `'cut'` when the bytes ended first.
 */
export function* jpegSegments(b: Uint8Array): Generator<JpegSegment, 'scan' | 'cut', undefined> {
  let pos = 2;
  while (pos < b.length) {
    if (b[pos] !== 0xff) {
      pos++;
      continue;
    }
    while (pos < b.length && b[pos] === 0xff) pos++;
    if (pos >= b.length) return 'cut';
    const marker = byte(b, pos);
    if (marker === 0xd9 || marker === 0xda) return 'scan';
    if (marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos++;
      continue;
    }
    if (pos + 2 >= b.length) return 'cut';
    const end = pos + 1 + u16be(b, pos + 1);
    yield { marker, at: pos, end };
    pos = end;
  }
  return 'cut';
}
