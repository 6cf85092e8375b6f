import { isAbsolute, relative, sep } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/node';

/**
 * Most views (photo embeddings, each augmented view counted) one `train` run embeds: 200,000 views
 * of 1280 float32 values are about 1 GB of memory (2 GB while fitting: a standardised copy),
 * checked before anything is embedded.
 */
export const MAX_TRAIN_VIEWS = 200_000;

/** Bytes of one view's embedding (MobileNetV2's 1280 float32 values), for the limit's message. */
const VIEW_BYTES = 1280 * 4;

/** Views embedded per photo: the photo, its crops, and with `flip` each of those mirrored too. */
const viewsPerPhoto = (crops: number, flip: boolean): number => (1 + crops) * (flip ? 2 : 1);

/**
 * Throws `E_LIMIT` when `photos` × {@link viewsPerPhoto} is over {@link MAX_TRAIN_VIEWS}, naming the
 * numbers and the options that lower them.
 *
 * @example
 * ```ts
 * checkViewBudget(1000, 9, true); // 20,000 views: fine
 * ```
 */
export function checkViewBudget(photos: number, crops: number, flip: boolean): void {
  const each = viewsPerPhoto(crops, flip);
  const views = photos * each;
  if (views <= MAX_TRAIN_VIEWS) return;
  const n = (x: number) => x.toLocaleString('en-US');
  throw new OnnxMobilenetError(
    'E_LIMIT',
    `${n(photos)} photos × ${each} views each (1 + --crops ${crops}${flip ? ', ×2 for --flip' : ''}) = ${n(views)} views, over the limit of ` +
      `${n(MAX_TRAIN_VIEWS)} (about ${((views * VIEW_BYTES) / 1e9).toFixed(1)} GB of embeddings): lower --crops, leave out --flip or train on fewer photos`,
  );
}

/**
 * Whether `path` is `root` or under it; both already real paths (symbolic links resolved).
 *
 * @example
 * ```ts
 * isInside('/data', '/data/ripe/a.jpg'); // true
 * isInside('/data', '/usr/share/a.jpg'); // false
 * ```
 */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
