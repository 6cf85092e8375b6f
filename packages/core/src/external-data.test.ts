import { describe, expect, it } from 'vitest';
import { assertNoExternalData, MAX_SUBGRAPHS } from './external-data.js';
import { FLOAT, graph, imageInput, len, manyNodesModel, modelBytes, tensor, tinyInt8Model, valueInfo } from '../../../test/hostile-onnx.js';

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

describe('assertNoExternalData', () => {
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

  it('refuses bytes that are not protobuf', async () => {
    await expect(assertNoExternalData(new TextEncoder().encode('n01440764 tench\n'))).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('not a valid ONNX model'),
    });
    await expect(assertNoExternalData(len(7, new Uint8Array([0x0a, 0x20])))).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
  });
});

describe('assertNoExternalData counts nodes', () => {
  it('refuses more nodes than maxNodes with E_LIMIT, subgraph nodes included', async () => {
    // manyNodesModel(n) holds n + 3 nodes
    await expect(assertNoExternalData(manyNodesModel(7), 'm', 10)).resolves.toBeUndefined();
    await expect(assertNoExternalData(manyNodesModel(8), 'm', 10)).rejects.toMatchObject({
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
    await expect(assertNoExternalData(withIf, 'm', 7)).resolves.toBeUndefined();
    await expect(assertNoExternalData(withIf, 'm', 6)).rejects.toMatchObject({ code: 'E_LIMIT' });
  });

  it('takes the zoo models under the default (100,000 nodes)', async () => {
    await expect(assertNoExternalData(manyNodesModel(99_990))).resolves.toBeUndefined();
    await expect(assertNoExternalData(manyNodesModel(100_000))).rejects.toMatchObject({ code: 'E_LIMIT' });
  });
});
