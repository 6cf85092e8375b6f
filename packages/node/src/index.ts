/**
 * `@onnx-mobilenet/node`: MobileNetV2 image classification for Node.js on onnxruntime-node,
 * with sharp decoding and a verified download cache. Re-exports the app API of
 * `@onnx-mobilenet/core`; the backend itself is in `@onnx-mobilenet/node/adapter`.
 *
 * @packageDocumentation
 */
import type { Classifier, ClassifierOptions } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, createClassifierWithBackend, ownOptions } from '@onnx-mobilenet/core/adapter';
import { createNodeBackend, type NodeOptions } from './backend.js';
import type { NodeImageSource } from './decode-image.js';

export * from '@onnx-mobilenet/core';
export type { NodeOptions } from './backend.js';
export { decodeFullImageNode, type NodeImageSource } from './decode-image.js';
export { rawVideoFrames, type ByteChunks, type RawPixelFormat, type RawVideoFrame, type RawVideoOptions } from './video/raw-frames.js';
export { videoFrames, type VideoFramesOptions } from './video/video-frames.js';

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
export async function createClassifier(options: ClassifierOptions & NodeOptions = {}): Promise<NodeClassifier> {
  // The backend reads its options too: both get the caller's own properties only (prototype pollution cannot pose as an option).
  const own = ownOptions(options, ADAPTER_OPTION_KINDS, 'createClassifier options');
  return createClassifierWithBackend(createNodeBackend(own), own);
}
