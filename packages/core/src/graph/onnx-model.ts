import type { DescMessage } from '@bufbuild/protobuf';
import { OnnxMobilenetError, describeError } from '../errors/errors.js';

// The parts of the ONNX protobuf schema that graph rewrites read and write (field numbers from
// onnx.proto). Everything else in a model is kept byte for byte: protobuf-es carries fields it
// does not know through a decode/encode round trip as unknown fields.

/** An ONNX tensor (initializer); numeric fields in JS numbers. */
export interface TensorProto {
  dims: number[];
  dataType: number;
  floatData: number[];
  int32Data: number[];
  name: string;
  rawData: Uint8Array;
}
export interface AttributeProto {
  name: string;
  f: number;
  i: number;
  type: number;
}
export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  attribute: AttributeProto[];
  domain: string;
}
export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
}
export interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType: number; shape?: { dim: DimensionProto[] } } };
}
export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}
export interface ModelProto {
  irVersion: number;
  graph?: GraphProto;
  opsetImport: { domain: string; version: number }[];
}

/** ONNX tensor element types used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;

interface Schema {
  create: (typeName: string, init: object) => unknown;
  decode: (bytes: Uint8Array) => ModelProto;
  encode: (model: ModelProto) => Uint8Array;
}

let loading: Promise<Schema> | undefined;

/** Builds the schema on first use (protobuf-es is imported lazily: plain classification never needs it). */
function schema(): Promise<Schema> {
  loading ??= (async () => {
    const { create, createFileRegistry, fromBinary, toBinary, FileDescriptorProtoSchema } = await import('./protobuf.js');
    const T = { FLOAT: 2, INT64: 3, INT32: 5, STRING: 9, MESSAGE: 11, BYTES: 12 };
    const OPT = 1;
    const REP = 3;
    const NUM = { jstype: 2 }; // int64 as JS number: every int64 here (dims, versions, attributes) fits
    const f = (name: string, number: number, type: number, label: number, extra: object = {}) => ({ name, number, type, label, ...extra });
    const msg = (name: string, fields: object[]) => ({ name, field: fields });
    const file = create(FileDescriptorProtoSchema, {
      name: 'onnx_mobilenet_subset.proto',
      package: 'onnx',
      syntax: 'proto2',
      messageType: [
        msg('ModelProto', [
          f('ir_version', 1, T.INT64, OPT, { options: NUM }),
          f('graph', 7, T.MESSAGE, OPT, { typeName: '.onnx.GraphProto' }),
          f('opset_import', 8, T.MESSAGE, REP, { typeName: '.onnx.OperatorSetIdProto' }),
        ]),
        msg('OperatorSetIdProto', [f('domain', 1, T.STRING, OPT), f('version', 2, T.INT64, OPT, { options: NUM })]),
        msg('GraphProto', [
          f('node', 1, T.MESSAGE, REP, { typeName: '.onnx.NodeProto' }),
          f('name', 2, T.STRING, OPT),
          f('initializer', 5, T.MESSAGE, REP, { typeName: '.onnx.TensorProto' }),
          f('input', 11, T.MESSAGE, REP, { typeName: '.onnx.ValueInfoProto' }),
          f('output', 12, T.MESSAGE, REP, { typeName: '.onnx.ValueInfoProto' }),
          f('value_info', 13, T.MESSAGE, REP, { typeName: '.onnx.ValueInfoProto' }),
        ]),
        msg('NodeProto', [
          f('input', 1, T.STRING, REP),
          f('output', 2, T.STRING, REP),
          f('name', 3, T.STRING, OPT),
          f('op_type', 4, T.STRING, OPT),
          f('attribute', 5, T.MESSAGE, REP, { typeName: '.onnx.AttributeProto' }),
          f('domain', 7, T.STRING, OPT),
        ]),
        msg('AttributeProto', [f('name', 1, T.STRING, OPT), f('f', 2, T.FLOAT, OPT), f('i', 3, T.INT64, OPT, { options: NUM }), f('type', 20, T.INT32, OPT)]),
        msg('TensorProto', [
          f('dims', 1, T.INT64, REP, { options: NUM }),
          f('data_type', 2, T.INT32, OPT),
          f('float_data', 4, T.FLOAT, REP, { options: { packed: true } }),
          f('int32_data', 5, T.INT32, REP, { options: { packed: true } }),
          f('name', 8, T.STRING, OPT),
          f('raw_data', 9, T.BYTES, OPT),
        ]),
        msg('ValueInfoProto', [f('name', 1, T.STRING, OPT), f('type', 2, T.MESSAGE, OPT, { typeName: '.onnx.TypeProto' })]),
        msg('TypeProto', [f('tensor_type', 1, T.MESSAGE, OPT, { typeName: '.onnx.TypeProtoTensor' })]),
        msg('TypeProtoTensor', [f('elem_type', 1, T.INT32, OPT), f('shape', 2, T.MESSAGE, OPT, { typeName: '.onnx.TensorShapeProto' })]),
        msg('TensorShapeProto', [f('dim', 1, T.MESSAGE, REP, { typeName: '.onnx.TensorShapeDimension' })]),
        msg('TensorShapeDimension', [f('dim_value', 1, T.INT64, OPT, { options: NUM }), f('dim_param', 2, T.STRING, OPT)]),
      ],
    });
    const registry = createFileRegistry(file, () => undefined);
    const desc = (name: string): DescMessage => {
      const d = registry.getMessage(`onnx.${name}`);
      if (!d) throw new Error(`schema has no ${name}`);
      return d;
    };
    const model = desc('ModelProto');
    return {
      create: (typeName, init) => create(desc(typeName), init as never),
      decode: (bytes) => fromBinary(model, bytes) as unknown as ModelProto,
      encode: (m) => toBinary(model, m as never),
    };
  })();
  return loading;
}

/** Parses model bytes; a file that is not an ONNX protobuf is an `E_MODEL_LOAD` error. */
export async function decodeModel(bytes: Uint8Array): Promise<ModelProto> {
  const s = await schema();
  let model: ModelProto;
  try {
    model = s.decode(bytes);
  } catch (err) {
    throw new OnnxMobilenetError('E_MODEL_LOAD', `cannot parse the model as ONNX: ${describeError(err)}`, { cause: err });
  }
  if (!model.graph) throw new OnnxMobilenetError('E_MODEL_LOAD', 'cannot parse the model as ONNX: it has no graph');
  return model;
}

/** Serialises a model back to bytes. */
export async function encodeModel(model: ModelProto): Promise<Uint8Array> {
  return (await schema()).encode(model);
}

/** Message builders for rewrites (every new node, tensor and attribute goes through these). */
export async function messageFactory(): Promise<{
  model: (init: { irVersion: number; opsetImport: { domain: string; version: number }[]; graph: Partial<GraphProto> }) => ModelProto;
  node: (init: Partial<NodeProto>) => NodeProto;
  tensor: (init: Partial<TensorProto>) => TensorProto;
  attribute: (init: Partial<AttributeProto>) => AttributeProto;
  valueInfo: (init: ValueInfoProto) => ValueInfoProto;
}> {
  const s = await schema();
  return {
    model: (init) =>
      s.create('ModelProto', {
        irVersion: init.irVersion,
        opsetImport: init.opsetImport.map((o) => s.create('OperatorSetIdProto', o)),
        graph: s.create('GraphProto', init.graph),
      }) as ModelProto,
    node: (init) => s.create('NodeProto', init) as NodeProto,
    tensor: (init) => s.create('TensorProto', init) as TensorProto,
    attribute: (init) => s.create('AttributeProto', init) as AttributeProto,
    valueInfo: (init) => {
      const tt = init.type?.tensorType;
      const type = tt
        ? s.create('TypeProto', {
            tensorType: s.create('TypeProtoTensor', {
              elemType: tt.elemType,
              shape: tt.shape ? s.create('TensorShapeProto', { dim: tt.shape.dim.map((d) => s.create('TensorShapeDimension', d)) }) : undefined,
            }),
          })
        : undefined;
      return s.create('ValueInfoProto', { name: init.name, type }) as ValueInfoProto;
    },
  };
}

const ELEMENT_BYTES: Readonly<Record<number, number>> = { [DataType.FLOAT]: 4, [DataType.UINT8]: 1, [DataType.INT8]: 1, [DataType.INT32]: 4 };
const TYPE_NAMES: Readonly<Record<number, string>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.INT32]: 'int32',
};
const RANGES: Readonly<Record<number, readonly [number, number]>> = { [DataType.UINT8]: [0, 255], [DataType.INT8]: [-128, 127] };

const malformed = (t: TensorProto, problem: string) => new OnnxMobilenetError('E_MODEL_LOAD', `the model is malformed: initializer "${t.name}" ${problem}`);

/** Number of elements a tensor declares; `E_MODEL_LOAD` for negative, fractional or overflowing dims. */
export function elementCount(t: TensorProto): number {
  let count = 1;
  for (const d of t.dims) {
    const n = Number(d);
    if (!Number.isSafeInteger(n) || n < 0) throw malformed(t, `has the dimension ${String(d)}`);
    count *= n;
    if (!Number.isSafeInteger(count)) throw malformed(t, `declares ${t.dims.join('×')} elements, more than any model holds`);
  }
  return count;
}

/**
 * Reads a numeric initializer element by element, whatever its storage (raw bytes or typed
 * fields), after checking that the data present holds exactly the elements its dims declare:
 * a tensor claiming 16000×10000 weights in 16 bytes is `E_MODEL_LOAD`, never a 160 M-element
 * allocation. So every buffer sized from a tensor is bounded by the model's own bytes.
 */
export function tensorReader(t: TensorProto): { count: number; get: (i: number) => number } {
  const bytesPer = ELEMENT_BYTES[t.dataType];
  if (bytesPer === undefined) {
    throw new OnnxMobilenetError('E_MODEL_LOAD', `initializer "${t.name}" has element type ${t.dataType}, which this rewrite does not read`);
  }
  const count = elementCount(t);
  const type = TYPE_NAMES[t.dataType];
  const raw = t.rawData && t.rawData.byteLength > 0 ? t.rawData : null;
  if (raw) {
    if (raw.byteLength !== count * bytesPer) {
      throw malformed(t, `declares ${t.dims.join('×') || 'a scalar of'} ${type} elements (${count * bytesPer} bytes) but has ${raw.byteLength} bytes of data`);
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const get =
      t.dataType === DataType.FLOAT
        ? (i: number) => view.getFloat32(i * 4, true)
        : t.dataType === DataType.UINT8
          ? (i: number) => view.getUint8(i)
          : t.dataType === DataType.INT8
            ? (i: number) => view.getInt8(i)
            : (i: number) => view.getInt32(i * 4, true);
    return { count, get };
  }
  const typed = t.dataType === DataType.FLOAT ? t.floatData : t.int32Data;
  if (typed.length !== count)
    throw malformed(t, `declares ${t.dims.join('×') || 'a scalar of'} ${type} elements (${count} values) but has ${typed.length} values`);
  const range = RANGES[t.dataType];
  if (range && typed.some((v) => v < range[0] || v > range[1])) throw malformed(t, `holds values outside the ${type} range`);
  return { count, get: (i) => typed[i]! }; // callers read i < count === typed.length
}

/** True where typed arrays are little-endian, as ONNX raw data is (every mainstream CPU). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Element values of a numeric initializer as a typed array (a view of its raw data where that is
 * possible, no copy), checked as {@link tensorReader} does; undefined where a view would read
 * other values than {@link tensorReader} (a big-endian CPU), so callers fall back to it.
 */
export function tensorArray(t: TensorProto): ArrayLike<number> | undefined {
  const { count } = tensorReader(t); // the checks: dims against data, element type, ranges
  const raw = t.rawData && t.rawData.byteLength > 0 ? t.rawData : null;
  if (!raw) return t.dataType === DataType.FLOAT ? t.floatData : t.int32Data;
  if (t.dataType === DataType.INT8) return new Int8Array(raw.buffer, raw.byteOffset, count);
  if (t.dataType === DataType.UINT8) return raw;
  if (!LITTLE_ENDIAN) return undefined;
  // a copy only where the bytes sit at an offset that 4-byte elements cannot be viewed at
  const aligned = raw.byteOffset % 4 === 0 ? raw : raw.slice();
  return t.dataType === DataType.FLOAT
    ? new Float32Array(aligned.buffer, aligned.byteOffset, count)
    : new Int32Array(aligned.buffer, aligned.byteOffset, count);
}

/** Element values of a numeric initializer as float64, checked as {@link tensorReader} does. */
export function tensorValues(t: TensorProto): Float64Array {
  const { count, get } = tensorReader(t);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = get(i);
  return out;
}

/** Little-endian float32 bytes of `values`, as ONNX raw data stores them. */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}
