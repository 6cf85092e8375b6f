// Generated bad (and some good) inputs for the fuzz tests: every kind the robustness issue names,
// built from the real photos with a seeded generator so a failure can be replayed by its seed.
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzCase {
  kind: string;
  input: unknown;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG whose header claims width × height (no pixel data worth the name). */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', new Uint8Array([120, 156, 99, 0, 0, 0, 1, 0, 1])),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

/** A GIF whose logical screen claims width × height. */
function gifClaiming(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return Buffer.concat([b, Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b])]);
}

/** Encoded seeds: each photo format, tiny images, animated GIF, SVG, a huge EXIF block. */
export async function seedFiles(photoPaths: string[]): Promise<{ name: string; bytes: Buffer }[]> {
  const [first, second] = photoPaths;
  if (!first || !second) throw new Error(`seedFiles() needs two photos, got ${photoPaths.length}`);
  const base = readFileSync(first);
  const small = sharp(base).resize(96, 72);
  const red = await sharp({ create: { width: 16, height: 16, channels: 3, background: 'red' } })
    .png()
    .toBuffer();
  const blue = await sharp({ create: { width: 16, height: 16, channels: 3, background: 'blue' } })
    .png()
    .toBuffer();
  const one = sharp({ create: { width: 1, height: 1, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } });
  return [
    { name: 'jpeg', bytes: readFileSync(second) },
    { name: 'png', bytes: await small.clone().png().toBuffer() },
    { name: 'webp', bytes: await small.clone().webp().toBuffer() },
    { name: 'gif', bytes: await small.clone().gif().toBuffer() },
    {
      name: 'animated gif',
      bytes: await sharp([red, blue], { join: { animated: true } })
        .gif()
        .toBuffer(),
    },
    { name: '1x1 png', bytes: await one.clone().png().toBuffer() },
    { name: '1x1 jpeg', bytes: await one.clone().jpeg().toBuffer() },
    { name: '1x1 gif', bytes: await one.clone().gif().toBuffer() },
    { name: 'svg', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="teal"/></svg>') },
    {
      name: 'huge EXIF',
      bytes: await small
        .clone()
        .jpeg()
        .withExif({ IFD0: { ImageDescription: 'x'.repeat(60_000) } })
        .toBuffer(),
    },
    { name: 'png claiming 0x10', bytes: pngClaiming(0, 10) },
    { name: 'png claiming 30000x30000', bytes: pngClaiming(30000, 30000) },
    { name: 'gif claiming 30000x30000', bytes: gifClaiming(30000, 30000) },
    {
      name: 'svg claiming 30000x30000',
      bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="30000" height="30000"><rect width="10" height="10"/></svg>'),
    },
  ];
}

function detachedBuffer(): ArrayBuffer {
  const b = new ArrayBuffer(64);
  structuredClone(b, { transfer: [b] });
  return b;
}

/** The `i`-th case of a run: kinds rotate, details come from the seeded generator. */
export function makeCase(i: number, random: () => number, seeds: { name: string; bytes: Buffer }[]): FuzzCase {
  const pick = <T>(xs: readonly T[]): T => {
    if (xs.length === 0) throw new Error('pick() from an empty list');
    return xs[Math.floor(random() * xs.length)] as T; // in range; T itself may include undefined
  };
  const seed = pick(seeds);
  switch (i % 8) {
    case 0: {
      const cut = Math.floor(random() * seed.bytes.length);
      return { kind: `truncated ${seed.name} at ${cut}/${seed.bytes.length}`, input: seed.bytes.subarray(0, cut) };
    }
    case 1:
    case 2: {
      const copy = Buffer.from(seed.bytes);
      const flips = 1 + Math.floor(random() * 20);
      for (let k = 0; k < flips; k++) copy[Math.floor(random() * copy.length)]! ^= 1 << Math.floor(random() * 8);
      return { kind: `${seed.name} with ${flips} bit flips`, input: copy };
    }
    case 3: {
      const n = Math.floor(random() * 4096);
      return { kind: `${n} random bytes`, input: Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256))) };
    }
    case 4:
      return { kind: `intact ${seed.name}`, input: seed.bytes };
    case 5: {
      const w = 1 + Math.floor(random() * 40);
      const h = 1 + Math.floor(random() * 40);
      const c = pick([1, 3, 4] as const);
      const off = pick([0, 0, -1, 1, 7]);
      const data = new Uint8Array(Math.max(0, w * h * c + off)).map(() => Math.floor(random() * 256));
      return { kind: `raw ${w}x${h}x${c} with length off by ${off}`, input: { data, width: w, height: h, channels: c } };
    }
    case 6:
      return pick<FuzzCase>([
        { kind: 'empty buffer', input: new Uint8Array(0) },
        { kind: 'number', input: 42 },
        { kind: 'null', input: null },
        { kind: 'undefined', input: undefined },
        { kind: 'plain object', input: { hello: 'world' } },
        { kind: 'boolean', input: true },
        { kind: 'detached ArrayBuffer', input: detachedBuffer() },
        { kind: 'path that does not exist', input: `/nonexistent/${Math.floor(random() * 1e6)}.jpg` },
        { kind: 'raw pixels with NaN width', input: { data: new Uint8Array(12), width: Number.NaN, height: 2, channels: 3 } },
        { kind: 'raw pixels with 2 channels', input: { data: new Uint8Array(8), width: 2, height: 2, channels: 2 } },
        { kind: 'prepared tensor of the wrong size', input: { data: new Float32Array(100), dims: [1, 3, 10, 10] } },
        { kind: 'Float64Array', input: new Float64Array(10) },
        { kind: 'symbol', input: Symbol('x') },
      ]);
    default: {
      // a photo with a random slice of its middle removed
      const a = Math.floor(random() * seed.bytes.length);
      const b = Math.min(seed.bytes.length, a + 1 + Math.floor(random() * 2000));
      return { kind: `${seed.name} without bytes ${a}-${b}`, input: Buffer.concat([seed.bytes.subarray(0, a), seed.bytes.subarray(b)]) };
    }
  }
}
