import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { type InferenceRuntime, runtimeError, withoutPrototype } from '@onnx-mobilenet/core/adapter';
import * as ort from './vendor/onnxruntime-web.mjs';

/** What fixes a runtime that cannot compile or start the wasm. */
const FIX =
  "pass the package's wasm files precompiled by your platform as wasmModules (WASM_FILES names them: a static .wasm import in Workers, '?module' on Vercel Edge)";

/**
 * The wasm path's onnxruntime: the vendored, patched onnxruntime-web bundle, started from a
 * precompiled `WebAssembly.Module` (nothing is fetched, compiled from bytes or imported at run
 * time) on one thread: Workers and edge functions have no threads, and its thread workers would
 * start this bundle's own script.
 */
export function createWasmRuntime(onnxruntimeModule: () => Promise<WebAssembly.Module>): InferenceRuntime {
  return {
    name: 'onnxruntime-web (wasm)',
    async createSession(model, sessionOptions, { warn }) {
      const module = await onnxruntimeModule().catch((err: unknown) => {
        throw err instanceof OnnxMobilenetError ? err : runtimeError("onnxruntime-web's wasm file cannot be compiled here", err, FIX, { cause: err });
      });
      // Process-wide, read when the first session starts: the first classifier's module wins.
      ort.env.wasm.wasmModule ??= module;
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      if ((sessionOptions.intraOpNumThreads ?? 1) > 1)
        warn('the wasm path runs onnxruntime on one thread: threads above 1 are ignored', 'ONNX_MOBILENET_WASM_THREADS');
      const options = withoutPrototype(sessionOptions, { executionProviders: ['wasm'], intraOpNumThreads: 1, interOpNumThreads: 1 });
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, options);
      } catch (err) {
        if (err instanceof OnnxMobilenetError) throw err;
        if (/no available backend found/.test(String((err as Error)?.message)))
          throw runtimeError("onnxruntime-web's wasm runtime cannot start", err, FIX, { cause: err });
        throw err;
      }
      return { session, createTensor: (data, dims) => new ort.Tensor('float32', data, dims) };
    },
  };
}
