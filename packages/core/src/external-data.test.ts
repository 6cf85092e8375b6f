import { describe, expect, it } from 'vitest';
import { assertNoExternalData, MAX_SUBGRAPHS } from './external-data.js';
import { FLOAT, graph, imageInput, len, modelBytes, tensor, tinyInt8Model, valueInfo } from '../../../test/hostile-onnx.js';

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
