import type { Warn } from '../backend.js';

/**
 * Every warning code onnx-mobilenet emits (Node: `process.emitWarning`'s `code`; browsers and the
 * wasm path: the console line), the one list that {@link WarningCode}, every emitter and the
 * warnings table of the Errors and limits guide are made from. A warning never stops the work; each names its fix.
 *
 * - `ONNX_MOBILENET_INT8`: a quantized model runs dequantized to float (`precision: 'auto'` where
 *   onnxruntime-node's int8 kernels lose accuracy, or `ONNX_MOBILENET_INT8=dequantize`).
 * - `ONNX_MOBILENET_PROGRESS_CALLBACK`: the `onProgress` callback threw; loading went on.
 * - `ONNX_MOBILENET_NO_CRYPTO`: no `crypto.subtle` (a page not served over https or localhost):
 *   downloads are not checked by sha256.
 * - `ONNX_MOBILENET_EP_UNAVAILABLE`: an execution provider asked for is not in this browser; the
 *   others are used.
 * - `ONNX_MOBILENET_EP_NOT_ENABLED`: WebGPU or WebNN asked for without `enableAcceleratedProviders()`.
 * - `ONNX_MOBILENET_EP_FALLBACK`: the accelerated provider failed to start; wasm is used.
 * - `ONNX_MOBILENET_WASM_THREADS`: fewer wasm threads than asked for (a worker bundled as one
 *   script, or the wasm path, which runs one).
 * - `ONNX_MOBILENET_ALPHA_PREMULTIPLIED`: a transparent image was read premultiplied (a browser
 *   without WebGL).
 * - `ONNX_MOBILENET_ORT_TELEMETRY`: onnxruntime's telemetry could not be switched off from a worker
 *   thread.
 * - `ONNX_MOBILENET_QUEUE`: a queue worker lost its Redis (the default `onError`); it keeps retrying.
 *
 * @example
 * ```ts
 * import { WARNING_CODES } from '@onnx-mobilenet/core/adapter';
 * process.on('warning', (w) => {
 *   const code = (w as { code?: string }).code;
 *   if (WARNING_CODES.some((c) => c === code)) metrics.count(code);
 * });
 * ```
 */
export const WARNING_CODES = [
  'ONNX_MOBILENET_INT8',
  'ONNX_MOBILENET_PROGRESS_CALLBACK',
  'ONNX_MOBILENET_NO_CRYPTO',
  'ONNX_MOBILENET_EP_UNAVAILABLE',
  'ONNX_MOBILENET_EP_NOT_ENABLED',
  'ONNX_MOBILENET_EP_FALLBACK',
  'ONNX_MOBILENET_WASM_THREADS',
  'ONNX_MOBILENET_ALPHA_PREMULTIPLIED',
  'ONNX_MOBILENET_ORT_TELEMETRY',
  'ONNX_MOBILENET_QUEUE',
] as const;

/** A code of {@link WARNING_CODES}: what every warning of onnx-mobilenet carries, typed so that no emitter invents one. */
export type WarningCode = (typeof WARNING_CODES)[number];

/**
 * The warning channel of one classifier: each `code` reaches `sink` once, later ones with the same
 * code are dropped. Held per classifier (not per module), so every new classifier, and every test,
 * starts with none sent.
 */
export function onceEachCode(sink: (message: string, code: WarningCode) => void): Warn {
  const sent = new Set<WarningCode>();
  return (message, code) => {
    if (sent.has(code)) return;
    sent.add(code);
    sink(message, code);
  };
}
