import { afterEach, describe, expect, it, vi } from 'vitest';
import { int8FactsOnWeb } from './int8-facts.js';
import { registerFullBuild } from './load-ort.js';

const FULL_BUILD = Symbol.for('onnx-mobilenet.onnxruntime-web-full-build');

// The provider a session will try first: the fact core's precision policy judges (graph/precision.ts).
describe('int8FactsOnWeb', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    delete (globalThis as Record<symbol, unknown>)[FULL_BUILD];
  });

  it('reports wasm by default and for wasm asked for by name or as an object; cpu as itself', () => {
    for (const providers of [undefined, ['wasm'], [{ name: 'wasm' }]] as const) expect(int8FactsOnWeb(providers)).toEqual({ runtime: 'web', provider: 'wasm' });
    expect(int8FactsOnWeb(['cpu'])).toEqual({ runtime: 'web', provider: 'cpu' });
  });

  it('reports WebGPU and WebNN when the page has them and the full build is enabled', () => {
    vi.stubGlobal('navigator', { gpu: {}, ml: {} });
    registerFullBuild(async () => undefined);
    expect(int8FactsOnWeb(['webgpu', 'wasm']).provider).toBe('webgpu');
    expect(int8FactsOnWeb([{ name: 'webnn' }]).provider).toBe('webnn');
  });

  it('reports wasm when the accelerated provider will be dropped (no navigator.gpu, or no full build)', () => {
    vi.stubGlobal('navigator', { gpu: undefined });
    registerFullBuild(async () => undefined);
    expect(int8FactsOnWeb(['webgpu']).provider).toBe('wasm');
    delete (globalThis as Record<symbol, unknown>)[FULL_BUILD];
    vi.stubGlobal('navigator', { gpu: {} });
    expect(int8FactsOnWeb(['webgpu']).provider).toBe('wasm');
  });

  it('reports a provider it does not know as it is', () => {
    expect(int8FactsOnWeb(['xnnpack', 'wasm']).provider).toBe('xnnpack');
  });
});
