// Options that used to be accepted and then broke every call, scores without probabilities, and
// symbolic input sizes: each is refused with a typed error where it is first seen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, DEFAULTS, isOnnxMobilenetError, type NodeClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { maxPoolModel } from '../onnx-models.js';

/** The typed error `p` rejects with, as code and message (an untyped one fails the test). */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    const value = await p;
    if (value && typeof value === 'object' && 'dispose' in value) await (value as NodeClassifier).dispose();
  } catch (err) {
    if (!isOnnxMobilenetError(err)) throw new Error(`untyped: ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  throw new Error('resolved');
}

describe('number options are checked at creation (E_INPUT naming the option and the range)', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'maxInputPixels: Infinity',
      { limits: { maxInputPixels: Infinity } },
      /limits\.maxInputPixels must be an integer from 1 to 4294967296, got number Infinity/,
    ],
    ['maxInputPixels: 1e6 + 0.5', { limits: { maxInputPixels: 1e6 + 0.5 } }, /limits\.maxInputPixels must be an integer .*got number 1000000\.5/],
    ['maxInputPixels: NaN', { limits: { maxInputPixels: Number.NaN } }, /limits\.maxInputPixels/],
    ['maxInputPixels as a string', { limits: { maxInputPixels: '1000' } }, /limits\.maxInputPixels must be a number, got the string "1000"/],
    // setTimeout holds 2^31 - 1 ms: 2^32 overflowed and fired at once, failing every download
    [
      'downloadTimeoutMs: 2**32',
      { limits: { downloadTimeoutMs: 2 ** 32 } },
      /limits\.downloadTimeoutMs must be an integer from 1 to 2147483647, got number 4294967296/,
    ],
    ['maxImageDownloadMs: 2**31', { limits: { maxImageDownloadMs: 2 ** 31 } }, /limits\.maxImageDownloadMs must be an integer from 1 to 2147483647/],
    ['maxModelBytes: 1e300', { limits: { maxModelBytes: 1e300 } }, /limits\.maxModelBytes must be an integer from 1 to 2147483648/],
    ['limits: 5', { limits: 5 }, /limits must be an object, got number 5/],
    ['preprocess: []', { preprocess: [] }, /preprocess must be an object, got an array of length 0/],
    ['sessionOptions: "x"', { sessionOptions: 'x' }, /sessionOptions must be an object/],
    ['executionProviders: "cpu"', { executionProviders: 'cpu' }, /executionProviders must be an array, got the string "cpu"/],
    ['onProgress: 1', { onProgress: 1 }, /onProgress must be a function/],
    ['batchSize: 1e9', { batchSize: 1e9 }, new RegExp(`batchSize must be an integer from 1 to ${DEFAULTS.maxBatchSize}`)],
    ['topK: 2.5', { topK: 2.5 }, /topK must be a positive integer, got number 2\.5/],
    [
      'cropSize: 100000',
      { preprocess: { cropSize: 100_000, resizeShorter: 100_000 } },
      /preprocess\.resizeShorter must be an integer from 1 to 2048, got number 100000/,
    ],
    ['cacheDir: 5', { cacheDir: 5 }, /cacheDir must be a string, got number 5/],
  ];
  for (const [name, options, message] of cases) {
    it(name, async () => {
      // No model is read: the options fail first (the model path does not exist)
      expect(await failure(createClassifier({ model: '/nonexistent/model.onnx', ...options } as never))).toEqual({
        code: 'E_INPUT',
        message: expect.stringMatching(message),
      });
    });
  }

  it('names an option whose getter throws, on the options and on nested option objects', async () => {
    const throwing = (where: object, key: string) =>
      Object.defineProperty(where, key, {
        enumerable: true,
        get() {
          throw new Error('getter failed');
        },
      });
    expect(await failure(createClassifier(throwing({ model: '/nonexistent/model.onnx' }, 'limits')))).toEqual({
      code: 'E_INPUT',
      message: 'reading option limits threw: getter failed',
    });
    expect(await failure(createClassifier({ model: '/nonexistent/model.onnx', sessionOptions: throwing({}, 'extra') }))).toEqual({
      code: 'E_INPUT',
      message: 'reading option sessionOptions.extra threw: getter failed',
    });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(await failure(createClassifier(revoked.proxy))).toMatchObject({ code: 'E_INPUT' });
  });
});

describeWithAssets('calls', () => {
  let classifier: NodeClassifier;
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
  });
  afterAll(() => classifier?.dispose());

  it('checks call options the same way, and names a throwing getter', async () => {
    const tench = photo(0).path;
    expect(await failure(classifier.classify(tench, { threshold: Number.NaN }))).toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('threshold must be a number from 0 to 1'),
    });
    expect(await failure(classifier.classify(tench, { allow: 'tench' as never }))).toMatchObject({
      code: 'E_INPUT',
      message: 'allow must be an array, got the string "tench"',
    });
    const options = Object.defineProperty({}, 'topK', {
      enumerable: true,
      get() {
        throw new Error('getter failed');
      },
    });
    expect(await failure(classifier.classify(tench, options))).toEqual({ code: 'E_INPUT', message: 'reading option topK threw: getter failed' });
    const all = classifier.classifyAll([tench], { concurrency: Infinity });
    expect(await failure(all.next())).toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('concurrency must be a positive integer, got number Infinity'),
    });
  });
});

describeWithAssets('scores and sizes the model decides', () => {
  it('refuses a NaN score with E_INFERENCE instead of NaN probabilities that pass any threshold', async () => {
    // Class 3's weights are NaN: its score is NaN for every image
    const c = await createClassifier({ model: await maxPoolModel({ nanClass: 3 }), labels: SYNSET });
    try {
      expect(await failure(c.classify(photo(0).path, { threshold: 0.5 }))).toEqual({
        code: 'E_INFERENCE',
        message: expect.stringContaining("the model's score for class 3 is NaN"),
      });
      // The raw scores are still there for whoever asks for them
      expect(Number.isNaN((await c.logits(photo(0).path))[3])).toBe(true);
    } finally {
      await c.dispose();
    }
  });

  it('refuses a crop over DEFAULTS.maxPreprocessSize on a model with symbolic height and width, before allocating', async () => {
    // Before: accepted, and the first classify threw a RangeError allocating 3 × 100000² floats
    const model = await maxPoolModel({ inShape: ['N', 3, 'H', 'W'] });
    expect(await failure(createClassifier({ model, labels: SYNSET, preprocess: { mode: 'squash', cropSize: 100_000 } }))).toEqual({
      code: 'E_INPUT',
      message: `preprocess.cropSize must be an integer from 1 to ${DEFAULTS.maxPreprocessSize}, got number 100000`,
    });
    // A size within it works on the same model
    const c = await createClassifier({ model, labels: SYNSET, preprocess: { mode: 'squash', cropSize: 96 } });
    try {
      expect(await c.classify(photo(0).path)).toHaveLength(5);
    } finally {
      await c.dispose();
    }
  });
});
