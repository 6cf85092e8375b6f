// Fuzzing createClassifier with hostile models given as bytes: every case must end in a working
// classifier or a typed OnnxMobilenetError, within a time bound, and never return the bytes of the
// canary file planted in the working directory. FUZZ_SEED replays a run; FUZZ_COUNT scales it
// (one model per 25 of the image fuzz's count: 80 by default, a few seconds); FUZZ_DEBUG=1 logs
// each case and its time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, isOnnxMobilenetError } from '@onnx-mobilenet/node';
import { rng } from './fuzz-inputs.js';
import { CANARY_VALUES, CLASSES, makeModelCase } from './fuzz-model-cases.js';
import { floats } from '../hostile-onnx.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const COUNT = Math.max(1, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 25));
const TIME_BOUND_MS = 15_000;
const labels = Array.from({ length: CLASSES }, (_, i) => `class ${i}`);

const cwd = process.cwd();
let dir: string;
beforeAll(() => {
  // The canary sits in the working directory (where onnxruntime resolves a model's relative
  // external data when the model comes as bytes) and in a subfolder.
  dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-fuzz-models-'));
  mkdirSync(join(dir, 'sub'));
  for (const p of ['canary.env', 'sub/canary.env']) writeFileSync(join(dir, p), floats([...CANARY_VALUES, ...CANARY_VALUES, ...CANARY_VALUES]));
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

const withTimeout = <T>(p: Promise<T>, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${TIME_BOUND_MS} ms`)), TIME_BOUND_MS).unref())]);

it(`ends every hostile model in a classifier or a typed error, in time, never leaking a file (seed ${SEED}, ${COUNT} models)`, async () => {
  const random = rng(SEED);
  const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#6a8f3c' } })
    .png()
    .toBuffer();
  const canary = new Set(CANARY_VALUES.map((v) => Math.fround(v)));
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < COUNT; i++) {
    const c = makeModelCase(random, join(dir, 'canary.env'));
    const precision = random() < 0.5 ? 'fp32' : 'model';
    const embeddings = random() < 0.5;
    const sessionOptions = random() < 0.5 ? { graphOptimizationLevel: 'disabled' as const } : undefined;
    const replay = `seed ${SEED}, case ${i}: ${c.kind}, ${precision}, embeddings ${embeddings}`;
    const t0 = performance.now();
    try {
      const classifier = await withTimeout(createClassifier({ model: c.bytes, labels, precision, embeddings, sessionOptions }), replay);
      try {
        const logits = await withTimeout(classifier.logits(image), replay);
        expect(
          Array.from(logits).filter((v) => canary.has(v)),
          `${replay} returned the canary's bytes`,
        ).toEqual([]);
        outcomes.classified = (outcomes.classified ?? 0) + 1;
      } finally {
        await classifier.dispose();
      }
    } catch (err) {
      if (!isOnnxMobilenetError(err)) throw new Error(`${replay}: untyped ${String((err as Error)?.stack ?? err)}`);
      outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
    }
    if (process.env.FUZZ_DEBUG) process.stderr.write(`${replay}: ${(performance.now() - t0).toFixed(0)} ms\n`);
  }
  console.log(`model fuzz seed ${SEED}: ${COUNT} models, outcomes ${JSON.stringify(outcomes)}`);
});
