/**
 * `@onnx-mobilenet/node/adapter`: for adapter authors and tools that drive core directly, not
 * apps. {@link nodeBackend} is the backend `createClassifier` uses; pass it (or an object built
 * from it) to `createClassifierWithBackend` from `@onnx-mobilenet/core/adapter`.
 *
 * @module @onnx-mobilenet/node/adapter
 * @group API reference
 */
export { createNodeBackend, nodeBackend } from './backend.js';
export { readLocalFile, showPath, type ReadLocalFileOptions } from './read-local-file.js';
// For the queue and CLI packages, which build options of their own: read them the same way.
export { checkNumber, MAX_TIMER_MS, ownOptions, type NumberRange, type OptionKind, type OptionShape } from '@onnx-mobilenet/core/adapter';
export { localImagePath } from './decode-image.js';
export { registryCachePath } from './load-asset.js';
export { CACHE_VARIABLE, envVariable, resolveCacheDir } from './cache-dir.js';
export { UNREACHABLE_HINT } from './download.js';
export { checkLocalPath, resolveLocalRoots, type LocalRoots } from './local-roots.js';
