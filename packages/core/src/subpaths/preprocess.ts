/**
 * `@onnx-mobilenet/core/preprocess`: the pieces `classify()` is made of, for tools that prepare
 * tensors or read logits themselves: the resize plan, bilinear resampling, normalisation to CHW,
 * the whole `preprocess()`, and softmax / top-k over logits; `RESIZE_MODES`, the fitting modes a
 * tool may offer (`preprocess.mode`).
 *
 * @module @onnx-mobilenet/core/preprocess
 * @group API reference
 */
export { RESIZE_MODES } from '../options/defaults.js';
export { planResize, type Rect, type ResizePlan } from '../image/resize-plan.js';
export { resampleBilinear } from '../image/resample.js';
export { normalizeToCHW } from '../image/normalize.js';
export { preprocess, resizeAndCrop } from '../image/preprocess.js';
export { predictionsFromLogits, softmax, topK } from '../predictions/postprocess.js';
