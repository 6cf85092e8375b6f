import type { Warn } from '../backend.js';
import { dequantizeGraph, hasQuantizedOps, hasQuantizedOpsInBytes } from './dequantize.js';
import { spliceEmbeddingOutput } from './embedding-splice.js';
import { addEmbeddingOutput } from './embedding-graph.js';
import { isOnnxMobilenetError, OnnxMobilenetError, type ErrorCode } from '../errors/errors.js';
import { decodeModel, encodeModel, type ModelProto } from './onnx-model.js';
import type { FloatPolicy } from './precision.js';

/** Where `embed()` reads the pooled feature vector, or why there is none (the error is made when thrown). */
export type EmbeddingOutput = { name: string; size: number } | { missing: { code: ErrorCode; reason: string } };

/**
 * Load-time graph rewrites: dequantizing int8 models where the policy asks (one parse and one
 * serialisation), and adding the pooled feature vector as an output for embed() (spliced into the
 * bytes when nothing else changes). A model whose
 * embedding cannot be found still classifies; embed() then rejects with the reason. Loaded on
 * demand by {@link rewriteModel}.
 */
export async function rewriteGraph(
  bytes: Uint8Array,
  float: FloatPolicy,
  embeddings: boolean,
  maxBytes: number,
  warn: Warn,
  off: EmbeddingOutput,
): Promise<{ bytes: Uint8Array; dequantized: boolean; embedding: EmbeddingOutput }> {
  // Only the embedding output to add (int8 kernels trusted, or a float model): spliced into the
  // bytes, without protobuf-es or a decode.
  if (embeddings && !(float.wanted && (await hasQuantizedOpsInBytes(bytes)))) {
    const spliced = spliceEmbeddingOutput(bytes);
    if (spliced && spliced.bytes.byteLength <= maxBytes) return { ...spliced, dequantized: false };
  }
  let model: ModelProto;
  try {
    model = await decodeModel(bytes);
  } catch (err) {
    // onnxruntime reports unparsable files with its own words; keep the bytes as they are
    const missing = isOnnxMobilenetError(err) ? { code: err.code, reason: err.message } : { code: 'E_MODEL_LOAD' as const, reason: String(err) };
    return { bytes, dequantized: false, embedding: { missing } };
  }
  const dequantized = float.wanted && hasQuantizedOps(model);
  /** Where float was only a speed choice and does not fit the limit: the quantized model, as it is. */
  const asQuantized = () => rewriteGraph(bytes, { wanted: false }, embeddings, maxBytes, warn, off);
  if (dequantized) {
    if (float.warning) warn(float.warning, 'ONNX_MOBILENET_INT8');
    try {
      await dequantizeGraph(model, maxBytes); // throws before it changes the model
    } catch (err) {
      if (float.optional && isOnnxMobilenetError(err) && err.code === 'E_LIMIT') return asQuantized();
      throw err;
    }
  }
  let embedding = off;
  try {
    if (embeddings) embedding = await addEmbeddingOutput(model);
  } catch (err) {
    if (!isOnnxMobilenetError(err)) throw err;
    embedding = { missing: { code: err.code, reason: err.message } };
    if (!dequantized) return { bytes, dequantized, embedding };
  }
  if (!dequantized && embedding === off) return { bytes, dequantized, embedding };
  const rewritten = await encodeModel(model);
  if (rewritten.byteLength > maxBytes && dequantized && float.optional) return asQuantized();
  if (rewritten.byteLength > maxBytes) {
    throw new OnnxMobilenetError(
      'E_LIMIT',
      `the model given (${bytes.byteLength} bytes) becomes ${rewritten.byteLength} bytes once rewritten${dequantized ? ' (dequantized to float)' : ''}, over limits.maxModelBytes (${maxBytes}); raise the limit${dequantized ? " or load it with precision: 'model'" : ''}`,
    );
  }
  return { bytes: rewritten, dequantized, embedding };
}
