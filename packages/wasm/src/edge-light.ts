/**
 * `@onnx-mobilenet/wasm` under the `edge-light` condition (Vercel Edge functions, Next.js `runtime = 'edge'`):
 * the wasm files are imported statically, with `?module`, which Vercel's and Next.js's edge builds turn into
 * `WebAssembly.Module`s, since edge functions cannot compile wasm at run time.
 *
 * @module @onnx-mobilenet/wasm (edge-light)
 */
import { classifierFactory } from './classifier.js';
import { decode } from './decoder.js';
import onnxruntime from './vendor/ort-wasm-simd-threaded.wasm?module';

export * from '@onnx-mobilenet/core';
export * from './entry-api.js';

/** Loads a MobileNetV2 model on onnxruntime-web's wasm runtime; see {@link CreateWasmClassifier}. */
export const createClassifier = classifierFactory({ loadModules: async () => ({ onnxruntime }), decode });
