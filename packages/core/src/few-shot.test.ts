import { describe, expect, it } from 'vitest';
import { createFewShotClassifier, type FewShotJSON } from './few-shot.js';

// A classifier stand-in whose embedding is the input itself: few-shot logic is tested on its own.
const identity = { embed: async (v: never) => Float32Array.from(v as unknown as number[]) };

function saved(examples: FewShotJSON['examples'], dimensions = 2): FewShotJSON {
  return { format: 'onnx-mobilenet-few-shot', version: 1, dimensions, examples };
}

describe('createFewShotClassifier', () => {
  it('labels by the nearest examples, with confidences that sum to 1', () => {
    const f = createFewShotClassifier(identity);
    f.addEmbedding([1, 0], 'east');
    f.addEmbedding([0.9, 0.1], 'east');
    f.addEmbedding([0, 1], 'north');
    const p = f.predictEmbedding([1, 0.2], { k: 3 });
    expect(p.label).toBe('east');
    expect(p.scores.map((s) => s.votes)).toEqual([2, 1]);
    expect(p.scores.reduce((a, s) => a + s.confidence, 0)).toBeCloseTo(1, 6);
  });

  it('keeps labels that are Object.prototype names as ordinary labels', () => {
    const f = createFewShotClassifier(identity);
    for (const label of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) f.addEmbedding([1, 0], label);
    f.addEmbedding([0, 1], 'constructor');
    const labels = f.labels();
    expect(labels).toBeInstanceOf(Map);
    expect([...labels]).toEqual([
      ['__proto__', 1],
      ['constructor', 2],
      ['toString', 1],
      ['hasOwnProperty', 1],
    ]);
    const restored = createFewShotClassifier(identity, JSON.parse(JSON.stringify(f.toJSON())) as FewShotJSON);
    expect([...restored.labels()]).toEqual([...labels]);
  });

  it('refuses embeddings with NaN or infinite values instead of answering NaN', () => {
    const f = createFewShotClassifier(identity);
    expect(() => f.addEmbedding([Number.NaN, 1], 'a')).toThrow(expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/finite/) }));
    f.addEmbedding([1, 0], 'a');
    expect(() => f.predictEmbedding([Infinity, 0])).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    const nan = new Uint8Array(new Float32Array([Number.NaN, 1]).buffer);
    const b64 = btoa(String.fromCharCode(...nan));
    expect(() => createFewShotClassifier(identity, saved([{ label: 'x', embedding: b64 }]))).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });

  it.each([
    ['a non-base64 embedding', saved([{ label: 'x', embedding: '!!not base64!!' }])],
    ['an embedding of a length that is not a multiple of 4 bytes', saved([{ label: 'x', embedding: btoa('abc') }])],
    ['an embedding that is a number', saved([{ label: 'x', embedding: 42 as unknown as string }])],
    ['a label that is not a string', saved([{ label: 7 as unknown as string, embedding: btoa('\0\0\0\0\0\0\0\0') }])],
    ['an example that is null', saved([null as unknown as FewShotJSON['examples'][number]])],
    ['dimensions that are not the embeddings\' length', saved([{ label: 'x', embedding: btoa('\0\0\0\0\0\0\0\0') }], 3)],
    ['null', null as unknown as FewShotJSON],
  ])('refuses saved JSON with %s as E_INPUT', (_, json) => {
    expect(() => createFewShotClassifier(identity, json)).toThrow(expect.objectContaining({ name: 'OnnxMobilenetError', code: 'E_INPUT' }));
  });
});
