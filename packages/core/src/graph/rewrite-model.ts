import type { Warn } from '../backend.js';
import type { EmbeddingOutput } from './graph-rewrite.js';
import type { FloatPolicy } from './precision.js';

export type { EmbeddingOutput } from './graph-rewrite.js';

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
