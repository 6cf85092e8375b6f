import type { TrainingAccess } from '../classifier/training-access.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import { augmentedViews, type AugmentOptions } from '../image/augment.js';
import { normalizeToCHW } from '../image/normalize.js';

/** Embeddings of one photo's views: the reference centre crop first, then the augmented ones. */
export async function embedViews(
  access: TrainingAccess,
  input: unknown,
  augment: AugmentOptions,
  random: () => number,
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const image = await access.resized(input, signal);
  if (!('crop' in image) || !image.centre) throw new OnnxMobilenetError('E_INPUT', 'augmented views need an image, not a prepared tensor');
  const { mean, std, cropSize } = access.preprocess;
  // Normalised one view at a time and embedded together (the classifier batches them).
  const tensors = augmentedViews(image.crop, image.centre, augment, random).map((view) => ({
    data: normalizeToCHW(view, mean, std),
    dims: [1, 3, cropSize, cropSize],
  }));
  return Promise.all(tensors.map((t) => access.embed(t, signal)));
}
