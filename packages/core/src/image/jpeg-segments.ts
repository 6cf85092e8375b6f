import type { Limits } from '../options/defaults.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import { byte, u16be } from '../io/byte-readers.js';

/** One marker segment of a JPEG: its marker, the index of the marker byte, and where its payload ends. */
export interface JpegSegment {
  marker: number;
  /** Index of the marker byte (after its 0xFF): the length follows at `at + 1`, the payload at `at + 3`. */
  at: number;
  /** End of the segment (exclusive); may lie past the bytes' end when they are cut short. */
  end: number;
}

const SOS = 0xda;
const EOI = 0xd9;

/**
 * Walks a JPEG's marker segments like libjpeg (garbage between segments and fill bytes skipped;
 * stuffed bytes, TEM, RSTn and SOI have no length) up to the first scan, or with `throughScans`
 * through every scan (each start-of-scan segment yielded, its entropy-coded data skipped to the
 * next marker) up to the end marker. Returns `'scan'` when it reached the (first) scan data or the
 * end marker, `'cut'` when the bytes ended first. Linear in the bytes: each is looked at once.
 */
export function* jpegSegments(b: Uint8Array, { throughScans = false } = {}): Generator<JpegSegment, 'scan' | 'cut', undefined> {
  let pos = 2;
  while (pos < b.length) {
    if (b[pos] !== 0xff) {
      // entropy-coded data (or garbage): the next marker is at the next 0xFF (indexOf: native speed)
      pos = b.indexOf(0xff, pos);
      if (pos < 0) return 'cut';
      continue;
    }
    while (pos < b.length && b[pos] === 0xff) pos++;
    if (pos >= b.length) return 'cut';
    const marker = byte(b, pos);
    if (marker === EOI || (marker === SOS && !throughScans)) return 'scan';
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

/**
 * Number of scans (start-of-scan markers) in a JPEG, counted up to `stopAfter + 1`: a baseline
 * photo has 1, a progressive one about 10 (libjpeg's and mozjpeg's scripts). Bounded by the bytes
 * (one pass, stopped early).
 *
 * @example
 * ```ts
 * countJpegScans(bytes, 100); // 1 for a baseline photo, 101 for any file of more than 100 scans
 * ```
 */
export function countJpegScans(b: Uint8Array, stopAfter: number): number {
  let scans = 0;
  for (const { marker } of jpegSegments(b, { throughScans: true })) if (marker === SOS && ++scans > stopAfter) break;
  return scans;
}

/**
 * True when a JPEG's segments and scans run through to its end marker (EOI), as a decoder reads
 * them; false for a file cut short, which libjpeg pads with grey and libvips (sharp's `failOn:
 * 'error'`) refuses. Linear in the bytes.
 *
 * @example
 * ```ts
 * jpegReachesEnd(bytes.subarray(0, bytes.length / 2)); // false
 * ```
 */
export function jpegReachesEnd(b: Uint8Array): boolean {
  const walk = jpegSegments(b, { throughScans: true });
  for (let step = walk.next(); ; step = walk.next()) if (step.done) return step.value === 'scan';
}

/**
 * Refuses a JPEG of more than `limits.maxJpegScans` scans with `E_LIMIT`, from its bytes, before any
 * decoder sees it. libjpeg runs over every block of the image once per scan: a valid 1 MB
 * progressive JPEG of 10000×10000 pixels and 2,647 scans (each nearly empty) took sharp 80-115 s
 * and libjpeg's decoder cannot be interrupted meanwhile. Both adapters call this (shared, so Node and
 * browsers refuse the same files). Not a JPEG: nothing to check.
 *
 * @example
 * ```ts
 * assertJpegScans(bytes, 'upload.jpg', limits); // throws E_LIMIT for 2,647 scans
 * ```
 */
export function assertJpegScans(bytes: Uint8Array, name: string, limits: Pick<Limits, 'maxJpegScans'>): void {
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return;
  const max = limits.maxJpegScans;
  const scans = countJpegScans(bytes, max);
  if (scans > max) {
    throw new OnnxMobilenetError(
      'E_LIMIT',
      `image ${name} is a JPEG of more than ${max} scans, over limits.maxJpegScans (${max}); cameras and encoders write 1 to about 10, and each scan makes the decoder go over the whole image again`,
    );
  }
}
