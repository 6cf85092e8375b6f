// Types of the patched onnxruntime-web bundle that scripts/vendor-onnxruntime-web.mjs writes
// beside this file (onnxruntime-web's own types are onnxruntime-common's).
import type { Env } from 'onnxruntime-common';

export * from 'onnxruntime-common';

/** onnxruntime-web's `env`, with the flag the patch adds. */
export declare const env: Env & {
  wasm: Env['wasm'] & {
    /** A precompiled `ort-wasm-simd-threaded.wasm`, instantiated through Emscripten's `instantiateWasm`. */
    wasmModule?: WebAssembly.Module;
  };
};
