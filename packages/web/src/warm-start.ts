import type { OrtWeb } from './load-ort.js';

/**
 * The smallest ONNX model onnxruntime accepts: ir_version 7, opset 13, one Identity node from a
 * float[1] input `x` to an output `y`, protobuf-encoded by hand (warm-start.test.ts decodes it).
 */
export const IDENTITY_MODEL: Readonly<Uint8Array> = Uint8Array.from([
  8, 7, 58, 58, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 4, 119, 97, 114, 109, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1,
  18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 2, 16, 13,
]);

/** Warm starts in flight, per onnxruntime-web module (its runtime is one per module, shared by every classifier). */
const starts = new WeakMap<OrtWeb, Promise<void>>();

/**
 * Starts onnxruntime-web's wasm runtime now (fetching and compiling its `.wasm`, starting its
 * thread workers: 250 to 450 ms of a cold start in Chromium) by creating and releasing a session
 * of {@link IDENTITY_MODEL}, so that it overlaps the model's download and rewrite instead of
 * following them. onnxruntime-web has no public call that only starts the runtime. A failure is
 * not reported here: onnxruntime-web keeps it and the real session creation rejects with it.
 * Call after `env.wasm` is configured; it reads those settings once.
 */
export function warmStart(ort: OrtWeb): void {
  if (starts.has(ort)) return;
  // Never rejects: a failed start or release is onnxruntime-web's to report at the real session.
  const start = ort.InferenceSession.create(IDENTITY_MODEL as Uint8Array, { executionProviders: ['wasm'] })
    .then((session) => session.release())
    .catch(() => undefined);
  starts.set(ort, start);
}

/**
 * Waits for a warm start of this module still in flight. onnxruntime-web refuses a second
 * runtime start while one is under way ("multiple calls to 'initWasm()'", e.g. a session on the
 * `cpu` provider beside one on `wasm`) and then fails for good, so sessions are created after it.
 */
export async function warmStarted(ort: OrtWeb): Promise<void> {
  await starts.get(ort);
}
