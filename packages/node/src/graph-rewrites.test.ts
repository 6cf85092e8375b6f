// core's graph rewrites on tiny models built here (no ../shared), run with onnxruntime-node and
// checked against values computed by hand in the comments.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { dequantizeGraph, dequantizeModel, hasQuantizedOps, isQuantizedModel } from '../../core/src/graph/dequantize.js';
import { addEmbeddingOutput } from '../../core/src/graph/embedding-graph.js';
import { EMBEDDING_OUTPUT } from '../../core/src/graph/model-io.js';
import { DataType, decodeModel, encodeModel, messageFactory, type ModelProto } from '../../core/src/graph/onnx-model.js';
import { float32Bytes } from '../../core/src/graph/tensor-data.js';

type Make = Awaited<ReturnType<typeof messageFactory>>;
type Init = { dims: number[]; type: number; values: number[] };

function raw(type: number, values: number[]): Uint8Array {
  if (type === DataType.FLOAT) return float32Bytes(values);
  if (type === DataType.INT32) return new Uint8Array(Int32Array.from(values).buffer);
  if (type === DataType.INT8) return new Uint8Array(Int8Array.from(values).buffer);
  return Uint8Array.from(values);
}

async function build(
  nodes: { op: string; input: string[]; output: string; domain?: string; attrs?: { name: string; i: number }[] }[],
  inits: Record<string, Init>,
  outShape: number[],
): Promise<ModelProto> {
  const make: Make = await messageFactory();
  const shape = (dims: (number | string)[]) => ({ dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) });
  return make.model({
    irVersion: 7,
    opsetImport: [
      { domain: '', version: 12 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'tiny',
      node: nodes.map((n, k) =>
        make.node({
          opType: n.op,
          input: n.input,
          output: [n.output],
          name: `n${k}`,
          domain: n.domain ?? '',
          attribute: (n.attrs ?? []).map((a) => make.attribute({ name: a.name, i: a.i, type: 2 })),
        }),
      ),
      initializer: Object.entries(inits).map(([name, t]) => make.tensor({ name, dims: t.dims, dataType: t.type, rawData: raw(t.type, t.values) })),
      input: [make.valueInfo({ name: 'input', type: { tensorType: { elemType: 1, shape: shape(['N', 2, 2, 2]) } } })],
      output: [make.valueInfo({ name: 'output', type: { tensorType: { elemType: 1, shape: shape(['N', ...outShape]) } } })],
    },
  });
}

const F = DataType.FLOAT;
const U8 = DataType.UINT8;
const I8 = DataType.INT8;
const scalar = (type: number, value: number): Init => ({ dims: [], type, values: [value] });

/**
 * A QOperator graph in the zoo's style: QuantizeLinear → QLinearConv (1×1, per-channel weight
 * scales, int32 bias) → QLinearGlobalAveragePool → Flatten → QLinearMatMul → DequantizeLinear.
 * Dequantized weights: conv W = [[1, -1], [1, 0.25]], bias = [10·0.1·0.5, -20·0.1·0.25] = [0.5, -0.5];
 * matmul B = [[1, 0, -1], [2, 1, 0]]. Ranges: input [-12.8, 12.7], conv [0, 25.5], pool [0, 0.51],
 * scores [-1.5, 1.05].
 */
function int8Model(): Promise<ModelProto> {
  return build(
    [
      { op: 'QuantizeLinear', input: ['input', 'x_s', 'x_z'], output: 'xq' },
      { op: 'QLinearConv', input: ['xq', 'x_s', 'x_z', 'W', 'w_s', 'w_z', 'c_s', 'c_z', 'B'], output: 'cq' },
      {
        op: 'QLinearGlobalAveragePool',
        input: ['cq', 'c_s', 'c_z', 'p_s', 'p_z'],
        output: 'pq',
        domain: 'com.microsoft',
        attrs: [{ name: 'channels_last', i: 0 }],
      },
      { op: 'Flatten', input: ['pq'], output: 'fq' },
      { op: 'QLinearMatMul', input: ['fq', 'p_s', 'p_z', 'M', 'm_s', 'm_z', 'y_s', 'y_z'], output: 'yq' },
      { op: 'DequantizeLinear', input: ['yq', 'y_s', 'y_z'], output: 'output' },
    ],
    {
      x_s: scalar(F, 0.1),
      x_z: scalar(U8, 128),
      W: { dims: [2, 2, 1, 1], type: I8, values: [2, -2, 4, 1] },
      w_s: { dims: [2], type: F, values: [0.5, 0.25] },
      w_z: { dims: [2], type: I8, values: [0, 0] },
      c_s: scalar(F, 0.1),
      c_z: scalar(U8, 0),
      B: { dims: [2], type: DataType.INT32, values: [10, -20] },
      p_s: scalar(F, 0.002),
      p_z: scalar(U8, 0),
      M: { dims: [2, 3], type: I8, values: [2, 0, -2, 4, 2, 0] },
      m_s: scalar(F, 0.5),
      m_z: scalar(I8, 0),
      y_s: scalar(F, 0.01),
      y_z: scalar(U8, 150),
    },
    [3],
  );
}

/** The same network in float (ReLU for the conv range, no other clips): Conv → Relu → GlobalAveragePool → Flatten → Gemm. */
function floatModel(): Promise<ModelProto> {
  return build(
    [
      { op: 'Conv', input: ['input', 'W', 'B'], output: 'c' },
      { op: 'Relu', input: ['c'], output: 'r' },
      { op: 'GlobalAveragePool', input: ['r'], output: 'p' },
      { op: 'Flatten', input: ['p'], output: 'f' },
      { op: 'Gemm', input: ['f', 'M'], output: 'output' },
    ],
    {
      W: { dims: [2, 2, 1, 1], type: F, values: [1, -1, 1, 0.25] },
      B: { dims: [2], type: F, values: [0.5, -0.5] },
      M: { dims: [2, 3], type: F, values: [1, 0, -1, 2, 1, 0] },
    },
    [3],
  );
}

// Image 0, per pixel (channel 0 | channel 1): (0.1 | -0.1), (0.2 | 0.5), (0.3 | 1.0), (0.4 | 20).
// Image 1: every pixel (1 | 0).
const INPUT = Float32Array.of(0.1, 0.2, 0.3, 0.4, -0.1, 0.5, 1.0, 20, 1, 1, 1, 1, 0, 0, 0, 0);

async function run(model: ModelProto | Uint8Array, outputs = ['output']): Promise<Record<string, number[]>> {
  const bytes = model instanceof Uint8Array ? model : await encodeModel(model);
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', INPUT, [2, 2, 2, 2]) }, outputs);
    return Object.fromEntries(outputs.map((name) => [name, Array.from(result[name]!.data as Float32Array)]));
  } finally {
    await session.release();
  }
}

function expectClose(actual: number[] | undefined, expected: number[], tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual!.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `value ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance);
  });
}

describe('dequantizeModel on a tiny QOperator graph', () => {
  // Image 0: the input clips 20 → 12.7. Conv ch0 = x0 - x1 + 0.5 → 0.7, 0.2, -0.2, -11.8 → clipped 0.7, 0.2, 0, 0;
  // ch1 = x0 + 0.25·x1 - 0.5 → -0.425, -0.175, 0.05, 3.075 → 0, 0, 0.05, 3.075.
  // Pool: 0.9/4 = 0.225 and 3.125/4 = 0.78125 → clipped to 0.51. Scores: [0.225 + 1.02, 0.51, -0.225] = [1.245 → 1.05, 0.51, -0.225].
  // Image 1: conv ch0 = 1.5, ch1 = 0.5 at every pixel; pool [1.5, 0.5] → [0.51, 0.5]; scores [1.51 → 1.05, 0.5, -0.51].
  const POOLED = [0.225, 0.51, 0.51, 0.5];
  const SCORES = [1.05, 0.51, -0.225, 1.05, 0.5, -0.51];

  it('tells the quantized graph from the float one', async () => {
    expect(await isQuantizedModel(await encodeModel(await int8Model()))).toBe(true);
    expect(await isQuantizedModel(await encodeModel(await floatModel()))).toBe(false);
  });

  it('gives a float graph whose outputs are the hand-computed values, with every range kept as a clip', async () => {
    const rewritten = await dequantizeModel(await encodeModel(await int8Model()));
    const graph = await decodeModel(rewritten);
    expect(hasQuantizedOps(graph)).toBe(false);
    expect(graph.graph!.node.map((n) => n.opType)).not.toContain('QLinearConv');
    expectClose((await run(rewritten)).output, SCORES, 1e-6);
  });

  it('agrees with onnxruntime running the int8 graph itself, within one output step', async () => {
    const int8 = (await run(await int8Model())).output;
    expectClose(int8, SCORES, 0.01 + 1e-6); // y_scale 0.01: int8 kernels round where the float graph does not
  });

  it('adds the embedding: the clipped average pool, after or without dequantizing', async () => {
    const float = await int8Model();
    await dequantizeGraph(float);
    expect(await addEmbeddingOutput(float)).toEqual({ name: EMBEDDING_OUTPUT, size: 2 });
    const out = await run(float, ['output', EMBEDDING_OUTPUT]);
    expectClose(out[EMBEDDING_OUTPUT], POOLED, 1e-6);
    expectClose(out.output, SCORES, 1e-6);

    // On the int8 graph the feature is dequantized with the classifier's input scale (0.002).
    const int8 = await int8Model();
    expect(await addEmbeddingOutput(int8)).toEqual({ name: EMBEDDING_OUTPUT, size: 2 });
    expectClose((await run(int8, [EMBEDDING_OUTPUT]))[EMBEDDING_OUTPUT], POOLED, 0.002 + 1e-6);
  });
});

describe('addEmbeddingOutput on a tiny float graph', () => {
  it('outputs the hand-computed average pool per image, and leaves the scores as they were', async () => {
    // Image 0 (no input clip here): ch0 after ReLU 0.7, 0.2, 0, 0 → 0.225; ch1 0, 0, 0.05, 4.9 → 1.2375.
    // Image 1: [1.5, 0.5]. Scores = pool × [[1, 0, -1], [2, 1, 0]].
    const pooled = [0.225, 1.2375, 1.5, 0.5];
    const scores = [2.7, 1.2375, -0.225, 2.5, 0.5, -1.5];
    const before = (await run(await floatModel())).output;
    expectClose(before, scores, 1e-6);
    const model = await floatModel();
    expect(await addEmbeddingOutput(model)).toEqual({ name: EMBEDDING_OUTPUT, size: 2 });
    const out = await run(model, ['output', EMBEDDING_OUTPUT]);
    expectClose(out[EMBEDDING_OUTPUT], pooled, 1e-6);
    expect(out.output).toEqual(before);
  });

  it('picks a fresh name when the graph already uses the embedding name', async () => {
    const model = await floatModel();
    const make = await messageFactory();
    model.graph!.node.push(make.node({ opType: 'Identity', input: ['p'], output: [EMBEDDING_OUTPUT], name: 'taken' }));
    expect(await addEmbeddingOutput(model)).toEqual({ name: `${EMBEDDING_OUTPUT}_1`, size: 2 });
    expectClose((await run(model, [`${EMBEDDING_OUTPUT}_1`]))[`${EMBEDDING_OUTPUT}_1`], [0.225, 1.2375, 1.5, 0.5], 1e-6);
  });
});
