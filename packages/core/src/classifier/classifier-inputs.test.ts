import { describe, expect, it } from 'vitest';
import { createClassifierWithBackend } from './classifier.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { RawImage } from '../image/image.js';
import type { Prediction } from '../predictions/postprocess.js';
import { crop, fakeBackend, filled, LABELS, model, opened, PLANE, SIZE } from '../../../../test/fake-backend.js';

describe('inputs taken before classify() returns, and limits.maxPendingBytes', () => {
  it('reads a prepared tensor and encoded bytes before classify() returns control, so the caller may reuse them', async () => {
    const seen: number[] = [];
    const { backend } = fakeBackend({ runDelayMs: 10 });
    const decoding = {
      ...backend,
      decoder: {
        // an asynchronous decoder (as sharp is) that reads the bytes a moment later
        open: async (input: unknown) => {
          await new Promise((r) => setTimeout(r, 5));
          const v = (input as Uint8Array)[0]!;
          seen.push(v);
          return opened({ data: new Uint8Array(SIZE * SIZE * 3).fill(v), width: SIZE, height: SIZE, channels: 3 });
        },
      },
    };
    const c = await createClassifierWithBackend(decoding, { model, labels: LABELS, batchSize: 1, preprocess: { mean: [0, 0, 0], std: [1, 1, 1] } });
    const busy = c.classify(filled(0.1)); // keeps the session busy so the next call waits in the queue
    const tensor = filled(0.3);
    const queued = c.classify(tensor, { topK: 1 });
    tensor.data.fill(0.9);
    const bytes = new Uint8Array([153]); // 153/255 = 0.6 -> class 6
    const decoded = c.classify(bytes as never, { topK: 1 });
    bytes[0] = 0;
    expect((await queued)[0]!.index).toBe(3);
    expect((await decoded)[0]!.index).toBe(6);
    expect(seen).toEqual([153]);
    await busy;

    // arrays: items after the first batch are read later, and must be taken at call time too
    const tensors = [0.1, 0.2, 0.3, 0.4, 0.5].map(filled);
    const gray: RawImage = { data: new Uint8Array(4 * 4).fill(178), width: 4, height: 4, channels: 1 }; // 0.7
    // (the decoder stand-in takes `unknown`, so spell out the array overload's result type)
    const many = c.classify([...tensors, gray], { topK: 1 }) as unknown as Promise<Prediction[][]>;
    for (const t of tensors) t.data.fill(0.9);
    gray.data.fill(0);
    expect((await many).map((p) => p[0]!.index)).toEqual([1, 2, 3, 4, 5, 7]);
  });

  it("takes each environment input through the decoder's snapshot before classify() returns, later array items included", async () => {
    const { backend } = fakeBackend({ runDelayMs: 10 });
    // a mutable environment input (as ImageData is in browsers): a box whose pixel value changes
    type Box = { value: number };
    const snapshotted: number[] = [];
    const decoding = {
      ...backend,
      decoder: {
        open: async () => {
          throw new Error('a snapshotted input never reaches open');
        },
        snapshot: (input: unknown, { limits }: { limits: { maxInputPixels: number } }) => {
          expect(limits.maxInputPixels).toBe(1234);
          const value = (input as Box).value;
          snapshotted.push(value);
          return { data: new Uint8Array(8 * 8).fill(value), width: 8, height: 8, channels: 1 as const };
        },
      },
    };
    const c = await createClassifierWithBackend(decoding, {
      model,
      labels: LABELS,
      batchSize: 1,
      limits: { maxInputPixels: 1234 },
      preprocess: { mean: [0, 0, 0], std: [1, 1, 1] },
    });
    const boxes: Box[] = [51, 102, 153, 204].map((value) => ({ value })); // 0.2, 0.4, 0.6, 0.8
    const many = c.classify(boxes as never[], { topK: 1 }) as unknown as Promise<Prediction[][]>;
    expect(snapshotted).toEqual([51, 102, 153, 204]);
    for (const b of boxes) b.value = 0;
    expect((await many).map((p) => p[0]!.index)).toEqual([2, 4, 6, 8]);
    const one = { value: 153 };
    const single = c.classify(one as never, { topK: 1 });
    one.value = 0;
    expect((await single)[0]!.index).toBe(6);
  });

  it("counts the decoder's snapshot copies against limits.maxPendingBytes before taking any", async () => {
    const { backend } = fakeBackend({ runDelayMs: 10 });
    type Box = { value: number };
    let taken = 0;
    const decoding = {
      ...backend,
      decoder: {
        open: async () => {
          throw new Error('a snapshotted input never reaches open');
        },
        // 8 x 8 gray pixels a box: 64 bytes
        snapshotBytes: () => 64,
        snapshot: (input: unknown) => {
          taken++;
          return { data: new Uint8Array(64).fill((input as Box).value), width: 8, height: 8, channels: 1 as const };
        },
      },
    };
    const c = await createClassifierWithBackend(decoding, { model, labels: LABELS, batchSize: 1, limits: { maxPendingBytes: 3 * 64 } });
    const boxes = (n: number): Box[] => Array.from({ length: n }, () => ({ value: 51 }));
    // four boxes would copy 256 bytes: refused before the first is copied
    await expect(c.classify(boxes(4) as never[])).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining('limits.maxPendingBytes') });
    expect(taken).toBe(0);
    // three fit, and their bytes are given back once they are done
    await c.classify(boxes(3) as never[]);
    expect(taken).toBe(3);
    await c.classify(boxes(3) as never[]);
    expect(taken).toBe(6);
  });

  it('refuses, before copying anything, a call whose buffer copies would pass limits.maxPendingBytes', async () => {
    const { backend } = fakeBackend({ runDelayMs: 5 });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, limits: { maxPendingBytes: 3 * 4 * 3 * PLANE } });
    // three prepared tensors fit (4 bytes a value); a fourth call while they are held does not
    const held = [0.1, 0.2, 0.3].map((v) => c.classify(filled(v), { topK: 1 }));
    await expect(c.classify(filled(0.4))).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining('limits.maxPendingBytes') });
    expect((await Promise.all(held)).map((p) => p[0]!.index)).toEqual([1, 2, 3]);
    // once they are done their bytes are given back: an array of four is over the limit on its own, three are not
    await expect(c.classify([0.1, 0.2, 0.3, 0.4].map(filled))).rejects.toMatchObject({ code: 'E_LIMIT' });
    expect((await c.classify([0.5, 0.6, 0.7].map(filled), { topK: 1 })).map((p) => p[0]!.index)).toEqual([5, 6, 7]);
  });

  it('gives back the bytes of the inputs a failed call never started', async () => {
    let decodes = 0;
    const decoder = {
      maxConcurrent: 1,
      open: async (input: never) => {
        decodes++;
        if ((input as Uint8Array)[0] === 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', 'not an image');
        return crop();
      },
    };
    const { backend } = fakeBackend({ decoder });
    const c = await createClassifierWithBackend(backend, { model, labels: LABELS, limits: { maxPendingBytes: 4 * 1000 } });
    const bytes = (v: number) => new Uint8Array(1000).fill(v);
    // one decode at a time: the first fails, and the other three are never started
    await expect(c.classify([bytes(0), bytes(1), bytes(1), bytes(1)] as never[])).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
    expect(decodes).toBe(1);
    // the bytes of all four are free again: a call as large fits
    expect(await c.classify([bytes(1), bytes(1), bytes(1), bytes(1)] as never[])).toHaveLength(4);
  });
});
