import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../options/defaults.js';
import { checkModelBytes, MAX_SUBGRAPHS } from './external-data.js';
import {
  BOOL,
  FLOAT,
  INT64,
  graph,
  imageInput,
  int64Bytes,
  len,
  loopModel,
  loopNode,
  manyNodesModel,
  modelBytes,
  node,
  tensor,
  tinyInt8Model,
  valueInfo,
} from '../../../../test/hostile-onnx.js';

const ifNode = (then: Uint8Array[], otherwise: Uint8Array[], out: string) => ({
  op: 'If',
  input: ['cond'],
  output: [out],
  attrs: [
    { name: 'then_branch', g: then },
    { name: 'else_branch', g: otherwise },
  ],
});
const leaf = (out: string) => graph({ nodes: [{ op: 'Identity', input: ['input'], output: [out] }], outputs: [valueInfo(out, FLOAT)] });

const assertNoExternalData = (bytes: Uint8Array) =>
  checkModelBytes(bytes, { maxLoopIterations: DEFAULTS.limits.maxLoopIterations, maxNodes: DEFAULTS.limits.maxModelNodes });

describe('checkModelBytes: external data', () => {
  it('passes a model whose tensors are all inline', async () => {
    await expect(assertNoExternalData(tinyInt8Model())).resolves.toBeUndefined();
  });

  it('names the tensor and the file of external data, however deep it sits', async () => {
    const leak = tensor({ name: 'secret', dims: [2], dataType: FLOAT, external: { location: 'config/prod.json', offset: '0' } });
    const inner = graph({ nodes: [{ op: 'Identity', input: ['secret'], output: ['t'] }], initializers: [leak], outputs: [valueInfo('t', FLOAT)] });
    let g = inner;
    for (let d = 0; d < 10; d++) g = graph({ nodes: [ifNode(g, leaf(`e${d}`), `y${d}`)], outputs: [valueInfo(`y${d}`, FLOAT)] });
    await expect(assertNoExternalData(modelBytes(graph({ nodes: [ifNode(g, leaf('e'), 'output')], inputs: [imageInput()] })))).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('initializer "secret" stores its data outside the model (external data at "config/prod.json")'),
    });
  });

  it("refuses nesting past protobuf's depth limit and more subgraphs than a classifier could need", async () => {
    let deep = leaf('y');
    for (let d = 0; d < 40; d++) deep = graph({ nodes: [ifNode(deep, leaf(`e${d}`), `y${d}`)] });
    await expect(assertNoExternalData(modelBytes(deep))).rejects.toMatchObject({ code: 'E_MODEL_LOAD', message: expect.stringContaining('deeper than 100') });
    const many = graph({ nodes: Array.from({ length: MAX_SUBGRAPHS / 2 + 1 }, (_, i) => ifNode(leaf(`a${i}`), leaf(`b${i}`), `y${i}`)) });
    await expect(assertNoExternalData(modelBytes(many))).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining(`more than ${MAX_SUBGRAPHS} subgraphs`),
    });
  });

  it('reads every output of a node: a TopK with two outputs, then its name and op', async () => {
    const topK = graph({
      nodes: [{ op: 'TopK', input: ['input', 'k'], output: ['values', 'indices'] }],
      inputs: [imageInput()],
      outputs: [valueInfo('values', FLOAT)],
    });
    await expect(assertNoExternalData(modelBytes(topK))).resolves.toBeUndefined();
  });

  it('refuses bytes that are not protobuf', async () => {
    await expect(assertNoExternalData(new TextEncoder().encode('n01440764 tench\n'))).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('not a valid ONNX model'),
    });
    await expect(assertNoExternalData(len(7, new Uint8Array([0x0a, 0x20])))).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
  });
});

describe('checkModelBytes counts nodes', () => {
  it('refuses more nodes than maxNodes with E_LIMIT, subgraph nodes included', async () => {
    // manyNodesModel(n) holds n + 3 nodes
    await expect(checkModelBytes(manyNodesModel(7), { source: 'm', maxLoopIterations: 1000, maxNodes: 10 })).resolves.toBeUndefined();
    await expect(checkModelBytes(manyNodesModel(8), { source: 'm', maxLoopIterations: 1000, maxNodes: 10 })).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: 'the model has more than 10 nodes, over limits.maxModelNodes (10)',
    });
    // an If node whose two branches hold 3 nodes each: 7 in all
    const branch = (name: string) =>
      graph({
        nodes: [0, 1, 2].map((i) => ({ op: 'Identity', input: [i ? `${name}${i - 1}` : 'flat'], output: [`${name}${i}`] })),
        outputs: [valueInfo(`${name}2`, FLOAT)],
      });
    const withIf = modelBytes(
      graph({
        nodes: [
          {
            op: 'If',
            input: ['cond'],
            output: ['out'],
            attrs: [
              { name: 'then_branch', g: branch('t') },
              { name: 'else_branch', g: branch('e') },
            ],
          },
        ],
        inputs: [imageInput()],
      }),
    );
    await expect(checkModelBytes(withIf, { source: 'm', maxLoopIterations: 1000, maxNodes: 7 })).resolves.toBeUndefined();
    await expect(checkModelBytes(withIf, { source: 'm', maxLoopIterations: 1000, maxNodes: 6 })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });

  it('takes the zoo models under the default (100,000 nodes)', async () => {
    await expect(checkModelBytes(manyNodesModel(99_990), { maxLoopIterations: 1000, maxNodes: DEFAULTS.limits.maxModelNodes })).resolves.toBeUndefined();
    await expect(checkModelBytes(manyNodesModel(100_000), { maxLoopIterations: 1000, maxNodes: DEFAULTS.limits.maxModelNodes })).rejects.toMatchObject({
      code: 'E_LIMIT',
    });
  });
});

describe('checkModelBytes: control flow', () => {
  const check = (bytes: Uint8Array, maxLoopIterations: number = DEFAULTS.limits.maxLoopIterations) =>
    checkModelBytes(bytes, { maxLoopIterations, maxNodes: DEFAULTS.limits.maxModelNodes });
  const tripTensor = (name: string, value: number | bigint) => tensor({ name, dims: [], dataType: INT64, raw: int64Bytes(value) });
  /** A graph running `node` (which reads `v` and writes `v_final`) with the given initializers. */
  const around = (node: Uint8Array[], initializers: Uint8Array[][] = []) =>
    modelBytes(
      graph({
        nodes: [node, { op: 'Identity', input: ['v_final'], output: ['output'] }],
        initializers: [tensor({ name: 'loop_true', dims: [], dataType: BOOL, raw: new Uint8Array([1]) }), ...initializers],
        inputs: [imageInput()],
      }),
    );

  it('passes a Loop whose trip count is a constant within the limit, from an initializer or a Constant node', async () => {
    await expect(check(loopModel({ initializer: 3 }))).resolves.toBeUndefined();
    await expect(check(loopModel({ constant: 1000 }))).resolves.toBeUndefined();
    await expect(check(loopModel({ initializer: 1000 }), 999)).rejects.toMatchObject({
      message: expect.stringContaining('runs 1000 times, over limits.maxLoopIterations (999)'),
    });
  });

  it('refuses a Loop of 1e15 trips, naming the node and the limit', async () => {
    for (const trip of [{ initializer: 1e15 }, { constant: 1e15 }, { initializer: 2n ** 63n - 1n }]) {
      await expect(check(loopModel(trip))).rejects.toMatchObject({
        code: 'E_MODEL_LOAD',
        message: expect.stringMatching(/Loop node "loop" runs \d+ times, over limits\.maxLoopIterations \(1000\)/),
      });
    }
    // no bound on constant counts with Infinity, as with any limit
    await expect(check(loopModel({ initializer: 1e15 }), Number.POSITIVE_INFINITY)).resolves.toBeUndefined();
  });

  it('refuses a Loop whose count is known only at run time, whatever the limit', async () => {
    for (const limit of [1000, Number.POSITIVE_INFINITY]) {
      await expect(check(loopModel('from-input'), limit)).rejects.toMatchObject({
        code: 'E_MODEL_LOAD',
        message: expect.stringContaining('Loop node "loop" takes its trip count from "trip", which is not a constant int64 of its own graph'),
      });
      await expect(check(loopModel('none'), limit)).rejects.toMatchObject({
        code: 'E_MODEL_LOAD',
        message: expect.stringContaining('Loop node "loop" has no trip count: it runs for as long as its condition holds'),
      });
      await expect(check(loopModel({ initializer: -1 }), limit)).rejects.toMatchObject({ message: expect.stringContaining('negative trip count -1') });
    }
  });

  it('multiplies nested loops, and follows loops into If branches', async () => {
    // outer 100 × inner 100: 10,000 iterations of the inner body
    const nested = (innerTrip: number) =>
      around(
        loopNode('outer', 'outer_trip', 'v', 'v_final', {
          nodes: [loopNode('inner', 'inner_trip', 'outer_v_in', 'outer_v_out')],
          initializers: [tripTensor('inner_trip', innerTrip)],
        }),
        [tripTensor('outer_trip', 100)],
      );
    await expect(check(nested(10))).resolves.toBeUndefined();
    await expect(check(nested(100))).rejects.toMatchObject({
      message: expect.stringContaining(
        'Loop node "outer" runs 100 times, and the loops in its body 100 times each: 10000 iterations, over limits.maxLoopIterations (1000)',
      ),
    });
    await expect(check(nested(100), 10_000)).resolves.toBeUndefined();
    // a count from the enclosing graph is not followed: refused
    const outerScope = around(loopNode('outer', 'outer_trip', 'v', 'v_final', { nodes: [loopNode('inner', 'outer_trip', 'outer_v_in', 'outer_v_out')] }), [
      tripTensor('outer_trip', 2),
    ]);
    await expect(check(outerScope)).rejects.toMatchObject({ message: expect.stringContaining('Loop node "inner" takes its trip count from "outer_trip"') });
    // a Loop of 1e15 in one branch of an If, two Ifs down
    const branch = (trip: number) => graph({ nodes: [loopNode('deep', 'deep_trip', 'v', 'v_final')], initializers: [tripTensor('deep_trip', trip)] });
    const inIf = (trip: number) => ifNode(graph({ nodes: [ifNode(branch(trip), leaf('a'), 'x')] }), leaf('b'), 'v_final');
    await expect(check(around(node(inIf(5))))).resolves.toBeUndefined();
    await expect(check(around(node(inIf(1e15))))).rejects.toMatchObject({ message: expect.stringContaining('Loop node "deep" runs 1000000000000000 times') });
  });

  it('refuses Scan and any other node that repeats a subgraph, and loops inside functions', async () => {
    const body = graph({ nodes: [{ op: 'Identity', input: ['x'], output: ['y'] }] });
    for (const [op, domain] of [
      ['Scan', ''],
      ['SequenceMap', ''],
      ['BeamSearch', 'com.microsoft'],
      ['Loop', 'com.example'],
    ] as const) {
      const n = node({ op, domain, input: ['v'], output: ['v_final'], attrs: [{ name: 'body', g: body }] });
      await expect(check(around(n), Number.POSITIVE_INFINITY), op).rejects.toMatchObject({
        code: 'E_MODEL_LOAD',
        message: expect.stringContaining(`${op} node "${op}_v_final" runs a subgraph as many times as the tensors it is given at run time say`),
      });
    }
    // FunctionProto (field 25 of ModelProto): name, node
    const fn = len(25, [
      len(1, 'f'),
      len(7, [len(1, 'trip'), len(2, 'y'), len(3, 'in_function'), len(4, 'Constant')]),
      len(7, loopNode('fn_loop', 'trip', 'x', 'y')),
    ]);
    await expect(check(new Uint8Array([...loopModel({ initializer: 2 }), ...fn]))).rejects.toMatchObject({
      message: expect.stringContaining(
        'Loop node "fn_loop" takes its trip count from "trip", which is not a constant int64 of its own graph (it sits in a model-local function)',
      ),
    });
  });
});
