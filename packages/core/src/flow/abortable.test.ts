import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortable, decodeWithin } from './abortable.js';

describe('abortable', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', record);
    unhandled.length = 0;
  });

  it('rejects with the reason of a signal aborted already, and handles the rejection its promise settles with later', async () => {
    process.on('unhandledRejection', record);
    let fail!: (err: Error) => void;
    const work = new Promise<never>((_, reject) => {
      fail = reject;
    });
    await expect(abortable(work, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    fail(new Error('the abandoned work failed afterwards'));
    await new Promise((r) => setTimeout(r, 10));
    expect(unhandled).toEqual([]);
  });

  it('rejects when the signal aborts later, and settles with the promise otherwise', async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => undefined);
    const waiting = abortable(never, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(abortable(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});

describe('decodeWithin', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the time a decode already spent (opening it) against limits.decodeTimeoutMs, and names the whole limit', async () => {
    vi.useFakeTimers();
    const never = new Promise<never>(() => {});
    const outcome = decodeWithin(never, 'a.tif', { decodeTimeoutMs: 100 }, 60).then(
      () => 'resolved',
      (err: Error) => err.message,
    );
    await vi.advanceTimersByTimeAsync(39);
    let settled: string | undefined;
    void outcome.then((m) => (settled = m));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe(
      'decoding image a.tif took longer than limits.decodeTimeoutMs (100 ms); the decoder cannot be interrupted and may still be running',
    );
  });
});
