// The embedding output spliced into a model's bytes against the full rewrite (decode, add the
// node and output, encode) it stands in for: the spliced bytes must decode to the same model.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetsReason, FP32_MODEL, INT8_MODEL } from '../../../../test/assets.js';
import { maxPoolModel } from '../../../../test/onnx-models.js';
import { addEmbeddingOutput } from './embedding-graph.js';
import { checkModelBytes } from './external-data.js';
import { spliceEmbeddingOutput } from './embedding-splice.js';
import { EMBEDDING_OUTPUT } from './model-io.js';
import { decodeModel, encodeModel, messageFactory } from './onnx-model.js';
import { WireReader, WireWriter } from './wire.js';

/** The full rewrite's model (as bytes of protobuf-es's encoding) and embedding, for comparison. */
async function fullRewrite(bytes: Uint8Array) {
  const model = await decodeModel(bytes);
  const embedding = await addEmbeddingOutput(model);
  return { encoded: Buffer.from(await encodeModel(model)), embedding };
}

/** Bytes as protobuf-es decodes and encodes them again: equal for equal models, whatever the field order. */
async function reencoded(bytes: Uint8Array): Promise<Buffer> {
  return Buffer.from(await encodeModel(await decodeModel(bytes)));
}

/** A model of the zoo's float classifier's tail: GlobalAveragePool → Flatten → Gemm, with names that are taken or not ASCII. */
async function tailModel(names: { pool: string; taken?: string }): Promise<Uint8Array> {
  const make = await messageFactory();
  const node = (opType: string, input: string[], output: string, attribute: ReturnType<typeof make.attribute>[] = []) =>
    make.node({ opType, input, output: [output], name: output, attribute });
  const t = (name: string, dims: number[]) => make.tensor({ name, dims, dataType: 1, rawData: new Uint8Array(4 * dims.reduce((a, b) => a * b, 1)) });
  const nodes = [
    node('GlobalAveragePool', ['input'], names.pool),
    node('Flatten', [names.pool], 'flat'),
    node('Gemm', ['flat', 'W', 'B'], 'output', [make.attribute({ name: 'transB', i: 1, type: 2 })]),
  ];
  if (names.taken) nodes.push(node('Identity', ['flat'], names.taken));
  return encodeModel(
    make.model({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 12 }],
      metadataProps: [make.metadata({ key: 'k', value: 'v' })],
      graph: {
        name: 'tail',
        node: nodes,
        initializer: [t('W', [10, 3]), t('B', [10])],
        input: [make.valueInfo({ name: 'input', type: { tensorType: { elemType: 1 } } })],
        output: [make.valueInfo({ name: 'output', type: { tensorType: { elemType: 1 } } })],
      },
    }),
  );
}

describe('spliceEmbeddingOutput', () => {
  it.each<[string, { pool: string; taken?: string }]>([
    ['plain names', { pool: 'pooled' }],
    ['the output name taken, names not ASCII', { pool: 'gepoolt-ä-𝄞', taken: EMBEDDING_OUTPUT }],
  ])('decodes to what the full rewrite makes (%s)', async (_, names) => {
    const bytes = await tailModel(names);
    const spliced = spliceEmbeddingOutput(bytes)!;
    const full = await fullRewrite(bytes);
    expect(spliced.embedding).toEqual(full.embedding);
    expect(spliced.embedding).toEqual({ name: names.taken ? `${EMBEDDING_OUTPUT}_1` : EMBEDDING_OUTPUT, size: 3 });
    expect((await reencoded(spliced.bytes)).equals(full.encoded)).toBe(true);
  });

  it.skipIf(assetsReason)('decodes to what the full rewrite makes on the int8 and fp32 zoo models', async () => {
    for (const path of [INT8_MODEL, FP32_MODEL]) {
      const bytes = new Uint8Array(readFileSync(path));
      const spliced = spliceEmbeddingOutput(bytes)!;
      const full = await fullRewrite(bytes);
      expect(spliced.embedding).toEqual({ name: EMBEDDING_OUTPUT, size: 1280 });
      expect(spliced.embedding).toEqual(full.embedding);
      expect((await reencoded(spliced.bytes)).equals(full.encoded)).toBe(true);
    }
  });

  it('gives the full search reason where there is no pooled feature, and leaves the bytes', async () => {
    const bytes = await maxPoolModel();
    const spliced = spliceEmbeddingOutput(bytes)!;
    expect(spliced.bytes).toBe(bytes);
    await expect(addEmbeddingOutput(await decodeModel(bytes))).rejects.toMatchObject({
      code: 'E_MODEL_SHAPE',
      message: (spliced.embedding as { missing: { reason: string } }).missing.reason,
    });
  });

  it('leaves to the full rewrite what does not scan, or has its graph in two parts', async () => {
    const bytes = await tailModel({ pool: 'pooled' });
    expect(spliceEmbeddingOutput(bytes.subarray(0, bytes.length - 3))).toBeUndefined();
    expect(spliceEmbeddingOutput(new Uint8Array([0xff, 0xff]))).toBeUndefined();
    const graph = new WireWriter().len(7, new WireWriter().len(2, 'more').finish()).finish();
    const twice = new Uint8Array([...bytes, ...graph]);
    expect((await decodeModel(twice)).graph?.name).toBe('more'); // protobuf merges the parts; the splice does not try
    expect(spliceEmbeddingOutput(twice)).toBeUndefined();
  });

  it('leaves to the full rewrite a name that is not UTF-8, which it could not write back as the same bytes', async () => {
    const bytes = Buffer.from(await tailModel({ pool: 'pooled' }));
    for (let i = bytes.indexOf('flat'); i >= 0; i = bytes.indexOf('flat', i + 1)) bytes[i + 3] = 0xff; // "fla\xFF"
    expect(spliceEmbeddingOutput(new Uint8Array(bytes))).toBeUndefined();
    // the full rewrite reads every name alike (U+FFFD), so each node still reads a tensor the graph has
    const model = await decodeModel(new Uint8Array(bytes));
    await addEmbeddingOutput(model);
    const made = new Set([...model.graph!.input.map((v) => v.name), ...model.graph!.initializer.map((t) => t.name)]);
    for (const node of model.graph!.node) {
      for (const input of node.input) expect(made.has(input)).toBe(true);
      for (const output of node.output) made.add(output);
    }
  });
});

describe('WireReader', () => {
  it('reads varints as protobuf does: 64-bit ints signed, 32-bit reads truncated, bounds checked', () => {
    const minusOne = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expect(new WireReader(Uint8Array.from(minusOne)).int64()).toBe(-1n);
    expect(new WireReader(Uint8Array.from(minusOne)).int32()).toBe(-1);
    expect(new WireReader(Uint8Array.from([0x96, 0x01])).uint32()).toBe(150);
    expect(new WireReader(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10])).int64()).toBe(2n ** 32n);
    expect(() => new WireReader(Uint8Array.from([0x80])).uint32()).toThrow(RangeError);
    expect(() => new WireReader(Uint8Array.from(Array(11).fill(0x80))).int64()).toThrow(/varint/);
    expect(() => new WireReader(Uint8Array.from([0x05, 1])).bytes()).toThrow(RangeError);
    expect(() => new WireReader(Uint8Array.from([0x0f])).tag()).toThrow(/illegal tag/);
  });

  it('skips groups to their own end tag', () => {
    // field 1 start group, inside: field 2 varint 5, field 1 end group; then field 3 varint 7
    const reader = new WireReader(Uint8Array.from([0x0b, 0x10, 0x05, 0x0c, 0x18, 0x07]));
    const [field, wire] = reader.tag();
    reader.skip(wire, field);
    expect(reader.tag()).toEqual([3, 0]);
    expect(reader.int32()).toBe(7);
    expect(() => {
      const r = new WireReader(Uint8Array.from([0x0b, 0x14]));
      const [f, w] = r.tag();
      r.skip(w, f);
    }).toThrow(/end group/);
  });

  it('follows groups at most 100 deep (protobuf-es and onnxruntime refuse deeper), not as deep as the stack allows', async () => {
    // unknown field 100 as groups nested `depth` deep: start tags, then end tags
    const nested = (depth: number) =>
      Uint8Array.from([...Array<number[]>(depth).fill([0xa3, 0x06]).flat(), ...Array<number[]>(depth).fill([0xa4, 0x06]).flat()]);
    const skipAll = (bytes: Uint8Array) => {
      const r = new WireReader(bytes);
      const [f, w] = r.tag();
      r.skip(w, f);
      return r.pos;
    };
    expect(skipAll(nested(100))).toBe(400);
    expect(() => skipAll(nested(101))).toThrow(/recursion depth/);
    expect(() => skipAll(nested(200_000))).toThrow(/recursion depth/);
    await expect(checkModelBytes(nested(150), { maxLoopIterations: 1000, maxNodes: 1000 })).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
  });
});
