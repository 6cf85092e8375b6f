import type { InferenceSession } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import type { PlatformFacts } from '../backend.js';
import type { Precision } from '../options/defaults.js';
import { MODELS } from '../io/model-registry.js';
import { floatPolicy } from './rewrite-model.js';

type Facts = Pick<PlatformFacts, 'int8Inaccurate' | 'int8Slower'>;

/** Hand-made platform facts: each fact absent, false or true. */
function facts(inaccurate: boolean | undefined, slower: boolean | undefined, seen: unknown[] = []): Facts {
  return {
    ...(inaccurate === undefined ? {} : { int8Inaccurate: () => ({ inaccurate, reason: 'kernels saturate here' }) }),
    ...(slower === undefined
      ? {}
      : {
          int8Slower: (providers: readonly InferenceSession.ExecutionProviderConfig[] | undefined) => {
            seen.push(providers);
            return { slower, reason: 'int8 kernels are slower here' };
          },
        }),
  };
}

const WARNING = "int8 model runs dequantized to float32: kernels saturate here. Pass precision: 'model' to run the int8 kernels anyway.";

describe('floatPolicy', () => {
  // Every combination, written out: [precision, inaccurate, slower] → dequantize?, warning?
  // (for an int8 registry model and for a file outside the registry, which may be int8).
  const rows: [Precision, boolean | undefined, boolean | undefined, boolean, boolean][] = [
    ['auto', undefined, undefined, false, false],
    ['auto', undefined, false, false, false],
    ['auto', undefined, true, true, false],
    ['auto', false, undefined, false, false],
    ['auto', false, false, false, false],
    ['auto', false, true, true, false],
    ['auto', true, undefined, true, true],
    ['auto', true, false, true, true],
    ['auto', true, true, true, true],
    ...([undefined, false, true] as const).flatMap((inaccurate) =>
      ([undefined, false, true] as const).flatMap((slower) => [
        ['fp32', inaccurate, slower, true, false] as [Precision, boolean | undefined, boolean | undefined, boolean, boolean],
        ['model', inaccurate, slower, false, false] as [Precision, boolean | undefined, boolean | undefined, boolean, boolean],
      ]),
    ),
  ];
  for (const registry of [MODELS['mobilenetv2-12-int8'], MODELS['mobilenetv2-12-qdq'], undefined]) {
    for (const [precision, inaccurate, slower, wanted, warns] of rows) {
      it(`${registry?.name ?? 'a file'}, ${precision}, inaccurate ${inaccurate}, slower ${slower}: ${wanted ? 'float' : 'as is'}${warns ? ' with a warning' : ''}`, () => {
        const policy = floatPolicy(precision, registry, facts(inaccurate, slower));
        expect(policy.wanted).toBe(wanted);
        expect(policy.warning).toBe(warns ? WARNING : undefined);
        // only a speed choice gives way to the size limit; fp32 asked for, or accuracy, do not
        expect(policy.optional === true).toBe(precision === 'auto' && wanted && !warns);
      });
    }
  }

  it('never rewrites a float registry model, whatever the facts and precision', () => {
    for (const precision of ['auto', 'fp32', 'model'] as const) {
      for (const f of [facts(true, true), facts(false, true), facts(true, false), facts(undefined, undefined)]) {
        expect(floatPolicy(precision, MODELS['mobilenetv2-12'], f)).toEqual({ wanted: false });
      }
    }
  });

  it('asks about speed for the execution providers the classifier was given', () => {
    const seen: unknown[] = [];
    floatPolicy('auto', undefined, facts(false, true, seen), ['webgpu', 'wasm']);
    floatPolicy('auto', undefined, facts(undefined, false, seen));
    expect(seen).toEqual([['webgpu', 'wasm'], undefined]);
  });

  it('asks about speed only under auto, and not once accuracy decided', () => {
    const seen: unknown[] = [];
    floatPolicy('auto', undefined, facts(true, true, seen), ['wasm']);
    floatPolicy('fp32', undefined, facts(false, true, seen), ['wasm']);
    floatPolicy('model', undefined, facts(false, true, seen), ['wasm']);
    expect(seen).toEqual([]);
  });

  it('refuses an unknown precision with E_INPUT', () => {
    expect(() => floatPolicy('int4' as Precision, undefined, facts(false, false))).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining('"int4"') }),
    );
  });
});
