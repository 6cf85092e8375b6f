import { isOnnxMobilenetError } from '../errors/errors.js';
import { concatBytes } from '../io/bytes.js';
import { EMBEDDING_OUTPUT } from './model-io.js';
import { findPooledFeature, freshName, type GraphOutline, pooledFeatureNodeFields } from './embedding-graph.js';
import { DataType, FIELD, WIRE_LEN, WIRE_VARINT } from './onnx-model.js';
import type { EmbeddingOutput } from './graph-rewrite.js';
import { eachField, lengthPrefix, WireReader, WireWriter } from './wire.js';

const { ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto, TypeProtoTensor } = FIELD;
// fatal: a name that is not UTF-8 could not be written back as the same bytes, so such models
// throw here and take the full rewrite
const text = new TextDecoder('utf-8', { fatal: true });
/** Dims kept of an initializer: the search reads its shape's first two; the rest is only skipped. */
const MAX_DIMS = 8;

/**
 * The embedding output added without decoding the model: the graph is outlined from the wire
 * format (names, op types, attributes' ints, initializers' dims; no tensor data), the pooled
 * feature found as {@link findPooledFeature} finds it, and the new node and output appended to the
 * graph's bytes, which protobuf parsers read as the same lists with one more entry each (repeated
 * fields concatenate). Everything else stays byte for byte. Measured in a fresh process on the int8
 * zoo model: 60-80 CPU ms for the decode and encode it replaces, plus the 40 of importing
 * protobuf-es, against about 3 (bench/cold-start-bench.mjs).
 *
 * Returns undefined where only the full rewrite knows what to do: bytes that do not scan, a model
 * with no graph or with its graph field split in several parts.
 */
export function spliceEmbeddingOutput(bytes: Uint8Array): { bytes: Uint8Array; embedding: EmbeddingOutput } | undefined {
  let graph: { start: number; value: Uint8Array; end: number } | undefined;
  let parts = 0;
  try {
    const reader = new WireReader(bytes);
    while (reader.pos < reader.len) {
      const start = reader.pos;
      const [field, wire] = reader.tag();
      if (field === ModelProto.graph && wire === WIRE_LEN) {
        parts++;
        graph = { start, value: reader.bytes(), end: reader.pos };
      } else reader.skip(wire, field);
    }
    if (!graph || parts !== 1) return undefined;
    const outline = outlineGraph(graph.value);
    let embedding: EmbeddingOutput;
    let added: Uint8Array;
    try {
      const pooled = findPooledFeature({ graph: outline });
      const name = freshName(outline, EMBEDDING_OUTPUT);
      added = appendedFields(pooledFeatureNodeFields(pooled, name));
      embedding = { name, size: pooled.size };
    } catch (err) {
      if (!isOnnxMobilenetError(err)) throw err;
      return { bytes, embedding: { missing: { code: err.code, reason: err.message } } };
    }
    // one copy of the model: its bytes before the graph, the graph's new tag and length, the graph, what is added, the rest
    const head = lengthPrefix(ModelProto.graph, graph.value.byteLength + added.byteLength);
    return { bytes: concatBytes([bytes.subarray(0, graph.start), head, graph.value, added, bytes.subarray(graph.end)]), embedding };
  } catch {
    return undefined;
  }
}

/** The new node and graph output as GraphProto fields (element type float only, as the full rewrite writes it). */
function appendedFields(node: { opType: string; input: string[]; output: string[]; name: string }): Uint8Array {
  const n = new WireWriter();
  for (const i of node.input) n.len(NodeProto.input, i);
  for (const o of node.output) n.len(NodeProto.output, o);
  n.len(NodeProto.name, node.name).len(NodeProto.opType, node.opType);
  const tensorType = new WireWriter().varint(TypeProtoTensor.elemType, DataType.FLOAT).finish();
  const type = new WireWriter().len(TypeProto.tensorType, tensorType).finish();
  const output = new WireWriter().len(ValueInfoProto.name, node.name).len(ValueInfoProto.type, type).finish();
  return new WireWriter().len(GraphProto.node, n.finish()).len(GraphProto.output, output).finish();
}

/** What {@link findPooledFeature} and {@link freshName} read of a graph, from its bytes (tensor data skipped). */
function outlineGraph(bytes: Uint8Array): GraphOutline {
  const outline: GraphOutline = { node: [], initializer: [], input: [], output: [], valueInfo: [] };
  const valueName = (value: Uint8Array) => {
    let name = '';
    eachField(value, (field, wire, reader) => {
      if (field !== ValueInfoProto.name || wire !== WIRE_LEN) return false;
      name = text.decode(reader.bytes());
      return true;
    });
    return { name };
  };
  eachField(bytes, (field, wire, reader) => {
    if (wire !== WIRE_LEN) return false;
    if (field === GraphProto.node) outline.node.push(outlineNode(reader.bytes()));
    else if (field === GraphProto.initializer) outline.initializer.push(outlineTensor(reader.bytes()));
    else if (field === GraphProto.input) outline.input.push(valueName(reader.bytes()));
    else if (field === GraphProto.output) outline.output.push(valueName(reader.bytes()));
    else if (field === GraphProto.valueInfo) outline.valueInfo.push(valueName(reader.bytes()));
    else return false;
    return true;
  });
  return outline;
}

function outlineNode(bytes: Uint8Array): GraphOutline['node'][number] {
  const node: GraphOutline['node'][number] = { name: '', opType: '', input: [], output: [], attribute: [] };
  eachField(bytes, (field, wire, reader) => {
    if (wire !== WIRE_LEN) return false;
    if (field === NodeProto.input) node.input.push(text.decode(reader.bytes()));
    else if (field === NodeProto.output) node.output.push(text.decode(reader.bytes()));
    else if (field === NodeProto.name) node.name = text.decode(reader.bytes());
    else if (field === NodeProto.opType) node.opType = text.decode(reader.bytes());
    else if (field === NodeProto.attribute) {
      const attribute = { name: '', i: 0n };
      eachField(reader.bytes(), (f, w, r) => {
        if (f === AttributeProto.name && w === WIRE_LEN) attribute.name = text.decode(r.bytes());
        else if (f === AttributeProto.i && w === WIRE_VARINT) attribute.i = r.int64();
        else return false;
        return true;
      });
      node.attribute.push(attribute);
    } else return false;
    return true;
  });
  return node;
}

function outlineTensor(bytes: Uint8Array): GraphOutline['initializer'][number] {
  const tensor = { name: '', dims: [] as bigint[] };
  eachField(bytes, (field, wire, reader) => {
    if (field === TensorProto.name && wire === WIRE_LEN) tensor.name = text.decode(reader.bytes());
    else if (field === TensorProto.dims && wire === WIRE_VARINT) keepDim(tensor.dims, reader.int64());
    else if (field === TensorProto.dims && wire === WIRE_LEN)
      for (const packed = new WireReader(reader.bytes()); packed.pos < packed.len; ) keepDim(tensor.dims, packed.int64());
    else return false;
    return true;
  });
  return tensor;
}

function keepDim(dims: bigint[], dim: bigint): void {
  if (dims.length < MAX_DIMS) dims.push(dim);
}
