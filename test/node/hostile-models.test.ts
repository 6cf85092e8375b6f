// Hostile models given to createClassifier: external data that would read files beside the
// process, weights whose declared size lies, bad quantization parameters, absurd thread counts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '@onnx-mobilenet/node';
import {
  FLOAT,
  INT8,
  externalDataModel,
  floats,
  graph,
  hugeDeclaredWeightsModel,
  loopModel,
  imageInput,
  modelBytes,
  scoresFrom,
  sparseTensor,
  tensor,
  tinyInt8Model,
  valueInfo,
  type NodeSpec,
} from '../hostile-onnx.js';

const CLASSES = 4;
const labels = Array.from({ length: CLASSES }, (_, i) => `class ${i}`);
let dir: string;
let canaryPath: string;
/** 16 bytes that read as the float32 values 1, 2, 3, 4: the scores a leak would return. */
const canary = floats([1, 2, 3, 4]);
let image: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-hostile-'));
  canaryPath = join(dir, 'canary.env');
  writeFileSync(canaryPath, canary);
  image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('external data', () => {
  // onnxruntime resolves a relative location against the working directory for a model given as
  // bytes (and refuses paths that leave it); its graph optimiser fails first on such initializers,
  // so the leak shows with optimisations off, which sessionOptions allows.
  const cwd = process.cwd();
  beforeAll(() => process.chdir(dir));
  afterAll(() => process.chdir(cwd));
  const location = 'canary.env';
  const sessionOptions = { graphOptimizationLevel: 'disabled' } as const;

  it('refuses a model given as bytes whose initializer reads a file in the working directory', async () => {
    for (const precision of ['model', 'fp32'] as const) {
      for (const embeddings of [true, false]) {
        await expect(createClassifier({ model: externalDataModel(location, CLASSES), labels, precision, embeddings, sessionOptions })).rejects.toMatchObject({
          name: 'OnnxMobilenetError',
          code: 'E_MODEL_LOAD',
          message: expect.stringMatching(/initializer "leak" .*external data .*canary\.env/),
        });
      }
    }
  });

  it('refuses external data in a model given by path, even inside its own folder', async () => {
    const beside = join(dir, 'beside.onnx');
    writeFileSync(beside, externalDataModel(location, CLASSES));
    await expect(createClassifier({ model: beside, labels, sessionOptions })).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('external data'),
    });
    const escaping = join(dir, 'escaping.onnx');
    writeFileSync(escaping, externalDataModel(relative(cwd, canaryPath), CLASSES));
    await expect(createClassifier({ model: escaping, labels, sessionOptions })).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('external data'),
    });
  });

  it('refuses external data hidden in a Constant node, a sparse initializer, a subgraph, or only by data_location', async () => {
    const leak = (name: string) => tensor({ name, dims: [1, CLASSES], dataType: FLOAT, external: { location } });
    const io = { inputs: [imageInput()], outputs: [valueInfo('output', FLOAT, ['N', CLASSES])] };
    const variants: Record<string, Uint8Array> = {
      constant: modelBytes(graph({ nodes: [{ op: 'Constant', input: [], output: ['output'], attrs: [{ name: 'value', t: leak('c') }] }], ...io })),
      sparse: modelBytes(
        graph({
          nodes: [{ op: 'Identity', input: ['s'], output: ['output'] }],
          sparseInitializers: [sparseTensor(leak('s'), tensor({ name: 'i', dims: [4], dataType: 7, int32Data: [0, 1, 2, 3] }), [1, CLASSES])],
          ...io,
        }),
      ),
      subgraph: modelBytes(
        graph({
          nodes: [
            { op: 'Constant', input: [], output: ['cond'], attrs: [{ name: 'value', t: tensor({ name: 'b', dims: [], dataType: 9, int32Data: [1] }) }] },
            {
              op: 'If',
              input: ['cond'],
              output: ['output'],
              attrs: [
                {
                  name: 'then_branch',
                  g: graph({ nodes: [{ op: 'Identity', input: ['deep'], output: ['t'] }], initializers: [leak('deep')], outputs: [valueInfo('t', FLOAT)] }),
                },
                {
                  name: 'else_branch',
                  g: graph({ nodes: [{ op: 'Identity', input: ['deep'], output: ['e'] }], initializers: [leak('deep')], outputs: [valueInfo('e', FLOAT)] }),
                },
              ],
            },
          ],
          ...io,
        }),
      ),
      'data_location only': modelBytes(
        graph({
          nodes: [{ op: 'Identity', input: ['x'], output: ['output'] }],
          initializers: [tensor({ name: 'x', dims: [1, CLASSES], dataType: FLOAT, dataLocation: 1 })],
          ...io,
        }),
      ),
    };
    for (const [what, model] of Object.entries(variants)) {
      await expect(createClassifier({ model, labels, embeddings: false, sessionOptions }), what).rejects.toMatchObject({
        code: 'E_MODEL_LOAD',
        message: expect.stringContaining('external data'),
      });
    }
  });

  it('never returns the bytes of a file the model names', async () => {
    // The same graph with the canary's values inline loads and returns them: the leak model is otherwise valid.
    const inline = modelBytes(
      graph({
        nodes: scoresFrom('leak'),
        initializers: [
          tensor({ name: 'zero', dims: [], dataType: FLOAT, raw: floats([0]) }),
          tensor({ name: 'leak', dims: [1, CLASSES], dataType: FLOAT, raw: canary }),
        ],
        inputs: [imageInput()],
        outputs: [valueInfo('output', FLOAT, ['N', CLASSES])],
      }),
      11,
    );
    const c = await createClassifier({ model: inline, labels, sessionOptions });
    expect(Array.from(await c.logits(image))).toEqual([1, 2, 3, 4]);
    await c.dispose();
    const leaking = createClassifier({ model: externalDataModel(location, CLASSES), labels, embeddings: false, sessionOptions });
    const outcome = await leaking.then(
      async (l) => Array.from(await l.logits(image)),
      (err: Error) => err.name,
    );
    expect(outcome).toBe('OnnxMobilenetError');
  });
});

describe('quantized weights that lie', () => {
  it('refuses weights whose declared dims exceed the bytes present, before allocating', async () => {
    const model = hugeDeclaredWeightsModel();
    expect(model.byteLength).toBeLessThan(400);
    const many = Array.from({ length: 10_000 }, String);
    await expect(createClassifier({ model, labels: many, precision: 'fp32' })).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringMatching(/initializer "W" declares 16000×10000 .*160000000 bytes.* has 16/),
    });
    // As it is, onnxruntime refuses it in its own words.
    await expect(createClassifier({ model, labels: many, precision: 'model' })).rejects.toMatchObject({ name: 'OnnxMobilenetError', code: 'E_MODEL_LOAD' });
  });

  const cases: Record<string, Uint8Array> = {
    'short raw_data': tinyInt8Model({ W: tensor({ name: 'W', dims: [3, CLASSES], dataType: INT8, raw: new Uint8Array(5) }) }),
    'no data at all': tinyInt8Model({ W: tensor({ name: 'W', dims: [3, CLASSES], dataType: INT8 }) }),
    'negative dims': tinyInt8Model({ W: tensor({ name: 'W', dims: [-3, -CLASSES], dataType: INT8, raw: new Uint8Array(12) }) }),
    'dims beyond 2^53': tinyInt8Model({ W: tensor({ name: 'W', dims: [2n ** 62n, 2n ** 62n], dataType: INT8, raw: new Uint8Array(12) }) }),
    'zero point with no data': tinyInt8Model({ W_zp: tensor({ name: 'W_zp', dims: [], dataType: INT8 }) }),
    'float zero point': tinyInt8Model({ W_zp: tensor({ name: 'W_zp', dims: [], dataType: FLOAT, raw: floats([2]) }) }),
    'zero point out of range': tinyInt8Model({ W_zp: tensor({ name: 'W_zp', dims: [], dataType: INT8, int32Data: [300] }) }),
    'scale of the wrong type': tinyInt8Model({ W_scale: tensor({ name: 'W_scale', dims: [], dataType: INT8, raw: new Uint8Array([1]) }) }),
    'NaN scale': tinyInt8Model({ W_scale: tensor({ name: 'W_scale', dims: [], dataType: FLOAT, raw: floats([Number.NaN]) }) }),
    'per-channel scale of the wrong length': tinyInt8Model({ W_scale: tensor({ name: 'W_scale', dims: [2], dataType: FLOAT, raw: floats([0.25, 0.5]) }) }),
    'DequantizeLinear without its scale input': quantizedNodeModel({ op: 'DequantizeLinear', input: ['W'], output: ['W_float'] }),
    'QLinearConv whose weight is not a constant': quantizedNodeModel({
      op: 'QLinearConv',
      input: ['flat', 'W_scale', 'W_zp', 'flat', 'W_scale', 'W_zp', 'W_scale', 'W_zp'],
      output: ['W_float'],
    }),
  };
  /** tinyInt8Model with its DequantizeLinear replaced by `quantized` (which must output W_float). */
  function quantizedNodeModel(quantized: NodeSpec): Uint8Array {
    return modelBytes(
      graph({
        nodes: [
          { op: 'GlobalAveragePool', input: ['input'], output: ['pooled'] },
          { op: 'Flatten', input: ['pooled'], output: ['flat'] },
          quantized,
          { op: 'MatMul', input: ['flat', 'W_float'], output: ['output'] },
        ],
        initializers: [
          tensor({ name: 'W', dims: [3, CLASSES], dataType: INT8, raw: new Uint8Array(3 * CLASSES) }),
          tensor({ name: 'W_scale', dims: [], dataType: FLOAT, raw: floats([0.25]) }),
          tensor({ name: 'W_zp', dims: [], dataType: INT8, raw: new Uint8Array([2]) }),
        ],
        inputs: [imageInput()],
        outputs: [valueInfo('output', FLOAT, ['N', CLASSES])],
      }),
    );
  }
  it.each(Object.entries(cases))('refuses %s with E_MODEL_LOAD when dequantizing', async (_what, model) => {
    await expect(createClassifier({ model, labels, precision: 'fp32' })).rejects.toMatchObject({ name: 'OnnxMobilenetError', code: 'E_MODEL_LOAD' });
  });

  it('dequantizes the valid tiny model to the scores computed by hand', async () => {
    // W[f][k] = (int8((f*4+k)*37 % 200) - 2) × 0.25, pooled feature of a uniform grey image = (128/255 - mean) / std per channel.
    const int8 = (v: number) => (v > 127 ? v - 256 : v);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const feature = mean.map((m, f) => (128 / 255 - m) / std[f]!);
    const expected = Array.from({ length: CLASSES }, (_, k) => feature.reduce((s, x, f) => s + x * (int8(((f * CLASSES + k) * 37) % 200) - 2) * 0.25, 0));
    const c = await createClassifier({ model: tinyInt8Model(), labels, precision: 'fp32' });
    expect(c.model.dequantized).toBe(true);
    const got = Array.from(await c.logits(image));
    // 1e-3 relative: the pipeline's float32 preprocessing lands 1.3e-4 off the float64 hand computation.
    got.forEach((v, k) => {
      expect(Math.abs(v - expected[k]!), `class ${k}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(expected[k]!)));
    });
    await c.dispose();
  });

  it('checks the rewritten graph against limits.maxModelBytes', async () => {
    // 3×4000 int8 weights (12 kB) become 48 kB of float32: over a 30 kB limit only once rewritten.
    const model = tinyInt8Model({}, 4000);
    expect(model.byteLength).toBeLessThan(30_000);
    const many = Array.from({ length: 4000 }, String);
    await expect(createClassifier({ model, labels: many, precision: 'fp32', limits: { maxModelBytes: 30_000 } })).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining('limits.maxModelBytes'),
    });
    const c = await createClassifier({ model, labels: many, precision: 'model', limits: { maxModelBytes: 30_000 } });
    await c.dispose();
  });
});

describe('embedding output name', () => {
  it('picks a fresh output name when the model already has a tensor named like the embedding', async () => {
    // The pooled feature itself is called onnx_mobilenet_embedding; W is 3×4 floats.
    const weights = Array.from({ length: 3 * CLASSES }, (_, i) => i / 10);
    const model = modelBytes(
      graph({
        nodes: [
          { op: 'GlobalAveragePool', input: ['input'], output: ['pooled'] },
          { op: 'Flatten', input: ['pooled'], output: ['onnx_mobilenet_embedding'] },
          { op: 'MatMul', input: ['onnx_mobilenet_embedding', 'W'], output: ['output'] },
        ],
        initializers: [tensor({ name: 'W', dims: [3, CLASSES], dataType: FLOAT, raw: floats(weights) })],
        inputs: [imageInput()],
        outputs: [valueInfo('output', FLOAT, ['N', CLASSES])],
      }),
    );
    const c = await createClassifier({ model, labels });
    expect(c.model.embeddingSize).toBe(3);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const embedding = Array.from(await c.embed(image));
    embedding.forEach((v, f) => {
      expect(Math.abs(v - (128 / 255 - mean[f]!) / std[f]!), `feature ${f}`).toBeLessThan(1e-3);
    });
    await c.dispose();
  });
});

describe('control flow', () => {
  // Before the check every one of these loaded, and classify() then blocked the JavaScript thread
  // for good (memory-bounds.test.ts runs the 1e15 case in a child with a kill timer).
  it.each([
    ['a constant trip count of 1e15', { initializer: 1e15 }, 'runs 1000000000000000 times, over limits.maxLoopIterations (1000)'],
    ['a trip count from a Constant node', { constant: 1e15 }, 'runs 1000000000000000 times'],
    ['a trip count from the image', 'from-input', 'takes its trip count from "trip", which is not a constant'],
    ['no trip count', 'none', 'has no trip count'],
  ] as const)('refuses a Loop with %s at load, naming the node', async (_what, trip, message) => {
    await expect(createClassifier({ model: loopModel(trip), labels })).rejects.toMatchObject({
      name: 'OnnxMobilenetError',
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining(`Loop node "loop" ${message}`),
    });
  });

  it('runs a Loop with a small constant trip count, and one past the default limit when limits.maxLoopIterations allows it', async () => {
    for (const [trip, limits] of [
      [3, {}],
      [5000, { maxLoopIterations: 5000 }],
    ] as const) {
      const c = await createClassifier({ model: loopModel({ initializer: trip }), labels, limits });
      expect(Array.from(await c.logits(image))).toEqual([1, 2, 3, 4]); // the carried initializer, unchanged by the Identity body
      await c.dispose();
    }
  });
});

describe('threads', () => {
  it('refuses a thread count over the maximum with E_INPUT naming it', async () => {
    for (const threads of [1e6, 1025]) {
      await expect(createClassifier({ model: tinyInt8Model(), labels, threads })).rejects.toMatchObject({
        code: 'E_INPUT',
        message: expect.stringMatching(/threads must be .*1024/),
      });
      await expect(createClassifier({ model: tinyInt8Model(), labels, sessionOptions: { intraOpNumThreads: threads } })).rejects.toMatchObject({
        code: 'E_INPUT',
        message: expect.stringMatching(/sessionOptions.intraOpNumThreads must be .*1024/),
      });
    }
    const c = await createClassifier({ model: tinyInt8Model(), labels, threads: 2, sessionOptions: { intraOpNumThreads: 0 } });
    await c.dispose();
  });
});
