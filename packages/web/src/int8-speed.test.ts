import { afterEach, describe, expect, it, vi } from 'vitest';
import { int8SlowerOnWeb } from './int8-speed.js';
import { registerFullBuild } from './load-ort.js';

const FULL_BUILD = Symbol.for('onnx-mobilenet.onnxruntime-web-full-build');

describe('int8SlowerOnWeb', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    delete (globalThis as Record<symbol, unknown>)[FULL_BUILD];
  });

  it('says int8 is slower on the default wasm provider (and on cpu, its alias), citing the measurement', () => {
    for (const providers of [undefined, ['wasm'], ['cpu'], [{ name: 'wasm' }]] as const) {
      const answer = int8SlowerOnWeb(providers);
      expect(answer.slower).toBe(true);
      expect(answer.reason).toMatch(/wasm int8 kernels are slower .*measured/);
    }
  });

  it('judges WebGPU and WebNN by their kernel lists when the page has them and the full build is enabled', () => {
    vi.stubGlobal('navigator', { gpu: {}, ml: {} });
    registerFullBuild(async () => undefined);
    expect(int8SlowerOnWeb(['webgpu', 'wasm'])).toEqual({ slower: true, reason: expect.stringMatching(/WebGPU provider has no QLinear/) });
    expect(int8SlowerOnWeb([{ name: 'webnn' }])).toEqual({ slower: true, reason: expect.stringMatching(/WebNN provider has no QLinear/) });
  });

  it('judges by wasm when the accelerated provider will be dropped (no navigator.gpu, or no full build)', () => {
    vi.stubGlobal('navigator', { gpu: undefined });
    registerFullBuild(async () => undefined);
    expect(int8SlowerOnWeb(['webgpu']).reason).toMatch(/wasm int8 kernels/);
    delete (globalThis as Record<symbol, unknown>)[FULL_BUILD];
    vi.stubGlobal('navigator', { gpu: {} });
    expect(int8SlowerOnWeb(['webgpu']).reason).toMatch(/wasm int8 kernels/);
  });

  it('does not claim a speed it has no measurement or kernel list for', () => {
    expect(int8SlowerOnWeb(['xnnpack', 'wasm'])).toEqual({ slower: false, reason: 'no measurement for the xnnpack provider' });
  });
});
