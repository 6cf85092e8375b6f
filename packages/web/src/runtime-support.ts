import { runtimeError } from '@onnx-mobilenet/core/adapter';

/** What to do where there is no image decoder. */
const NO_DECODER_FIX = 'pass raw pixels { data, width, height, channels }, or classify in Node with @onnx-mobilenet/node';

/**
 * What the web adapter's image decoding needs from the platform, and what is missing of it here:
 * `createImageBitmap` to decode encoded images, and a 2D canvas (OffscreenCanvas, or a document to
 * make a `<canvas>`) to read pixels. Node, Deno without a canvas, and edge runtimes have neither.
 */
function missingDecoder(needs: 'bitmap' | 'canvas'): string | undefined {
  const g = globalThis as { createImageBitmap?: unknown; OffscreenCanvas?: unknown; document?: { createElement?: unknown } };
  if (needs === 'bitmap' && typeof g.createImageBitmap !== 'function') return 'createImageBitmap is not defined';
  if (typeof g.OffscreenCanvas !== 'function' && typeof g.document?.createElement !== 'function') {
    return 'neither OffscreenCanvas nor a document (to make a <canvas>) is defined';
  }
  return undefined;
}

/**
 * Throws `E_RUNTIME` when this runtime cannot decode `name` at all: the platform decoder named,
 * instead of a `ReferenceError` from inside the decode.
 */
export function assertImageDecoder(name: string, needs: 'bitmap' | 'canvas'): void {
  const missing = missingDecoder(needs);
  if (missing) throw runtimeError(`cannot decode ${name} in this runtime`, missing, NO_DECODER_FIX);
}
