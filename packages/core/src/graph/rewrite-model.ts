import type { InferenceSession } from 'onnxruntime-common';
import type { PlatformFacts, Warn } from '../backend.js';
import type { Precision } from '../options/defaults.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { EmbeddingOutput, FloatPolicy } from './graph-rewrite.js';
import type { RegistryModel } from '../io/model-registry.js';

export type { EmbeddingOutput, FloatPolicy } from './graph-rewrite.js';

/**
 * The precision policy: whether `precision` asks for quantized models to run as float here.
 * `'auto'` asks the platform whether its int8 kernels lose accuracy (then float, with a warning)
 * or, for the execution providers the session will run, are slower than its float kernels (then
 * float, silently: a speed choice with no accuracy lost, dropped where the float graph would
 * exceed `limits.maxModelBytes`). Registry models that are not int8 never change.
 */
export function floatPolicy(
  precision: Precision,
  registry: RegistryModel | undefined,
  platform: Pick<PlatformFacts, 'int8Inaccurate' | 'int8Slower'>,
  executionProviders?: readonly InferenceSession.ExecutionProviderConfig[] | undefined,
): FloatPolicy {
  if (precision !== 'auto' && precision !== 'fp32' && precision !== 'model') {
    throw new OnnxMobilenetError('E_INPUT', `precision must be 'auto', 'fp32' or 'model', got ${JSON.stringify(precision)}`);
  }
  if (precision === 'model' || (registry && registry.precision !== 'int8')) return { wanted: false };
  if (precision === 'fp32') return { wanted: true };
  const accuracy = platform.int8Inaccurate?.();
  if (accuracy?.inaccurate) {
    return { wanted: true, warning: `int8 model runs dequantized to float32: ${accuracy.reason}. Pass precision: 'model' to run the int8 kernels anyway.` };
  }
  return platform.int8Slower?.(executionProviders)?.slower === true ? { wanted: true, optional: true } : { wanted: false };
}

const EMBEDDINGS_OFF: EmbeddingOutput = {
  missing: { code: 'E_INPUT', reason: 'embeddings are off for this classifier: create it without embeddings: false' },
};

/**
 * Load-time graph rewrites, with one parse and one serialisation: dequantizing int8 models where
 * the policy asks, and adding the pooled feature vector as an output for embed(). The graph code
 * and its protobuf library load only when a rewrite is asked for (a lazy chunk in browsers).
 */
export async function rewriteModel(
  bytes: Uint8Array,
  float: FloatPolicy,
  embeddings: boolean,
  maxBytes: number,
  warn: Warn,
): Promise<{ bytes: Uint8Array; dequantized: boolean; embedding: EmbeddingOutput }> {
  if (!embeddings && !float.wanted) return { bytes, dequantized: false, embedding: EMBEDDINGS_OFF };
  if (!embeddings) {
    // float wanted, no embeddings: a float model (the 14 MB fp32 file) needs no parse at all
    const { hasQuantizedOpsInBytes } = await import('./model-code.js');
    if (!(await hasQuantizedOpsInBytes(bytes))) return { bytes, dequantized: false, embedding: EMBEDDINGS_OFF };
  }
  const { rewriteGraph } = await import('./model-code.js');
  return rewriteGraph(bytes, float, embeddings, maxBytes, warn, EMBEDDINGS_OFF);
}
