import { describe, expect, it } from 'vitest';
import { isOnnxMobilenetError } from '@onnx-mobilenet/core';
import { ortFilesError } from './ort-files.js';

// onnxruntime-web 1.30's messages, as Chromium gave them in test/packed/browser-bundlers.test.ts
const PARCEL =
  'no available backend found. ERR: [wasm] TypeError: Failed to fetch dynamically imported module: file:///node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs';
const PARCEL_THREADS = 'no available backend found. ERR: [wasm] TypeError: Failed to fetch';
const ESBUILD =
  'no available backend found. ERR: [wasm] RuntimeError: Aborted(both async and sync fetching of the wasm failed). Build with -sASSERTIONS for more info.';
const ESBUILD_WORKER =
  'no available backend found. ERR: [wasm] RuntimeError: Aborted(CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 6e 6f 74 20 @+0). Build with -sASSERTIONS for more info.';

describe('ortFilesError', () => {
  it.each([PARCEL, PARCEL_THREADS, ESBUILD, ESBUILD_WORKER])('names onnxruntime-web files and wasmPaths for %s', (message) => {
    const cause = new Error(message);
    const err = ortFilesError(cause, undefined);
    expect(isOnnxMobilenetError(err, 'E_RUNTIME')).toBe(true);
    expect(err?.message).toContain('onnxruntime-web could not load its own files');
    expect(err?.message).toContain(message);
    expect(err?.message).toMatch(/pass wasmPaths/);
    expect(err?.message).toContain('docs/guides/bundlers.md');
    expect(err?.cause).toBe(cause);
  });

  it('quotes the wasmPaths given, clipped, and asks to check them', () => {
    const err = ortFilesError(new Error(ESBUILD), { wasm: `https://cdn.example/${'x'.repeat(500)}` });
    expect(err?.message).toContain('from wasmPaths {"wasm":"https://cdn.example/xxx');
    expect(err?.message).toContain('Check that wasmPaths serves both files');
    expect(err?.message).not.toContain('x'.repeat(300));
  });

  it('leaves other failures alone: a model onnxruntime-web refuses, a timeout, a non-error', () => {
    expect(
      ortFilesError(new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed."), undefined),
    ).toBeUndefined();
    expect(ortFilesError(new Error('no available backend found. ERR: [wasm] Error: initializing failed due to timeout'), undefined)).toBeUndefined();
    expect(ortFilesError('Failed to fetch', undefined)).toBeUndefined();
  });
});
