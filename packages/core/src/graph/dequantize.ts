import { OnnxMobilenetError } from '../errors/errors.js';
import {
  DataType,
  FIELD,
  WIRE_LEN,
  decodeModel,
  encodeModel,
  messageFactory,
  shortText,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from './onnx-model.js';
import { eachField } from './wire.js';
import { float32Bytes, tensorArray, tensorReader, tensorValues } from './tensor-data.js';

/** Operators of the QOperator format (and QuantizeLinear/DequantizeLinear) this rewrite turns into float ones. */
const QUANTIZED_OPS = new Set(['QuantizeLinear', 'DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'QLinearAdd', 'QLinearGlobalAveragePool']);

/**
 * True when the graph holds quantized operators (QLinear*, QuantizeLinear/DequantizeLinear),
 * as the zoo's `mobilenetv2-12-int8` and `-qdq` files do.
 *
 * @example
 * ```ts
 * if (await isQuantizedModel(bytes)) console.log('int8 model');
 * ```
 */
export async function isQuantizedModel(bytes: Uint8Array): Promise<boolean> {
  return hasQuantizedOps(await decodeModel(bytes));
}

/**
 * Whether model bytes hold quantized operators, read from the protobuf wire format (the main
 * graph's node op types) without decoding the model: a float model that needs no rewrite is then
 * never parsed. Bytes that do not read as a model answer true, so the full parse reports them.
 */
export async function hasQuantizedOpsInBytes(bytes: Uint8Array): Promise<boolean> {
  /** Whether `found` holds for a length-delimited field `field` of `message`. */
  const some = (message: Uint8Array, field: number, found: (body: Uint8Array) => boolean): boolean => {
    let hit = false;
    eachField(message, (number, wire, reader) => {
      if (number !== field || wire !== WIRE_LEN) return false;
      hit = found(reader.bytes());
      return hit ? 'stop' : true;
    });
    return hit;
  };
  const { ModelProto, GraphProto, NodeProto } = FIELD;
  try {
    return some(bytes, ModelProto.graph, (graph) => some(graph, GraphProto.node, (node) => some(node, NodeProto.opType, (op) => isQuantizedOp(shortText(op)))));
  } catch {
    return true;
  }
}

const isQuantizedOp = (opType: string): boolean => QUANTIZED_OPS.has(opType) || /^QLinear/.test(opType);

/** True when a parsed model holds quantized operators. */
export function hasQuantizedOps(model: ModelProto): boolean {
  return (model.graph?.node ?? []).some((n) => isQuantizedOp(n.opType));
}

/** The little-endian bytes of float32 values, as ONNX raw data stores them (a view where the CPU is little-endian). */
function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f) return bytes;
  return float32Bytes(values);
}

interface Quant {
  scale: Float64Array;
  zeroPoint: Float64Array;
  /** Range of the quantized type: uint8 [0, 255] or int8 [-128, 127]. */
  qmin: number;
  qmax: number;
}

/**
 * Rewrites a quantized (QOperator or QDQ) graph into an equivalent float32 graph: every weight is
 * dequantized (`(q - zeroPoint) × scale`, per tensor or per channel), every quantized operator
 * becomes its float twin, and the range that each quantized activation could hold is kept as a
 * Clip, so fused ReLU6 behaviour and saturation survive. The download stays the small int8 file;
 * the session runs float kernels, which avoids onnxruntime's saturating int8 kernels on x86-64
 * CPUs without VNNI (microsoft/onnxruntime#16105).
 *
 * @example
 * ```ts
 * const fp32Bytes = await dequantizeModel(int8Bytes);
 * const session = await ort.InferenceSession.create(fp32Bytes);
 * ```
 */
export async function dequantizeModel(bytes: Uint8Array, maxBytes = Infinity): Promise<Uint8Array> {
  const model = await decodeModel(bytes);
  await dequantizeGraph(model, maxBytes);
  return encodeModel(model);
}

/**
 * The in-place rewrite behind {@link dequantizeModel}. Malformed quantization (weights whose dims
 * disagree with their data, scales that are not finite float32, zero points of another type or
 * out of range, per-channel parameters that do not match the weight) is `E_MODEL_LOAD`; float
 * weights adding up to more than `maxBytes` are `E_LIMIT`, refused before they are allocated.
 */
export async function dequantizeGraph(model: ModelProto, maxBytes = Infinity): Promise<void> {
  const make = await messageFactory();
  const graph = model.graph!;
  const opset = Number(model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  const inits = new Map<string, TensorProto>(graph.initializer.map((t) => [t.name, t]));
  let floatBytes = 0;
  /** Counts float weights against `maxBytes` before they are allocated. */
  const reserve = (bytes: number): void => {
    floatBytes += bytes;
    if (floatBytes > maxBytes) {
      throw new OnnxMobilenetError(
        'E_LIMIT',
        `dequantizing the model makes over ${floatBytes} bytes of float32 weights, over limits.maxModelBytes (${maxBytes}); raise the limit or load it with precision: 'model'`,
      );
    }
  };
  const floatTensor = (name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto => {
    reserve(values.length * 4);
    return make.tensor({ name, dims: [...dims], dataType: DataType.FLOAT, rawData: float32Bytes(values) });
  };
  const bad = (problem: string) => new OnnxMobilenetError('E_MODEL_LOAD', `cannot dequantize: ${problem}`);
  const added: TensorProto[] = [];
  const nodes: NodeProto[] = [];
  let counter = 0;

  const values = (name: string): Float64Array => {
    const t = inits.get(name);
    if (!t) throw new OnnxMobilenetError('E_MODEL_LOAD', `cannot dequantize: ${name} is not a constant initializer`);
    return tensorValues(t);
  };
  const quant = (scaleName: string, zpName: string | undefined): Quant => {
    const scaleTensor = inits.get(scaleName);
    if (scaleTensor && scaleTensor.dataType !== DataType.FLOAT) throw bad(`the scale ${scaleName} is not float32`);
    const scale = values(scaleName);
    if (scale.length === 0 || scale.some((v) => !Number.isFinite(v))) throw bad(`the scale ${scaleName} is empty or not finite`);
    const zpTensor = zpName ? inits.get(zpName) : undefined;
    if (zpTensor && zpTensor.dataType !== DataType.INT8 && zpTensor.dataType !== DataType.UINT8)
      throw bad(`the zero point ${zpName} is neither int8 nor uint8`);
    const zeroPoint = zpName ? values(zpName) : new Float64Array([0]);
    if (zeroPoint.length !== 1 && zeroPoint.length !== scale.length)
      throw bad(`the zero point ${zpName} has ${zeroPoint.length} values for ${scale.length} scales`);
    const signed = zpTensor?.dataType === DataType.INT8;
    return { scale, zeroPoint, qmin: signed ? -128 : 0, qmax: signed ? 127 : 255 };
  };
  /** Float initializer from a quantized one; `axis` is the per-channel axis when scales are per channel. */
  const dequantizeInit = (name: string, q: Quant, axis: number, outName: string): string => {
    const t = inits.get(name);
    if (!t) throw bad(`the weight ${name} is not a constant initializer`);
    if (t.dataType !== DataType.INT8 && t.dataType !== DataType.UINT8 && t.dataType !== DataType.INT32)
      throw bad(`the weight ${name} is not int8, uint8 or int32`);
    const { count, get } = tensorReader(t); // checks the dims against the data present
    const dims = t.dims.map(Number);
    const channels = q.scale.length;
    const ax = axis < 0 ? axis + dims.length : axis;
    if (channels > 1 && dims[ax] !== channels) throw bad(`the weight ${name} has ${dims[ax] ?? 'no'} channels on axis ${axis} but ${channels} scales`);
    const inner = channels > 1 ? dims.slice(ax + 1).reduce((a, d) => a * d, 1) : count;
    reserve(count * 4);
    // Channel by channel over typed arrays (the weights' own bytes, no per-element calls): the
    // longest step of a browser's cold start before this. A Float32Array store rounds as
    // DataView.setFloat32 does, so the bytes are the same; big-endian CPUs take the DataView path.
    const source = tensorArray(t);
    const out = new Float32Array(count);
    // quant() checked zeroPoint to hold 1 or `channels` values and scale `channels` (≥ 1): c < channels.
    for (let start = 0, block = 0; start < count; start += inner, block++) {
      const c = block % channels;
      const zero = q.zeroPoint[q.zeroPoint.length > 1 ? c : 0]!;
      const scale = q.scale[c]!;
      const end = Math.min(count, start + inner);
      if (source) for (let i = start; i < end; i++) out[i] = (source[i]! - zero) * scale;
      else for (let i = start; i < end; i++) out[i] = (get(i) - zero) * scale;
    }
    added.push(make.tensor({ name: outName, dims, dataType: DataType.FLOAT, rawData: littleEndianBytes(out) }));
    return outName;
  };
  const scalar = (value: number): string => {
    const name = `dequant_const_${counter++}`;
    added.push(floatTensor(name, [], [value]));
    return name;
  };
  /** The float range a quantized tensor can hold, as a Clip from `input` to `output`. */
  const clip = (input: string, output: string, q: Quant): NodeProto => {
    const lo = (q.qmin - q.zeroPoint[0]!) * q.scale[0]!; // quant() refuses empty scales and zero points
    const hi = (q.qmax - q.zeroPoint[0]!) * q.scale[0]!;
    if (opset >= 11) return make.node({ opType: 'Clip', input: [input, scalar(lo), scalar(hi)], output: [output], name: `${output}_clip` });
    return make.node({
      opType: 'Clip',
      input: [input],
      output: [output],
      name: `${output}_clip`,
      attribute: [make.attribute({ name: 'min', type: 1, f: lo }), make.attribute({ name: 'max', type: 1, f: hi })],
    });
  };
  const floatOperand = (name: string, q: Quant, axis = 1): string => (inits.has(name) ? dequantizeInit(name, q, axis, `${name}_deq`) : name);

  for (const node of graph.node) {
    /** Input `k` of a quantized node, which must be there; zero points are optional (absent reads as 0, as before). */
    const arg = (k: number): string => {
      const name = node.input[k];
      if (!name) throw bad(`${node.opType} node "${node.name}" has no input ${k} (it has ${node.input.length})`);
      return name;
    };
    const zeroPoint = (k: number): string | undefined => node.input[k] || undefined;
    const out = node.output[0] ?? '';
    const attrs = node.attribute;
    switch (node.opType) {
      case 'QuantizeLinear':
        nodes.push(clip(arg(0), out, quant(arg(1), zeroPoint(2))));
        break;
      case 'DequantizeLinear': {
        const axis = Number(attrs.find((a) => a.name === 'axis')?.i ?? 1);
        const x = arg(0);
        if (inits.has(x)) dequantizeInit(x, quant(arg(1), zeroPoint(2)), axis, out);
        else nodes.push(make.node({ opType: 'Identity', input: [x], output: [out], name: node.name }));
        break;
      }
      case 'QLinearConv': {
        const x = quant(arg(1), zeroPoint(2));
        const w = quant(arg(4), zeroPoint(5));
        const inputs = [arg(0), dequantizeInit(arg(3), w, 0, `${arg(3)}_deq`)];
        const biasName = node.input[8];
        if (biasName) {
          // int32 bias, scaled by input scale × weight scale (per output channel)
          const bias = values(biasName);
          if (w.scale.length > 1 && bias.length !== w.scale.length)
            throw bad(`the bias ${biasName} has ${bias.length} values for ${w.scale.length} weight scales`);
          // quant() refuses empty scales; per channel, c < bias.length === w.scale.length.
          const f = bias.map((b, c) => b * x.scale[0]! * w.scale[w.scale.length > 1 ? c : 0]!);
          added.push(floatTensor(`${biasName}_deq`, [bias.length], f));
          inputs.push(`${biasName}_deq`);
        }
        nodes.push(make.node({ opType: 'Conv', input: inputs, output: [`${out}_raw`], attribute: attrs, name: node.name }));
        nodes.push(clip(`${out}_raw`, out, quant(arg(6), zeroPoint(7))));
        break;
      }
      case 'QLinearMatMul':
        nodes.push(
          make.node({
            opType: 'MatMul',
            input: [floatOperand(arg(0), quant(arg(1), zeroPoint(2))), floatOperand(arg(3), quant(arg(4), zeroPoint(5)), 1)],
            output: [`${out}_raw`],
            name: node.name,
          }),
        );
        nodes.push(clip(`${out}_raw`, out, quant(arg(6), zeroPoint(7))));
        break;
      case 'QLinearAdd':
        nodes.push(
          make.node({
            opType: 'Add',
            input: [floatOperand(arg(0), quant(arg(1), zeroPoint(2))), floatOperand(arg(3), quant(arg(4), zeroPoint(5)))],
            output: [`${out}_raw`],
            name: node.name,
          }),
        );
        nodes.push(clip(`${out}_raw`, out, quant(arg(6), zeroPoint(7))));
        break;
      case 'QLinearGlobalAveragePool':
        if (Number(attrs.find((a) => a.name === 'channels_last')?.i ?? 0) !== 0) {
          throw new OnnxMobilenetError('E_MODEL_LOAD', 'cannot dequantize QLinearGlobalAveragePool with channels_last=1');
        }
        nodes.push(make.node({ opType: 'GlobalAveragePool', input: [arg(0)], output: [`${out}_raw`], name: node.name }));
        nodes.push(clip(`${out}_raw`, out, quant(arg(3), zeroPoint(4))));
        break;
      default:
        if (/^QLinear|^QGemm|^QAttention|^DynamicQuantize/.test(node.opType)) {
          throw new OnnxMobilenetError('E_MODEL_LOAD', `cannot dequantize operator ${node.opType}; load the model with precision: 'model' to run it as it is`);
        }
        nodes.push(node);
    }
  }

  // Keep only the initializers something still reads.
  const used = new Set<string>([...nodes.flatMap((n) => n.input), ...graph.output.map((o) => o.name)]);
  const initializers = [...graph.initializer, ...added].filter((t) => used.has(t.name));
  const initNames = new Set(initializers.map((t) => t.name));
  graph.node = nodes;
  graph.initializer = initializers;
  graph.input = graph.input.filter((v) => !inits.has(v.name) || initNames.has(v.name));
  graph.valueInfo = []; // shapes and types of the quantized tensors no longer hold
}
