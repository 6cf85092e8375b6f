import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createClassifierWithBackend } from './classifier.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import { crop, fakeBackend, filled, LABELS, model, pixels } from '../../../../test/fake-backend.js';

describe('a classify(array) call', () => {
  const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

  it('names the input that could not be prepared: its index and the array length, code and cause kept', async () => {
    const bad = new OnnxMobilenetError('E_IMAGE_DECODE', 'cannot decode image 3-byte buffer: not a JPEG');
    const decoder = {
      open: async (input: never) => {
        if ((input as string) === 'bad') throw bad;
        return crop();
      },
    };
    const { backend } = fakeBackend({ decoder });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    const err = await c.classify(['good', 'good', 'bad', 'good'] as never[]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxMobilenetError);
    expect(err).toMatchObject({ code: 'E_IMAGE_DECODE', message: 'inputs[2] (of 4): cannot decode image 3-byte buffer: not a JPEG', cause: bad });
    // core's own checks are named the same way
    await expect(c.classify([pixels(), null] as never[])).rejects.toMatchObject({
      code: 'E_INPUT',
      message: 'inputs[1] (of 2): expected an image, got null',
    });
    // bytes whose buffer was transferred away fail as the call starts, named the same way
    const gone = new Uint8Array(8);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    await expect(c.classify([new Uint8Array(8), gone] as never[])).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringMatching(/^inputs\[1\] \(of 2\): the image buffer is detached/),
    });
    // one image, not in an array: the error as it was thrown
    await expect(c.classify('bad' as never)).rejects.toBe(bad);
  });

  it('stops at its first failure: images still decoding are not run afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const decoder = {
      open: async (input: never) => {
        if ((input as string) === 'bad') throw new Error('not an image');
        await gate;
        return crop();
      },
    };
    const { backend, batches } = fakeBackend({ decoder });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    const inputs = ['bad', ...Array(20).fill('good')] as never[];
    await expect(c.classify(inputs)).rejects.toThrow('not an image');
    release();
    await tick(20);
    expect(batches).toEqual([]);
  });

  it('stops when its signal aborts: images waiting for a run leave the queue unrun', async () => {
    const { backend, batches } = fakeBackend({ runDelayMs: 30, decoder: { open: async () => crop() } });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, batchSize: 4 });
    const controller = new AbortController();
    const call = c.classify(Array(24).fill('x') as never[], { signal: controller.signal });
    while (batches.length === 0) await tick();
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await tick(100);
    // the run under way when it aborted finishes; nothing queued after it runs
    expect(batches).toHaveLength(1);
    expect(batches[0]).toBeLessThanOrEqual(4);
    // and the classifier goes on serving other calls
    expect(await c.classify(filled(0.3))).toHaveLength(5);
  });

  it('adds at most a few listeners to any signal, however many images are decoding (Node warns of a leak past 10)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen = new Set<AbortSignal>();
    const decoder = {
      open: async (_input: never, { signal }: { signal?: AbortSignal | undefined }) => {
        if (signal) seen.add(signal);
        // as Node's fetch does with the signal it is given
        signal?.addEventListener('abort', () => {});
        await gate;
        return crop();
      },
    };
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const { backend } = fakeBackend({ decoder });
      const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
      const caller = new AbortController();
      const call = c.classify(Array(64).fill('x') as never[], { signal: caller.signal });
      await tick();
      expect(seen.size).toBeGreaterThan(0);
      const most = Math.max(getEventListeners(caller.signal, 'abort').length, ...[...seen].map((s) => getEventListeners(s, 'abort').length));
      expect(most).toBeLessThanOrEqual(3);
      release();
      expect(await call).toHaveLength(64);
      await tick();
      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it("runs at most the decoder's maxConcurrent decodes at once, and classifies every image", async () => {
    let decoding = 0;
    let most = 0;
    const decoder = {
      maxConcurrent: 3,
      open: async () => {
        most = Math.max(most, ++decoding);
        await tick(1);
        decoding--;
        return crop();
      },
    };
    const { backend } = fakeBackend({ decoder });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    expect(await c.classify(Array(20).fill('x') as never[])).toHaveLength(20);
    expect(most).toBe(3);
  });

  it('runs at most maxConcurrentDecodes images at once across concurrent calls, holding each slot until its run', async () => {
    let held = 0;
    let most = 0;
    const decoder = {
      open: async () => {
        most = Math.max(most, ++held);
        await tick(1);
        return crop();
      },
    };
    const { backend, session } = fakeBackend({ decoder, runDelayMs: 2 });
    const run = session.run.bind(session);
    // a slot is free again once the image's run is over: count the images run
    session.run = async (feeds: Parameters<typeof run>[0]) => {
      const out = await run(feeds);
      held -= feeds.input!.dims[0]!;
      return out;
    };
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, maxConcurrentDecodes: 4 });
    const calls = Array.from({ length: 30 }, () => c.classify('x' as never));
    expect(await Promise.all(calls)).toHaveLength(30);
    expect(most).toBe(4);
  });
});
