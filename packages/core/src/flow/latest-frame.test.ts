import { describe, expect, it, vi } from 'vitest';
import { OnnxMobilenetError } from '../errors/errors.js';
import { latestFrame } from './latest-frame.js';

describe('latestFrame', () => {
  it('keeps only the newest frame, releasing each replaced one at once, and counts indices', async () => {
    const release = vi.fn();
    const box = latestFrame<string>(release);
    box.sink.frame({ input: 'a' });
    box.sink.frame({ input: 'b' });
    expect(release.mock.calls).toEqual([['a']]); // released when replaced, not later
    box.sink.frame({ input: 'c' });
    expect(release.mock.calls).toEqual([['a'], ['b']]);
    const taken = await box.take();
    expect(taken).toMatchObject({ frame: { input: 'c' }, index: 2 });
    box.sink.frame({ input: 'd' });
    expect(await box.take()).toMatchObject({ frame: { input: 'd' }, index: 3 });
    expect(release).toHaveBeenCalledTimes(2); // taken frames are the taker's to release
  });

  it('waits for a frame when none is there', async () => {
    const box = latestFrame<string>(() => {});
    const next = box.take();
    let settled = false;
    void next.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    box.sink.frame({ input: 'x', timestamp: 40, capturedAt: 7 });
    expect(await next).toEqual({ frame: { input: 'x', timestamp: 40, capturedAt: 7 }, index: 0 });
  });

  it("uses the feed's own indices (frames another thread dropped count)", async () => {
    const box = latestFrame<string>(() => {});
    box.sink.frame({ input: 'a', index: 10 });
    expect((await box.take())?.index).toBe(10);
    box.sink.frame({ input: 'b' }); // core counts on from the feed's last index
    expect((await box.take())?.index).toBe(11);
  });

  it('gives the waiting frame before the end, then undefined', async () => {
    const box = latestFrame<string>(() => {});
    box.sink.frame({ input: 'last' });
    box.sink.end();
    expect((await box.take())?.frame.input).toBe('last');
    expect(await box.take()).toBeUndefined();
  });

  it('a waiting take learns of the end', async () => {
    const box = latestFrame<string>(() => {});
    const next = box.take();
    box.sink.end();
    expect(await next).toBeUndefined();
  });

  it('a source that died rejects with E_INPUT naming its error, as the cause', async () => {
    const box = latestFrame<string>(() => {});
    const cause = new Error('camera unplugged');
    box.sink.end(cause);
    const err = await box.take().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxMobilenetError);
    expect(err).toMatchObject({ code: 'E_INPUT', cause });
    expect((err as Error).message).toContain('camera unplugged');
  });

  it('a typed error from the source is passed on as it is', async () => {
    const box = latestFrame<string>(() => {});
    const typed = new OnnxMobilenetError('E_LIMIT', 'frame too large');
    box.sink.end(typed);
    await expect(box.take()).rejects.toBe(typed);
  });

  it('an abort rejects a waiting take with the reason', async () => {
    const box = latestFrame<string>(() => {});
    const controller = new AbortController();
    const next = box.take(controller.signal);
    controller.abort();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('close releases the waiting frame and every later one; frames after the end are released too', async () => {
    const release = vi.fn();
    const box = latestFrame<string>(release);
    box.sink.frame({ input: 'waiting' });
    box.close();
    box.sink.frame({ input: 'late' });
    expect(release.mock.calls).toEqual([['waiting'], ['late']]);
    const ended = latestFrame<string>(release);
    ended.sink.end();
    ended.sink.frame({ input: 'after end' });
    expect(release).toHaveBeenLastCalledWith('after end');
  });

  it('a release that throws (a frame its owner closed) does not break the feed', async () => {
    const box = latestFrame<string>(() => {
      throw new Error('InvalidStateError');
    });
    box.sink.frame({ input: 'a' });
    box.sink.frame({ input: 'b' });
    expect((await box.take())?.frame.input).toBe('b');
  });
});
