import { getEventListeners } from 'node:events';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { describe, expect, it, vi } from 'vitest';
import type { ClassifierBackend } from '../backend.js';
import { createClassifierWithBackend } from './classifier.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import type { Prediction } from '../predictions/postprocess.js';

const SIZE = 224;
const PLANE = SIZE * SIZE;
const LABELS = Array.from({ length: 10 }, (_, i) => `class${i}`);

/** A fake decoder's opened image: `crop`, already the model's size, returned as the plan's crop. */
const opened = (crop: RawImage) => ({ name: 'fake', width: crop.width, height: crop.height, decode: async () => ({ crop }) });

interface FakeOptions {
  inputShape?: (number | string)[];
  outputShape?: (number | string)[];
  inputName?: string;
  outputName?: string;
  runDelayMs?: number;
  decoder?: ClassifierBackend<never>['decoder'];
}

/**
 * A stand-in session whose "model" is known exactly: for an image whose tensor is filled with v,
 * the logit of class k is -|k - 10·v|, so the top class is round(10·v). It records batch sizes
 * and fails if two runs overlap (as onnxruntime-web does).
 */
function fakeBackend(opts: FakeOptions = {}) {
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'output';
  const batches: number[] = [];
  let running = false;
  const release = vi.fn(async () => undefined);
  const session = {
    inputNames: [inputName],
    outputNames: [outputName],
    inputMetadata: [{ name: inputName, isTensor: true, type: 'float32', shape: opts.inputShape ?? ['batch_size', 3, SIZE, SIZE] }],
    outputMetadata: [{ name: outputName, isTensor: true, type: 'float32', shape: opts.outputShape ?? ['batch_size', 10] }],
    release,
    async run(feeds: Record<string, { data: Float32Array; dims: number[] }>) {
      if (running) throw new Error('overlapping run');
      running = true;
      try {
        const feed = feeds[inputName];
        if (!feed) throw new Error(`no feed named ${inputName}`);
        const n = feed.dims[0];
        if (n === undefined) throw new Error('a feed without a batch dimension');
        batches.push(n);
        if (opts.runDelayMs) await new Promise((r) => setTimeout(r, opts.runDelayMs));
        const out = new Float32Array(n * 10);
        for (let b = 0; b < n; b++) {
          const v = feed.data[b * 3 * PLANE]!;
          for (let k = 0; k < 10; k++) out[b * 10 + k] = -Math.abs(k - 10 * v);
        }
        return { [outputName]: { data: out, dims: [n, 10], getData: async () => out, dispose() {} } };
      } finally {
        running = false;
      }
    },
  };
  const warnings: string[] = [];
  const backend: ClassifierBackend<never> = {
    runtime: {
      name: 'fake',
      createSession: async () => ({
        session: session as unknown as InferenceSession,
        createTensor: (data, dims) => ({ data, dims: [...dims], dispose() {} }) as unknown as Tensor,
      }),
    },
    assets: { loadAsset: async () => new Uint8Array(0) },
    decoder: opts.decoder ?? {
      open: async () => {
        throw new Error('not used');
      },
    },
    platform: { warn: (message) => warnings.push(message) },
  };
  return { backend, batches, release, session, warnings };
}

function filled(v: number): PreparedTensor {
  return { data: new Float32Array(3 * PLANE).fill(v), dims: [1, 3, SIZE, SIZE] };
}

const model = new Uint8Array(0); // an empty ModelProto: parses, holds no external data; the fake backend does the rest

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

describe('a classify(array) call', () => {
  const pixels = (): RawImage => ({ data: new Uint8Array(3 * PLANE).fill(128), width: SIZE, height: SIZE, channels: 3 });
  const crop = () => opened(pixels());
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

  it('refuses maxConcurrentDecodes that is not a positive integer', async () => {
    const { backend } = fakeBackend();
    await expect(createClassifierWithBackend(backend, { model, labels: LABELS, maxConcurrentDecodes: 0 })).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});
