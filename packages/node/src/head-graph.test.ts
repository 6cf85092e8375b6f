// exportHeadModel on a tiny base (global average pool → Flatten → a 3-class Gemm → Softmax), run
// with onnxruntime-node and checked against softmax computed by hand; model-facts read back.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { checkHead, exportHeadModel } from '../../core/src/graph/head-graph.js';
import { readModelFacts } from '../../core/src/graph/model-facts.js';
import { AttributeType, DataType, decodeModel, encodeModel, messageFactory } from '../../core/src/graph/onnx-model.js';
import { float32Bytes } from '../../core/src/graph/tensor-data.js';
import { headProbabilities } from '../../core/src/tasks/head.js';
import type { FewShotJSON } from '../../core/src/tasks/few-shot.js';
import { exportFewShotModel } from '../../core/src/tasks/few-shot-export.js';

const base64 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');

/** input N×4×1×1 → GlobalAveragePool → Flatten → Gemm (W 3×4, transB = 1) → output: a 3-class base with 4 features. */
async function base({
  softmax = false,
  metadata = [] as { key: string; value: string }[],
  initializersAsInputs = false,
  opset = 13,
} = {}): Promise<Uint8Array> {
  const make = await messageFactory();
  const info = (name: string, dims: (number | string)[]) =>
    make.valueInfo({
      name,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
  const int = (name: string, i: number) => make.attribute({ name, type: AttributeType.INT, i });
  return encodeModel(
    make.model({
      irVersion: 8,
      opsetImport: [{ domain: '', version: opset }],
      metadataProps: metadata,
      graph: {
        name: 'base',
        node: [
          make.node({ opType: 'GlobalAveragePool', input: ['input'], output: ['pool'], name: 'pool' }),
          make.node({ opType: 'Flatten', input: ['pool'], output: ['features'], name: 'flatten' }),
          make.node({ opType: 'Gemm', input: ['features', 'W', 'B'], output: [softmax ? 'logits' : 'output'], name: 'gemm', attribute: [int('transB', 1)] }),
          ...(softmax ? [make.node({ opType: 'Softmax', input: ['logits'], output: ['soft'], name: 'softmax', attribute: [int('axis', 1)] })] : []),
          ...(softmax ? [make.node({ opType: 'Reshape', input: ['soft', 'shape'], output: ['output'], name: 'reshape' })] : []),
        ],
        initializer: [
          make.tensor({ name: 'W', dims: [3, 4], dataType: DataType.FLOAT, rawData: float32Bytes(Array.from({ length: 12 }, (_, i) => i)) }),
          make.tensor({ name: 'B', dims: [3], dataType: DataType.FLOAT, rawData: float32Bytes([0, 0, 0]) }),
          make.tensor({ name: 'shape', dims: [2], dataType: DataType.INT64, rawData: new Uint8Array(new BigInt64Array([-1n, 3n]).buffer) }),
        ],
        // Older exporters (IR < 4, PyTorch's keep_initializers_as_inputs) list the weights as inputs too.
        input: [info('input', ['batch', 4, 1, 1]), ...(initializersAsInputs ? [info('W', [3, 4]), info('B', [3])] : [])],
        output: [info('output', ['batch', 3])],
      },
    }),
  );
}

// Two classes over the 4 features: "first" scores x0 - x1, "second" scores 2·x3 + ln 3.
const HEAD = { labels: ['first', 'second'], dimensions: 4, weights: Float32Array.of(1, -1, 0, 0, 0, 0, 0, 2), bias: Float32Array.of(0, Math.log(3)) };
// x = [ln 2, 0, 5, 0]: scores [ln 2, ln 3] → [2, 3] / 5. x = [0, 0, 0, 0]: scores [0, ln 3] → [1, 3] / 4.
const INPUT = [Math.log(2), 0, 5, 0, 0, 0, 0, 0];
const EXPECTED = [0.4, 0.6, 0.25, 0.75];

function expectClose(actual: number[]): void {
  expect(actual).toHaveLength(EXPECTED.length);
  for (const [i, v] of actual.entries()) expect(Math.abs(v - EXPECTED[i]!), `value ${i}: ${v}`).toBeLessThan(1e-6);
}

async function run(bytes: Uint8Array): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect(session.outputNames).toEqual(['probabilities']);
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(INPUT), [2, 4, 1, 1]) });
    return Array.from(result.probabilities!.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('exportHeadModel', () => {
  it('runs in onnxruntime to the probabilities computed by hand, as headProbabilities computes them', async () => {
    const out = await run(await exportHeadModel(await base(), HEAD));
    expectClose(out);
    expectClose([...headProbabilities(HEAD, INPUT.slice(0, 4)), ...headProbabilities(HEAD, INPUT.slice(4))]);
  });

  it('drops the base classifier and keeps the pool: pool, Flatten, then Identity, Flatten, Gemm, Softmax', async () => {
    const model = await decodeModel(await exportHeadModel(await base({ softmax: true }), HEAD, { preprocess: { cropSize: 224 } }));
    const graph = model.graph!;
    expect(graph.node.map((n) => n.opType)).toEqual(['GlobalAveragePool', 'Flatten', 'Identity', 'Flatten', 'Gemm', 'Softmax']);
    expect(graph.initializer.map((t) => [t.name, t.dims.map(Number)])).toEqual([
      ['head_weight', [2, 4]],
      ['head_bias', [2]],
    ]);
    const shape = graph.output[0]!.type!.tensorType!.shape!.dim.map((d) => d.dimParam || Number(d.dimValue));
    expect([graph.output.length, graph.output[0]!.name, shape]).toEqual([1, 'probabilities', ['batch', 2]]);
    expect(model.metadataProps.map(({ key, value }) => [key, value])).toEqual([
      ['labels', '["first","second"]'],
      ['onnx_mobilenet.preprocess', '{"cropSize":224}'],
    ]);
  });

  it('drops the old weights from the graph inputs of a base that lists its initializers as inputs', async () => {
    const file = await exportHeadModel(await base({ initializersAsInputs: true }), HEAD);
    expect((await decodeModel(file)).graph!.input.map((i) => i.name)).toEqual(['input']);
    expectClose(await run(file));
  });

  it('exports an exported file again with the same names: the old head goes, not the base', async () => {
    const once = await exportHeadModel(await base(), HEAD);
    const twice = await decodeModel(await exportHeadModel(once, { ...HEAD, labels: ['x', 'y'] }));
    expect(twice.graph!.output.map((o) => o.name)).toEqual(['probabilities']);
    expect(twice.graph!.node.map((n) => `${n.opType}:${n.output[0]}`)).toEqual([
      'GlobalAveragePool:pool',
      'Flatten:features',
      'Identity:embedding',
      'Flatten:embedding_flat',
      'Identity:embedding_1',
      'Flatten:embedding_flat_1',
      'Gemm:head_scores',
      'Softmax:probabilities',
    ]);
  });

  it('replaces labels the base already had and keeps its other metadata', async () => {
    const old = [
      { key: 'labels', value: '["a","b","c"]' },
      { key: 'author', value: 'zoo' },
    ];
    const model = await decodeModel(await exportHeadModel(await base({ metadata: old }), HEAD));
    expect(model.metadataProps.map(({ key, value }) => [key, value])).toEqual([
      ['author', 'zoo'],
      ['labels', '["first","second"]'],
    ]);
  });

  it('refuses a head of another embedding size or with bad values, naming the problem', async () => {
    await expect(exportHeadModel(await base(), { ...HEAD, dimensions: 2, weights: Float32Array.of(1, 0, 0, 1) })).rejects.toMatchObject({
      code: 'E_MODEL_SHAPE',
      message: expect.stringContaining('embeddings have 4 values; the head reads 2'),
    });
    expect(() => checkHead({ ...HEAD, labels: ['same', 'same'] })).toThrow(/differ/);
    expect(() => checkHead({ ...HEAD, bias: Float32Array.of(0, Number.NaN) })).toThrow(/bias\[1\] is NaN/);
    expect(() => checkHead({ ...HEAD, weights: Float32Array.of(1) })).toThrow(/2 × 4 values, got 1/);
    expect(() => checkHead({ ...HEAD, labels: ['only'], weights: Float32Array.of(1, 0, 0, 0), bias: Float32Array.of(0) })).toThrow(/two or more/);
  });
});

describe('exportFewShotModel on every opset', () => {
  // Examples along features 0 and 1 for "first", feature 3 for "second"; the query [ln 2, 0, 5, 0]
  // is nearest (cosine ln2/√(ln²2+25) ≈ 0.137) to [1, 0, 0, 0] among "first"'s and has cosine 0 with
  // "second"'s: softmax(20 × [0.137, 0]).
  const fewShot = (labels: [string, string] = ['first', 'second']): FewShotJSON => ({
    format: 'onnx-mobilenet-few-shot',
    version: 1,
    dimensions: 4,
    examples: [
      { label: labels[0], embedding: base64([1, 0, 0, 0]) },
      { label: labels[0], embedding: base64([0, 1, 0, 0]) },
      { label: labels[1], embedding: base64([0, 0, 0, 1]) },
    ],
  });
  const cos = Math.log(2) / Math.hypot(Math.log(2), 5);
  const expected = [1 / (1 + Math.exp(-20 * cos)), 1 / (1 + Math.exp(20 * cos))];

  for (const opset of [7, 12, 18]) {
    it(`runs on an opset-${opset} base (ReduceMax's axes an attribute below 18, an input from 18)`, async () => {
      const session = await ort.InferenceSession.create(await exportFewShotModel(await base({ opset }), fewShot()));
      try {
        const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(INPUT.slice(0, 4)), [1, 4, 1, 1]) });
        const got = Array.from(result.probabilities!.data as Float32Array);
        for (const [i, v] of got.entries()) expect(Math.abs(v - expected[i]!), `class ${i}: ${v}`).toBeLessThan(1e-5);
      } finally {
        await session.release();
      }
    });
  }

  it('refuses labels a label list would not read back as given', async () => {
    await expect(exportFewShotModel(await base(), fewShot(['n01440764 tench', 'goldfish']))).rejects.toThrow(/read back as "tench"/);
    await expect(exportHeadModel(await base(), { ...HEAD, labels: [' padded', 'second'] })).rejects.toThrow(/read back as "padded"/);
  });
});

describe('readModelFacts', () => {
  it('reads the labels and a Softmax output (through a Reshape) from the exported file', async () => {
    expect(await readModelFacts(await exportHeadModel(await base(), HEAD), 1000)).toEqual({ labels: ['first', 'second'], scores: 'probabilities' });
    expect(await readModelFacts(await base({ softmax: true }), 1000)).toEqual({ labels: undefined, scores: 'probabilities' });
  });

  it('reads a Gemm output as logits, and a model without metadata as having no labels', async () => {
    expect(await readModelFacts(await base(), 1000)).toEqual({ labels: undefined, scores: 'logits' });
  });

  it('refuses labels metadata that is not a JSON array of strings (E_LABELS) or over maxLabelBytes (E_LIMIT)', async () => {
    for (const value of ['cat,dog', '[1,2]', '[]', '{"0":"cat"}']) {
      await expect(readModelFacts(await base({ metadata: [{ key: 'labels', value }] }), 1000), value).rejects.toMatchObject({ code: 'E_LABELS' });
    }
    const long = JSON.stringify(['x'.repeat(2000)]);
    await expect(readModelFacts(await base({ metadata: [{ key: 'labels', value: long }] }), 1000)).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining('over limits.maxLabelBytes (1000)'),
    });
  });
});
