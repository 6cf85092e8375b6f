import type { Limits } from '../options/defaults.js';
import { OnnxMobilenetError } from '../errors/errors.js';

/**
 * Rejects with the signal's reason as soon as it aborts, whatever `promise` does. `promise` is
 * followed even then, so a rejection it settles with later is handled, never reported unhandled.
 *
 * @example
 * ```ts
 * const result = await abortable(workThatCannotBeInterrupted(), signal); // answers at the abort
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws the signal's reason (the standard AbortError unless the caller chose another) once it aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

/** setTimeout's largest delay: a longer one overflows and fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Settles as `promise` does, or rejects with `onTimeout()` after `ms`, whatever `promise` does
 * (native work that cannot be interrupted goes on, but the caller is answered). `promise` is
 * followed even then, so a rejection it settles with later is handled, never reported unhandled.
 *
 * @example
 * ```ts
 * const bitmap = await withDeadline(createImageBitmap(blob), 30_000, () => new Error('too slow'));
 * ```
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), Math.min(ms, MAX_TIMER_MS));
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/**
 * An image decode held to `limits.decodeTimeoutMs`: past it, `E_LIMIT` naming the image and the
 * limit. Both adapters wrap their decoders in it (not the download, which has its own limits).
 * `spentMs`, the time the image's earlier steps took (opening it), counts against the same limit:
 * the limit bounds the whole decode of one image, however many steps it takes.
 *
 * @example
 * ```ts
 * const pixels = await decodeWithin(decode(bytes), 'photo.jpg', limits);
 * ```
 */
export function decodeWithin<T>(decode: Promise<T>, name: string, limits: Pick<Limits, 'decodeTimeoutMs'>, spentMs = 0): Promise<T> {
  return withDeadline(
    decode,
    Math.max(0, limits.decodeTimeoutMs - spentMs),
    () =>
      new OnnxMobilenetError(
        'E_LIMIT',
        `decoding image ${name} took longer than limits.decodeTimeoutMs (${limits.decodeTimeoutMs} ms); the decoder cannot be interrupted and may still be running`,
      ),
  );
}
