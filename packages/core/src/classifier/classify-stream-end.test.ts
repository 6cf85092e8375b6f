import { describe, expect, it, vi } from 'vitest';
import { filled } from '../../../../test/fake-backend.js';
import { type Frame, LIVE, streamClassifier } from '../../../../test/fake-stream.js';

describe('classifyStream: return() while a result is awaited', () => {
  it('ends a live stream whose source is quiet: the waiting next() is done, the feed stopped', async () => {
    const { classifier, live } = await streamClassifier();
    const it = classifier.classifyStream(LIVE);
    const waiting = it.next();
    await vi.waitFor(() => expect(live.state.sink).toBeDefined());
    const returned = it.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await returned).toEqual({ done: true, value: undefined });
    expect(live.state.stops).toBe(1);
  });

  it('ends a pulled stream whose source never answers, and releases the item it sends late', async () => {
    const { classifier, released } = await streamClassifier();
    let deliver: (v: IteratorResult<Frame>) => void = () => {};
    const returns = vi.fn(async () => ({ done: true as const, value: undefined }));
    const source: AsyncIterable<Frame> = { [Symbol.asyncIterator]: () => ({ next: () => new Promise((r) => (deliver = r)), return: returns }) };
    const it = classifier.classifyStream(source);
    const waiting = it.next();
    await new Promise((r) => setTimeout(r, 5));
    await it.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(returns).toHaveBeenCalledTimes(1);
    deliver({ done: false, value: filled(0.5) });
    await vi.waitFor(() => expect(released).toEqual(['0.5']));
  });

  it('ends while a frame is classified, the frame released', async () => {
    const { classifier, live, released } = await streamClassifier({ runDelayMs: 30 });
    const it = classifier.classifyStream(LIVE);
    const waiting = it.next();
    await vi.waitFor(() => expect(live.state.sink).toBeDefined());
    live.push(filled(0.2));
    await new Promise((r) => setTimeout(r, 5));
    await it.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(released).toEqual(['0.2']);
  });
});

describe('classifyStream options and sources', () => {
  it.each([
    [{ maxFps: 0 }, 'maxFps'],
    [{ maxFps: Number.NaN }, 'maxFps'],
    [{ smoothing: 1 }, 'smoothing'],
    [{ smoothing: -0.1 }, 'smoothing'],
    [{ allow: ['no such class'] }, 'unknown class'],
    [{ topK: 0 }, 'topK'],
  ])('refuses %o at the call, naming it', async (options, named) => {
    const { classifier } = await streamClassifier();
    expect(() => classifier.classifyStream([filled(0.1)], options)).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining(named) }),
    );
  });

  it.each([42, 'frames.mp4', null, {}, new Uint8Array(5)])('refuses %o as a source', async (source) => {
    const { classifier } = await streamClassifier();
    expect(() => classifier.classifyStream(source as never)).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining('classifyStream needs') }),
    );
  });

  it('a disposed classifier ends the stream with E_DISPOSED', async () => {
    const { classifier } = await streamClassifier();
    const it = classifier.classifyStream([filled(0.1), filled(0.2)]);
    await it.next();
    await classifier.dispose();
    await expect(it.next()).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });
});
