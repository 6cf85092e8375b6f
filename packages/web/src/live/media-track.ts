// A camera (a MediaStreamTrack) as a live feed, read from a clone of the track so that stopping
// the stream never stops the caller's camera.
import type { LiveFeed, LiveFeedSink } from '@onnx-mobilenet/core/adapter';
import type { LiveTools } from './tools.js';
import type { WebImageSource } from '../decode-image.js';
import { videoElementFeed } from './video-element.js';

/** Chromium's `MediaStreamTrackProcessor` (Insertable Streams): a track's frames as a `ReadableStream<VideoFrame>`. */
type TrackProcessor = new (init: {
  track: MediaStreamTrack;
}) => {
  readonly readable: ReadableStream<VideoFrame>;
  /** Frames it dropped because the page read too slowly (Chromium 150+; older browsers do not count them); they count as the stream's dropped frames. */
  readonly discardedFrames?: number;
};

/** Chromium's `MediaStreamTrackProcessor`, where this context has it. */
export function trackProcessor(): TrackProcessor | undefined {
  const found = (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
  return typeof found === 'function' ? (found as TrackProcessor) : undefined;
}

/** An internal, muted, unattached `<video>` playing `track`. */
function hiddenVideo(track: MediaStreamTrack): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  return video;
}

/**
 * A live feed of a video track: `MediaStreamTrackProcessor` where the browser has it (frames stamped
 * with their `timestamp`), else `requestVideoFrameCallback` on an internal muted `<video>`; both
 * on a clone of the track, which `stop` stops (the caller's track stays live). The stream is done
 * when the track ends, whether its device went away or the caller stopped it. The caller checks
 * the track first (`openLiveSource`).
 *
 * @example
 * ```ts
 * const [track] = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks();
 * const feed = mediaTrackFeed(tools, track!, frameTimeMs);
 * ```
 */
export function mediaTrackFeed(tools: LiveTools, track: MediaStreamTrack, frameTimeMs: (frame: unknown) => number | undefined): LiveFeed<WebImageSource> {
  const Processor = trackProcessor();
  let clone: MediaStreamTrack | undefined;
  let video: HTMLVideoElement | undefined;
  let inner: LiveFeed<WebImageSource> | undefined;
  let ended: (() => void) | undefined;
  return {
    start(sink: LiveFeedSink<WebImageSource>) {
      // The clone is made on the first read, not by classifyStream(): a stream never read opens nothing.
      clone = track.clone();
      ended = () => sink.end();
      track.addEventListener('ended', ended);
      clone.addEventListener('ended', ended);
      let processor: InstanceType<TrackProcessor> | undefined;
      let read = 0;
      const guarded: LiveFeedSink<WebImageSource> = {
        frame(frame) {
          // track.stop() fires no 'ended' on the track, and the clone plays on: the caller's state decides
          if (track.readyState === 'ended') sink.end();
          // The processor keeps only the newest frame while the page is busy classifying: the
          // frames it discarded are the source's, counted in `dropped` through the frame's index
          const discarded = processor?.discardedFrames;
          sink.frame(typeof discarded === 'number' ? { ...frame, index: read++ + discarded } : frame);
        },
        end: (error) => sink.end(error),
      };
      try {
        if (Processor) {
          processor = new Processor({ track: clone });
          inner = tools.readableFeed(processor.readable, frameTimeMs);
        } else {
          video = hiddenVideo(clone);
          inner = videoElementFeed(tools, video, 'the MediaStreamTrack');
          video.play().catch((err) => sink.end(err));
        }
        inner.start(guarded);
      } catch (err) {
        sink.end(err);
      }
    },
    async stop() {
      if (ended) track.removeEventListener('ended', ended);
      // Stopping the clone ends the processor's stream, so a pending read resolves
      clone?.stop();
      if (video) {
        video.pause();
        video.srcObject = null;
      }
      await inner?.stop();
    },
  };
}
