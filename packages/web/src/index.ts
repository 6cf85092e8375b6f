/**
 * `@onnx-mobilenet/web`, and what `import … from 'onnx-mobilenet'` gives in browsers, Web Workers
 * and bundlers (the `browser`, `worker` and default export conditions): MobileNetV2 image
 * classification on onnxruntime-web, decoding with the platform (`createImageBitmap`, canvas).
 * Its {@link createClassifier} takes browser inputs (`<img>`, `<canvas>`, `<video>`, blobs, URLs…);
 * the rest of the app API is the one documented under {@link "onnx-mobilenet"! | onnx-mobilenet}. Nothing here imports
 * onnxruntime-node or sharp. The backend itself is in `@onnx-mobilenet/web/adapter`.
 *
 * @module @onnx-mobilenet/web
 * @group API reference
 */
import type { Classifier, ClassifierOptions } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, createClassifierWithBackend, ownOptions } from '@onnx-mobilenet/core/adapter';
import { createWebBackend, type WebOptions } from './backend.js';
import type { WebImageSource } from './decode-image.js';
import type { WebLiveSource } from './live/index.js';

export * from '@onnx-mobilenet/core';
export type { WebOptions } from './backend.js';
export { CACHE_NAME } from './load-asset.js';
export type { WebImageSource } from './decode-image.js';
export { streamToWorker } from './worker-stream/stream-to-worker.js';
export { serveStream, type StreamClassifier } from './worker-stream/serve-stream.js';
export type { MessageEndpoint, WorkerStreamOptions } from './worker-stream/protocol.js';
export type { WebLiveSource } from './live/index.js';

/**
 * A classifier whose inputs are browser images, blobs, URLs, bytes, raw pixels or prepared tensors,
 * and whose `classifyStream` also reads a `<video>`, a camera's `MediaStream` or track, or a
 * `ReadableStream` of `VideoFrame`s.
 */
export type WebClassifier = Classifier<WebImageSource, WebLiveSource>;

/**
 * Loads a MobileNetV2 model on onnxruntime-web (wasm by default) and returns a classifier. Works
 * on a page and inside a Web Worker.
 *
 * @example
 * ```ts
 * import { createClassifier } from '@onnx-mobilenet/web';
 *
 * const classifier = await createClassifier({
 *   model: 'mobilenetv2-12-int8',
 *   onProgress: ({ loaded, total }) => console.log(`${loaded} / ${total}`),
 * });
 * const [best] = await classifier.classify(document.querySelector('img')!);
 * console.log(best.label, best.probability);
 * ```
 */
export async function createClassifier(options: ClassifierOptions & WebOptions = {}): Promise<WebClassifier> {
  // The backend reads its options too: both get the caller's own properties only (prototype pollution cannot pose as an option).
  const own = ownOptions(options, ADAPTER_OPTION_KINDS, 'createClassifier options');
  return createClassifierWithBackend<WebImageSource, WebLiveSource>(createWebBackend(own), own);
}
