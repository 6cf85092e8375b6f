// A stand-in backend for core's classifier tests: a session whose "model" is known exactly.
import { vi } from 'vitest';
import type { ClassifierBackend } from '../packages/core/src/backend.js';
import type { PreparedTensor, RawImage } from '../packages/core/src/image/image.js';

type RuntimeSession = Awaited<ReturnType<ClassifierBackend<never>['runtime']['createSession']>>;

export const SIZE = 224;
export const PLANE = SIZE * SIZE;
export const LABELS = Array.from({ length: 10 }, (_, i) => `class${i}`);
/** An empty ModelProto: parses, holds no external data; the fake backend does the rest. */
export const model = new Uint8Array(0);

export interface FakeOptions {
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
export function fakeBackend(opts: FakeOptions = {}) {
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
        session: session as unknown as RuntimeSession['session'],
        createTensor: (data, dims) => ({ data, dims: [...dims], dispose() {} }) as unknown as ReturnType<RuntimeSession['createTensor']>,
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

/** A prepared tensor filled with `v`: the fake model's top class is round(10·v). */
export function filled(v: number): PreparedTensor {
  return { data: new Float32Array(3 * PLANE).fill(v), dims: [1, 3, SIZE, SIZE] };
}

/** A mid-gray image of the model's size. */
export function pixels(): RawImage {
  return { data: new Uint8Array(3 * PLANE).fill(128), width: SIZE, height: SIZE, channels: 3 };
}

/** A fake decoder's opened image: `image`, already the model's size, returned as the plan's crop. */
export function opened(image: RawImage) {
  return { name: 'fake', width: image.width, height: image.height, decode: async () => ({ crop: image }) };
}

/** What a decoder opens for an image it resizes and crops itself: a mid-gray crop. */
export function crop() {
  return opened(pixels());
}
