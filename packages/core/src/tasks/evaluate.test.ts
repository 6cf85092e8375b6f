import { describe, expect, it } from 'vitest';
import { OnnxMobilenetError } from '../errors/errors.js';
import { evaluate, type EvalSample } from './evaluate.js';
import type { ClassLabel } from '../predictions/labels.js';
import type { Prediction } from '../predictions/postprocess.js';

// A classifier stand-in: each input names its own ranking of class indices, or the error it fails with.
const NAMES = ['tench', 'goldfish', 'shark', 'hen', 'ostrich', 'robin', 'jay', 'owl'];
const labels: ClassLabel[] = NAMES.map((label, index) => ({ index, id: `w${index}`, label, synonyms: [label] }));

function fakeClassifier(outcomes: Record<string, number[] | Error>) {
  let inFlight = 0;
  const seen = { maxInFlight: 0, topK: new Set<unknown>() };
  const classify = async (input: string, options: { topK?: number } = {}): Promise<Prediction[]> => {
    seen.topK.add(options.topK);
    inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    const outcome = outcomes[input];
    if (outcome instanceof Error) throw outcome;
    return outcome!.map((index, rank) => ({ index, id: labels[index]!.id, label: labels[index]!.label, probability: 0.5 / (rank + 1) }));
  };
  return { classifier: { labels, classify } as never as Parameters<typeof evaluate<string>>[0], seen };
}

const outcomes = {
  a: [0, 1, 2, 3, 4], // right at rank 1
  b: [0, 1, 2, 3, 4], // right at rank 2
  c: [7, 6, 5, 4, 3], // wrong
  d: new OnnxMobilenetError('E_IMAGE_DECODE', 'cannot decode image d'),
  e: new OnnxMobilenetError('E_NOT_FOUND', 'kaboom: image file not found'),
  f: new OnnxMobilenetError('E_LIMIT', 'image f is over limits.maxInputPixels'),
  g: [4, 0, 1, 2, 3], // right at rank 1
};
const samples: EvalSample<string>[] = [
  { input: 'a', label: 'w0', name: 'a.jpg' }, // ground truth by id
  { input: 'b', label: 'goldfish', name: 'b.jpg' }, // by label name
  { input: 'c', label: 2, name: 'c.jpg' }, // by output index
  { input: 'd', label: 'w3', name: 'd.jpg' },
  { input: 'e', label: 'w3', name: 'e.jpg' },
  { input: 'f', label: 'hen', name: 'f.jpg' },
  { input: 'g', label: 4 }, // no name: named by position
];

describe('evaluate', () => {
  it('counts top-1 and top-5 hits, per class and per sample, whatever form the ground truth takes', async () => {
    const { classifier, seen } = fakeClassifier(outcomes);
    const r = await evaluate(classifier, samples);
    expect(seen.topK).toEqual(new Set([5]));
    expect(r).toMatchObject({ samples: 7, top1: 2, top5: 3, errors: 3 });
    expect(r.top1Accuracy).toBeCloseTo(2 / 7, 12);
    expect(r.top5Accuracy).toBeCloseTo(3 / 7, 12);
    expect(r.perClass).toEqual({
      w0: { samples: 1, top1: 1, top5: 1 },
      w1: { samples: 1, top1: 0, top5: 1 },
      w2: { samples: 1, top1: 0, top5: 0 },
      w3: { samples: 3, top1: 0, top5: 0 },
      w4: { samples: 1, top1: 1, top5: 1 },
    });
    expect(r.perSample.map((s) => [s.name, s.expected.index, s.top1Correct, s.top5Correct])).toEqual([
      ['a.jpg', 0, true, true],
      ['b.jpg', 1, false, true],
      ['c.jpg', 2, false, false],
      ['d.jpg', 3, false, false],
      ['e.jpg', 3, false, false],
      ['f.jpg', 3, false, false],
      ['#6', 4, true, true],
    ]);
    expect(r.perSample[1]!.expected).toEqual({ index: 1, id: 'w1', label: 'goldfish' });
    expect(r.perSample[0]!.top5.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(r.timing.totalMs).toBeGreaterThanOrEqual(0);
    expect(r.timing.msPerSample).toBeCloseTo(r.timing.totalMs / 7, 9);
  });

  it('reports a sample that fails as wrong, with its error code and message, and goes on', async () => {
    const { classifier } = fakeClassifier(outcomes);
    const r = await evaluate(classifier, samples);
    const failed = r.perSample.filter((s) => s.error);
    expect(failed.map((s) => s.name)).toEqual(['d.jpg', 'e.jpg', 'f.jpg']);
    expect(failed.every((s) => s.top5.length === 0)).toBe(true);
    const byCode = new Map<string, number>();
    for (const s of failed) byCode.set(s.error!.code, (byCode.get(s.error!.code) ?? 0) + 1);
    expect(byCode.get('E_IMAGE_DECODE')).toBe(1);
    expect(byCode.get('E_LIMIT')).toBe(1);
    expect(byCode.get('E_NOT_FOUND')).toBe(1);
    expect(failed[0]!.error!.message).toMatch(/cannot decode image d/);
    expect(failed[1]!.error!.message).toMatch(/kaboom/);
    expect(failed[2]!.error!.message).toMatch(/over limits\.maxInputPixels/);
  });

  it('classifies in batches of batchSize, reporting progress after each', async () => {
    const { classifier, seen } = fakeClassifier(outcomes);
    const progress: [number, number][] = [];
    const r = await evaluate(classifier, samples, { batchSize: 3, onProgress: (done, total) => progress.push([done, total]) });
    expect(seen.maxInFlight).toBe(3);
    expect(progress).toEqual([
      [3, 7],
      [6, 7],
      [7, 7],
    ]);
    expect(r.top1).toBe(2); // the same counts as in one batch
    const one = fakeClassifier(outcomes);
    await evaluate(one.classifier, samples, { batchSize: 1 });
    expect(one.seen.maxInFlight).toBe(1);
  });

  it('stops on a failure that is not an OnnxMobilenetError (a bug), instead of counting it', async () => {
    const bug = new TypeError('x is undefined');
    const { classifier } = fakeClassifier({ ...outcomes, e: bug });
    await expect(evaluate(classifier, samples)).rejects.toBe(bug);
  });

  it('refuses a ground truth that names no class with E_INPUT', async () => {
    for (const label of ['n99999999', 'unicorn', 8, -1]) {
      const { classifier } = fakeClassifier({ a: [0] });
      await expect(evaluate(classifier, [{ input: 'a', label, name: 'x.jpg' }])).rejects.toMatchObject({
        code: 'E_INPUT',
        message: expect.stringContaining('x.jpg'),
      });
    }
  });

  it('gives zero accuracies, not NaN, for no samples', async () => {
    const { classifier } = fakeClassifier({});
    const r = await evaluate(classifier, []);
    expect(r).toMatchObject({ samples: 0, top1: 0, top5: 0, top1Accuracy: 0, top5Accuracy: 0, errors: 0, perClass: {}, perSample: [] });
    expect(r.timing.msPerSample).toBe(0);
  });
});

describe('evaluate options', () => {
  it('refuses a batchSize that is not a positive integer (0 looped for ever) with E_INPUT', async () => {
    const { classifier } = fakeClassifier(outcomes);
    for (const batchSize of [0, -1, 0.5, Number.NaN, Infinity]) {
      await expect(evaluate(classifier, samples, { batchSize })).rejects.toMatchObject({
        code: 'E_INPUT',
        message: expect.stringContaining('batchSize must be an integer from 1 to'),
      });
    }
  });
});
