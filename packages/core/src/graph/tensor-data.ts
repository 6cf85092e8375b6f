import { OnnxMobilenetError } from '../errors/errors.js';
import { DataType, type TensorProto } from './onnx-model.js';

// The values of numeric initializers, read whatever their storage (raw bytes or typed fields),
// always checked against the dims they declare, and float32 written as ONNX raw data stores it.

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

/** Little-endian int64 bytes of `values` (shapes, counts), as ONNX raw data stores them. */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (const [i, v] of values.entries()) view.setBigInt64(i * 8, BigInt(v), true);
  return bytes;
}
