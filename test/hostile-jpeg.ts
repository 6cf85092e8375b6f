// Progressive JPEGs with as many scans as a test asks for, written byte by byte: a valid file of
// 10000×10000 pixels and 2,647 scans is under 1 MB (every coefficient zero, so each scan is a few
// end-of-band runs), and libjpeg walks every block of the image once per scan. Built here rather
// than committed (no large binaries) and rather than with jpegtran -scans (not on every machine).

/** Big-endian 16-bit bytes. */
const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];

/** Writes bits MSB first into bytes, stuffing a 0x00 after every 0xFF, as JPEG entropy data requires. */
class BitWriter {
  private acc = 0;
  private n = 0;
  constructor(private readonly out: number[]) {}
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  /** Pads the last byte with 1 bits (the standard's fill). */
  end(): void {
    if (this.n > 0) this.write(0xff >> this.n, 8 - this.n);
  }
  private flushByte(): void {
    this.out.push(this.acc);
    if (this.acc === 0xff) this.out.push(0);
    this.acc = 0;
    this.n = 0;
  }
}

/**
 * A progressive (SOF2) YCbCr JPEG of `width`×`height`, no subsampling, every coefficient zero (a
 * mid-grey image), with `scans` scans: one DC scan, then AC scans of one coefficient and one
 * component each, first at bit 13 and then refined bit by bit (Ah/Al 13/12 ... 1/0), in the order
 * a decoder accepts. At most 1 + 3 × 63 × 14 = 2,647 scans, the count of the file in issue 20.
 */
export function progressiveJpeg(width: number, height: number, scans: number): Uint8Array {
  const maxScans = 1 + 3 * 63 * 14;
  if (scans < 1 || scans > maxScans) throw new RangeError(`scans must be 1..${maxScans}`);
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, payload: number[]) => out.push(0xff, marker, ...u16(payload.length + 2), ...payload);
  segment(0xdb, [0x00, ...new Array(64).fill(1)]); // quantization table 0, all ones
  segment(0xc2, [8, ...u16(height), ...u16(width), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
  // DC table: one symbol (category 0: no difference), code "0". AC table: the end-of-band runs
  // EOB0..EOB14 (symbols r<<4), fifteen 4-bit codes 0000..1110.
  const eobSymbols = Array.from({ length: 15 }, (_, r) => r << 4);
  segment(0xc4, [0x00, 1, ...new Array(15).fill(0), 0]);
  segment(0xc4, [0x10, 0, 0, 0, 15, ...new Array(12).fill(0), ...eobSymbols]);
  // DC scan, all three components interleaved: one 1-bit code per block.
  segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0x00]);
  const dc = new BitWriter(out);
  for (let i = 0; i < 3 * blocks; i++) dc.write(0, 1);
  dc.end();
  let written = 1;
  for (let pass = 0; pass < 14 && written < scans; pass++) {
    const ah = pass === 0 ? 0 : 14 - pass;
    const al = 13 - pass;
    for (let k = 1; k <= 63 && written < scans; k++) {
      for (let c = 1; c <= 3 && written < scans; c++, written++) {
        segment(0xda, [1, c, 0x00, k, k, (ah << 4) | al]);
        // every block of the band empty: end-of-band runs of up to 32767 blocks
        const bits = new BitWriter(out);
        for (let left = blocks; left > 0; ) {
          const run = Math.min(left, 32767);
          const r = Math.floor(Math.log2(run));
          bits.write(r, 4); // the code of symbol r<<4 is r in 4 bits
          bits.write(run - 2 ** r, r);
          left -= run;
        }
        bits.end();
      }
    }
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
