import type { LiveFeed, LiveSources } from '../backend.js';
import { describeError, clipText, OnnxMobilenetError } from '../errors/errors.js';
import { abortable } from '../flow/abortable.js';
import { delay, now } from '../flow/clock.js';
import { latestFrame } from '../flow/latest-frame.js';
import { isReadableLike, readableFeed, type ReadableLike } from '../flow/readable-feed.js';
import { checkClassifyOptions } from '../options/classifier-options.js';
import { DEFAULTS } from '../options/defaults.js';
import { checkNumber, withoutPrototype } from '../options/own-options.js';
import type { ClassLabel } from '../predictions/labels.js';
import { predictionsFromProbabilities, selectClasses, type ClassifyOptions, type Prediction } from '../predictions/postprocess.js';
import { movingAverage } from '../predictions/smoothing.js';

/** Options of `classifyStream`: those of `classify`, a frame-rate cap and label smoothing. */
export interface ClassifyStreamOptions extends ClassifyOptions {
  /** Most frames classified per second; frames in between are dropped (live sources) or not pulled yet (iterables). Default: as fast as the classifier goes. */
  maxFps?: number | undefined;
  /**
   * Weight of the past in an exponential moving average of probabilities across frames, from 0
   * (each frame on its own) to 0.999, so labels do not flicker. Default `DEFAULTS.liveSmoothing`
   * (0.5) for live sources, 0 for iterables of inputs.
   */
  smoothing?: number | undefined;
}

/** What each result of `classifyStream` says about its frame. */
export interface StreamFrameInfo {
  /** The frame's index in the source, from 0. */
  frame: number;
  /** Milliseconds: the frame's media time where the source has one, else the clock since the stream started. */
  timestamp: number;
  /** Milliseconds from the frame's capture (or its arrival, or its pull from an iterable) to this result. */
  latencyMs: number;
  /** Frames of the source skipped since the previous result (latest frame wins); always 0 for iterables. */
  dropped: number;
}

/** One frame's outcome: its predictions, or the error this frame failed with (the stream goes on). */
export type StreamResult = StreamFrameInfo & ({ predictions: Prediction[]; error?: undefined } | { error: OnnxMobilenetError; predictions?: undefined });

/** An item of an iterable source with the media time it belongs to (ms), e.g. a video file's frame. */
export interface TimedInput<T> {
  image: T;
  timestamp: number;
}

/** What `classifyStream` may be given besides the environment's live sources. */
export type StreamSource<T> = ReadableLike<T> | Iterable<T | TimedInput<T>> | AsyncIterable<T | TimedInput<T>>;

/** The classifier's parts a stream uses. */
export interface StreamParts<TInput> {
  labels: readonly ClassLabel[];
  topK: number;
  live?: LiveSources<TInput> | undefined;
  release?: ((input: TInput) => void) | undefined;
  /** One input's probabilities (one session run). */
  probabilities(input: TInput, signal: AbortSignal | undefined): Promise<Float32Array>;
}

type Outcome = { predictions: Prediction[] } | { error: OnnxMobilenetError };

/**
 * The options of `classifyStream` as read (own properties only) and checked (`E_INPUT` naming the
 * option): those of `classify`, `maxFps` and `smoothing`. Class names in `allow`/`deny` are
 * checked against the labels where the classifier is.
 *
 * @example
 * ```ts
 * const options = checkStreamOptions(given, 'streamToWorker'); // throws E_INPUT for { maxFps: 0 }
 * ```
 */
export function checkStreamOptions(given: ClassifyStreamOptions | undefined, call: string): ClassifyStreamOptions {
  const options = checkClassifyOptions(given, call);
  checkNumber('maxFps', options.maxFps, { min: 0.001, max: 1000, integer: false });
  checkNumber('smoothing', options.smoothing, { min: 0, max: 0.999, integer: false });
  return options;
}

/**
 * Checks the options and the source now (`E_INPUT`), and returns the stream of results. A live
 * source (the adapter's, or a `ReadableStream`) is read as fast as it delivers and the latest frame
 * wins; an iterable is pulled one item per result, the consumer's pace. Every input taken from the
 * source is released once (`ImageDecoder.release`), whatever happens to it.
 */
export function classifyStreamWith<TInput>(
  parts: StreamParts<TInput>,
  source: unknown,
  given: ClassifyStreamOptions | undefined,
): AsyncGenerator<StreamResult, void, undefined> {
  const options = checkStreamOptions(given, 'classifyStream');
  // An unknown class is the call's mistake, refused before any frame
  if (options.allow) selectClasses(parts.labels, options.allow);
  if (options.deny) selectClasses(parts.labels, options.deny);
  const feed = parts.live?.open(source) ?? (isReadableLike(source) ? readableFeed(source as ReadableLike<TInput>) : undefined);
  if (!feed && !isIterable(source)) {
    throw new OnnxMobilenetError(
      'E_INPUT',
      'classifyStream needs a live source (a <video>, a MediaStream or MediaStreamTrack, a ReadableStream of frames) or an iterable or async iterable of inputs; ' +
        "an image's bytes are one input (classify them), and a video file's are read by videoFrames() in Node",
    );
  }
  const post = withoutPrototype<ClassifyOptions & { topK: number }>(options, { topK: Math.min(options.topK ?? parts.topK, parts.labels.length) });
  const smoothing = options.smoothing ?? (feed ? DEFAULTS.liveSmoothing : 0);
  const average = movingAverage(smoothing);
  const release = (input: TInput) => {
    try {
      parts.release?.(input);
    } catch {
      // already closed by its owner: nothing left to release
    }
  };
  const ends = streamEnds(options.signal);
  const classifyFrame = async (input: TInput, index: number): Promise<Outcome> => {
    try {
      const probs = average(await parts.probabilities(input, ends.signal));
      return { predictions: predictionsFromProbabilities(probs, parts.labels, post) };
    } catch (err) {
      // The stream's own end (abort, dispose) ends it; anything else is this frame's
      if (ends.signal.aborted || (err instanceof OnnxMobilenetError && err.code === 'E_DISPOSED')) throw err;
      return {
        error:
          err instanceof OnnxMobilenetError ? err : new OnnxMobilenetError('E_INPUT', `frame ${index} failed: ${clipText(describeError(err))}`, { cause: err }),
      };
    } finally {
      release(input);
    }
  };
  const interval = options.maxFps ? 1000 / options.maxFps : 0;
  const results = feed
    ? liveResults(feed, release, classifyFrame, interval, ends)
    : pulledResults(source as Iterable<TInput | TimedInput<TInput>> | AsyncIterable<TInput | TimedInput<TInput>>, release, classifyFrame, interval, ends);
  // An async generator's return() waits for the next() in flight, which a quiet source (a paused
  // video, a stalled camera) never ends: this one first ends that wait, then the generator.
  const generatorReturn = results.return.bind(results);
  results.return = (value) => {
    ends.stop();
    return generatorReturn(value);
  };
  return results;
}

/** A stream's own signal: aborted by the caller's signal (with its reason) or by `stop()` (return() while a result is awaited). */
interface StreamEnds {
  signal: AbortSignal;
  stop(): void;
  /** Whether `err` is `stop()`'s, which ends the stream quietly. */
  stopped(err: unknown): boolean;
  /** Removes the listener from the caller's signal. */
  close(): void;
}

function streamEnds(given: AbortSignal | undefined): StreamEnds {
  const controller = new AbortController();
  const stop = new OnnxMobilenetError('E_INPUT', 'classifyStream was returned');
  const onAbort = () => controller.abort(given!.reason);
  if (given?.aborted) onAbort();
  else given?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    stop: () => controller.abort(stop),
    stopped: (err) => err === stop,
    close: () => given?.removeEventListener('abort', onAbort),
  };
}

async function* liveResults<TInput>(
  feed: LiveFeed<TInput>,
  release: (input: TInput) => void,
  classifyFrame: (input: TInput, index: number) => Promise<Outcome>,
  interval: number,
  ends: StreamEnds,
): AsyncGenerator<StreamResult, void, undefined> {
  const { signal } = ends;
  const mailbox = latestFrame(release);
  const started = now();
  let previous = -1;
  let lastStart: number | undefined;
  feed.start(mailbox.sink);
  try {
    for (;;) {
      // Frames arriving while we wait replace each other in the mailbox (counted as dropped)
      if (interval && lastStart !== undefined) await delay(lastStart + interval - now(), signal);
      const taken = await mailbox.take(signal);
      if (!taken) return;
      lastStart = now();
      const { frame, index } = taken;
      const capturedAt = frame.capturedAt ?? lastStart;
      const outcome = await classifyFrame(frame.input, index);
      const info = {
        frame: index,
        timestamp: frame.timestamp ?? capturedAt - started,
        latencyMs: now() - capturedAt,
        dropped: Math.max(0, index - previous - 1),
      };
      previous = index;
      yield { ...info, ...outcome } as StreamResult;
    }
  } catch (err) {
    if (!ends.stopped(err)) throw err;
  } finally {
    ends.close();
    mailbox.close();
    await feed.stop();
  }
}

async function* pulledResults<TInput>(
  source: Iterable<TInput | TimedInput<TInput>> | AsyncIterable<TInput | TimedInput<TInput>>,
  release: (input: TInput) => void,
  classifyFrame: (input: TInput, index: number) => Promise<Outcome>,
  interval: number,
  ends: StreamEnds,
): AsyncGenerator<StreamResult, void, undefined> {
  const { signal } = ends;
  const iterator =
    typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
      ? (source as AsyncIterable<TInput | TimedInput<TInput>>)[Symbol.asyncIterator]()
      : (source as Iterable<TInput | TimedInput<TInput>>)[Symbol.iterator]();
  const started = now();
  let pulling: Promise<IteratorResult<TInput | TimedInput<TInput>>> | undefined;
  let lastStart: number | undefined;
  try {
    for (let index = 0; ; index++) {
      if (interval && lastStart !== undefined) await delay(lastStart + interval - now(), signal);
      let step: IteratorResult<TInput | TimedInput<TInput>>;
      try {
        pulling = Promise.resolve(iterator.next());
        step = await abortable(pulling, signal);
        pulling = undefined;
      } catch (err) {
        // A typed error already names the problem and its fix (as a live feed's does: latestFrame)
        if (signal.aborted || err instanceof OnnxMobilenetError) throw err;
        throw new OnnxMobilenetError('E_INPUT', `the stream's source failed at item ${index}: ${clipText(describeError(err))}`, { cause: err });
      }
      if (step.done) return;
      const { input, timestamp } = timed(step.value);
      lastStart = now();
      const outcome = await classifyFrame(input, index);
      yield { frame: index, timestamp: timestamp ?? lastStart - started, latencyMs: now() - lastStart, dropped: 0, ...outcome } as StreamResult;
    }
  } catch (err) {
    if (!ends.stopped(err)) throw err;
  } finally {
    ends.close();
    if (pulling) {
      // Aborted while the source was producing: its item, when it comes, is released, and the
      // source is not awaited (it may never answer)
      pulling.then((s) => !s.done && release(timed(s.value).input)).catch(() => {});
      void Promise.resolve(iterator.return?.()).catch(() => {});
    } else {
      await Promise.resolve(iterator.return?.()).catch(() => {});
    }
  }
}

/** An item as input and media time: a {@link TimedInput}'s parts, or the input itself. */
function timed<T>(item: T | TimedInput<T>): { input: T; timestamp?: number | undefined } {
  if (item !== null && typeof item === 'object' && 'image' in item && !('data' in item)) {
    const t = (item as TimedInput<T>).timestamp;
    return { input: (item as TimedInput<T>).image, timestamp: typeof t === 'number' && Number.isFinite(t) ? t : undefined };
  }
  return { input: item as T };
}

function isIterable(source: unknown): boolean {
  return (
    source != null &&
    typeof source !== 'string' &&
    // Bytes are iterable too, one number at a time: one result per byte of a video file
    !ArrayBuffer.isView(source) &&
    (typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' || typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function')
  );
}
