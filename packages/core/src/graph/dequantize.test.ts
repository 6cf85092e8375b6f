import { describe, expect, it } from 'vitest';
import { dequantizeGraph, hasQuantizedOpsInBytes } from './dequantize.js';
import { DataType, encodeModel, messageFactory, type Init, type ModelProto, type TensorProto } from './onnx-model.js';
import { tensorArray, tensorValues } from './tensor-data.js';
import { rewriteModel } from './rewrite-model.js';

/** Raw little-endian bytes at `offset` into a larger buffer (as protobuf decoding leaves them). */
function rawAt(offset: number, bytes: number[]): Uint8Array {
  const buffer = new Uint8Array(offset + bytes.length);
  buffer.set(bytes, offset);
  return buffer.subarray(offset);
}
const int32le = (values: number[]) => values.flatMap((v) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff]);

/** A graph of one DequantizeLinear on a constant `w`, dequantized; returns the float weights it made. */
async function dequantizeConstant(w: Init<TensorProto>, scale: number[], zeroPoint: Init<TensorProto> | undefined, axis?: number): Promise<number[]> {
  const make = await messageFactory();
  const tensor = (name: string, init: Init<TensorProto>) => make.tensor({ name, ...init });
  const model: ModelProto = make.model({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      node: [
        make.node({
          opType: 'DequantizeLinear',
          input: ['w', 's', ...(zeroPoint ? ['z'] : [])],
          output: ['y'],
          attribute: axis === undefined ? [] : [make.attribute({ name: 'axis', type: 2, i: axis })],
        }),
      ],
      initializer: [
        tensor('w', w),
        tensor('s', { dims: [scale.length], dataType: DataType.FLOAT, floatData: scale }),
        ...(zeroPoint ? [tensor('z', zeroPoint)] : []),
      ],
      output: [make.valueInfo({ name: 'y' })],
    },
  });
  await dequantizeGraph(model);
  const y = model.graph!.initializer.find((t) => t.name === 'y')!;
  expect(y.dataType).toBe(DataType.FLOAT);
  return Array.from(tensorValues(y));
}

describe('dequantizeGraph weights', () => {
  it('dequantizes int8 raw data per output channel (axis 0): (q - zeroPoint) × scale, by hand', async () => {
    const w = { dims: [2, 3], dataType: DataType.INT8, rawData: rawAt(3, [1, 2, 3, 0xff, 0x80, 0x7f]) }; // 1 2 3 | -1 -128 127
    const zp = { dims: [2], dataType: DataType.INT8, rawData: rawAt(1, [1, 0xff]) }; // 1 | -1
    expect(await dequantizeConstant(w, [0.5, 2], zp, 0)).toEqual([0, 0.5, 1, 0, -254, 256]);
  });

  it('dequantizes per channel on an inner axis (axis 1: channels alternate element by element)', async () => {
    const w = { dims: [2, 3], dataType: DataType.UINT8, rawData: rawAt(0, [10, 20, 30, 40, 50, 60]) };
    const zp = { dims: [3], dataType: DataType.UINT8, rawData: rawAt(0, [10, 0, 20]) };
    expect(await dequantizeConstant(w, [1, 0.5, 0.25], zp, 1)).toEqual([0, 10, 2.5, 30, 25, 10]);
  });

  it('dequantizes per tensor, from typed int32_data, without a zero point', async () => {
    const w = { dims: [4], dataType: DataType.INT32, int32Data: [-3, 0, 7, 100000] };
    expect(await dequantizeConstant(w, [0.125], undefined)).toEqual([-0.375, 0, 0.875, 12500]);
  });

  it('reads int32 raw data at an offset that 4-byte elements cannot be viewed at', async () => {
    const w = { dims: [3], dataType: DataType.INT32, rawData: rawAt(1, int32le([-70000, 5, 2 ** 30])) };
    expect(await dequantizeConstant(w, [2], undefined)).toEqual([-140000, 10, 2 ** 31]);
  });

  it('rounds to float32 as ONNX stores it (the same bytes as a DataView store)', async () => {
    const w = { dims: [1], dataType: DataType.INT8, rawData: rawAt(0, [3]) };
    expect(await dequantizeConstant(w, [0.1], undefined)).toEqual([Math.fround(3 * Math.fround(0.1))]);
  });
});

describe('tensorArray', () => {
  it('views raw int8 and uint8 data without copying, and refuses what tensorReader refuses', async () => {
    const make = await messageFactory();
    const raw = rawAt(5, [1, 0xff]);
    const int8 = tensorArray(make.tensor({ name: 'a', dims: [2], dataType: DataType.INT8, rawData: raw }));
    expect(Array.from(int8!)).toEqual([1, -1]);
    expect((int8 as Int8Array).buffer).toBe(raw.buffer);
    expect(() => tensorArray(make.tensor({ name: 'b', dims: [3], dataType: DataType.INT8, rawData: raw }))).toThrow(
      expect.objectContaining({ code: 'E_MODEL_LOAD' }),
    );
  });
});

/** Bytes of a model whose graph is a chain of nodes of these op types. */
async function chainOf(opTypes: string[]): Promise<Uint8Array> {
  const make = await messageFactory();
  const node = (opType: string, i: number) => make.node({ opType, name: `n${i}`, input: [`t${i}`], output: [`t${i + 1}`] });
  const weights = make.tensor({ name: 'w', dims: [4], dataType: DataType.FLOAT, rawData: new Uint8Array(16) });
  return encodeModel(
    make.model({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph: { node: opTypes.map(node), initializer: [weights], name: 'g' } }),
  );
}

describe('hasQuantizedOpsInBytes', () => {
  it('finds quantized operators by reading node op types from the wire format', async () => {
    expect(await hasQuantizedOpsInBytes(await chainOf(['Conv', 'Clip', 'GlobalAveragePool', 'Gemm']))).toBe(false);
    expect(await hasQuantizedOpsInBytes(await chainOf(['Conv', 'QLinearConv', 'Gemm']))).toBe(true);
    expect(await hasQuantizedOpsInBytes(await chainOf(['QuantizeLinear', 'Conv']))).toBe(true);
    expect(await hasQuantizedOpsInBytes(await chainOf(['DequantizeLinear']))).toBe(true);
    expect(await hasQuantizedOpsInBytes(await chainOf(['QLinearSigmoid']))).toBe(true);
  });

  it('answers true for bytes that do not read as a model, so that the full parse reports them', async () => {
    expect(await hasQuantizedOpsInBytes(Uint8Array.of(0x3a, 0x7f, 1, 2))).toBe(true);
  });
});

describe('rewriteModel', () => {
  it('hands a float model back as it is when float is wanted and embeddings are off', async () => {
    const bytes = await chainOf(['Conv', 'Relu']);
    const result = await rewriteModel(bytes, { wanted: true }, false, Infinity, () => undefined);
    expect(result.bytes).toBe(bytes);
    expect(result.dequantized).toBe(false);
    expect(result.embedding).toMatchObject({ missing: { code: 'E_INPUT' } });
  });

  it('still dequantizes a quantized model when float is wanted and embeddings are off', async () => {
    const make = await messageFactory();
    const model = make.model({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: [make.node({ opType: 'DequantizeLinear', input: ['w', 's'], output: ['y'] })],
        initializer: [
          make.tensor({ name: 'w', dims: [2], dataType: DataType.INT8, rawData: Uint8Array.of(4, 0xfc) }),
          make.tensor({ name: 's', dims: [], dataType: DataType.FLOAT, floatData: [0.25] }),
        ],
        output: [make.valueInfo({ name: 'y' })],
      },
    });
    const result = await rewriteModel(await encodeModel(model), { wanted: true }, false, Infinity, () => undefined);
    expect(result.dequantized).toBe(true);
  });

  it('keeps a quantized model as it is where float, only a speed choice, would not fit the size limit', async () => {
    const make = await messageFactory();
    const model = make.model({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: [make.node({ opType: 'DequantizeLinear', input: ['w', 's'], output: ['y'] })],
        initializer: [
          make.tensor({ name: 'w', dims: [64], dataType: DataType.INT8, rawData: new Uint8Array(64) }),
          make.tensor({ name: 's', dims: [], dataType: DataType.FLOAT, floatData: [0.25] }),
        ],
        output: [make.valueInfo({ name: 'y' })],
      },
    });
    const bytes = await encodeModel(model);
    const limit = bytes.byteLength + 100; // the 64 int8 weights fit, their 256 float bytes do not
    const kept = await rewriteModel(bytes, { wanted: true, optional: true }, false, limit, () => undefined);
    expect(kept).toMatchObject({ bytes, dequantized: false });
    await expect(rewriteModel(bytes, { wanted: true }, false, limit, () => undefined)).rejects.toMatchObject({ code: 'E_LIMIT' });
  });
});
