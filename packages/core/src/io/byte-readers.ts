// Fixed-width integers read from bytes, for the header parsers (image-header.ts, exif-orientation.ts).
// Every caller checks the length before it reads; a byte past the end still reads as 0, so the
// readers return numbers (never NaN) even where a check were missed.
export const byte = (b: Uint8Array, i: number) => b[i] ?? 0;
export const u16be = (b: Uint8Array, i: number) => (byte(b, i) << 8) | byte(b, i + 1);
export const u16le = (b: Uint8Array, i: number) => byte(b, i) | (byte(b, i + 1) << 8);
export const u24le = (b: Uint8Array, i: number) => byte(b, i) | (byte(b, i + 1) << 8) | (byte(b, i + 2) << 16);
export const u32be = (b: Uint8Array, i: number) => byte(b, i) * 2 ** 24 + ((byte(b, i + 1) << 16) | (byte(b, i + 2) << 8) | byte(b, i + 3));
export const u32le = (b: Uint8Array, i: number) => byte(b, i + 3) * 2 ** 24 + ((byte(b, i + 2) << 16) | (byte(b, i + 1) << 8) | byte(b, i));
export const i32le = (b: Uint8Array, i: number) => byte(b, i) | (byte(b, i + 1) << 8) | (byte(b, i + 2) << 16) | (byte(b, i + 3) << 24);
export const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));
