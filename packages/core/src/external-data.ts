import { DEFAULTS } from './defaults.js';
import { OnnxMobilenetError, describeError } from './errors.js';

// ONNX lets a tensor keep its data in another file (`external_data` with a `location`, and
// `data_location = EXTERNAL`). onnxruntime resolves that location against the model's folder, or
// the working directory for a model given as bytes, and reads the file into the tensor: a model
// from anywhere could then return `.env` or `config/prod.json` as its scores. MobileNetV2 files are
// 3.6–14 MB and never need external data, so every model is scanned before a session is created
// and any external data is refused, wherever the model came from.

/** Messages of onnx.proto that can hold tensors, and the fields (number → message) leading to them. */
type Message = 'model' | 'training' | 'function' | 'graph' | 'node' | 'attribute' | 'sparse' | 'tensor';
const CHILDREN: Record<Exclude<Message, 'tensor'>, Record<number, Message>> = {
  model: { 7: 'graph', 20: 'training', 25: 'function' }, // graph, training_info, functions
  training: { 1: 'graph', 2: 'graph' }, // initialization, algorithm
  function: { 7: 'node' },
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse' }, // node, initializer, sparse_initializer
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph', 22: 'sparse', 23: 'sparse' }, // t, g, tensors, graphs, sparse_tensor(s)
  sparse: { 1: 'tensor', 2: 'tensor' }, // values, indices
};
/** What a tensor found through `field` of `parent` is called in messages. */
const describeTensor = (parent: Message): string => (parent === 'graph' ? 'initializer' : parent === 'sparse' ? 'sparse tensor' : 'constant tensor');
/** Nesting bound (protobuf's own default recursion limit): deeper models are refused, not recursed into. */
const MAX_DEPTH = 100;
/**
 * Subgraph bound (If/Loop/Scan bodies, functions, training graphs): an image classifier needs
 * none, and onnxruntime spends seconds loading a few megabytes of thousands of nested branches.
 */
export const MAX_SUBGRAPHS = 1000;
const WIRE_LEN = 2;
const WIRE_VARINT = 0;

type Reader = import('@bufbuild/protobuf/wire').BinaryReader;
type ReaderClass = typeof import('@bufbuild/protobuf/wire').BinaryReader;

/**
 * Refuses a model whose tensors use external data, with `E_MODEL_LOAD` naming the tensor and the
 * file it points at, before any runtime sees it. The scan walks the protobuf wire format without
 * decoding tensors (initializers, sparse initializers, Constant values, subgraphs of If/Loop/Scan,
 * training graphs and functions), skipping their data by length. Bytes that are not an ONNX
 * protobuf, nesting deeper than protobuf's limit of 100 and more than {@link MAX_SUBGRAPHS}
 * subgraphs are `E_MODEL_LOAD` too. The same scan counts the nodes of every graph, subgraph and
 * function: more than `maxNodes` is `E_LIMIT` (onnxruntime built gigabytes of graph from a 28 MB
 * model of 1,000,000 nodes).
 *
 * Why refuse rather than confine to the model's folder: a model given as bytes or by URL has no
 * folder, and a local file's folder may hold other secrets; no MobileNetV2 export needs it.
 *
 * @example
 * ```ts
 * await assertNoExternalData(bytes, 'model.onnx'); // throws for a tensor stored in "weights.bin"
 * ```
 */
export async function assertNoExternalData(bytes: Uint8Array, source = 'model bytes', maxNodes: number = DEFAULTS.limits.maxModelNodes): Promise<void> {
  const { BinaryReader } = await import('@bufbuild/protobuf/wire');
  try {
    scan(BinaryReader, bytes, 'model', 0, { graphs: 0, nodes: 0, maxNodes });
  } catch (err) {
    if (err instanceof OnnxMobilenetError) throw err;
    throw new OnnxMobilenetError(
      'E_MODEL_LOAD',
      `could not load the model from ${source}: it is not a valid ONNX model (cannot parse its protobuf: ${describeError(err)})`,
      { cause: err },
    );
  }
}

/** What the scan has counted so far, and the node bound. */
interface Seen {
  graphs: number;
  nodes: number;
  maxNodes: number;
}

function scan(Reader: ReaderClass, bytes: Uint8Array, kind: Exclude<Message, 'tensor'>, depth: number, seen: Seen): void {
  if (depth > MAX_DEPTH) throw new OnnxMobilenetError('E_MODEL_LOAD', `the model nests messages deeper than ${MAX_DEPTH} levels`);
  if (kind === 'graph' && ++seen.graphs > MAX_SUBGRAPHS + 1) {
    throw new OnnxMobilenetError('E_MODEL_LOAD', `the model has more than ${MAX_SUBGRAPHS} subgraphs; an image classifier needs none`);
  }
  if (kind === 'node' && ++seen.nodes > seen.maxNodes) {
    throw new OnnxMobilenetError('E_LIMIT', `the model has more than ${seen.maxNodes} nodes, over limits.maxModelNodes (${seen.maxNodes})`);
  }
  const reader = new Reader(bytes);
  const children = CHILDREN[kind];
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    const child = children[field];
    if (child === undefined || wire !== WIRE_LEN) {
      reader.skip(wire, field);
      continue;
    }
    const body = reader.bytes();
    if (child === 'tensor') checkTensor(Reader, body, kind);
    else scan(Reader, body, child, depth + 1, seen);
  }
}

function checkTensor(Reader: ReaderClass, bytes: Uint8Array, parent: Message): void {
  const reader: Reader = new Reader(bytes);
  let name = '';
  let location: string | undefined;
  let external = false;
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    if (field === 8 && wire === WIRE_LEN) name = text(reader.bytes());
    else if (field === 13 && wire === WIRE_LEN) {
      external = true;
      const entry = new Reader(reader.bytes());
      let key = '';
      let value = '';
      while (entry.pos < entry.len) {
        const [f, w] = entry.tag();
        if (f === 1 && w === WIRE_LEN) key = text(entry.bytes());
        else if (f === 2 && w === WIRE_LEN) value = text(entry.bytes());
        else entry.skip(w, f);
      }
      if (key === 'location') location = value;
    } else if (field === 14 && wire === WIRE_VARINT) {
      if (reader.int32() !== 0) external = true; // data_location EXTERNAL (or any value this scan does not know)
    } else reader.skip(wire, field);
  }
  if (!external) return;
  throw new OnnxMobilenetError(
    'E_MODEL_LOAD',
    `the model's ${describeTensor(parent)} "${name}" stores its data outside the model (external data${location === undefined ? '' : ` at "${location}"`}); ` +
      'onnx-mobilenet refuses external data so that a model cannot read other files. Save the model with its weights inside the .onnx file ' +
      '(onnx.save_model(model, path, save_as_external_data=False))',
  );
}

const decoder = new TextDecoder();
/** Names for messages only: cut to 200 characters. */
const text = (bytes: Uint8Array): string => decoder.decode(bytes.subarray(0, 800)).slice(0, 200);
