import { CODEC_WASM_FILES } from './decode/codec-files.js';

/**
 * The WebAssembly files of the wasm path, by the name the `wasmModules` option uses: the build
 * copies them into `dist/vendor/`, the edge entries import them statically, and Node, Bun and
 * Deno read them from there.
 *
 * @example
 * ```ts
 * // a Worker that binds the modules itself (wrangler: [[wasm_modules]] or a static import)
 * import onnxruntime from '@onnx-mobilenet/wasm/vendor/ort-wasm-simd-threaded.wasm';
 * const classifier = await createClassifier({ wasmModules: { onnxruntime } }); // keys: keyof typeof WASM_FILES
 * ```
 */
export const WASM_FILES = {
  /** onnxruntime-web 1.30's wasm runtime (SIMD; run on one thread). */
  onnxruntime: 'ort-wasm-simd-threaded.wasm',
  /** The JPEG decoder (MozJPEG, from @jsquash/jpeg). */
  jpeg: CODEC_WASM_FILES.jpeg.file,
  /** The WebP decoder (libwebp, from @jsquash/webp). */
  webp: CODEC_WASM_FILES.webp.file,
} as const;

/** A name of {@link WASM_FILES}. */
export type WasmFileName = keyof typeof WASM_FILES;

/** Precompiled modules of the wasm path's files, by name. */
export type WasmModules = { readonly [name in WasmFileName]: WebAssembly.Module };
