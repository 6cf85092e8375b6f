/**
 * `@onnx-mobilenet/web/accelerated`: lets `executionProviders: ['webgpu']` (or `'webnn'`) use
 * onnxruntime-web's WebGPU build (`onnxruntime-web/webgpu`: the native WebGPU provider, and WebNN).
 * A subpath of its own so that apps on the default wasm provider never bundle that build or its
 * 27 MB `asyncify` wasm (bundlers emit it as soon as an import of it is in the module graph, even
 * in code they later drop).
 *
 * @packageDocumentation
 */
import { registerFullBuild } from './load-ort.js';

/**
 * Makes WebGPU and WebNN available to `createClassifier`: call it once, before creating the
 * classifier. Without it those providers fall back to wasm with a console warning.
 *
 * @example
 * ```ts
 * import { createClassifier } from 'onnx-mobilenet';
 * import { enableAcceleratedProviders } from 'onnx-mobilenet/accelerated';
 * enableAcceleratedProviders();
 * const classifier = await createClassifier({ executionProviders: ['webgpu'] });
 * ```
 */
export function enableAcceleratedProviders(): void {
  // Not the default build (`onnxruntime-web`): its WebGPU provider is JSEP, deprecated since
  // onnxruntime 1.29, whose DequantizeLinear returns wrong values for uint8 per-tensor input
  // (microsoft/onnxruntime#32578): wrong predictions from int8 models.
  registerFullBuild(() => import('onnxruntime-web/webgpu'));
}
