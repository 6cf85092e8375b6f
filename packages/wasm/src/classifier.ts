import type { Classifier, ClassifierOptions } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, createClassifierWithBackend, ownOptions } from '@onnx-mobilenet/core/adapter';
import { createWasmBackend, type WasmOptions, type WasmPlatform } from './backend.js';
import type { EdgeImageSource } from './decode/index.js';

/** A classifier whose inputs are encoded image bytes, blobs, URLs, raw pixels or prepared tensors. */
export type WasmClassifier = Classifier<EdgeImageSource>;

/** `createClassifier` of an entry: the same for all, but for where its platform gets the wasm modules and files. */
export async function createWasmClassifier(options: ClassifierOptions & WasmOptions, platform: WasmPlatform): Promise<WasmClassifier> {
  // The backend reads its options too: both get the caller's own properties only.
  const own = ownOptions(options, ADAPTER_OPTION_KINDS, 'createClassifier options');
  return createClassifierWithBackend(createWasmBackend(own, platform), own);
}

/**
 * Loads a MobileNetV2 model on onnxruntime-web's wasm runtime (one thread, no DOM, no native
 * modules) and returns a classifier. Create it once per isolate or process and reuse it.
 *
 * @example
 * ```ts
 * import { createClassifier, type WasmClassifier } from 'onnx-mobilenet';
 * let classifier: Promise<WasmClassifier> | undefined; // Workers allow no fetch at global scope: created by the first request
 * export default {
 *   async fetch(request: Request) {
 *     classifier ??= createClassifier({ model: 'mobilenetv2-12-int8' });
 *     const [best] = await (await classifier).classify(new Uint8Array(await request.arrayBuffer()));
 *     return Response.json(best);
 *   },
 * };
 * ```
 */
export type CreateWasmClassifier = (options?: ClassifierOptions & WasmOptions) => Promise<WasmClassifier>;

/** The `createClassifier` of an entry whose platform provides the wasm modules and files so. */
export function classifierFactory(platform: WasmPlatform): CreateWasmClassifier {
  return (options = {}) => createWasmClassifier(options, platform);
}
