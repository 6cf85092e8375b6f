import type { Warn } from './backend.js';
import type { Precision } from './defaults.js';
import { dequantizeGraph, hasQuantizedOps } from './dequantize.js';
import { addEmbeddingOutput } from './embedding-graph.js';
import { isOnnxMobilenetError, OnnxMobilenetError, type ErrorCode } from './errors.js';
import type { RegistryModel } from './model-registry.js';
import { decodeModel, encodeModel } from './onnx-model.js';

/** Where `embed()` reads the pooled feature vector, or why there is none (the error is made when thrown). */
export type EmbeddingOutput = { name: string; size: number } | { missing: { code: ErrorCode; reason: string } };

/** Whether quantized models run as float here, and the warning to give when one does. */
export interface FloatPolicy {
  wanted: boolean;
  /** Said once when a quantized model is dequantized because `'auto'` judged its kernels inaccurate. */
  warning?: string;
}

/**
 * The precision policy: whether `precision` asks for quantized models to run as float here.
 * `'auto'` asks the platform whether its int8 kernels lose accuracy.
 */
export function floatPolicy(precision: Precision, registry: RegistryModel | undefined, int8Inaccurate: (() => { inaccurate: boolean; reason: string }) | undefined): FloatPolicy {
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
 * the policy asks, and adding the pooled feature vector as an output for embed(). A model whose
 * embedding cannot be found still classifies; embed() then rejects with the reason.
 */
export async function rewriteModel(
  bytes: Uint8Array,
  float: FloatPolicy,
  embeddings: boolean,
  maxBytes: number,
  warn: Warn,
): Promise<{ bytes: Uint8Array; dequantized: boolean; embedding: EmbeddingOutput }> {
  if (!embeddings && !float.wanted) return { bytes, dequantized: false, embedding: EMBEDDINGS_OFF };
  let model;
  try {
    model = await decodeModel(bytes);
  } catch (err) {
    // onnxruntime reports unparsable files with its own words; keep the bytes as they are
    const missing = isOnnxMobilenetError(err) ? { code: err.code, reason: err.message } : { code: 'E_MODEL_LOAD' as const, reason: String(err) };
    return { bytes, dequantized: false, embedding: { missing } };
  }
  const dequantized = float.wanted && hasQuantizedOps(model);
  if (dequantized) {
    if (float.warning) warn(float.warning, 'ONNX_MOBILENET_INT8');
    await dequantizeGraph(model, maxBytes);
  }
  let embedding = EMBEDDINGS_OFF;
  try {
    if (embeddings) embedding = await addEmbeddingOutput(model);
  } catch (err) {
    if (!isOnnxMobilenetError(err)) throw err;
    embedding = { missing: { code: err.code, reason: err.message } };
    if (!dequantized) return { bytes, dequantized, embedding };
  }
  if (!dequantized && embedding === EMBEDDINGS_OFF) return { bytes, dequantized, embedding };
  const rewritten = await encodeModel(model);
  if (rewritten.byteLength > maxBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `the rewritten model has ${rewritten.byteLength} bytes, over limits.maxModelBytes (${maxBytes}); raise the limit${dequantized ? " or load it with precision: 'model'" : ''}`);
  }
  return { bytes: rewritten, dequantized, embedding };
}
