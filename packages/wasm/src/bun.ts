/**
 * `@onnx-mobilenet/wasm` under the `bun` condition (`bun run`, `bun test`, `bun build --compile`):
 * the wasm files are imported with `type: 'file'`, which gives their path, and which
 * `bun build --compile` follows to embed them in the executable (a file only read at run time, as
 * the default entry reads `vendor/` beside its code, is not embedded). They are read and compiled
 * when the first classifier starts; model and label paths are read from disk, URLs fetched.
 *
 * @module @onnx-mobilenet/wasm (bun)
 */
import { classifierFactory } from './classifier.js';
import { imageFileReader } from './decode/node-codecs.js';
import { compileWasmFiles, readFileAsset } from './node-files.js';
import type { WasmFileName } from './wasm-files.js';
import jpeg from './vendor/mozjpeg_dec.wasm' with { type: 'file' };
import onnxruntime from './vendor/ort-wasm-simd-threaded.wasm' with { type: 'file' };
import webp from './vendor/webp_dec.wasm' with { type: 'file' };

export * from '@onnx-mobilenet/core';
export * from './entry-api.js';

/** Where Bun put each wasm file: a path beside the package, or in the executable's own file system. */
const FILE_PATHS: Record<WasmFileName, string> = {
  // Bun's `type: 'file'` import is the file's path, not the `WebAssembly.Module` the edge entries' imports are typed as
  onnxruntime: onnxruntime as unknown as string,
  jpeg: jpeg as unknown as string,
  webp: webp as unknown as string,
};

/**
 * Loads a MobileNetV2 model on onnxruntime-web's wasm runtime and returns a classifier (see
 * {@link CreateWasmClassifier}).
 *
 * @example
 * ```ts
 * const classifier = await createClassifier({ model: './mobilenetv2-12-int8.onnx' });
 * const [best] = await classifier.classify(await Bun.file('photo.jpg').bytes());
 * ```
 */
export const createClassifier = classifierFactory({
  loadModules: () => compileWasmFiles((name) => FILE_PATHS[name]),
  loadFile: readFileAsset,
  imageFileReader,
});
