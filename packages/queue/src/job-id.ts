import { createHash } from 'node:crypto';

/**
 * The job id of an image: `img-` and the first 32 hex digits of the sha256 of the path or URL as
 * enqueued. Stable, so enqueueing the same input twice names the same job (BullMQ ignores an add
 * whose id exists) and the same result; free of `:`, which BullMQ refuses in custom ids.
 *
 * @example
 * ```ts
 * jobIdFor('/data/photos/cat.jpg'); // 'img-e6720d595829b21277d315e04e943840'
 * ```
 */
export function jobIdFor(image: string): string {
  return `img-${createHash('sha256').update(image).digest('hex').slice(0, 32)}`;
}
