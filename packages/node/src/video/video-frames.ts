// A video file's frames through ffmpeg: `ffmpeg -i <file> -vf fps,scale -f rawvideo -pix_fmt rgb24 -`.
import { type ChildProcess, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULTS, type Limits, OnnxMobilenetError } from '@onnx-mobilenet/core';
import { assertInputPixels, checkNumber, clipText, ownOptions, resolveLimits, runtimeError, withDeadline } from '@onnx-mobilenet/core/adapter';
import { checkSignal, type RawVideoFrame, rawVideoFrames } from './raw-frames.js';

/** Options of {@link videoFrames}. */
export interface VideoFramesOptions {
  /** Frames per second taken from the video (ffmpeg's `fps` filter); frame `i` has the timestamp `i * 1000 / fps` ms. */
  fps: number;
  /**
   * The frames' size. A number `s` (default `DEFAULTS.preprocess.resizeShorter`, 256): the video
   * scaled so its shorter side is `s`, then its center `s`×`s` square, which is the region the
   * model card's preprocessing (shorter side 256, center crop 224) looks at. `{ width, height }`:
   * the whole frame scaled to exactly that size (its aspect ratio changes unless it is the video's).
   */
  size?: number | { width: number; height: number } | undefined;
  /** The ffmpeg executable: a path or a command on `PATH`. Default `'ffmpeg'`. */
  ffmpeg?: string | undefined;
  /**
   * `maxInputPixels` bounds the frame size; `decodeTimeoutMs` is the longest wait for one frame
   * (ffmpeg is then killed, `E_LIMIT`). Unset ones from `DEFAULTS.limits`.
   */
  limits?: Partial<Pick<Limits, 'maxInputPixels' | 'decodeTimeoutMs'>> | undefined;
  /** Kills ffmpeg: a pull then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

const OPTION_KINDS = { fps: 'number', ffmpeg: 'string', limits: 'object', signal: 'value', size: 'value' } as const;
/** The tail of ffmpeg's messages kept for an error (it logs errors only). */
const STDERR_TAIL = 4096;
/** How to get ffmpeg where it is missing, named in the `E_RUNTIME` message. */
const FFMPEG_FIX = "install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or pass its path as the 'ffmpeg' option";

/**
 * A video file's frames, decoded by ffmpeg in a child process and read as raw RGB
 * ({@link rawVideoFrames}), for `classifier.classifyStream`. No ffprobe is needed: ffmpeg scales
 * every frame to `size` and samples `fps` frames a second, so each frame's size and time are known.
 *
 * Nothing runs until the first pull. ffmpeg gets its arguments as an array (no shell), the path as
 * `file:<absolute path>` and only the `file` protocol (a playlist cannot make it fetch URLs). It
 * decodes only as far as the consumer pulls (the pipe is the backpressure). `break`, `return()`,
 * the signal, an error, or `limits.decodeTimeoutMs` without a frame kill it. Errors: a missing
 * file `E_NOT_FOUND`, a directory or device `E_INPUT`, ffmpeg missing or not runnable `E_RUNTIME`
 * naming the fix, a file ffmpeg cannot decode `E_IMAGE_DECODE` with ffmpeg's own message.
 *
 * @example
 * ```ts
 * import { createClassifier, videoFrames } from '@onnx-mobilenet/node';
 *
 * const classifier = await createClassifier({ model: 'mobilenetv2-12-int8' });
 * for await (const r of classifier.classifyStream(videoFrames('clip.mp4', { fps: 2 }))) {
 *   console.log(`${(r.timestamp / 1000).toFixed(1)}s`, r.predictions?.[0]?.label ?? r.error?.code);
 * }
 * ```
 */
export function videoFrames(path: string, options: VideoFramesOptions): AsyncIterableIterator<RawVideoFrame> {
  if (typeof path !== 'string' || path === '') throw new OnnxMobilenetError('E_INPUT', 'videoFrames needs the video file path as a non-empty string');
  const own = ownOptions(options, OPTION_KINDS, 'videoFrames options');
  if (own.fps === undefined) throw new OnnxMobilenetError('E_INPUT', 'videoFrames needs fps: the frames per second to take from the video');
  checkNumber('fps', own.fps, { min: 0.001, max: 1000, integer: false });
  checkSignal(own.signal);
  const { width, height, filter } = frameSize(own.size ?? DEFAULTS.preprocess.resizeShorter);
  const limits = resolveLimits(own.limits);
  const file = resolve(path);
  const args = [
    ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file', '-i', `file:${file}`],
    ...['-an', '-sn', '-dn', '-vf', `fps=${own.fps},${filter}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ];
  // Before anything is spawned or allocated
  assertInputPixels('video frame', width, height, limits);
  const run = new FfmpegRun(own.ffmpeg ?? 'ffmpeg', args, file, limits.decodeTimeoutMs, own.signal);
  const shape = { width, height, fps: own.fps, limits };
  return {
    next: () => run.next(shape),
    return: async () => {
      await run.stop();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The frame size and the ffmpeg filter that makes it. */
function frameSize(size: unknown): { width: number; height: number; filter: string } {
  if (typeof size === 'number') {
    checkNumber('size', size, { max: 65536 });
    return { width: size, height: size, filter: `scale=${size}:${size}:force_original_aspect_ratio=increase,crop=${size}:${size}` };
  }
  const own = ownOptions(size as { width: number; height: number }, { width: 'number', height: 'number' }, 'size');
  if (own.width === undefined || own.height === undefined) throw new OnnxMobilenetError('E_INPUT', 'size must be a number or { width, height }');
  checkNumber('size.width', own.width, { max: 65536 });
  checkNumber('size.height', own.height, { max: 65536 });
  return { width: own.width, height: own.height, filter: `scale=${own.width}:${own.height}` };
}

/** One ffmpeg child: started at the first pull, killed once at the end, whatever ends it. */
class FfmpegRun {
  #child: ChildProcess | undefined;
  #frames: AsyncGenerator<RawVideoFrame, void, undefined> | undefined;
  #stderr = '';
  #exit: Promise<number | null> | undefined;
  #turn: Promise<unknown> = Promise.resolve();
  /** Aborted by `return()` (or an end): a pull in flight then settles at once. */
  readonly #stopped = new AbortController();
  readonly #signal: AbortSignal;

  constructor(
    readonly command: string,
    readonly args: string[],
    readonly file: string,
    readonly timeoutMs: number,
    readonly callerSignal: AbortSignal | undefined,
  ) {
    this.#signal = callerSignal ? AbortSignal.any([callerSignal, this.#stopped.signal]) : this.#stopped.signal;
    // An abort kills ffmpeg at once, even while nobody pulls
    this.#signal.addEventListener('abort', () => this.#kill(), { once: true });
  }

  /** The next frame; calls run one after another, as an async generator's do. */
  next(shape: { width: number; height: number; fps: number; limits: Limits }): Promise<IteratorResult<RawVideoFrame, undefined>> {
    const step = this.#turn.then(() => this.#step(shape));
    this.#turn = step.catch(() => {});
    return step;
  }

  async #step(shape: { width: number; height: number; fps: number; limits: Limits }): Promise<IteratorResult<RawVideoFrame, undefined>> {
    let error: unknown;
    let timedOut = false;
    try {
      this.callerSignal?.throwIfAborted();
      if (this.#stopped.signal.aborted) return { done: true, value: undefined };
      this.#frames ??= rawVideoFrames(await this.#start(), { ...shape, signal: this.#signal });
      const timeout = () => {
        timedOut = true;
        return new OnnxMobilenetError(
          'E_LIMIT',
          `ffmpeg gave no frame of ${clipText(this.file)} within limits.decodeTimeoutMs (${this.timeoutMs} ms); it was stopped`,
        );
      };
      const step = await withDeadline(this.#frames.next(), this.timeoutMs, timeout);
      if (!step.done) return step;
    } catch (err) {
      error = err;
    }
    if (this.callerSignal?.aborted) {
      await this.stop();
      throw this.callerSignal.reason;
    }
    if (this.#stopped.signal.aborted) return { done: true, value: undefined };
    // The frames ended, or failed: ffmpeg's exit code (it closed its output, so it is exiting) says why
    const code = timedOut ? null : await this.#exited();
    await this.stop();
    if (code !== null && code !== 0) {
      const said = this.#stderr.trim().split('\n').at(-1) ?? '';
      throw new OnnxMobilenetError('E_IMAGE_DECODE', `ffmpeg could not decode video ${clipText(this.file)} (exit code ${code}): ${clipText(said, 500)}`, {
        cause: error,
      });
    }
    if (error !== undefined) throw error;
    return { done: true, value: undefined };
  }

  async #start(): Promise<AsyncIterable<Uint8Array>> {
    const info = await stat(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new OnnxMobilenetError('E_NOT_FOUND', `video file not found: ${clipText(this.file)}`);
      throw new OnnxMobilenetError('E_INPUT', `cannot read video file ${clipText(this.file)}: ${err.code ?? err.message}`, { cause: err });
    });
    if (!info.isFile())
      throw new OnnxMobilenetError('E_INPUT', `video path is not a regular file (a directory, device, FIFO or socket): ${clipText(this.file)}`);
    this.#signal.throwIfAborted();
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    this.#child = child;
    const exit = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    child.stderr!.on('data', (b: Buffer) => {
      this.#stderr = (this.#stderr + b.toString('utf8')).slice(-STDERR_TAIL);
    });
    await new Promise<void>((ok, fail) => {
      child.once('spawn', ok);
      child.once('error', fail);
    }).catch((err: unknown) => {
      throw runtimeError(`cannot run ffmpeg (${clipText(this.command)})`, err, FFMPEG_FIX, { cause: err });
    });
    // Only a started child has an exit to wait for
    this.#exit = exit;
    return child.stdout!;
  }

  /** The child's exit code once it has exited: null when killed, not started, or still running after the time limit. */
  #exited(): Promise<number | null> {
    if (!this.#exit) return Promise.resolve(null);
    return withDeadline(this.#exit, this.timeoutMs, () => undefined).catch(() => null);
  }

  #kill(): void {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child?.stdout?.destroy();
  }

  /** Ends the run: kills ffmpeg if it still runs and waits until it has exited. */
  async stop(): Promise<void> {
    this.#stopped.abort();
    this.#kill();
    const frames = this.#frames;
    this.#frames = undefined;
    // not awaited: a pull in flight settles once the pipe is closed
    if (frames) void frames.return().catch(() => {});
    // bounded: a wrapper script that does not exec ffmpeg keeps its pipes open after the kill
    await this.#exited();
  }
}
