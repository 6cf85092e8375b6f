// classifyStream on live sources in a real page: the fake camera (a track, through
// MediaStreamTrackProcessor or without it) and a <video> playing a file. The page counts every
// VideoFrame it sees made and closed; the test judges the plain data it returns.
import { createClassifier, isOnnxMobilenetError, type WebClassifier } from 'onnx-mobilenet';
import type { Row } from '../fake-camera.js';

// Every VideoFrame the page sees made (read from a stream, or constructed) and every one closed;
// those collected unclosed are named, to tell ours from frames the browser made and never handed out.
const made = new Set<VideoFrame>();
const closed = new WeakSet<VideoFrame>();
const state = new WeakMap<VideoFrame, { closed: boolean }>();
const collectedOpen: string[] = [];
const registry = new FinalizationRegistry<{ closed: boolean; from: string }>((s) => s.closed || collectedOpen.push(s.from));
function watch(frame: VideoFrame, from: string) {
  const s = { closed: false, from };
  state.set(frame, s);
  registry.register(frame, s);
}
const realRead = ReadableStreamDefaultReader.prototype.read;
ReadableStreamDefaultReader.prototype.read = async function (this: ReadableStreamDefaultReader) {
  const step = await realRead.call(this);
  if (step.value instanceof VideoFrame) {
    made.add(step.value);
    watch(step.value, 'read');
  }
  return step;
} as typeof realRead;
const RealVideoFrame = VideoFrame;
globalThis.VideoFrame = new Proxy(RealVideoFrame, {
  construct(target, args) {
    const frame = Reflect.construct(target, args) as VideoFrame;
    made.add(frame);
    watch(frame, 'constructed');
    return frame;
  },
});
const realClose = RealVideoFrame.prototype.close;
RealVideoFrame.prototype.close = function (this: VideoFrame) {
  closed.add(this);
  const s = state.get(this);
  if (s) s.closed = true;
  realClose.call(this);
};
// Clones of tracks (the stream's own), to see that it stops them
const clones: MediaStreamTrack[] = [];
const realClone = MediaStreamTrack.prototype.clone;
MediaStreamTrack.prototype.clone = function (this: MediaStreamTrack) {
  const c = realClone.call(this);
  clones.push(c);
  return c;
};

function frameCounts() {
  const open = [...made].filter((f) => !closed.has(f)).length;
  return { made: made.size, open };
}

let classifier: WebClassifier | undefined;
let lastVideo: HTMLVideoElement | undefined;
let camera: MediaStreamTrack | undefined;

async function load(model: string, labels: string) {
  classifier = await createClassifier({ model, labels });
  camera = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0]!;
  const s = camera.getSettings();
  return {
    width: s.width,
    height: s.height,
    frameRate: s.frameRate,
    processor: typeof (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor,
  };
}

/** An independent reader of the camera: each frame's timestamp and which reference picture it is nearest to. */
function observe(refs: number[][], size: [number, number]) {
  const seen: { t: number; which: number; margin: number }[] = [];
  const track = realClone.call(camera!);
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor: new (i: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> } })
    .MediaStreamTrackProcessor;
  const reader = new Processor({ track }).readable.getReader();
  const ctx = new OffscreenCanvas(size[0], size[1]).getContext('2d', { willReadFrequently: true })!;
  const done = (async () => {
    for (;;) {
      const { done, value } = await realRead.call(reader);
      if (done || !value) return;
      watch(value, 'observer');
      ctx.drawImage(value, 0, 0, size[0], size[1]);
      const t = value.timestamp / 1000;
      value.close();
      const px = ctx.getImageData(0, 0, size[0], size[1]).data;
      const d = refs.map((ref) => {
        let sum = 0;
        for (let i = 0, j = 0; j < ref.length; i += 4, j += 3)
          sum += Math.abs(px[i]! - ref[j]!) + Math.abs(px[i + 1]! - ref[j + 1]!) + Math.abs(px[i + 2]! - ref[j + 2]!);
        return sum;
      });
      const which = d[0]! <= d[1]! ? 0 : 1;
      seen.push({ t, which, margin: d[which]! / Math.max(1, d[1 - which]!) });
    }
  })();
  return {
    seen,
    async stop() {
      track.stop();
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}

interface Running {
  rows: Row[];
  stopRequested: boolean;
  done: Promise<{ ended: string }>;
  observer?: ReturnType<typeof observe>;
}
let running: Running | undefined;

/** Starts classifyStream on `source` ('track', 'stream', 'video' with a file), collecting rows until stop() or its end. */
const realProcessor = (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
function start(options: { source: 'track' | 'stream' | 'video'; video?: string; noProcessor?: boolean; refs?: number[][]; size?: [number, number] }) {
  // without it, the stream reads the track through an internal <video> (requestVideoFrameCallback)
  (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor = options.noProcessor ? undefined : realProcessor;
  let source: MediaStreamTrack | MediaStream | HTMLVideoElement = camera!;
  if (options.source === 'stream') source = new MediaStream([camera!]);
  if (options.source === 'video') {
    const video = document.createElement('video');
    video.muted = true;
    video.src = options.video!;
    document.body.append(video);
    void video.play();
    source = lastVideo = video;
  }
  const run: Running = { rows: [], stopRequested: false, done: Promise.resolve({ ended: '' }) };
  if (options.refs) run.observer = observe(options.refs, options.size!);
  run.done = (async () => {
    try {
      for await (const r of classifier!.classifyStream(source, { topK: 1 })) {
        run.rows.push({
          frame: r.frame,
          timestamp: r.timestamp,
          latencyMs: r.latencyMs,
          dropped: r.dropped,
          top: r.predictions?.[0]?.id,
          error: r.error?.code,
        });
        if (run.stopRequested) break;
      }
      return { ended: run.stopRequested ? 'break' : 'done' };
    } catch (err) {
      return { ended: isOnnxMobilenetError(err) ? err.code : `${(err as Error)?.name}: ${(err as Error)?.message}` };
    }
  })();
  running = run;
  return true;
}

/** How far the running stream got. */
const progress = () => {
  const rows = running?.rows ?? [];
  return { rows: rows.length, spanMs: rows.length ? rows.at(-1)!.timestamp - rows[0]!.timestamp : 0, counts: frameCounts() };
};

/** Stops the running stream (break), and reports everything. */
function stop() {
  running!.stopRequested = true;
  return finish();
}

/** Waits for the running stream's end, and reports everything. */
async function finish() {
  const run = running!;
  const { ended } = await run.done;
  await run.observer?.stop();
  // a frame the feed read after the break is released when it arrives
  await new Promise((r) => setTimeout(r, 200));
  return { ended, rows: run.rows, seen: run.observer?.seen ?? [], counts: frameCounts(), track: camera?.readyState, clones: clones.map((c) => c.readyState) };
}

/** A stream on the <video> that already ended: how many results, and how it ended. */
async function replayEnded() {
  let results = 0;
  for await (const _ of classifier!.classifyStream(lastVideo!)) results++;
  return { results, ended: lastVideo!.ended };
}

/** Aborts a stream while a frame is being classified: how many results came after, and how it ended. */
async function abortDuringFrame() {
  const controller = new AbortController();
  let after = 0;
  let total = 0;
  let ended = 'not ended';
  const before = clones.length;
  try {
    for await (const r of classifier!.classifyStream(camera!, { topK: 1, signal: controller.signal })) {
      void r;
      total++;
      if (controller.signal.aborted) after++;
      // abort from outside the loop, while the next frame is classified
      else if (total === 3) setTimeout(() => controller.abort(), 1);
    }
    ended = 'done';
  } catch (err) {
    ended = (err as Error)?.name;
  }
  await new Promise((r) => setTimeout(r, 200));
  return { after, total, ended, track: camera!.readyState, clones: clones.slice(before).map((c) => c.readyState), counts: frameCounts() };
}

/** The caller stops its own camera: the stream is done, not failed. Run last. */
async function callerStopsTrack() {
  const rows: number[] = [];
  let ended = 'done';
  try {
    for await (const r of classifier!.classifyStream(camera!)) {
      rows.push(r.frame);
      if (rows.length === 3) camera!.stop();
      if (rows.length > 300) break;
    }
  } catch (err) {
    ended = isOnnxMobilenetError(err) ? err.code : (err as Error)?.name;
  }
  await new Promise((r) => setTimeout(r, 200));
  const [audio] = (await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks();
  // refused when called, before any frame: the ended track, a stream without video, an audio track
  const refused = [camera!, new MediaStream(), audio!].map((source) => {
    try {
      classifier!.classifyStream(source);
      return 'accepted';
    } catch (err) {
      return `${isOnnxMobilenetError(err) ? err.code : (err as Error)?.name}: ${(err as Error)?.message}`;
    }
  });
  audio!.stop();
  return { rows: rows.length, ended, clones: clones.map((c) => c.readyState), counts: frameCounts(), refused };
}

/**
 * Lets go of every frame reference and collects garbage: an unclosed frame would now warn on the
 * console. Returns the frames this page saw that were collected unclosed, by where they came from.
 */
async function collect(seconds = 3) {
  made.clear();
  // Blink sweeps and reports collected frames after the collection itself: give it time
  for (let i = 0; i < seconds * 2; i++) {
    (globalThis as unknown as { gc(): void }).gc();
    await new Promise((r) => setTimeout(r, 500));
  }
  return collectedOpen.splice(0);
}

const harness = { load, start, progress, stop, finish, replayEnded, abortDuringFrame, callerStopsTrack, collect };
(window as unknown as { harness: typeof harness }).harness = harness;
document.getElementById('status')!.textContent = 'ready';
