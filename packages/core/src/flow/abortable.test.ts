import { afterEach, describe, expect, it } from 'vitest';
import { abortable } from './abortable.js';

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
