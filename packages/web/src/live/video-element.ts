// A <video>'s frames as a live feed: one VideoFrame per frame the browser presents
// (requestVideoFrameCallback), stamped with the frame's media time.
import type { LiveFeed, LiveFeedSink } from '@onnx-mobilenet/core/adapter';
import type { WebImageSource } from '../decode-image.js';
import type { LiveTools } from './tools.js';

/** `HTMLMediaElement.HAVE_CURRENT_DATA`: the element has a frame to read. */
const HAVE_CURRENT_DATA = 2;
/** A `captureTime` older than this is on another clock (a remote peer's), not a capture time of ours. */
const CAPTURE_TIME_WINDOW_MS = 60_000;

/** When a frame was captured, on this page's clock: rVFC's `captureTime` where it is one of ours, else now. */
function capturedAt(now: () => number, captureTime: number | undefined): number {
  const at = now();
  return typeof captureTime === 'number' && captureTime <= at && captureTime > at - CAPTURE_TIME_WINDOW_MS ? captureTime : at;
}

/**
 * The element's current frame, owned by the feed: a `VideoFrame` (it references the decoded frame,
 * no copy), or a bitmap where the browser has no `VideoFrame`. Undefined while it has no frame.
 */
function grab(video: HTMLVideoElement, mediaTimeMs: number, ownBitmap: (b: ImageBitmap) => ImageBitmap): VideoFrame | Promise<ImageBitmap> | undefined {
  if (video.readyState < HAVE_CURRENT_DATA) return undefined;
  if (typeof VideoFrame !== 'function') return createImageBitmap(video).then(ownBitmap);
  try {
    return new VideoFrame(video, { timestamp: Math.round(mediaTimeMs * 1000) });
  } catch (err) {
    // a cross-origin video never gives its pixels: waiting for the next frame would wait forever
    if ((err as { name?: unknown })?.name === 'SecurityError') throw err;
    return undefined;
  }
}

/** The failure of a `<video>` that cannot be read or played, as the stream's `E_INPUT`. */
function videoError(tools: LiveTools, name: string, cause: unknown): Error {
  const security = (cause as { name?: unknown })?.name === 'SecurityError';
  return tools.inputError(
    security
      ? `cannot read the frames of ${name}: it plays a video from another origin without CORS permission. Set crossOrigin = "anonymous" on it before its src, and serve the video with CORS headers`
      : `${name} failed: ${tools.describeError(cause)}`,
    cause,
  );
}

/**
 * A live feed of a playing `<video>`: each presented frame (`requestVideoFrameCallback`; an
 * animation-frame poll of `currentTime` where the browser has none) as a `VideoFrame` stamped with
 * its media time in ms. Ends when the video ends (`ended`), fails with `E_INPUT` when it fails; a
 * paused video delivers nothing until it plays. `stop` stops listening; the element stays the caller's.
 *
 * @example
 * ```ts
 * const feed = videoElementFeed(tools, document.querySelector('video')!);
 * ```
 */
export function videoElementFeed(tools: LiveTools, video: HTMLVideoElement, name = '<video>'): LiveFeed<WebImageSource> {
  const { now } = tools;
  let stopped = false;
  let cancel: (() => void) | undefined;
  const listeners: [string, () => void][] = [];
  const detach = () => {
    for (const [type, listener] of listeners) video.removeEventListener(type, listener);
    listeners.length = 0;
  };
  return {
    start(sink: LiveFeedSink<WebImageSource>) {
      const end = (error?: unknown) => {
        stopped = true;
        cancel?.();
        detach();
        sink.end(error);
      };
      const on = (type: string, listener: () => void) => {
        listeners.push([type, listener]);
        video.addEventListener(type, listener);
      };
      const failed = () => end(videoError(tools, name, video.error?.message || `media error ${video.error?.code ?? 'unknown'}`));
      // a video that already ended or failed presents no frame and fires no event again
      if (video.ended || video.error) {
        if (video.error) failed();
        else end();
        return;
      }
      on('ended', () => end());
      on('error', failed);
      const deliver = (timestamp: number, at: number, index?: number) => {
        let frame: ReturnType<typeof grab>;
        try {
          frame = grab(video, timestamp, tools.ownBitmap);
        } catch (err) {
          end(videoError(tools, name, err));
          return;
        }
        if (frame instanceof Promise) {
          frame.then(
            (bitmap) => (stopped ? bitmap.close() : sink.frame({ input: bitmap, timestamp, capturedAt: at, index })),
            (err) => end(videoError(tools, name, err)),
          );
        } else if (frame) {
          sink.frame({ input: frame, timestamp, capturedAt: at, index });
        }
      };
      if (typeof video.requestVideoFrameCallback === 'function') {
        let first: number | undefined;
        const onFrame = (_: number, meta: VideoFrameCallbackMetadata) => {
          if (stopped) return;
          handle = video.requestVideoFrameCallback(onFrame);
          // presented frames count those no callback saw (a busy main thread): they are dropped too
          first ??= meta.presentedFrames;
          deliver(meta.mediaTime * 1000, capturedAt(now, meta.captureTime), meta.presentedFrames - first);
        };
        let handle = video.requestVideoFrameCallback(onFrame);
        cancel = () => video.cancelVideoFrameCallback(handle);
      } else {
        let last: number | undefined;
        const poll = () => {
          if (stopped) return;
          handle = requestAnimationFrame(poll);
          if (video.readyState < HAVE_CURRENT_DATA || video.currentTime === last) return;
          last = video.currentTime;
          deliver(last * 1000, now());
        };
        let handle = requestAnimationFrame(poll);
        cancel = () => cancelAnimationFrame(handle);
      }
    },
    stop() {
      stopped = true;
      cancel?.();
      detach();
    },
  };
}
