import { streamToWorker, type Prediction } from 'onnx-mobilenet';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const readout = $<HTMLDivElement>('readout');
const toggle = $<HTMLButtonElement>('toggle');

// The classifier lives in the worker; this thread only reads the camera and draws.
// ?model=…&labels=… pick other model files (the tests serve local ones).
const worker = new Worker(new URL('./classify-worker.ts', import.meta.url), { type: 'module', name: location.search });

function showLabels(predictions: Prediction[]): void {
  $('labels').replaceChildren(
    ...predictions.map((p) => {
      const li = document.createElement('li');
      li.textContent = `${p.label} ${(p.probability * 100).toFixed(0)}%`;
      return li;
    }),
  );
  document.body.dataset.label = predictions[0]?.label ?? '';
}

/** Frames per second and latency over the last second of results. */
function meter() {
  const recent: { at: number; latencyMs: number }[] = [];
  return (latencyMs: number, dropped: number) => {
    const at = performance.now();
    recent.push({ at, latencyMs });
    while (recent.length > 1 && at - recent[0]!.at > 1000) recent.shift();
    const fps = recent.length > 1 ? ((recent.length - 1) * 1000) / (at - recent[0]!.at) : 0;
    const latency = recent.reduce((sum, r) => sum + r.latencyMs, 0) / recent.length;
    readout.textContent = `${fps.toFixed(1)} fps · ${latency.toFixed(0)} ms · ${dropped} dropped`;
  };
}

async function run(): Promise<void> {
  const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const video = $<HTMLVideoElement>('camera');
  video.srcObject = camera;
  await video.play();
  const controller = new AbortController();
  toggle.hidden = false;
  toggle.onclick = () => controller.abort(new Error('stopped'));
  status.textContent = 'Loading the model in a worker…';
  const measure = meter();
  let results = 0;
  let dropped = 0;
  try {
    for await (const r of streamToWorker(camera, worker, { topK: 3, signal: controller.signal })) {
      if (r.error) {
        status.textContent = `A frame failed: ${r.error.message}`;
        continue;
      }
      results++;
      dropped += r.dropped;
      showLabels(r.predictions);
      measure(r.latencyMs, dropped);
      status.textContent = `${results} frames classified in a Web Worker (${crossOriginIsolated ? 'wasm threads' : 'one wasm thread: the page is not cross-origin isolated'}).`;
      document.body.dataset.results = String(results);
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    for (const track of camera.getTracks()) track.stop();
  }
  status.textContent = `Stopped after ${results} frames (${dropped} dropped: the camera is faster than the classifier, and only the latest frame is classified).`;
  toggle.hidden = true;
}

run().catch((err: Error) => {
  status.textContent = `Could not run: ${err.message}`;
  document.body.dataset.error = err.message;
});
