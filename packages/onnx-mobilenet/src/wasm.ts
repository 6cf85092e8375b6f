/**
 * What `import … from 'onnx-mobilenet'` gives on Cloudflare Workers (`workerd`), Vercel Edge and
 * Next.js edge routes (`edge-light`), and what `onnx-mobilenet/wasm` gives everywhere: the wasm
 * path (onnxruntime-web's wasm runtime from precompiled modules, a decoder without the DOM or
 * native modules), plus the API every environment shares (documented under {@link "onnx-mobilenet"! | onnx-mobilenet}).
 * `@onnx-mobilenet/wasm` is the same entry for apps that depend on it alone.
 *
 * @module onnx-mobilenet/wasm
 * @group API reference
 */
export * from '@onnx-mobilenet/wasm';
