// Raw video (`ffmpeg -f rawvideo -pix_fmt rgb24`) cut into frames, pulled at the consumer's pace.
import { type Channels, type Limits, OnnxMobilenetError, type RawImage, type TimedInput } from '@onnx-mobilenet/core';
import {
  abortable,
  assertInputPixels,
  checkChoice,
  checkNumber,
  clipText,
  describeError,
  describeValue,
  ownOptions,
  resolveLimits,
} from '@onnx-mobilenet/core/adapter';

/** An ffmpeg `-pix_fmt` that {@link rawVideoFrames} reads: 3, 4 or 1 bytes a pixel. */
export type RawPixelFormat = 'rgb24' | 'rgba' | 'gray';

/** Channels per pixel of each raw pixel format, by its ffmpeg `-pix_fmt` name. */
const RAW_PIXEL_FORMATS: Readonly<Record<RawPixelFormat, Channels>> = Object.freeze({ rgb24: 3, rgba: 4, gray: 1 });

/** What raw video does not say about itself: every frame's size and the frame rate. */
export interface RawVideoOptions {
  /** Width of every frame in pixels (ffmpeg's output size, e.g. `-vf scale=W:H`). */
  width: number;
  /** Height of every frame in pixels. */
  height: number;
  /** Frames per second of the stream (e.g. `-vf fps=F`): frame `i` has the timestamp `i * 1000 / fps` ms. */
  fps: number;
  /** The bytes' pixel format. Default `'rgb24'`. */
  pixelFormat?: RawPixelFormat | undefined;
  /** `maxInputPixels` bounds `width × height` before any frame is allocated (unset: `DEFAULTS.limits`). */
  limits?: Partial<Pick<Limits, 'maxInputPixels'>> | undefined;
  /** Stops a pull waiting for bytes: the iterator rejects with the signal's reason and closes the source. */
  signal?: AbortSignal | undefined;
}

/** One frame of a raw video: its pixels and its media time in ms (what `classifyStream` reads as `{ image, timestamp }`). */
export type RawVideoFrame = TimedInput<RawImage>;

/** A byte stream: a Node `Readable` (without an encoding), a web `ReadableStream`, or any (async) iterable of byte chunks. */
export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

const OPTION_KINDS = { width: 'number', height: 'number', fps: 'number', pixelFormat: 'string', limits: 'object', signal: 'value' } as const;

/**
 * Cuts a raw video byte stream (`ffmpeg … -f rawvideo -pix_fmt rgb24 -`) into frames of a known
 * size, each `{ image, timestamp }` with its own pixels, ready for `classifier.classifyStream`.
 *
 * It is bounded and lazy: it reads the source only when a frame is pulled, and only as many chunks
 * as that frame needs. It holds at most one frame being filled plus the rest of one chunk, and never
 * queues frames: the consumer's pull is the backpressure, down to the producer's pipe. The options
 * are checked now: `E_INPUT` for a missing or invalid size, rate or format, `E_LIMIT` when
 * `width × height` is over `limits.maxInputPixels`. While iterating, a stream that ends inside a
 * frame is `E_INPUT` (its byte count does not fit `width × height`, or its producer stopped
 * early), and so is a source that fails or yields something that is not bytes. Leaving the loop
 * early closes the source (`return()`: a Node `Readable` is destroyed, so a pipe's writer stops),
 * at once even while a pull waits for bytes that do not come (as when `classifyStream` is aborted).
 *
 * @example
 * ```ts
 * import { spawn } from 'node:child_process';
 * import { createClassifier, rawVideoFrames } from '@onnx-mobilenet/node';
 *
 * const ffmpeg = spawn('ffmpeg', ['-i', 'clip.mp4', '-vf', 'fps=2,scale=256:256', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
 * const classifier = await createClassifier();
 * for await (const r of classifier.classifyStream(rawVideoFrames(ffmpeg.stdout, { width: 256, height: 256, fps: 2 }))) {
 *   console.log(r.timestamp, r.predictions?.[0]?.label ?? r.error?.message);
 * }
 * ```
 */
export function rawVideoFrames(source: ByteChunks, options: RawVideoOptions): AsyncGenerator<RawVideoFrame, void, undefined> {
  const own = ownOptions(options, OPTION_KINDS, 'rawVideoFrames options');
  for (const key of ['width', 'height', 'fps'] as const) {
    if (own[key] === undefined) throw new OnnxMobilenetError('E_INPUT', `rawVideoFrames needs ${key}: raw video does not carry its frame size or rate`);
  }
  checkNumber('width', own.width);
  checkNumber('height', own.height);
  checkNumber('fps', own.fps, { min: 0.001, max: 1000, integer: false });
  const pixelFormat = own.pixelFormat ?? 'rgb24';
  checkChoice('pixelFormat', pixelFormat, Object.keys(RAW_PIXEL_FORMATS));
  // Checked before any frame is allocated: a bad size from the caller must not cost gigabytes
  assertInputPixels('raw video frame', own.width, own.height, resolveLimits(own.limits));
  if (!isByteChunks(source)) {
    throw new OnnxMobilenetError('E_INPUT', `rawVideoFrames needs a stream or (async) iterable of byte chunks, got ${describeValue(source)}`);
  }
  checkSignal(own.signal);
  const channels = RAW_PIXEL_FORMATS[pixelFormat as RawPixelFormat];
  const stopped = new AbortController();
  const frames = cutFrames(source, { width: own.width, height: own.height, channels }, own.fps, own.signal, stopped.signal);
  // A generator's return() waits for a pull in flight, which a silent source never ends
  // (classifyStream returns it when aborted): this one first ends that pull, then the source.
  const generatorReturn = frames.return.bind(frames);
  frames.return = (value) => {
    stopped.abort();
    return generatorReturn(value);
  };
  return frames;
}

async function* cutFrames(
  source: ByteChunks,
  shape: Omit<RawImage, 'data'>,
  fps: number,
  signal: AbortSignal | undefined,
  stopped: AbortSignal,
): AsyncGenerator<RawVideoFrame, void, undefined> {
  const frameBytes = shape.width * shape.height * shape.channels;
  const iterator =
    typeof (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function'
      ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  // The rest of the last chunk read: the only bytes held besides the frame being filled
  let chunk: Uint8Array | undefined;
  let offset = 0;
  let pulling: Promise<IteratorResult<Uint8Array>> | undefined;
  try {
    for (let index = 0; ; index++) {
      let frame: Uint8Array | undefined;
      let filled = 0;
      while (filled < frameBytes) {
        if (!chunk) {
          pulling = Promise.resolve(iterator.next());
          let step: IteratorResult<Uint8Array>;
          try {
            step = await abortable(pulling, signal ? AbortSignal.any([signal, stopped]) : stopped);
          } catch (err) {
            if (stopped.aborted) return;
            if (signal?.aborted) throw err;
            pulling = undefined;
            throw new OnnxMobilenetError('E_INPUT', `the raw video source failed in frame ${index}: ${clipText(describeError(err))}`, { cause: err });
          }
          pulling = undefined;
          if (step.done) {
            if (filled === 0) return;
            throw new OnnxMobilenetError(
              'E_INPUT',
              `raw video ended inside frame ${index}: ${filled} of its ${frameBytes} bytes (${shape.width}x${shape.height}, ${shape.channels} bytes a pixel); the stream's frames are not of that size, or its producer stopped early`,
            );
          }
          chunk = chunkBytes(step.value, index);
          offset = 0;
          continue;
        }
        frame ??= new Uint8Array(frameBytes);
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (offset >= chunk.length) chunk = undefined;
      }
      yield { image: { ...shape, data: frame! }, timestamp: (index * 1000) / fps };
    }
  } finally {
    chunk = undefined;
    if (pulling) {
      // Aborted while the source was producing: it is closed without waiting (it may never answer)
      pulling.catch(() => {});
      void Promise.resolve(iterator.return?.()).catch(() => {});
    } else {
      await Promise.resolve(iterator.return?.()).catch(() => {});
    }
  }
}

/** A chunk as bytes, or `E_INPUT`: a stream with an encoding set yields strings. */
function chunkBytes(value: unknown, index: number): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const hint = typeof value === 'string' ? ' (a stream with an encoding set yields strings: leave the encoding unset)' : '';
  throw new OnnxMobilenetError('E_INPUT', `raw video chunks must be bytes (Uint8Array or Buffer); frame ${index} got ${describeValue(value)}${hint}`);
}

function isByteChunks(source: unknown): source is ByteChunks {
  return (
    source != null &&
    typeof source === 'object' &&
    (typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' || typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function')
  );
}

/** `E_INPUT` unless `signal` is absent or a Node `AbortSignal` (`AbortSignal.any` takes no other). */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new OnnxMobilenetError('E_INPUT', `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
}
