import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import type { OrtWeb } from './load-ort.js';
import { createClassifier } from './index.js';
import { configureWasmEnv, wasmThreadLimit } from './wasm-env.js';

/** A stand-in runtime module: its own env, and a Tensor whose error stack names no script (threads are safe). */
function fakeOrt() {
  const env = { wasm: {} as Record<string, unknown> };
  const Tensor = class {
    constructor() {
      throw new Error('no script in this stack');
    }
  };
  return { env, Tensor } as unknown as Pick<OrtWeb, 'env' | 'Tensor'> & { env: { wasm: Record<string, unknown> } };
}

describe('configureWasmEnv', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives an isolated page DEFAULTS.webThreads threads (at most its cores), others one, and sets the start timeout only with threads', () => {
    const warn = vi.fn();
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('navigator', { hardwareConcurrency: 16 });
    const isolated = fakeOrt();
    expect(configureWasmEnv(isolated, {}, 1234, warn)).toBe(DEFAULTS.webThreads);
    expect(isolated.env.wasm).toMatchObject({ numThreads: DEFAULTS.webThreads, initTimeout: 1234 });
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(configureWasmEnv(fakeOrt(), {}, 1234, warn)).toBe(2);
    vi.stubGlobal('crossOriginIsolated', false);
    const plain = fakeOrt();
    expect(configureWasmEnv(plain, {}, 1234, warn)).toBe(1);
    expect(plain.env.wasm.initTimeout).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it('keeps what the runtime already runs with: settings belong to its env, not to module state of the adapter', () => {
    const ort = fakeOrt();
    expect(configureWasmEnv(ort, { threads: 3, wasmPaths: '/ort/' }, 1000, vi.fn())).toBe(3);
    // A second classifier on the same runtime module: onnxruntime-web reads the settings once, so the first ones stand.
    expect(configureWasmEnv(ort, { threads: 1, wasmPaths: '/other/' }, 1000, vi.fn())).toBe(3);
    expect(ort.env.wasm).toMatchObject({ numThreads: 3, wasmPaths: '/ort/' });
    // A fresh runtime module (say, the full build) is configured afresh.
    expect(configureWasmEnv(fakeOrt(), { threads: 2 }, 1000, vi.fn())).toBe(2);
  });
});

describe('wasmThreadLimit, the web backend threadLimit', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is the browser's core count, else DEFAULTS.webThreads, and createClassifier refuses more threads with E_INPUT naming it", async () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 6 });
    expect(wasmThreadLimit()).toEqual({ max: 6, reason: expect.stringContaining('navigator.hardwareConcurrency') });
    const refusal = createClassifier({ model: new Uint8Array(8), threads: 1024 });
    await expect(refusal).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringMatching(/^threads must be an integer from 1 to 6 \(.*hardwareConcurrency\), got number 1024$/),
    });
    await expect(createClassifier({ model: new Uint8Array(8), sessionOptions: { intraOpNumThreads: 7 } })).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('sessionOptions.intraOpNumThreads must be an integer from 1 to 6'),
    });
    // within the bound, loading goes on (and fails later, on the 8 bytes that are no model)
    await expect(createClassifier({ model: new Uint8Array(8), threads: 6 })).rejects.not.toMatchObject({ code: 'E_INPUT' });
    vi.stubGlobal('navigator', {});
    expect(wasmThreadLimit().max).toBe(DEFAULTS.webThreads);
    await expect(createClassifier({ model: new Uint8Array(8), threads: DEFAULTS.webThreads + 1 })).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});
