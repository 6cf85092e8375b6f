/**
 * What `import … from 'onnx-mobilenet'` gives in browsers, Web Workers and bundlers (the `browser`,
 * `worker` and default export conditions): the web adapter, `@onnx-mobilenet/web` (onnxruntime-web,
 * the platform's decoders, Cache Storage), plus everything of the common API. Nothing here imports
 * onnxruntime-node or sharp. Documented as `@onnx-mobilenet/web`.
 *
 * @packageDocumentation
 */
export * from '@onnx-mobilenet/web';
