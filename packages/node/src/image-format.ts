import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, type EncodedImageFormat, IMAGE_FORMAT_NAMES, type ImageHeader, readImageHeader, unsupportedFormatError } from '@onnx-mobilenet/core/adapter';

/**
 * The encoded formats the Node adapter decodes, as named in the docs, by core's format ids (see
 * `IMAGE_FORMAT_NAMES`). libvips can load many more (its native .v, SVG, PDF, FITS, matrix, ...),
 * some of which read other files named inside them, so the bytes are identified by core's one
 * sniffer (`readImageHeader`) and anything else never reaches sharp. This is a check per call,
 * not `sharp.block()`, which would change sharp for every other user in the process.
 */
export const NODE_IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const satisfies readonly EncodedImageFormat[];

/** One of {@link NODE_IMAGE_FORMATS}. */
export type NodeImageFormat = (typeof NODE_IMAGE_FORMATS)[number];

/** The `format` sharp's metadata reports for each supported format. */
export const SHARP_FORMAT: Record<NodeImageFormat, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff', avif: 'heif' };

/**
 * The header of encoded bytes of a format the Node adapter decodes (core's `readImageHeader`), or
 * `E_IMAGE_DECODE` naming what they are and the formats it reads.
 */
export function nodeImageHeader(bytes: Uint8Array, name: string): ImageHeader & { format: NodeImageFormat } {
  const header = readImageHeader(bytes);
  if (header && (NODE_IMAGE_FORMATS as readonly string[]).includes(header.format)) return header as ImageHeader & { format: NodeImageFormat };
  throw unsupportedFormatError(name, bytes, 'the Node adapter', NODE_IMAGE_FORMATS);
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
export function checkPixelFormat(meta: PixelFormat, sniffed: NodeImageFormat, name: string): { convertFirst: boolean } {
  const refuse = (why: string) => new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: ${why}`);
  if (meta.format !== SHARP_FORMAT[sniffed]) throw refuse(`it starts like ${IMAGE_FORMAT_NAMES[sniffed]} but sharp read it as ${meta.format ?? 'nothing'}`);
  if (sniffed === 'avif' && meta.compression !== 'av1') throw refuse(`it is HEIF with ${meta.compression ?? 'unknown'} compression, not AVIF (AV1)`);
  const space = meta.space ?? '';
  const depth = meta.depth ?? '';
  if (DIRECT[space]?.includes(depth)) return { convertFirst: false };
  if (CONVERT_FIRST[space]?.includes(depth)) return { convertFirst: true };
  throw refuse(
    `its pixels are ${space || 'unknown'} colour with ${depth || 'unknown'} samples; supported: sRGB, greyscale or CMYK with 8- or 16-bit samples, CIELab, scRGB float`,
  );
}
