// Hostile ONNX models for the safety tests, written straight in the protobuf wire format so a test
// can set any field (external data, sparse initializers, subgraphs) or break any rule (negative
// dims, short raw data, truncation). Field numbers from onnx.proto.

/** Protobuf bytes: a list of encoded fields, concatenated. */
type Part = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value)); // negative int64 → ten-byte two's complement, as protobuf writes it
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const concat = (parts: readonly Part[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** A varint field. */
export const int = (no: number, value: number | bigint): Part => new Uint8Array([...varint(no * 8), ...varint(value)]);
/** A length-delimited field (bytes, string or a nested message's parts). */
export const len = (no: number, body: Uint8Array | string | readonly Part[]): Part => {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body instanceof Uint8Array ? body : concat(body);
  return concat([new Uint8Array([...varint(no * 8 + 2), ...varint(bytes.length)]), bytes]);
};
/** A float32 field (wire type 5). */
export const f32 = (no: number, value: number): Part => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return concat([new Uint8Array(varint(no * 8 + 5)), b]);
};

export const FLOAT = 1;
export const UINT8 = 2;
export const INT8 = 3;
export const INT32 = 6;
export const INT64 = 7;

export interface TensorSpec {
  name: string;
  dims: readonly (number | bigint)[];
  dataType: number;
  raw?: Uint8Array;
  floatData?: readonly number[];
  int32Data?: readonly number[];
  /** `external_data` entries (location, offset, length...) and data_location EXTERNAL. */
  external?: Record<string, string>;
  /** data_location without external_data entries (or with, to disagree with them). */
  dataLocation?: number;
}

/** TensorProto. */
export function tensor(t: TensorSpec): Part[] {
  const parts: Part[] = [...t.dims.map((d) => int(1, d)), int(2, t.dataType)];
  if (t.floatData)
    parts.push(
      len(
        4,
        t.floatData.map((v) => f32Bytes(v)).reduce((a, b) => concat([a, b]), new Uint8Array()),
      ),
    );
  if (t.int32Data) parts.push(len(5, new Uint8Array(t.int32Data.flatMap((v) => varint(v)))));
  parts.push(len(8, t.name));
  if (t.raw) parts.push(len(9, t.raw));
  for (const [key, value] of Object.entries(t.external ?? {})) parts.push(len(13, [len(1, key), len(2, value)]));
  if (t.external || t.dataLocation !== undefined) parts.push(int(14, t.dataLocation ?? 1));
  return parts;
}
function f32Bytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return b;
}
/** Little-endian float32 bytes of values. */
export const floats = (values: readonly number[]): Uint8Array => concat(values.map(f32Bytes));

export interface AttrSpec {
  name: string;
  i?: number;
  f?: number;
  ints?: readonly number[];
  /** A tensor attribute (Constant's `value`). */
  t?: Part[];
  /** A graph attribute (If's branches, Loop's and Scan's body). */
  g?: Part[];
  graphs?: Part[][];
  tensors?: Part[][];
  sparse?: Part[];
}
/** AttributeProto, with the type field set from what is given. */
export function attr(a: AttrSpec): Part[] {
  const parts: Part[] = [len(1, a.name)];
  if (a.f !== undefined) parts.push(f32(2, a.f), int(20, 1));
  if (a.i !== undefined) parts.push(int(3, a.i), int(20, 2));
  if (a.ints) parts.push(...a.ints.map((v) => int(8, v)), int(20, 7));
  if (a.t) parts.push(len(5, a.t), int(20, 4));
  if (a.g) parts.push(len(6, a.g), int(20, 5));
  if (a.tensors) parts.push(...a.tensors.map((t) => len(10, t)), int(20, 9));
  if (a.graphs) parts.push(...a.graphs.map((g) => len(11, g)), int(20, 10));
  if (a.sparse) parts.push(len(22, a.sparse), int(20, 11));
  return parts;
}

export interface NodeSpec {
  op: string;
  input: readonly string[];
  output: readonly string[];
  attrs?: AttrSpec[];
  domain?: string;
}
/** NodeProto. */
export function node(n: NodeSpec): Part[] {
  return [
    ...n.input.map((i) => len(1, i)),
    ...n.output.map((o) => len(2, o)),
    len(3, `${n.op}_${n.output[0] ?? ''}`),
    len(4, n.op),
    ...(n.attrs ?? []).map((a) => len(5, attr(a))),
    ...(n.domain ? [len(7, n.domain)] : []),
  ];
}

type Shape = readonly (number | string)[];
/** ValueInfoProto of a tensor. */
export function valueInfo(name: string, elemType: number, shape?: Shape): Part[] {
  const dims = (shape ?? []).map((d) => len(1, [typeof d === 'number' ? int(1, d) : len(2, d)]));
  return [len(1, name), len(2, [len(1, [int(1, elemType), ...(shape ? [len(2, dims)] : [])])])];
}

export interface GraphSpec {
  nodes: (NodeSpec | Part[])[];
  initializers?: Part[][];
  /** SparseTensorProto parts. */
  sparseInitializers?: Part[][];
  inputs?: Part[][];
  outputs?: Part[][];
}
/** GraphProto. */
export function graph(g: GraphSpec): Part[] {
  const nodes = g.nodes.map((n) => (Array.isArray(n) ? n : node(n)));
  return [
    ...nodes.map((n) => len(1, n)),
    len(2, 'hostile'),
    ...(g.initializers ?? []).map((t) => len(5, t)),
    ...(g.inputs ?? []).map((v) => len(11, v)),
    ...(g.outputs ?? []).map((v) => len(12, v)),
    ...(g.sparseInitializers ?? []).map((s) => len(15, s)),
  ];
}
/** SparseTensorProto from its values and indices tensors. */
export const sparseTensor = (values: Part[], indices: Part[], dims: readonly number[]): Part[] => [
  len(1, values),
  len(2, indices),
  ...dims.map((d) => int(3, d)),
];

/** ModelProto around a graph (IR 7, opset 13 unless told). */
export function modelBytes(g: Part[], opset = 13): Uint8Array {
  return concat([int(1, 7), len(7, g), len(8, [len(1, ''), int(2, opset)])]);
}

/** The image input every classifier here takes. */
export const imageInput = (): Part[] => valueInfo('input', FLOAT, ['N', 3, 224, 224]);

/**
 * Nodes that make the scores `leak` (a 1×classes tensor) whatever the image: pooled image × `zero`
 * + `leak`. A model built on them that loads returns `leak`'s values as its scores.
 */
export const scoresFrom = (leak: string): NodeSpec[] => [
  { op: 'GlobalAveragePool', input: ['input'], output: ['pooled'] },
  { op: 'Flatten', input: ['pooled'], output: ['flat'] },
  {
    op: 'ReduceSum',
    input: ['flat'],
    output: ['sum'],
    attrs: [
      { name: 'axes', ints: [1] },
      { name: 'keepdims', i: 1 },
    ],
  },
  { op: 'Mul', input: ['sum', 'zero'], output: ['zeros'] },
  { op: 'Add', input: ['zeros', leak], output: ['output'] },
];

/**
 * A classifier whose scores are the bytes of a file it reads through `external_data`: the
 * image is pooled, summed and multiplied by zero, then the float32 initializer `leak` (shape
 * 1×classes, stored in `location`) is added. `classes` float32 values are read: 4 × classes bytes.
 */
export function externalDataModel(location: string, classes: number, extra: Record<string, string> = {}): Uint8Array {
  return modelBytes(
    graph({
      nodes: scoresFrom('leak'),
      initializers: [
        tensor({ name: 'zero', dims: [], dataType: FLOAT, raw: floats([0]) }),
        tensor({ name: 'leak', dims: [1, classes], dataType: FLOAT, external: { location, ...extra } }),
      ],
      inputs: [imageInput()],
      outputs: [valueInfo('output', FLOAT, ['N', classes])],
    }),
    11, // ReduceSum takes its axes as an attribute up to opset 12
  );
}

/**
 * An int8 classifier of a few hundred bytes whose weight `W` declares `rows × cols` elements but
 * carries 16 bytes: DequantizeLinear(W) feeds the final MatMul. With the default 16000 × 10000 a
 * dequantizer that trusts dims allocates gigabytes. For the memory watchdog test.
 */
export function hugeDeclaredWeightsModel(rows = 16_000, cols = 10_000): Uint8Array {
  return modelBytes(
    graph({
      nodes: [
        { op: 'GlobalAveragePool', input: ['input'], output: ['pooled'] },
        { op: 'Flatten', input: ['pooled'], output: ['flat'] },
        { op: 'DequantizeLinear', input: ['W', 'W_scale', 'W_zp'], output: ['W_float'] },
        { op: 'MatMul', input: ['flat', 'W_float'], output: ['output'] },
      ],
      initializers: [
        tensor({ name: 'W', dims: [rows, cols], dataType: INT8, raw: new Uint8Array(16).fill(1) }),
        tensor({ name: 'W_scale', dims: [], dataType: FLOAT, raw: floats([0.5]) }),
        tensor({ name: 'W_zp', dims: [], dataType: INT8, raw: new Uint8Array([0]) }),
      ],
      inputs: [imageInput()],
      outputs: [valueInfo('output', FLOAT, ['N', cols])],
    }),
  );
}

/**
 * A valid small int8 classifier: pooled RGB (3 features) → DequantizeLinear weights `W` (3 × classes,
 * int8, per-tensor `scale` and zero point) → MatMul. Overrides replace the weight, scale or zero-point tensors.
 */
export function tinyInt8Model(
  overrides: { W?: Part[] | undefined; W_scale?: Part[] | undefined; W_zp?: Part[] | null | undefined } = {},
  classes = 4,
): Uint8Array {
  const W =
    overrides.W ??
    tensor({ name: 'W', dims: [3, classes], dataType: INT8, raw: new Uint8Array(Array.from({ length: 3 * classes }, (_, i) => (i * 37) % 200)) });
  const scale = overrides.W_scale ?? tensor({ name: 'W_scale', dims: [], dataType: FLOAT, raw: floats([0.25]) });
  const zp = overrides.W_zp === undefined ? tensor({ name: 'W_zp', dims: [], dataType: INT8, raw: new Uint8Array([2]) }) : overrides.W_zp;
  return modelBytes(
    graph({
      nodes: [
        { op: 'GlobalAveragePool', input: ['input'], output: ['pooled'] },
        { op: 'Flatten', input: ['pooled'], output: ['flat'] },
        { op: 'DequantizeLinear', input: zp ? ['W', 'W_scale', 'W_zp'] : ['W', 'W_scale'], output: ['W_float'] },
        { op: 'MatMul', input: ['flat', 'W_float'], output: ['output'] },
      ],
      initializers: [W, scale, ...(zp ? [zp] : [])],
      inputs: [imageInput()],
      outputs: [valueInfo('output', FLOAT, ['N', classes])],
    }),
  );
}

/**
 * A classifier whose graph holds `count` + 3 nodes (a chain of `count` Identity nodes between the
 * pooled image and the scores), about 28 bytes a node: 1,000,000 of them make a 27 MB file that
 * onnxruntime turns into gigabytes of graph. For the memory watchdog test.
 */
export function manyNodesModel(count: number): Uint8Array {
  // The chain is written straight into one buffer (every length is under 128: one-byte varints):
  // the generic helpers above allocate per field, which took 40 s for a million nodes.
  const chainBytes = new Uint8Array(count * 64);
  let at = 0;
  const ascii = (no: number, text: string) => {
    chainBytes[at++] = no * 8 + 2;
    chainBytes[at++] = text.length;
    for (let k = 0; k < text.length; k++) chainBytes[at++] = text.charCodeAt(k);
  };
  for (let i = 0; i < count; i++) {
    const start = at;
    at += 2; // the node's tag and length, written once its body is
    ascii(1, `x${i}`);
    ascii(2, `x${i + 1}`);
    ascii(4, 'Identity');
    chainBytes[start] = 1 * 8 + 2;
    chainBytes[start + 1] = at - start - 2;
  }
  return modelBytes([
    ...graph({
      nodes: [
        { op: 'GlobalAveragePool', input: ['input'], output: ['pooled'] },
        { op: 'Flatten', input: ['pooled'], output: ['x0'] },
        { op: 'Identity', input: [`x${count}`], output: ['output'] },
      ],
      inputs: [imageInput()],
      outputs: [valueInfo('output', FLOAT, ['N', 3])],
    }),
    chainBytes.subarray(0, at), // more of the graph's field 1 (node): repeated fields may come in any order
  ]);
}

export const BOOL = 9;
/** Little-endian int64 bytes of a scalar. */
export const int64Bytes = (v: number | bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
  return b;
};

/**
 * Where a Loop's trip count comes from in {@link loopModel}: an int64 initializer of that value, a
 * Constant node holding it, the model input (a data-dependent count), or none (`''`: the loop runs
 * while its condition holds, here always).
 */
export type TripCount = { initializer: number | bigint } | { constant: number | bigint } | 'from-input' | 'none';

/**
 * A Loop node that carries `v` through `trip` iterations of an Identity body (the condition stays
 * true), output as `out`. `inner` replaces the body's nodes (e.g. with another Loop) and is fed `v_in`.
 */
export function loopNode(name: string, trip: string, v: string, out: string, inner?: { nodes: (NodeSpec | Part[])[]; initializers?: Part[][] }): Part[] {
  const body = graph({
    nodes: [
      { op: 'Identity', input: [`${name}_cond_in`], output: [`${name}_cond_out`] },
      ...(inner?.nodes ?? [{ op: 'Identity', input: [`${name}_v_in`], output: [`${name}_v_out`] }]),
    ],
    initializers: inner?.initializers ?? [],
    inputs: [valueInfo(`${name}_iter`, INT64, []), valueInfo(`${name}_cond_in`, BOOL, []), valueInfo(`${name}_v_in`, FLOAT)],
    outputs: [valueInfo(`${name}_cond_out`, BOOL, []), valueInfo(`${name}_v_out`, FLOAT)],
  });
  return [len(1, trip), len(1, 'loop_true'), len(1, v), len(2, out), len(3, name), len(4, 'Loop'), len(5, attr({ name: 'body', g: body }))];
}

/**
 * A classifier of `classes` outputs whose scores pass through a Loop of `trip` iterations: with
 * 1e15 trips onnxruntime spins for ever. Its scores are the initializer `v` (1, 2, 3, ...), so a
 * bounded loop that loads returns them.
 */
export function loopModel(trip: TripCount, classes = 4): Uint8Array {
  const tripName = trip === 'none' ? '' : 'trip';
  const tripNodes: NodeSpec[] = [];
  const tripInits: Part[][] = [];
  if (trip === 'from-input') {
    // the image's pixel sum, scaled up, as the count: known only once an image runs
    tripNodes.push(
      { op: 'ReduceSum', input: ['input'], output: ['trip_sum'], attrs: [{ name: 'keepdims', i: 0 }] },
      { op: 'Mul', input: ['trip_sum', 'trip_scale'], output: ['trip_big'] },
      { op: 'Cast', input: ['trip_big'], output: ['trip'], attrs: [{ name: 'to', i: INT64 }] },
    );
    tripInits.push(tensor({ name: 'trip_scale', dims: [], dataType: FLOAT, raw: floats([1e12]) }));
  } else if (typeof trip === 'object' && 'initializer' in trip) {
    tripInits.push(tensor({ name: 'trip', dims: [], dataType: INT64, raw: int64Bytes(trip.initializer) }));
  } else if (typeof trip === 'object') {
    tripNodes.push({
      op: 'Constant',
      input: [],
      output: ['trip'],
      attrs: [{ name: 'value', t: tensor({ name: 'trip_value', dims: [], dataType: INT64, raw: int64Bytes(trip.constant) }) }],
    });
  }
  return modelBytes(
    graph({
      nodes: [...tripNodes, loopNode('loop', tripName, 'v', 'v_final'), ...scoresFrom('v_final')],
      initializers: [
        ...tripInits,
        tensor({ name: 'loop_true', dims: [], dataType: BOOL, raw: new Uint8Array([1]) }),
        tensor({ name: 'zero', dims: [], dataType: FLOAT, raw: floats([0]) }),
        tensor({ name: 'v', dims: [1, classes], dataType: FLOAT, raw: floats(Array.from({ length: classes }, (_, i) => i + 1)) }),
      ],
      inputs: [imageInput()],
      outputs: [valueInfo('output', FLOAT, ['N', classes])],
    }),
    11, // ReduceSum takes its axes as an attribute up to opset 12
  );
}
