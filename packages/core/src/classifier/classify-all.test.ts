import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import type { ClassifierBackend } from '../backend.js';
import { createClassifierWithBackend } from './classifier.js';
import { classifyAllWith, type ClassifyAllResult } from './classify-all.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor } from '../image/image.js';
import type { ClassifyOptions, Prediction } from '../predictions/postprocess.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A fake classify whose top class is the input number; negative numbers fail with E_IMAGE_DECODE. Tracks calls in flight. */
function fakeClassify(delay: (n: number) => number = () => 0) {
  const stats = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const classify = async (n: number, options: ClassifyOptions): Promise<Prediction[]> => {
    stats.calls++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      const ms = delay(n);
      if (ms > 0) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, ms);
          options.signal?.addEventListener('abort', () => {
            clearTimeout(t);
            reject(options.signal?.reason);
          });
        });
      } else await Promise.resolve();
      if (n < 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', `input ${n} is not an image`);
      return [{ index: n, id: `c${n}`, label: `c${n}`, probability: 1 }];
    } finally {
      stats.inFlight--;
    }
  };
  return { classify, stats };
}

/** A source that counts how many inputs were pulled from it. */
function* counted(count: number, pulls: { n: number }): Generator<number> {
  for (let i = 0; i < count; i++) {
    pulls.n++;
    yield i;
  }
}

async function collect<T>(it: AsyncIterable<ClassifyAllResult<T>>): Promise<ClassifyAllResult<T>[]> {
  const out: ClassifyAllResult<T>[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe('classifyAll', () => {
  it('yields every input exactly once, in completion order, with its index', async () => {
    // Each input completes when the test releases it: all five in flight, released in reverse
    // order (timers of different lengths raced each other on a busy machine).
    const release = new Map<number, () => void>();
    const classify = async (n: number): Promise<Prediction[]> => {
      await new Promise<void>((resolve) => release.set(n, resolve));
      return [{ index: n, id: `c${n}`, label: `c${n}`, probability: 1 }];
    };
    const done = collect(classifyAllWith(classify, [0, 1, 2, 3, 4], { concurrency: 5 }));
    while (release.size < 5) await tick();
    for (const n of [4, 3, 2, 1, 0]) {
      release.get(n)?.();
      await tick();
    }
    const results = await done;
    expect(results.map((r) => r.index)).toEqual([4, 3, 2, 1, 0]);
    expect(results.map((r) => r.predictions?.[0]?.index)).toEqual([4, 3, 2, 1, 0]);
    expect(results.map((r) => r.input)).toEqual([4, 3, 2, 1, 0]);
  });

  it('yields a failing input as { error } and goes on', async () => {
    const { classify } = fakeClassify();
    const results = await collect(classifyAllWith(classify, [1, -1, 2, -2, 3], { concurrency: 2 }));
    expect(results).toHaveLength(5);
    const failed = results.filter((r) => r.error !== undefined);
    expect(failed.map((r) => r.input).sort((a, b) => a - b)).toEqual([-2, -1]);
    expect(failed.map((r) => (r.error as OnnxMobilenetError).code)).toEqual(['E_IMAGE_DECODE', 'E_IMAGE_DECODE']);
    expect(
      results
        .filter((r) => r.predictions)
        .map((r) => r.predictions![0]!.index)
        .sort(),
    ).toEqual([1, 2, 3]);
  });

  it('never has more than `concurrency` inputs in flight, and uses them all', async () => {
    const { classify, stats } = fakeClassify((n) => 1 + (n % 3));
    const results = await collect(
      classifyAllWith(
        classify,
        Array.from({ length: 40 }, (_, i) => i),
        { concurrency: 4 },
      ),
    );
    expect(results).toHaveLength(40);
    expect(stats.maxInFlight).toBe(4);
  });

  it('pulls the next input only when a slot frees (a slow consumer stops the pulling)', async () => {
    const pulls = { n: 0 };
    const { classify } = fakeClassify();
    const it = classifyAllWith(classify, counted(1000, pulls), { concurrency: 3 });
    const first = await it.next();
    expect(first.done).toBe(false);
    await tick(20); // the consumer dawdles: nothing more is pulled meanwhile
    expect(pulls.n).toBe(3);
    await it.next();
    await tick(20);
    expect(pulls.n).toBe(4);
    await it.return(undefined);
  });

  it('runs 100,000 inputs with at most `concurrency` pulled and not yet yielded', async () => {
    const pulls = { n: 0 };
    let yielded = 0;
    let maxOutstanding = 0;
    const { classify } = fakeClassify();
    for await (const r of classifyAllWith(classify, counted(100_000, pulls), { concurrency: 16 })) {
      yielded++;
      maxOutstanding = Math.max(maxOutstanding, pulls.n - yielded + 1); // +1: this result is pulled, just yielded
      expect(r.error).toBeUndefined();
    }
    expect(yielded).toBe(100_000);
    expect(maxOutstanding).toBeLessThanOrEqual(16);
  }, 60_000);

  it('reads an async iterable source', async () => {
    async function* slowSource() {
      for (let i = 0; i < 6; i++) {
        await tick(1);
        yield i;
      }
    }
    const { classify } = fakeClassify();
    const results = await collect(classifyAllWith(classify, slowSource(), { concurrency: 2 }));
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('on abort stops pulling, settles the in-flight inputs and rejects with the AbortError', async () => {
    const pulls = { n: 0 };
    const { classify, stats } = fakeClassify((n) => (n < 2 ? 1 : 10_000));
    const controller = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const r of classifyAllWith(classify, counted(1000, pulls), { concurrency: 4, signal: controller.signal })) seen.push(r.index);
    })();
    await tick(50);
    controller.abort();
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('AbortError');
    expect(seen.sort()).toEqual([0, 1]);
    expect(stats.inFlight).toBe(0); // settled before the iterator rejected
    expect(pulls.n).toBe(6); // 4 at start, then one per completed input; none after the abort
  });

  it('adds one listener to the caller’s signal however many inputs are in flight, and removes it', async () => {
    const controller = new AbortController();
    let listeners = 0;
    let most = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      most = Math.max(most, listeners);
      add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    const { classify, stats } = fakeClassify(() => 2);
    const results = await collect(
      classifyAllWith(
        classify,
        Array.from({ length: 50 }, (_, i) => i),
        { concurrency: 20, signal: controller.signal },
      ),
    );
    expect(results).toHaveLength(50);
    expect(stats.maxInFlight).toBe(20);
    expect(most).toBe(1);
    expect(listeners).toBe(0);
  });

  it('leaving early closes the source and waits for the in-flight inputs', async () => {
    let closed = false;
    function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const { classify, stats } = fakeClassify(() => 2);
    for await (const r of classifyAllWith(classify, source(), { concurrency: 4 })) if (r.index >= 5) break;
    expect(closed).toBe(true);
    expect(stats.inFlight).toBe(0);
  });

  it('rejects bad options and sources with E_INPUT', async () => {
    const { classify } = fakeClassify();
    await expect(classifyAllWith(classify, [1], { concurrency: 0 }).next()).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(classifyAllWith(classify, 42 as unknown as number[]).next()).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});

describe('classifier.classifyAll', () => {
  const SIZE = 224;
  /** The smallest fake backend: class k scores -|k - 10·v| for an image filled with v. */
  function backend(): ClassifierBackend<never> {
    const session = {
      inputNames: ['input'],
      outputNames: ['output'],
      inputMetadata: [{ name: 'input', isTensor: true, type: 'float32', shape: ['batch_size', 3, SIZE, SIZE] }],
      outputMetadata: [{ name: 'output', isTensor: true, type: 'float32', shape: ['batch_size', 10] }],
      release: async () => undefined,
      async run(feeds: Record<string, { data: Float32Array; dims: number[] }>) {
        const feed = feeds.input!;
        const n = feed.dims[0]!;
        const out = new Float32Array(n * 10);
        for (let b = 0; b < n; b++) for (let k = 0; k < 10; k++) out[b * 10 + k] = -Math.abs(k - 10 * feed.data[b * 3 * SIZE * SIZE]!);
        return { output: { data: out, dims: [n, 10], getData: async () => out, dispose() {} } };
      },
    };
    return {
      runtime: {
        name: 'fake',
        createSession: async () => ({
          session: session as unknown as InferenceSession,
          createTensor: (data, dims) => ({ data, dims: [...dims], dispose() {} }) as unknown as Tensor,
        }),
      },
      assets: { loadAsset: async () => new Uint8Array(0) },
      decoder: { open: async () => Promise.reject(new Error('not used')) },
      platform: { warn: () => undefined },
    };
  }
  const filled = (v: number): PreparedTensor => ({ data: new Float32Array(3 * SIZE * SIZE).fill(v), dims: [1, 3, SIZE, SIZE] });

  it('classifies every prepared tensor and reports a bad one as an error', async () => {
    const c = await createClassifierWithBackend(backend(), { model: new Uint8Array(0), labels: Array.from({ length: 10 }, (_, i) => `class${i}`) });
    const bad = { data: new Float32Array(5), dims: [1, 3, SIZE, SIZE] } as PreparedTensor;
    const inputs = [filled(0.1), filled(0.7), bad, filled(0.4)];
    const results = await collect(c.classifyAll(inputs, { topK: 1, concurrency: 2 }));
    const top = new Map(results.map((r) => [r.index, r.predictions?.[0]?.label ?? (r.error as OnnxMobilenetError).code]));
    expect([...top.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(top.get(0)).toBe('class1');
    expect(top.get(1)).toBe('class7');
    expect(top.get(2)).toBe('E_INPUT');
    expect(top.get(3)).toBe('class4');
    expect(results.find((r) => r.index === 1)?.input).toBe(inputs[1]);
    await c.dispose();
  });
});
