import { OnnxMobilenetError, describeError } from '../errors/errors.js';
import { DataType, FIELD, ONNX_SCHEMA, WIRE_LEN, WIRE_VARINT, shortText as text } from './onnx-model.js';
import { eachField, WireReader } from './wire.js';

// ONNX lets a tensor keep its data in another file (`external_data` with a `location`, and
// `data_location = EXTERNAL`). onnxruntime resolves that location against the model's folder, or
// the working directory for a model given as bytes, and reads the file into the tensor: a model
// from anywhere could then return `.env` or `config/prod.json` as its scores. MobileNetV2 files are
// 3.6–14 MB and never need external data, so every model is scanned before a session is created
// and any external data is refused, wherever the model came from.

/** Messages of onnx.proto that can hold tensors (through the fields of ONNX_SCHEMA that lead to them). */
const HOLDERS = ['ModelProto', 'TrainingInfoProto', 'FunctionProto', 'GraphProto', 'NodeProto', 'AttributeProto', 'SparseTensorProto', 'TensorProto'] as const;
type Message = (typeof HOLDERS)[number];
type Container = Exclude<Message, 'TensorProto'>;
/** For each message that holds tensors: its fields (number → message) that lead to them. */
const CHILDREN = Object.fromEntries(
  HOLDERS.map((m) => [m, Object.fromEntries(Object.values(ONNX_SCHEMA[m]).flatMap(([n, type]) => (HOLDERS.includes(type as Message) ? [[n, type]] : [])))]),
) as Record<Container, Record<number, Message>>;
/** What a tensor found in `parent` is called in messages. */
const describeTensor = (parent: Message): string =>
  parent === 'GraphProto' ? 'initializer' : parent === 'SparseTensorProto' ? 'sparse tensor' : 'constant tensor';
/** Nesting bound (protobuf's own default recursion limit): deeper models are refused, not recursed into. */
const MAX_DEPTH = 100;
/**
 * Subgraph bound (If/Loop/Scan bodies, functions, training graphs): an image classifier needs
 * none, and onnxruntime spends seconds loading a few megabytes of thousands of nested branches.
 */
export const MAX_SUBGRAPHS = 1000;
const { NodeProto: NODE, AttributeProto: ATTRIBUTE, TensorProto: TENSOR, StringStringEntryProto: ENTRY } = FIELD;

/** What {@link checkModelBytes} checks against: where the model came from (for messages) and the loop bound. */
export interface ModelCheckOptions {
  /** How messages name the model. Default `'model bytes'`. */
  source?: string;
  /** Most iterations a Loop may run, nested loops multiplied (`limits.maxLoopIterations`). */
  maxLoopIterations: number;
  /** Most nodes in all graphs, subgraphs and functions (`limits.maxModelNodes`). */
  maxNodes: number;
}

/**
 * Checks a model's bytes before any runtime sees them, with `E_MODEL_LOAD` naming what is wrong:
 *
 * - a tensor that uses external data (naming the tensor and the file it points at);
 * - control flow that can run without bound: a Loop whose trip count is not a constant int64 of
 *   its own graph (computed from the image, absent, or given by an enclosing graph or a function's
 *   caller), one whose count (times the iterations of the loops in its body) is over
 *   `maxLoopIterations`, and any node other than If and Loop that carries a subgraph;
 * - bytes that are not an ONNX protobuf, nesting deeper than protobuf's limit of 100 and more than
 *   {@link MAX_SUBGRAPHS} subgraphs;
 * - more than `maxNodes` nodes in all its graphs, subgraphs and functions (`E_LIMIT`: onnxruntime
 *   built gigabytes of graph from a 28 MB model of 1,000,000 nodes).
 *
 * The scan walks the protobuf wire format without decoding tensors (initializers, sparse
 * initializers, Constant values, subgraphs of If/Loop/Scan, training graphs and functions),
 * skipping their data by length.
 *
 * Why refuse external data rather than confine it to the model's folder: a model given as bytes or
 * by URL has no folder, and a local file's folder may hold other secrets; no MobileNetV2 export
 * needs it.
 *
 * @example
 * ```ts
 * await checkModelBytes(bytes, { source: 'model.onnx', maxLoopIterations: 1000 }); // throws for a tensor stored in "weights.bin"
 * ```
 */
export async function checkModelBytes(bytes: Uint8Array, { source = 'model bytes', maxLoopIterations, maxNodes }: ModelCheckOptions): Promise<void> {
  try {
    new Scan(Number.isFinite(maxLoopIterations) ? BigInt(Math.floor(maxLoopIterations)) : undefined, maxNodes).message(bytes, 'ModelProto', 0);
  } catch (err) {
    if (err instanceof OnnxMobilenetError) throw err;
    throw new OnnxMobilenetError(
      'E_MODEL_LOAD',
      `could not load the model from ${source}: it is not a valid ONNX model (cannot parse its protobuf: ${describeError(err)})`,
      { cause: err },
    );
  }
}

/** What the scan learns of a node: enough to tell a Constant's value and a Loop's trip count. */
interface NodeFacts {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  output: string | undefined;
  /** The node carries subgraphs (If branches, a Loop or Scan body...). */
  hasGraphs: boolean;
  /** Largest iteration count of the loops inside its subgraphs (1 without any). */
  innerIterations: bigint;
}

/** A graph's (or function's) scope: its one-int64 constants, and whether a Loop in it may count on them. */
interface Scope {
  constants: Map<string, bigint>;
  /** False in functions: their loops would multiply at every call site, which the scan does not follow. */
  loopsAllowed: boolean;
}

const isOnnxDomain = (domain: string) => domain === '' || domain === 'ai.onnx';
const unbounded = (node: NodeFacts, why: string) =>
  new OnnxMobilenetError(
    'E_MODEL_LOAD',
    `the model's ${node.opType} node "${node.name}" ${why}; onnx-mobilenet refuses control flow that can run without bound, since onnxruntime runs it in native code nothing can interrupt (not an AbortSignal, not even process.exit())`,
  );
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

class Scan {
  private graphs = 0;
  private nodes = 0;

  constructor(
    /** undefined: no bound on constant trip counts (`maxLoopIterations: Infinity`). */
    private readonly maxLoopIterations: bigint | undefined,
    private readonly maxNodes: number,
  ) {}

  /** Counts one more node, before it is read; refuses nesting past {@link MAX_DEPTH}. */
  private enter(kind: Container, depth: number): void {
    if (depth > MAX_DEPTH) throw new OnnxMobilenetError('E_MODEL_LOAD', `the model nests messages deeper than ${MAX_DEPTH} levels`);
    if (kind === 'NodeProto' && ++this.nodes > this.maxNodes) {
      throw new OnnxMobilenetError('E_LIMIT', `the model has more than ${this.maxNodes} nodes, over limits.maxModelNodes (${this.maxNodes})`);
    }
    if (kind === 'GraphProto' && ++this.graphs > MAX_SUBGRAPHS + 1) {
      throw new OnnxMobilenetError('E_MODEL_LOAD', `the model has more than ${MAX_SUBGRAPHS} subgraphs; an image classifier needs none`);
    }
  }

  /**
   * Any message that holds tensors or graphs; returns the largest loop iteration count inside it.
   * A graph's loops are checked once all its constants are known (initializers follow the nodes);
   * a function's nodes form a scope of their own in which loops may not count on constants.
   */
  message(bytes: Uint8Array, kind: Container, depth: number): bigint {
    if (kind === 'NodeProto') return this.node(bytes, depth, undefined).innerIterations;
    this.enter(kind, depth);
    const scope: Scope | undefined =
      kind === 'GraphProto' || kind === 'FunctionProto' ? { constants: new Map(), loopsAllowed: kind === 'GraphProto' } : undefined;
    const nodes: NodeFacts[] = [];
    let most = 1n;
    eachField(bytes, (field, wire, reader) => {
      const child = CHILDREN[kind][field];
      if (child === undefined || wire !== WIRE_LEN) return false;
      if (child === 'TensorProto') {
        const t = checkTensor(reader.bytes(), kind);
        if (kind === 'GraphProto' && t.int64 !== undefined) scope!.constants.set(t.name, t.int64);
      } else if (child === 'NodeProto' && scope) nodes.push(this.node(reader.bytes(), depth + 1, scope));
      else most = max(most, this.message(reader.bytes(), child, depth + 1));
      return true;
    });
    for (const n of nodes) most = max(most, this.bound(n, scope!));
    return most;
  }

  /** The iterations a node runs its subgraphs for, refused where they are unbounded or over the limit. */
  private bound(n: NodeFacts, scope: Scope): bigint {
    if (!n.hasGraphs) return 1n;
    const onnx = isOnnxDomain(n.domain);
    if (onnx && n.opType === 'If') return n.innerIterations;
    if (!onnx || n.opType !== 'Loop') throw unbounded(n, 'runs a subgraph as many times as the tensors it is given at run time say');
    const tripName = n.inputs[0] ?? '';
    if (tripName === '') throw unbounded(n, 'has no trip count: it runs for as long as its condition holds');
    const trip = scope.loopsAllowed ? scope.constants.get(tripName) : undefined;
    if (trip === undefined) {
      throw unbounded(
        n,
        `takes its trip count from "${tripName}", which is not a constant int64 of its own graph${scope.loopsAllowed ? '' : ' (it sits in a model-local function)'}: it is known only at run time`,
      );
    }
    if (trip < 0n) throw unbounded(n, `has the negative trip count ${trip}`);
    const total = trip * n.innerIterations;
    if (this.maxLoopIterations !== undefined && total > this.maxLoopIterations) {
      const nested = n.innerIterations > 1n ? `, and the loops in its body ${n.innerIterations} times each: ${total} iterations` : '';
      throw new OnnxMobilenetError(
        'E_MODEL_LOAD',
        `the model's Loop node "${n.name}" runs ${trip} times${nested}, over limits.maxLoopIterations (${this.maxLoopIterations}); onnxruntime runs loops in native code nothing can interrupt, so raise the limit only for models you trust`,
      );
    }
    return total;
  }

  /** A node, and a Constant's one-int64 value into `scope`. */
  private node(bytes: Uint8Array, depth: number, scope: Scope | undefined): NodeFacts {
    this.enter('NodeProto', depth);
    const n: NodeFacts = { opType: '', domain: '', name: '', inputs: [], output: undefined, hasGraphs: false, innerIterations: 1n };
    let value: bigint | undefined;
    eachField(bytes, (field, wire, reader) => {
      if (wire !== WIRE_LEN) return false;
      if (field === NODE.input) n.inputs.push(text(reader.bytes()));
      else if (field === NODE.output) {
        const output = text(reader.bytes()); // read every output: a second one (TopK, Split, Dropout's mask) must be consumed too
        n.output ??= output;
      } else if (field === NODE.name) n.name = text(reader.bytes());
      else if (field === NODE.opType) n.opType = text(reader.bytes());
      else if (field === NODE.domain) n.domain = text(reader.bytes());
      else if (field === NODE.attribute) {
        const a = this.attribute(reader.bytes(), depth + 1);
        n.hasGraphs ||= a.hasGraphs;
        n.innerIterations = max(n.innerIterations, a.innerIterations);
        if (a.name === 'value' || a.name === 'value_int') value = a.int64;
      } else return false;
      return true;
    });
    if (n.opType === 'Constant' && isOnnxDomain(n.domain) && value !== undefined && n.output !== undefined) scope?.constants.set(n.output, value);
    return n;
  }

  private attribute(bytes: Uint8Array, depth: number): { name: string; hasGraphs: boolean; innerIterations: bigint; int64: bigint | undefined } {
    const a = { name: '', hasGraphs: false, innerIterations: 1n, int64: undefined as bigint | undefined };
    eachField(bytes, (field, wire, reader) => {
      const child = CHILDREN.AttributeProto[field];
      if (field === ATTRIBUTE.name && wire === WIRE_LEN) a.name = text(reader.bytes());
      else if (field === ATTRIBUTE.i && wire === WIRE_VARINT) a.int64 = reader.int64();
      else if (child === undefined || wire !== WIRE_LEN) return false;
      else if (child === 'TensorProto') {
        const t = checkTensor(reader.bytes(), 'AttributeProto');
        if (field === ATTRIBUTE.t) a.int64 = t.int64;
      } else {
        if (child === 'GraphProto') a.hasGraphs = true;
        a.innerIterations = max(a.innerIterations, this.message(reader.bytes(), child, depth + 1));
      }
      return true;
    });
    return a;
  }
}

/**
 * Refuses external data (throwing `E_MODEL_LOAD` naming the tensor and the file); returns the
 * tensor's name and, where it holds exactly one int64, that value (a Loop's trip count).
 */
function checkTensor(bytes: Uint8Array, parent: Message): { name: string; int64: bigint | undefined } {
  let name = '';
  let location: string | undefined;
  let external = false;
  let dataType = 0;
  let elements = 1;
  let raw: Uint8Array | undefined;
  const int64s: bigint[] = [];
  /** A repeated int64 field, packed or not: each value to `add`, until it returns false. */
  const int64Values = (wire: number, reader: WireReader, add: (v: bigint) => boolean): boolean => {
    if (wire === WIRE_VARINT) add(reader.int64());
    else if (wire !== WIRE_LEN) return false;
    else for (const packed = new WireReader(reader.bytes()); packed.pos < packed.len && add(packed.int64()); );
    return true;
  };
  eachField(bytes, (field, wire, reader) => {
    if (field === TENSOR.dims) {
      return int64Values(wire, reader, (d) => {
        elements *= Number(d);
        return true;
      });
    }
    if (field === TENSOR.int64Data) return int64Values(wire, reader, (v) => int64s.push(v) < 2);
    if (field === TENSOR.dataType && wire === WIRE_VARINT) dataType = reader.int32();
    else if (field === TENSOR.name && wire === WIRE_LEN) name = text(reader.bytes());
    else if (field === TENSOR.rawData && wire === WIRE_LEN) raw = reader.bytes();
    else if (field === TENSOR.externalData && wire === WIRE_LEN) {
      external = true;
      let key = '';
      let value = '';
      eachField(reader.bytes(), (f, w, entry) => {
        if (w !== WIRE_LEN || (f !== ENTRY.key && f !== ENTRY.value)) return false;
        if (f === ENTRY.key) key = text(entry.bytes());
        else value = text(entry.bytes());
        return true;
      });
      if (key === 'location') location = value;
    } else if (field === TENSOR.dataLocation && wire === WIRE_VARINT) {
      if (reader.int32() !== 0) external = true; // data_location EXTERNAL (or any value this scan does not know)
    } else return false;
    return true;
  });
  if (external) {
    throw new OnnxMobilenetError(
      'E_MODEL_LOAD',
      `the model's ${describeTensor(parent)} "${name}" stores its data outside the model (external data${location === undefined ? '' : ` at "${location}"`}); ` +
        'onnx-mobilenet refuses external data so that a model cannot read other files. Save the model with its weights inside the .onnx file ' +
        '(onnx.save_model(model, path, save_as_external_data=False))',
    );
  }
  let int64: bigint | undefined;
  if (dataType === DataType.INT64 && elements === 1) {
    if (raw && raw.byteLength === 8) int64 = new DataView(raw.buffer, raw.byteOffset, 8).getBigInt64(0, true);
    else if (!raw?.byteLength && int64s.length === 1) int64 = BigInt.asIntN(64, int64s[0]!);
  }
  return { name, int64 };
}
