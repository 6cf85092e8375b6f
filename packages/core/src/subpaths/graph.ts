/**
 * `@onnx-mobilenet/core/graph`: ONNX graph tools. {@link dequantizeModel} rewrites an int8
 * (QDQ / QLinear) model into float32; {@link isQuantizedModel} tells whether a model needs it.
 * The classifier applies them itself (`precision`); import them to rewrite models ahead of time.
 *
 * @module @onnx-mobilenet/core/graph
 * @group API reference
 */
export { dequantizeModel, isQuantizedModel } from '../graph/dequantize.js';
export { exportFewShotModel } from '../tasks/few-shot-export.js';
export { exportHeadModel, type HeadLayer } from '../graph/head-graph.js';
export { LABELS_METADATA_KEY } from '../graph/model-facts.js';
