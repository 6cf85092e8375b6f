// Fuzzing the public API: every generated input must end in predictions or a typed
// OnnxMobilenetError with a code and a message, within a time bound, without crashing the process
// or leaving unhandled rejections, and memory must come back down afterwards.
// FUZZ_SEED and FUZZ_COUNT replay or extend a run (`pnpm fuzz` runs 20,000).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, isOnnxMobilenetError, type NodeClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { makeCase, rng, seedFiles } from './fuzz-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2000);
const TIME_BOUND_MS = 10_000;

describeWithAssets(`fuzzing classify() (seed ${SEED}, ${COUNT} inputs)`, () => {
  let classifier: NodeClassifier;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await classifier?.dispose();
  });

  it('ends every input in predictions or a typed error, in time, with memory back near its baseline', async () => {
    const seeds = await seedFiles(photos().map((p) => p.path));
    const random = rng(SEED);
    const codes: Record<string, number> = {};
    let predictions = 0;
    const warm = seeds.find((s) => s.name === 'jpeg')!.bytes;
    for (let i = 0; i < 20; i++) await classifier.classify(warm);
    const rssBefore = process.memoryUsage().rss;
    let slowest = 0;
    for (let i = 0; i < COUNT; i++) {
      const c = makeCase(i, random, seeds);
      const replay = `seed ${SEED}, case ${i}: ${c.kind}`;
      const t0 = performance.now();
      try {
        const result = await classifier.classify(c.input as never, { topK: 3 });
        expect(result, replay).toHaveLength(3);
        expect(
          result.every((p) => p.probability >= 0 && p.probability <= 1),
          replay,
        ).toBe(true);
        predictions++;
      } catch (err) {
        if (!isOnnxMobilenetError(err)) throw new Error(`${replay}: untyped ${String((err as Error)?.stack ?? err)}`);
        expect(err.message.length, replay).toBeGreaterThan(10);
        codes[err.code] = (codes[err.code] ?? 0) + 1;
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      expect(ms, `${replay} took ${ms.toFixed(0)} ms`).toBeLessThan(TIME_BOUND_MS);
    }
    await new Promise((r) => setTimeout(r, 50));
    const rssAfter = process.memoryUsage().rss;
    const growthMB = (rssAfter - rssBefore) / 2 ** 20;
    console.log(
      `fuzz seed ${SEED}: ${COUNT} inputs, ${predictions} predictions, typed errors ${JSON.stringify(codes)}, 0 crashes, slowest ${slowest.toFixed(0)} ms, RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(rssAfter / 2 ** 20).toFixed(0)} MB`,
    );
    expect(unhandled).toEqual([]);
    expect(Object.keys(codes).sort()).toEqual(expect.arrayContaining(['E_IMAGE_DECODE', 'E_INPUT', 'E_LIMIT', 'E_NOT_FOUND']));
    // glibc keeps freed pages and libvips' operation cache may hold up to 50 MB; a leak per input would pass this
    expect(growthMB).toBeLessThan(120);
  });
});
