import { ADAPTER_OPTION_KINDS, type ClassifierBackend, ownOptions, withoutPrototype } from '@onnx-mobilenet/core/adapter';
import { openImageNode, type NodeImageSource } from './decode-image.js';
import { int8Accuracy } from './int8-accuracy.js';
import { resolveLocalRoots } from './local-roots.js';
import { loadAssetNode } from './load-asset.js';
import { traceOrtBinaries } from './native-files.js';
import { loadOnnxruntime } from './native-modules.js';
import { disableOrtTelemetry } from './ort-telemetry.js';
import { sessionExtra } from './session-extra.js';

/** Options only the Node adapter has, beside the common `ClassifierOptions`. */
export interface NodeOptions {
  /** Where downloads are cached (a directory; default `ONNX_MOBILENET_CACHE`, else the user cache dir). */
  cacheDir?: string | undefined;
  /**
   * Browsers only, ignored in Node: accepted so that options shared by isomorphic code type-check
   * under the `node` condition of `onnx-mobilenet` too.
   */
  wasmPaths?: string | { wasm?: string | undefined; mjs?: string | undefined } | undefined;
  /**
   * Folders that image paths (and `file:` URLs) must lie under, for servers that take paths from
   * strangers. Symbolic links are resolved before the check, the file opened is checked to be the
   * file resolved, and a path outside the folders, a missing one and an unreadable one all get the
   * same `E_FORBIDDEN`, which tells nothing about what exists. `[]` reads no local image at all.
   * Each folder must exist when the classifier is created (`E_INPUT` otherwise). Default: unset,
   * any path the process can read (model and label paths are never confined: they are the app's).
   */
  imageRoots?: readonly string[] | undefined;
}

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
      int8Inaccurate: () => int8Accuracy(),
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
