import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import type { RuntimeSession } from '../backend.js';
import { runBatch, sessionRunner, type RunnerShape } from './session-runner.js';

const SIZE = 2;
const shape: RunnerShape = { inputName: 'x', outputName: 'scores', embeddingName: 'features', cropSize: SIZE, classes: 3 };

/** A session whose scores of image b are [b, b+1, b+2] and features [10b, 10b+1]; it records what each run fetched. */
function fakeRuntime(fail?: Error) {
  const fetched: string[][] = [];
  const disposed: string[] = [];
  const tensor = (name: string, data: Float32Array) => ({ data, getData: async () => data, dispose: () => disposed.push(name) });
  const session = {
    async run(feeds: Record<string, { dims: number[] }>, fetches: string[]) {
      fetched.push(fetches);
      if (fail) throw fail;
      const n = feeds.x!.dims[0]!;
      const out: Record<string, unknown> = {
        scores: tensor(
          'scores',
          Float32Array.from({ length: 3 * n }, (_, i) => Math.floor(i / 3) + (i % 3)),
        ),
      };
      if (fetches.includes('features'))
        out.features = tensor(
          'features',
          Float32Array.from({ length: 2 * n }, (_, i) => 10 * Math.floor(i / 2) + (i % 2)),
        );
      return out;
    },
  };
  const runtime: RuntimeSession = {
    session: session as unknown as InferenceSession,
    createTensor: (data, dims) => ({ ...tensor('feed', data), dims: [...dims] }) as unknown as Tensor,
  };
  return { runtime, fetched, disposed };
}

const PER = 3 * SIZE * SIZE;
/** An image whose every input value is `value`. */
const image = (value = 0) => ({ write: (out: Float32Array, offset: number) => out.fill(value, offset, offset + PER) });

describe('runBatch', () => {
  it('writes each image into one batch tensor at its own offset', async () => {
    let fed: Float32Array | undefined;
    const { runtime } = fakeRuntime();
    const create = runtime.createTensor;
    runtime.createTensor = (data, dims) => {
      fed = data;
      return create(data, dims);
    };
    await runBatch(runtime, shape, [
      { ...image(1), embedding: false },
      { ...image(2), embedding: false },
      { ...image(3), embedding: false },
    ]);
    expect(Array.from(fed!)).toEqual([...Array(PER).fill(1), ...Array(PER).fill(2), ...Array(PER).fill(3)]);
  });

  it('fetches only the scores when no call of the batch wants the embedding', async () => {
    const { runtime, fetched, disposed } = fakeRuntime();
    const out = await runBatch(runtime, shape, [
      { ...image(), embedding: false },
      { ...image(), embedding: false },
    ]);
    expect(fetched).toEqual([['scores']]);
    expect(out.map((o) => Array.from(o.logits))).toEqual([
      [0, 1, 2],
      [1, 2, 3],
    ]);
    expect(out.every((o) => o.embedding === undefined)).toBe(true);
    expect(disposed.sort()).toEqual(['feed', 'scores']);
  });

  it('fetches the embedding too when one call wants it, and splits it per image', async () => {
    const { runtime, fetched, disposed } = fakeRuntime();
    const out = await runBatch(runtime, shape, [
      { ...image(), embedding: false },
      { ...image(), embedding: true },
    ]);
    expect(fetched).toEqual([['scores', 'features']]);
    expect(out.map((o) => Array.from(o.embedding!))).toEqual([
      [0, 1],
      [10, 11],
    ]);
    expect(disposed.sort()).toEqual(['features', 'feed', 'scores']);
  });

  it('never asks for an embedding the model lacks', async () => {
    const { runtime, fetched } = fakeRuntime();
    await runBatch(runtime, { ...shape, embeddingName: undefined }, [{ ...image(), embedding: true }]);
    expect(fetched).toEqual([['scores']]);
  });

  it('turns a runtime failure into E_INFERENCE and a wrong score count into E_MODEL_SHAPE', async () => {
    const { runtime } = fakeRuntime(new Error('kernel exploded'));
    await expect(runBatch(runtime, shape, [{ ...image(), embedding: false }])).rejects.toMatchObject({
      code: 'E_INFERENCE',
      message: expect.stringContaining('kernel exploded'),
    });
    const { runtime: ok } = fakeRuntime();
    await expect(runBatch(ok, { ...shape, classes: 4 }, [{ ...image(), embedding: false }])).rejects.toMatchObject({ code: 'E_MODEL_SHAPE' });
  });
});

describe('sessionRunner', () => {
  /** A runtime that records a copy of every batch it was fed; `transfer` detaches the input as a worker's postMessage would. */
  function recordingRuntime(transfer = false) {
    const fed: number[][] = [];
    const { runtime } = fakeRuntime();
    const create = runtime.createTensor;
    runtime.createTensor = (data, dims) => {
      expect(data.length).toBe(dims.reduce((a, b) => a * b, 1));
      fed.push(Array.from(data));
      if (transfer) structuredClone(data.buffer, { transfer: [data.buffer] });
      return create(data, dims);
    };
    const buffers: ArrayBufferLike[] = [];
    const createTracked = runtime.createTensor;
    runtime.createTensor = (data, dims) => {
      buffers.push(data.buffer);
      return createTracked(data, dims);
    };
    const runner = sessionRunner(runtime, shape);
    return { run: (items: Parameters<typeof runner.run>[0]) => runner.run(items), release: runner.release, fed, buffers };
  }
  const batch = (...values: number[]) => values.map((v) => ({ ...image(v), embedding: false }));
  const filledWith = (...values: number[]) => values.flatMap((v) => Array(PER).fill(v));

  it('feeds each run exactly its own images, whatever the size of the runs before it', async () => {
    const { run, fed } = recordingRuntime();
    await run(batch(1, 2, 3));
    await run(batch(4));
    await run(batch(5, 6));
    const out = await run(batch(7, 8, 9, 10));
    expect(fed).toEqual([filledWith(1, 2, 3), filledWith(4), filledWith(5, 6), filledWith(7, 8, 9, 10)]);
    expect(out.map((o) => Array.from(o.logits))).toEqual([0, 1, 2, 3].map((b) => [b, b + 1, b + 2]));
  });

  it('keeps one input buffer between runs, and lets go of it when released', async () => {
    const { run, release, buffers } = recordingRuntime();
    await run(batch(1, 2, 3));
    await run(batch(4));
    release();
    await run(batch(5));
    expect(buffers[1]).toBe(buffers[0]);
    expect(buffers[2]).not.toBe(buffers[0]);
  });

  it('goes on after a runtime transferred its input away (a detached buffer)', async () => {
    const { run, fed } = recordingRuntime(true);
    await run(batch(1, 2));
    await run(batch(3));
    await run(batch(4, 5));
    expect(fed).toEqual([filledWith(1, 2), filledWith(3), filledWith(4, 5)]);
  });
});
