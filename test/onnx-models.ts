// Small ONNX models built in the tests (with core's own ONNX writer), for the shapes the
// real files do not have.
import { encodeModel, messageFactory } from '../packages/core/src/graph/onnx-model.js';
import { float32Bytes } from '../packages/core/src/graph/tensor-data.js';

type Shape = (number | string)[];
const dims = (shape: Shape) => ({ dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) });

/** A float model from `nodes`, one input and one output of the given shapes, and float initializers. */
async function model(
  nodes: { op: string; input: string[]; output: string }[],
  inShape: Shape,
  outShape: Shape,
  inits: Record<string, { dims: number[]; values: number[] }> = {},
): Promise<Uint8Array> {
  const make = await messageFactory();
  return encodeModel(
    make.model({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 12 }],
      graph: {
        name: 'test',
        node: nodes.map((n) => make.node({ opType: n.op, input: n.input, output: [n.output] })),
        initializer: Object.entries(inits).map(([name, t]) => make.tensor({ name, dims: t.dims, dataType: 1, rawData: float32Bytes(t.values) })),
        input: [make.valueInfo({ name: 'input', type: { tensorType: { elemType: 1, shape: dims(inShape) } } })],
        output: [make.valueInfo({ name: 'output', type: { tensorType: { elemType: 1, shape: dims(outShape) } } })],
      },
    }),
  );
}

/** One Identity node from `input` (shape `inShape`) to `output` (shape `outShape`). */
export function identityModel(inShape: Shape, outShape: Shape): Promise<Uint8Array> {
  return model([{ op: 'Identity', input: ['input'], output: 'output' }], inShape, outShape);
}

/**
 * A model that classifies (GlobalMaxPool → Flatten → MatMul) but has no average-pooled feature.
 * `nanClass` makes that class's weights NaN, so its score is NaN for every image; `inShape` may
 * leave height and width symbolic.
 */
export function maxPoolModel({ nanClass, inShape = ['N', 3, 224, 224] }: { nanClass?: number; inShape?: Shape } = {}): Promise<Uint8Array> {
  return model(
    [
      { op: 'GlobalMaxPool', input: ['input'], output: 'pooled' },
      { op: 'Flatten', input: ['pooled'], output: 'flat' },
      { op: 'MatMul', input: ['flat', 'W'], output: 'output' },
    ],
    inShape,
    ['N', 1000],
    { W: { dims: [3, 1000], values: Array.from({ length: 3000 }, (_, i) => (i % 1000 === nanClass ? Number.NaN : (i % 7) / 7)) } },
  );
}
