/**
 * What `import … from 'onnx-mobilenet'` gives on Cloudflare Workers (`workerd`), Vercel Edge and
 * Next.js edge routes (`edge-light`), and what `onnx-mobilenet/wasm` gives everywhere: the wasm
 * path, `@onnx-mobilenet/wasm` (onnxruntime-web's wasm runtime from precompiled modules, a decoder
 * without the DOM or native modules), plus everything of the common API.
 *
 * @module onnx-mobilenet/wasm
 */
export * from '@onnx-mobilenet/wasm';
