import type { AdapterOptions } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, type ClassifierBackend, ownOptions, withoutPrototype } from '@onnx-mobilenet/core/adapter';
import { openImageNode, type NodeImageSource } from './decode-image.js';
import { int8Facts } from './int8-facts.js';
import { resolveLocalRoots } from './local-roots.js';
import { loadAssetNode } from './load-asset.js';
import { traceOrtBinaries } from './native-files.js';
import { loadOnnxruntime } from './native-modules.js';
import { disableOrtTelemetry } from './ort-telemetry.js';
import { sessionExtra } from './session-extra.js';

/**
 * The Node adapter's options beside the common `ClassifierOptions`: those of `AdapterOptions`, of
 * which it uses `cacheDir` and `imageRoots` (`cacheName` and `wasmPaths` are the browsers', accepted
 * so that options shared by isomorphic code type-check under the `node` condition, and ignored).
 */
export type NodeOptions = AdapterOptions;

/**
 * The Node backend: onnxruntime-node sessions (CPU unless `executionProviders` says otherwise),
 * sharp decoding, file and cached-download loading, warnings through `process.emitWarning`.
 *
 * @example
 * ```ts
 * const classifier = await createClassifierWithBackend(createNodeBackend({ cacheDir: '/tmp/models' }), { model: 'mobilenetv2-12' });
 * ```
 */
export function createNodeBackend(given: NodeOptions = {}): ClassifierBackend<NodeImageSource> {
  disableOrtTelemetry();
  // Own properties only (createClassifier passes a snapshot already; adapter authors may not)
  const options = ownOptions(given, ADAPTER_OPTION_KINDS, 'createNodeBackend options');
  // Resolved once, here: each root must exist now.
  const roots = options.imageRoots === undefined ? undefined : resolveLocalRoots(options.imageRoots, 'imageRoots');
  return {
    runtime: {
      name: 'onnxruntime-node',
      createSession: async (model, sessionOptions) => {
        const ort = await loadOnnxruntime();
        return {
          // Without a prototype: onnxruntime-node reads keys nobody set (optimizedModelFilePath)
          session: await ort.InferenceSession.create(model, withoutPrototype(sessionOptions, { extra: sessionExtra(sessionOptions.extra) })),
          createTensor: (data, dims) => new ort.Tensor('float32', data, dims),
        };
      },
    },
    // options are read at call time, after core has checked them
    assets: { loadAsset: (asset, loadOptions) => loadAssetNode(asset, { ...loadOptions, cacheDir: options.cacheDir }) },
    decoder: { open: (input, context) => openImageNode(input, context, roots) },
    platform: {
      int8Facts: () => int8Facts(),
      warn: (message, code) => process.emitWarning(message, { code }),
    },
  };
}

/**
 * The Node backend with the default cache directory. For embedding tools that drive core directly.
 *
 * @example
 * ```ts
 * import { createClassifierWithBackend } from '@onnx-mobilenet/core/adapter';
 * import { nodeBackend } from '@onnx-mobilenet/node/adapter';
 * const classifier = await createClassifierWithBackend(nodeBackend, { model: 'mobilenetv2-12' });
 * ```
 */
export const nodeBackend: ClassifierBackend<NodeImageSource> = createNodeBackend();

// On import as well, in the importing thread: worker threads started afterwards (the CLI's
// --workers pool) inherit it, which they could not set for the process themselves.
disableOrtTelemetry();
// Here, beside the onnxruntime-node import, so that every bundle holding the backend holds the call.
traceOrtBinaries();
