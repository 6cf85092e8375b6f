import { throwIfAborted } from './abortable.js';

/**
 * A counting semaphore: at most `count` holders at once, the others wait in arrival order. A
 * waiter whose signal aborts leaves the queue and rejects with the signal's reason. Written here
 * (a dozen lines) rather than taken from a library: core has no runtime dependency for this, and
 * it needs the synchronous fast path below.
 */
export class Slots {
  private free: number;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(count: number) {
    this.free = count;
  }

  /**
   * Takes a slot: `undefined` when one was free (taken synchronously, so a caller that needs no
   * await keeps running before control returns), else a promise settled when one is granted.
   */
  acquire(signal?: AbortSignal): Promise<void> | undefined {
    throwIfAborted(signal);
    if (this.free > 0) {
      this.free--;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * `work` once a slot is free, the slot held until it settles. A slot that is free is taken
   * synchronously, so `work` starts before control returns (no tick's delay).
   */
  async run<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    const wait = this.acquire(signal);
    if (wait) await wait;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Gives a slot back: to the first waiter, else to the pool. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.free++;
  }
}
