// A minimal TIFF writer for tests: one uncompressed strip, little-endian, any photometric
// interpretation, bit depth, sample count and sample format. sharp cannot write CIELab, float or
// many-band TIFFs, and those are exactly the files libvips reads differently, so tests build them here.

/** What goes into a test TIFF; `data` holds the samples, interleaved, in the file's byte order (little-endian). */
export interface TiffSpec {
  width: number;
  height: number;
  /** bits per sample: 1, 8, 16 or 32 */
  bits: number;
  /** PhotometricInterpretation: 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 3 palette, 4 mask, 5 CMYK (separated), 6 YCbCr, 8 CIELab, 9 ICCLab, 10 ITULab, 32844 LogL */
  photometric: number;
  samples: number;
  data: Uint8Array;
  /** SampleFormat: 1 unsigned, 2 signed, 3 float */
  sampleFormat?: number;
  /** ExtraSamples values for samples beyond the colour ones (0 unspecified, 2 unassociated alpha) */
  extraSamples?: number[];
}

const SHORT = 3;
const LONG = 4;

/** Encodes `spec` as a baseline TIFF file. */
export function writeTiff(spec: TiffSpec): Uint8Array {
  const { width, height, bits, photometric, samples, data, sampleFormat = 1, extraSamples = [] } = spec;
  const tags: [tag: number, type: number, values: number[]][] = [
    [256, LONG, [width]],
    [257, LONG, [height]],
    [258, SHORT, Array(samples).fill(bits)],
    [259, SHORT, [1]], // no compression
    [262, SHORT, [photometric]],
    [273, LONG, [0]], // strip offset, patched below
    [277, SHORT, [samples]],
    [278, LONG, [height]],
    [279, LONG, [data.byteLength]],
    [284, SHORT, [1]], // interleaved
    [339, SHORT, Array(samples).fill(sampleFormat)],
  ];
  if (extraSamples.length) tags.push([338, SHORT, extraSamples]);
  tags.sort((a, b) => a[0] - b[0]);
  const ifdLength = 2 + tags.length * 12 + 4;
  let spill = 8 + ifdLength;
  const spilled: Buffer[] = [];
  const ifd = Buffer.alloc(ifdLength);
  ifd.writeUInt16LE(tags.length, 0);
  const entries: { at: number; tag: number }[] = [];
  tags.forEach(([tag, type, values], i) => {
    const at = 2 + i * 12;
    const size = type === SHORT ? 2 : 4;
    const bytes = Buffer.alloc(values.length * size);
    values.forEach((v, j) => {
      size === 2 ? bytes.writeUInt16LE(v, j * 2) : bytes.writeUInt32LE(v, j * 4);
    });
    ifd.writeUInt16LE(tag, at);
    ifd.writeUInt16LE(type, at + 2);
    ifd.writeUInt32LE(values.length, at + 4);
    entries.push({ at, tag });
    if (bytes.length <= 4) bytes.copy(ifd, at + 8);
    else {
      ifd.writeUInt32LE(spill, at + 8);
      const padded = Buffer.alloc(bytes.length + (bytes.length & 1));
      bytes.copy(padded);
      spilled.push(padded);
      spill += padded.length;
    }
  });
  ifd.writeUInt32LE(spill, entries.find((e) => e.tag === 273)!.at + 8);
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  return Buffer.concat([header, ifd, ...spilled, data]);
}

/** 8-bit CIELab TIFF samples from float L* (0..100), a*, b* (about -128..127), as libtiff stores them. */
export function labToTiff8(lab: Float32Array): Uint8Array {
  const out = new Uint8Array(lab.length);
  for (let i = 0; i < lab.length; i += 3) {
    out[i] = Math.max(0, Math.min(255, Math.round((lab[i]! * 255) / 100)));
    out[i + 1] = Math.max(-128, Math.min(127, Math.round(lab[i + 1]!))) & 0xff;
    out[i + 2] = Math.max(-128, Math.min(127, Math.round(lab[i + 2]!))) & 0xff;
  }
  return out;
}

/** 8-bit sRGB samples as linear-light float32 (scRGB), the meaning libvips gives float RGB TIFFs. */
export function srgbToLinearFloat(rgb: Uint8Array): Uint8Array {
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    const c = rgb[i]! / 255;
    out[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return new Uint8Array(out.buffer);
}

/**
 * 8-bit sRGB samples as CIE L*a*b* (float: L* 0..100, a*, b*), computed here from the CIE and sRGB
 * formulas with the D65 white that libvips' Lab uses: an expectation that owes nothing to libvips.
 */
export function srgbToLab(rgb: Uint8Array): Float32Array {
  const linear = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const f = (t: number) => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const [r, g, b] = [linear(rgb[i]!), linear(rgb[i + 1]!), linear(rgb[i + 2]!)];
    // sRGB (IEC 61966-2-1) to XYZ, divided by the D65 white (0.95047, 1, 1.08883)
    const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    out[i] = 116 * f(y) - 16;
    out[i + 1] = 500 * (f(x) - f(y));
    out[i + 2] = 200 * (f(y) - f(z));
  }
  return out;
}

/** 16-bit CIELab TIFF samples (as libtiff stores them: L* 0..65535 unsigned, a* and b* signed in 1/256 steps), little-endian. */
export function labToTiff16(lab: Float32Array): Uint8Array {
  const out = new DataView(new ArrayBuffer(lab.length * 2));
  for (let i = 0; i < lab.length; i += 3) {
    out.setUint16(i * 2, Math.max(0, Math.min(65535, Math.round((lab[i]! * 65535) / 100))), true);
    out.setInt16(i * 2 + 2, Math.max(-32768, Math.min(32767, Math.round(lab[i + 1]! * 256))), true);
    out.setInt16(i * 2 + 4, Math.max(-32768, Math.min(32767, Math.round(lab[i + 2]! * 256))), true);
  }
  return new Uint8Array(out.buffer);
}

/** Float CIELab TIFF samples (L* 0..100, a*, b* as they are), little-endian float32. */
export function labToTiffFloat(lab: Float32Array): Uint8Array {
  return new Uint8Array(Float32Array.from(lab).buffer);
}
