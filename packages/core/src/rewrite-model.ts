import type { Warn } from './backend.js';
import type { Precision } from './defaults.js';
import { OnnxMobilenetError } from './errors.js';
import type { EmbeddingOutput, FloatPolicy } from './graph-rewrite.js';
import type { RegistryModel } from './model-registry.js';

export type { EmbeddingOutput, FloatPolicy } from './graph-rewrite.js';

/**
 * The precision policy: whether `precision` asks for quantized models to run as float here.
 * `'auto'` asks the platform whether its int8 kernels lose accuracy.
 */
export function floatPolicy(
  precision: Precision,
  registry: RegistryModel | undefined,
  int8Inaccurate: (() => { inaccurate: boolean; reason: string }) | undefined,
): FloatPolicy {
  if (precision !== 'auto' && precision !== 'fp32' && precision !== 'model') {
    throw new OnnxMobilenetError('E_INPUT', `precision must be 'auto', 'fp32' or 'model', got ${JSON.stringify(precision)}`);
  }
  if (precision === 'model' || (registry && registry.precision !== 'int8')) return { wanted: false };
  if (precision === 'fp32') return { wanted: true };
  const check = int8Inaccurate?.();
  if (!check?.inaccurate) return { wanted: false };
  return { wanted: true, warning: `int8 model runs dequantized to float32: ${check.reason}. Pass precision: 'model' to run the int8 kernels anyway.` };
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
  const { rewriteGraph } = await import('./graph-rewrite.js');
  return rewriteGraph(bytes, float, embeddings, maxBytes, warn, EMBEDDINGS_OFF);
}
