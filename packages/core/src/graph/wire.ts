import { concatBytes } from '../io/bytes.js';

// protobuf's wire format, as far as the model scans and the embedding splice need it: field tags,
// varints, length-delimited values, skipping (groups included). protobuf-es decodes and encodes
// whole models (onnx-model.ts); these scans ran on its BinaryReader until its import (20 CPU ms for
// the wire subpath, 60 with the rest it comes with, in a fresh process: bench/cold-start-bench.mjs)
// became the largest part of a cold start that never decodes a model. Same rules as its reader:
// bounds checked, a varint of more than 10 bytes or a wire type protobuf lacks is an error.

/** Wire types (protobuf encoding). */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** Reads protobuf fields from bytes; every read past the end throws a `RangeError`. */
/** Nested groups a skip follows before it refuses the bytes. */
const GROUP_DEPTH_LIMIT = 100;

export class WireReader {
  pos = 0;
  readonly len: number;

  constructor(private readonly buf: Uint8Array) {
    this.len = buf.length;
  }

  private byte(): number {
    if (this.pos >= this.len) throw new RangeError('premature EOF');
    return this.buf[this.pos++]!;
  }

  /** A varint's low 32 bits, unsigned (protobuf's uint32 reading of any varint). */
  uint32(): number {
    let value = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if (i < 5) value |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return value >>> 0;
    }
    throw new Error('invalid varint');
  }

  /** A varint as a signed 32-bit number (int32, enums). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A varint as a signed 64-bit bigint (int64). */
  int64(): bigint {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return BigInt.asIntN(64, value);
    }
    throw new Error('invalid varint');
  }

  /** A field's tag: its number and wire type. */
  tag(): [field: number, wire: number] {
    const tag = this.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field <= 0 || wire > WIRE.I32) throw new Error(`illegal tag: field no ${field} wire type ${wire}`);
    return [field, wire];
  }

  /** A length-delimited value (bytes, string, message, packed numbers), as a view of the input. */
  bytes(): Uint8Array {
    const length = this.uint32();
    const start = this.pos;
    if (length > this.len - start) throw new RangeError('premature EOF');
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }

  /**
   * Skips a value of wire type `wire` (a group up to its end tag for `field`). Groups nest at most
   * 100 deep, protobuf-es's limit (and onnxruntime's parser's): not as deep as the stack allows.
   */
  skip(wire: number, field: number, depth = GROUP_DEPTH_LIMIT): void {
    switch (wire) {
      case WIRE.VARINT:
        while (this.byte() >= 0x80);
        return;
      case WIRE.I64:
      case WIRE.I32: {
        const size = wire === WIRE.I64 ? 8 : 4;
        if (size > this.len - this.pos) throw new RangeError('premature EOF');
        this.pos += size;
        return;
      }
      case WIRE.LEN:
        this.bytes();
        return;
      case WIRE.SGROUP:
        if (depth <= 0) throw new Error('maximum recursion depth reached');
        for (;;) {
          const [f, w] = this.tag();
          if (w === WIRE.EGROUP) {
            if (f !== field) throw new Error('invalid end group tag');
            return;
          }
          this.skip(w, f, depth - 1);
        }
      default:
        throw new Error(`cannot skip wire type ${wire}`);
    }
  }
}

/**
 * Reads a message's fields from its bytes without decoding it: `visit` gets each field's number,
 * wire type and the reader at its value, and returns true once it read the value; fields it leaves
 * are skipped. Returning `'stop'` ends the walk.
 */
export function eachField(bytes: Uint8Array, visit: (field: number, wire: number, reader: WireReader) => boolean | 'stop'): void {
  const reader = new WireReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    const read = visit(field, wire, reader);
    if (read === 'stop') return;
    if (!read) reader.skip(wire, field);
  }
}

/** A varint's bytes. */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const encoder = new TextEncoder();

/** The tag and length that open a length-delimited field of `length` bytes. */
export function lengthPrefix(field: number, length: number): Uint8Array {
  return Uint8Array.from([...varint((field << 3) | WIRE.LEN), ...varint(length)]);
}

/** Writes fields (varints, strings, messages) into one message's bytes. */
export class WireWriter {
  private readonly parts: Uint8Array[] = [];

  /** A length-delimited field: bytes as they are, a string as UTF-8. */
  len(field: number, value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? encoder.encode(value) : value;
    this.parts.push(lengthPrefix(field, bytes.byteLength), bytes);
    return this;
  }

  /** A varint field (a non-negative number). */
  varint(field: number, value: number): this {
    this.parts.push(Uint8Array.from([...varint((field << 3) | WIRE.VARINT), ...varint(value)]));
    return this;
  }

  finish(): Uint8Array {
    return concatBytes(this.parts);
  }
}
