import type { LiveFeedSink, LiveFrame } from '../backend.js';
import { clipText, describeError, OnnxMobilenetError } from '../errors/errors.js';
import { throwIfAborted } from './abortable.js';

/** A frame taken from {@link latestFrame}, with its index in the source. */
export interface TakenFrame<T> {
  frame: LiveFrame<T>;
  index: number;
}

/** One-frame mailbox between a live feed and the classifier loop. */
export interface LatestFrame<T> {
  /** Where the feed delivers. */
  readonly sink: LiveFeedSink<T>;
  /**
   * The newest frame not yet taken, waiting for one if there is none; `undefined` once the source
   * ended. Rejects with `E_INPUT` when the source died, or with the signal's reason.
   */
  take(signal?: AbortSignal): Promise<TakenFrame<T> | undefined>;
  /** Releases the waiting frame, and every frame delivered from now on. */
  close(): void;
}

/**
 * Latest frame wins: a frame that arrives while the previous one still waits replaces it, and the
 * replaced one is released at once (a `VideoFrame` holds camera or GPU memory), never queued. The
 * frame indices say how many were dropped between two taken frames.
 *
 * @example
 * ```ts
 * const mailbox = latestFrame<VideoFrame>((f) => f.close());
 * feed.start(mailbox.sink);
 * const next = await mailbox.take(signal);
 * ```
 */
export function latestFrame<T>(release: (input: T) => void): LatestFrame<T> {
  let waiting: TakenFrame<T> | undefined;
  let delivered = 0;
  let ended: { error?: unknown } | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const drop = (frame: LiveFrame<T>) => {
    try {
      release(frame.input);
    } catch {
      // A frame that cannot be closed (closed already by its owner) has nothing left to release.
    }
  };
  const sink: LiveFeedSink<T> = {
    frame(frame) {
      const index = frame.index ?? delivered;
      delivered = index + 1;
      if (closed || ended) return drop(frame);
      if (waiting) drop(waiting.frame);
      waiting = { frame, index };
      wake?.();
    },
    end(error) {
      ended ??= error === undefined ? {} : { error };
      wake?.();
    },
  };
  async function take(signal?: AbortSignal): Promise<TakenFrame<T> | undefined> {
    for (;;) {
      throwIfAborted(signal);
      if (waiting) {
        const taken = waiting;
        waiting = undefined;
        return taken;
      }
      if (ended) {
        if (!('error' in ended)) return undefined;
        const { error } = ended;
        if (error instanceof OnnxMobilenetError) throw error;
        throw new OnnxMobilenetError('E_INPUT', `the video source failed: ${clipText(describeError(error))}`, { cause: error });
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      wake = undefined;
    }
  }
  return {
    sink,
    take,
    close() {
      closed = true;
      if (waiting) drop(waiting.frame);
      waiting = undefined;
    },
  };
}
