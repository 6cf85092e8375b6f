/**
 * `@onnx-mobilenet/wasm` under the `edge-light` condition (Vercel Edge functions, Next.js `runtime = 'edge'`):
 * the wasm files are imported statically, with `?module`, which Vercel's and Next.js's edge builds turn into
 * `WebAssembly.Module`s, since edge functions cannot compile wasm at run time.
 *
 * @module @onnx-mobilenet/wasm (edge-light)
 */
import { classifierFactory } from './classifier.js';
import jpeg from './vendor/mozjpeg_dec.wasm?module';
import onnxruntime from './vendor/ort-wasm-simd-threaded.wasm?module';
import webp from './vendor/webp_dec.wasm?module';

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
