// The page side of the worker-stream tests and bench: the fake camera classified in a Worker
// (streamToWorker) or on this thread (classifyStream over a MediaStreamTrackProcessor's frames).
import { createClassifier, streamToWorker, type StreamResult } from 'onnx-mobilenet';

export interface RunRequest {
  mode: 'worker' | 'main';
  threads: number;
  /** Stop after this many results, or after `seconds` of results. */
  results?: number;
  seconds?: number;
  /** Abort through a signal instead of `break` when stopping. */
  abort?: boolean;
  maxFps?: number;
  topK?: number;
  /** Classes the results may have: a name the worker's labels lack is refused there, not on the page. */
  allow?: string[];
  /** What the page passes to streamToWorker: the camera's MediaStream (default) or a <video> playing it. */
  via?: 'stream' | 'video';
}
export interface Row {
  frame: number;
  timestamp: number;
  latencyMs: number;
  dropped: number;
  label?: string | undefined;
  error?: string | undefined;
  at: number;
  /** From the camera's capture to this result, on the page's clock (see cameraClockOffset). */
  fromCameraMs: number;
}

/** Every frame the page's track processor produced, to check each was closed or transferred. */
const pageFrames: VideoFrame[] = [];
/** Their media times (µs), read before anyone closes them. */
const pageTimestamps: number[] = [];
type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };
const Native = (globalThis as unknown as { MediaStreamTrackProcessor: Processor }).MediaStreamTrackProcessor;
(globalThis as unknown as { MediaStreamTrackProcessor: Processor }).MediaStreamTrackProcessor = class {
  readable: ReadableStream<VideoFrame>;
  readonly #native: { readable: ReadableStream<VideoFrame>; discardedFrames?: number };
  /** The native processor's count of frames it discarded (the live feed reads it for `dropped`). */
  get discardedFrames(): number | undefined {
    return this.#native.discardedFrames;
  }
  constructor(init: { track: MediaStreamTrack }) {
    const record = new TransformStream<VideoFrame, VideoFrame>({
      transform(frame, controller) {
        pageFrames.push(frame);
        pageTimestamps.push(frame.timestamp);
        controller.enqueue(frame);
      },
    });
    this.#native = new Native(init);
    this.readable = this.#native.readable.pipeThrough(record);
  }
};

// Frames made from a <video> (new VideoFrame(video)) are recorded too. A Proxy, not a subclass:
// `frame instanceof VideoFrame` must stay true for the browser's own frames.
globalThis.VideoFrame = new Proxy(globalThis.VideoFrame, {
  construct(target, args) {
    const frame = Reflect.construct(target, args) as VideoFrame;
    pageFrames.push(frame);
    pageTimestamps.push(frame.timestamp);
    return frame;
  },
});

let cameraClock: Promise<number> | undefined;
/**
 * The offset from a camera frame's timestamp (Chromium: µs on the system's monotonic clock) to
 * performance.now(), from frames read while this page is idle: the least (timestamp - arrival),
 * so a frame's capture on the page's clock is timestamp / 1000 - offset (to within the browser's
 * quickest delivery). Latency measured from there also counts the time a frame waited in the
 * browser before a busy thread read it, which `latencyMs` (from the read) cannot see.
 */
function cameraClockOffset(): Promise<number> {
  cameraClock ??= (async () => {
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 480, height: 360 } });
    const reader = new Native({ track: camera.getVideoTracks()[0]! }).readable.getReader();
    let offset = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 30; i++) {
      const { value } = await reader.read();
      offset = Math.min(offset, value!.timestamp / 1000 - performance.now());
      value!.close();
    }
    await reader.cancel();
    for (const t of camera.getTracks()) t.stop();
    return offset;
  })();
  return cameraClock;
}

const workers = new Map<number, Worker>();
/** One worker per thread count, kept across runs (as a page would keep its worker). */
function workerFor(threads: number): { worker: Worker; ended: number[] } {
  const worker = workers.get(threads) ?? new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `threads=${threads}` });
  workers.set(threads, worker);
  const ended: number[] = [];
  worker.addEventListener('message', (e) => {
    if (e.data?.type === 'onnx-mobilenet:stream' && e.data.kind === 'end') ended.push(e.data.id);
  });
  return { worker, ended };
}
const mainClassifiers = new Map<number, ReturnType<typeof createClassifier>>();

async function run(req: RunRequest) {
  const offset = await cameraClockOffset();
  // Frames recorded from here on are this run's, in the order the stream indexes them
  const seenBefore = pageFrames.length;
  const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 480, height: 360 } });
  const track = camera.getVideoTracks()[0]!;
  const controller = new AbortController();
  const options = { signal: controller.signal, topK: req.topK ?? 1, ...(req.maxFps ? { maxFps: req.maxFps } : {}), ...(req.allow ? { allow: req.allow } : {}) };
  let ended: number[] = [];
  let worker: Worker | undefined;
  let video: HTMLVideoElement | undefined;
  let stream: AsyncGenerator<StreamResult, void, undefined>;
  if (req.mode === 'worker') {
    ({ worker, ended } = workerFor(req.threads));
    if (req.via === 'video') {
      video = document.createElement('video');
      video.muted = true;
      video.srcObject = camera;
      document.body.append(video);
      await video.play();
    }
    stream = streamToWorker(video ?? camera, worker, options);
  } else {
    if (!mainClassifiers.has(req.threads)) {
      mainClassifiers.set(
        req.threads,
        createClassifier({ model: '/data/models/mobilenetv2-12-int8.onnx', labels: '/data/models/synset.txt', threads: req.threads }),
      );
    }
    const classifier = await mainClassifiers.get(req.threads)!;
    // the camera itself: classifyStream's live feed reads a clone through the (recording) track processor
    stream = classifier.classifyStream(camera, options);
  }
  const rows: Row[] = [];
  // The camera's own counts (Chromium's MediaStreamTrack.stats): frames it made, and those the browser discarded
  type TrackStats = { totalFrames: number; discardedFrames: number; deliveredFrames: number };
  const trackStats = (): Partial<TrackStats> => {
    const stats = (track as unknown as { stats?: TrackStats }).stats;
    return stats ? { totalFrames: stats.totalFrames, discardedFrames: stats.discardedFrames, deliveredFrames: stats.deliveredFrames } : {};
  };
  const statsBefore = trackStats();
  let stopReason = 'source ended';
  const started = performance.now();
  // How free the page's own thread stays: its animation frames, and the longest gap between two
  const ticks: number[] = [];
  let drawing = true;
  const tick = (t: number) => {
    ticks.push(t);
    if (drawing) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    for await (const r of stream) {
      rows.push({
        frame: r.frame,
        timestamp: r.timestamp,
        latencyMs: r.latencyMs,
        dropped: r.dropped,
        label: r.predictions?.[0]?.label,
        error: r.error?.message,
        at: performance.now(),
        // a camera frame's timestamp (ms) is its capture on the camera's clock; a <video>'s is media time
        fromCameraMs: req.via === 'video' ? Number.NaN : performance.now() - (r.timestamp - offset),
      });
      const enough = (req.results && rows.length >= req.results) || (req.seconds && performance.now() - started > req.seconds * 1000);
      if (enough && req.abort) controller.abort(new Error('stopped by the harness'));
      else if (enough) {
        stopReason = 'break';
        break;
      }
    }
  } catch (err) {
    stopReason = `threw: ${(err as Error).message}`;
  }
  drawing = false;
  // What the camera delivered to this page meanwhile, and the media time it spans (frames the
  // browser dropped before any script saw them leave gaps there)
  const seen = pageTimestamps.slice(seenBefore);
  const statsAfter = trackStats();
  const delivered = {
    frames: seen.length,
    spanMs: seen.length > 1 ? (seen.at(-1)! - seen[0]!) / 1000 : 0,
    total: (statsAfter.totalFrames ?? Number.NaN) - (statsBefore.totalFrames ?? Number.NaN),
    discarded: (statsAfter.discardedFrames ?? Number.NaN) - (statsBefore.discardedFrames ?? Number.NaN),
  };
  const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
  const animation = { frames: ticks.length, seconds: (performance.now() - started) / 1000, longestGapMs: Math.max(0, ...gaps) };
  const trackLiveAfterStop = track.readyState === 'live';
  const videoPlayingAfterStop = video ? !video.paused && video.srcObject === camera : undefined;
  video?.remove();
  track.stop();
  return { rows, stopReason, trackLiveAfterStop, videoPlayingAfterStop, streamEndedInWorker: ended.length, crossOriginIsolated, animation, camera: delivered };
}

/** Frames the page and the worker saw, and how many of them are still open. */
async function frameStats(threads: number) {
  const page = { seen: pageFrames.length, open: pageFrames.filter((f) => f.format !== null).length };
  const worker = workers.get(threads);
  if (!worker) return { page };
  const inWorker = await new Promise<{ received: number; open: number }>((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if (!e.data?.frameStats) return;
      worker.removeEventListener('message', onMessage);
      resolve(e.data.frameStats);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage('frame-stats');
  });
  return { page, worker: inWorker };
}

Object.assign(window, { harness: { run, frameStats } });
document.getElementById('status')!.textContent = 'ready';
