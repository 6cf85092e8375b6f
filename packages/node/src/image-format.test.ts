import { describe, expect, it } from 'vitest';
import { checkPixelFormat, labqRefusal, sniffImageFormat } from './image-format.js';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const ftyp = (major: string, ...compatible: string[]) =>
  bytes([0, 0, 0, 8 + 4 * (compatible.length + 2)], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0]);

describe('sniffImageFormat', () => {
  it('recognises the six documented formats from their magic numbers', () => {
    expect(sniffImageFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ format: 'JPEG' });
    expect(sniffImageFormat(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]))).toEqual({ format: 'PNG' });
    expect(sniffImageFormat(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toEqual({ format: 'WebP' });
    expect(sniffImageFormat(bytes('GIF89a'))).toEqual({ format: 'GIF' });
    expect(sniffImageFormat(bytes('GIF87a'))).toEqual({ format: 'GIF' });
    expect(sniffImageFormat(bytes('II', [42, 0]))).toEqual({ format: 'TIFF' });
    expect(sniffImageFormat(bytes('MM', [0, 42]))).toEqual({ format: 'TIFF' });
    expect(sniffImageFormat(bytes('II', [43, 0]))).toEqual({ format: 'TIFF' }); // BigTIFF
    expect(sniffImageFormat(ftyp('avif', 'mif1', 'miaf'))).toEqual({ format: 'AVIF' });
    expect(sniffImageFormat(ftyp('mif1', 'avif'))).toEqual({ format: 'AVIF' });
  });

  it('names what everything else looks like', () => {
    const other = (b: Uint8Array) => ('other' in sniffImageFormat(b) ? (sniffImageFormat(b) as { other: string }).other : 'accepted');
    expect(other(ftyp('heic', 'mif1'))).toMatch(/^HEIC/);
    expect(other(ftyp('isom', 'mp41'))).toBe('an ISO media file of another brand');
    expect(other(bytes([0xb6, 0xa6, 0xf2, 0x08]))).toMatch(/libvips native/);
    expect(other(bytes('<?xml version="1.0"?><svg>'))).toBe('SVG/XML');
    expect(other(bytes([0xef, 0xbb, 0xbf], ' \n<svg width="1">'))).toBe('SVG/XML');
    expect(other(bytes('<html>'))).toMatch(/markup/);
    expect(other(bytes([0x1f, 0x8b, 8, 0]))).toMatch(/gzip/);
    expect(other(bytes('%PDF-1.7'))).toBe('PDF');
    expect(other(bytes('SIMPLE  =   T'))).toBe('FITS');
    expect(other(bytes('P6\n1 1\n255\n'))).toMatch(/Netpbm/);
    expect(other(bytes('BM'))).toBe('BMP');
    expect(other(bytes([0xff, 0x0a]))).toBe('JPEG XL');
    expect(other(bytes('1 2\n3 4\n'))).toBe('an unrecognised format (8 bytes)');
    expect(other(bytes([0xff, 0xd8]))).toMatch(/unrecognised/); // a JPEG marker cut short
  });

  it('never quotes the bytes: a message names the format or the size, not the contents', () => {
    const other = (b: Uint8Array) => (sniffImageFormat(b) as { other: string }).other;
    // the first bytes of /etc/passwd and /proc/self/environ, as hex and as text
    for (const text of ['root:x:0:0:root:/root:/bin/bash\n', 'SHELL=/bin/bash\0HOME=/root\0']) {
      const message = other(bytes(text));
      const hex = Array.from(Buffer.from(text).subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      expect(message).toBe(`an unrecognised format (${Buffer.byteLength(text)} bytes)`);
      expect(message).not.toContain(hex);
      expect(message).not.toContain(text.slice(0, 4));
    }
    expect(other(ftyp('SECR', 'ETS!'))).not.toMatch(/SECR|ETS!/);
  });
});

describe('checkPixelFormat', () => {
  it('reads sRGB, greyscale and CMYK as they come, converts Lab and scRGB first, refuses the rest', () => {
    expect(checkPixelFormat({ format: 'jpeg', space: 'srgb', depth: 'uchar' }, 'JPEG', 'x')).toEqual({ convertFirst: false });
    expect(checkPixelFormat({ format: 'png', space: 'grey16', depth: 'ushort' }, 'PNG', 'x')).toEqual({ convertFirst: false });
    expect(checkPixelFormat({ format: 'jpeg', space: 'cmyk', depth: 'uchar' }, 'JPEG', 'x')).toEqual({ convertFirst: false });
    expect(checkPixelFormat({ format: 'tiff', space: 'lab', depth: 'uchar' }, 'TIFF', 'x')).toEqual({ convertFirst: true });
    expect(checkPixelFormat({ format: 'tiff', space: 'labs', depth: 'short' }, 'TIFF', 'x')).toEqual({ convertFirst: true });
    expect(checkPixelFormat({ format: 'tiff', space: 'scrgb', depth: 'float' }, 'TIFF', 'x')).toEqual({ convertFirst: true });
    expect(() => checkPixelFormat({ format: 'tiff', space: 'b-w', depth: 'float' }, 'TIFF', 'x')).toThrow(/b-w colour with float samples/);
    expect(() => checkPixelFormat({ format: 'tiff', space: 'multiband', depth: 'uchar' }, 'TIFF', 'x')).toThrow(/multiband/);
    expect(() => checkPixelFormat({ format: 'tiff', space: 'xyz', depth: 'float' }, 'TIFF', 'x')).toThrow(/xyz/);
  });

  it('refuses metadata that disagrees with the sniffed format, and HEIF that is not AV1', () => {
    expect(() => checkPixelFormat({ format: 'svg', space: 'srgb', depth: 'uchar' }, 'PNG', 'x')).toThrow(/starts like PNG but sharp read it as svg/);
    expect(() => checkPixelFormat({ format: 'heif', compression: 'hevc', space: 'srgb', depth: 'uchar' }, 'AVIF', 'x')).toThrow(/hevc compression, not AVIF/);
    expect(checkPixelFormat({ format: 'heif', compression: 'av1', space: 'srgb', depth: 'uchar' }, 'AVIF', 'x')).toEqual({ convertFirst: false });
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
