import { describe, expect, it } from 'vitest';
import { checkPixelFormat, labqRefusal, nodeImageHeader } from './image-format.js';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const ftyp = (major: string, ...compatible: string[]) =>
  bytes([0, 0, 0, 8 + 4 * (compatible.length + 2)], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0]);

describe('nodeImageHeader', () => {
  it("accepts the six documented formats by core's sniffer, with their lower-case ids", () => {
    const format = (b: Uint8Array) => nodeImageHeader(b, 'x').format;
    expect(format(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(format(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]))).toBe('png');
    expect(format(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toBe('webp');
    expect(format(bytes('GIF89a'))).toBe('gif');
    expect(format(bytes('GIF87a'))).toBe('gif');
    expect(format(bytes('II', [42, 0]))).toBe('tiff');
    expect(format(bytes('MM', [0, 42]))).toBe('tiff');
    expect(format(bytes('II', [43, 0]))).toBe('tiff'); // BigTIFF
    expect(format(ftyp('avif', 'mif1', 'miaf'))).toBe('avif');
    expect(format(ftyp('mif1', 'avif'))).toBe('avif');
  });

  it('refuses everything else with E_IMAGE_DECODE, naming it and the six formats', () => {
    const refusal = (b: Uint8Array) => {
      try {
        nodeImageHeader(b, 'x');
      } catch (err) {
        return err;
      }
      return 'accepted';
    };
    expect(refusal(ftyp('heic', 'mif1'))).toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: 'cannot decode image x: it is HEIC/HEIF, not one of the formats the Node adapter reads (JPEG, PNG, WebP, GIF, TIFF, AVIF)',
    });
    expect(refusal(bytes('BM'))).toMatchObject({ message: expect.stringContaining('it is BMP, not one') });
    expect(refusal(bytes('%PDF-1.7'))).toMatchObject({ message: expect.stringContaining('it is PDF, not one') });
    expect(refusal(bytes([0xff, 0xd8]))).toMatchObject({ message: expect.stringContaining('it is an unrecognised format (2 bytes)') }); // a JPEG marker cut short
  });
});

describe('checkPixelFormat', () => {
  it('reads sRGB, greyscale and CMYK as they come, converts Lab and scRGB first, refuses the rest', () => {
    expect(checkPixelFormat({ format: 'jpeg', space: 'srgb', depth: 'uchar' }, 'jpeg', 'x')).toEqual({ convertFirst: false });
    expect(checkPixelFormat({ format: 'png', space: 'grey16', depth: 'ushort' }, 'png', 'x')).toEqual({ convertFirst: false });
    expect(checkPixelFormat({ format: 'jpeg', space: 'cmyk', depth: 'uchar' }, 'jpeg', 'x')).toEqual({ convertFirst: false });
    expect(checkPixelFormat({ format: 'tiff', space: 'lab', depth: 'uchar' }, 'tiff', 'x')).toEqual({ convertFirst: true });
    expect(checkPixelFormat({ format: 'tiff', space: 'labs', depth: 'short' }, 'tiff', 'x')).toEqual({ convertFirst: true });
    expect(checkPixelFormat({ format: 'tiff', space: 'scrgb', depth: 'float' }, 'tiff', 'x')).toEqual({ convertFirst: true });
    expect(() => checkPixelFormat({ format: 'tiff', space: 'b-w', depth: 'float' }, 'tiff', 'x')).toThrow(/b-w colour with float samples/);
    expect(() => checkPixelFormat({ format: 'tiff', space: 'multiband', depth: 'uchar' }, 'tiff', 'x')).toThrow(/multiband/);
    expect(() => checkPixelFormat({ format: 'tiff', space: 'xyz', depth: 'float' }, 'tiff', 'x')).toThrow(/xyz/);
  });

  it('refuses metadata that disagrees with the sniffed format, and HEIF that is not AV1', () => {
    expect(() => checkPixelFormat({ format: 'svg', space: 'srgb', depth: 'uchar' }, 'png', 'x')).toThrow(/starts like PNG but sharp read it as svg/);
    expect(() => checkPixelFormat({ format: 'heif', compression: 'hevc', space: 'srgb', depth: 'uchar' }, 'avif', 'x')).toThrow(/hevc compression, not AVIF/);
    expect(checkPixelFormat({ format: 'heif', compression: 'av1', space: 'srgb', depth: 'uchar' }, 'avif', 'x')).toEqual({ convertFirst: false });
  });
});

describe('labqRefusal', () => {
  it("names the 8-bit CIELab TIFF and the sharp that reads it for libvips 8.18.7's refusal, and nothing else", () => {
    // the text sharp 0.35.5 (libvips 8.18.7) throws for an 8-bit CIELab TIFF, recorded from it
    const refused = labqRefusal('Input buffer has corrupt header: image: bad labq format', 'lab.tif', '8.18.7');
    expect(refused).toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: expect.stringMatching(/^cannot decode image lab\.tif: it is an 8-bit CIELab \(LabQ\) TIFF.*libvips 8\.18\.7.*sharp 0\.35\.6 or later/),
    });
    expect(labqRefusal('Input buffer has corrupt header: tiff2vips: unsupported sample format', 'x.tif', '8.18.8')).toBeUndefined();
  });
});
