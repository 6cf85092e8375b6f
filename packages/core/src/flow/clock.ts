import { throwIfAborted } from './abortable.js';

/**
 * Milliseconds on a monotonic clock (`performance.now()`; `Date.now()` where a host has no `performance`).
 *
 * @example
 * ```ts
 * const capturedAt = now();
 * ```
 */
export function now(): number {
  return (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
}

/**
 * Resolves after `ms` (at once for 0 or less), or rejects with the signal's reason as soon as it
 * aborts, the timer then cleared.
 *
 * @example
 * ```ts
 * await delay(1000 / maxFps - elapsed, signal);
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
