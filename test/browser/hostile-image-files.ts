// Small files that claim (or really have) huge dimensions, built byte by byte for the hostile-input
// browser test: each stays a few KB on disk, whatever it would cost to decode.
import { crc32, deflateSync } from 'node:zlib';

const ascii = (s: string) => Buffer.from(s, 'latin1');
const be32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};
const le16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([ascii(type), data]);
  return Buffer.concat([be32(data.length), body, be32(crc32(body))]);
}

/**
 * A 1-bit grayscale PNG, all black. With `rows` it holds image data for only that many rows (a
 * header-only bomb); without, it is a complete, valid image (a real, highly compressible bomb).
 */
export function blackPng(width: number, height: number, rows = height): Buffer {
  const ihdr = Buffer.concat([be32(width), be32(height), Buffer.from([1, 0, 0, 0, 0])]);
  const raw = Buffer.alloc(rows * (1 + Math.ceil(width / 8))); // filter byte 0, then zero bits
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A JPEG whose frame header is SOF10 (progressive, arithmetic coding) claiming width x height,
 * after `appSegments` APP1 segments of 65533 bytes each (as large EXIF or ICC data would be).
 */
export function sof10Jpeg(width: number, height: number, appSegments = 0): Buffer {
  const app = Buffer.concat(Array.from({ length: appSegments }, () => Buffer.concat([Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(0xffff - 2)])));
  const sof = Buffer.from([0xff, 0xca, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  const sos = Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app, sof, sos, Buffer.alloc(64), Buffer.from([0xff, 0xd9])]);
}

/** A GIF whose logical screen is 1x1 and whose one frame is width x height, one LZW clear code. */
export function bigFrameGif(width: number, height: number): Buffer {
  return Buffer.concat([
    ascii('GIF89a'),
    le16(1),
    le16(1),
    Buffer.from([0x80, 0, 0, 0, 0, 0, 255, 255, 255]), // 2-colour global table
    Buffer.from([0x2c]),
    le16(0),
    le16(0),
    le16(width),
    le16(height),
    Buffer.from([0, 2, 2, 0x4c, 0x01, 0, 0x3b]), // min code size 2, one sub-block, trailer
  ]);
}

/** A WebP with only its VP8X header, claiming width x height. */
export function vp8xWebp(width: number, height: number): Buffer {
  const payload = Buffer.alloc(10);
  payload.writeUIntLE(width - 1, 4, 3);
  payload.writeUIntLE(height - 1, 7, 3);
  const chunk = Buffer.concat([ascii('VP8X'), Buffer.from([10, 0, 0, 0]), payload]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + chunk.length);
  return Buffer.concat([ascii('RIFF'), size, ascii('WEBP'), chunk]);
}
