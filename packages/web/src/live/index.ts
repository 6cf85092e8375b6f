/**
 * The browser's live sources for `classifyStream`, self-contained for other modules (the Worker
 * path) to reuse:
 * - {@link openLiveSource}: the `LiveFeed` of a `<video>`, `MediaStream`, `MediaStreamTrack` or
 *   `ReadableStream<VideoFrame>` (undefined for anything else);
 * - {@link webLiveSources}: the same as the backend's `live` role;
 * - {@link releaseWebInput}: the decoder's `release` (closes `VideoFrame`s, and bitmaps a feed made);
 * - {@link WebLiveSource}: the sources' type.
 *
 * @module
 */
import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { describeError, type LiveFeed, type LiveSources, now, type ReadableLike, readableFeed } from '@onnx-mobilenet/core/adapter';
import { isA, type WebImageSource } from '../decode-image.js';
import { frameTimeMs } from './frame-time.js';
import { ownBitmap } from './release.js';
import type { LiveTools } from './tools.js';

export { releaseWebInput } from './release.js';

const tools: LiveTools = {
  readableFeed,
  now,
  describeError,
  inputError: (message, cause) => new OnnxMobilenetError('E_INPUT', message, { cause }),
  ownBitmap,
};

/**
 * A feed whose code loads when it starts: the `<video>` and camera readers stay out of the
 * entry chunk of apps that never stream (a bundler splits them into a lazy chunk).
 */
function lazyFeed(load: () => Promise<LiveFeed<WebImageSource>>): LiveFeed<WebImageSource> {
  let loading: Promise<LiveFeed<WebImageSource> | undefined> | undefined;
  let stopped = false;
  return {
    start(sink) {
      loading = load().then(
        (feed) => {
          try {
            if (!stopped) feed.start(sink);
          } catch (err) {
            // a reader that cannot start (a track that cannot be cloned) ends the stream, never hangs it
            sink.end(err);
          }
          return feed;
        },
        (err) => {
          sink.end(err);
          return undefined;
        },
      );
    },
    async stop() {
      stopped = true;
      await (await loading)?.stop();
    },
  };
}

/** Refuses a track no feed can read: audio, ended, or in a context without a way to read it. */
function trackFeed(track: MediaStreamTrack): LiveFeed<WebImageSource> {
  if (track.kind !== 'video') throw new OnnxMobilenetError('E_INPUT', `classifyStream needs a video track, got an ${track.kind} track`);
  if (track.readyState === 'ended') throw new OnnxMobilenetError('E_INPUT', 'the MediaStreamTrack has ended: pass a live track (readyState "live")');
  if (typeof (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor !== 'function' && typeof document === 'undefined') {
    throw new OnnxMobilenetError(
      'E_INPUT',
      'this context cannot read a MediaStreamTrack: it has no MediaStreamTrackProcessor and no document for a <video>. Pass a ReadableStream of VideoFrames instead, or read the track on the page',
    );
  }
  return lazyFeed(async () => (await import('./media-track.js')).mediaTrackFeed(tools, track, frameTimeMs));
}

/** What `classifyStream` reads live in a browser: a playing `<video>`, a camera's `MediaStream` or track, or a stream of `VideoFrame`s. */
export type WebLiveSource = HTMLVideoElement | MediaStream | MediaStreamTrack | ReadableStream<VideoFrame>;

/**
 * The live feed of a browser source, or undefined when `source` is none:
 * - a `<video>`: each presented frame (`requestVideoFrameCallback`), media time from the frame; done on `ended`;
 * - a `MediaStream` (its first video track) or `MediaStreamTrack`: a clone of the track, read
 *   with `MediaStreamTrackProcessor` where it exists, else through an internal muted `<video>`;
 *   the clone is stopped at the end, the caller's track stays live; done when the track ends;
 * - a `ReadableStream<VideoFrame>`: read as fast as it delivers, media time from `VideoFrame.timestamp`.
 *
 * Throws `E_INPUT` for a stream without a video track, an audio or ended track. Nothing is opened
 * before the feed starts.
 *
 * @example
 * ```ts
 * import { openLiveSource } from '@onnx-mobilenet/web/adapter';
 * const feed = openLiveSource(await navigator.mediaDevices.getUserMedia({ video: true }));
 * feed?.start({ frame: ({ input }) => (input as VideoFrame).close(), end: () => {} });
 * ```
 */
export function openLiveSource(source: unknown): LiveFeed<WebImageSource> | undefined {
  if (isA<HTMLVideoElement>(source, 'HTMLVideoElement')) return lazyFeed(async () => (await import('./video-element.js')).videoElementFeed(tools, source));
  if (isA<MediaStreamTrack>(source, 'MediaStreamTrack')) return trackFeed(source);
  if (isA<MediaStream>(source, 'MediaStream')) {
    const [track] = source.getVideoTracks();
    if (!track) throw new OnnxMobilenetError('E_INPUT', 'the MediaStream has no video track: ask getUserMedia for { video: true }');
    return trackFeed(track);
  }
  if (isA<ReadableStream<VideoFrame>>(source, 'ReadableStream')) return readableFeed(source as unknown as ReadableLike<WebImageSource>, frameTimeMs);
  return undefined;
}

/**
 * The browser backend's `live` role: {@link openLiveSource}.
 *
 * @example
 * ```ts
 * const backend = { ...createWebBackend(), live: webLiveSources };
 * ```
 */
export const webLiveSources: LiveSources<WebImageSource> = { open: openLiveSource };
