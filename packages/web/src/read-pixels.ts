// Pixels of an already-decoded browser source (element, bitmap, frame, canvas) through a canvas,
// with the size checked before the canvas is allocated and every canvas failure made a typed error.
import { OnnxMobilenetError, type Limits, type RawImage } from '@onnx-mobilenet/core';
import { assertInputPixels, describeError, type Warn } from '@onnx-mobilenet/core/adapter';
import { straightAlphaPixels } from './straight-alpha.js';
import { assertImageDecoder } from './runtime-support.js';

/** A source a 2D canvas can draw. */
export type Drawable = CanvasImageSource & object;

function readFailure(err: unknown, name: string, width: number, height: number): OnnxMobilenetError {
  const error = err as { name?: string } | undefined;
  if (error?.name === 'SecurityError') {
    return new OnnxMobilenetError(
      'E_INPUT',
      `cannot read the pixels of ${name}: it comes from another origin without CORS permission, so the browser hides them (a tainted canvas). ` +
        'Set crossOrigin = "anonymous" on the element before its src, and serve the image with CORS headers (Access-Control-Allow-Origin)',
      { cause: err },
    );
  }
  if (err instanceof RangeError) {
    return new OnnxMobilenetError(
      'E_LIMIT',
      `${name} is ${width}x${height}, more than this browser can hold in a canvas (${describeError(err)}); pass a smaller image or lower limits.maxInputPixels`,
      { cause: err },
    );
  }
  return new OnnxMobilenetError('E_IMAGE_DECODE', `cannot read the pixels of ${name} (${width}x${height}): ${describeError(err)}`, { cause: err });
}

/** How {@link readPixels} treats transparency. */
export interface ReadOptions {
  /**
   * The source holds unpremultiplied colours (a decoded image, bitmap or video frame, not a 2D
   * canvas): where any pixel is not opaque, read them through WebGL, as stored. A 2D canvas keeps
   * premultiplied pixels, so a transparent pixel would come back black and a half-transparent one
   * rounded; the reference (Pillow's `convert('RGB')`) and the Node adapter keep the stored colour.
   */
  straightAlpha?: boolean;
  /** The classifier's warning channel, for when WebGL cannot read them. */
  warn?: Warn | undefined;
}

/**
 * Draws a source onto a canvas of its size and reads the RGBA pixels back (synchronously). Refuses
 * an empty or over-limit size before allocating; an allocation failure is `E_LIMIT`, a
 * cross-origin (tainted) source `E_INPUT`, anything else `E_IMAGE_DECODE`.
 */
export function readPixels(source: Drawable, name: string, width: number, height: number, limits: Limits, options: ReadOptions = {}): RawImage {
  if (!(width > 0 && height > 0)) {
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `${name} has no pixels (${width}x${height}); is it loaded?`);
  }
  assertInputPixels(name, width, height, limits);
  assertImageDecoder(name, 'canvas');
  try {
    let ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (typeof OffscreenCanvas !== 'undefined') {
      ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    } else {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      ctx = canvas.getContext('2d', { willReadFrequently: true });
    }
    if (!ctx) throw new OnnxMobilenetError('E_IMAGE_DECODE', `this browser gave no 2D canvas context (${width}x${height}) to read the pixels of ${name} with`);
    ctx.drawImage(source, 0, 0, width, height);
    const data = ctx.getImageData(0, 0, width, height).data;
    if (options.straightAlpha && !opaque(data)) {
      const straight = straightAlphaPixels(source, width, height);
      if (straight) return { data: straight, width, height, channels: 4 };
      options.warn?.(
        `${name} has transparent pixels and this browser gave no WebGL to read their colours as stored; they are read premultiplied ` +
          '(a fully transparent pixel as black), unlike in Node and the reference preprocessing, which drop alpha and keep the colour',
        'ONNX_MOBILENET_ALPHA_PREMULTIPLIED',
      );
    }
    return { data, width, height, channels: 4 };
  } catch (err) {
    if (err instanceof OnnxMobilenetError) throw err;
    throw readFailure(err, name, width, height);
  }
}

/** True when every pixel of RGBA `data` is opaque. */
function opaque(data: Uint8ClampedArray): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}
