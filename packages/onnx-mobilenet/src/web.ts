/**
 * `onnx-mobilenet` under the `browser`, `worker` and default export conditions: the web adapter
 * (onnxruntime-web, the platform's decoders). Nothing here imports onnxruntime-node or sharp.
 *
 * @packageDocumentation
 */
export * from '@onnx-mobilenet/web';
