// The one image-format sniffer of every adapter: the format of encoded bytes and, where the header
// holds it, the size, read before any decoder allocates pixels, so that a decompression bomb (a
// small file claiming 30000×30000) is refused instead of decoded. Written here rather than taken
// from `image-size`: that library reads only SOF0-2 in JPEG (a SOF9 or SOF10 file, which
// libjpeg-turbo decodes, slips past it) and only the GIF logical screen (not frames larger than
// it); this one also walks ICO entries into their embedded PNG/BMP headers.
import { ascii, u16le, u32be } from '../io/byte-readers.js';
import { dibSize, gifSize, heifSize, icoSize, isPng, jpegSize, pngSize, type Size, webpSize } from './header-sizes.js';

/**
 * The formats {@link readImageHeader} recognizes, by id, with the name messages give them. Ids are
 * lower case everywhere (`header.format`, an adapter's list of formats it decodes); the names are
 * for people.
 *
 * @example
 * ```ts
 * const header = readImageHeader(bytes);
 * if (header) console.log(IMAGE_FORMAT_NAMES[header.format]); // 'JPEG'
 * ```
 */
export const IMAGE_FORMAT_NAMES = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  ico: 'ICO',
  tiff: 'TIFF',
  avif: 'AVIF',
  heif: 'HEIC/HEIF',
  svg: 'SVG',
} as const;

/** Formats whose header {@link readImageHeader} recognizes (see {@link IMAGE_FORMAT_NAMES}). */
export type EncodedImageFormat = keyof typeof IMAGE_FORMAT_NAMES;

/**
 * What an encoded image's header says: its format and, when the header holds it, the largest
 * width and height a decoder of it would allocate. `width`/`height` are absent when the format is
 * recognized but the header is cut short or corrupt, or when it is not read for this format
 * (TIFF; SVG, which is text without a fixed size; an AVIF/HEIF sequence, sized in its track).
 */
export interface ImageHeader {
  format: EncodedImageFormat;
  width?: number;
  height?: number;
}

/** ISO-BMFF brands of AVIF (AV1-coded HEIF): still images, sequences, intra-only. */
const AVIF_BRANDS = new Set(['avif', 'avis', 'avio']);
/** Brands of the other HEIF images: HEIC (HEVC-coded) and the generic image and sequence brands. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'mif2']);

/**
 * The brands of an ISO-BMFF `ftyp` box at the start of `bytes` (major brand first, then the
 * compatible brands), or undefined when there is none. Decoders (libavif, libheif) accept a file
 * whose major brand is anything (`iso8`, `mp42`) when a compatible brand is theirs, so whether a
 * file is AVIF/HEIF is read from the whole list.
 *
 * @example
 * ```ts
 * const brands = ftypBrands(bytes); // e.g. ['iso8', 'mif1', 'miaf', 'avif']
 * if (brands?.includes('avif')) console.log('an AVIF image');
 * ```
 */
export function ftypBrands(bytes: Uint8Array): string[] | undefined {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const size = u32be(bytes, 0);
  // 0: the box runs to the end; 1: a 64-bit size follows (an ftyp that large is not an image's)
  const end = size === 0 ? bytes.length : Math.min(size, bytes.length);
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4));
  return brands;
}

/** The first characters of bytes that may be text, byte-order mark and leading white space dropped. */
const textStart = (b: Uint8Array, n: number) =>
  ascii(b, 0, Math.min(b.length, n))
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();

/** TIFF's byte-order marks: classic (`*`) and BigTIFF (`+`), either byte order. */
const isTiff = (b: Uint8Array) =>
  b.length >= 4 &&
  ((b[0] === 0x49 && b[1] === 0x49 && (b[2] === 0x2a || b[2] === 0x2b) && b[3] === 0) || // II*\0, II+\0
    (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 0x2a || b[3] === 0x2b))); // MM\0*, MM\0+

/**
 * Recognizes an encoded image from its first bytes and reads its dimensions from the header,
 * without decoding: JPEG (first SOFn), PNG (IHDR), GIF (logical screen grown to every frame),
 * WebP (VP8, VP8L, VP8X), BMP, ICO/CUR (largest entry), AVIF and HEIF (largest `ispe`), and TIFF
 * and SVG (recognized, never sized). Never throws; `undefined` for an unrecognized format
 * ({@link describeImageBytes} names it).
 *
 * @example
 * ```ts
 * const header = readImageHeader(bytes); // { format: 'jpeg', width: 500, height: 375 }
 * if (header?.width !== undefined) assertInputPixels('upload.jpg', header.width, header.height!, limits);
 * ```
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  const b = bytes;
  const withSize = (format: EncodedImageFormat, size: Size): ImageHeader => (size ? { format, ...size } : { format });
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return withSize('jpeg', jpegSize(b));
  if (isPng(b, 0)) return withSize('png', pngSize(b, 0));
  if (b.length >= 6 && /^GIF8[79]a$/.test(ascii(b, 0, 6))) return withSize('gif', gifSize(b));
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return withSize('webp', webpSize(b));
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return withSize('bmp', dibSize(b, 14));
  if (isTiff(b)) return { format: 'tiff' };
  if (b.length >= 6 && u16le(b, 0) === 0 && (u16le(b, 2) === 1 || u16le(b, 2) === 2) && u16le(b, 4) > 0) return withSize('ico', icoSize(b));
  const brands = ftypBrands(b);
  if (brands?.some((brand) => AVIF_BRANDS.has(brand))) return withSize('avif', heifSize(b));
  if (brands?.some((brand) => HEIF_BRANDS.has(brand))) return withSize('heif', heifSize(b));
  const text = textStart(b, 1024);
  return text.startsWith('<') && /<svg[\s>/]/i.test(text) ? { format: 'svg' } : undefined;
}

/** What bytes of formats no adapter decodes look like, tested in order, for messages. */
const OTHER_FORMATS: readonly [test: (b: Uint8Array) => boolean, name: string][] = [
  [(b) => ascii(b, 4, 4) === 'ftyp', 'an ISO media file of another brand'],
  [
    (b) => (b[0] === 0x08 && b[1] === 0xf2 && b[2] === 0xa6 && b[3] === 0xb6) || (b[0] === 0xb6 && b[1] === 0xa6 && b[2] === 0xf2 && b[3] === 0x08),
    'a libvips native (.v) image',
  ],
  [(b) => b[0] === 0x1f && b[1] === 0x8b, 'gzip data (e.g. SVGZ)'],
  [(b) => ascii(b, 0, 5) === '%PDF-', 'PDF'],
  [(b) => ascii(b, 0, 9) === 'SIMPLE  =', 'FITS'],
  [(b) => /^P[1-7Ff]\s/.test(ascii(b, 0, 3)), 'Netpbm (PPM/PGM/PBM/PFM)'],
  [(b) => ascii(b, 0, 10) === '#?RADIANCE' || ascii(b, 0, 6) === '#?RGBE', 'Radiance HDR'],
  [(b) => (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51) || ascii(b, 4, 4) === 'jP  ', 'JPEG 2000'],
  [(b) => (b[0] === 0xff && b[1] === 0x0a) || ascii(b, 4, 4) === 'JXL ', 'JPEG XL'],
  [(b) => /^<\?xml/i.test(textStart(b, 256)), 'XML'],
  [(b) => textStart(b, 256).startsWith('<'), 'markup (SVG/XML/HTML)'],
];

/**
 * A name for what encoded bytes are, for a refusal: a recognized format's name (`'HEIC/HEIF'`),
 * what other common files look like (`'PDF'`, `'JPEG XL'`), else their length only. Never the
 * bytes themselves: a path may name `/etc/passwd`.
 *
 * @example
 * ```ts
 * describeImageBytes(pdf); // 'PDF'
 * describeImageBytes(new TextEncoder().encode('root:x:0:0')); // 'an unrecognised format (10 bytes)'
 * ```
 */
export function describeImageBytes(bytes: Uint8Array): string {
  const header = readImageHeader(bytes);
  if (header) return IMAGE_FORMAT_NAMES[header.format];
  return OTHER_FORMATS.find(([test]) => test(bytes))?.[1] ?? `an unrecognised format (${bytes.length} bytes)`;
}
