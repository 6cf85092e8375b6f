// What the wasm decoder's tests share (packages/wasm/src/decode/*.test.ts): a test card, sharp's
// decode of the same bytes as the Node adapter takes it, and the comparison of the two.
import sharp, { type Sharp } from 'sharp';
import { expect } from 'vitest';
import { DEFAULTS, type Limits, type OnnxMobilenetError, type RawImage } from '@onnx-mobilenet/core';

sharp.cache(false);

/** The limits the tests decode under: the defaults. */
export const limits: Limits = { ...DEFAULTS.limits };

/** sharp's decode of the same bytes, as the Node adapter takes it: orientation applied, alpha dropped, 8-bit sRGB. */
export async function sharpRgb(bytes: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(bytes, { ignoreIcc: true })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** Our pixels as RGB (grey replicated, alpha dropped: what core's preprocessing reads). */
export function rgbOf(image: RawImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = image.data[i * image.channels + (image.channels === 1 ? 0 : c)]!;
  }
  return out;
}

/** Largest per-sample difference between `decode`'s pixels and sharp's, after checking the sizes agree. */
export async function maxDiffFromSharp(decode: (bytes: Uint8Array) => Promise<RawImage>, bytes: Uint8Array): Promise<number> {
  const [ours, theirs] = [await decode(bytes), await sharpRgb(bytes)];
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
  const rgb = rgbOf(ours);
  let max = 0;
  for (let i = 0; i < rgb.length; i++) max = Math.max(max, Math.abs(rgb[i]! - theirs.data[i]!));
  return max;
}

/** A 37×23 test card (odd sizes, so a wrong turn or flip shows): gradients and a hard-edged block. */
export function card(): Sharp {
  const w = 37;
  const h = 23;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const block = x > 5 && x < 14 && y > 3 && y < 9;
      data[i] = block ? 250 : Math.round((x / w) * 255);
      data[i + 1] = block ? 20 : Math.round((y / h) * 255);
      data[i + 2] = (x * 7 + y * 13) % 256;
    }
  }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
}

/** The error a promise rejects with, or undefined when it resolves. */
export const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => err as OnnxMobilenetError,
  );
