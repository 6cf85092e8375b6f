/**
 * `@onnx-mobilenet/node/adapter`: for adapter authors and tools that drive core directly, not
 * apps. {@link nodeBackend} is the backend `createClassifier` uses; pass it (or an object built
 * from it) to `createClassifierWithBackend` from `@onnx-mobilenet/core/adapter`.
 *
 * @module @onnx-mobilenet/node/adapter
 */
export { createNodeBackend, nodeBackend } from './backend.js';
export { localImagePath } from './decode-image.js';
export { checkLocalPath, resolveLocalRoots, type LocalRoots } from './local-roots.js';
