/**
 * `@onnx-mobilenet/web/accelerated`: lets `executionProviders: ['webgpu']` (or `'webnn'`) use
 * onnxruntime-web's full build. A subpath of its own so that apps on the default wasm provider
 * never bundle that build or its 28 MB `jsep` wasm (bundlers emit it as soon as an import of it is
 * in the module graph, even in code they later drop).
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
  registerFullBuild(() => import('onnxruntime-web'));
}
