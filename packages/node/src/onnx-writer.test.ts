// core's one ONNX writer making a whole new model, of the shape a trained head exports (Gemm +
// Softmax over a feature vector, labels in metadata_props), run with onnxruntime-node and checked
// against values computed by hand in the comments.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addEmbeddingOutput } from '../../core/src/graph/embedding-graph.js';
import { EMBEDDING_OUTPUT } from '../../core/src/graph/model-io.js';
import { AttributeType, DataType, decodeModel, encodeModel, messageFactory } from '../../core/src/graph/onnx-model.js';
import { float32Bytes } from '../../core/src/graph/tensor-data.js';

const LABELS = JSON.stringify(['tench', 'goldfish', 'shark']);

/**
 * `input` (N×4, or N×4×1×1 through a global average pool) → Gemm (W 3×4 with transB = 1, B) →
 * Softmax over axis 1. W picks features 0, 1 and 2 as the three logits; B = [0, ln 2, ln 5].
 */
async function headModel({ pooled = false } = {}): Promise<Uint8Array> {
  const make = await messageFactory();
  const f32 = (name: string, dims: number[], values: number[]) => make.tensor({ name, dims, dataType: DataType.FLOAT, rawData: float32Bytes(values) });
  const tensorInfo = (name: string, dims: (number | string)[]) =>
    make.valueInfo({
      name,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
  const pool = [
    make.node({ opType: 'GlobalAveragePool', input: ['input'], output: ['pool'], name: 'pool' }),
    make.node({ opType: 'Flatten', input: ['pool'], output: ['features'], name: 'flatten' }),
  ];
  const model = make.model({
    irVersion: 8,
    producerName: 'onnx-mobilenet',
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: [{ key: 'labels', value: LABELS }],
    graph: {
      name: 'head',
      node: [
        ...(pooled ? pool : []),
        make.node({
          opType: 'Gemm',
          input: [pooled ? 'features' : 'input', 'W', 'B'],
          output: ['logits'],
          name: 'gemm',
          attribute: [make.attribute({ name: 'transB', type: AttributeType.INT, i: 1 }), make.attribute({ name: 'alpha', type: AttributeType.FLOAT, f: 1 })],
        }),
        make.node({
          opType: 'Softmax',
          input: ['logits'],
          output: ['output'],
          name: 'softmax',
          attribute: [make.attribute({ name: 'axis', type: AttributeType.INT, i: 1 })],
        }),
      ],
      initializer: [f32('W', [3, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]), f32('B', [3], [0, Math.log(2), Math.log(5)])],
      input: [tensorInfo('input', pooled ? ['N', 4, 1, 1] : ['N', 4])],
      output: [tensorInfo('output', ['N', 3])],
    },
  });
  return encodeModel(model);
}

// Row 0: zeros → logits [0, ln 2, ln 5] → [1, 2, 5] / 8. Row 1: [ln 3, 0, 0, 7] → logits [ln 3, ln 2, ln 5] → [3, 2, 5] / 10.
const INPUT = [0, 0, 0, 0, Math.log(3), 0, 0, 7];
const PROBABILITIES = [0.125, 0.25, 0.625, 0.3, 0.2, 0.5];

async function run(bytes: Uint8Array, dims: number[], outputs = ['output']): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(INPUT), dims) }, outputs);
    return Object.fromEntries(outputs.map((name) => [name, Array.from(result[name]!.data as Float32Array)]));
  } finally {
    await session.release();
  }
}

const expectClose = (actual: number[] | undefined, expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual!.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `value ${i}: ${v} vs ${expected[i]}`).toBeLessThan(1e-6);
  });
};

describe('the ONNX writer', () => {
  it('writes a Gemm + Softmax model that onnxruntime runs to the hand-computed probabilities', async () => {
    expectClose((await run(await headModel(), [2, 4])).output, PROBABILITIES);
  });

  it('writes metadata_props and the producer, read back by the same module', async () => {
    const model = await decodeModel(await headModel());
    expect(model.metadataProps.map(({ key, value }) => ({ key, value }))).toEqual([{ key: 'labels', value: LABELS }]);
    expect(model.producerName).toBe('onnx-mobilenet');
    expect(model.irVersion).toBe(8n);
    expect(model.graph!.node.map((n) => n.opType)).toEqual(['Gemm', 'Softmax']);
    expect(model.graph!.node[0]!.attribute.map((a) => [a.name, a.type, Number(a.i), a.f])).toEqual([
      ['transB', AttributeType.INT, 1, 0],
      ['alpha', AttributeType.FLOAT, 0, 1],
    ]);
  });

  it('finds the embedding of a Gemm classifier with transposed weights: the 4 features, not the 3 classes', async () => {
    const model = await decodeModel(await headModel({ pooled: true }));
    expect(await addEmbeddingOutput(model)).toEqual({ name: EMBEDDING_OUTPUT, size: 4 });
    const out = await run(await encodeModel(model), [2, 4, 1, 1], ['output', EMBEDDING_OUTPUT]);
    expectClose(out.output, PROBABILITIES);
    expectClose(out[EMBEDDING_OUTPUT], INPUT.map(Math.fround)); // the pool of a 1×1 image is its pixel
  });
});
