/**
 * `onnx-mobilenet/accelerated`: `enableAcceleratedProviders()` lets browsers use WebGPU and WebNN
 * (onnxruntime-web's full build). Apps on the default wasm provider never import it, so their
 * bundles leave that build and its 27 MB `asyncify` wasm out. Under Node it only sets a flag that
 * onnxruntime-node ignores. `@onnx-mobilenet/web/accelerated` is the same entry for apps that
 * depend on `@onnx-mobilenet/web`.
 *
 * @module onnx-mobilenet/accelerated
 * @group API reference
 */
export { enableAcceleratedProviders } from '@onnx-mobilenet/web/accelerated';
