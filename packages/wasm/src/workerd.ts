/**
 * `@onnx-mobilenet/wasm` under the `workerd` condition (Cloudflare Workers, wrangler, miniflare):
 * the wasm files are imported statically, which wrangler turns into `WebAssembly.Module`s (its
 * default `CompiledWasm` rule for `*.wasm`), since Workers cannot compile wasm at run time.
 *
 * @module @onnx-mobilenet/wasm (workerd)
 */
import { classifierFactory } from './classifier.js';
import jpeg from './vendor/mozjpeg_dec.wasm';
import onnxruntime from './vendor/ort-wasm-simd-threaded.wasm';
import webp from './vendor/webp_dec.wasm';

export * from '@onnx-mobilenet/core';
export * from './entry-api.js';

/**
 * Loads a MobileNetV2 model on onnxruntime-web's wasm runtime and returns a classifier (see
 * {@link CreateWasmClassifier}).
 *
 * @example
 * ```ts
 * const classifier = await createClassifier({ model: 'mobilenetv2-12-int8' });
 * const [best] = await classifier.classify(new Uint8Array(await request.arrayBuffer()));
 * ```
 */
export const createClassifier = classifierFactory({ loadModules: async () => ({ onnxruntime, jpeg, webp }) });
