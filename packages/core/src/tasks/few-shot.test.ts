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

  it('weighs votes by cosine similarity, hand-computed, and gives negative similarities no weight', () => {
    const f = createFewShotClassifier(identity);
    f.addEmbedding([1, 0], 'east');
    f.addEmbedding([3, 4], 'east'); // kept as [0.6, 0.8]
    f.addEmbedding([0, 2], 'north');
    f.addEmbedding([0, -1], 'south');
    // query [0.8, 0.6]: similarities east 0.8 and 0.96, north 0.6, south -0.6
    const p = f.predictEmbedding([8, 6], { k: 4 });
    expect(p.scores.map((s) => [s.label, s.votes])).toEqual([
      ['east', 2],
      ['north', 1],
      ['south', 1],
    ]);
    expect(p.scores[0]!.confidence).toBeCloseTo(1.76 / 2.36, 6);
    expect(p.scores[1]!.confidence).toBeCloseTo(0.6 / 2.36, 6);
    expect(p.scores[2]!.confidence).toBe(0);
    expect(p).toMatchObject({ label: 'east', confidence: p.scores[0]!.confidence });
    // the two nearest are both east; k = 3 (the default) adds north
    expect(f.predictEmbedding([8, 6], { k: 2 }).scores).toEqual([{ label: 'east', confidence: 1, votes: 2 }]);
    expect(f.predictEmbedding([8, 6])).toEqual(f.predictEmbedding([8, 6], { k: 3 }));
  });

  it('round-trips through toJSON with normalised float32 embeddings and the same predictions', () => {
    const f = createFewShotClassifier(identity);
    f.addEmbedding([3, 4], 'a');
    f.addEmbedding([1, -1], 'b');
    const json = JSON.parse(JSON.stringify(f.toJSON())) as FewShotJSON;
    expect(json).toMatchObject({ format: 'onnx-mobilenet-few-shot', version: 1, dimensions: 2 });
    const first = Uint8Array.from(atob(json.examples[0]!.embedding), (c) => c.charCodeAt(0));
    expect(Array.from(new Float32Array(first.buffer))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    const restored = createFewShotClassifier(identity, json);
    for (const q of [
      [1, 1],
      [0.2, -3],
      [-1, 0.5],
    ])
      expect(restored.predictEmbedding(q, { k: 2 })).toEqual(f.predictEmbedding(q, { k: 2 }));
    expect(createFewShotClassifier(identity).toJSON()).toEqual({ format: 'onnx-mobilenet-few-shot', version: 1, dimensions: 0, examples: [] });
  });

  it('embeds through the classifier in add() and predict(), and forgets by label or all at once', async () => {
    const f = createFewShotClassifier(identity);
    await f.add([1, 0] as never, 'x');
    await f.add([0, 1] as never, 'y');
    await f.add([0.1, 1] as never, 'y');
    expect((await f.predict([0.9, 0.1] as never, { k: 1 })).label).toBe('x');
    f.remove('x');
    expect([...f.labels()]).toEqual([['y', 2]]);
    expect((await f.predict([0.9, 0.1] as never, { k: 1 })).label).toBe('y');
    f.clear();
    expect(f.labels().size).toBe(0);
    expect(() => f.predictEmbedding([1, 0])).toThrow(expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/no examples/) }));
  });

  it('refuses bad k, empty labels and embeddings of another length with E_INPUT', async () => {
    const f = createFewShotClassifier(identity);
    f.addEmbedding([1, 0], 'a');
    for (const k of [0, -1, 1.5, Number.NaN]) expect(() => f.predictEmbedding([1, 0], { k })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => f.addEmbedding([1, 0], '')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    await expect(f.add([1, 0] as never, 7 as never)).rejects.toMatchObject({ code: 'E_INPUT' });
    expect(() => f.addEmbedding([1, 0, 0], 'a')).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/3 values, the examples have 2/) }),
    );
    expect(() => f.predictEmbedding([1])).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/1 values, the examples have 2/) }),
    );
  });

  it.each([
    ['a non-base64 embedding', saved([{ label: 'x', embedding: '!!not base64!!' }])],
    ['an embedding of a length that is not a multiple of 4 bytes', saved([{ label: 'x', embedding: btoa('abc') }])],
    ['an embedding that is a number', saved([{ label: 'x', embedding: 42 as unknown as string }])],
    ['a label that is not a string', saved([{ label: 7 as unknown as string, embedding: btoa('\0\0\0\0\0\0\0\0') }])],
    ['an example that is null', saved([null as unknown as FewShotJSON['examples'][number]])],
    ["dimensions that are not the embeddings' length", saved([{ label: 'x', embedding: btoa('\0\0\0\0\0\0\0\0') }], 3)],
    ['null', null as unknown as FewShotJSON],
  ])('refuses saved JSON with %s as E_INPUT', (_, json) => {
    expect(() => createFewShotClassifier(identity, json)).toThrow(expect.objectContaining({ name: 'OnnxMobilenetError', code: 'E_INPUT' }));
  });
});
