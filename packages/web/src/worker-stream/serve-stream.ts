import { DEFAULTS, type ClassifyStreamOptions, type StreamResult, type TimedInput } from '@onnx-mobilenet/core';
import {
  isStreamMessage,
  STREAM_MESSAGE,
  toWire,
  type MessageEndpoint,
  type ToPage,
  type ToWorker,
  type WireResult,
  type WorkerStreamOptions,
} from './protocol.js';

/** What {@link serveStream} needs of a classifier: its `classifyStream`. */
export interface StreamClassifier {
  classifyStream(source: AsyncIterable<TimedInput<VideoFrame | ImageBitmap>>, options?: ClassifyStreamOptions): AsyncGenerator<StreamResult, void, undefined>;
}

/** A frame received from the page, with its index there. */
interface Received {
  frame: VideoFrame | ImageBitmap;
  index: number;
  timestamp: number | undefined;
}

/**
 * Serves {@link streamToWorker} in a Web Worker: classifies the frames the page transfers, one at
 * a time, asking for the next only when free, and posts each result back. Every frame it receives
 * is closed, once classified or when the stream stops. Call it at the worker's top level,
 * synchronously (the classifier may still be loading: pass its promise), so that no message of the
 * page arrives before it listens. Returns a function that stops serving.
 *
 * @example
 * ```ts
 * // classify-worker.ts
 * import { createClassifier, serveStream } from 'onnx-mobilenet';
 *
 * serveStream(createClassifier({ model: 'mobilenetv2-12-int8' }));
 * ```
 */
export function serveStream(
  classifier: StreamClassifier | Promise<StreamClassifier>,
  endpoint: MessageEndpoint = globalThis as unknown as MessageEndpoint,
): () => void {
  const ready = Promise.resolve(classifier);
  // A rejected load is reported to each stream that starts
  ready.catch(() => {});
  const streams = new Map<number, { deliver(frame: Received): void; stop(): void }>();
  const post = (message: ToPage) => endpoint.postMessage(message, []);
  const onMessage = (event: MessageEvent) => {
    if (!isStreamMessage<ToWorker>(event.data)) return;
    const message = event.data;
    if (message.kind === 'start' && !streams.has(message.id)) {
      const served = serveOne(message.id, message.options, ready, post, () => streams.delete(message.id));
      streams.set(message.id, served);
    } else if (message.kind === 'frame') {
      const served = streams.get(message.id);
      // A frame of a stream that is over: nobody will classify it
      if (served) served.deliver({ frame: message.frame, index: message.index, timestamp: message.timestamp });
      else message.frame.close();
    } else if (message.kind === 'stop') {
      streams.get(message.id)?.stop();
    }
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();
  return () => {
    endpoint.removeEventListener('message', onMessage);
    for (const served of streams.values()) served.stop();
  };
}

function serveOne(
  id: number,
  options: WorkerStreamOptions,
  ready: Promise<StreamClassifier>,
  post: (message: ToPage) => void,
  forget: () => void,
): { deliver(frame: Received): void; stop(): void } {
  const controller = new AbortController();
  let waiting: ((frame: Received | undefined) => void) | undefined;
  // Frames given to the classifier, in order, until their result is posted
  const taken: Received[] = [];
  let stopped = false;
  const frames: AsyncIterable<TimedInput<VideoFrame | ImageBitmap>> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<TimedInput<VideoFrame | ImageBitmap>>>((resolve) => {
          if (stopped) return resolve({ done: true, value: undefined });
          waiting = (received) => {
            waiting = undefined;
            if (!received) return resolve({ done: true, value: undefined });
            taken.push(received);
            // no media time: core's clock since the stream started
            resolve({ done: false, value: { image: received.frame, timestamp: received.timestamp ?? Number.NaN } });
          };
          // The credit: this worker is free, the page sends its latest frame
          post({ type: STREAM_MESSAGE, kind: 'next', id });
        }),
      return: async () => {
        stopped = true;
        waiting?.(undefined);
        return { done: true, value: undefined };
      },
    }),
  };
  const run = async () => {
    const classifier = await ready;
    if (stopped) return;
    // Frames are pulled one at a time here; the page's latest-frame rule makes it live, so smooth as live
    const stream = classifier.classifyStream(frames, { ...options, smoothing: options.smoothing ?? DEFAULTS.liveSmoothing, signal: controller.signal });
    for await (const r of stream) {
      const sent = taken.shift();
      sent?.frame.close();
      if (!sent || stopped) continue;
      const wire: WireResult = r.error
        ? { frame: sent.index, timestamp: r.timestamp, error: toWire(r.error) }
        : { frame: sent.index, timestamp: r.timestamp, predictions: r.predictions };
      post({ type: STREAM_MESSAGE, kind: 'result', id, result: wire });
    }
  };
  run()
    .then(
      () => post({ type: STREAM_MESSAGE, kind: 'end', id }),
      (err: unknown) => post({ type: STREAM_MESSAGE, kind: 'end', id, error: controller.signal.aborted ? undefined : toWire(err) }),
    )
    .finally(() => {
      for (const t of taken.splice(0)) t.frame.close();
      forget();
    });
  return {
    deliver(received) {
      if (waiting && !stopped) waiting(received);
      else received.frame.close();
    },
    stop() {
      stopped = true;
      waiting?.(undefined);
      controller.abort();
    },
  };
}
