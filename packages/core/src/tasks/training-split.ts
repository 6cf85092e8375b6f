import { shuffle } from './seeded-random.js';

/** One photo given to a trainer: its label and its embeddings, the plain view first. */
export interface Photo {
  label: string;
  views: Float32Array[];
}

/**
 * Splits photos into training and validation, class by class (stratified) and by photo, never by
 * view: the augmented views of a validation photo would otherwise train on it. Each class holds
 * out `round(count × share)` photos, keeping at least one for training.
 */
export function splitPhotos(
  photos: readonly Photo[],
  labels: readonly string[],
  share: number,
  random: () => number,
): { training: Photo[]; validation: Photo[] } {
  const training: Photo[] = [];
  const validation: Photo[] = [];
  for (const label of labels) {
    const mine = shuffle(
      photos.filter((p) => p.label === label),
      random,
    );
    const held = Math.min(mine.length - 1, Math.round(mine.length * share));
    validation.push(...mine.slice(0, held));
    training.push(...mine.slice(held));
  }
  return { training, validation };
}
