/**
 * `@onnx-mobilenet/wasm` in Node, Bun and Deno (and `onnx-mobilenet/wasm`): the same classifier
 * as on Workers and edge functions, for hosts without onnxruntime-node's binaries (Alpine/musl)
 * and for single binaries without native addons. It reads and compiles the package's own wasm
 * files; model and label paths are read from disk, URLs fetched.
 *
 * @packageDocumentation
 */
import { classifierFactory } from './classifier.js';
import { imageFileReader } from './decode/node-codecs.js';
import { readFileAsset, readWasmModules } from './node-files.js';

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
export const createClassifier = classifierFactory({ loadModules: readWasmModules, loadFile: readFileAsset, imageFileReader });
