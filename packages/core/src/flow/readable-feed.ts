import type { LiveFeed, LiveFrame } from '../backend.js';
import { now } from './clock.js';

/**
 * A WHATWG `ReadableStream` of `T`, as core sees it without naming the DOM type: only its
 * `getReader` (loosely typed, since the stream's overloads match no single signature).
 */
export interface ReadableLike<T> {
  getReader(...args: never[]): unknown;
  /** Never read: carries the chunk type `T` for callers. */
  readonly __chunk?: T;
}

/** The default reader of a stream, as the feed uses it. */
interface Reader<T> {
  read(): Promise<{ done: boolean; value?: T }>;
  cancel(reason?: unknown): Promise<void>;
}

/** Whether `value` looks like a WHATWG `ReadableStream` (it has `getReader`). */
export function isReadableLike(value: unknown): value is ReadableLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { getReader?: unknown }).getReader === 'function';
}

/**
 * A live feed over a `ReadableStream` (a `MediaStreamTrackProcessor`'s frames, a stream a Worker
 * received): read as fast as it delivers, so the source never waits for the classifier and the
 * latest frame wins. `timeOf` gives a chunk's media time in ms where it has one. `stop` cancels
 * the reader; what it delivers afterwards is released by the mailbox.
 *
 * @example
 * ```ts
 * const feed = readableFeed(new MediaStreamTrackProcessor({ track }).readable, (f) => f.timestamp / 1000);
 * ```
 */
export function readableFeed<T>(stream: ReadableLike<T>, timeOf?: (chunk: T) => number | undefined): LiveFeed<T> {
  let reader: Reader<T> | undefined;
  let stopped = false;
  return {
    start(sink) {
      try {
        reader = stream.getReader() as Reader<T>;
      } catch (err) {
        // Locked by another reader, or not a stream after all
        sink.end(err);
        return;
      }
      const r = reader;
      void (async () => {
        try {
          for (;;) {
            const { done, value } = await r.read();
            if (done) break;
            const frame: LiveFrame<T> = { input: value as T, capturedAt: now() };
            const timestamp = timeOf?.(value as T);
            if (timestamp !== undefined && Number.isFinite(timestamp)) frame.timestamp = timestamp;
            sink.frame(frame);
          }
          sink.end();
        } catch (err) {
          sink.end(stopped ? undefined : err);
        }
      })();
    },
    async stop() {
      stopped = true;
      // Cancelling tells the producer (a track processor) to stop; a read in flight then resolves done.
      await reader?.cancel().catch(() => {});
    },
  };
}
