import { OnnxMobilenetError } from '../errors/errors.js';

/**
 * Joins chunks (a streamed download) into one array.
 *
 * @example
 * ```ts
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * A Uint8Array view of bytes given as a Uint8Array or an ArrayBuffer. A detached buffer (one
 * transferred to a worker, say) is an `E_INPUT` error instead of a TypeError.
 *
 * @example
 * ```ts
 * const bytes = bytesView(await blob.arrayBuffer(), 'image');
 * ```
 */
export function bytesView(value: Uint8Array | ArrayBuffer, what: string): Uint8Array {
  try {
    return value instanceof Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
  } catch (err) {
    throw new OnnxMobilenetError('E_INPUT', `the ${what} buffer is detached (transferred elsewhere) and cannot be read`, { cause: err });
  }
}
