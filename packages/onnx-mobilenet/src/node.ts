/**
 * What `import … from 'onnx-mobilenet'` gives in Node.js (the `node` export condition): the Node
 * adapter, `@onnx-mobilenet/node` (onnxruntime-node, sharp, the verified download cache), plus
 * everything of the common API. Inputs are paths, `file:`/`https:` URLs, `Buffer`s and raw pixels.
 *
 * @module onnx-mobilenet (Node.js)
 */
export * from '@onnx-mobilenet/node';
