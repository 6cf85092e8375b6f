import { type ClassifyStreamOptions, OnnxMobilenetError, type StreamResult } from '@onnx-mobilenet/core';
import { checkStreamOptions, clipText, describeError, type LiveFeed } from '@onnx-mobilenet/core/adapter';
import type { WebImageSource } from '../decode-image.js';
import { openLiveSource, type WebLiveSource } from '../live/index.js';
import { fromWire, isStreamMessage, STREAM_MESSAGE, type MessageEndpoint, type ToPage, type ToWorker, type WireResult } from './protocol.js';

let streams = 0;

/** A frame the page holds (a `VideoFrame`; an `ImageBitmap` where a `<video>` feed had no `VideoFrame`): its index in the source, media time and capture time on the page's clock. */
interface HeldFrame {
  frame: VideoFrame | ImageBitmap;
  index: number;
  timestamp: number | undefined;
  capturedAt: number;
}

/**
 * Classifies a camera's frames in a Web Worker that called {@link serveStream}; the page only
 * reads frames and draws. The worker asks for a frame whenever it is free; the page keeps only the
 * latest one meanwhile (closing the ones it replaces: latest frame wins) and transfers it,
 * `postMessage(frame, [frame])`, so no frame is copied or queued. Results come back in order as
 * the same {@link StreamResult}s as `classifyStream`'s: `frame` is the index on the page,
 * `latencyMs` runs from capture to the result's arrival on the page, `dropped` counts the frames
 * the page closed unsent. Options are `classifyStream`'s (`smoothing` defaults to the live 0.5).
 *
 * It ends when the source ends, and stops on `break`, `return()` or `signal` (rejecting with its
 * reason), telling the worker to stop too; a track it reads through is a clone it stops itself.
 * An error the worker's stream ends with (a model that failed to load, bad options) rejects with
 * its `OnnxMobilenetError` code.
 *
 * @example
 * ```ts
 * import { streamToWorker } from 'onnx-mobilenet';
 *
 * const worker = new Worker(new URL('./classify-worker.ts', import.meta.url), { type: 'module' });
 * const camera = await navigator.mediaDevices.getUserMedia({ video: true });
 * for await (const r of streamToWorker(camera, worker, { topK: 1 })) {
 *   label.textContent = r.error ? r.error.message : `${r.predictions[0]?.label} (${r.latencyMs.toFixed(0)} ms)`;
 * }
 * ```
 */
export function streamToWorker(
  source: WebLiveSource,
  worker: MessageEndpoint,
  options: ClassifyStreamOptions = {},
): AsyncGenerator<StreamResult, void, undefined> {
  const checked = checkStreamOptions(options, 'streamToWorker');
  // A source that cannot be read is the call's mistake, refused now (E_INPUT) like classifyStream's;
  // the page reads it with classifyStream's own live feeds (a track's clone, a <video>'s frames)
  const feed = openLiveSource(source);
  if (!feed) {
    throw new OnnxMobilenetError(
      'E_INPUT',
      'streamToWorker needs a <video>, a MediaStream with a video track, a video MediaStreamTrack or a ReadableStream of VideoFrames',
    );
  }
  return results(feed, worker, checked);
}

async function* results(
  feed: LiveFeed<WebImageSource>,
  worker: MessageEndpoint,
  options: ClassifyStreamOptions,
): AsyncGenerator<StreamResult, void, undefined> {
  const { signal, ...rest } = options;
  if (signal?.aborted) throw signal.reason;
  const id = ++streams;
  const post = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  const results: StreamResult[] = [];
  let latest: HeldFrame | undefined;
  let inFlight: HeldFrame | undefined;
  let credit = false;
  let delivered = 0;
  let previous = -1;
  let sourceEnded = false;
  let failure: { error: unknown } | undefined;
  let workerEnded = false;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();

  const send = (held: HeldFrame) => {
    credit = false;
    inFlight = held;
    // Transferred: the page's handle is closed by the transfer, the worker owns the frame now
    post({ type: STREAM_MESSAGE, kind: 'frame', id, frame: held.frame, index: held.index, timestamp: held.timestamp }, [held.frame]);
  };
  const onMessage = (event: MessageEvent) => {
    if (!isStreamMessage<ToPage>(event.data, id)) return;
    const message = event.data;
    if (message.kind === 'next') {
      if (latest) send(latest);
      else credit = true;
      latest = undefined;
    } else if (message.kind === 'result') {
      results.push(toResult(message.result, inFlight, previous));
      previous = message.result.frame;
      inFlight = undefined;
    } else {
      workerEnded = true;
      if (message.error) failure ??= { error: fromWire(message.error) };
    }
    notify();
  };
  const onAbort = () => notify();
  // A worker whose script failed to load or threw, or a message that could not be read, answers no more
  const onError = (event: Event) => {
    const reason =
      (event as ErrorEvent).message || (event.type === 'messageerror' ? 'a message from it could not be read' : 'its script failed to load or threw');
    failure ??= { error: new OnnxMobilenetError('E_RUNTIME', `the classifier's worker failed: ${clipText(reason)}`) };
    notify();
  };
  worker.addEventListener('message', onMessage);
  worker.addEventListener('messageerror', onError as (event: MessageEvent) => void);
  worker.addEventListener('error', onError as (event: MessageEvent) => void);
  worker.start?.();
  signal?.addEventListener('abort', onAbort);
  let started = false;
  try {
    started = true;
    feed.start({
      frame({ input, index = delivered, timestamp, capturedAt = performance.now() }) {
        // The feed's index counts the frames the browser discarded before the page saw them
        delivered = index + 1;
        const held: HeldFrame = { frame: input as VideoFrame | ImageBitmap, index, timestamp, capturedAt };
        const frame = held.frame;
        if (sourceEnded || failure) return frame.close();
        if (credit) return send(held);
        // Latest frame wins: the one it replaces is closed now, counted as dropped by the indices
        latest?.frame.close();
        latest = held;
      },
      end(error) {
        sourceEnded = true;
        // A source that died, as classifyStream reports it (E_INPUT, the original as cause)
        if (error !== undefined) {
          failure ??= {
            error:
              error instanceof OnnxMobilenetError
                ? error
                : new OnnxMobilenetError('E_INPUT', `the video source failed: ${clipText(describeError(error))}`, { cause: error }),
          };
        }
        notify();
      },
    });
    post({ type: STREAM_MESSAGE, kind: 'start', id, options: rest });
    for (;;) {
      signal?.throwIfAborted();
      const result = results.shift();
      if (result) {
        yield result;
        continue;
      }
      if (failure) throw failure.error;
      // The source is over once the frame in the worker has come back
      if (workerEnded || (sourceEnded && !inFlight && !latest)) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    worker.removeEventListener('message', onMessage);
    worker.removeEventListener('messageerror', onError as (event: MessageEvent) => void);
    worker.removeEventListener('error', onError as (event: MessageEvent) => void);
    latest?.frame.close();
    latest = undefined;
    sourceEnded = true;
    post({ type: STREAM_MESSAGE, kind: 'stop', id });
    if (started) await feed.stop();
  }
}

function toResult(wire: WireResult, sent: HeldFrame | undefined, previous: number): StreamResult {
  const info = {
    frame: wire.frame,
    timestamp: wire.timestamp,
    // Both ends on the page's clock: capture (or arrival) to the result's arrival here
    latencyMs: sent ? performance.now() - sent.capturedAt : 0,
    dropped: Math.max(0, wire.frame - previous - 1),
  };
  return 'error' in wire ? { ...info, error: fromWire(wire.error) } : { ...info, predictions: wire.predictions };
}
