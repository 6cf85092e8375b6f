/**
 * `@onnx-mobilenet/web/adapter`: for adapter authors and tools that drive core directly, not
 * apps. {@link createWebBackend} builds the backend `createClassifier` uses; its second argument
 * sets what the classifier options do not (`startTimeoutMs`). Pass the backend to
 * `createClassifierWithBackend` from `@onnx-mobilenet/core/adapter`.
 *
 * @module @onnx-mobilenet/web/adapter
 * @group API reference
 */
export { createWebBackend, type WebBackendOptions } from './backend.js';
export { openLiveSource, releaseWebInput, webLiveSources, type WebLiveSource } from './live/index.js';
