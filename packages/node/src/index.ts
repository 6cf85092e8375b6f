/**
 * `@onnx-mobilenet/node`: MobileNetV2 image classification for Node.js on onnxruntime-node,
 * with sharp decoding and a verified download cache. Re-exports everything of
 * `@onnx-mobilenet/core`.
 *
 * @packageDocumentation
 */
import { createClassifierWithBackend, type Classifier, type ClassifierOptions } from '@onnx-mobilenet/core';
import { createNodeBackend, type NodeOptions } from './backend.js';
import type { NodeImageSource } from './decode-image.js';

export * from '@onnx-mobilenet/core';
export { nodeBackend, type NodeOptions } from './backend.js';
export { resolveCacheDir } from './cache-dir.js';
export { int8Accuracy } from './int8-accuracy.js';
export { loadImageNetSamples } from './imagenet-samples.js';
export { decodeFullImageNode, type NodeImageSource } from './decode-image.js';

/** A classifier whose inputs are paths, URLs, encoded image bytes, raw pixels or prepared tensors. */
export type NodeClassifier = Classifier<NodeImageSource>;

/**
 * Loads a MobileNetV2 model on onnxruntime-node and returns a classifier.
 *
 * @example
 * ```ts
 * import { createClassifier } from '@onnx-mobilenet/node';
 *
 * const classifier = await createClassifier({ model: 'mobilenetv2-12-int8' });
 * const [best] = await classifier.classify('cat.jpg');
 * console.log(best.label, best.probability); // 'tabby' 0.62
 * await classifier.dispose();
 * ```
 */
export function createClassifier(options: ClassifierOptions & NodeOptions = {}): Promise<NodeClassifier> {
  return createClassifierWithBackend(createNodeBackend(options), options);
}
