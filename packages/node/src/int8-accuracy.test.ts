import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClassifier } from '../src/index.js';
import { int8Accuracy } from './int8-accuracy.js';
import { FP32_MODEL, INT8_MODEL, SYNSET, describeWithAssets, photo as photoAt } from '../../../test/assets.js';

const cpu = (flags: string) => `processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse sse2 ${flags}\n`;

describe.runIf(process.arch === 'x64')('int8Accuracy', () => {
  it('flags x86-64 CPUs with AVX2 but no VNNI', () => {
    expect(int8Accuracy({}, cpu('avx avx2 fma'))).toMatchObject({ inaccurate: true, reason: expect.stringContaining('#16105') });
  });
  it('trusts CPUs with AVX-VNNI, AVX-512 VNNI or AMX', () => {
    for (const f of ['avx2 avx_vnni', 'avx2 avx512f avx512_vnni', 'avx2 amx_int8']) expect(int8Accuracy({}, cpu(f)).inaccurate).toBe(false);
  });
  it('follows ONNX_MOBILENET_INT8 and reports unknown CPUs as accurate', () => {
    expect(int8Accuracy({ ONNX_MOBILENET_INT8: 'native' }, cpu('avx2')).inaccurate).toBe(false);
    expect(int8Accuracy({ ONNX_MOBILENET_INT8: 'dequantize' }, cpu('avx2 avx512_vnni')).inaccurate).toBe(true);
    expect(int8Accuracy({}, null).inaccurate).toBe(false);
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
