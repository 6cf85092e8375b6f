// What every entry of @onnx-mobilenet/wasm exports beside core's API and its createClassifier.
// Each entry re-exports core itself: through a shared chunk, esbuild turns `export *` of an
// external package into a run-time copy that ES modules cannot import by name.
export type { WasmOptions } from './backend.js';
export type { CreateWasmClassifier, WasmClassifier } from './classifier.js';
export type { EdgeImageSource as WasmImageSource } from './decode/index.js';
export { WASM_FILES, type WasmFileName, type WasmModules } from './wasm-files.js';
export { CACHE_NAME } from '@onnx-mobilenet/core/adapter';
