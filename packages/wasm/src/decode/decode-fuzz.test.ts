// Mutated JPEG, PNG and WebP files through the wasm decoder: every one decodes to consistent pixels
// or is refused with a typed error (E_IMAGE_DECODE, E_LIMIT); nothing else is thrown and nothing
// hangs. Seeded: FUZZ_SEED replays a run, FUZZ_COUNT scales it (default 2000 -> 240 files).
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { DEFAULTS, OnnxMobilenetError } from '@onnx-mobilenet/core';
import { describeWithAssets, photo } from '../../../../test/assets.js';
import { EdgeCodecs, decodeEncodedImage } from './decode-image.js';
import { loadCodecModules } from './node-codecs.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const COUNT = Math.max(3, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 25) * 3);

/** mulberry32: a small seeded generator, so a failure replays from its seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** One mutation of `bytes`: flipped bytes, a cut, a run of copies, or a header field changed. */
function mutate(random: () => number, bytes: Uint8Array): { how: string; bytes: Uint8Array } {
  const out = Uint8Array.from(bytes);
  const at = (lo = 0) => lo + Math.floor(random() * (out.length - lo));
  switch (Math.floor(random() * 4)) {
    case 0: {
      const n = 1 + Math.floor(random() * 16);
      for (let i = 0; i < n; i++) out[at()] = Math.floor(random() * 256);
      return { how: `${n} bytes set`, bytes: out };
    }
    case 1: {
      const end = at(1);
      return { how: `cut at ${end}`, bytes: out.subarray(0, end) };
    }
    case 2: {
      const from = at();
      const length = Math.floor(random() * 64);
      out.copyWithin(at(), from, from + length);
      return { how: `${length} bytes copied from ${from}`, bytes: out };
    }
    default: {
      // within the first 64 bytes: sizes, chunk lengths, markers
      const i = Math.floor(random() * Math.min(64, out.length));
      out[i] = random() < 0.5 ? 0xff : 0;
      return { how: `header byte ${i} set to ${out[i]}`, bytes: out };
    }
  }
}

describeWithAssets('the wasm decoder on mutated files', () => {
  let codecs: EdgeCodecs;
  let files: [string, Uint8Array][];
  beforeAll(async () => {
    codecs = new EdgeCodecs(await loadCodecModules());
    const small = sharp(photo(0).path).resize(96, 72);
    files = [
      ['jpeg', await small.clone().jpeg().toBuffer()],
      ['progressive jpeg', await small.clone().jpeg({ progressive: true }).toBuffer()],
      ['png', await small.clone().png().toBuffer()],
      ['palette png', await small.clone().png({ palette: true }).toBuffer()],
      ['webp', await small.clone().webp().toBuffer()],
      ['lossless webp', await small.clone().webp({ lossless: true }).toBuffer()],
    ];
  });

  it(`decodes or refuses with a typed error, ${COUNT} files (FUZZ_SEED=${SEED})`, async () => {
    const random = generator(SEED);
    const limits = { ...DEFAULTS.limits, maxInputPixels: 4_000_000 };
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < COUNT; i++) {
      const [kind, original] = files[i % files.length]!;
      const { how, bytes } = mutate(random, original);
      const replay = `FUZZ_SEED=${SEED} case ${i}: ${kind}, ${how}`;
      try {
        const image = await decodeEncodedImage(bytes, 'fuzz', codecs, limits);
        expect(image.data.length, replay).toBe(image.width * image.height * image.channels);
        outcomes.decoded = (outcomes.decoded ?? 0) + 1;
      } catch (err) {
        expect(err, `${replay}: ${String(err)}`).toBeInstanceOf(OnnxMobilenetError);
        const code = (err as OnnxMobilenetError).code;
        expect(['E_IMAGE_DECODE', 'E_LIMIT'], `${replay}: ${String(err)}`).toContain(code);
        outcomes[code] = (outcomes[code] ?? 0) + 1;
      }
    }
    console.log(`wasm decoder fuzz (FUZZ_SEED=${SEED}): ${JSON.stringify(outcomes)}`);
    // and the codecs still decode an intact file exactly afterwards
    const after = await decodeEncodedImage(files[0]![1], 'intact', codecs, limits);
    expect([after.width, after.height]).toEqual([96, 72]);
  });
});
