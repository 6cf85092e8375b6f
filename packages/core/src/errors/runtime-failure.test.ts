import { describe, expect, it } from 'vitest';
import { recogniseRuntimeFailure } from './runtime-failure.js';

describe('recogniseRuntimeFailure', () => {
  it("names the runtime's causes in onnxruntime's words, its backends' and the runtimes' own", () => {
    const noBackend = (inner: string) => new Error(`no available backend found. ERR: [wasm] ${inner}`);
    expect(recogniseRuntimeFailure(noBackend('CompileError: WebAssembly.instantiate(): Wasm code generation disallowed by embedder'))).toBe(
      'wasm-code-generation',
    );
    // Next.js' edge sandbox in development
    expect(recogniseRuntimeFailure(new Error("Dynamic WASM code generation (e. g. 'WebAssembly.compile') not allowed in Edge Runtime."))).toBe(
      'wasm-code-generation',
    );
    expect(recogniseRuntimeFailure(noBackend('Error: WebAssembly SIMD is not supported in the current environment.'))).toBe('no-wasm');
    expect(
      recogniseRuntimeFailure(Object.assign(new TypeError('A dynamic import callback was not specified.'), { code: 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' })),
    ).toBe('dynamic-import');
    expect(
      recogniseRuntimeFailure(
        noBackend('RuntimeError: Aborted(CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 3c 21 44 4f @+0)'),
      ),
    ).toBe('wasm-file');
    expect(recogniseRuntimeFailure(noBackend('RuntimeError: Aborted(both async and sync fetching of the wasm failed)'))).toBe('wasm-file');
    expect(recogniseRuntimeFailure(new Error('no available backend found. ERR: [webgpu] backend not found.'))).toBe('no-backend');
    // the cause chain is read too
    expect(recogniseRuntimeFailure(new Error('session failed', { cause: noBackend('Error: x') }))).toBe('no-backend');
  });

  it("leaves the model's failures to the model", () => {
    for (const text of [
      'Failed to load model because protobuf parsing failed.',
      'Load model from buffer failed:This is an invalid model. In Node, (op_type:Foo) No Op registered for Foo with domain_version of 12',
      'Got invalid dimensions for input: input for the following indices index: 1 Got: 4 Expected: 3',
      // a hostile model's node named with the runtime's words: quoted inside the model's error
      'Load model from buffer failed:This is an invalid model. (op_type:Conv, node name: no available backend found. ERR: [wasm] Wasm code generation disallowed)',
    ]) {
      expect(recogniseRuntimeFailure(new Error(text)), text).toBeUndefined();
    }
  });
});
