import { describe, expect, it, vi } from 'vitest';
import type { OrtWeb } from './load-ort.js';
import { IDENTITY_MODEL, warmStart, warmStarted } from './warm-start.js';

/** A stand-in runtime module whose session creation the test settles by hand. */
function fakeOrt() {
  let settle!: { resolve: (s: { release(): Promise<void> }) => void; reject: (e: Error) => void };
  const create = vi.fn(() => new Promise((resolve, reject) => (settle = { resolve, reject })));
  return { ort: { InferenceSession: { create } } as unknown as OrtWeb, create, settle: () => settle };
}

describe('IDENTITY_MODEL', () => {
  it('is a model onnxruntime-web runs: its output is its input', async () => {
    const ort = await import('onnxruntime-web/wasm');
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(IDENTITY_MODEL as Uint8Array);
    expect([session.inputNames, session.outputNames]).toEqual([['x'], ['y']]);
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(3.5), [1]) });
    expect(Array.from(y!.data as Float32Array)).toEqual([3.5]);
    await session.release();
  }, 60_000);
});

describe('warmStart', () => {
  it('creates one wasm session per runtime module, releases it, and lets sessions wait for it', async () => {
    const { ort, create, settle } = fakeOrt();
    warmStart(ort);
    warmStart(ort);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create).toHaveBeenCalledWith(IDENTITY_MODEL, { executionProviders: ['wasm'] });
    let waited = false;
    const waiting = warmStarted(ort).then(() => (waited = true));
    await Promise.resolve();
    expect(waited).toBe(false);
    const release = vi.fn(async () => undefined);
    settle().resolve({ release });
    await waiting;
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('leaves a failed start for the real session to report', async () => {
    const { ort, settle } = fakeOrt();
    warmStart(ort);
    settle().reject(new Error('no wasm here'));
    await expect(warmStarted(ort)).resolves.toBeUndefined();
  });

  it('leaves a failed release of the warm-up session unreported too', async () => {
    const { ort, settle } = fakeOrt();
    warmStart(ort);
    settle().resolve({ release: async () => Promise.reject(new Error('release failed')) });
    await expect(warmStarted(ort)).resolves.toBeUndefined();
  });

  it('waits for nothing where no warm start was made', async () => {
    await expect(warmStarted(fakeOrt().ort)).resolves.toBeUndefined();
  });
});
