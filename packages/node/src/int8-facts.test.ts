import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClassifier } from '../src/index.js';
import { int8Verdict } from '../../core/src/graph/precision.js';
import { int8Facts } from './int8-facts.js';
import { FP32_MODEL, INT8_MODEL, SYNSET, describeWithAssets, photo as photoAt } from '../../../test/assets.js';

const cpu = (flags: string) => `processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse sse2 ${flags}\n`;
/** core's verdict on the facts read from this /proc/cpuinfo text and environment, on any machine. */
const verdict = (env: NodeJS.ProcessEnv, cpuinfo: string | null, arch = 'x64') => int8Verdict(int8Facts(env, cpuinfo, arch));

describe('int8Facts, judged by core', () => {
  it('reads the CPU flags from /proc/cpuinfo: AVX2 without VNNI makes int8 inaccurate', () => {
    expect(int8Facts({}, cpu('avx avx2 fma'), 'x64')).toEqual({ runtime: 'native', cpu: { arch: 'x64', flags: ['fpu', 'sse', 'sse2', 'avx', 'avx2', 'fma'] } });
    expect(verdict({}, cpu('avx avx2 fma'))).toMatchObject({ worse: 'accuracy', reason: expect.stringContaining('#16105') });
  });
  it('with AVX-VNNI, AVX-512 VNNI or AMX int8 is trusted', () => {
    for (const f of ['avx2 avx_vnni', 'avx2 avx512f avx512_vnni', 'avx2 amx_int8']) expect(verdict({}, cpu(f)).worse).toBeNull();
  });
  it('passes ONNX_MOBILENET_INT8 on, and reports unknown flags and other CPUs as such', () => {
    expect(verdict({ ONNX_MOBILENET_INT8: 'native' }, cpu('avx2')).worse).toBeNull();
    expect(verdict({ ONNX_MOBILENET_INT8: 'dequantize' }, cpu('avx2 avx512_vnni'))).toEqual({ worse: 'accuracy', reason: 'ONNX_MOBILENET_INT8=dequantize' });
    expect(int8Facts({}, null, 'x64').cpu).toEqual({ arch: 'x64', flags: null });
    expect(verdict({}, null).worse).toBeNull();
    expect(verdict({}, cpu('avx2'), 'arm64').worse).toBeNull();
  });
  it('reads ONNX_MOBILENET_INT8 from the environment itself, never from an inherited property', () => {
    const env = Object.create({ ONNX_MOBILENET_INT8: 'native' }) as NodeJS.ProcessEnv;
    expect(int8Facts(env, cpu('avx2')).override).toBeUndefined();
    expect(int8Facts({ ONNX_MOBILENET_INT8: 'native' }, cpu('avx2')).override).toEqual({ setting: 'ONNX_MOBILENET_INT8', value: 'native' });
  });

  it('reads this machine', () => {
    const here = int8Facts();
    expect(here.cpu?.arch).toBe(process.arch);
    if (process.platform === 'linux') expect(here.cpu?.flags?.length).toBeGreaterThan(0);
  });
});

describeWithAssets('precision', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("'auto' dequantizes int8 where int8 is flagged, warns once per classifier, and then matches the fp32 graph", async () => {
    vi.stubEnv('ONNX_MOBILENET_INT8', 'dequantize');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const dequantizeWarnings = () => warn.mock.calls.filter((c) => String(c[0]).includes('dequantized'));
    const a = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    expect(dequantizeWarnings()).toEqual([[expect.stringContaining('ONNX_MOBILENET_INT8=dequantize'), { code: 'ONNX_MOBILENET_INT8' }]]);
    // The channel belongs to the classifier, not the module: the next one says it again, once.
    const b = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    expect(dequantizeWarnings()).toHaveLength(2);
    const fp32 = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
    expect(a.model.dequantized).toBe(true);
    expect(b.model.dequantized).toBe(true);
    expect(fp32.model.dequantized).toBe(false);
    expect(dequantizeWarnings()).toHaveLength(2);
    expect(String(dequantizeWarnings()[0]?.[0])).toMatch(/^int8 model runs dequantized to float32: .*precision: 'model'/);
    const photo = photoAt(3).path;
    expect(Array.from(await a.logits(photo))).toEqual(Array.from(await fp32.logits(photo)));
    await Promise.all([a.dispose(), b.dispose(), fp32.dispose()]);
  });

  it("'auto' keeps int8 where it is trusted (ONNX_MOBILENET_INT8=native), with no warning", async () => {
    vi.stubEnv('ONNX_MOBILENET_INT8', 'native');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const trusted = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    expect(trusted.model.dequantized).toBe(false);
    expect(warn.mock.calls.filter((c) => String(c[0]).includes('dequantized'))).toEqual([]);
    await trusted.dispose();
  });

  it("'model' keeps int8 and 'fp32' always dequantizes; bad values are E_INPUT", async () => {
    vi.stubEnv('ONNX_MOBILENET_INT8', 'dequantize');
    const native = await createClassifier({ model: INT8_MODEL, labels: SYNSET, precision: 'model' });
    expect(native.model.dequantized).toBe(false);
    await native.dispose();
    vi.stubEnv('ONNX_MOBILENET_INT8', 'native');
    const forced = await createClassifier({ model: readFileSync(INT8_MODEL), labels: SYNSET, precision: 'fp32' });
    expect(forced.model.dequantized).toBe(true);
    await forced.dispose();
    await expect(createClassifier({ model: INT8_MODEL, labels: SYNSET, precision: 'int4' as never })).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});
