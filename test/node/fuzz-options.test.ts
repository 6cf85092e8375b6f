// Fuzzing the options against prototype pollution: random properties named like options (and
// like the keys nested in them, onnxruntime's session options included) put on Object.prototype
// and Array.prototype, with odd values and getters that throw; the same classifier calls must
// behave exactly as without them, and nothing may be written where a polluted option points.
// Random throwing getters on the caller's own options must end in E_INPUT naming the option.
// The prototypes are restored after each case. FUZZ_SEED replays a run; FUZZ_COUNT / 25 cases
// (80 by default, 800 under `pnpm fuzz`).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, DEFAULTS, isOnnxMobilenetError, type ClassifierOptions } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { describePollution, type Pollution, withPollution } from '../pollution.js';
import { pngClaiming, rng } from './fuzz-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const COUNT = Math.max(1, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 25));
const TIME_BOUND_MS = 20_000;

/** Option names of createClassifier and of the calls, and keys nested in them (limits, preprocess, onnxruntime's session and run options). */
const KEYS = [
  ...['model', 'sha256', 'labels', 'embeddings', 'limits', 'preprocess', 'topK', 'batchSize', 'precision', 'executionProviders', 'threads'],
  ...['sessionOptions', 'mirror', 'onProgress', 'cacheDir', 'wasmPaths', 'threshold', 'allow', 'deny', 'normalize', 'concurrency'],
  ...Object.keys(DEFAULTS.limits),
  ...['resizeShorter', 'cropSize', 'mean', 'std'],
  ...['optimizedModelFilePath', 'enableProfiling', 'profileFilePrefix', 'extra', 'graphOptimizationLevel', 'executionMode', 'enableCpuMemArena'],
  ...['enableMemPattern', 'freeDimensionOverrides', 'interOpNumThreads', 'intraOpNumThreads', 'logId', 'terminate', 'tag', 'session.intra_op.allow_spinning'],
];

describeWithAssets(`fuzzing options under prototype pollution (seed ${SEED}, ${COUNT} cases)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-fuzz-options-'));
  const written = join(dir, 'written');
  const mirror = pathToFileURL(join(dir, 'zoo')).href;
  const huge = pngClaiming(20_000, 20_000);
  beforeAll(() => {
    mkdirSync(written);
    mkdirSync(join(dir, 'zoo'));
    symlinkSync(SYNSET, join(dir, 'zoo', 'synset.txt'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What callers pass: labels from the mirror or given, limits and preprocessing set or left out. */
  const callers: (() => ClassifierOptions & { cacheDir?: string })[] = [
    () => ({ model: INT8_MODEL, mirror }),
    () => ({ model: INT8_MODEL, labels: SYNSET, limits: { maxInputPixels: 50_000_000 }, preprocess: { mode: 'squash' }, topK: 3 }),
    () => ({ model: INT8_MODEL, labels: SYNSET, sessionOptions: { extra: {} }, executionProviders: ['cpu'], precision: 'model', cacheDir: join(dir, 'cache') }),
  ];

  async function settle<T>(p: Promise<T>): Promise<{ value: T } | { error: string }> {
    try {
      return { value: await p };
    } catch (err) {
      return { error: isOnnxMobilenetError(err) ? `${err.code}: ${err.message}` : `untyped ${String((err as Error)?.stack ?? err)}` };
    }
  }

  async function outcome(options: ClassifierOptions) {
    const made = await settle(createClassifier(options));
    if ('error' in made) return { made: made.error };
    const c = made.value;
    try {
      return {
        model: { ...c.model, classes: c.model.classes },
        preprocess: c.preprocessOptions,
        classify: await settle(c.classify(photo(0).path)),
        top2: await settle(c.classify([photo(1).path], { topK: 2 })),
        huge: await settle(c.classify(huge)),
        all: await settle(
          (async () => {
            const out: unknown[] = [];
            for await (const r of c.classifyAll([photo(2).path])) out.push(r.error ? String(r.error) : r.predictions);
            return out;
          })(),
        ),
      };
    } finally {
      await c.dispose();
    }
  }

  function pick<T>(random: () => number, xs: readonly T[]): T {
    return xs[Math.floor(random() * xs.length)]!;
  }

  /** A value an attacker might plant: odd numbers, paths, arrays, objects shaped like our options, functions. */
  function value(random: () => number, depth = 0): unknown {
    const r = random();
    if (r < 0.3) return pick(random, [0, -1, 0.5, 1, 3, 1e6 + 0.5, 1e12, 2 ** 32, Number.NaN, Infinity, -Infinity]);
    if (r < 0.5) return pick(random, ['/etc/passwd', join(written, 'x.onnx'), 'squash', 'fp32', 'model', 'no-such-provider', '', 'tench']);
    if (r < 0.6) return pick(random, [true, false, null]);
    if (r < 0.7)
      return () => {
        throw new Error('planted function');
      };
    if (r < 0.85 && depth < 2) return Array.from({ length: 1 + Math.floor(random() * 3) }, () => value(random, depth + 1));
    if (depth < 2) return Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 3) }, () => [pick(random, KEYS), value(random, depth + 1)]));
    return join(written, 'y');
  }

  function pollutions(random: () => number): Pollution[] {
    const out: Pollution[] = [];
    const used = new Set<string>();
    for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
      const onArray = random() < 0.15;
      const key = onArray ? String(Math.floor(random() * 4)) : pick(random, KEYS);
      if (used.has(key)) continue;
      used.add(key);
      // No getter on Array.prototype's indices: one without a setter makes every array write past it throw, anywhere
      const get =
        !onArray && random() < 0.15
          ? () => {
              throw new Error(`planted getter ${key}`);
            }
          : undefined;
      out.push({ on: onArray ? 'Array' : 'Object', key, ...(get ? { get } : { value: value(random) }) });
    }
    return out;
  }

  const baselines = new Map<number, unknown>();
  beforeAll(async () => {
    for (const [i, caller] of callers.entries()) baselines.set(i, await outcome(caller()));
  });

  it(
    'behaves exactly as without the pollution, writes nothing, and names a throwing getter of the caller',
    async () => {
      const random = rng(SEED);
      const kinds = { polluted: 0, getters: 0 };
      for (let i = 0; i < COUNT; i++) {
        const which = Math.floor(random() * callers.length);
        const t0 = performance.now();
        if (random() < 0.8) {
          const planted = pollutions(random);
          const replay = `seed ${SEED}, case ${i}: caller ${which}, ${planted.map(describePollution).join(', ')}`;
          const polluted = await withPollution(planted, () => outcome(callers[which]!()));
          expect(polluted, replay).toEqual(baselines.get(which));
          expect(readdirSync(written), replay).toEqual([]);
          kinds.polluted++;
        } else {
          // A throwing getter on one of the caller's own options, at the top or one level down
          const options = callers[which]!() as Record<string, unknown>;
          const nested = Object.entries(options).filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v));
          const [holder, path] = nested.length > 0 && random() < 0.5 ? (([k, v]) => [v as object, `${k}.`])(pick(random, nested)) : [options, ''];
          const key = pick(random, KEYS);
          Object.defineProperty(holder, key, {
            enumerable: true,
            configurable: true,
            get() {
              throw new Error('planted getter');
            },
          });
          const replay = `seed ${SEED}, case ${i}: caller ${which}, getter ${path}${key}`;
          const made = await settle(createClassifier(options));
          if ('value' in made) await made.value.dispose();
          expect(made, replay).toEqual({ error: `E_INPUT: reading option ${path}${key} threw: planted getter` });
          kinds.getters++;
        }
        const ms = performance.now() - t0;
        expect(ms, `case ${i} took ${ms.toFixed(0)} ms`).toBeLessThan(TIME_BOUND_MS);
      }
      console.log(`options fuzz seed ${SEED}: ${COUNT} cases, ${JSON.stringify(kinds)}`);
      // About 0.3 s a case (a classifier made and used): room for a machine many times busier
    },
    60_000 + COUNT * 3_000,
  );
});
