import type { DescMessage } from '@bufbuild/protobuf';
import { OnnxMobilenetError, describeError } from '../errors/errors.js';
import { WIRE } from './wire.js';

// onnx-mobilenet's one ONNX reader and writer. ONNX_SCHEMA is the part of onnx.proto (proto2) that
// anything here reads or writes, as one table: protobuf-es decodes and encodes models through a
// descriptor built from it (fields it does not list are carried through byte for byte, as unknown
// fields), and the scans that read the wire format without decoding (the model checks, the
// quantized-operator test, the embedding splice) take their field numbers from it and read the
// wire format with wire.ts, which loads nothing. Why a table, not protobuf-es code
// generated from the whole onnx.proto: measured on the int8 zoo model, parse, rewrite and serialise
// take the same time either way, while the generated schema (2,179 lines) made the browser's lazy
// protobuf chunk 4.4 KB gzip larger (17.8 -> 22.3 KB).

type Scalar = 'float' | 'int64' | 'int32' | 'string' | 'bytes';
/** A field: its number in onnx.proto, its type (a scalar or a message of the table), and whether it repeats. */
type Field = readonly [number: number, type: string, label?: 'repeated' | 'packed'];
type MessageName = keyof typeof ONNX_SCHEMA;
const R = 'repeated';

/** The fields of onnx.proto that onnx-mobilenet reads or writes, by message (names in protobuf-es's camelCase). */
export const ONNX_SCHEMA = {
  ModelProto: {
    irVersion: [1, 'int64'],
    producerName: [2, 'string'],
    producerVersion: [3, 'string'],
    graph: [7, 'GraphProto'],
    opsetImport: [8, 'OperatorSetIdProto', R],
    metadataProps: [14, 'StringStringEntryProto', R],
    trainingInfo: [20, 'TrainingInfoProto', R],
    functions: [25, 'FunctionProto', R],
  },
  OperatorSetIdProto: { domain: [1, 'string'], version: [2, 'int64'] },
  StringStringEntryProto: { key: [1, 'string'], value: [2, 'string'] },
  TrainingInfoProto: { initialization: [1, 'GraphProto'], algorithm: [2, 'GraphProto'] },
  FunctionProto: { node: [7, 'NodeProto', R] },
  GraphProto: {
    node: [1, 'NodeProto', R],
    name: [2, 'string'],
    initializer: [5, 'TensorProto', R],
    input: [11, 'ValueInfoProto', R],
    output: [12, 'ValueInfoProto', R],
    valueInfo: [13, 'ValueInfoProto', R],
    sparseInitializer: [15, 'SparseTensorProto', R],
  },
  NodeProto: {
    input: [1, 'string', R],
    output: [2, 'string', R],
    name: [3, 'string'],
    opType: [4, 'string'],
    attribute: [5, 'AttributeProto', R],
    domain: [7, 'string'],
  },
  AttributeProto: {
    name: [1, 'string'],
    f: [2, 'float'],
    i: [3, 'int64'],
    t: [5, 'TensorProto'],
    ints: [8, 'int64', R],
    g: [6, 'GraphProto'],
    tensors: [10, 'TensorProto', R],
    graphs: [11, 'GraphProto', R],
    type: [20, 'int32'],
    sparseTensor: [22, 'SparseTensorProto'],
    sparseTensors: [23, 'SparseTensorProto', R],
  },
  TensorProto: {
    dims: [1, 'int64', R],
    dataType: [2, 'int32'],
    floatData: [4, 'float', 'packed'],
    int32Data: [5, 'int32', 'packed'],
    int64Data: [7, 'int64', 'packed'],
    name: [8, 'string'],
    rawData: [9, 'bytes'],
    externalData: [13, 'StringStringEntryProto', R],
    dataLocation: [14, 'int32'],
  },
  SparseTensorProto: { values: [1, 'TensorProto'], indices: [2, 'TensorProto'] },
  ValueInfoProto: { name: [1, 'string'], type: [2, 'TypeProto'] },
  TypeProto: { tensorType: [1, 'TypeProtoTensor'] },
  TypeProtoTensor: { elemType: [1, 'int32'], shape: [2, 'TensorShapeProto'] },
  TensorShapeProto: { dim: [1, 'TensorShapeDimension', R] },
  TensorShapeDimension: { dimValue: [1, 'int64'], dimParam: [2, 'string'] },
} as const satisfies Record<string, Record<string, Field>>;
/** Every message type a field names is a message of the table (does not compile otherwise). */
type FieldTypes = { [M in MessageName]: (typeof ONNX_SCHEMA)[M][keyof (typeof ONNX_SCHEMA)[M]] }[MessageName][1];
true satisfies [Exclude<FieldTypes, Scalar | MessageName>] extends [never] ? true : false;

/** Field numbers by message and field, from {@link ONNX_SCHEMA}: `FIELD.GraphProto.node` is 1. */
export const FIELD = Object.fromEntries(
  Object.entries(ONNX_SCHEMA).map(([message, fields]) => [message, Object.fromEntries(Object.entries(fields).map(([name, [number]]) => [name, number]))]),
) as { readonly [M in MessageName]: { readonly [F in keyof (typeof ONNX_SCHEMA)[M]]: number } };

/** ONNX tensor element types used here (TensorProto.DataType). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

// Decoded messages: int64 fields read as bigint (protobuf-es has no other form for them); the
// builders of messageFactory also take numbers there.
/** An ONNX tensor (initializer). */
export interface TensorProto {
  dims: bigint[];
  dataType: number;
  floatData: number[];
  int32Data: number[];
  name: string;
  rawData: Uint8Array;
}
export interface AttributeProto {
  name: string;
  f: number;
  i: bigint;
  ints: bigint[];
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
export interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType: number; shape?: { dim: { dimValue?: bigint; dimParam?: string }[] } } };
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
  irVersion: bigint;
  producerName: string;
  graph?: GraphProto;
  opsetImport: { domain: string; version: bigint }[];
  metadataProps: { key: string; value: string }[];
}

/** `T` as a builder takes it: int64 fields as numbers or bigints, fields left out at their defaults. */
export type Init<T> = { [K in keyof T]?: T[K] extends bigint ? number | bigint : T[K] extends bigint[] ? readonly (number | bigint)[] : T[K] };

/** What decoding, encoding and the wire scans need of protobuf-es, once loaded. */
export interface Proto {
  decode(bytes: Uint8Array): ModelProto;
  encode(model: ModelProto): Uint8Array;
  create(message: MessageName, init: object): unknown;
}

const SCALAR: Readonly<Record<Scalar, number>> = { float: 2, int64: 3, int32: 5, string: 9, bytes: 12 }; // FieldDescriptorProto.Type
let loading: Promise<Proto> | undefined;

/**
 * protobuf-es and the descriptor made from {@link ONNX_SCHEMA}, on first use (imported lazily:
 * plain classification never needs them).
 */
export function loadProto(): Promise<Proto> {
  loading ??= (async () => {
    const { create, createFileRegistry, fromBinary, toBinary, FileDescriptorProtoSchema } = await import('./protobuf.js');
    const messageType = Object.entries(ONNX_SCHEMA).map(([name, fields]) => ({
      name,
      field: Object.entries(fields).map(([fieldName, [number, type, label]]: [string, Field]) => ({
        name: fieldName,
        number,
        label: label ? 3 : 1,
        ...(type in SCALAR ? { type: SCALAR[type as Scalar] } : { type: 11, typeName: `.onnx.${type}` }),
        ...(label === 'packed' ? { options: { packed: true } } : {}),
      })),
    }));
    const file = create(FileDescriptorProtoSchema, { name: 'onnx_mobilenet.proto', package: 'onnx', syntax: 'proto2', messageType });
    const registry = createFileRegistry(file, () => undefined);
    const desc = (name: MessageName): DescMessage => registry.getMessage(`onnx.${name}`)!; // every name of the table is in the file
    const model = desc('ModelProto');
    return {
      decode: (bytes) => fromBinary(model, bytes) as unknown as ModelProto,
      encode: (m) => toBinary(model, m as never),
      create: (name, init) => create(desc(name), init as never),
    };
  })();
  return loading;
}

/** Parses model bytes; a file that is not an ONNX protobuf is an `E_MODEL_LOAD` error. */
export async function decodeModel(bytes: Uint8Array): Promise<ModelProto> {
  const proto = await loadProto();
  let model: ModelProto;
  try {
    model = proto.decode(bytes);
  } catch (err) {
    throw new OnnxMobilenetError('E_MODEL_LOAD', `cannot parse the model as ONNX: ${describeError(err)}`, { cause: err });
  }
  if (!model.graph) throw new OnnxMobilenetError('E_MODEL_LOAD', 'cannot parse the model as ONNX: it has no graph');
  return model;
}

/** Serialises a model back to bytes. */
export async function encodeModel(model: ModelProto): Promise<Uint8Array> {
  return (await loadProto()).encode(model);
}

type ModelInit = Omit<Init<ModelProto>, 'graph' | 'opsetImport'> & {
  opsetImport: { domain: string; version: number | bigint }[];
  graph: Omit<Partial<GraphProto>, 'input' | 'output' | 'valueInfo'> & { input?: ValueInfoProto[]; output?: ValueInfoProto[] };
};

/**
 * Message builders: the writer of new models and of every node, tensor and attribute a rewrite
 * adds. A model made here and passed to {@link encodeModel} is a complete ONNX file.
 */
export async function messageFactory(): Promise<{
  model: (init: ModelInit) => ModelProto;
  node: (init: Partial<NodeProto>) => NodeProto;
  tensor: (init: Init<TensorProto>) => TensorProto;
  attribute: (init: Init<AttributeProto>) => AttributeProto;
  metadata: (init: { key: string; value: string }) => { key: string; value: string };
  valueInfo: (init: {
    name: string;
    type?: { tensorType?: { elemType: number; shape?: { dim: { dimValue?: number; dimParam?: string }[] } } };
  }) => ValueInfoProto;
}> {
  const { create } = await loadProto();
  return {
    model: ({ opsetImport, metadataProps = [], graph, ...rest }) =>
      create('ModelProto', {
        ...rest,
        opsetImport: opsetImport.map((o) => create('OperatorSetIdProto', o)),
        metadataProps: metadataProps.map((p) => create('StringStringEntryProto', p)),
        graph: create('GraphProto', graph),
      }) as ModelProto,
    node: (init) => create('NodeProto', init) as NodeProto,
    tensor: (init) => create('TensorProto', init) as TensorProto,
    attribute: (init) => create('AttributeProto', init) as AttributeProto,
    metadata: (init) => create('StringStringEntryProto', init) as { key: string; value: string },
    valueInfo: ({ name, type }) => {
      const tt = type?.tensorType;
      const shape = tt?.shape && create('TensorShapeProto', { dim: tt.shape.dim.map((d) => create('TensorShapeDimension', d)) });
      const tensorType = tt && create('TypeProtoTensor', { elemType: tt.elemType, shape });
      return create('ValueInfoProto', { name, type: tensorType && create('TypeProto', { tensorType }) }) as ValueInfoProto;
    },
  };
}

/** Wire type of the length-delimited fields (strings, bytes, messages, packed numbers). */
export const WIRE_LEN = WIRE.LEN;
/** Wire type of varints (int32, int64, enums). */
export const WIRE_VARINT = WIRE.VARINT;

const decoder = new TextDecoder();
/** A string field read by a scan, for messages only: cut to 200 characters. */
export const shortText = (bytes: Uint8Array): string => decoder.decode(bytes.subarray(0, 800)).slice(0, 200);
