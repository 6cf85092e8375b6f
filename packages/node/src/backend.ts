import * as ort from 'onnxruntime-node';
import type { ClassifierBackend } from '@onnx-mobilenet/core/adapter';
import { decodeImageNode, type NodeImageSource } from './decode-image.js';
import { int8Accuracy } from './int8-accuracy.js';
import { loadAssetNode } from './load-asset.js';

/**
 * The Node backend: onnxruntime-node sessions (CPU unless `executionProviders` says otherwise),
 * sharp decoding, file and cached-download loading. For embedding tools that drive core directly.
 *
 * @example
 * ```ts
 * import { createClassifierWithBackend } from '@onnx-mobilenet/core/adapter';
 * import { nodeBackend } from '@onnx-mobilenet/node/adapter';
 * const classifier = await createClassifierWithBackend(nodeBackend, { model: 'mobilenetv2-12' });
 * ```
 */
export const nodeBackend: ClassifierBackend<NodeImageSource> = {
  name: 'onnxruntime-node',
  createSession: (model, options) =>
    ort.InferenceSession.create(model, {
      ...options,
      // Idle intra-op threads sleep instead of spinning: sharp decodes the next images while a
      // batch runs, and spinning threads took that CPU (2 cores: 4.3 vs 5.1 ms/photo measured by
      // pnpm bench on arrays). `sessionOptions.extra` overrides it.
      extra: options.extra ?? { session: { intra_op: { allow_spinning: '0' } } },
    }),
  createTensor: (data, dims) => new ort.Tensor('float32', data, dims),
  loadAsset: loadAssetNode,
  decodeImage: decodeImageNode,
  int8Inaccurate: () => int8Accuracy(),
  warn: (message, code) => process.emitWarning(message, { code }),
};
