import { throwIfAborted } from './abortable.js';

/** Runs `work` once a slot is free, the slot held until `work` settles. */
export type SlotRunner = <T>(signal: AbortSignal | undefined, work: () => Promise<T>) => Promise<T>;

/**
 * A counting semaphore: at most `count` works at once, the others wait in arrival order. A waiter
 * whose signal aborts leaves the queue and rejects with the signal's reason. A slot that is free
 * is taken synchronously, so `work` starts before control returns (no tick's delay). Written here
 * (a dozen lines) rather than taken from a library: core has no runtime dependency for this, and
 * it needs that synchronous fast path. (A closure: its names minify, for the web entry's budget.)
 *
 * @example
 * ```ts
 * const decodeSlot = slots(8);
 * const pixels = await decodeSlot(signal, () => decode(bytes));
 * ```
 */
export function slots(count: number): SlotRunner {
  let free = count;
  const waiting: (() => void)[] = [];
  return async (signal, work) => {
    throwIfAborted(signal);
    if (free > 0) free--;
    else {
      await new Promise<void>((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const at = waiting.indexOf(grant);
          if (at !== -1) waiting.splice(at, 1);
          reject(signal?.reason);
        };
        waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    try {
      return await work();
    } finally {
      // The slot goes to the first waiter, else back to the pool.
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}
