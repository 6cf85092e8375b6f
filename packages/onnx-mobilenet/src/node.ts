/**
 * `onnx-mobilenet` under the `node` export condition: the Node adapter (onnxruntime-node, sharp).
 *
 * @packageDocumentation
 */
export * from '@onnx-mobilenet/node';
