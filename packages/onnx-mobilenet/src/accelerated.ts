/**
 * `onnx-mobilenet/accelerated`: `enableAcceleratedProviders()` lets browsers use WebGPU and WebNN
 * (onnxruntime-web's full build). Apps on the default wasm provider never import it, so their
 * bundles leave that build and its 27 MB `asyncify` wasm out. Under Node it only sets a flag that
 * onnxruntime-node ignores.
 *
 * @packageDocumentation
 */
export { enableAcceleratedProviders } from '@onnx-mobilenet/web/accelerated';
