import { describe, expect, it } from 'vitest';
import { createClassifierWithBackend } from './classifier.js';
import { fakeBackend, filled, LABELS, model, PLANE, SIZE } from '../../../../test/fake-backend.js';

describe('createClassifierWithBackend', () => {
  it('classifies one input and arrays in order', async () => {
    const { backend } = fakeBackend();
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    const [best] = await c.classify(filled(0.3));
    expect(best).toMatchObject({ index: 3, id: 'class3', label: 'class3' });
    const many = await c.classify([0.1, 0.9, 0.5].map(filled), { topK: 1 });
    expect(many.map((p) => p[0]!.index)).toEqual([1, 9, 5]);
    const logits = await c.logits(filled(0.2));
    [-2, -1, 0, -1, -2, -3, -4, -5, -6, -7].forEach((v, i) => {
      expect(logits[i]).toBeCloseTo(v, 5);
    });
  });

  it('runs arrays in batches of at most batchSize on a dynamic-batch model', async () => {
    const { backend, batches } = fakeBackend();
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, batchSize: 8 });
    const out = await c.classify(
      Array.from({ length: 20 }, (_, i) => filled((i % 10) / 10)),
      { topK: 1 },
    );
    expect(out.map((p) => p[0]!.index)).toEqual(Array.from({ length: 20 }, (_, i) => i % 10));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(20);
    expect(Math.max(...batches)).toBe(8);
  });

  it('runs one image per run when the model fixes the batch to 1', async () => {
    const { backend, batches } = fakeBackend({ inputShape: [1, 3, SIZE, SIZE], outputShape: [1, 10] });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    expect(c.model.batch).toBe(1);
    const out = await c.classify([0.1, 0.2, 0.3].map(filled), { topK: 1 });
    expect(out.map((p) => p[0]!.index)).toEqual([1, 2, 3]);
    expect(batches).toEqual([1, 1, 1]);
  });

  it('reads input and output names from the session (mobilenetv2-7 naming)', async () => {
    const { backend } = fakeBackend({ inputName: 'data', outputName: 'mobilenetv20_output_flatten0_reshape0' });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS });
    expect(c.model).toMatchObject({ inputName: 'data', outputName: 'mobilenetv20_output_flatten0_reshape0' });
    expect((await c.classify(filled(0.7)))[0]!.index).toBe(7);
  });

  it('keeps 30 overlapping calls correct and never overlaps session runs', async () => {
    const { backend, batches } = fakeBackend({ runDelayMs: 5 });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, batchSize: 4 });
    const values = Array.from({ length: 30 }, (_, i) => (i * 7) % 10);
    const results = await Promise.all(values.map((v) => c.classify(filled(v / 10), { topK: 1 })));
    expect(results.map((r) => r[0]!.index)).toEqual(values);
    expect(batches.length).toBeLessThan(30); // waiting calls were batched together
  });

  it('on dispose, settles calls in flight, rejects later ones with E_DISPOSED, releases once', async () => {
    const { backend, release } = fakeBackend({ runDelayMs: 20 });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, batchSize: 1 });
    const calls = Promise.allSettled(Array.from({ length: 5 }, (_, i) => c.classify(filled(i / 10), { topK: 1 })));
    await new Promise((r) => setTimeout(r, 5));
    await c.dispose();
    const settled = await calls;
    expect(settled[0]).toMatchObject({ status: 'fulfilled' });
    for (const s of settled) {
      if (s.status === 'rejected') expect(s.reason).toMatchObject({ code: 'E_DISPOSED' });
    }
    expect(settled.some((s) => s.status === 'rejected')).toBe(true);
    await expect(c.classify(filled(0.1))).rejects.toMatchObject({ code: 'E_DISPOSED' });
    await c[Symbol.asyncDispose]();
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('embed() without an embedding output rejects with an error made at the call, each time', async () => {
    const { backend } = fakeBackend();
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, embeddings: false });
    const first = await c.embed(filled(0.1)).catch((e: unknown) => e);
    const second = await c.infer(filled(0.1)).catch((e: unknown) => e);
    expect(first).toMatchObject({ name: 'OnnxMobilenetError', code: 'E_INPUT', message: expect.stringContaining('embeddings: false') });
    expect(second).toMatchObject({ code: 'E_INPUT' });
    expect(second).not.toBe(first);
    expect(c.model).toMatchObject({ embeddingSize: null, classes: LABELS.length });
    expect(JSON.parse(JSON.stringify(c.model)).classes).toBe(LABELS.length);
  });

  it('takes topK at createClassifier as the default for classify and infer, and validates it', async () => {
    const { backend } = fakeBackend();
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, topK: 2 });
    expect(await c.classify(filled(0.3))).toHaveLength(2);
    expect(await c.classify(filled(0.3), { topK: 4 })).toHaveLength(4);
    expect((await c.classify([filled(0.3)]))[0]).toHaveLength(2);
    await expect(createClassifierWithBackend(backend, { model, labels: LABELS, topK: 0 })).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('preprocesses raw pixels with core (uniform gray image -> uniform tensor)', async () => {
    const { backend } = fakeBackend();
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, preprocess: { mean: [0, 0, 0], std: [1, 1, 1] } });
    const gray = { data: new Uint8Array(300 * 200).fill(153), width: 300, height: 200, channels: 1 as const };
    const t = await c.prepare(gray);
    expect(t.length).toBe(3 * PLANE);
    expect(t.every((x) => Math.abs(x - 0.6) < 1e-6)).toBe(true);
    expect((await c.classify(gray))[0]!.index).toBe(6);
  });
});
