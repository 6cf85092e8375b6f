import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../options/defaults.js';
import { normalizeToCHW } from './normalize.js';
import { preprocess } from './preprocess.js';

const { mean, std } = DEFAULTS.preprocess;

describe('normalizeToCHW', () => {
  it('scales, normalises and reorders HWC to CHW (hand-computed)', () => {
    // two pixels: (255, 0, 128) and (0, 255, 0)
    const out = normalizeToCHW({ data: new Uint8Array([255, 0, 128, 0, 255, 0]), width: 2, height: 1, channels: 3 }, mean, std);
    const expected = [
      (1 - 0.485) / 0.229,
      (0 - 0.485) / 0.229, // R plane
      (0 - 0.456) / 0.224,
      (1 - 0.456) / 0.224, // G plane
      (128 / 255 - 0.406) / 0.225,
      (0 - 0.406) / 0.225, // B plane
    ];
    expected.forEach((v, i) => {
      expect(out[i]).toBeCloseTo(v, 5);
    });
    expect(out[0]).toBeCloseTo(2.2489, 4);
  });

  it('replicates gray to RGB and drops alpha', () => {
    const g = normalizeToCHW({ data: new Uint8Array([51]), width: 1, height: 1, channels: 1 }, mean, std);
    expect(Array.from(g)).toEqual(Array.from(new Float32Array([(0.2 - 0.485) / 0.229, (0.2 - 0.456) / 0.224, (0.2 - 0.406) / 0.225])));
    const rgba = normalizeToCHW({ data: new Uint8Array([51, 51, 51, 7]), width: 1, height: 1, channels: 4 }, mean, std);
    expect(Array.from(rgba)).toEqual(Array.from(g));
  });

  it('writes at an offset into a shared batch buffer', () => {
    const buf = new Float32Array(8).fill(9);
    normalizeToCHW({ data: new Uint8Array([0, 0, 0]), width: 1, height: 1, channels: 3 }, mean, std, buf, 4);
    expect(Array.from(buf.slice(0, 4))).toEqual([9, 9, 9, 9]);
    expect(buf[4]).toBeCloseTo(-0.485 / 0.229, 5);
    expect(buf[7]).toBe(9);
  });
});

describe('preprocess', () => {
  it('turns a uniform photo of any size into a uniform 3x224x224 tensor', () => {
    const w = 300,
      h = 260;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i += 3) data.set([255, 128, 0], i);
    const t = preprocess({ data, width: w, height: h, channels: 3 }, DEFAULTS.preprocess);
    expect(t.length).toBe(3 * 224 * 224);
    const plane = 224 * 224;
    expect(t[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(t[plane + 12345]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5);
    expect(t[3 * plane - 1]).toBeCloseTo(-0.406 / 0.225, 5);
  });
});

describe('normalizeToCHW arithmetic', () => {
  it("gives, for all 256 values of each channel, the float32 of the model card's formula", () => {
    const data = new Uint8Array(256 * 3);
    for (let v = 0; v < 256; v++) data.set([v, v, v], v * 3);
    const out = normalizeToCHW({ data, width: 256, height: 1, channels: 3 }, mean, std);
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) expect(out[c * 256 + v]).toBe(Math.fround((v / 255 - mean[c]!) / std[c]!));
    }
  });
});
