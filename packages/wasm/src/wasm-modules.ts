import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { describeValue } from '@onnx-mobilenet/core/adapter';
import { WASM_FILES, type WasmFileName } from './wasm-files.js';

/**
 * What tells onnxruntime's module from another: it imports its (shared) memory and exports dozens
 * of functions (49 in 1.30), where the codecs own their memory and export 8. Enough to refuse a
 * module passed under the wrong name before onnxruntime keeps it for the process.
 */
function looksLikeOnnxruntime(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.kind === 'memory') && WebAssembly.Module.exports(module).length >= 40;
}

/**
 * Checks the `wasmModules` option before anything is instantiated: only names of `WASM_FILES`,
 * each a `WebAssembly.Module` (by its tag: one from another realm is one too), and onnxruntime's
 * shaped like it. Bytes or a `{ instance, module }` result passed by mistake would otherwise crash
 * the runtime, and a wrong module would stay in onnxruntime for the whole process.
 */
export function checkWasmModules(modules: Record<string, unknown> | undefined): void {
  if (modules === undefined) return;
  for (const [name, module] of Object.entries(modules)) {
    if (module === undefined) continue;
    if (!Object.hasOwn(WASM_FILES, name)) {
      throw new OnnxMobilenetError('E_INPUT', `wasmModules.${name} is not a wasm file of this package: use ${Object.keys(WASM_FILES).join(', ')} (WASM_FILES)`);
    }
    const file = WASM_FILES[name as WasmFileName];
    if (Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {
      throw new OnnxMobilenetError(
        'E_INPUT',
        `wasmModules.${name} must be a WebAssembly.Module (${file} compiled by the platform), got ${describeValue(module)}`,
      );
    }
    if (name === 'onnxruntime' && !looksLikeOnnxruntime(module as WebAssembly.Module)) {
      throw new OnnxMobilenetError('E_INPUT', `wasmModules.onnxruntime is not ${file}: its imports and exports are another module's`);
    }
  }
}
