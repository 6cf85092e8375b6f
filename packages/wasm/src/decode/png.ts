// PNG in JavaScript (fast-png, inflating with fflate): no wasm file to ship for it, and its pixels
// are libpng's. Made to give what sharp gives: 16-bit samples cut to their high byte, 1/2/4-bit
// grey scaled to 0-255, palettes looked up, alpha (an alpha channel or tRNS) left for core to drop
// while the stored colour is kept. Two guards first: only the chunks the pixels need reach
// fast-png (an iCCP or zTXt chunk it would inflate whole is never read), and the image data is
// inflated once, in slices, up to the size its header needs: a deflate bomb stops there.

import { Unzlib } from 'fflate';
import { decode as decodePng } from 'fast-png';
import type { RawImage } from '@onnx-mobilenet/core';
import { concatBytes } from '@onnx-mobilenet/core/adapter';

/** Channels per colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** The chunks the pixels need; everything else is left out before fast-png parses the file. */
const KEPT = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
/** Compressed bytes handed to the inflater at a time: each can grow to at most ~1032 times this. */
const SLICE = 16 * 1024;
/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

const u32 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const type = (b: Uint8Array, i: number) => String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);

/** A PNG that cannot be decoded, with the reason (the caller names the image). */
export class PngFailure extends Error {}

/** Filtered image data bytes a PNG of this header holds: one filter byte per row of every pass. */
function filteredSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0);
  if (!interlaced) return rows(width, height);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) total += rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy));
  return total;
}

/** The file with only the chunks in {@link KEPT}, and its image data inflated within its size. */
function checkedChunks(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 33 || type(bytes, 12) !== 'IHDR') throw new PngFailure('its header (IHDR) is missing or cut short');
  const width = u32(bytes, 16);
  const height = u32(bytes, 20);
  const depth = bytes[24]!;
  const colourType = bytes[25]!;
  const channels = CHANNELS[colourType];
  if (channels === undefined) throw new PngFailure(`its colour type ${colourType} is not one PNG defines`);
  const interlaced = bytes[28] === 1;
  if (interlaced && depth < 8) {
    // fast-png 8's Adam7 path reads a byte per sample ("Unsupported filter" or wrong pixels)
    throw new PngFailure(
      `it is an interlaced PNG of ${depth}-bit samples, which the PNG decoder here does not read; save it without interlacing (or with 8-bit samples)`,
    );
  }
  const expected = filteredSize(width, height, channels * depth, interlaced);
  let inflated = 0;
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
  });
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let dropped = false;
  let end = false;
  for (let at = 8; at + 12 <= bytes.length && !end; ) {
    const length = u32(bytes, at);
    const name = type(bytes, at + 4);
    const next = at + 12 + length;
    if (next > bytes.length) throw new PngFailure(`it is cut short (its ${name} chunk runs past the end of the file)`);
    if (name === 'IDAT') {
      for (let i = at + 8; i < at + 8 + length; i += SLICE) {
        inflater.push(bytes.subarray(i, Math.min(i + SLICE, at + 8 + length)));
        if (inflated > expected) throw new PngFailure(`its image data inflates to more than the ${expected} bytes its ${width}x${height} header needs`);
      }
    }
    if (KEPT.has(name)) kept.push(bytes.subarray(at, next));
    else dropped = true;
    end = name === 'IEND';
    at = next;
  }
  if (!end) throw new PngFailure('it is cut short (no IEND chunk)');
  if (inflated < expected) throw new PngFailure(`it is cut short (its image data inflates to ${inflated} of the ${expected} bytes its header needs)`);
  // nothing left out: the chunks kept are the file up to its IEND
  return dropped
    ? concatBytes(kept)
    : bytes.subarray(
        0,
        kept.reduce((n, c) => n + c.length, 0),
      );
}

/** Samples of `bits` (1, 2 or 4) bits unpacked to one byte each, rows padded to whole bytes; `scale` multiplies them. */
function unpack(packed: ArrayLike<number>, width: number, height: number, bits: number, scale: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * bits) / 8);
  const mask = (1 << bits) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * bits;
      const byte = packed[y * rowBytes + (bit >> 3)]!;
      out[y * width + x] = ((byte >> (8 - bits - (bit & 7))) & mask) * scale;
    }
  }
  return out;
}

/**
 * Decodes a PNG (its first frame, for an APNG) to 8-bit grey, RGB or RGBA pixels as sharp reads it.
 * Throws {@link PngFailure} (or fast-png's error) for a file it cannot read.
 */
export function decodePngPixels(bytes: Uint8Array): RawImage {
  const png = decodePng(checkedChunks(bytes), { checkCrc: false });
  const { width, height, depth, channels } = png;
  const data = png.data;
  if (png.palette) {
    const indices = depth < 8 ? unpack(data, width, height, depth, 1) : (data as Uint8Array);
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < indices.length; i++) {
      // an index past the palette reads as black, as in libpng
      const colour = png.palette[indices[i]!] ?? [0, 0, 0];
      rgb[i * 3] = colour[0]!;
      rgb[i * 3 + 1] = colour[1]!;
      rgb[i * 3 + 2] = colour[2]!;
    }
    return { data: rgb, width, height, channels: 3 };
  }
  let samples: Uint8Array;
  if (depth === 16) {
    samples = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) samples[i] = data[i]! >> 8; // the high byte, as libvips casts
  } else if (depth < 8) {
    samples = unpack(data, width, height, depth, 255 / ((1 << depth) - 1)); // grey only: 1/2/4-bit
  } else {
    samples = data as Uint8Array;
  }
  if (channels === 2) {
    // grey and alpha: the grey samples (core drops alpha, and takes 1, 3 or 4 channels)
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = samples[i * 2]!;
    return { data: grey, width, height, channels: 1 };
  }
  return { data: samples, width, height, channels: channels as 1 | 3 | 4 };
}
