/**
 * `import { createClassifier } from 'onnx-mobilenet'`: the app API. This page shows it as Node.js
 * resolves it (the `node` export condition): {@link createClassifier} on the Node adapter
 * (onnxruntime-node, sharp, the verified download cache), whose inputs are paths,
 * `file:`/`https:` URLs, `Buffer`s and raw pixels, plus the API every environment shares: the
 * classifier and its option and result types, {@link OnnxMobilenetError} and its codes,
 * {@link DEFAULTS}, {@link MODELS}, embeddings, the few-shot classifier, training and
 * {@link evaluate}.
 *
 * The same import gives the same names in browsers, Web Workers and bundlers, with the browser's
 * `createClassifier` and inputs: see {@link "@onnx-mobilenet/web"! | @onnx-mobilenet/web}, which is
 * what it resolves to there. On Cloudflare Workers and edge functions it resolves to
 * {@link "onnx-mobilenet/wasm"! | onnx-mobilenet/wasm}. A Node-only app may
 * import `@onnx-mobilenet/node` instead (the same exports), and `@onnx-mobilenet/core` holds the
 * shared part alone.
 *
 * @module onnx-mobilenet
 * @group API reference
 */
export * from '@onnx-mobilenet/node';
