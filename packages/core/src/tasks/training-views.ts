import type { TrainingAccess } from '../classifier/training-access.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { SlotRunner } from '../flow/slots.js';
import { cropImage, viewWindows, type AugmentOptions } from '../image/augment.js';
import { normalizeToCHW } from '../image/normalize.js';
import { DEFAULTS } from '../options/defaults.js';

/**
 * Embeddings of one photo's views: the reference centre crop first, then the augmented ones. The
 * views are cut, normalised and embedded a batch at a time (the classifier batches a chunk's
 * calls), each batch in one of the trainer's `chunks` slots: however many photos are added at
 * once, only that many batches of 600 KB tensors exist (`limits.maxPendingBytes` would refuse more).
 */
export async function embedViews(
  access: TrainingAccess,
  chunks: SlotRunner,
  input: unknown,
  augment: AugmentOptions,
  random: () => number,
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const image = await access.resized(input, signal);
  if (!('crop' in image) || !image.centre) throw new OnnxMobilenetError('E_INPUT', 'augmented views need an image, not a prepared tensor');
  const { mean, std, cropSize } = access.preprocess;
  const { crop: resized, centre } = image;
  const windows = viewWindows(resized.width, resized.height, centre, augment, random);
  const embeddings: Float32Array[] = [];
  for (let start = 0; start < windows.length; start += DEFAULTS.batchSize) {
    const batch = windows.slice(start, start + DEFAULTS.batchSize);
    const tensor = ({ rect, mirror }: (typeof batch)[number]) => ({
      data: normalizeToCHW(cropImage(resized, rect, mirror), mean, std),
      dims: [1, 3, cropSize, cropSize],
    });
    // allSettled: a failed view frees the slot only once the batch's other views are done too.
    const settled = await chunks(signal, () => Promise.allSettled(batch.map((w) => access.embed(tensor(w), signal))));
    for (const r of settled) {
      if (r.status === 'rejected') throw r.reason;
      embeddings.push(r.value);
    }
  }
  return embeddings;
}
