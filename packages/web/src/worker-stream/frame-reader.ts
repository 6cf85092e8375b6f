import { OnnxMobilenetError } from '@onnx-mobilenet/core';

/** What {@link streamToWorker} reads frames from on the page. */
export type PageVideoSource = HTMLVideoElement | MediaStream | MediaStreamTrack | ReadableStream<VideoFrame>;

/** Where a reader delivers: each frame as it arrives (the receiver owns it), then the end once. */
export interface FrameSink {
  frame(frame: VideoFrame, capturedAt: number): void;
  end(error?: unknown): void;
}

type TrackProcessor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };

const isA = (value: unknown, name: string) => {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && value instanceof (ctor as new () => unknown);
};

/**
 * A reader of `source`'s frames on the page, checked now (`E_INPUT` for anything else); called
 * with a sink, it reads as fast as the source delivers: a `ReadableStream` as given; a camera
 * track through `MediaStreamTrackProcessor` where the page has it (Chromium), over a clone of the
 * track that `stop` ends; a `<video>` (and, elsewhere, a track played in a video of our own)
 * through `requestVideoFrameCallback` and `new VideoFrame(video)`. It returns `stop`, which
 * releases only what the reader opened itself.
 */
export function frameReader(source: PageVideoSource): (sink: FrameSink) => () => Promise<void> {
  if (isA(source, 'ReadableStream')) return (sink) => readStream(source as ReadableStream<VideoFrame>, sink);
  if (isA(source, 'HTMLVideoElement')) {
    assertVideoFrameCallback(source as HTMLVideoElement);
    return (sink) => readVideo(source as HTMLVideoElement, sink, () => {});
  }
  const track = isA(source, 'MediaStream')
    ? (source as MediaStream).getVideoTracks()[0]
    : isA(source, 'MediaStreamTrack')
      ? (source as MediaStreamTrack)
      : undefined;
  if (track?.kind !== 'video') {
    throw new OnnxMobilenetError(
      'E_INPUT',
      'streamToWorker needs a <video>, a MediaStream with a video track, a video MediaStreamTrack or a ReadableStream of VideoFrames',
    );
  }
  const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessor }).MediaStreamTrackProcessor;
  if (Processor) {
    return (sink) => {
      // Our own clone: ending it stops what we opened, never the caller's track
      const clone = track.clone();
      const stop = readStream(new Processor({ track: clone }).readable, sink);
      return async () => {
        await stop();
        clone.stop();
      };
    };
  }
  const video = document.createElement('video');
  assertVideoFrameCallback(video);
  return (sink) => {
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    video.play().catch((err: unknown) => sink.end(err));
    return readVideo(
      video,
      sink,
      () => {
        video.srcObject = null;
      },
      track,
    );
  };
}

function assertVideoFrameCallback(video: HTMLVideoElement): void {
  if (typeof video.requestVideoFrameCallback !== 'function') {
    throw new OnnxMobilenetError('E_INPUT', 'this browser has neither MediaStreamTrackProcessor nor requestVideoFrameCallback to read video frames with');
  }
}

function readStream(stream: ReadableStream<VideoFrame>, sink: FrameSink): () => Promise<void> {
  let stopped = false;
  const reader = stream.getReader();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (stopped) value.close();
        else sink.frame(value, performance.now());
      }
      sink.end();
    } catch (err) {
      sink.end(stopped ? undefined : err);
    }
  })();
  return async () => {
    stopped = true;
    await reader.cancel().catch(() => {});
  };
}

/** Frames of a playing `<video>`; it ends with the video, or with `track` (a camera in a video of ours). */
function readVideo(video: HTMLVideoElement, sink: FrameSink, release: () => void, track?: MediaStreamTrack): () => Promise<void> {
  let handle = 0;
  let stopped = false;
  const onEnded = () => finish();
  const stop = () => {
    stopped = true;
    video.cancelVideoFrameCallback(handle);
    video.removeEventListener('ended', onEnded);
    track?.removeEventListener('ended', onEnded);
    release();
  };
  const finish = (error?: unknown) => {
    if (stopped) return;
    stop();
    sink.end(error);
  };
  const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
    if (stopped) return;
    handle = video.requestVideoFrameCallback(onFrame);
    let frame: VideoFrame;
    try {
      frame = new VideoFrame(video, { timestamp: Math.round(meta.mediaTime * 1e6) });
    } catch (err) {
      return finish(err);
    }
    // A camera's frames say when they were captured, on this page's clock
    sink.frame(frame, meta.captureTime ?? performance.now());
  };
  handle = video.requestVideoFrameCallback(onFrame);
  video.addEventListener('ended', onEnded);
  track?.addEventListener('ended', onEnded);
  return async () => stop();
}
