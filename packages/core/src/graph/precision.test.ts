import { describe, expect, it } from 'vitest';
import { MODELS } from '../io/model-registry.js';
import { floatPolicy, int8Verdict, PRECISIONS, type Int8Facts, type Precision } from './precision.js';

const x64 = (flags: string[] | null): Int8Facts => ({ runtime: 'native', cpu: { arch: 'x64', flags } });
/** Facts of each kind an adapter reports, and what the policy must make of them. */
const NO_VNNI = x64(['sse2', 'avx', 'avx2', 'fma']);
const VNNI = x64(['sse2', 'avx2', 'avx512f', 'avx512_vnni']);
const WASM: Int8Facts = { runtime: 'web', provider: 'wasm' };
const UNKNOWN_PROVIDER: Int8Facts = { runtime: 'web', provider: 'xnnpack' };

describe('int8Verdict: native CPUs', () => {
  it('finds int8 inaccurate on x86-64 with AVX2 but no VNNI', () => {
    expect(int8Verdict(NO_VNNI)).toEqual({ worse: 'accuracy', reason: expect.stringContaining('AVX2 but no VNNI') });
    expect(int8Verdict(NO_VNNI).reason).toContain('microsoft/onnxruntime#16105');
  });

  it('trusts AVX-VNNI, AVX-512 VNNI and AMX', () => {
    for (const flag of ['avx_vnni', 'avx512_vnni', 'amx_int8']) expect(int8Verdict(x64(['avx2', flag]))).toEqual({ worse: null, reason: 'this CPU has VNNI' });
  });

  it('trusts other CPUs, CPUs whose flags are unknown or lack AVX2, and no facts at all', () => {
    expect(int8Verdict({ runtime: 'native', cpu: { arch: 'arm64', flags: ['asimd'] } }).worse).toBeNull();
    expect(int8Verdict(x64(null)).worse).toBeNull();
    expect(int8Verdict(x64(['sse2', 'sse4_2'])).worse).toBeNull();
    expect(int8Verdict(undefined).worse).toBeNull();
  });

  it('follows the override either way, naming it', () => {
    expect(int8Verdict({ ...VNNI, override: { setting: 'ONNX_MOBILENET_INT8', value: 'dequantize' } })).toEqual({
      worse: 'accuracy',
      reason: 'ONNX_MOBILENET_INT8=dequantize',
    });
    expect(int8Verdict({ ...NO_VNNI, override: { setting: 'ONNX_MOBILENET_INT8', value: 'native' } }).worse).toBeNull();
    expect(int8Verdict({ ...NO_VNNI, override: { setting: 'ONNX_MOBILENET_INT8', value: 'maybe' } }).worse).toBe('accuracy');
  });
});

describe('int8Verdict: web providers', () => {
  it('finds int8 slower on wasm (and cpu, its alias, and the default), citing the measurement', () => {
    for (const provider of ['wasm', 'cpu', undefined]) {
      expect(int8Verdict({ runtime: 'web', provider })).toEqual({ worse: 'speed', reason: expect.stringMatching(/wasm int8 kernels are slower .*measured/) });
    }
  });

  it('finds int8 slower on WebGPU and WebNN by their kernel lists', () => {
    expect(int8Verdict({ runtime: 'web', provider: 'webgpu' })).toEqual({ worse: 'speed', reason: expect.stringMatching(/WebGPU provider has no QLinear/) });
    expect(int8Verdict({ runtime: 'web', provider: 'webnn' })).toEqual({ worse: 'speed', reason: expect.stringMatching(/WebNN provider has no QLinear/) });
  });

  it('does not claim a speed it has no measurement or kernel list for', () => {
    expect(int8Verdict(UNKNOWN_PROVIDER)).toEqual({ worse: null, reason: 'no measurement for the xnnpack provider' });
  });
});

const WARNING = `int8 model runs dequantized to float32: ${int8Verdict(NO_VNNI).reason}. Pass precision: 'model' to run the int8 kernels anyway.`;

describe('floatPolicy', () => {
  // Every combination, written out: [precision, facts] → dequantize?, warning?, optional?
  // (for int8 registry models and for a file outside the registry, which may be int8).
  const facts = { 'no facts': undefined, 'x86-64 without VNNI': NO_VNNI, 'x86-64 with VNNI': VNNI, wasm: WASM, 'an unknown provider': UNKNOWN_PROVIDER };
  const expected: Record<Precision, Record<keyof typeof facts, { wanted: boolean; warning?: string; optional?: boolean }>> = {
    auto: {
      'no facts': { wanted: false },
      'x86-64 without VNNI': { wanted: true, warning: WARNING },
      'x86-64 with VNNI': { wanted: false },
      wasm: { wanted: true, optional: true },
      'an unknown provider': { wanted: false },
    },
    fp32: {
      'no facts': { wanted: true },
      'x86-64 without VNNI': { wanted: true },
      'x86-64 with VNNI': { wanted: true },
      wasm: { wanted: true },
      'an unknown provider': { wanted: true },
    },
    model: {
      'no facts': { wanted: false },
      'x86-64 without VNNI': { wanted: false },
      'x86-64 with VNNI': { wanted: false },
      wasm: { wanted: false },
      'an unknown provider': { wanted: false },
    },
  };
  for (const registry of [MODELS['mobilenetv2-12-int8'], MODELS['mobilenetv2-12-qdq'], undefined]) {
    for (const precision of PRECISIONS) {
      for (const [name, f] of Object.entries(facts) as [keyof typeof facts, Int8Facts | undefined][]) {
        const want = expected[precision][name];
        it(`${registry?.name ?? 'a file'}, ${precision}, ${name}: ${want.wanted ? 'float' : 'as is'}${want.warning ? ' with a warning' : ''}`, () => {
          expect(floatPolicy(precision, registry, () => f)).toEqual(want);
        });
      }
    }
  }

  it('never rewrites a float registry model, and asks for facts only under auto for a model that may be int8', () => {
    let asked = 0;
    const ask = () => {
      asked++;
      return NO_VNNI;
    };
    for (const precision of PRECISIONS) expect(floatPolicy(precision, MODELS['mobilenetv2-12'], ask)).toEqual({ wanted: false });
    floatPolicy('fp32', undefined, ask);
    floatPolicy('model', MODELS['mobilenetv2-12-int8'], ask);
    expect(asked).toBe(0);
    floatPolicy('auto', MODELS['mobilenetv2-12-int8'], ask);
    expect(asked).toBe(1);
  });

  it('refuses an unknown precision with E_INPUT naming the values it takes', () => {
    expect(() => floatPolicy('int4' as Precision, undefined, () => undefined)).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: `precision must be one of 'auto', 'model', 'fp32', got "int4"` }),
    );
  });
});
