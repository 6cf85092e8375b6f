import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { splitPhotos, type Photo } from './training-split.js';

// Photo i of a class has views whose values all equal i: a view names its photo.
const photos = (label: string, count: number, views = 3): Photo[] =>
  Array.from({ length: count }, (_, i) => ({ label, views: Array.from({ length: views }, () => Float32Array.of(i)) }));

describe('splitPhotos', () => {
  it('holds out round(count × share) photos of each class, whole, and keeps the rest for training', () => {
    const all = [...photos('a', 10), ...photos('b', 4), ...photos('c', 1)];
    const { training, validation } = splitPhotos(all, ['a', 'b', 'c'], 0.25, seededRandom(1));
    const count = (set: Photo[], label: string) => set.filter((p) => p.label === label).length;
    // a: round(2.5) = 3 (half to even is not used: Math.round), b: 1, c: none (it keeps its one photo).
    expect(['a', 'b', 'c'].map((l) => [count(validation, l), count(training, l)])).toEqual([
      [3, 7],
      [1, 3],
      [0, 1],
    ]);
    // Every photo is in exactly one set, with all its views.
    expect(new Set([...training, ...validation])).toEqual(new Set(all));
    expect(training.filter((p) => validation.includes(p))).toEqual([]);
  });

  it('is the same for the same seed and differs for another', () => {
    const all = photos('a', 20);
    const held = (seed: number) => splitPhotos(all, ['a'], 0.3, seededRandom(seed)).validation.map((p) => p.views[0]![0]);
    expect(held(4)).toEqual(held(4));
    expect(held(5)).not.toEqual(held(4));
  });
});
