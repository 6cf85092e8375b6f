import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, ftypBrands } from '@onnx-mobilenet/core/adapter';

/**
 * The encoded formats the Node adapter decodes, as named in the docs. libvips can load many more
 * (its native .v, SVG, PDF, FITS, matrix, ...), some of which read other files named inside them,
 * so the bytes are identified here and anything else never reaches sharp. This is a check per call,
 * not `sharp.block()`, which would change sharp for every other user in the process.
 */
export type SupportedImageFormat = 'JPEG' | 'PNG' | 'WebP' | 'GIF' | 'TIFF' | 'AVIF';

export const SUPPORTED_IMAGE_FORMATS: readonly SupportedImageFormat[] = ['JPEG', 'PNG', 'WebP', 'GIF', 'TIFF', 'AVIF'];

/** The `format` sharp's metadata reports for each supported format. */
export const SHARP_FORMAT: Record<SupportedImageFormat, string> = { JPEG: 'jpeg', PNG: 'png', WebP: 'webp', GIF: 'gif', TIFF: 'tiff', AVIF: 'heif' };

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);

/** HEIF brands of AVIF images; a HEIF file with none of them holds HEVC (HEIC) or other codecs. */
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1', 'mif2']);

/**
 * Identifies encoded image bytes from their first bytes (64 are enough): a supported format, or
 * `{ other }` naming what the bytes look like for the error message.
 */
export function sniffImageFormat(bytes: Uint8Array): { format: SupportedImageFormat } | { other: string } {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { format: 'JPEG' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { format: 'PNG' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { format: 'WebP' };
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return { format: 'GIF' };
  // classic and BigTIFF, either byte order
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { format: 'TIFF' };
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return { format: 'TIFF' };
  const brands = ftypBrands(bytes);
  if (brands) {
    if (brands.some((b) => AVIF_BRANDS.has(b))) return { format: 'AVIF' };
    if (brands.some((b) => HEIC_BRANDS.has(b))) return { other: 'HEIC/HEIF (HEVC-coded; the sharp build decodes AVIF only)' };
    return { other: 'an ISO media file of another brand' };
  }
  return { other: describeOther(bytes) };
}

/** A name for bytes of an unsupported format, for the message. */
function describeOther(bytes: Uint8Array): string {
  if (startsWith(bytes, [0x08, 0xf2, 0xa6, 0xb6]) || startsWith(bytes, [0xb6, 0xa6, 0xf2, 0x08])) return 'a libvips native (.v) image';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip data (e.g. SVGZ)';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'PDF';
  if (ascii(bytes, 0, 9) === 'SIMPLE  =') return 'FITS';
  if (/^P[1-7Ff]\s/.test(ascii(bytes, 0, 3))) return 'Netpbm (PPM/PGM/PBM/PFM)';
  if (ascii(bytes, 0, 2) === 'BM') return 'BMP';
  if (ascii(bytes, 0, 10) === '#?RADIANCE' || ascii(bytes, 0, 6) === '#?RGBE') return 'Radiance HDR';
  if (startsWith(bytes, [0xff, 0x4f, 0xff, 0x51]) || ascii(bytes, 4, 8) === 'jP  ') return 'JPEG 2000';
  if (startsWith(bytes, [0xff, 0x0a]) || ascii(bytes, 4, 8) === 'JXL ') return 'JPEG XL';
  // SVG and other XML: text starting with '<' after an optional byte-order mark and white space
  const text = ascii(bytes, 0, Math.min(bytes.length, 256))
    .replace(/^\xef\xbb\xbf/, '')
    .trimStart();
  if (text.startsWith('<')) return /<svg[\s>/]/i.test(text) || /^<\?xml/i.test(text) ? 'SVG/XML' : 'markup (SVG/XML/HTML)';
  // Never the bytes themselves (a path may name /etc/passwd): their count only.
  return `an unrecognised format (${bytes.length} bytes)`;
}

/** The error for bytes that are not one of the supported formats. */
export function unsupportedFormatError(name: string, other: string): OnnxMobilenetError {
  return new OnnxMobilenetError(
    'E_IMAGE_DECODE',
    `cannot decode image ${name}: it is ${other}, not one of the supported formats (${SUPPORTED_IMAGE_FORMATS.join(', ')})`,
  );
}

/**
 * Most bands (colour, alpha and extra samples) an image may have: sharp 0.35's own default of
 * `limitInputChannels`, set explicitly so that the message can say it. A band costs as much memory
 * as a pixel's worth of greyscale, and `limits.maxInputPixels` counts pixels, not bands.
 */
export const MAX_INPUT_CHANNELS = 5;

/** What sharp's metadata says about the pixels, as far as the checks below need it. */
export interface PixelFormat {
  format?: string | undefined;
  compression?: string | undefined;
  space?: string | undefined;
  depth?: string | undefined;
}

/** Colour spaces the sharp pipeline turns into sRGB as they come, and the sample depths it reads them in. */
const DIRECT: Record<string, readonly string[]> = { srgb: ['uchar'], 'b-w': ['uchar'], rgb16: ['ushort'], grey16: ['ushort'], cmyk: ['uchar', 'ushort'] };
/**
 * Colour spaces that must be converted to sRGB at the start of the pipeline: resizing or dropping
 * "alpha" from them first gives wrong pixels (an 8-bit CIELab TIFF is packed LabQ, whose fourth
 * band is no alpha; sharp 0.35 reports it as `lab`, `uchar`, 4 channels) and, for small 8-bit
 * CIELab images, a libvips loop that never returns. 16-bit CIELab reads as `labs`, float as `lab`.
 */
const CONVERT_FIRST: Record<string, readonly string[]> = { lab: ['uchar', 'float'], labq: ['uchar'], labs: ['short'], scrgb: ['float'] };

/**
 * The error for libvips' refusal of an 8-bit CIELab TIFF ("bad labq format"): libvips 8.18.0-8.18.7
 * (sharp 0.35.0-0.35.5) refuse every such file, 8.18.8 (sharp 0.35.6) reads them again. A nested
 * older sharp could still be the one that loads, so the message names the format and the fix.
 */
export function labqRefusal(reason: string, name: string, vips: string): OnnxMobilenetError | undefined {
  if (!/bad labq format/i.test(reason)) return undefined;
  return new OnnxMobilenetError(
    'E_IMAGE_DECODE',
    `cannot decode image ${name}: it is an 8-bit CIELab (LabQ) TIFF, which the sharp in use (libvips ${vips}) refuses (${clipText(reason)}); install sharp 0.35.6 or later, or save the image as 16-bit Lab or sRGB`,
  );
}

/**
 * Checks what sharp read against what the bytes were sniffed as, and the colour space: returns
 * whether the pipeline must convert to sRGB first, or throws E_IMAGE_DECODE for pixels it would
 * turn into wrong colours (float greyscale, 32-bit integers, XYZ, multiband, ...).
 */
export function checkPixelFormat(meta: PixelFormat, sniffed: SupportedImageFormat, name: string): { convertFirst: boolean } {
  const refuse = (why: string) => new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: ${why}`);
  if (meta.format !== SHARP_FORMAT[sniffed]) throw refuse(`it starts like ${sniffed} but sharp read it as ${meta.format ?? 'nothing'}`);
  if (sniffed === 'AVIF' && meta.compression !== 'av1') throw refuse(`it is HEIF with ${meta.compression ?? 'unknown'} compression, not AVIF (AV1)`);
  const space = meta.space ?? '';
  const depth = meta.depth ?? '';
  if (DIRECT[space]?.includes(depth)) return { convertFirst: false };
  if (CONVERT_FIRST[space]?.includes(depth)) return { convertFirst: true };
  throw refuse(
    `its pixels are ${space || 'unknown'} colour with ${depth || 'unknown'} samples; supported: sRGB, greyscale or CMYK with 8- or 16-bit samples, CIELab, scRGB float`,
  );
}
