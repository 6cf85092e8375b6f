/**
 * `@onnx-mobilenet/core/preprocess`: the pieces `classify()` is made of, for tools that prepare
 * tensors or read logits themselves: the resize plan, bilinear resampling, normalisation to CHW,
 * the whole `preprocess()`, and softmax / top-k over logits.
 *
 * @module @onnx-mobilenet/core/preprocess
 */
export { planResize, type Rect, type ResizePlan } from '../resize-plan.js';
export { resampleBilinear } from '../resample.js';
export { normalizeToCHW } from '../normalize.js';
export { preprocess, resizeAndCrop } from '../preprocess.js';
export { predictionsFromLogits, softmax, topK } from '../postprocess.js';
