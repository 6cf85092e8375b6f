import { describe, expect, it } from 'vitest';
import type { ClassifierBackend } from '../backend.js';
import { createClassifierWithBackend } from './classifier.js';
import { fakeBackend, type FakeOptions, filled, LABELS, model, SIZE } from '../../../../test/fake-backend.js';

describe('createClassifierWithBackend: loading and options', () => {
  it.each([
    [{ inputShape: ['N', 3, SIZE] }, /float32 N×3×H×W.*\[N, 3, 224\]/],
    [{ inputShape: ['N', 1, SIZE, SIZE] }, /N×3×H×W/],
    [{ outputShape: ['N', 10, 1, 1] }, /N×classes.*\[N, 10, 1, 1\]/],
  ] as const)('rejects a model that does not fit with E_MODEL_SHAPE (%j)', async (shape, message) => {
    const { backend, release } = fakeBackend(shape as unknown as FakeOptions);
    await expect(createClassifierWithBackend(backend, { model, labels: LABELS })).rejects.toMatchObject({
      code: 'E_MODEL_SHAPE',
      message: expect.stringMatching(message),
    });
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('rejects labels that do not match the class count, and an unloadable model', async () => {
    const { backend } = fakeBackend();
    await expect(createClassifierWithBackend(backend, { model, labels: ['a', 'b'] })).rejects.toMatchObject({
      code: 'E_LABELS',
      message: expect.stringContaining('outputs 10 classes but the label list has 2'),
    });
    const broken = { ...backend, runtime: { name: 'fake', createSession: async () => Promise.reject(new Error('protobuf parsing failed')) } };
    await expect(createClassifierWithBackend(broken, { model, labels: LABELS })).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('protobuf parsing failed'),
    });
  });

  it('rejects bad arguments with E_INPUT', async () => {
    const { backend } = fakeBackend();
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    await expect(c.classify(filled(0.1), { topK: 0 })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(c.classify(filled(0.1), { threshold: 2 })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(c.classify({ data: new Float32Array(10), dims: [1, 3, 2, 2] })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(c.classify({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 })).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('needs 12'),
    });
    await expect(createClassifierWithBackend(backend, { model: 42 as never })).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('rejects options that are not objects and signals that are not AbortSignals with E_INPUT', async () => {
    const { backend } = fakeBackend();
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    const typed = { name: 'OnnxMobilenetError', code: 'E_INPUT' };
    await expect(c.logits(filled(0.1), null as never)).rejects.toMatchObject(typed);
    await expect(c.prepare(filled(0.1), null as never)).rejects.toMatchObject(typed);
    await expect(c.embed(filled(0.1), 7 as never)).rejects.toMatchObject(typed);
    await expect(c.classify(filled(0.1), { signal: 'yes' as never })).rejects.toMatchObject({ ...typed, message: expect.stringMatching(/signal/) });
    await expect(c.logits(filled(0.1), { signal: {} as never })).rejects.toMatchObject(typed);
    await expect(createClassifierWithBackend(backend, { model, labels: LABELS, signal: 'yes' as never })).rejects.toMatchObject(typed);
  });

  it('refuses label arrays with anything but non-empty strings (E_LABELS), instead of stringifying them', async () => {
    const { backend } = fakeBackend();
    for (const bad of [
      [...LABELS.slice(0, 9), 9],
      [...LABELS.slice(0, 9), null],
      [...LABELS.slice(0, 9), { toString: () => 'x' }],
    ]) {
      await expect(createClassifierWithBackend(backend, { model, labels: bad as never })).rejects.toMatchObject({
        code: 'E_LABELS',
        message: expect.stringMatching(/label 9 /),
      });
    }
  });

  it('refuses maxConcurrentDecodes that is not a positive integer', async () => {
    const { backend } = fakeBackend();
    await expect(createClassifierWithBackend(backend, { model, labels: LABELS, maxConcurrentDecodes: 0 })).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('honours the signal while a model loads, even where the backend ignores it, and releases what it made', async () => {
    const { backend, release } = fakeBackend();
    const slowLoad = {
      ...backend,
      assets: {
        loadAsset: async () => {
          await new Promise((r) => setTimeout(r, 50));
          return new Uint8Array([1]);
        },
      },
    };
    const early = new AbortController();
    const loading = createClassifierWithBackend(slowLoad, { model: 'model.onnx', labels: LABELS, signal: early.signal });
    setTimeout(() => early.abort(), 5);
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });

    let aborter!: AbortController;
    const slowSession = {
      ...backend,
      runtime: {
        name: 'fake',
        createSession: async (...args: Parameters<typeof backend.runtime.createSession>) => {
          aborter.abort(); // the caller gives up while onnxruntime builds the session
          return backend.runtime.createSession(...args);
        },
      },
    };
    aborter = new AbortController();
    await expect(createClassifierWithBackend(slowSession, { model, labels: LABELS, signal: aborter.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(release).toHaveBeenCalledTimes(1);
  });
});

describe('onProgress', () => {
  it('isolates an exception of the callback: reported once through the warning channel, loading goes on', async () => {
    // Before: the app's plain Error abandoned the load and createClassifier rejected with it.
    const { backend, warnings } = fakeBackend();
    const loaded: number[] = [];
    const downloading: ClassifierBackend<never> = {
      ...backend,
      assets: {
        loadAsset: async (asset, o) => {
          for (let n = 1; n <= 3; n++) o.onProgress?.({ url: asset.description, loaded: n, total: 3 });
          return new Uint8Array(0);
        },
      },
    };
    const c = await createClassifierWithBackend(downloading, {
      model: 'model.onnx',
      labels: LABELS,
      onProgress: ({ loaded: n }) => {
        loaded.push(n);
        throw new Error('progress bar crashed');
      },
    });
    expect(loaded).toEqual([1, 2, 3]);
    expect(warnings).toEqual([expect.stringMatching(/^onProgress threw \(progress bar crashed\); loading goes on/)]);
    expect((await c.classify(filled(0.3)))[0]?.label).toBe('class3');
    await c.dispose();
  });
});
