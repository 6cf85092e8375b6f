import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { fitSoftmaxRegression } from './softmax-regression.js';
import { createTrainer } from './trainer.js';

// A classifier stand-in whose embedding is the input itself: the trainer is tested on its own.
const identity = { embed: async (v: never) => Float32Array.from(v as unknown as number[]) };

/** `n` points per class around the class's own corner of an 8-D cube, with seeded noise. */
function clusters(classes: string[], n: number, noise: number, seed = 7): [number[], string][] {
  const random = seededRandom(seed);
  return classes.flatMap((label, c) =>
    Array.from(
      { length: n },
      () => [Array.from({ length: 8 }, (_, d) => (d % classes.length === c ? 1 : 0) + noise * (random() - 0.5)), label] as [number[], string],
    ),
  );
}

function trainerWith(points: [number[], string][]) {
  const t = createTrainer(identity);
  for (const [x, label] of points) t.addEmbeddings([x], label);
  return t;
}

describe('fitSoftmaxRegression', () => {
  it('takes the first Adam step computed by hand, and folds the standardisation into raw-feature weights', async () => {
    // x = [0, 2] standardises to z = [-1, 1] (mean 1, std 1). From zero weights p = [0.5, 0.5], so the
    // gradient is Σ (p - y) z / 2 = +0.5 for class 0 and -0.5 for class 1, and 0 for both biases. Adam's first
    // step moves each weight by -lr · sign(gradient): w = [-0.1, 0.1], b = [0, 0]. Folded:
    // w / std = [-0.1, 0.1] and b - w · mean / std = [0.1, -0.1].
    const fitted = await fitSoftmaxRegression({ features: [[0], [2]], classes: [0, 1] }, undefined, {
      classCount: 2,
      epochs: 1,
      learningRate: 0.1,
      batchSize: 2,
      l2: 0,
      patience: 1,
      random: seededRandom(1),
      pause: async () => {},
    });
    expect(Array.from(fitted.weights)).toEqual([-0.1, 0.1].map(Math.fround));
    expect(Array.from(fitted.bias)).toEqual([0.1, -0.1].map(Math.fround));
  });
});

describe('createTrainer', () => {
  it('gives the same head for the same seed, bit for bit, and another for another seed', async () => {
    const points = clusters(['a', 'b', 'c'], 10, 1.5);
    const one = await trainerWith(points).train({ seed: 3, epochs: 20 });
    const two = await trainerWith(points).train({ seed: 3, epochs: 20 });
    const other = await trainerWith(points).train({ seed: 4, epochs: 20 });
    expect(Buffer.from(two.weights.buffer).equals(Buffer.from(one.weights.buffer))).toBe(true);
    expect(Buffer.from(two.bias.buffer).equals(Buffer.from(one.bias.buffer))).toBe(true);
    expect({ ...two.report, milliseconds: 0 }).toEqual({ ...one.report, milliseconds: 0 });
    expect(Buffer.from(other.weights.buffer).equals(Buffer.from(one.weights.buffer))).toBe(false);
  });

  it('learns separable classes: validation accuracy 1, a diagonal confusion matrix, photos split per class', async () => {
    const head = await trainerWith(clusters(['a', 'b', 'c'], 10, 0.5)).train({ learningRate: 0.01 });
    expect(head.labels).toEqual(['a', 'b', 'c']);
    expect(head.report.photos).toEqual({ training: 24, validation: 6 }); // 2 of each class's 10
    expect(head.report.validationAccuracy).toBe(1);
    expect(head.report.confusion).toEqual([
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 2],
    ]);
  });

  it('splits by photo: every view of a validation photo stays out of training', async () => {
    const t = createTrainer(identity);
    // Each photo has 3 views; a view's last value is its photo's number, and no two photos share one.
    const photos = clusters(['a', 'b'], 5, 0.2).map(([x, label], i) => ({ views: [0, 1, 2].map((v) => [...x, i * 10 + v]), label }));
    for (const p of photos) t.addEmbeddings(p.views, p.label);
    const head = await t.train({ validationSplit: 0.4, epochs: 3 });
    expect(head.report.photos).toEqual({ training: 6, validation: 4 });
    expect(head.report.trainingViews).toBe(18);
    expect(head.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('stops early once the validation loss stops falling, keeping the best epoch', async () => {
    const head = await trainerWith(clusters(['a', 'b'], 20, 4)).train({ epochs: 500, patience: 3, learningRate: 0.05 });
    expect(head.report.stoppedEarly).toBe(true);
    expect(head.report.epochs).toBe(head.report.bestEpoch + 3);
    expect(head.report.history).toHaveLength(head.report.epochs);
  });

  it('trains on every photo for every epoch without validation, and reports no validation figures', async () => {
    const head = await trainerWith(clusters(['a', 'b'], 3, 0.5)).train({ validationSplit: 0, epochs: 7 });
    expect(head.report).toMatchObject({ epochs: 7, bestEpoch: 7, stoppedEarly: false, validationAccuracy: null, photos: { training: 6, validation: 0 } });
    expect(head.report.history.every((e) => e.validationLoss === null)).toBe(true);
  });

  it('weights classes: balanced weighting favours a class with few photos more than equal weighting', async () => {
    // 20 photos of "many" and 4 of "few", overlapping: the bias toward "few" grows with its weight.
    const points = [...clusters(['many', 'few'], 20, 3).slice(0, 20), ...clusters(['many', 'few'], 20, 3).slice(20, 24)];
    const options = { validationSplit: 0, epochs: 30, learningRate: 0.01 } as const;
    const lean = (h: { bias: Float32Array }) => h.bias[1]! - h.bias[0]!;
    const equal = await trainerWith(points).train({ ...options, classWeights: 'equal' });
    const balanced = await trainerWith(points).train(options);
    const heavy = await trainerWith(points).train({ ...options, classWeights: { few: 20 } });
    expect(lean(balanced)).toBeGreaterThan(lean(equal));
    expect(lean(heavy)).toBeGreaterThan(lean(balanced));
  });

  it('reports each epoch to onEpoch, and stops with the signal reason when aborted', async () => {
    const seen: number[] = [];
    const stop = new AbortController();
    const training = trainerWith(clusters(['a', 'b'], 5, 1)).train({
      epochs: 50,
      patience: 50,
      signal: stop.signal,
      onEpoch: (p) => {
        seen.push(p.epoch);
        if (p.epoch === 3) stop.abort(new Error('enough'));
      },
    });
    await expect(training).rejects.toThrow('enough');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses what it cannot train on, naming the problem', async () => {
    await expect(trainerWith(clusters(['a'], 3, 0)).train()).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('only "a"') });
    const t = trainerWith(clusters(['a', 'b'], 3, 0));
    await expect(t.train({ classWeights: { c: 2 } })).rejects.toMatchObject({ message: expect.stringContaining('"c", which is not a label') });
    await expect(t.train({ classWeights: { a: -1 } })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(t.train({ validationSplit: 1 })).rejects.toMatchObject({ message: expect.stringContaining('validationSplit') });
    expect(() => t.addEmbeddings([[1, 2]], 'a')).toThrow(/has 2 values, expected 8/);
    expect(() => t.addEmbeddings([[Number.NaN, 0, 0, 0, 0, 0, 0, 0]], 'a')).toThrow(/value 0 is NaN/);
    expect(() => t.addEmbeddings([], 'a')).toThrow(/one or more/);
    await expect(t.add([1] as never, '')).rejects.toMatchObject({ code: 'E_INPUT' });
    expect(() => createTrainer(identity, { augment: { flip: true } })).toThrow(/createClassifier/);
    await expect(t.train({ classWeights: { a: 0, b: 0 } })).rejects.toMatchObject({ message: expect.stringContaining('weight 0') });
    await expect(t.train({ signal: {} as AbortSignal })).rejects.toMatchObject({ code: 'E_INPUT' });
    for (const label of ['n01440764 tench, Tinca tinca', ' padded', 'tab\t'])
      expect(() => t.addEmbeddings([[0, 0, 0, 0, 0, 0, 0, 0]], label), label).toThrow(/read back as/);
    await expect(t.exportModel({} as never)).rejects.toMatchObject({ message: expect.stringContaining('exportHeadModel') });
  });

  it('reads a class weight given as undefined as 1, the weight of a label not named', async () => {
    const points = clusters(['a', 'b'], 6, 2);
    const options = { validationSplit: 0, epochs: 5 } as const;
    const named = await trainerWith(points).train({ ...options, classWeights: { a: undefined as unknown as number, b: 3 } });
    const unnamed = await trainerWith(points).train({ ...options, classWeights: { b: 3 } });
    expect(Array.from(named.bias)).toEqual(Array.from(unnamed.bias));
  });

  it('keeps the photos in the order add() was called, whichever embedding finishes first', async () => {
    const later = (v: number[]) => new Promise<Float32Array>((resolve) => setTimeout(() => resolve(Float32Array.from(v)), v[0] === 1 ? 20 : 0));
    const t = createTrainer({ embed: (v: never) => later(v as unknown as number[]) });
    await Promise.all([t.add([1, 0] as never, 'slow'), t.add([0, 1] as never, 'fast')]);
    expect([...t.labels().keys()]).toEqual(['slow', 'fast']);
  });

  it('keeps labels that are Object.prototype names as ordinary labels', async () => {
    const head = await trainerWith(clusters(['__proto__', 'constructor'], 4, 0.2)).train({ epochs: 2, classWeights: { constructor: 2 } });
    expect(head.labels).toEqual(['__proto__', 'constructor']);
  });
});
